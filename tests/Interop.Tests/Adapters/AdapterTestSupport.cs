using System.Globalization;
using System.Text;
using Hl7.Fhir.Model;
using Interop.Core.Fhir;
using Interop.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Interop.Tests.Adapters;

/// <summary>Message builders and database probes shared by the adapter API tests.</summary>
internal static class AdapterTestSupport
{
    public const string Hl7MediaType = "x-application/hl7-v2+er7";

    private static int _counter;

    public static string NewControlId() => $"T{Interlocked.Increment(ref _counter)}-{Guid.NewGuid():N}"[..20];

    public static string NewKey(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..12].ToUpperInvariant();

    /// <summary>One segment with fields at the given positions (1-based, as HL7 v2 numbers them).</summary>
    public static string Segment(string id, params (int Position, string Value)[] fields)
    {
        var last = fields.Length == 0 ? 0 : fields.Max(f => f.Position);
        var values = new string[last];
        Array.Fill(values, "");
        foreach (var (position, value) in fields) values[position - 1] = value;
        return id + "|" + string.Join('|', values);
    }

    /// <summary>
    /// An ADT message for a patient (NHS number and/or MRN at RBQ) with a visit number; A03 carries a
    /// discharge time; <paramref name="nhsStatus"/> goes to PID-32 (e.g. <c>NSTS01</c>), none when null.
    /// </summary>
    public static string Adt(string trigger, string controlId, string? nhsNumber, string? mrn, string visit,
        string family = "TESTER", string given = "Alex", string dob = "19700101", string facility = "RBQ", string? nhsStatus = null)
    {
        var identifiers = new List<string>();
        if (nhsNumber is not null) identifiers.Add($"{nhsNumber}^^^NHS^NH");
        if (mrn is not null) identifiers.Add($"{mrn}^^^{facility}^MR");
        var segments = new List<string>
        {
            $"MSH|^~\\&|PAS|{facility}|INTEROP|INTEROP|20240601120000||ADT^{trigger}^ADT_A01|{controlId}|P|2.5",
            Segment("EVN", (1, trigger), (2, "20240601120000")),
            nhsStatus is null
                ? Segment("PID", (1, "1"), (3, string.Join('~', identifiers)), (5, $"{family}^{given}"), (7, dob), (8, "F"))
                : Segment("PID", (1, "1"), (3, string.Join('~', identifiers)), (5, $"{family}^{given}"), (7, dob), (8, "F"), (32, nhsStatus)),
        };
        var pv1 = new List<(int, string)> { (1, "1"), (2, "I"), (3, $"WARD1^^^{facility}"), (19, $"{visit}^^^{facility}^VN"), (44, "20240601110000") };
        if (trigger == "A03") pv1.Add((45, "20240609143000"));
        segments.Add(Segment("PV1", [.. pv1]));
        return string.Join('\r', segments) + "\r";
    }

    /// <summary>ADT^A40: the patient with <paramref name="survivingMrn"/> absorbs the one with <paramref name="retiredMrn"/>.</summary>
    public static string Merge(string controlId, string survivingMrn, string retiredMrn, string facility = "RBQ") => string.Join('\r',
        $"MSH|^~\\&|PAS|{facility}|INTEROP|INTEROP|20240601120000||ADT^A40^ADT_A39|{controlId}|P|2.5",
        Segment("EVN", (1, "A40"), (2, "20240601120000")),
        Segment("PID", (1, "1"), (3, $"{survivingMrn}^^^{facility}^MR"), (5, "TESTER^Alex"), (7, "19700101"), (8, "F")),
        Segment("MRG", (1, $"{retiredMrn}^^^{facility}^MR"))) + "\r";

    public static StringContent Hl7Body(string text) => new(text, Encoding.UTF8, Hl7MediaType);

    public static string MsaCode(string ack) =>
        ack.Split('\r', StringSplitOptions.RemoveEmptyEntries).Where(s => s.StartsWith("MSA|", StringComparison.Ordinal)).Select(s => s.Split('|')[1]).FirstOrDefault() ?? "";

    public static IReadOnlyList<string> MsaCodes(string acks) =>
        acks.Split('\r', StringSplitOptions.RemoveEmptyEntries).Where(s => s.StartsWith("MSA|", StringComparison.Ordinal)).Select(s => s.Split('|')[1]).ToList();

    /// <summary>Current, non-deleted resources of <typeparamref name="T"/> matching <paramref name="match"/>, read from the database.</summary>
    public static async Task<List<T>> CurrentAsync<T>(IServiceProvider services, Func<T, bool> match) where T : Resource
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InteropDbContext>();
        var type = ModelInfo.GetFhirTypeNameForType(typeof(T))!;
        var rows = await db.Resources.AsNoTracking().Where(r => r.ResourceType == type && r.IsCurrent && !r.IsDeleted).Select(r => r.Json).ToListAsync();
        return rows.Select(j => (T)FhirSerialization.ParseStored(j!)).Where(match).ToList();
    }

    /// <summary>How many versions (all resources, all types) the database holds.</summary>
    public static async Task<int> VersionCountAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        // AuditEvents are left out: every push (even one that changes nothing) is itself audited.
        return await scope.ServiceProvider.GetRequiredService<InteropDbContext>().Resources.CountAsync(r => r.ResourceType != "AuditEvent");
    }

    public static bool HasIdentifier(this Patient patient, string value) => patient.Identifier.Any(i => i.Value == value);

    public static string Fixture(params string[] path) =>
        File.ReadAllText(Path.Combine([TestContext.CurrentContext.TestDirectory, "Fixtures", .. path]));

    public static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
