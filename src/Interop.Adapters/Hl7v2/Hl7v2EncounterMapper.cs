using Hl7.Fhir.Model;
using Interop.Core.Known;

namespace Interop.Adapters.Hl7v2;

/// <summary>PV1 to Encounter, after the V2-to-FHIR PV1 segment map (domain notes 5.2).</summary>
internal static class Hl7v2EncounterMapper
{
    /// <summary>
    /// Maps PV1 for an ADT event. The encounter is identified by the visit number (PV1-19) and written
    /// with a conditional update, so the A03 that follows an A01 finishes the same Encounter.
    /// </summary>
    public static ResourceReference? Map(Hl7v2MappingContext context, Hl7v2Segment pv1, ResourceReference patient, string trigger)
    {
        var encounter = new Encounter { Subject = patient };

        // PV1-2 patient class (table 0004) -> Encounter.class (v3-ActCode).
        var patientClass = Hl7v2DataTypes.Clean(pv1.Get(2))?.ToUpperInvariant();
        var (classCode, classDisplay) = patientClass switch
        {
            "E" => ("EMER", "emergency"),
            "I" => ("IMP", "inpatient encounter"),
            "O" => ("AMB", "ambulatory"),
            "P" => ("PRENC", "pre-admission"),
            "R" => ("AMB", "ambulatory"),
            "B" => ("IMP", "inpatient encounter"),
            _ => (null, null),
        };
        if (classCode is null)
        {
            (classCode, classDisplay) = trigger == "A01" ? ("IMP", "inpatient encounter") : ("AMB", "ambulatory");
            if (patientClass is null)
                context.Warning(Hl7v2ErrorCode.RequiredFieldMissing, $"PV1-2 patient class is empty; {classCode} assumed from the event.", pv1, 2);
            else
                context.Warning(Hl7v2ErrorCode.TableValueNotFound, $"PV1-2 '{patientClass}' is not in HL7 table 0004; {classCode} assumed.", pv1, 2);
        }
        encounter.Class = new Coding(KnownSystems.V3ActCode, classCode, classDisplay);

        var start = DateTimeField(context, pv1, 44);
        var end = DateTimeField(context, pv1, 45);
        if (trigger == "A03" && end is null)
        {
            // A discharge without PV1-45: the event time (EVN-6, then EVN-2, then MSH-7) is the best end we have.
            var evn = context.Message.GetSegment("EVN");
            end = Hl7v2DataTypes.ToFhirDateTime(evn?.Get(6), context.SenderTimeZone)
                ?? Hl7v2DataTypes.ToFhirDateTime(evn?.Get(2), context.SenderTimeZone)
                ?? Hl7v2DataTypes.ToFhirDateTime(context.Message.DateTimeOfMessage, context.SenderTimeZone);
            context.Information(Hl7v2ErrorCode.RequiredFieldMissing, "A03 without PV1-45; the event time was used as the discharge time.", pv1, 45);
        }
        if (start is not null || end is not null) encounter.Period = new Period { Start = start, End = end };

        encounter.Status = trigger == "A03" || end is not null ? Encounter.EncounterStatus.Finished
            : patientClass == "P" ? Encounter.EncounterStatus.Planned
            : Encounter.EncounterStatus.InProgress;

        // PV1-3 assigned location (current), PV1-6 prior location (completed).
        AddLocation(pv1, 3, encounter, encounter.Status == Encounter.EncounterStatus.Finished
            ? Encounter.EncounterLocationStatus.Completed : Encounter.EncounterLocationStatus.Active);
        AddLocation(pv1, 6, encounter, Encounter.EncounterLocationStatus.Completed);

        // PV1-7/8/9/17 attending, referring, consulting, admitting (v3-ParticipationType).
        foreach (var (field, code) in new[] { (7, "ATND"), (8, "REF"), (9, "CON"), (17, "ADM") })
        {
            foreach (var xcn in pv1.GetRepetitions(field))
            {
                if (Hl7v2DataTypes.ToPractitionerReference(xcn, context.Source) is not { } who) continue;
                encounter.Participant.Add(new Encounter.ParticipantComponent
                {
                    Type = [new CodeableConcept(KnownSystems.V3ParticipationType, code)],
                    Individual = who,
                });
            }
        }

        var visit = pv1.GetField(19);
        var visitNumber = Hl7v2DataTypes.Clean(visit.Get(1));
        if (visitNumber is null)
        {
            context.Warning(Hl7v2ErrorCode.RequiredFieldMissing,
                "PV1-19 visit number is empty: the Encounter is created, and a resend or later event will create another.", pv1, 19);
            return context.Add(encounter, new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Encounter" });
        }
        var authority = Hl7v2DataTypes.Clean(visit.Get(4, 1)) ?? context.Source;
        var identifier = new Identifier(Hl7v2MappingContext.SourceSystem("visit", authority), visitNumber)
        {
            Type = new CodeableConcept(KnownSystems.V2IdentifierType, "VN"),
        };
        encounter.Identifier.Add(identifier);
        return context.Add(encounter, Hl7v2MappingContext.ConditionalUpdate("Encounter", identifier));
    }

    private static string? DateTimeField(Hl7v2MappingContext context, Hl7v2Segment segment, int position)
    {
        var text = Hl7v2DataTypes.Clean(segment.Get(position));
        if (text is null) return null;
        var value = Hl7v2DataTypes.ToFhirDateTime(text, context.SenderTimeZone);
        if (value is null)
            context.Warning(Hl7v2ErrorCode.DataTypeError, $"{segment.Id}-{position} '{text}' is not an HL7 date/time; ignored.", segment, position);
        return value;
    }

    private static void AddLocation(Hl7v2Segment pv1, int position, Encounter encounter, Encounter.EncounterLocationStatus status)
    {
        // PL: point of care ^ room ^ bed ^ facility ^ status ^ type ^ building ^ floor ^ description.
        var location = pv1.GetField(position);
        var parts = new[] { location.Get(1), location.Get(2), location.Get(3), location.Get(4, 1) }
            .Select(Hl7v2DataTypes.Clean).OfType<string>().ToList();
        if (parts.Count == 0) return;
        encounter.Location.Add(new Encounter.LocationComponent
        {
            Location = new ResourceReference { Display = Hl7v2DataTypes.Clean(location.Get(9)) ?? string.Join(", ", parts) },
            Status = status,
        });
    }
}
