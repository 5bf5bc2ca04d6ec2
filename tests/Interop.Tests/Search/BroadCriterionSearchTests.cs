using System.Net;
using Hl7.Fhir.Model;
using Interop.Core.Known;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Search;

/// <summary>
/// A broad sole criterion finds its page within a window of row ids, with the usual plan after the
/// window; on SQLite the window's rows are walked and tested one by one, and "was anything withheld?"
/// tests the consent candidates one by one (docs/search.md, "Broad criteria"). The threshold is
/// lowered here so that a few hundred rows count as broad; the same assertions run with the plan off
/// (0) on each provider, so the answers must be the same with and without it; and with "withheld?"
/// reading the searched type's candidates into a list (1,000) or keeping them a subquery (0).
/// </summary>
[TestFixture(StorageProvider.Sqlite, 150, 1000)]
[TestFixture(StorageProvider.Sqlite, 150, 0)]
[TestFixture(StorageProvider.Sqlite, 0, 1000)]
[TestFixture(StorageProvider.PostgreSql, 150, 1000)]
[TestFixture(StorageProvider.PostgreSql, 150, 0)]
[TestFixture(StorageProvider.PostgreSql, 0, 1000)]
public sealed class BroadCriterionSearchTests(StorageProvider provider, int broadRows, int listedCandidates) : ApiFixture(provider)
{
    private readonly List<string> _of2020 = [];
    private readonly List<string> _of2010 = [];
    private string _patient = "";
    private string _sensitive = "";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Storage:BroadCriterionRows"] = broadRows.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Storage:ListedWithholdingCandidates"] = listedCandidates.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        await RegisterOrganizationAsync("RBQ");
        _patient = await CreateAsync(Builders.Patient("Broad", "Bea"));
        // In creation (row id) order: 160 Observations of 2020; 120 rows that do not match
        // Observation?date=ge2020-01-01 (Observations of 2010, and Encounters of 2020, whose `date`
        // is another type's parameter); 40 more Observations of 2020. A page that starts late in
        // the first run reaches past the window into the gap and is completed by the usual plan.
        _of2020.AddRange(await PostAllAsync(Enumerable.Range(0, 160).Select(i => Dated(Builders.Observation(_patient, "broad", i), 2020, i))));
        _of2010.AddRange(await PostAllAsync(Enumerable.Range(0, 60).Select(i => Dated(Builders.Observation(_patient, "broad", i), 2010, i))));
        await PostAllAsync(Enumerable.Range(0, 60).Select(i => (Resource)new Encounter
        {
            Status = Encounter.EncounterStatus.Finished,
            Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB"),
            Subject = new ResourceReference($"Patient/{_patient}"),
            Period = new Period { StartElement = new FhirDateTime(new DateTimeOffset(2020, 3, 1 + i % 28, 9, 0, 0, TimeSpan.Zero)) },
        }));
        _of2020.AddRange(await PostAllAsync(Enumerable.Range(0, 40).Select(i => Dated(Builders.Observation(_patient, "broad", i), 2020, i))));

        // Withheld from a hospital clinician: a psychiatry-labelled Observation of 2020 recorded by the operator.
        var sensitive = Dated(Builders.Observation(_patient, "broad", 0), 2020, 0);
        sensitive.Meta = new Meta { Security = [new Coding(KnownSystems.V3ActCode, "PSY")] };
        _sensitive = await CreateAsync(sensitive);
    }

    [Test]
    public async Task Following_next_to_the_end_gives_every_match_once_in_creation_order()
    {
        var seen = await AllPagesAsync("/fhir/Observation?date=ge2020-01-01&_count=7", Client);
        Assert.That(seen, Is.EqualTo(_of2020.Append(_sensitive)));
    }

    [Test]
    public async Task Small_pages_and_the_total_agree_with_one_large_page()
    {
        var small = await AllPagesAsync("/fhir/Observation?date=ge2020-01-01&_count=3", Client);
        var large = await SearchAsync("/fhir/Observation?date=ge2020-01-01&_count=1000&_total=accurate", Client);
        Assert.That(small, Is.EqualTo(MatchIds(large)));
        Assert.That(large.Total, Is.EqualTo(_of2020.Count + 1));
    }

    [Test]
    public async Task A_broad_chained_criterion_pages_through_every_match_and_withholds_like_any_other()
    {
        var all = _of2020.Take(160).Concat(_of2010).Concat(_of2020.Skip(160)).Append(_sensitive).ToList();
        var seen = await AllPagesAsync("/fhir/Observation?subject:Patient.family=broad&_count=9", Client);
        Assert.That(seen, Is.EqualTo(all));

        var clinician = ClientFor("RBQ", "clinician", "user/*.rs");
        var bundle = await SearchAsync("/fhir/Observation?subject:Patient.family=broad&_count=500", clinician);
        Assert.That(MatchIds(bundle), Is.EqualTo(all.Take(all.Count - 1)));
        Assert.That(Suppressed(bundle), Is.True);
    }

    [Test]
    public async Task Another_type_with_the_same_parameter_is_not_matched()
    {
        var observations = await AllPagesAsync("/fhir/Observation?date=lt2015-01-01&_count=100", Client);
        Assert.That(observations, Has.Count.EqualTo(60));
        var encounters = await AllPagesAsync("/fhir/Encounter?date=ge2020-01-01&_count=100", Client);
        Assert.That(encounters, Has.Count.EqualTo(60));
    }

    [Test]
    public async Task A_withheld_match_is_flagged_and_left_out_and_a_withheld_non_match_is_not_flagged()
    {
        var clinician = ClientFor("RBQ", "clinician", "user/*.rs");
        var response = await clinician.SendAsync(HttpMethod.Get, "/fhir/Observation?date=ge2020-01-01&_count=500");
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        var bundle = await response.ReadAsync<Bundle>();
        Assert.That(MatchIds(bundle), Is.EqualTo(_of2020));
        Assert.That(Suppressed(bundle), Is.True);
        Assert.That(text, Does.Not.Contain(_sensitive));

        bundle = await SearchAsync("/fhir/Observation?date=lt2015-01-01&_count=500", clinician);
        Assert.That(MatchIds(bundle), Has.Count.EqualTo(60));
        Assert.That(Suppressed(bundle), Is.False);
    }

    [Test]
    public async Task A_criterion_remembered_broad_that_has_become_narrow_is_still_answered_exactly()
    {
        // 200 Observations with a code of their own (broad at this fixture's threshold, 150), of a patient
        // of their own and undated, so the other tests' searches do not find them.
        var patient = await CreateAsync(Builders.Patient("Remembered", "Rae"));
        var ids = await PostAllAsync(Enumerable.Range(0, 200).Select(i =>
        {
            var observation = Builders.Observation(patient, "remembered", i);
            observation.Effective = null;
            return (Resource)observation;
        }));
        var url = $"/fhir/Observation?code={KnownSystems.Snomed}|remembered&_count=20";
        Assert.That(await AllPagesAsync(url, Client), Is.EqualTo(ids));
        var memory = Factory.Services.GetRequiredService<Interop.Storage.Search.BroadCriterionMemory>();
        var query = Factory.Services.GetRequiredService<Interop.Core.Search.SearchQueryParser>();
        var key = Interop.Storage.Search.BroadCriterionMemory.KeyOf("Observation",
            query.Parse("Observation", [new("code", $"{KnownSystems.Snomed}|remembered")], Interop.Core.Search.SearchParseOptions.Strict).Criteria.Single());
        Assert.That(key is not null && memory.WasBroad(key, broadRows), Is.EqualTo(broadRows > 0), "counted broad and remembered (when the plan is on)");

        // Now narrow: all but five deleted, and searched again at once, within the memory's time.
        foreach (var id in ids.Take(195))
            Assert.That((await Client.DeleteAsync($"/fhir/Observation/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await AllPagesAsync(url, Client), Is.EqualTo(ids.Skip(195)));
        var total = await SearchAsync(url + "&_total=accurate", Client);
        Assert.That(total.Total, Is.EqualTo(5));
    }

    private static Observation Dated(Observation observation, int year, int i)
    {
        observation.Effective = new FhirDateTime(new DateTimeOffset(year, 1 + i % 12, 1 + i % 28, 8, 0, 0, TimeSpan.Zero));
        return observation;
    }

    [Test]
    public async Task Matches_consent_lets_through_are_not_flagged_however_many_and_one_it_withholds_is()
    {
        // Psychiatry-labelled Observations that RBQ recorded itself: each is a consent candidate (a
        // sensitive label, ConsentFilter.WithholdingCandidates) that consent lets its custodian see, so
        // "was anything withheld?" must say no, for one match and for many; then one the operator
        // recorded must make it say yes. Undated, of a patient of their own, so the other tests'
        // searches do not find them.
        var patient = await CreateAsync(Builders.Patient("Custodian", "Cai"));
        Observation Labelled(int i)
        {
            var observation = Builders.Observation(patient, "own-psy", i);
            observation.Effective = null;
            observation.Meta = new Meta { Security = [new Coding(KnownSystems.V3ActCode, "PSY")] };
            return observation;
        }
        var own = await PostAllAsync(Enumerable.Range(0, 30).Select(Labelled), ClientFor("RBQ", "clinician", "user/*.cruds"));
        var rbq = ClientFor("RBQ", "clinician", "user/*.rs");
        var code = $"code={KnownSystems.Snomed}|own-psy";

        var one = await SearchAsync($"/fhir/Observation?{code}&_id={own[0]}", rbq);
        Assert.That(MatchIds(one), Is.EqualTo(new[] { own[0] }));
        Assert.That(Suppressed(one), Is.False, "one candidate, seen by its custodian");
        var all = await SearchAsync($"/fhir/Observation?{code}&_count=1000", rbq);
        Assert.That(MatchIds(all), Is.EqualTo(own));
        Assert.That(Suppressed(all), Is.False, "thirty candidates, all seen by their custodian");

        // The same label on one recorded by the operator: withheld from RBQ, whichever way it is found.
        var hidden = await CreateAsync(Labelled(own.Count));
        one = await SearchAsync($"/fhir/Observation?{code}&_id={hidden}", rbq);
        Assert.That(MatchIds(one), Is.Empty);
        Assert.That(Suppressed(one), Is.True, "one candidate, withheld");
        all = await SearchAsync($"/fhir/Observation?{code}&_count=1000", rbq);
        Assert.That(MatchIds(all), Is.EqualTo(own));
        Assert.That(Suppressed(all), Is.True, "one withheld among thirty-one candidates");
        var operatorView = await SearchAsync($"/fhir/Observation?{code}&_count=1000", Client);
        Assert.That(MatchIds(operatorView), Is.EqualTo(own.Append(hidden)), "the operator (the custodian of the last) sees all");
        Assert.That(Suppressed(operatorView), Is.False);
    }

    /// <summary>Creates the resources in transactions of 50 (as <paramref name="client"/>, by default the operator) and returns their ids in creation order.</summary>
    private async Task<List<string>> PostAllAsync(IEnumerable<Resource> resources, HttpClient? client = null)
    {
        var ids = new List<string>();
        foreach (var chunk in resources.Chunk(50))
        {
            var transaction = new Bundle { Type = Bundle.BundleType.Transaction };
            foreach (var resource in chunk)
                transaction.Entry.Add(new Bundle.EntryComponent
                {
                    Resource = resource,
                    Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = resource.TypeName },
                });
            var response = await (client ?? Client).SendAsync(HttpMethod.Post, "/fhir", FhirHttp.JsonBody(transaction));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
            var result = await response.ReadAsync<Bundle>();
            ids.AddRange(result.Entry.Select(e => e.Response.Location.Split('/')[1]));
        }
        return ids;
    }

    private async Task<string> CreateAsync(Resource resource)
    {
        var response = await Client.SendAsync(HttpMethod.Post, $"/fhir/{resource.TypeName}", FhirHttp.JsonBody(resource));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.ReadAsync<Resource>()).Id!;
    }

    private async Task<List<string>> AllPagesAsync(string url, HttpClient client)
    {
        var seen = new List<string>();
        string? next = url;
        while (next is not null)
        {
            var bundle = await SearchAsync(next, client);
            seen.AddRange(MatchIds(bundle));
            next = bundle.NextLink?.ToString();
        }
        return seen;
    }

    private static async Task<Bundle> SearchAsync(string url, HttpClient client)
    {
        var response = await client.SendAsync(HttpMethod.Get, url);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{url}: {await response.Content.ReadAsStringAsync()}");
        return await response.ReadAsync<Bundle>();
    }

    private static List<string> MatchIds(Bundle bundle) =>
        bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource.Id!).ToList();

    private static bool Suppressed(Bundle bundle) =>
        bundle.Entry.Any(e => e.Search?.Mode == Bundle.SearchEntryMode.Outcome
            && ((OperationOutcome)e.Resource).Issue.Any(i => i.Code == OperationOutcome.IssueType.Suppressed));
}
