namespace Interop.Api.Audit;

/// <summary>
/// Facts a request's handlers add for its audit entry beyond what the response shows: the consent
/// decision (permit or deny) and anything worth naming. Scoped to the request.
/// </summary>
public sealed class AuditScope
{
    /// <summary>Patients whose data the request touched that the released rows do not show (e.g. a denied read).</summary>
    public HashSet<string> Patients { get; } = new(StringComparer.Ordinal);

    /// <summary>Resource rows released to the caller (filled from the response).</summary>
    public List<long> ReleasedRows { get; } = [];

    /// <summary>A free-text note (e.g. why access was refused).</summary>
    public string? Note { get; set; }

    /// <summary>True once the request's audit entry was written, so it is never written twice.</summary>
    public bool Written { get; set; }
}
