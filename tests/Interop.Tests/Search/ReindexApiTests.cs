using System.Net;
using Hl7.Fhir.Model;
using Interop.Storage;
using Interop.Storage.Entities;
using Interop.Storage.Search;
using Interop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Search;

/// <summary>
/// Custom SearchParameters and <c>$reindex</c> over HTTP on each provider: resources stored before a
/// parameter are found only after a reindex; the job reports progress; a job a dead instance left
/// running resumes from its checkpoint once its lease runs out (and is left alone while the lease
/// holds); only the operator may start one; a failed transaction leaves no parameter registered.
/// </summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class ReindexApiTests(StorageProvider provider) : ApiFixture(provider)
{
    // Small batches, so every job here takes several; a quick poll, so jobs written straight into
    // the table (the crash simulations) are picked up within the test's patience.
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Search:ReindexBatchSize"] = "2",
        ["Search:ReindexPollInterval"] = "00:00:00.200",
    };

    private const string ExtensionBase = "https://interop.example/test/reindex/";

    [Test]
    public async Task Resources_stored_before_a_custom_parameter_are_found_after_reindex()
    {
        var code = "reindex-probe-type";
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add(await CreatePatientAsync(code, "Heswall"));

        await CreateParameterAsync(code);
        var fresh = await CreatePatientAsync(code, "Heswall"); // written after: indexed on write
        Assert.That(await MatchesAsync($"/fhir/Patient?{code}=heswall"), Is.EquivalentTo(new[] { fresh }));

        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient/$reindex");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        var statusUrl = response.Content.Headers.ContentLocation?.ToString();
        Assert.That(statusUrl, Does.Contain("/fhir/$reindex-status/"));
        var queued = await response.ReadAsync<Parameters>();
        Assert.That(Value(queued, "resourceType"), Is.EqualTo("Patient"));

        var done = await WaitForAsync(statusUrl!);
        Assert.That(Value(done, "status"), Is.EqualTo(ReindexStatus.Completed));
        var total = int.Parse(Value(done, "total")!);
        Assert.That(total, Is.GreaterThanOrEqualTo(ids.Count + 1));
        Assert.That(Value(done, "processed"), Is.EqualTo(total.ToString()));
        Assert.That(done.Parameter.Select(p => p.Name), Is.SupersetOf(new[] { "job", "created", "started", "finished" }));
        Assert.That(await MatchesAsync($"/fhir/Patient?{code}=heswall"), Is.EquivalentTo(ids.Append(fresh)));
    }

    [Test]
    public async Task System_level_reindex_takes_an_optional_type_and_reports_unknown_ones()
    {
        var code = "reindex-probe-system";
        var id = await CreatePatientAsync(code, "Wallasey");
        await CreateParameterAsync(code);

        var limited = new Parameters();
        limited.Add("type", new Code("Patient"));
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/$reindex", FhirHttp.JsonBody(limited));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        Assert.That(Value(await WaitForAsync(response.Content.Headers.ContentLocation!.ToString()), "status"), Is.EqualTo(ReindexStatus.Completed));
        Assert.That(await MatchesAsync($"/fhir/Patient?{code}=wallasey"), Is.EqualTo(new[] { id }));

        var everything = await Client.SendAsync(HttpMethod.Post, "/fhir/$reindex");
        Assert.That(everything.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var all = await WaitForAsync(everything.Content.Headers.ContentLocation!.ToString());
        Assert.That(Value(all, "status"), Is.EqualTo(ReindexStatus.Completed));
        Assert.That(all.Parameter.Any(p => p.Name == "resourceType"), Is.False);
        Assert.That(Value(all, "processed"), Is.EqualTo(Value(all, "total")));

        var bad = new Parameters();
        bad.Add("type", new Code("Spaceship"));
        bad.Add("colour", new FhirString("red"));
        var refused = await Client.SendAsync(HttpMethod.Post, "/fhir/$reindex", FhirHttp.JsonBody(bad));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var outcome = await refused.ReadAsync<OperationOutcome>();
        Assert.That(outcome.Issue, Has.Count.EqualTo(2), "every problem is reported");
        Assert.That(outcome.DetailCodes(), Has.All.EqualTo("INVALID_REQUEST"));

        var unknownType = await Client.SendAsync(HttpMethod.Post, "/fhir/Spaceship/$reindex");
        Assert.That(unknownType.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await unknownType.ReadAsync<OperationOutcome>()).DetailCodes(), Does.Contain("INVALID_REQUEST"));

        var missing = await Client.SendAsync(HttpMethod.Get, "/fhir/$reindex-status/987654321");
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Only_the_operator_may_start_a_reindex_and_each_start_is_audited()
    {
        await RegisterOrganizationAsync("RBQ");
        foreach (var client in new[] { ClientFor("RBQ", "clinician", "user/*.cruds"), ClientFor("RBQ", "system", "system/*.cruds") })
        {
            using (client)
            {
                var system = await client.SendAsync(HttpMethod.Post, "/fhir/$reindex");
                Assert.That(system.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
                Assert.That((await system.ReadAsync<OperationOutcome>()).DetailCodes(), Does.Contain("INSUFFICIENT_SCOPE"));
                var type = await client.SendAsync(HttpMethod.Post, "/fhir/Patient/$reindex");
                Assert.That(type.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            }
        }

        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/Observation/$reindex");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var job = Value(await response.ReadAsync<Parameters>(), "job");
        using var officer = ClientWithToken(TestTokens.Administrator());
        var audit = await (await officer.SendAsync(HttpMethod.Get, "/fhir/AuditEvent?subtype=operation&_count=200")).ReadAsync<Bundle>();
        var events = audit.Entry.Select(e => e.Resource).OfType<AuditEvent>().ToList();
        Assert.That(events.Any(e => e.OutcomeDesc?.Contains($"reindex job {job} queued for Observation") == true), Is.True,
            string.Join("\n", events.Select(e => e.OutcomeDesc)));
        Assert.That(events.Count(e => e.Outcome == AuditEvent.AuditEventOutcome.N4 && e.Entity.Any(x => x.Detail.Any(d => d.Value is FhirString { Value: "POST /fhir/$reindex" }))),
            Is.GreaterThanOrEqualTo(2), "refusals are audited too");
    }

    [Test]
    public async Task A_job_left_running_by_a_dead_instance_resumes_from_its_checkpoint_once_its_lease_runs_out()
    {
        var code = "reindex-probe-resume";
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add(await CreatePatientAsync(code, "Birkenhead"));
        await CreateParameterAsync(code);

        // As if an instance had reindexed the first two patients, committed that batch, and died
        // while its lease still held.
        long jobId;
        long[] rows;
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<InteropDbContext>();
            rows = await db.Resources.Where(r => r.ResourceType == "Patient" && r.IsCurrent && ids.Contains(r.ResourceId))
                .OrderBy(r => r.Id).Select(r => r.Id).ToArrayAsync();
            var now = Instants.ToStored(DateTimeOffset.UtcNow);
            var job = new ReindexJobRow
            {
                ResourceType = "Patient",
                Status = ReindexStatus.Running,
                Position = rows[1],
                Done = 2,
                Total = 5,
                UpTo = rows[^1],
                Created = now,
                Updated = now,
                Started = now,
                LeaseOwner = "crashed-instance",
                LeaseUntil = Instants.ToStored(DateTimeOffset.UtcNow.AddHours(1)),
            };
            db.ReindexJobs.Add(job);
            await db.SaveChangesAsync();
            jobId = job.Id;
        }
        var statusUrl = $"/fhir/$reindex-status/{jobId}";

        // While the lease holds, no other instance touches the job.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var held = await StatusAsync(statusUrl);
        Assert.That((Value(held, "status"), Value(held, "processed")), Is.EqualTo((ReindexStatus.Running, "2")));

        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<InteropDbContext>();
            var expired = Instants.ToStored(DateTimeOffset.UtcNow.AddMinutes(-1));
            await db.ReindexJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseUntil, expired));
        }

        var done = await WaitForAsync(statusUrl);
        Assert.That(Value(done, "status"), Is.EqualTo(ReindexStatus.Completed));
        Assert.That(Value(done, "processed"), Is.EqualTo("5"));
        // Only the rows after the checkpoint were reindexed: the two "done" before the crash were
        // never really indexed (this test skipped them), which shows the job did not start over.
        Assert.That(await MatchesAsync($"/fhir/Patient?{code}=birkenhead"), Is.EquivalentTo(ids.Skip(2)));
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var row = await scope.ServiceProvider.GetRequiredService<InteropDbContext>().ReindexJobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
            Assert.That((row.Position, row.LeaseOwner, row.LeaseUntil), Is.EqualTo((rows[^1], (string?)null, (long?)null)));
        }
    }

    [Test]
    public async Task A_SearchParameter_in_a_transaction_that_rolls_back_is_not_registered()
    {
        const string code = "reindex-probe-rollback";
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = "urn:uuid:" + Guid.NewGuid(),
            Resource = Parameter(code),
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "SearchParameter" },
        });
        // Fails after the SearchParameter was written (POST runs before PUT): the If-Match names a
        // version of a patient that does not exist, so the whole transaction rolls back.
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = "Patient/reindex-rollback-missing",
            Resource = Builders.Patient("Rollback", "Rory", id: "reindex-rollback-missing"),
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = "Patient/reindex-rollback-missing", IfMatch = "W/\"7\"" },
        });
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir", FhirHttp.JsonBody(bundle));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed), await response.Content.ReadAsStringAsync());

        var search = await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient?{code}=anything");
        Assert.That(search.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "the parameter must not outlive its rolled-back transaction");
        var statement = await (await Client.SendAsync(HttpMethod.Get, "/fhir/metadata")).ReadAsync<CapabilityStatement>();
        Assert.That(statement.Rest[0].Resource.Single(r => r.Type == "Patient").SearchParam.Select(p => p.Name), Does.Not.Contain(code));

        // The same parameter in a transaction that commits is registered.
        bundle.Entry.RemoveAt(1);
        var committed = await Client.SendAsync(HttpMethod.Post, "/fhir", FhirHttp.JsonBody(bundle));
        Assert.That(committed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await committed.Content.ReadAsStringAsync());
        Assert.That((await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient?{code}=anything")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private static SearchParameter Parameter(string code) => new()
    {
        Url = $"https://interop.example/SearchParameter/{code}",
        Name = code.Replace("-", ""),
        Status = PublicationStatus.Active,
        Description = "Test parameter over a test extension",
        Code = code,
        Base = [ResourceType.Patient],
        Type = SearchParamType.String,
        Expression = $"Patient.extension('{ExtensionBase}{code}').value",
    };

    private async Task CreateParameterAsync(string code)
    {
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/SearchParameter", FhirHttp.JsonBody(Parameter(code)));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    private async Task<string> CreatePatientAsync(string code, string value)
    {
        var patient = Builders.Patient("Reindex", "Rhian");
        patient.Extension.Add(new Extension(ExtensionBase + code, new FhirString(value)));
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(patient));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.ReadAsync<Patient>()).Id!;
    }

    private async Task<List<string>> MatchesAsync(string url)
    {
        var response = await Client.SendAsync(HttpMethod.Get, url + "&_count=100");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var bundle = await response.ReadAsync<Bundle>();
        return bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource.Id!).ToList();
    }

    private async Task<Parameters> StatusAsync(string url)
    {
        var response = await Client.SendAsync(HttpMethod.Get, url);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<Parameters>();
    }

    /// <summary>Polls the status URL until the job completes or fails (or the patience runs out).</summary>
    private async Task<Parameters> WaitForAsync(string url)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = await StatusAsync(url);
            if (Value(status, "status") is ReindexStatus.Completed or ReindexStatus.Failed || DateTimeOffset.UtcNow > deadline) return status;
            await Task.Delay(100);
        }
    }

    private static string? Value(Parameters parameters, string name) =>
        parameters.Parameter.FirstOrDefault(p => p.Name == name)?.Value switch
        {
            null => null,
            Integer i => i.Value?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            PrimitiveType p => p.ToString(),
            var other => other.ToString(),
        };
}
