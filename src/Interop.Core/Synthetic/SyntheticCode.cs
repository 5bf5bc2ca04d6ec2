using Hl7.Fhir.Model;

namespace Interop.Core.Synthetic;

/// <summary>One coded concept from the synthetic code lists.</summary>
internal sealed record SyntheticCode(string System, string Code, string Display)
{
    public Coding ToCoding() => new(System, Code, Display);

    public CodeableConcept ToConcept() => new() { Coding = [ToCoding()], Text = Display };
}
