namespace Interop.Adapters.Council;

/// <summary>
/// Column names of the council assessment format: CSV header names and JSON property names alike
/// (matched case-insensitively). docs/adapters/council-assessments.md describes each one.
/// </summary>
public static class CouncilAssessmentColumns
{
    public const string CouncilCode = "councilCode";
    public const string CouncilName = "councilName";
    public const string AssessmentId = "assessmentId";
    public const string PersonId = "personId";
    public const string NhsNumber = "nhsNumber";
    /// <summary>Optional PDS trace status of the NHS number, <c>01</c>..<c>08</c>; without <c>01</c> the row never merges with another organisation's record.</summary>
    public const string NhsNumberStatus = "nhsNumberStatus";
    public const string FamilyName = "familyName";
    public const string GivenName = "givenName";
    public const string BirthDate = "birthDate";
    public const string AssessmentType = "assessmentType";
    public const string StartDate = "startDate";
    public const string CompletionDate = "completionDate";
    public const string AssessorName = "assessorName";
    public const string AssessorTeam = "assessorTeam";
    public const string Status = "status";
    public const string SignificantWellbeingImpact = "significantWellbeingImpact";
    public const string EligibleNeeds = "eligibleNeeds";
    public const string EventOutcome = "eventOutcome";
    public const string PrimarySupportReason = "primarySupportReason";
    /// <summary>Goals separated by <c>;</c> in CSV; a JSON array (or the same string) in JSON.</summary>
    public const string SupportPlanGoals = "supportPlanGoals";
    public const string ServiceComponent = "serviceComponent";
    public const string ServiceType = "serviceType";
    public const string ServiceStartDate = "serviceStartDate";
    public const string ServiceEndDate = "serviceEndDate";
    public const string ServiceStatus = "serviceStatus";

    /// <summary>Columns a CSV header must have and every row must fill.</summary>
    public static IReadOnlyList<string> Required { get; } =
        [CouncilCode, AssessmentId, PersonId, NhsNumber, AssessmentType, StartDate, Status];

    /// <summary>Every column the format defines, in the documented order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        CouncilCode, CouncilName, AssessmentId, PersonId, NhsNumber, NhsNumberStatus, FamilyName, GivenName, BirthDate,
        AssessmentType, StartDate, CompletionDate, AssessorName, AssessorTeam, Status,
        .. EligibilityOutcome.All.SelectMany(o => new[] { o.UnableColumn, o.NoteColumn }),
        SignificantWellbeingImpact, EligibleNeeds, EventOutcome, PrimarySupportReason, SupportPlanGoals,
        ServiceComponent, ServiceType, ServiceStartDate, ServiceEndDate, ServiceStatus,
    ];
}
