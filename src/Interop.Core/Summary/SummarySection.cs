namespace Interop.Core.Summary;

/// <summary>
/// A section of the International Patient Summary-shaped document (HL7 IPS 2.0: Composition
/// sections by LOINC code) and the resource types whose entries belong in it.
/// </summary>
public sealed record SummarySection(string Title, string LoincCode, string LoincDisplay, bool Required, IReadOnlyList<string> ResourceTypes)
{
    public static readonly IReadOnlyList<SummarySection> All =
    [
        new("Problems", "11450-4", "Problem list - Reported", true, ["Condition"]),
        new("Allergies and intolerances", "48765-2", "Allergies and adverse reactions Document", true, ["AllergyIntolerance"]),
        new("Medications", "10160-0", "History of Medication use Narrative", true, ["MedicationStatement", "MedicationRequest"]),
        new("Immunizations", "11369-6", "History of Immunization Narrative", false, ["Immunization"]),
        new("Results", "30954-2", "Relevant diagnostic tests/laboratory data Narrative", false, ["Observation", "DiagnosticReport"]),
        new("Procedures", "47519-4", "History of Procedures Document", false, ["Procedure"]),
        new("Encounters", "46240-8", "History of Hospitalizations+Outpatient visits Narrative", false, ["Encounter"]),
        new("Social care", "29762-2", "Social history Narrative", false, ["Task", "QuestionnaireResponse", "CarePlan", "EpisodeOfCare"]),
    ];

    /// <summary>Every resource type any section draws on.</summary>
    public static IReadOnlyList<string> AllTypes { get; } = All.SelectMany(s => s.ResourceTypes).Distinct().ToList();
}
