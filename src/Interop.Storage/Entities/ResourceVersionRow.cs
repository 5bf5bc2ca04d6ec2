namespace Interop.Storage.Entities;

/// <summary>
/// One version of one resource, stored once as the JSON we serve (architecture decision 2).
/// Compartment and security-label rows hang off it so consent can filter in SQL (decision 3).
/// </summary>
public sealed class ResourceVersionRow
{
    public long Id { get; set; }

    public string ResourceType { get; set; } = "";

    public string ResourceId { get; set; } = "";

    public int VersionId { get; set; }

    /// <summary>UTC microseconds since the Unix epoch: orders and compares the same on every provider.</summary>
    public long LastUpdated { get; set; }

    public bool IsDeleted { get; set; }

    /// <summary>True on the newest version only; search and read look at current rows.</summary>
    public bool IsCurrent { get; set; }

    /// <summary>The resource as served, with meta.versionId and meta.lastUpdated set; null for a delete marker.</summary>
    public string? Json { get; set; }

    /// <summary>The HTTP verb that made this version (POST, PUT, PATCH, DELETE), for history entries.</summary>
    public string Method { get; set; } = "POST";

    /// <summary>ODS code of the organisation whose request wrote this version (the custodian for consent).</summary>
    public string? Custodian { get; set; }

    public List<CompartmentRow> Compartments { get; set; } = [];

    public List<SecurityLabelRow> SecurityLabels { get; set; } = [];

    public List<TokenIndexRow> Tokens { get; set; } = [];

    public List<StringIndexRow> Strings { get; set; } = [];

    public List<DateIndexRow> Dates { get; set; } = [];

    public List<QuantityIndexRow> Quantities { get; set; } = [];

    public List<ReferenceIndexRow> References { get; set; } = [];

    public List<UriIndexRow> Uris { get; set; } = [];
}
