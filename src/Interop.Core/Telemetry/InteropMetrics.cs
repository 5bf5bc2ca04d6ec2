using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Interop.Core.Telemetry;

/// <summary>
/// The gateway's own measurements, on the <see cref="System.Diagnostics.Metrics.Meter"/> named
/// <see cref="MeterName"/>; the host exports them through OpenTelemetry (OTLP) beside the ASP.NET Core,
/// HttpClient and runtime metrics. Static so any layer (storage, adapters, endpoints) can record
/// without injection; recording with no listener attached costs next to nothing.
/// </summary>
/// <remarks>
/// Tags are low-cardinality by design: never a patient, resource id or NHS number, only codes from
/// small fixed sets (decision, adapter, outcome, status, error code), so no clinical data leaves
/// through telemetry. Instrument names follow the OpenTelemetry semantic-convention style
/// (<c>interop.area.thing</c>, durations in seconds).
/// </remarks>
public static class InteropMetrics
{
    /// <summary>The meter name to subscribe to (OpenTelemetry <c>AddMeter("Interop")</c>).</summary>
    public const string MeterName = "Interop";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> ConsentDecisions = Meter.CreateCounter<long>(
        "interop.consent.decisions", unit: "{decision}",
        description: "Consent decisions taken, tagged by decision (permit, deny, break-glass).");

    private static readonly Histogram<double> AuditCommitDuration = Meter.CreateHistogram<double>(
        "interop.audit.commit.duration", unit: "s",
        description: "Time to make one group commit of audit entries durable.");

    private static readonly Histogram<long> AuditCommitBatchSize = Meter.CreateHistogram<long>(
        "interop.audit.commit.batch_size", unit: "{entry}",
        description: "Audit entries written by one group commit.");

    private static Func<long> _auditBacklog = () => 0;

    private static readonly ObservableGauge<long> AuditBacklog = Meter.CreateObservableGauge(
        "interop.audit.backlog", () => _auditBacklog(), unit: "{entry}",
        description: "Audit journal rows committed by this process and not yet stored as AuditEvents.");

    private static Func<long> _auditPendingViews = () => 0;

    private static readonly ObservableGauge<long> AuditPendingViews = Meter.CreateObservableGauge(
        "interop.audit.pending_views", () => _auditPendingViews(), unit: "{view}",
        description: "Patients' views of accesses made by this process waiting to be stored as AuditEvents.");

    private static Func<long> _sqliteLogFrames = () => 0;

    private static readonly ObservableGauge<long> SqliteLogFrames = Meter.CreateObservableGauge(
        "interop.storage.sqlite.wal_frames", () => _sqliteLogFrames(), unit: "{frame}",
        description: "SQLite write-ahead log frames the last background checkpoint could not copy into the database file.");

    private static readonly Counter<long> SqliteStatements = Meter.CreateCounter<long>(
        "interop.storage.sqlite.statements", unit: "{query}",
        description: "SQLite read queries answered from a statement kept compiled (outcome reused) or compiled to be kept (outcome compiled).");

    private static readonly Counter<long> AdapterMessages = Meter.CreateCounter<long>(
        "interop.adapter.messages", unit: "{message}",
        description: "Messages handled by an adapter, tagged by adapter (gp, hospital, council) and outcome (AA, AE, AR, stored, rejected ...).");

    private static readonly Counter<long> ClientErrors = Meter.CreateCounter<long>(
        "interop.http.client_errors", unit: "{response}",
        description: "4xx responses, tagged by HTTP status and the OperationOutcome detail code.");

    /// <summary>Counts one consent decision (one per request, not per resource withheld).</summary>
    public static void RecordConsentDecision(ConsentDecisionOutcome outcome) =>
        ConsentDecisions.Add(1, new KeyValuePair<string, object?>("decision", DecisionTag(outcome)));

    /// <summary>Records one audit group commit: how many entries it held and how long it took to be durable.</summary>
    public static void RecordAuditCommit(int batchSize, TimeSpan duration)
    {
        AuditCommitBatchSize.Record(batchSize);
        AuditCommitDuration.Record(duration.TotalSeconds);
    }

    /// <summary>Names where <c>interop.audit.backlog</c> is read from (the audit materialiser of this process).</summary>
    public static void ObserveAuditBacklog(Func<long> backlog) => _auditBacklog = backlog;

    /// <summary>Names where <c>interop.audit.pending_views</c> is read from (the audit materialiser of this process).</summary>
    public static void ObserveAuditPendingViews(Func<long> waiting) => _auditPendingViews = waiting;

    /// <summary>Names where <c>interop.storage.sqlite.wal_frames</c> is read from (the SQLite checkpointer).</summary>
    public static void ObserveSqliteLogFrames(Func<long> frames) => _sqliteLogFrames = frames;

    /// <summary>Counts one SQLite read query of the statement cache: <paramref name="reused"/> when it ran a statement kept compiled.</summary>
    public static void RecordSqliteStatement(bool reused) =>
        SqliteStatements.Add(1, new KeyValuePair<string, object?>("outcome", reused ? "reused" : "compiled"));

    /// <summary>
    /// Counts one message handled by an adapter: <paramref name="adapter"/> is <c>gp</c>, <c>hospital</c>
    /// or <c>council</c>; <paramref name="outcome"/> is the HL7 v2 acknowledgment code (MSA-1: <c>AA</c>,
    /// <c>AE</c>, <c>AR</c>) or a short fixed word for the others (<c>stored</c>, <c>partial</c>, <c>rejected</c>).
    /// </summary>
    public static void RecordAdapterMessage(string adapter, string outcome)
    {
        var tags = new TagList { { "adapter", adapter }, { "outcome", outcome } };
        AdapterMessages.Add(1, tags);
    }

    /// <summary>
    /// Counts one 4xx answer with its detail code from <c>https://interop.example/CodeSystem/error</c>
    /// (<see cref="Fhir.FhirErrorCode"/>); <c>null</c> when the answer carried none.
    /// </summary>
    public static void RecordClientError(int statusCode, string? detailCode)
    {
        var tags = new TagList { { "http.response.status_code", statusCode }, { "error.code", detailCode ?? "none" } };
        ClientErrors.Add(1, tags);
    }

    private static string DecisionTag(ConsentDecisionOutcome outcome) => outcome switch
    {
        ConsentDecisionOutcome.Permit => "permit",
        ConsentDecisionOutcome.Deny => "deny",
        ConsentDecisionOutcome.BreakGlass => "break-glass",
        _ => "unknown",
    };
}
