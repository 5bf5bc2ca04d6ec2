using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Interop.Core.Known;

namespace Interop.Core.Synthetic;

/// <summary>
/// Deterministic synthetic UK health and care data: the organisations of a Liverpool-like city and one
/// FHIR R4 <c>transaction</c> Bundle per patient with a realistic GP and hospital history.
/// Same seed and options give byte-identical output on any machine, culture or time zone.
/// </summary>
/// <remarks>
/// Patient <c>i</c> depends only on the seed, the options and <c>i</c>: <c>Patients(10)</c> is the first ten
/// of <c>Patients(1000)</c>, and <see cref="Patient(int)"/> gives any one of them directly.
/// See docs/synthetic-data.md for the code lists and how tests, benchmarks and the demo use it.
/// </remarks>
public sealed class SyntheticDataGenerator
{
    /// <summary>File name of the organisations bundle written by <see cref="WriteTo"/>.</summary>
    public const string OrganizationsFileName = "organizations.json";

    private const ulong OrganizationStream = 0x4F5247; // "ORG"

    private readonly SyntheticPersonFactory _people;

    public SyntheticDataGenerator(int seed, SyntheticDataOptions? options = null)
    {
        Options = options ?? new SyntheticDataOptions();
        var problems = Options.Validate();
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems), nameof(options));
        Seed = seed;
        _people = new SyntheticPersonFactory(seed, Options.ReferenceDate);
    }

    public int Seed { get; }

    public SyntheticDataOptions Options { get; }

    /// <summary>Most patients one seed can produce (limited by the never-issued 999 NHS number range).</summary>
    public static int MaxPatients => SyntheticNhsNumbers.Capacity;

    /// <summary>The organisations every patient bundle refers to (GP practices, hospital trusts, the council).</summary>
    public static IReadOnlyList<SyntheticOrganization> KnownOrganizations => SyntheticOrganizationCatalog.All;

    /// <summary>
    /// A <c>transaction</c> Bundle of conditional creates
    /// (<c>ifNoneExist=identifier=https://fhir.nhs.uk/Id/ods-organization-code|CODE</c>), one per organisation.
    /// Load it before the patient bundles: their organisation references are conditional on these codes.
    /// </summary>
    public Bundle Organizations()
    {
        var random = SeededRandom.ForStream(Seed, OrganizationStream, 0);
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        foreach (var organization in SyntheticOrganizationCatalog.All)
        {
            var resource = new Organization
            {
                Identifier = [new Identifier(KnownSystems.OdsOrganisationCode, organization.OdsCode)],
                Active = true,
                Type = [new CodeableConcept(KnownSystems.OrganisationType, organization.Type, TypeDisplay(organization.Type))],
                Name = organization.Name,
                Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Work, organization.Phone)],
                Address =
                [
                    new Address
                    {
                        Use = Address.AddressUse.Work, Line = [organization.AddressLine], City = "Liverpool",
                        District = "Merseyside", PostalCode = organization.PostalCode, Country = "GB",
                    },
                ],
            };
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = "urn:uuid:" + random.NextGuid().ToString("D"),
                Resource = resource,
                Request = new Bundle.RequestComponent
                {
                    Method = Bundle.HTTPVerb.POST,
                    Url = "Organization",
                    IfNoneExist = $"identifier={KnownSystems.OdsOrganisationCode}|{organization.OdsCode}",
                },
            });
        }
        return bundle;
    }

    /// <summary>
    /// Patients 0 to <paramref name="count"/> - 1, one <c>transaction</c> Bundle each, built lazily so that
    /// only the bundle being consumed is in memory.
    /// </summary>
    public IEnumerable<Bundle> Patients(int count)
    {
        if (count < 0 || count > MaxPatients) throw new ArgumentOutOfRangeException(nameof(count), $"Between 0 and {MaxPatients} patients.");
        return Enumerate(count);

        IEnumerable<Bundle> Enumerate(int n)
        {
            for (var i = 0; i < n; i++) yield return Patient(i);
        }
    }

    /// <summary>The bundle of patient <paramref name="index"/> (0-based), identical to the one <see cref="Patients"/> yields.</summary>
    public Bundle Patient(int index)
    {
        if (index < 0 || index >= MaxPatients) throw new ArgumentOutOfRangeException(nameof(index));
        return SyntheticPatientRecordBuilder.Build(Seed, _people.Create(index), Options);
    }

    /// <summary>The NHS number (ten digits, 999 test range) of patient <paramref name="index"/>, without building the record.</summary>
    public string NhsNumber(int index) => _people.Create(index).NhsNumber;

    /// <summary>
    /// Writes <c>organizations.json</c> and <c>patient-NNNNN.json</c> (NNNNN = 0-based index, five digits or
    /// more) into <paramref name="directory"/>, creating it if needed; compact JSON, UTF-8 without BOM.
    /// </summary>
    public SyntheticDataSummary WriteTo(string directory, int patients)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (patients < 0 || patients > MaxPatients) throw new ArgumentOutOfRangeException(nameof(patients));
        Directory.CreateDirectory(directory);

        var byType = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long bytes = 0, resources = 0;

        var organizations = Organizations();
        bytes += Write(Path.Combine(directory, OrganizationsFileName), organizations);
        resources += Count(organizations, byType);

        // Patients are independent, so they are built in parallel; each file's bytes do not depend on the order.
        var perPatient = new (long Bytes, Dictionary<string, long> Types)[patients];
        Parallel.For(0, patients, i =>
        {
            var bundle = Patient(i);
            var types = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var entry in bundle.Entry)
                types[entry.Resource!.TypeName] = types.GetValueOrDefault(entry.Resource.TypeName) + 1;
            var name = string.Create(CultureInfo.InvariantCulture, $"patient-{i:D5}.json");
            perPatient[i] = (Write(Path.Combine(directory, name), bundle), types);
        });
        foreach (var (fileBytes, types) in perPatient)
        {
            bytes += fileBytes;
            foreach (var (type, n) in types)
            {
                byType[type] = byType.GetValueOrDefault(type) + n;
                resources += n;
            }
        }

        return new SyntheticDataSummary(organizations.Entry.Count, patients, resources, bytes, byType);
    }

    /// <summary>Compact FHIR JSON of a generated bundle, byte for byte as <see cref="WriteTo"/> writes it.</summary>
    public static string ToJson(Bundle bundle)
    {
        using var buffer = new MemoryStream();
        WriteJson(bundle, buffer);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static readonly BaseFhirJsonSerializer JsonSerializer = new(ModelInfo.ModelInspector);

    // Relaxed escaping (as FhirJsonSerializer does) keeps "O'Brien" and "A&E" readable; output is still valid JSON.
    private static readonly JsonWriterOptions JsonWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void WriteJson(Bundle bundle, Stream stream)
    {
        // Streamed straight to the file: a 300-resource bundle is ~250 kB, and building it as a string
        // first would put two large-object-heap allocations per patient on the garbage collector.
        using var writer = new Utf8JsonWriter(stream, JsonWriterOptions);
        JsonSerializer.Serialize(bundle, writer);
    }

    private static long Write(string path, Bundle bundle)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 64 * 1024);
        WriteJson(bundle, file);
        return file.Length;
    }

    private static long Count(Bundle bundle, SortedDictionary<string, long> byType)
    {
        foreach (var entry in bundle.Entry)
            byType[entry.Resource!.TypeName] = byType.GetValueOrDefault(entry.Resource.TypeName) + 1;
        return bundle.Entry.Count;
    }

    private static string TypeDisplay(string type) => type switch
    {
        SyntheticOrganizationCatalog.GpPractice => "GP practice",
        SyntheticOrganizationCatalog.HospitalTrust => "Hospital trust",
        SyntheticOrganizationCatalog.Council => "Council",
        _ => type,
    };
}
