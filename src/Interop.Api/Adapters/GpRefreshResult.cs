using Hl7.Fhir.Model;

namespace Interop.Api.Adapters;

/// <summary>
/// The outcome of <see cref="GpRecordRefresher.RefreshIfStaleAsync"/>. <see cref="Warning"/> is set
/// for <see cref="GpRefreshStatus.Stale"/> (and explains <see cref="GpRefreshStatus.NotApplicable"/>
/// when a patient was named that cannot be pulled): add it to the response's OperationOutcome so the
/// clinician knows the GP data may be out of date (architecture decision 9).
/// </summary>
/// <param name="Status">What happened.</param>
/// <param name="PatientId">The stored Patient's logical id, when known (after a refresh, the one the extract resolved to).</param>
/// <param name="PracticeOdsCode">The practice pulled from (or that would have been).</param>
/// <param name="LastPulledAt">When this instance last pulled this patient's record successfully.</param>
/// <param name="Warning">An OperationOutcome issue (severity warning or information) to pass on, or null.</param>
public sealed record GpRefreshResult(
    GpRefreshStatus Status,
    string? PatientId,
    string? PracticeOdsCode,
    DateTimeOffset? LastPulledAt,
    OperationOutcome.IssueComponent? Warning);
