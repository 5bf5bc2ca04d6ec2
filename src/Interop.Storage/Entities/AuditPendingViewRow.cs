namespace Interop.Storage.Entities;

/// <summary>
/// A patient's view of one access, built but not yet stored as an AuditEvent: the view's JSON, kept
/// here without search index rows until the patient (or a privacy officer) reads the access log, or
/// the gateway is idle (docs/decisions/0008-patient-views-on-demand.md).
/// </summary>
public sealed class AuditPendingViewRow : IWaitingViewRow
{
    public long Id { get; set; }

    /// <summary>The patient whose access log the view belongs to.</summary>
    public string PatientId { get; set; } = "";

    /// <summary>When the access happened (UTC microseconds since the Unix epoch).</summary>
    public long RecordedAt { get; set; }

    /// <summary>
    /// The AuditEvent (the patient's view) as JSON, without an id. Views written since 7 December 2026
    /// (evening) wait in their compact form in <see cref="AuditViewSourceRow"/>; this table holds those
    /// written before, and the copies an A40 merge makes for the surviving patient.
    /// </summary>
    public string Json { get; set; } = "";
}
