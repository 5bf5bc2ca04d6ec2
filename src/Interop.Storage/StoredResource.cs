namespace Interop.Storage;

/// <summary>What the store hands back: a version's identity and its stored JSON (null when deleted).</summary>
public sealed record StoredResource(
    long RowId,
    string ResourceType,
    string ResourceId,
    int VersionId,
    DateTimeOffset LastUpdated,
    bool IsDeleted,
    string Method,
    string? Json)
{
    /// <summary>The weak ETag of this version, as FHIR http.html#versioning asks.</summary>
    public string ETag => $"W/\"{VersionId}\"";

    public string VersionedLocation => $"{ResourceType}/{ResourceId}/_history/{VersionId}";
}
