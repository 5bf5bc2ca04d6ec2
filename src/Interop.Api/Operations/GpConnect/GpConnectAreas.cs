using Hl7.Fhir.Model;
using Interop.Core.Known;

namespace Interop.Api.Operations.GpConnect;

/// <summary>
/// The Lists a request asks for, with GP Connect's STU3 areas mapped onto R4 resources (UK domain
/// notes 1.4 and 1.5: ReferralRequest and ProcedureRequest become ServiceRequest; MedicationRequest
/// intent <c>plan</c> is an authorisation and <c>order</c> an issue, as in GP Connect).
/// </summary>
public static class GpConnectAreas
{
    public static IEnumerable<GpConnectListSpec> For(GpConnectRequest request)
    {
        if (request.IncludeAllergies)
        {
            yield return new(GpConnectCodes.AllergiesList, "Allergies and adverse reactions", ["AllergyIntolerance"],
                r => r is AllergyIntolerance a && !EnteredInError(a.VerificationStatus) && !IsResolvedAllergy(a));
            if (request.IncludeResolvedAllergies)
                yield return new(GpConnectCodes.EndedAllergiesList, "Ended allergies", ["AllergyIntolerance"],
                    r => r is AllergyIntolerance a && !EnteredInError(a.VerificationStatus) && IsResolvedAllergy(a));
        }
        if (request.IncludeMedication)
        {
            yield return new(GpConnectCodes.MedicationsList, "Medications and medical devices", ["MedicationStatement", "MedicationRequest"],
                r => r switch
                {
                    MedicationStatement s => s.Status != MedicationStatement.MedicationStatusCodes.EnteredInError
                        && CurrentFrom(request.MedicationSearchFromDate, EndOf(s.Effective)),
                    MedicationRequest m => m.Status != MedicationRequest.MedicationrequestStatus.EnteredInError
                        && (m.Intent != MedicationRequest.MedicationRequestIntent.Order || request.IncludePrescriptionIssues)
                        && CurrentFrom(request.MedicationSearchFromDate, m.DispenseRequest?.ValidityPeriod?.End ?? m.AuthoredOn),
                    _ => false,
                });
        }
        if (request.IncludeProblems)
        {
            yield return new(GpConnectCodes.ProblemsList, "Problems", ["Condition"],
                r => r is Condition c && IsProblem(c) && !EnteredInError(c.VerificationStatus) && ProblemStatusMatches(c, request.ProblemStatus));
        }
        if (request.IncludeConsultations)
        {
            yield return new(GpConnectCodes.ConsultationsList, "List of consultations", ["Encounter"],
                r => r is Encounter e && e.Status != Encounter.EncounterStatus.EnteredInError
                    && (request.ConsultationPeriod is null || request.ConsultationPeriod.Contains(e.Period?.Start)),
                items =>
                {
                    // Newest first; includeNumberOfMostRecent keeps the first N (GP Connect consultation guidance).
                    var ordered = items.OrderByDescending(i => ((Encounter)i.Resource).Period?.Start ?? "", StringComparer.Ordinal);
                    return request.MostRecentConsultations is { } n ? ordered.Take(n) : ordered;
                });
        }
        if (request.IncludeImmunisations)
        {
            yield return new(GpConnectCodes.ImmunisationsList, "Immunisations", ["Immunization"],
                r => r is Immunization i && i.Status != Immunization.ImmunizationStatusCodes.EnteredInError
                    && (request.IncludeNotGiven || i.Status != Immunization.ImmunizationStatusCodes.NotDone));
        }
        if (request.IncludeUncategorisedData)
        {
            yield return new(GpConnectCodes.UncategorisedList, "Miscellaneous record", ["Observation"],
                r => r is Observation o && !IsLaboratory(o) && o.Status != ObservationStatus.EnteredInError
                    && (request.UncategorisedPeriod is null || request.UncategorisedPeriod.Contains(StartOf(o.Effective))));
        }
        if (request.IncludeInvestigations)
        {
            yield return new(GpConnectCodes.InvestigationsList, "Investigations and results", ["DiagnosticReport", "Observation"],
                r => r switch
                {
                    DiagnosticReport d => d.Status != DiagnosticReport.DiagnosticReportStatus.EnteredInError
                        && (request.InvestigationPeriod is null || request.InvestigationPeriod.Contains(StartOf(d.Effective) ?? d.Issued?.ToString("yyyy-MM-dd"))),
                    Observation o => IsLaboratory(o) && o.Status != ObservationStatus.EnteredInError
                        && (request.InvestigationPeriod is null || request.InvestigationPeriod.Contains(StartOf(o.Effective))),
                    _ => false,
                });
        }
        if (request.IncludeReferrals)
        {
            yield return new(GpConnectCodes.ReferralsList, "Outbound referral", ["ServiceRequest"],
                r => r is ServiceRequest s && s.Status != RequestStatus.EnteredInError
                    && (request.ReferralPeriod is null || request.ReferralPeriod.Contains(s.AuthoredOn)));
        }
    }

    /// <summary>Resolved or inactive allergies go to "Ended allergies"; an allergy without a clinical status counts as current.</summary>
    public static bool IsResolvedAllergy(AllergyIntolerance allergy) =>
        HasCode(allergy.ClinicalStatus, KnownSystems.AllergyClinical, "resolved", "inactive");

    /// <summary>A problem is a Condition in the problem list (R4 condition-category <c>problem-list-item</c>).</summary>
    public static bool IsProblem(Condition condition) =>
        condition.Category.Any(c => HasCode(c, KnownSystems.ConditionCategory, "problem-list-item"));

    private static bool ProblemStatusMatches(Condition condition, string? status) => status switch
    {
        "active" => HasCode(condition.ClinicalStatus, KnownSystems.ConditionClinical, "active", "recurrence", "relapse"),
        "inactive" => HasCode(condition.ClinicalStatus, KnownSystems.ConditionClinical, "inactive", "remission", "resolved"),
        _ => true,
    };

    private static bool IsLaboratory(Observation observation) =>
        observation.Category.Any(c => HasCode(c, KnownSystems.ObservationCategory, "laboratory"));

    private static bool EnteredInError(CodeableConcept? verification) =>
        verification?.Coding.Any(c => c.Code == "entered-in-error") == true;

    private static bool HasCode(CodeableConcept? concept, string system, params string[] codes) =>
        concept?.Coding.Any(c => c.System == system && codes.Contains(c.Code)) == true;

    /// <summary>Current on or after <paramref name="from"/>: no end recorded, or ending on or after it.</summary>
    private static bool CurrentFrom(string? from, string? end) =>
        from is null || end is null || string.CompareOrdinal(end.Length > 10 ? end[..10] : end, from) >= 0;

    private static string? EndOf(DataType? effective) => effective switch
    {
        FhirDateTime d => d.Value,
        Period p => p.End,
        _ => null,
    };

    private static string? StartOf(DataType? effective) => effective switch
    {
        FhirDateTime d => d.Value,
        Period p => p.Start,
        Instant i => i.Value?.ToString("yyyy-MM-dd"),
        _ => null,
    };
}
