namespace Interop.Storage.Entities;

/// <summary>One <c>meta.security</c> coding of a resource version, so sensitive classes filter in SQL.</summary>
public sealed class SecurityLabelRow
{
    public long ResourceRowId { get; set; }

    public string System { get; set; } = "";

    public string Code { get; set; } = "";

    /// <summary>
    /// The FHIR type of the resource version (a copy of its row's), so that "which rows of this type
    /// carry a sensitive label" is answered from the label index alone: what a consent-checked search
    /// asks to say whether anything it matched was withheld (<c>ConsentFilter.WithholdingCandidates</c>).
    /// </summary>
    public string ResourceType { get; set; } = "";
}
