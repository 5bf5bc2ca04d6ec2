using System.Globalization;
using System.Text;

namespace Interop.Core.Synthetic;

/// <summary>
/// Deterministic HL7 v2.4 ADT messages (ER7, segments separated by CR) for the same synthetic patients
/// as <see cref="SyntheticDataGenerator"/> with the same seed and options: each admission is an
/// <c>ADT^A01</c> (admit), an <c>ADT^A08</c> (update) and an <c>ADT^A03</c> (discharge).
/// </summary>
/// <remarks>
/// UK conventions (domain notes 5.1): PID-3 repeats <c>NHS number^^^NHS^NH~hospital number^^^ODS^MR</c>,
/// PID-32 carries the NHS number status (<c>NSTS01</c>, verified), PD1-3 names the GP practice
/// (<c>name^^ODS code</c>). No MLLP framing: callers add it when they send.
/// </remarks>
public sealed class SyntheticHl7v2Generator
{
    private const ulong AdmissionStream = 0x41444D4954; // "ADMIT"
    private const char SegmentSeparator = '\r';

    private readonly SyntheticPersonFactory _people;
    private readonly DateTime _reference;

    public SyntheticHl7v2Generator(int seed, SyntheticDataOptions? options = null)
    {
        Options = options ?? new SyntheticDataOptions();
        var problems = Options.Validate();
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems), nameof(options));
        Seed = seed;
        _people = new SyntheticPersonFactory(seed, Options.ReferenceDate);
        _reference = Options.ReferenceDate.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
    }

    public int Seed { get; }

    public SyntheticDataOptions Options { get; }

    /// <summary>
    /// For patients 0 to <paramref name="patients"/> - 1, <paramref name="admissionsPerPatient"/> admissions
    /// each, as A01, A08, A03 in that order (3 messages per admission), streamed. MSH-10 control ids are
    /// unique across the sequence and carry the seed, so two seeds never share one.
    /// </summary>
    public IEnumerable<string> AdtMessages(int patients, int admissionsPerPatient = 1)
    {
        if (patients < 0 || patients > SyntheticDataGenerator.MaxPatients) throw new ArgumentOutOfRangeException(nameof(patients));
        if (admissionsPerPatient is < 1 or > 1000) throw new ArgumentOutOfRangeException(nameof(admissionsPerPatient));
        return Enumerate(patients, admissionsPerPatient);
    }

    private IEnumerable<string> Enumerate(int patients, int admissionsPerPatient)
    {
        long controlNumber = 0;
        for (var i = 0; i < patients; i++)
        {
            var person = _people.Create(i);
            var random = SeededRandom.ForStream(Seed, AdmissionStream, i);
            // Admissions in the two years before the reference date, in time order.
            var starts = new DateTime[admissionsPerPatient];
            for (var a = 0; a < admissionsPerPatient; a++)
                starts[a] = _reference.AddDays(-730 + random.Next(720)).AddMinutes(random.Next(24 * 60));
            Array.Sort(starts);
            for (var a = 0; a < admissionsPerPatient; a++)
            {
                var admission = NewAdmission(person, random, starts[a], a);
                yield return Message("A01", "ADT_A01", admission, admission.Start, person, ++controlNumber, discharged: false);
                yield return Message("A08", "ADT_A01", admission, admission.Start.AddHours(2), person, ++controlNumber, discharged: false);
                yield return Message("A03", "ADT_A03", admission, admission.End, person, ++controlNumber, discharged: true);
            }
        }
    }

    private sealed record Admission(SyntheticOrganization Trust, string Ward, string Bed, string VisitNumber, DateTime Start, DateTime End, string Consultant);

    private static readonly string[] Wards = ["AMU", "WARD 7", "WARD 12", "CCU", "ORTHO 3", "RESP 2"];
    private static readonly string[] Consultants = ["C4567890^PATEL^ANIL^^^DR", "C3456789^JONES^SARAH^^^DR", "C2345678^OKAFOR^CHIKE^^^DR", "C1234567^WALSH^MAIREAD^^^DR"];

    private static Admission NewAdmission(SyntheticPerson person, SeededRandom random, DateTime start, int number)
    {
        var trust = person.AgeYears < 16 ? SyntheticOrganizationCatalog.Childrens : random.Pick(SyntheticOrganizationCatalog.AcuteTrusts);
        var end = start.AddHours(random.Between(20, 8 * 24));
        var visit = string.Create(CultureInfo.InvariantCulture, $"V{person.Index:D7}{number:D3}");
        return new Admission(trust, random.Pick(Wards), random.Between(1, 28).ToString("D2", CultureInfo.InvariantCulture), visit, start, end, random.Pick(Consultants));
    }

    private string Message(string trigger, string structure, Admission admission, DateTime at, SyntheticPerson person, long controlNumber, bool discharged)
    {
        var ts = Timestamp(at);
        var sb = new StringBuilder(640);
        // MSH-10 is ST(20) in v2.4: eight hex digits of the seed and a ten-digit sequence number.
        var controlId = string.Create(CultureInfo.InvariantCulture, $"{(uint)Seed:X8}{controlNumber:D10}");
        Segment(sb, "MSH|^~\\&", "PAS", admission.Trust.OdsCode, "INTEROP", "INTEROP", ts, "", $"ADT^{trigger}^{structure}", controlId, "P", "2.4", "", "", "AL", "NE");
        Segment(sb, "EVN", trigger, ts, "", "", "", ts);

        var name = $"{Escape(person.FamilyName)}^{Escape(person.GivenNames[0])}^{(person.GivenNames.Count > 1 ? Escape(person.GivenNames[1]) : "")}^^{person.Prefix ?? ""}";
        var address = $"{Escape(person.AddressLine)}^^Liverpool^Merseyside^{person.PostalCode}^GBR^H";
        var phones = person.MobilePhone is null ? $"{person.HomePhone}^PRN^PH" : $"{person.HomePhone}^PRN^PH~{person.MobilePhone}^ORN^CP";
        var pid = new string[33];
        pid[0] = "PID";
        pid[1] = "1";
        pid[3] = $"{person.NhsNumber}^^^NHS^NH~{person.HospitalNumber}^^^{admission.Trust.OdsCode}^MR";
        pid[5] = name;
        pid[7] = person.BirthDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        pid[8] = person.Female ? "F" : "M";
        pid[11] = address;
        pid[13] = phones;
        pid[32] = "NSTS01";
        Segment(sb, pid);

        Segment(sb, "PD1", "", "", $"{Escape(person.Practice.Name)}^^{person.Practice.OdsCode}");

        var pv1 = new string[46];
        pv1[0] = "PV1";
        pv1[1] = "1";
        pv1[2] = "I"; // PV1-2 patient class: inpatient
        pv1[3] = $"{admission.Ward}^{admission.Bed}^^{admission.Trust.OdsCode}";
        pv1[4] = "21"; // PV1-4 admission type (NHS admission method 21: emergency via A&E)
        pv1[7] = admission.Consultant; // attending doctor
        pv1[10] = "300"; // hospital service (treatment function code: general medicine)
        pv1[14] = "19"; // admit source: usual place of residence
        pv1[19] = admission.VisitNumber;
        pv1[44] = Timestamp(admission.Start);
        if (discharged)
        {
            pv1[36] = "19"; // discharge destination: usual place of residence
            pv1[45] = Timestamp(admission.End);
        }
        Segment(sb, pv1);
        return sb.ToString();
    }

    private static void Segment(StringBuilder sb, params string?[] fields)
    {
        // Trailing empty fields are dropped, as most senders do.
        var last = fields.Length - 1;
        while (last > 0 && string.IsNullOrEmpty(fields[last])) last--;
        for (var i = 0; i <= last; i++)
        {
            if (i > 0) sb.Append('|');
            sb.Append(fields[i]);
        }
        sb.Append(SegmentSeparator);
    }

    private static string Timestamp(DateTime value) => value.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>HL7 v2 escape sequences (v2.4 section 2.7.4) for free text that could hold a delimiter.</summary>
    private static string Escape(string value)
    {
        if (value.AsSpan().IndexOfAny("|^~\\&") < 0) return value;
        var sb = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            sb.Append(c switch
            {
                '|' => "\\F\\",
                '^' => "\\S\\",
                '~' => "\\R\\",
                '\\' => "\\E\\",
                '&' => "\\T\\",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }
}
