using Hl7.Fhir.Model;
using Interop.Core.Known;

namespace Interop.Adapters.Hl7v2;

/// <summary>AL1 to AllergyIntolerance (V2-to-FHIR AL1 segment map).</summary>
internal static class Hl7v2AllergyMapper
{
    /// <summary>
    /// One AL1. Identified per patient and allergen code (AL1 has no stable id of its own; AL1-1 is
    /// just a position), so the A08 that resends a patient's allergies updates them.
    /// </summary>
    public static void Map(Hl7v2MappingContext context, Hl7v2Segment al1, ResourceReference patient, Identifier patientKey)
    {
        var code = Hl7v2DataTypes.ToCodeableConcept(al1.GetField(3), context.Source);
        if (code is null)
        {
            context.Warning(Hl7v2ErrorCode.RequiredFieldMissing, "AL1-3 allergen is empty; the allergy was not stored.", al1, 3);
            return;
        }
        var allergy = new AllergyIntolerance
        {
            Patient = patient,
            Code = code,
            ClinicalStatus = new CodeableConcept(KnownSystems.AllergyClinical, "active"),
        };

        // AL1-2 allergen type (table 0127).
        var type = Hl7v2DataTypes.Clean(al1.Get(2))?.ToUpperInvariant();
        AllergyIntolerance.AllergyIntoleranceCategory? category = type switch
        {
            "DA" => AllergyIntolerance.AllergyIntoleranceCategory.Medication,
            "FA" => AllergyIntolerance.AllergyIntoleranceCategory.Food,
            "EA" or "PA" or "LA" => AllergyIntolerance.AllergyIntoleranceCategory.Environment,
            "AA" => AllergyIntolerance.AllergyIntoleranceCategory.Biologic,
            _ => null,
        };
        if (category is not null) allergy.Category = [category];

        // AL1-4 severity (table 0128) -> criticality.
        allergy.Criticality = Hl7v2DataTypes.Clean(al1.Get(4))?.ToUpperInvariant() switch
        {
            "SV" => AllergyIntolerance.AllergyIntoleranceCriticality.High,
            "MO" or "MI" => AllergyIntolerance.AllergyIntoleranceCriticality.Low,
            "U" => AllergyIntolerance.AllergyIntoleranceCriticality.UnableToAssess,
            _ => null,
        };

        var reactions = al1.GetRepetitions(5).Select(r => Hl7v2DataTypes.Clean(r.GetComponentText(1))).OfType<string>().ToList();
        if (reactions.Count > 0)
        {
            allergy.Reaction.Add(new AllergyIntolerance.ReactionComponent
            {
                Manifestation = reactions.Select(r => new CodeableConcept { Text = r }).ToList(),
            });
        }
        if (Hl7v2DataTypes.ToFhirDate(al1.Get(6)) is { } onset) allergy.Onset = new FhirDateTime(onset);

        var allergen = code.Coding.FirstOrDefault()?.Code ?? code.Text!;
        var identifier = new Identifier(Hl7v2MappingContext.SourceSystem("allergy", context.Source), $"{patientKey.Value}-{allergen}");
        allergy.Identifier.Add(identifier);
        context.Add(allergy, Hl7v2MappingContext.ConditionalUpdate("AllergyIntolerance", identifier));
    }
}
