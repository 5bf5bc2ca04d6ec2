using System.Net;
using Hl7.Fhir.Model;
using Interop.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Interop.Tests.Infrastructure;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Api;

/// <summary>create, read, vread, update, delete and history over HTTP, in JSON and XML.</summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class RestInteractionTests(StorageProvider provider) : ApiFixture(provider)
{
    [Test]
    public async Task Create_assigns_id_and_answers_201_with_location_etag_and_last_modified()
    {
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient(id: "ignored-client-id")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var created = await response.ReadAsync<Patient>();
        Assert.That(created.Id, Is.Not.Null.And.Not.EqualTo("ignored-client-id"));
        Assert.That(response.Headers.Location?.ToString(), Does.EndWith($"/fhir/Patient/{created.Id}/_history/1"));
        Assert.That(response.Headers.ETag?.ToString(), Is.EqualTo("W/\"1\""));
        Assert.That(response.Content.Headers.LastModified, Is.Not.Null);
        Assert.That(created.Meta.VersionId, Is.EqualTo("1"));
    }

    [Test]
    public async Task Round_trip_create_read_update_history_delete_in_json()
    {
        var created = await (await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient("Jones")))).ReadAsync<Patient>();

        var read = await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{created.Id}");
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await read.ReadAsync<Patient>()).Name[0].Family, Is.EqualTo("Jones"));

        created.Name[0].Family = "Jones-Smith";
        var update = await Client.SendAsync(HttpMethod.Put, $"/fhir/Patient/{created.Id}", FhirHttp.JsonBody(created));
        Assert.That(update.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(update.Headers.ETag?.ToString(), Is.EqualTo("W/\"2\""));

        var v1 = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{created.Id}/_history/1")).ReadAsync<Patient>();
        Assert.That(v1.Name[0].Family, Is.EqualTo("Jones"));

        var history = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{created.Id}/_history")).ReadAsync<Bundle>();
        Assert.That(history.Type, Is.EqualTo(Bundle.BundleType.History));
        Assert.That(history.Entry.Select(e => e.Response.Etag), Is.EqualTo(new[] { "W/\"2\"", "W/\"1\"" }), "newest first");

        var delete = await Client.SendAsync(HttpMethod.Delete, $"/fhir/Patient/{created.Id}");
        Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var gone = await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{created.Id}");
        Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.Gone));
        Assert.That((await gone.ReadAsync<OperationOutcome>()).DetailCodes(), Does.Contain("RESOURCE_DELETED"));

        var afterDelete = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{created.Id}/_history")).ReadAsync<Bundle>();
        Assert.That(afterDelete.Entry, Has.Count.EqualTo(3));
        Assert.That(afterDelete.Entry[0].Request.Method, Is.EqualTo(Bundle.HTTPVerb.DELETE));
        Assert.That(afterDelete.Entry[0].Resource, Is.Null);
    }

    [Test]
    public async Task Round_trip_in_xml()
    {
        var create = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.XmlBody(Builders.Patient("Xmlson")),
            r => { r.Headers.Accept.Clear(); r.Headers.Accept.ParseAdd(FhirHttp.Xml); });
        Assert.That(create.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(create.Content.Headers.ContentType?.MediaType, Is.EqualTo(FhirHttp.Xml));
        var created = await create.ReadAsync<Patient>();

        created.Gender = AdministrativeGender.Male;
        var update = await Client.SendAsync(HttpMethod.Put, $"/fhir/Patient/{created.Id}?_format=xml", FhirHttp.XmlBody(created));
        Assert.That(update.Content.Headers.ContentType?.MediaType, Is.EqualTo(FhirHttp.Xml));
        Assert.That((await update.ReadAsync<Patient>()).Gender, Is.EqualTo(AdministrativeGender.Male));

        var history = await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{created.Id}/_history?_format=application/fhir%2Bxml");
        Assert.That((await history.ReadAsync<Bundle>()).Entry, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Update_with_client_id_creates_and_answers_201()
    {
        var id = $"client-{Guid.NewGuid():N}";
        var response = await Client.SendAsync(HttpMethod.Put, $"/fhir/Patient/{id}", FhirHttp.JsonBody(Builders.Patient(id: id)));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await response.ReadAsync<Patient>()).Id, Is.EqualTo(id));
    }

    [Test]
    public async Task If_match_on_a_stale_version_is_412_and_changes_nothing()
    {
        var created = await (await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient()))).ReadAsync<Patient>();
        created.Name[0].Family = "Changed";
        var first = await Client.SendAsync(HttpMethod.Put, $"/fhir/Patient/{created.Id}", FhirHttp.JsonBody(created), r => r.Headers.IfMatch.ParseAdd("W/\"1\""));
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        created.Name[0].Family = "Stale";
        var stale = await Client.SendAsync(HttpMethod.Put, $"/fhir/Patient/{created.Id}", FhirHttp.JsonBody(created), r => r.Headers.IfMatch.ParseAdd("W/\"1\""));
        Assert.That(stale.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
        Assert.That((await stale.ReadAsync<OperationOutcome>()).DetailCodes(), Does.Contain("VERSION_CONFLICT"));

        var current = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{created.Id}")).ReadAsync<Patient>();
        Assert.That(current.Name[0].Family, Is.EqualTo("Changed"));
        Assert.That(current.Meta.VersionId, Is.EqualTo("2"));
    }

    [Test]
    public async Task Racing_updates_on_the_same_version_let_exactly_one_win()
    {
        var created = await (await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient()))).ReadAsync<Patient>();
        var attempts = Enumerable.Range(0, 8).Select(i =>
        {
            var copy = (Patient)created.DeepCopy();
            copy.Name[0].Family = $"Racer{i}";
            return Client.SendAsync(HttpMethod.Put, $"/fhir/Patient/{created.Id}", FhirHttp.JsonBody(copy), r => r.Headers.IfMatch.ParseAdd("W/\"1\""));
        }).ToList();
        var responses = await Task.WhenAll(attempts);

        Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.OK), Is.EqualTo(1));
        Assert.That(responses.Where(r => r.StatusCode != HttpStatusCode.OK).Select(r => r.StatusCode),
            Is.All.AnyOf(HttpStatusCode.Conflict, HttpStatusCode.PreconditionFailed));
        var history = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{created.Id}/_history")).ReadAsync<Bundle>();
        Assert.That(history.Entry, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Vread_of_unknown_version_is_404()
    {
        var created = await (await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient()))).ReadAsync<Patient>();
        var response = await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{created.Id}/_history/9");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await response.ReadAsync<OperationOutcome>()).DetailCodes(), Does.Contain("RESOURCE_NOT_FOUND"));
    }

    [Test]
    public async Task Prefer_header_shapes_the_write_response()
    {
        var minimal = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient()), r => r.Headers.Add("Prefer", "return=minimal"));
        Assert.That(minimal.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(await minimal.Content.ReadAsStringAsync(), Is.Empty);
        Assert.That(minimal.Headers.Location, Is.Not.Null);

        var outcome = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient()), r => r.Headers.Add("Prefer", "return=OperationOutcome"));
        Assert.That(await outcome.ReadAsync<OperationOutcome>(), Is.Not.Null);

        var full = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient()), r => r.Headers.Add("Prefer", "return=representation"));
        Assert.That((await full.ReadAsync<Patient>()).Id, Is.Not.Null);
    }

    [Test]
    public async Task Summary_and_elements_subset_a_read()
    {
        var created = await (await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient("Subset")))).ReadAsync<Patient>();

        var elements = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{created.Id}?_elements=name")).ReadAsync<Patient>();
        Assert.That(elements.Name[0].Family, Is.EqualTo("Subset"));
        Assert.That(elements.BirthDate, Is.Null);
        Assert.That(elements.Identifier, Is.Empty);
        Assert.That(elements.Meta.Tag.Select(t => t.Code), Does.Contain("SUBSETTED"));

        var summary = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{created.Id}?_summary=true")).ReadAsync<Patient>();
        Assert.That(summary.BirthDate, Is.EqualTo("1961-03-02"), "birthDate is a summary element");
    }

    [Test]
    public async Task Type_and_system_history_list_newest_first_and_page_with_next_links()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
            ids.Add((await (await Client.SendAsync(HttpMethod.Post, "/fhir/Observation", FhirHttp.JsonBody(Builders.Observation("p1", value: i)))).ReadAsync<Observation>()).Id);

        var seen = new List<string>();
        var url = "/fhir/Observation/_history?_count=2";
        while (url is not null)
        {
            var page = await (await Client.SendAsync(HttpMethod.Get, url)).ReadAsync<Bundle>();
            Assert.That(page.Entry, Has.Count.LessThanOrEqualTo(2));
            seen.AddRange(page.Entry.Select(e => e.Resource!.Id!));
            url = page.Link.FirstOrDefault(l => l.Relation == "next")?.Url is { } next ? new Uri(next).PathAndQuery : null;
        }
        Assert.That(seen.Take(5), Is.EqualTo(Enumerable.Reverse(ids).ToList()));

        var system = await (await Client.SendAsync(HttpMethod.Get, "/fhir/_history?_count=1")).ReadAsync<Bundle>();
        Assert.That(system.Entry, Has.Count.EqualTo(1));
        Assert.That(system.Link.Any(l => l.Relation == "next"), Is.True);
    }

    [Test]
    public async Task History_page_links_are_bound_to_the_caller_and_the_query()
    {
        for (var i = 0; i < 3; i++)
            await Client.SendAsync(HttpMethod.Post, "/fhir/Observation", FhirHttp.JsonBody(Builders.Observation("p1", value: i)));
        var first = await (await Client.SendAsync(HttpMethod.Get, "/fhir/Observation/_history?_count=1")).ReadAsync<Bundle>();
        var next = new Uri(first.Link.Single(l => l.Relation == "next").Url).PathAndQuery;
        Assert.That((await Client.SendAsync(HttpMethod.Get, next)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the caller it was issued to follows it");

        await RegisterOrganizationAsync("HPL01");
        using var other = ClientFor("HPL01", "clinician", "user/*.rs");
        var replayed = await other.SendAsync(HttpMethod.Get, next);
        Assert.That(replayed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "another caller cannot follow it");
        Assert.That(await replayed.Content.ReadAsStringAsync(), Does.Contain("_page"));

        var otherQuery = next.Replace("_count=1", "_count=50", StringComparison.Ordinal);
        Assert.That((await Client.SendAsync(HttpMethod.Get, otherQuery)).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "nor with another query");
        Assert.That((await Client.SendAsync(HttpMethod.Get, "/fhir/Observation/_history?_count=1&_page=12345")).StatusCode,
            Is.EqualTo(HttpStatusCode.BadRequest), "a made-up row position is refused");
    }

    [Test]
    public async Task History_since_filters_older_versions()
    {
        var created = await (await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient()))).ReadAsync<Patient>();
        var future = DateTimeOffset.UtcNow.AddMinutes(5).ToString("o");
        var history = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{created.Id}/_history?_since={Uri.EscapeDataString(future)}")).ReadAsync<Bundle>();
        Assert.That(history.Entry, Is.Empty);
    }

    [Test]
    public async Task Metadata_is_generated_from_the_mapped_interactions()
    {
        var statement = await (await Client.SendAsync(HttpMethod.Get, "/fhir/metadata")).ReadAsync<CapabilityStatement>();
        Assert.That(statement.FhirVersion, Is.EqualTo(FHIRVersion.N4_0_1));
        var patient = statement.Rest[0].Resource.Single(r => r.Type == "Patient");
        Assert.That(patient.Interaction.Select(i => i.Code), Does.Contain(CapabilityStatement.TypeRestfulInteraction.Read)
            .And.Contain(CapabilityStatement.TypeRestfulInteraction.HistoryInstance));
        Assert.That(statement.Rest[0].Resource, Has.Count.GreaterThan(140), "every R4 resource type");
    }

    [Test]
    public async Task Metadata_lists_the_mapped_operations_where_they_apply()
    {
        var statement = await (await Client.SendAsync(HttpMethod.Get, "/fhir/metadata")).ReadAsync<CapabilityStatement>();
        var rest = statement.Rest[0];
        Assert.That(rest.Operation.Select(o => o.Name), Is.SupersetOf(new[] { "verify-ledger", "reindex", "import", "validate" }));
        Assert.That(rest.Operation.Select(o => o.Name), Does.Not.Contain("reindex-status"), "a status URL is not an operation");
        var patient = rest.Resource.Single(r => r.Type == "Patient");
        Assert.That(patient.Operation.Select(o => o.Name), Is.SupersetOf(new[] { "summary", "everything", "gpc.getstructuredrecord" }));
        Assert.That(patient.Operation.Single(o => o.Name == "everything").Definition, Is.EqualTo("http://hl7.org/fhir/OperationDefinition/Patient-everything"));
        Assert.That(rest.Resource.Single(r => r.Type == "AuditEvent").Operation.Select(o => o.Name), Is.EqualTo(new[] { "mark-reviewed" }));
        Assert.That(rest.Resource.Single(r => r.Type == "Observation").Operation, Is.Empty);

        // The published statement in fhir-profiles/ lists the same operations with the same definitions.
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "fhir-profiles", "CapabilityStatement"))) dir = dir.Parent;
        Assert.That(dir, Is.Not.Null, "fhir-profiles/ not found above the test directory");
        var published = ((CapabilityStatement)Interop.Core.Fhir.FhirSerialization.ParseStored(
            File.ReadAllText(Path.Combine(dir!.FullName, "fhir-profiles", "CapabilityStatement", "CapabilityStatement-interop-gateway.json")))).Rest[0];
        static IEnumerable<string> Operations(CapabilityStatement.RestComponent r) =>
            r.Operation.Select(o => $"{o.Name} {o.Definition}")
                .Concat(r.Resource.SelectMany(x => x.Operation.Select(o => $"{x.Type}/{o.Name} {o.Definition}")))
                .Order(StringComparer.Ordinal);
        Assert.That(Operations(rest), Is.EqualTo(Operations(published)));
    }

    [Test]
    public void Fixture_runs_on_the_database_it_names()
    {
        // Guards against configuration read too early silently falling back to the default SQLite file.
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<InteropDbContext>();
        Assert.That(db.Provider, Is.EqualTo(Provider));
        // On PostgreSQL the gateway adds automatic statement preparation and turns JIT off in the string it was given.
        var expected = Provider == StorageProvider.PostgreSql ? StorageServiceCollectionExtensions.WithGatewayDefaults(Database.ConnectionString) : Database.ConnectionString;
        Assert.That(db.Database.GetConnectionString(), Is.EqualTo(expected));
        if (Provider == StorageProvider.PostgreSql)
            Assert.That(db.Database.SqlQueryRaw<string>("SELECT current_setting('jit') AS \"Value\"").AsEnumerable().Single(), Is.EqualTo("off"), "the server took the option");
    }

    [Test]
    public async Task Health_and_readiness_answer()
    {
        Assert.That((await Client.GetAsync("/healthz")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var ready = await Client.GetAsync("/readyz");
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
