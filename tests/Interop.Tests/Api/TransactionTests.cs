using System.Net;
using Hl7.Fhir.Model;
using Interop.Core.Known;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Api;

/// <summary>Transaction and batch Bundles (FHIR R4 http.html#transaction).</summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class TransactionTests(StorageProvider provider) : ApiFixture(provider)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Fhir:MaxBundleEntries"] = "6000" };

    private static Bundle Tx(Bundle.BundleType type = Bundle.BundleType.Transaction) => new() { Type = type };

    private static Bundle.EntryComponent Post(Resource r, string? fullUrl = null, string? ifNoneExist = null) => new()
    {
        FullUrl = fullUrl ?? $"urn:uuid:{Guid.NewGuid()}",
        Resource = r,
        Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = r.TypeName, IfNoneExist = ifNoneExist },
    };

    private async Task<Bundle> SendOkAsync(Bundle bundle)
    {
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir", FhirHttp.JsonBody(bundle));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<Bundle>();
    }

    private async Task<int> CountByIdentifierAsync(string type, string system, string value)
    {
        var history = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/{type}/_history?_count=1000")).ReadAsync<Bundle>();
        return history.Entry.Count(e => e.Resource is Patient p && e.Request.Method != Bundle.HTTPVerb.DELETE &&
            p.Identifier.Any(i => i.System == system && i.Value == value));
    }

    [Test]
    public async Task Urn_uuid_references_are_resolved_to_the_created_ids()
    {
        var patientUrl = $"urn:uuid:{Guid.NewGuid()}";
        var bundle = Tx();
        bundle.Entry.Add(Post(Builders.Patient("Linked"), patientUrl));
        var obs = Builders.Observation("placeholder");
        obs.Subject = new ResourceReference(patientUrl);
        bundle.Entry.Add(Post(obs));

        var result = await SendOkAsync(bundle);
        Assert.That(result.Type, Is.EqualTo(Bundle.BundleType.TransactionResponse));
        Assert.That(result.Entry.Select(e => e.Response.Status), Is.All.StartWith("201"));
        var patientLocation = result.Entry[0].Response.Location;
        var obsRead = await (await Client.SendAsync(HttpMethod.Get, "/fhir/" + result.Entry[1].Response.Location.Split("/_history")[0])).ReadAsync<Observation>();
        Assert.That(obsRead.Subject.Reference, Is.EqualTo(patientLocation.Split("/_history")[0]));
    }

    [Test]
    public async Task A_failure_in_the_last_entry_rolls_back_the_first()
    {
        var marker = Guid.NewGuid().ToString("N");
        var patient = Builders.Patient("Rollback");
        patient.Identifier.Add(new Identifier("urn:test:marker", marker));
        var bundle = Tx();
        bundle.Entry.Add(Post(patient));
        var obs = Builders.Observation("x");
        obs.Subject = new ResourceReference($"Patient?identifier={KnownSystems.NhsNumber}|9990000000");
        bundle.Entry.Add(Post(obs));

        var response = await Client.SendAsync(HttpMethod.Post, "/fhir", FhirHttp.JsonBody(bundle));
        Assert.That((int)response.StatusCode, Is.InRange(400, 499));
        var outcome = await response.ReadAsync<OperationOutcome>();
        Assert.That(outcome.Issue[0].Diagnostics, Does.StartWith("entry[1]"));
        Assert.That(await CountByIdentifierAsync("Patient", "urn:test:marker", marker), Is.EqualTo(0), "the first entry was rolled back");
    }

    [Test]
    public async Task Stale_if_match_in_an_entry_fails_the_whole_transaction_with_412()
    {
        var created = await (await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient()))).ReadAsync<Patient>();
        var marker = Guid.NewGuid().ToString("N");
        var other = Builders.Patient();
        other.Identifier.Add(new Identifier("urn:test:marker", marker));
        var bundle = Tx();
        bundle.Entry.Add(Post(other));
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            Resource = created,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = $"Patient/{created.Id}", IfMatch = "W/\"7\"" },
        });
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir", FhirHttp.JsonBody(bundle));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
        Assert.That(await CountByIdentifierAsync("Patient", "urn:test:marker", marker), Is.EqualTo(0));
    }

    [Test]
    public async Task Conditional_create_in_a_transaction_reuses_the_match_and_points_references_at_it()
    {
        var nhs = Builders.NextNhsNumber();
        var existing = await (await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient(nhsNumber: nhs)))).ReadAsync<Patient>();
        var patientUrl = $"urn:uuid:{Guid.NewGuid()}";
        var bundle = Tx();
        bundle.Entry.Add(Post(Builders.Patient(nhsNumber: nhs), patientUrl, $"identifier={KnownSystems.NhsNumber}|{nhs}"));
        var obs = Builders.Observation("x");
        obs.Subject = new ResourceReference(patientUrl);
        bundle.Entry.Add(Post(obs));

        var result = await SendOkAsync(bundle);
        Assert.That(result.Entry[0].Response.Status, Does.StartWith("200"));
        Assert.That(result.Entry[0].Response.Location, Does.StartWith($"Patient/{existing.Id}/"));
        var obsRead = await (await Client.SendAsync(HttpMethod.Get, "/fhir/" + result.Entry[1].Response.Location.Split("/_history")[0])).ReadAsync<Observation>();
        Assert.That(obsRead.Subject.Reference, Is.EqualTo($"Patient/{existing.Id}"));
    }

    [Test]
    public async Task Conditional_reference_in_a_body_is_resolved()
    {
        var nhs = Builders.NextNhsNumber();
        var patient = await (await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient(nhsNumber: nhs)))).ReadAsync<Patient>();
        var obs = Builders.Observation("x");
        obs.Subject = new ResourceReference($"Patient?identifier={KnownSystems.NhsNumber}|{nhs}");
        var bundle = Tx();
        bundle.Entry.Add(Post(obs));
        var result = await SendOkAsync(bundle);
        var obsRead = await (await Client.SendAsync(HttpMethod.Get, "/fhir/" + result.Entry[0].Response.Location.Split("/_history")[0])).ReadAsync<Observation>();
        Assert.That(obsRead.Subject.Reference, Is.EqualTo($"Patient/{patient.Id}"));
    }

    [Test]
    public async Task Bad_bundles_name_every_problem_and_store_nothing()
    {
        var dup = $"urn:uuid:{Guid.NewGuid()}";
        var bundle = Tx();
        bundle.Entry.Add(Post(Builders.Patient(), dup));
        bundle.Entry.Add(Post(Builders.Patient(), dup));
        bundle.Entry.Add(new Bundle.EntryComponent { Resource = Builders.Patient() });
        bundle.Entry.Add(Post(Builders.Patient(), ifNoneExist: "identifier=urn:uuid:abc"));
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir", FhirHttp.JsonBody(bundle));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var outcome = await response.ReadAsync<OperationOutcome>();
        var text = string.Join("\n", outcome.Issue.Select(i => i.Diagnostics));
        Assert.That(text, Does.Contain("entry[1]").And.Contain("fullUrl"));
        Assert.That(text, Does.Contain("entry[2]").And.Contain("request.method"));
        Assert.That(text, Does.Contain("entry[3]").And.Contain("circular"));
    }

    [Test]
    public async Task Unresolvable_urn_uuid_is_400_naming_the_entry()
    {
        var obs = Builders.Observation("x");
        obs.Subject = new ResourceReference($"urn:uuid:{Guid.NewGuid()}");
        var bundle = Tx();
        bundle.Entry.Add(Post(obs));
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir", FhirHttp.JsonBody(bundle));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.ReadAsync<OperationOutcome>()).Issue[0].Diagnostics, Does.StartWith("entry[0]").And.Contain("urn:uuid"));
    }

    [Test]
    public async Task Conditional_match_on_several_resources_is_412()
    {
        var shared = Guid.NewGuid().ToString("N");
        for (var i = 0; i < 2; i++)
        {
            var p = Builders.Patient();
            p.Identifier.Add(new Identifier("urn:test:shared", shared));
            await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(p));
        }
        var bundle = Tx();
        bundle.Entry.Add(Post(Builders.Patient(), ifNoneExist: $"identifier=urn:test:shared|{shared}"));
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir", FhirHttp.JsonBody(bundle));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
    }

    [Test]
    public async Task Deletes_run_before_creates_and_reads_run_last()
    {
        var doomed = await (await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient()))).ReadAsync<Patient>();
        var bundle = Tx();
        bundle.Entry.Add(new Bundle.EntryComponent { Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.GET, Url = $"Patient/{doomed.Id}" } });
        bundle.Entry.Add(Post(Builders.Patient("After")));
        bundle.Entry.Add(new Bundle.EntryComponent { Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.DELETE, Url = $"Patient/{doomed.Id}" } });
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir", FhirHttp.JsonBody(bundle));
        // The GET runs after the DELETE, so it finds the resource deleted and the transaction fails as a whole.
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Gone));
        Assert.That((await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{doomed.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "rolled back");
    }

    [Test]
    public async Task Batch_entries_succeed_or_fail_on_their_own()
    {
        var bundle = Tx(Bundle.BundleType.Batch);
        bundle.Entry.Add(Post(Builders.Patient("Good")));
        bundle.Entry.Add(new Bundle.EntryComponent { Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.GET, Url = "Patient/does-not-exist" } });
        bundle.Entry.Add(Post(Builders.Patient("AlsoGood")));
        bundle.Entry.Add(new Bundle.EntryComponent { Resource = Builders.Patient() });
        var result = await SendOkAsync(bundle);
        Assert.That(result.Type, Is.EqualTo(Bundle.BundleType.BatchResponse));
        Assert.That(result.Entry.Select(e => e.Response.Status[..3]), Is.EqualTo(new[] { "201", "404", "201", "400" }));
        Assert.That(result.Entry[1].Response.Outcome, Is.InstanceOf<OperationOutcome>());
    }

    [Test]
    public async Task A_five_thousand_entry_transaction_is_accepted()
    {
        var bundle = Tx();
        var patientUrl = $"urn:uuid:{Guid.NewGuid()}";
        bundle.Entry.Add(Post(Builders.Patient("Big"), patientUrl));
        for (var i = 1; i < 5000; i++)
        {
            var obs = Builders.Observation("x", value: i);
            obs.Subject = new ResourceReference(patientUrl);
            bundle.Entry.Add(Post(obs));
        }
        var result = await SendOkAsync(bundle);
        Assert.That(result.Entry, Has.Count.EqualTo(5000));
        Assert.That(result.Entry.All(e => e.Response.Status.StartsWith("201")), Is.True);

        // The index rows of so large a write go in bulk (one INSERT ... SELECT FROM unnest per table on PostgreSQL): every kind is findable.
        var patient = result.Entry[0].Response.Location.Split('/')[1];
        var all = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Observation?subject=Patient/{patient}&_summary=count")).ReadAsync<Bundle>();
        Assert.That(all.Total, Is.EqualTo(4999), "references");
        var one = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Observation?subject=Patient/{patient}&value-quantity=4321|http://unitsofmeasure.org|mmol/L&code=http://snomed.info/sct|997681000000108&date=2023-01-10")).ReadAsync<Bundle>();
        Assert.That(one.Entry.Select(e => ((Quantity)((Observation)e.Resource).Value).Value), Is.EqualTo(new decimal?[] { 4321m }), "quantities, tokens and dates");
    }

    [Test]
    public async Task Over_the_entry_limit_is_413()
    {
        var bundle = Tx(Bundle.BundleType.Batch);
        for (var i = 0; i < 6001; i++)
            bundle.Entry.Add(new Bundle.EntryComponent { Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.GET, Url = "Patient/x" } });
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir", FhirHttp.JsonBody(bundle));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That((await response.ReadAsync<OperationOutcome>()).Issue[0].Diagnostics, Does.Contain("6000"));
    }

    [Test]
    public async Task An_entry_outside_the_callers_scopes_refuses_the_whole_transaction()
    {
        await RegisterOrganizationAsync("RTX01");
        using var client = ClientFor("RTX01", "clinician", "user/Patient.c");
        var bundle = Tx();
        bundle.Entry.Add(Post(Builders.Patient()));
        bundle.Entry.Add(Post(Builders.Observation("x")));
        var response = await client.SendAsync(HttpMethod.Post, "/fhir", FhirHttp.JsonBody(bundle));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await response.ReadAsync<OperationOutcome>()).Issue[0].Diagnostics, Does.StartWith("entry[1]").And.Contain("user/Observation.c"));
    }

    [Test]
    public async Task Creates_are_stored_in_entry_order_each_with_its_index_rows()
    {
        // A run of creates is stored in one save: the versions must still be written in entry
        // order (history is ordered by row) and each must get its own search index rows.
        var patientUrl = $"urn:uuid:{Guid.NewGuid()}";
        var bundle = Tx();
        bundle.Entry.Add(Post(Builders.Patient("Ordered"), patientUrl));
        for (var i = 1; i <= 12; i++)
        {
            var obs = Builders.Observation("x", value: i);
            obs.Subject = new ResourceReference(patientUrl);
            bundle.Entry.Add(Post(obs));
        }

        var result = await SendOkAsync(bundle);
        var created = result.Entry.Select(e => e.Response.Location.Split("/_history")[0]).ToList();
        var history = await (await Client.SendAsync(HttpMethod.Get, "/fhir/Observation/_history?_count=12")).ReadAsync<Bundle>();
        var newestFirst = history.Entry.Select(e => $"Observation/{e.Resource.Id}").ToList();
        Assert.That(newestFirst, Is.EqualTo(Enumerable.Reverse(created.Skip(1)).ToList()), "versions are stored in entry order");

        var patientId = created[0].Split('/')[1];
        var found = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Observation?subject=Patient/{patientId}&_count=50")).ReadAsync<Bundle>();
        Assert.That(found.Entry.Select(e => $"Observation/{e.Resource.Id}"), Is.EquivalentTo(created.Skip(1)));
        var seventh = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Observation?subject=Patient/{patientId}&value-quantity=7")).ReadAsync<Bundle>();
        Assert.That(seventh.Entry.Select(e => $"Observation/{e.Resource.Id}"), Is.EqualTo(new[] { created[7] }), "each create has its own index rows");
    }

    [Test]
    public async Task Entries_after_the_creates_see_them()
    {
        var marker = Guid.NewGuid().ToString("N");
        var patient = Builders.Patient("Seen");
        patient.Identifier.Add(new Identifier("urn:test:marker", marker));
        var clientId = "tx-put-" + marker[..12];
        var bundle = Tx();
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.GET, Url = $"Patient?identifier=urn:test:marker|{marker}" },
        });
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            Resource = Builders.Patient("Put", id: clientId),
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = $"Patient/{clientId}" },
        });
        bundle.Entry.Add(Post(patient));
        bundle.Entry.Add(Post(Builders.Patient("Second")));

        var result = await SendOkAsync(bundle);
        Assert.That(result.Entry.Select(e => e.Response.Status[..3]), Is.EqualTo(new[] { "200", "201", "201", "201" }));
        var searchset = (Bundle)result.Entry[0].Resource;
        Assert.That(searchset.Entry.Select(e => e.FullUrl), Has.Exactly(1).EndsWith("/Patient/" + result.Entry[2].Response.Location.Split('/')[1]),
            "the search entry runs last and finds the Patient created earlier in the same transaction");
        Assert.That((await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{clientId}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
