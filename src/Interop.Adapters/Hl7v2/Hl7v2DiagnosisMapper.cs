using Hl7.Fhir.Model;
using Interop.Core.Known;

namespace Interop.Adapters.Hl7v2;

/// <summary>DG1 to Condition (V2-to-FHIR DG1 segment map), category encounter-diagnosis.</summary>
internal static class Hl7v2DiagnosisMapper
{
    /// <summary>
    /// One DG1, identified by DG1-20 (diagnosis identifier, v2.5+) when sent, else by patient and
    /// diagnosis code, so resending the same diagnosis updates it.
    /// </summary>
    public static void Map(Hl7v2MappingContext context, Hl7v2Segment dg1, ResourceReference patient, Identifier patientKey,
        ResourceReference? encounter)
    {
        var code = Hl7v2DataTypes.ToCodeableConcept(dg1.GetField(3), context.Source);
        // DG1-4 description (deprecated) is the only text older feeds send.
        var description = Hl7v2DataTypes.Clean(dg1.Get(4));
        if (code is null && description is not null) code = new CodeableConcept { Text = description };
        else if (code is not null && code.Text is null) code.Text = description;
        if (code is null)
        {
            context.Warning(Hl7v2ErrorCode.RequiredFieldMissing, "DG1-3 diagnosis code is empty; the diagnosis was not stored.", dg1, 3);
            return;
        }
        var condition = new Condition
        {
            Subject = patient,
            Encounter = encounter,
            Code = code,
            Category = [new CodeableConcept(KnownSystems.ConditionCategory, "encounter-diagnosis")],
        };
        // DG1-6 diagnosis type (table 0052): F final -> confirmed; A admitting, W working -> provisional.
        var verification = Hl7v2DataTypes.Clean(dg1.Get(6))?.ToUpperInvariant() switch
        {
            "F" => "confirmed",
            "A" or "W" => "provisional",
            _ => null,
        };
        if (verification is not null) condition.VerificationStatus = new CodeableConcept(KnownSystems.ConditionVerification, verification);
        if (Hl7v2DataTypes.ToFhirDateTime(dg1.Get(5), context.SenderTimeZone) is { } onset) condition.Onset = new FhirDateTime(onset);

        var value = Hl7v2DataTypes.Clean(dg1.Get(20))
            ?? $"{patientKey.Value}-{code.Coding.FirstOrDefault()?.Code ?? code.Text}";
        var identifier = new Identifier(Hl7v2MappingContext.SourceSystem("diagnosis", context.Source), value);
        condition.Identifier.Add(identifier);
        context.Add(condition, Hl7v2MappingContext.ConditionalUpdate("Condition", identifier));
    }
}
