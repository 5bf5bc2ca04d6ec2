using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Interop.Core.Identity;
using Interop.Core.Known;

namespace Interop.Adapters.Hl7v2;

/// <summary>PID (+ PD1) to Patient, after the V2-to-FHIR PID and PD1 segment maps with UK conventions (domain notes 5.1).</summary>
internal static partial class Hl7v2PatientMapper
{
    /// <summary>The mapped patient, its bundle reference and the identifier it is matched on.</summary>
    public sealed record MappedPatient(Patient Patient, Identifier Key, IReadOnlyList<Identifier> Identifiers);

    /// <summary>
    /// Maps one PID and the PD1 that follows it. Returns null (with an error) when the patient has no
    /// usable identifier: without one the record could never be matched again.
    /// </summary>
    public static MappedPatient? Map(Hl7v2MappingContext context, Hl7v2Segment pid, Hl7v2Segment? pd1)
    {
        var identifiers = ReadIdentifiers(context, pid, 3);
        // PID-2 (external id, deprecated since v2.3.1) is where some older feeds put the NHS number.
        foreach (var identifier in ReadIdentifiers(context, pid, 2))
            if (!identifiers.Any(i => i.System == identifier.System && i.Value == identifier.Value)) identifiers.Add(identifier);
        var key = identifiers.FirstOrDefault(i => i.System == KnownSystems.NhsNumber && NhsNumber.IsValid(i.Value))
            ?? identifiers.FirstOrDefault(i => i.System != KnownSystems.NhsNumber);
        if (key is null && !context.Problems.Any(p => p.SegmentIndex == pid.Index && p.FieldPosition == 3))
            context.Error(Hl7v2ErrorCode.RequiredFieldMissing, "PID-3 has no patient identifier (NHS number or MRN).", pid, 3);
        // Without a key the patient cannot be stored, but the rest is still read so every problem is reported.

        var patient = new Patient { Identifier = identifiers };
        foreach (var repetition in pid.GetRepetitions(5))
            if (Hl7v2DataTypes.ToHumanName(repetition) is { } name) patient.Name.Add(name);

        var birth = Hl7v2DataTypes.Clean(pid.Get(7));
        if (birth is not null)
        {
            if (Hl7v2DataTypes.ToFhirDate(birth) is { } birthDate) patient.BirthDate = birthDate;
            else context.Warning(Hl7v2ErrorCode.DataTypeError, $"PID-7 '{birth}' is not an HL7 date; birth date not stored.", pid, 7);
        }

        var sex = Hl7v2DataTypes.Clean(pid.Get(8))?.ToUpperInvariant();
        if (sex is not null)
        {
            // HL7 table 0001 -> administrative-gender (V2-to-FHIR ConceptMap "Sex").
            patient.Gender = sex switch
            {
                "F" => AdministrativeGender.Female,
                "M" => AdministrativeGender.Male,
                "O" or "A" or "N" => AdministrativeGender.Other,
                "U" => AdministrativeGender.Unknown,
                _ => null,
            };
            if (patient.Gender is null)
            {
                patient.Gender = AdministrativeGender.Unknown;
                context.Warning(Hl7v2ErrorCode.TableValueNotFound, $"PID-8 '{sex}' is not in HL7 table 0001; gender set to unknown.", pid, 8);
            }
        }

        foreach (var repetition in pid.GetRepetitions(11))
            if (Hl7v2DataTypes.ToAddress(repetition) is { } address) patient.Address.Add(address);
        foreach (var repetition in pid.GetRepetitions(13))
            if (Hl7v2DataTypes.ToContactPoint(repetition, ContactPoint.ContactPointUse.Home) is { } telecom) patient.Telecom.Add(telecom);
        foreach (var repetition in pid.GetRepetitions(14))
            if (Hl7v2DataTypes.ToContactPoint(repetition, ContactPoint.ContactPointUse.Work) is { } telecom) patient.Telecom.Add(telecom);

        // PID-29 death date/time wins; PID-30 (Y/N) only when no date was sent (V2-to-FHIR PID map).
        var death = Hl7v2DataTypes.Clean(pid.Get(29));
        if (death is not null && Hl7v2DataTypes.ToFhirDateTime(death, context.SenderTimeZone) is { } deathTime)
            patient.Deceased = new FhirDateTime(deathTime);
        else if (death is not null)
            context.Warning(Hl7v2ErrorCode.DataTypeError, $"PID-29 '{death}' is not an HL7 date/time.", pid, 29);
        if (patient.Deceased is null)
        {
            var indicator = Hl7v2DataTypes.Clean(pid.Get(30))?.ToUpperInvariant();
            if (indicator is "Y" or "N") patient.Deceased = new FhirBoolean(indicator == "Y");
        }

        if (pd1 is not null) MapGeneralPractitioner(context, patient, pd1);
        return key is null ? null : new MappedPatient(patient, key, identifiers);
    }

    /// <summary>
    /// Identifiers from one CX field. NHS numbers (CX.4 = NHS or CX.5 = NH) get the national system and
    /// are checked with Modulus 11; anything else is an MRN scoped by its assigning authority.
    /// </summary>
    public static List<Identifier> ReadIdentifiers(Hl7v2MappingContext context, Hl7v2Segment segment, int position)
    {
        var identifiers = new List<Identifier>();
        var repetitions = segment.GetRepetitions(position);
        for (var r = 0; r < repetitions.Count; r++)
        {
            var cx = repetitions[r];
            var value = Hl7v2DataTypes.Clean(cx.Get(1));
            var authority = Hl7v2DataTypes.Clean(cx.Get(4, 1)) ?? Hl7v2DataTypes.Clean(cx.Get(4, 2));
            var type = Hl7v2DataTypes.Clean(cx.Get(5))?.ToUpperInvariant();
            if (value is null) continue;
            var isNhs = string.Equals(authority, "NHS", StringComparison.OrdinalIgnoreCase) || type == "NH";
            if (isNhs)
            {
                var nhs = NhsNumber.Normalise(value) ?? value;
                if (!NhsNumber.IsValid(nhs))
                {
                    context.Error(Hl7v2ErrorCode.DataTypeError, NhsNumber.Explain(value), segment, position);
                    continue;
                }
                identifiers.Add(new Identifier(KnownSystems.NhsNumber, nhs) { Type = IdentifierType("NH") });
                continue;
            }
            if (authority is null && type is null && value.Any(char.IsWhiteSpace))
            {
                // Free text in an identifier slot (seen: "this is a test NHS number"): not an identifier.
                context.Warning(Hl7v2ErrorCode.DataTypeError, $"{segment.Id}-{position} repetition {r + 1} '{value}' is not an identifier; ignored.",
                    segment, position);
                continue;
            }
            identifiers.Add(new Identifier(Hl7v2MappingContext.SourceSystem("mrn", authority ?? context.Source), value)
            {
                Type = IdentifierType(type is null or "MEDREC" ? "MR" : type),
            });
        }
        return identifiers;
    }

    /// <summary>
    /// The NHS number verification status from PID-32 (UK ITK: <c>NSTS01</c>..<c>NSTS08</c>, bare codes
    /// accepted), for the UK Core extension. Anything else is warned about and the number counts as unverified.
    /// </summary>
    public static void AddVerificationStatus(Hl7v2MappingContext context, Patient patient, Hl7v2Segment pid)
    {
        var status = Hl7v2DataTypes.Clean(pid.Get(32));
        if (status is null) return;
        var match = TraceStatusPattern().Match(status.ToUpperInvariant());
        if (!match.Success)
        {
            context.Warning(Hl7v2ErrorCode.TableValueNotFound,
                $"PID-32 '{status}' is not an NHS number verification status (NSTS01 to NSTS08); the NHS number is treated as unverified.", pid, 32);
            return;
        }
        // UK Core shape (coding with its display) on the NHS number identifier; absent PID-32 = unverified for matching.
        if (patient.Identifier.FirstOrDefault(i => i.System == KnownSystems.NhsNumber) is { } nhs)
            NhsNumberVerification.Set(nhs, match.Groups[1].Value);
    }

    private static void MapGeneralPractitioner(Hl7v2MappingContext context, Patient patient, Hl7v2Segment pd1)
    {
        // PD1-3 (XON): practice name, ODS code in XON.10 (v2.5+) or XON.3 (v2.3/2.4 ID number).
        foreach (var xon in pd1.GetRepetitions(3))
        {
            var code = Hl7v2DataTypes.Clean(xon.Get(10)) ?? Hl7v2DataTypes.Clean(xon.Get(3));
            var name = Hl7v2DataTypes.Clean(xon.Get(1));
            if (code is null && name is null) continue;
            var practice = new ResourceReference { Display = name };
            if (code is not null) practice.Identifier = new Identifier(KnownSystems.OdsOrganisationCode, code);
            patient.GeneralPractitioner.Add(practice);
            break;
        }
        // PD1-4 (XCN): the registered GP, G code (GMP number).
        foreach (var xcn in pd1.GetRepetitions(4))
        {
            if (Hl7v2DataTypes.ToPractitionerReference(xcn, context.Source) is not { } gp) continue;
            patient.GeneralPractitioner.Add(gp);
            break;
        }
    }

    private static CodeableConcept IdentifierType(string code) => new(KnownSystems.V2IdentifierType, code);

    [GeneratedRegex(@"^(?:NSTS)?(0[1-8])$")]
    private static partial Regex TraceStatusPattern();
}
