namespace Interop.Storage.Entities;

/// <summary>
/// A patient's view of one access, decided but not yet stored as an AuditEvent, in its compact form:
/// what the view is built from (the access as the view shows it, the ledger entries in force and the
/// items it names; Interop.Api's <c>PendingView</c>), about 400 bytes. Kept without search index rows
/// until the patient (or a privacy officer) reads the access log, or the gateway is idle
/// (docs/decisions/0008-patient-views-on-demand.md). A table of its own, beside
/// <see cref="AuditPendingViewRow"/> (views as FHIR JSON), so that a replica of an earlier release,
/// still running during a rolling upgrade, never meets a row it cannot read.
/// </summary>
public sealed class AuditViewSourceRow : IWaitingViewRow
{
    public long Id { get; set; }

    /// <summary>The patient whose access log the view belongs to.</summary>
    public string PatientId { get; set; } = "";

    /// <summary>When the access happened (UTC microseconds since the Unix epoch).</summary>
    public long RecordedAt { get; set; }

    /// <summary>What the view is built from, as JSON.</summary>
    public string Json { get; set; } = "";
}
