namespace Interop.Api.Operations.GpConnect;

/// <summary>
/// A validated <c>$gpc.getstructuredrecord</c> request: which clinical areas were asked for and
/// their filters (GP Connect OperationDefinition GPConnect-GetStructuredRecord-Operation-1).
/// </summary>
public sealed class GpConnectRequest
{
    /// <summary>The NHS number asked for, ten digits without spaces.</summary>
    public string NhsNumber { get; set; } = "";

    public bool IncludeAllergies { get; set; }

    /// <summary>Adds the "Ended allergies" list (mandatory part of includeAllergies).</summary>
    public bool IncludeResolvedAllergies { get; set; }

    public bool IncludeMedication { get; set; }

    /// <summary>Issues (MedicationRequest intent <c>order</c>); GP Connect's default is true.</summary>
    public bool IncludePrescriptionIssues { get; set; } = true;

    /// <summary>Only medication current on or after this whole date.</summary>
    public string? MedicationSearchFromDate { get; set; }

    public bool IncludeProblems { get; set; }

    /// <summary><c>active</c> or <c>inactive</c>, or null for both.</summary>
    public string? ProblemStatus { get; set; }

    public bool IncludeConsultations { get; set; }

    public GpConnectDateRange? ConsultationPeriod { get; set; }

    public int? MostRecentConsultations { get; set; }

    public bool IncludeImmunisations { get; set; }

    /// <summary>Immunisations recorded as not given (status <c>not-done</c>); GP Connect's default is false.</summary>
    public bool IncludeNotGiven { get; set; }

    public bool IncludeInvestigations { get; set; }

    public GpConnectDateRange? InvestigationPeriod { get; set; }

    public bool IncludeReferrals { get; set; }

    public GpConnectDateRange? ReferralPeriod { get; set; }

    public bool IncludeUncategorisedData { get; set; }

    public GpConnectDateRange? UncategorisedPeriod { get; set; }

    /// <summary>Asked for, validated, and answered with a warning: the gateway holds no diary entries.</summary>
    public bool IncludeDiaryEntries { get; set; }
}
