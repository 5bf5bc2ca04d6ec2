using Hl7.Fhir.Model;

namespace Interop.Core.Patch;

/// <summary>Where an element sits in a POCO tree: its parent, the element name, and its list position (-1 when it does not repeat).</summary>
internal readonly record struct ElementLocation(Base Parent, string Name, int Index)
{
    public bool IsListItem => Index >= 0;
}
