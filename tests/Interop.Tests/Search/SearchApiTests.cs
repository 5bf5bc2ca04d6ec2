using System.Net;
using System.Text.Json;
using Hl7.Fhir.Model;
using Interop.Core.Known;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Search;

/// <summary>
/// Search over HTTP on each provider, against one shared data set: every parameter type and
/// modifier, dates with each prefix, chains, _has, includes, sort, paging, totals, strict and
/// lenient handling, scope constraints, and consent-withheld matches.
/// </summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class SearchApiTests(StorageProvider provider) : ApiFixture(provider)
{
    private readonly Dictionary<string, string> _ids = new(StringComparer.Ordinal);

    private const string Glucose = "997681000000108";
    private const string HeartRate = "8867-4";
    private const string BloodPressure = "85354-9";

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        await RegisterOrganizationAsync("RBQ");
        _ids["org"] = await SeedAsync(new Organization { Name = "Alder Hey Children's", Identifier = [new Identifier(KnownSystems.OdsOrganisationCode, "RBS")], Type = [new CodeableConcept(KnownSystems.OrganisationType, "hospital-trust")] });

        var smith = Builders.Patient("Smith", "Jane");
        smith.Meta = new Meta { Profile = ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"] };
        smith.Identifier.Add(new Identifier("https://trust.example/mrn", "MRN-1")
        {
            Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v2-0203", "MR"),
        });
        _ids["smith"] = await SeedAsync(smith);

        var smyth = Builders.Patient("Smyth", "John");
        smyth.Gender = AdministrativeGender.Male;
        smyth.BirthDate = "1980-07";
        _ids["smyth"] = await SeedAsync(smyth);

        var ozturk = Builders.Patient("Öztürk", "Ali");
        ozturk.BirthDate = "2001";
        ozturk.ManagingOrganization = new ResourceReference($"Organization/{_ids["org"]}");
        ozturk.Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Email, null, "ali@example.org")];
        _ids["ozturk"] = await SeedAsync(ozturk);

        var nobirth = Builders.Patient("Nobody", "Known");
        nobirth.BirthDate = null;
        nobirth.Active = true;
        _ids["nobirth"] = await SeedAsync(nobirth);

        _ids["glucose-smith"] = await SeedAsync(Builders.Observation(_ids["smith"], Glucose, 7.8m));
        var hr = Builders.Observation(_ids["smyth"], HeartRate, 72m);
        hr.Code = new CodeableConcept { Coding = [new Coding(KnownSystems.Loinc, HeartRate, "Heart rate")], Text = "Pulse rate" };
        hr.Effective = new FhirDateTime("2023-02-15T10:30:00Z");
        hr.Value = new Quantity { Value = 72, Unit = "beats/min", System = KnownSystems.Ucum, Code = "/min" };
        _ids["hr-smyth"] = await SeedAsync(hr);
        var glucoseOz = Builders.Observation(_ids["ozturk"], Glucose, 5.1m);
        glucoseOz.Effective = new Period { StartElement = new FhirDateTime("2022-12-30"), EndElement = new FhirDateTime("2023-01-02") };
        _ids["glucose-ozturk"] = await SeedAsync(glucoseOz);
        var bp = Builders.Observation(_ids["smith"], BloodPressure, 0m);
        bp.Value = null;
        bp.Code = new CodeableConcept(KnownSystems.Loinc, BloodPressure);
        bp.Effective = new FhirDateTime("2023-03");
        bp.Component =
        [
            new Observation.ComponentComponent { Code = new CodeableConcept(KnownSystems.Loinc, "8480-6"), Value = new Quantity { Value = 120, System = KnownSystems.Ucum, Code = "mm[Hg]", Unit = "mmHg" } },
            new Observation.ComponentComponent { Code = new CodeableConcept(KnownSystems.Loinc, "8462-4"), Value = new Quantity { Value = 80, System = KnownSystems.Ucum, Code = "mm[Hg]", Unit = "mmHg" } },
        ];
        _ids["bp-smith"] = await SeedAsync(bp);
    }

    private const string SeedTag = "search-seed";

    private Task<string> SeedAsync(Resource resource)
    {
        resource.Meta ??= new Meta();
        resource.Meta.Tag.Add(new Coding("https://interop.example/test", SeedTag));
        return CreateAsync(resource);
    }

    private async Task<string> CreateAsync(Resource resource, HttpClient? client = null)
    {
        var response = await (client ?? Client).SendAsync(HttpMethod.Post, $"/fhir/{resource.TypeName}", FhirHttp.JsonBody(resource));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.ReadAsync<Resource>()).Id!;
    }

    private async Task<Bundle> SearchAsync(string url, HttpClient? client = null, Action<HttpRequestMessage>? configure = null)
    {
        var response = await (client ?? Client).SendAsync(HttpMethod.Get, url, configure: configure);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{url}: {await response.Content.ReadAsStringAsync()}");
        return await response.ReadAsync<Bundle>();
    }

    private static IEnumerable<string?> MatchIds(Bundle bundle) =>
        bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource.Id);

    private string[] Named(params string[] names) => names.Select(n => _ids[n]).ToArray();

    private static IEnumerable<TestCaseData> Matches()
    {
        TestCaseData Case(string query, params string[] expected) => new TestCaseData(query, expected).SetName($"{{m}}({query})");
        // string
        yield return Case("Patient?family=smi", "smith");
        yield return Case("Patient?family=SM", "smith", "smyth");
        yield return Case("Patient?family:exact=Smith", "smith");
        yield return Case("Patient?family:exact=smith");
        yield return Case("Patient?family:exact=%C3%96zt%C3%BCrk", "ozturk");
        yield return Case("Patient?family:exact=Ozturk");
        yield return Case("Patient?family=smit", "smith");
        yield return Case("Patient?family=smz");
        yield return Case("Patient?family=sm%7E");
        yield return Case("Patient?family=%C3%96zt", "ozturk");
        yield return Case("Patient?family:contains=yt", "smyth");
        yield return Case("Patient?family=ozturk", "ozturk");
        yield return Case("Patient?name=jane", "smith");
        yield return Case("Patient?family=smith,smyth", "smith", "smyth");
        yield return Case("Patient?family=sm&given=john", "smyth");
        // token
        yield return Case("Patient?gender=male", "smyth");
        yield return Case("Patient?gender:not=female", "smyth");
        yield return Case($"Observation?code={Glucose}", "glucose-smith", "glucose-ozturk");
        yield return Case($"Observation?code={KnownSystems.Loinc}|{HeartRate}", "hr-smyth");
        yield return Case($"Observation?code={KnownSystems.Snomed}|{HeartRate}");
        yield return Case($"Observation?code=|{HeartRate}");
        yield return Case($"Observation?code={KnownSystems.Loinc}|", "hr-smyth", "bp-smith");
        yield return Case("Observation?code:text=pulse", "hr-smyth");
        yield return Case("Observation?code:text=heart", "hr-smyth");
        yield return Case("Patient?identifier=MRN-1", "smith");
        yield return Case("Patient?identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|MRN-1", "smith");
        yield return Case("Patient?identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|XX|MRN-1");
        yield return Case("Patient?email=ali@example.org", "ozturk");
        yield return Case("Patient?active=true", "nobirth");
        yield return Case("Patient?_id={smyth}", "smyth");
        yield return Case("Patient?_id:not={smyth}&family=sm", "smith");
        // missing
        yield return Case("Patient?birthdate:missing=true", "nobirth");
        yield return Case("Patient?organization:missing=false", "ozturk");
        yield return Case("Observation?value-quantity:missing=true", "bp-smith");
        // date, each prefix, partial dates
        yield return Case("Patient?birthdate=1961", "smith");
        yield return Case("Patient?birthdate=1961-03-02", "smith");
        yield return Case("Patient?birthdate=1980", "smyth");
        yield return Case("Patient?birthdate=1980-07-15");
        yield return Case("Patient?birthdate=ne1980", "smith", "ozturk");
        yield return Case("Patient?birthdate=gt1980", "ozturk");
        yield return Case("Patient?birthdate=lt1980-07", "smith");
        yield return Case("Patient?birthdate=ge1980-07", "smyth", "ozturk");
        yield return Case("Patient?birthdate=le1980-07", "smith", "smyth");
        yield return Case("Patient?birthdate=sa1980-07", "ozturk");
        yield return Case("Patient?birthdate=eb1980-07", "smith");
        yield return Case("Patient?birthdate=ap2001-03", "ozturk");
        yield return Case("Observation?date=2023-01", "glucose-smith");
        yield return Case("Observation?date=ge2023-01-01&date=lt2023-01-02", "glucose-ozturk");
        yield return Case("Observation?date=2023-02-15T10:30:00Z", "hr-smyth");
        yield return Case("Observation?date=gt2023-02-15T10:00Z", "hr-smyth", "bp-smith");
        // quantity and number
        yield return Case("Observation?value-quantity=7.8", "glucose-smith");
        yield return Case("Observation?value-quantity=8", "glucose-smith");
        yield return Case("Observation?value-quantity=gt7", "glucose-smith", "hr-smyth");
        yield return Case("Observation?value-quantity=lt6", "glucose-ozturk");
        yield return Case("Observation?value-quantity=le7.8&value-quantity=ge5.1", "glucose-smith", "glucose-ozturk");
        yield return Case($"Observation?value-quantity=72|{KnownSystems.Ucum}|/min", "hr-smyth");
        yield return Case("Observation?value-quantity=72||beats/min", "hr-smyth");
        yield return Case("Observation?value-quantity=72||mmol/L");
        yield return Case("Observation?value-quantity=ap70", "hr-smyth");
        yield return Case("Observation?value-quantity=ne7.8&code=" + Glucose, "glucose-ozturk");
        // reference
        yield return Case("Observation?subject=Patient/{smith}", "glucose-smith", "bp-smith");
        yield return Case("Observation?patient={smyth}", "hr-smyth");
        yield return Case("Observation?subject:Patient={smyth}", "hr-smyth");
        yield return Case("Patient?organization=Organization/{org}", "ozturk");
        // uri
        yield return Case("Patient?_profile=https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient", "smith");
        yield return Case("Patient?_profile:below=https://fhir.hl7.org.uk/StructureDefinition", "smith");
        yield return Case("Patient?_profile:above=https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient/extra", "smith");
        // composite
        yield return Case($"Observation?component-code-value-quantity={KnownSystems.Loinc}|8480-6$120", "bp-smith");
        yield return Case($"Observation?component-code-value-quantity={KnownSystems.Loinc}|8480-6$80");
        yield return Case("Observation?component-code-value-quantity=8462-4$lt90", "bp-smith");
        yield return Case($"Observation?code-value-quantity={Glucose}$gt7", "glucose-smith");
        // chains and reverse chains
        yield return Case("Observation?subject:Patient.name=smyth", "hr-smyth");
        yield return Case("Observation?patient.family=smith", "glucose-smith", "bp-smith");
        yield return Case("Observation?subject:Patient.organization.name=alder", "glucose-ozturk");
        yield return Case($"Patient?_has:Observation:patient:code={HeartRate}", "smyth");
        yield return Case($"Patient?_has:Observation:patient:code={Glucose}", "smith", "ozturk");
        yield return Case("Organization?_has:Patient:organization:_has:Observation:patient:value-quantity=lt6", "org");
        yield return Case($"Patient?_has:Observation:patient:code={Glucose}&gender=female&birthdate=lt2000", "smith");
    }

    [TestCaseSource(nameof(Matches))]
    public async Task Matches_expected_resources(string query, string[] expected)
    {
        var url = "/fhir/" + _ids.Aggregate(query, (q, kv) => q.Replace("{" + kv.Key + "}", kv.Value));
        url = url.Replace("|", "%7C").Replace("$", "%24");
        var bundle = await SearchAsync(url + (url.Contains('?') ? "&" : "?") + $"_tag={SeedTag}&_count=100");
        Assert.That(MatchIds(bundle), Is.EquivalentTo(Named(expected)), url);
    }

    [Test]
    public async Task Includes_add_targets_once_with_mode_include_and_iterate_follows_them()
    {
        var bundle = await SearchAsync($"/fhir/Observation?code={Glucose}&_include=Observation:subject");
        var included = bundle.Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Include).Select(e => e.Resource.Id).ToList();
        Assert.That(included, Is.EquivalentTo(Named("smith", "ozturk")));

        bundle = await SearchAsync($"/fhir/Observation?code={Glucose}&_include=Observation:subject&_include:iterate=Patient:organization");
        included = bundle.Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Include).Select(e => e.Resource.Id).ToList();
        Assert.That(included, Is.EquivalentTo(Named("smith", "ozturk", "org")));

        bundle = await SearchAsync($"/fhir/Patient?_id={_ids["smith"]}&_revinclude=Observation:subject");
        included = bundle.Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Include).Select(e => e.Resource.Id).ToList();
        Assert.That(included, Is.EquivalentTo(Named("glucose-smith", "bp-smith")));

        bundle = await SearchAsync($"/fhir/Observation?_id={_ids["hr-smyth"]}&_include=*");
        Assert.That(bundle.Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Include).Select(e => e.Resource.Id), Is.EquivalentTo(Named("smyth")));
    }

    [Test]
    public async Task Sort_by_several_keys_in_both_directions()
    {
        var bundle = await SearchAsync("/fhir/Patient?_sort=family&_tag=" + SeedTag);
        Assert.That(MatchIds(bundle), Is.EqualTo(Named("nobirth", "ozturk", "smith", "smyth")));
        bundle = await SearchAsync("/fhir/Patient?_sort=-birthdate,family&_tag=" + SeedTag);
        Assert.That(MatchIds(bundle), Is.EqualTo(Named("ozturk", "smyth", "smith", "nobirth")));
        bundle = await SearchAsync("/fhir/Observation?_sort=code,-date&_tag=" + SeedTag);
        Assert.That(MatchIds(bundle), Is.EqualTo(Named("bp-smith", "hr-smyth", "glucose-smith", "glucose-ozturk")));
        bundle = await SearchAsync("/fhir/Observation?_sort=-value-quantity&_tag=" + SeedTag);
        Assert.That(MatchIds(bundle).Take(3), Is.EqualTo(Named("hr-smyth", "glucose-smith", "glucose-ozturk")));
        bundle = await SearchAsync("/fhir/Patient?_sort=-_lastUpdated&_count=1&_tag=" + SeedTag);
        Assert.That(MatchIds(bundle), Is.EqualTo(Named("nobirth")));
    }

    [Test]
    public async Task Total_and_summary_count()
    {
        var bundle = await SearchAsync("/fhir/Patient?family=sm&_total=accurate&_count=1&_tag=" + SeedTag);
        Assert.That(bundle.Total, Is.EqualTo(2));
        Assert.That(MatchIds(bundle).Count(), Is.EqualTo(1));
        bundle = await SearchAsync("/fhir/Patient?family=sm&_summary=count&_tag=" + SeedTag);
        Assert.That(bundle.Total, Is.EqualTo(2));
        Assert.That(bundle.Entry, Is.Empty);
        bundle = await SearchAsync("/fhir/Patient?family=sm");
        Assert.That(bundle.Total, Is.Null);
    }

    [Test]
    public async Task Strict_refuses_every_bad_parameter_and_lenient_warns()
    {
        var response = await Client.SendAsync(HttpMethod.Get, "/fhir/Patient?nonsense=1&birthdate=yesterday&family=smith");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var outcome = await response.ReadAsync<OperationOutcome>();
        Assert.That(outcome.Issue.SelectMany(i => i.Expression), Is.SupersetOf(new[] { "nonsense", "birthdate" }));
        Assert.That(outcome.DetailCodes(), Is.All.EqualTo("INVALID_REQUEST"));

        var bundle = await SearchAsync("/fhir/Patient?nonsense=1&family=smith&_tag=" + SeedTag, configure: r => r.Headers.Add("Prefer", "handling=lenient"));
        Assert.That(MatchIds(bundle), Is.EquivalentTo(Named("smith")));
        var warning = bundle.Entry.Single(e => e.Search.Mode == Bundle.SearchEntryMode.Outcome).Resource as OperationOutcome;
        Assert.That(warning!.Issue.Single().Expression, Is.EqualTo(new[] { "nonsense" }));
    }

    [Test]
    public async Task Post_search_takes_a_form_body()
    {
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient/_search",
            new FormUrlEncodedContent([new("family", "smyth"), new("gender", "male"), new("_tag", SeedTag)]));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(MatchIds(await response.ReadAsync<Bundle>()), Is.EquivalentTo(Named("smyth")));
    }

    [Test]
    public async Task System_search_by_type_and_common_parameters()
    {
        var bundle = await SearchAsync($"/fhir?_type=Patient,Organization&_id={_ids["smith"]},{_ids["org"]}");
        Assert.That(MatchIds(bundle), Is.EquivalentTo(Named("smith", "org")));
        bundle = await SearchAsync($"/fhir?_id={_ids["hr-smyth"]}");
        Assert.That(MatchIds(bundle), Is.EquivalentTo(Named("hr-smyth")));
    }

    [Test]
    public async Task Batch_get_entries_search()
    {
        var batch = new Bundle { Type = Bundle.BundleType.Batch };
        batch.Entry.Add(new Bundle.EntryComponent { Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.GET, Url = "Patient?family=smyth" } });
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir", FhirHttp.JsonBody(batch));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var result = (Bundle)(await response.ReadAsync<Bundle>()).Entry[0].Resource!;
        Assert.That(MatchIds(result), Is.EquivalentTo(Named("smyth")));
    }

    [Test]
    public async Task Conditional_create_uses_any_search_parameter()
    {
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient("Smyth", "John")),
            r => r.Headers.Add("If-None-Exist", "family=smyth&gender=male"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await response.ReadAsync<Patient>()).Id, Is.EqualTo(_ids["smyth"]));
    }

    [Test]
    public async Task Paging_to_the_end_under_concurrent_inserts_gives_every_match_once()
    {
        const string code = "paging-test";
        var expected = new List<string>();
        for (var i = 0; i < 23; i++)
        {
            var o = Builders.Observation(_ids["smith"], code, i);
            o.Effective = new FhirDateTime(new DateTimeOffset(2020, 1, 1 + i % 5, 0, 0, 0, TimeSpan.Zero));
            expected.Add(await CreateAsync(o));
        }
        var seen = new List<string>();
        string? url = $"/fhir/Observation?code={code}&_sort=-date&_count=5";
        var pages = 0;
        while (url is not null)
        {
            var bundle = await SearchAsync(url);
            seen.AddRange(MatchIds(bundle));
            await CreateAsync(Builders.Observation(_ids["smith"], code, 99)); // a concurrent insert between pages
            url = bundle.NextLink?.ToString();
            pages++;
        }
        Assert.That(pages, Is.EqualTo(5));
        Assert.That(seen, Is.EquivalentTo(expected));
        Assert.That(seen, Is.Unique);
    }

    [Test]
    public async Task Page_tokens_are_refused_for_another_caller_or_when_altered()
    {
        var first = await SearchAsync("/fhir/Patient?_count=1&_sort=family");
        var next = first.NextLink!.ToString();
        var other = ClientFor("RBQ", "clinician", "user/*.rs");
        var response = await other.SendAsync(HttpMethod.Get, next);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await response.Content.ReadAsStringAsync());
        var tampered = next.Replace("_page=", "_page=x");
        Assert.That((await Client.SendAsync(HttpMethod.Get, tampered)).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await Client.SendAsync(HttpMethod.Get, next)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Scope_constraints_narrow_results()
    {
        var constrained = ClientFor("RBQ", "clinician", $"user/Observation.rs?code={KnownSystems.Loinc}|{HeartRate} user/Patient.rs");
        var bundle = await SearchAsync("/fhir/Observation?_count=100", constrained);
        Assert.That(MatchIds(bundle), Is.EquivalentTo(Named("hr-smyth")));
    }

    [Test]
    public async Task Consent_withheld_matches_are_flagged_suppressed_without_revealing_them()
    {
        var patient = await CreateAsync(Builders.Patient("Withheld", "Wendy"));
        string hidden = await CreateAsync(Builders.Observation(patient, "withheld-code", 1m));
        var visibleObs = await CreateAsync(Builders.Observation(_ids["smyth"], "withheld-code", 2m));
        var consent = ConsentBuilder.DenyOrganisation(patient, "RBQ");
        await CreateAsync(consent);

        var clinician = ClientFor("RBQ", "clinician", "user/*.rs");
        var response = await clinician.SendAsync(HttpMethod.Get, "/fhir/Observation?code=withheld-code&_total=accurate&_include=Observation:subject");
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        var bundle = await response.ReadAsync<Bundle>();
        Assert.That(MatchIds(bundle), Is.EquivalentTo(new[] { visibleObs }));
        Assert.That(bundle.Total, Is.EqualTo(1));
        var outcome = (OperationOutcome)bundle.Entry.Single(e => e.Search.Mode == Bundle.SearchEntryMode.Outcome).Resource!;
        Assert.That(outcome.Issue.Select(i => i.Code), Does.Contain(OperationOutcome.IssueType.Suppressed));
        Assert.That(text, Does.Not.Contain(hidden));
        Assert.That(text, Does.Not.Contain(patient));

        // The hidden patient cannot be inferred through a chain or _has either.
        bundle = await SearchAsync("/fhir/Observation?patient.family=withheld", clinician);
        Assert.That(MatchIds(bundle), Is.Empty);
        bundle = await SearchAsync("/fhir/Patient?_has:Observation:patient:code=withheld-code&_tag=" + SeedTag, clinician);
        Assert.That(MatchIds(bundle), Is.EquivalentTo(Named("smyth")));

        // The administrator (no consent filter) sees both and no suppression.
        bundle = await SearchAsync("/fhir/Observation?code=withheld-code");
        Assert.That(MatchIds(bundle), Is.EquivalentTo(new[] { hidden, visibleObs }));
        Assert.That(bundle.Entry.Any(e => e.Search.Mode == Bundle.SearchEntryMode.Outcome), Is.False);
    }

    [Test]
    public async Task Capability_statement_lists_search_parameters_and_includes()
    {
        var response = await Client.SendAsync(HttpMethod.Get, "/fhir/metadata");
        var statement = await response.ReadAsync<CapabilityStatement>();
        var patient = statement.Rest[0].Resource.Single(r => r.Type == "Patient");
        Assert.That(patient.SearchParam.Select(p => p.Name), Is.SupersetOf(new[] { "family", "birthdate", "identifier", "_id", "_lastUpdated" }));
        Assert.That(patient.SearchInclude, Does.Contain("Patient:organization"));
        Assert.That(patient.SearchRevInclude, Does.Contain("Observation:subject"));
        Assert.That(response.Content.Headers.ContentLength ?? (await response.Content.ReadAsByteArrayAsync()).Length, Is.LessThan(20_000_000));
    }

    [Test]
    public async Task A_created_SearchParameter_indexes_later_writes_and_a_bad_one_is_422()
    {
        var parameter = new SearchParameter
        {
            Url = "https://interop.example/SearchParameter/Patient-birth-place",
            Name = "BirthPlace",
            Status = PublicationStatus.Active,
            Description = "Patient's place of birth (city)",
            Code = "birth-place-city",
            Base = [ResourceType.Patient],
            Type = SearchParamType.String,
            Expression = "Patient.extension('http://hl7.org/fhir/StructureDefinition/patient-birthPlace').value.ofType(Address).city",
        };
        await CreateAsync(parameter);
        var born = Builders.Patient("Birthplace", "Bea");
        born.Extension.Add(new Extension("http://hl7.org/fhir/StructureDefinition/patient-birthPlace", new Address { City = "Liverpool" }));
        var id = await CreateAsync(born);
        var bundle = await SearchAsync("/fhir/Patient?birth-place-city=liver");
        Assert.That(MatchIds(bundle), Is.EqualTo(new[] { id }));

        parameter.Code = "family"; // redefining an R4 parameter is refused
        parameter.Url = "https://interop.example/SearchParameter/bad";
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/SearchParameter", FhirHttp.JsonBody(parameter));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
    }
}
