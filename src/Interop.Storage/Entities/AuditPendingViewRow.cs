namespace Interop.Storage.Entities;

/// <summary>
/// A patient's view of one access, decided but not yet stored as an AuditEvent, kept
/// here without search index rows until the patient (or a privacy officer) reads the access log, or
/// the gateway is idle (docs/decisions/0008-patient-views-on-demand.md).
/// </summary>
public sealed class AuditPendingViewRow
{
    public long Id { get; set; }

    /// <summary>The patient whose access log the view belongs to.</summary>
    public string PatientId { get; set; } = "";

    /// <summary>When the access happened (UTC microseconds since the Unix epoch).</summary>
    public long RecordedAt { get; set; }

    /// <summary>
    /// What the view is built from when it is stored (the access as the view shows it, the ledger entries
    /// and the items it names: Interop.Api's PendingView), or the view's own FHIR JSON without an id
    /// (rows written before that form, and the copies an A40 merge makes).
    /// </summary>
    public string Json { get; set; } = "";
}
