namespace Interop.Storage.Entities;

/// <summary>
/// One answered (or refused) request's access record as the audit writer commits it, before the
/// response is sent: the facts the request's AuditEvents are built from, as JSON. The audit
/// materialiser turns journal rows into AuditEvent resources in batches and claims them in the same
/// transaction, so every row is either still waiting or stored as AuditEvents, never lost or doubled
/// (docs/decisions/0007-audit-journal.md). On SQLite the rows live in a file of their own
/// (docs/decisions/0010-sqlite-audit-journal-file.md).
/// </summary>
public sealed class AuditJournalRow
{
    /// <summary>Commit order; the materialiser works through rows in this order.</summary>
    public long Id { get; set; }

    /// <summary>When the access happened (UTC microseconds since the Unix epoch).</summary>
    public long RecordedAt { get; set; }

    /// <summary>The access record as JSON (the gateway's own shape, not FHIR).</summary>
    public string Entry { get; set; } = "";
}
