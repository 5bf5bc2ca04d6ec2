namespace Interop.Adapters.Council;

/// <summary>
/// One validated assessment from a council file. Only rows without errors become a
/// <see cref="CouncilAssessmentRow"/>; codes are checked against <see cref="KnownCouncilCodes"/>
/// and the NHS number is normalised (ten digits, no spaces) and Modulus 11 valid.
/// </summary>
public sealed record CouncilAssessmentRow
{
    /// <summary>1-based position of the row among the data rows (CSV: after the header; JSON: in the array).</summary>
    public required int RowNumber { get; init; }
    /// <summary>ODS-style code of the local authority; also the namespace of its record ids.</summary>
    public required string CouncilCode { get; init; }
    public string? CouncilName { get; init; }
    /// <summary>The council's own id for the assessment; the idempotency key of everything mapped from the row.</summary>
    public required string AssessmentId { get; init; }
    /// <summary>The council's person id (LA person unique identifier in CLD).</summary>
    public required string PersonId { get; init; }
    public required string NhsNumber { get; init; }
    /// <summary>NHS number verification status (England code <c>01</c>..<c>08</c>), when the council traced it; null = unverified.</summary>
    public string? NhsNumberStatus { get; init; }
    public string? FamilyName { get; init; }
    public string? GivenName { get; init; }
    public DateOnly? BirthDate { get; init; }
    /// <summary>A key of <see cref="KnownCouncilCodes.AssessmentTypes"/>.</summary>
    public required string AssessmentType { get; init; }
    public required DateOnly StartDate { get; init; }
    public DateOnly? CompletionDate { get; init; }
    public string? AssessorName { get; init; }
    public string? AssessorTeam { get; init; }
    /// <summary>One of <see cref="KnownCouncilCodes.AssessmentStatuses"/> (FHIR Task.status).</summary>
    public required string Status { get; init; }
    /// <summary>Always ten findings, in reg 2(2) order; unrecorded ones have a null finding.</summary>
    public required IReadOnlyList<EligibilityOutcomeFinding> Outcomes { get; init; }
    public bool? SignificantWellbeingImpact { get; init; }
    public bool? EligibleNeeds { get; init; }
    /// <summary>CLD Event Outcome code.</summary>
    public string? EventOutcome { get; init; }
    /// <summary>CLD Primary Support Reason code.</summary>
    public string? PrimarySupportReason { get; init; }
    public IReadOnlyList<string> SupportPlanGoals { get; init; } = [];
    public CouncilService? Service { get; init; }
}
