namespace Interop.Adapters.Hl7v2;

/// <summary>A patient identifier as a FHIR token (<c>system|value</c>), e.g. the NHS number or a trust MRN.</summary>
public sealed record Hl7v2PatientIdentifier(string System, string Value)
{
    /// <summary>The search token <c>system|value</c> (unescaped).</summary>
    public override string ToString() => $"{System}|{Value}";
}
