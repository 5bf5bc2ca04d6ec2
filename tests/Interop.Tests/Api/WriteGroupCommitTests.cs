using System.Net;
using Hl7.Fhir.Model;
using Interop.Api.Fhir;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Api;

/// <summary>Creates, updates and deletes that arrive together share one commit (<see cref="WriteCommitter"/>), and one bad write fails alone.</summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class WriteGroupCommitTests(StorageProvider provider) : ApiFixture(provider)
{
    [Test]
    public async Task Creates_queued_behind_a_held_write_lock_are_committed_together_and_each_is_answered()
    {
        var patient = await (await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient("Grouped")))).ReadAsync<Patient>();
        var committer = Factory.Services.GetRequiredService<WriteCommitter>();
        const int creates = 10;
        List<Task<HttpResponseMessage>> requests;
        long batchesBefore;
        await using (await HoldWriteLockAsync())
        {
            batchesBefore = committer.Batches;
            requests = Enumerable.Range(0, creates)
                .Select(i => Client.SendAsync(HttpMethod.Post, "/fhir/Observation", FhirHttp.JsonBody(Builders.Observation(patient.Id, value: i))))
                .ToList();
            // The first batch the loop takes waits for the lock; the creates after it queue behind it.
            await Eventually.UntilAsync(() => committer.Waiting == creates, "the creates are queued");
        }
        var responses = await Task.WhenAll(requests);

        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.Created));
        Assert.That(committer.Batches - batchesBefore, Is.InRange(1, 2), "the creates queued behind the lock share one commit");
        var created = new List<Observation>();
        foreach (var response in responses) created.Add(await response.ReadAsync<Observation>());
        Assert.That(created.Select(o => o.Id).Distinct().Count(), Is.EqualTo(creates));
        Assert.That(created.Select(o => ((Quantity)o.Value).Value), Is.EquivalentTo(Enumerable.Range(0, creates).Select(i => (decimal?)i)),
            "each request is answered with its own resource");
        foreach (var observation in created)
        {
            var read = await Client.SendAsync(HttpMethod.Get, $"/fhir/Observation/{observation.Id}");
            Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(read.Headers.ETag?.ToString(), Is.EqualTo("W/\"1\""));
            Assert.That(((Quantity)(await read.ReadAsync<Observation>()).Value).Value, Is.EqualTo(((Quantity)observation.Value).Value));
        }
        var found = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Observation?subject=Patient/{patient.Id}&_summary=count")).ReadAsync<Bundle>();
        Assert.That(found.Total, Is.EqualTo(creates), "each create was indexed");
    }

    [Test]
    public async Task A_batch_that_fails_is_tried_again_one_create_at_a_time_so_only_the_bad_entry_fails()
    {
        var patient = await (await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient("Isolated")))).ReadAsync<Patient>();
        var committer = Factory.Services.GetRequiredService<WriteCommitter>();
        WriteCommitter.Pending Entry(Resource resource) => WriteCommitter.Pending.Create(resource, new WriteContext("RBQ"));
        // A Consent is never queued by the gateway (the ledger checks it); here it stands for an entry that fails its batch.
        var batch = new[] { Entry(Builders.Observation(patient.Id, value: 1)), Entry(ConsentBuilder.Dissent(patient.Id)), Entry(Builders.Observation(patient.Id, value: 2)) };

        await committer.CommitAsync(batch);

        Assert.That(batch[1].Done.Task.IsFaulted, Is.True);
        Assert.That(batch[1].Done.Task.Exception!.InnerException, Is.InstanceOf<ArgumentException>());
        var stored = new[] { (StoredResource)(await batch[0].Done.Task)!, (StoredResource)(await batch[2].Done.Task)! };
        Assert.That(stored.Select(s => s.ResourceType), Is.All.EqualTo("Observation"));
        await using var db = Database.CreateContext();
        var observations = await db.Resources.Where(r => r.ResourceType == "Observation" && r.Json!.Contains(patient.Id!)).Select(r => r.ResourceId).ToListAsync();
        Assert.That(observations, Is.EquivalentTo(stored.Select(s => s.ResourceId)), "two creates, each stored once; nothing of the failed batch");
        Assert.That(await db.Resources.CountAsync(r => r.ResourceType == "Consent" && r.Json!.Contains(patient.Id!)), Is.Zero);
    }

    [Test]
    public async Task Updates_and_deletes_share_the_commit_and_a_failed_precondition_rolls_back_only_its_own_write()
    {
        var patient = await (await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient("Mixed")))).ReadAsync<Patient>();
        var existing = new List<Observation>();
        for (var i = 0; i < 3; i++)
            existing.Add(await (await Client.SendAsync(HttpMethod.Post, "/fhir/Observation", FhirHttp.JsonBody(Builders.Observation(patient.Id, value: i)))).ReadAsync<Observation>());
        var committer = Factory.Services.GetRequiredService<WriteCommitter>();
        Observation Changed(Observation o, decimal value) { var copy = (Observation)o.DeepCopy(); copy.Value = new Quantity(value, "mmol/L"); return copy; }

        Task<HttpResponseMessage> create, update, staleUpdate, delete;
        long batchesBefore;
        await using (await HoldWriteLockAsync())
        {
            batchesBefore = committer.Batches;
            create = Client.SendAsync(HttpMethod.Post, "/fhir/Observation", FhirHttp.JsonBody(Builders.Observation(patient.Id, value: 10)));
            update = Client.SendAsync(HttpMethod.Put, $"/fhir/Observation/{existing[0].Id}", FhirHttp.JsonBody(Changed(existing[0], 20)),
                r => r.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\"", isWeak: true)));
            staleUpdate = Client.SendAsync(HttpMethod.Put, $"/fhir/Observation/{existing[1].Id}", FhirHttp.JsonBody(Changed(existing[1], 30)),
                r => r.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"7\"", isWeak: true)));
            delete = Client.SendAsync(HttpMethod.Delete, $"/fhir/Observation/{existing[2].Id}");
            await Eventually.UntilAsync(() => committer.Waiting == 4, "the writes are queued");
        }
        await Task.WhenAll(create, update, staleUpdate, delete);

        Assert.That(committer.Batches - batchesBefore, Is.InRange(1, 2), "the writes queued behind the lock share one commit");
        Assert.That(create.Result.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(update.Result.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(update.Result.Headers.ETag?.ToString(), Is.EqualTo("W/\"2\""));
        Assert.That(staleUpdate.Result.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
        Assert.That(delete.Result.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var updated = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Observation/{existing[0].Id}")).ReadAsync<Observation>();
        Assert.That(((Quantity)updated.Value).Value, Is.EqualTo(20m));
        var untouched = await Client.SendAsync(HttpMethod.Get, $"/fhir/Observation/{existing[1].Id}");
        Assert.That(untouched.Headers.ETag?.ToString(), Is.EqualTo("W/\"1\""), "the refused update left no version");
        Assert.That(((Quantity)(await untouched.ReadAsync<Observation>()).Value).Value, Is.EqualTo(1m));
        Assert.That((await Client.SendAsync(HttpMethod.Get, $"/fhir/Observation/{existing[2].Id}")).StatusCode, Is.EqualTo(HttpStatusCode.Gone));
        var values = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Observation?subject=Patient/{patient.Id}&value-quantity=30")).ReadAsync<Bundle>();
        Assert.That(values.Entry.Where(e => e.Resource is Observation), Is.Empty, "the refused update's index rows were rolled back too");
        var history = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Observation/{existing[1].Id}/_history")).ReadAsync<Bundle>();
        Assert.That(history.Entry, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Writes_of_the_same_resource_queued_together_are_applied_in_the_order_they_arrived()
    {
        var patient = await (await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient("Ordered")))).ReadAsync<Patient>();
        var observation = await (await Client.SendAsync(HttpMethod.Post, "/fhir/Observation", FhirHttp.JsonBody(Builders.Observation(patient.Id, value: 1)))).ReadAsync<Observation>();
        Observation Changed(decimal value) { var copy = (Observation)observation.DeepCopy(); copy.Value = new Quantity(value, "mmol/L"); return copy; }
        Action<HttpRequestMessage> IfMatch(int version) => r => r.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{version}\"", isWeak: true));

        var (responses, batches) = await QueuedBehindFirstAsync(
            () => Client.SendAsync(HttpMethod.Post, "/fhir/Observation", FhirHttp.JsonBody(Builders.Observation(patient.Id, value: 9))),
            () => Client.SendAsync(HttpMethod.Put, $"/fhir/Observation/{observation.Id}", FhirHttp.JsonBody(Changed(2)), IfMatch(1)),
            () => Client.SendAsync(HttpMethod.Put, $"/fhir/Observation/{observation.Id}", FhirHttp.JsonBody(Changed(3)), IfMatch(2)),
            () => Client.SendAsync(HttpMethod.Delete, $"/fhir/Observation/{observation.Id}", configure: IfMatch(3)));

        Assert.That(responses.Select(r => r.StatusCode), Is.EqualTo(new[] { HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK }),
            "each write saw the one before it (its If-Match names the version the one before wrote)");
        Assert.That(batches, Is.EqualTo(2), "the first write alone, then the three of the same resource together");
        Assert.That(responses[2].Headers.ETag?.ToString(), Is.EqualTo("W/\"3\""));
        Assert.That((await Client.SendAsync(HttpMethod.Get, $"/fhir/Observation/{observation.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.Gone));
        var history = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Observation/{observation.Id}/_history")).ReadAsync<Bundle>();
        Assert.That(history.Entry.Select(e => e.Request?.Method), Is.EqualTo(new Bundle.HTTPVerb?[] { Bundle.HTTPVerb.DELETE, Bundle.HTTPVerb.PUT, Bundle.HTTPVerb.PUT, Bundle.HTTPVerb.POST }));
        var second = history.Entry.Select(e => e.Resource).OfType<Observation>().Single(o => o.Meta.VersionId == "3");
        Assert.That(((Quantity)second.Value).Value, Is.EqualTo(3m));
        await using var db = Database.CreateContext();
        var current = await db.Resources.Where(r => r.ResourceType == "Observation" && r.ResourceId == observation.Id && r.IsCurrent).Select(r => new { r.Id, r.VersionId, r.IsDeleted }).SingleAsync();
        Assert.That((current.VersionId, current.IsDeleted), Is.EqualTo((4, true)));
        Assert.That(await db.Compartments.AnyAsync(c => c.ResourceRowId == current.Id && c.PatientId == patient.Id), Is.True, "the delete marker keeps the compartment of what it deleted");
    }

    [Test]
    public async Task Conditional_creates_queued_together_create_once_and_the_later_one_finds_it()
    {
        var identifier = $"urn:uuid:{Guid.NewGuid()}";
        Patient Newcomer() { var p = Builders.Patient("Conditional"); p.Identifier.Add(new Identifier("https://interop.example/Id/test", identifier)); return p; }
        Action<HttpRequestMessage> IfNoneExist = r => r.Headers.Add("If-None-Exist", $"identifier=https://interop.example/Id/test|{identifier}");

        var (responses, batches) = await QueuedBehindFirstAsync(
            () => Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient("Filler"))),
            () => Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Newcomer()), IfNoneExist),
            () => Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Newcomer()), IfNoneExist),
            () => Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Newcomer()), r => r.Headers.Add("If-None-Exist", "no-such-parameter=1")));

        Assert.That(batches, Is.EqualTo(2), "the conditional creates share one commit");
        var statuses = responses.Skip(1).Take(2).Select(r => r.StatusCode).ToList();
        Assert.That(statuses, Is.EquivalentTo(new[] { HttpStatusCode.Created, HttpStatusCode.OK }), "one creates, the other finds what it created");
        var ids = new List<string>();
        foreach (var response in responses.Skip(1).Take(2)) ids.Add((await response.ReadAsync<Patient>()).Id);
        Assert.That(ids.Distinct().Count(), Is.EqualTo(1));
        Assert.That(responses[3].StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "criteria that do not parse fail alone");
        var found = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient?identifier=https://interop.example/Id/test|{identifier}&_summary=count")).ReadAsync<Bundle>();
        Assert.That(found.Total, Is.EqualTo(1));
    }

    [Test]
    public async Task Conditional_updates_and_deletes_share_the_commit_and_a_refused_one_fails_alone()
    {
        var tag = Guid.NewGuid().ToString("N");
        Patient Tagged(string family, string key) { var p = Builders.Patient(family); p.Identifier.Add(new Identifier($"https://interop.example/Id/{tag}", key)); return p; }
        string Criteria(string key) => $"identifier=https://interop.example/Id/{tag}|{key}";
        foreach (var (family, key) in new[] { ("Updated", "u"), ("Deleted", "d"), ("Twin", "t"), ("Twin", "t") })
            Assert.That((await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Tagged(family, key)))).StatusCode, Is.EqualTo(HttpStatusCode.Created));

        var (responses, batches) = await QueuedBehindFirstAsync(
            () => Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient("Filler"))),
            () => Client.SendAsync(HttpMethod.Put, $"/fhir/Patient?{Criteria("u")}", FhirHttp.JsonBody(Tagged("Renamed", "u"))),
            () => Client.SendAsync(HttpMethod.Put, $"/fhir/Patient?{Criteria("n")}", FhirHttp.JsonBody(Tagged("Newcomer", "n"))),
            () => Client.SendAsync(HttpMethod.Delete, $"/fhir/Patient?{Criteria("d")}"),
            () => Client.SendAsync(HttpMethod.Put, $"/fhir/Patient?{Criteria("t")}", FhirHttp.JsonBody(Tagged("Ambiguous", "t"))));

        Assert.That(responses.Select(r => r.StatusCode), Is.EqualTo(new[]
            { HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.PreconditionFailed }));
        Assert.That(batches, Is.EqualTo(2), "the first write alone, then the four conditional ones in one commit (the refused one rolled back to its savepoint)");
        async Task<Bundle> Find(string key) => await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Patient?{Criteria(key)}")).ReadAsync<Bundle>();
        Assert.That((await Find("u")).Entry.Select(e => e.Resource).OfType<Patient>().Single().Name[0].Family, Is.EqualTo("Renamed"));
        Assert.That((await Find("n")).Entry.Select(e => e.Resource).OfType<Patient>().Single().Name[0].Family, Is.EqualTo("Newcomer"));
        Assert.That((await Find("d")).Entry.Select(e => e.Resource).OfType<Patient>(), Is.Empty);
        Assert.That((await Find("t")).Entry.Select(e => e.Resource).OfType<Patient>().Select(p => p.Name[0].Family), Is.EqualTo(new[] { "Twin", "Twin" }),
            "the refused update changed neither match");
    }

    [Test]
    public async Task An_update_or_delete_removes_the_replaced_versions_index_rows_from_every_index_table()
    {
        var patient = await (await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient("Indexed")))).ReadAsync<Patient>();
        var updated = await (await Client.SendAsync(HttpMethod.Post, "/fhir/Observation", FhirHttp.JsonBody(Builders.Observation(patient.Id, value: 1)))).ReadAsync<Observation>();
        var deleted = await (await Client.SendAsync(HttpMethod.Post, "/fhir/Observation", FhirHttp.JsonBody(Builders.Observation(patient.Id, value: 2)))).ReadAsync<Observation>();
        await using var db = Database.CreateContext();
        async Task<long> RowOf(string id, int version, string type = "Observation") =>
            await db.Resources.Where(r => r.ResourceType == type && r.ResourceId == id && r.VersionId == version).Select(r => r.Id).SingleAsync();
        async Task<int> IndexRowsOf(long row) =>
            await db.TokenIndex.CountAsync(x => x.ResourceRowId == row) + await db.StringIndex.CountAsync(x => x.ResourceRowId == row)
            + await db.DateIndex.CountAsync(x => x.ResourceRowId == row) + await db.QuantityIndex.CountAsync(x => x.ResourceRowId == row)
            + await db.ReferenceIndex.CountAsync(x => x.ResourceRowId == row) + await db.UriIndex.CountAsync(x => x.ResourceRowId == row);
        var (updatedV1, deletedV1) = (await RowOf(updated.Id, 1), await RowOf(deleted.Id, 1));
        Assert.That(await db.QuantityIndex.CountAsync(x => x.ResourceRowId == updatedV1), Is.Positive);
        Assert.That(await db.ReferenceIndex.CountAsync(x => x.ResourceRowId == deletedV1), Is.Positive);

        var changed = (Observation)updated.DeepCopy();
        changed.Value = new Quantity(3, "mmol/L");
        Assert.That((await Client.SendAsync(HttpMethod.Put, $"/fhir/Observation/{updated.Id}", FhirHttp.JsonBody(changed))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await Client.SendAsync(HttpMethod.Delete, $"/fhir/Observation/{deleted.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        Assert.That(await IndexRowsOf(updatedV1), Is.Zero, "the replaced version leaves no row in any index table");
        Assert.That(await IndexRowsOf(deletedV1), Is.Zero);
        Assert.That(await db.QuantityIndex.CountAsync(x => x.ResourceRowId == db.Resources.Single(r => r.ResourceType == "Observation" && r.ResourceId == updated.Id && r.IsCurrent).Id),
            Is.Positive, "the new version is indexed");
        Assert.That(await IndexRowsOf(await RowOf(patient.Id!, 1, "Patient")), Is.Positive, "other versions keep theirs");
    }

    /// <summary>
    /// With the write lock held: sends <paramref name="first"/> and waits until the committer has taken
    /// it (its batch then waits for the lock), then sends each of <paramref name="queued"/> once the one
    /// before it is queued, so that they reach the queue in this order and form the next batch; then
    /// releases the lock. Answers every response, the first's first, and how many batches the committer
    /// committed meanwhile.
    /// </summary>
    private async Task<(HttpResponseMessage[] Responses, long Batches)> QueuedBehindFirstAsync(
        Func<Task<HttpResponseMessage>> first, params Func<Task<HttpResponseMessage>>[] queued)
    {
        var committer = Factory.Services.GetRequiredService<WriteCommitter>();
        var writes = new List<Task<HttpResponseMessage>>();
        long batchesBefore;
        await using (await HoldWriteLockAsync())
        {
            batchesBefore = committer.Batches;
            writes.Add(first());
            await Eventually.UntilAsync(() => committer.Waiting == 1, "the first write is taken");
            foreach (var send in queued)
            {
                writes.Add(send());
                var waiting = writes.Count;
                await Eventually.UntilAsync(() => committer.Waiting == waiting, $"write {waiting} is queued");
            }
        }
        var responses = await Task.WhenAll(writes);
        return (responses, committer.Batches - batchesBefore);
    }

    /// <summary>Holds the write lock the committer's transaction takes: SQLite's in-process gate, PostgreSQL's advisory lock.</summary>
    private async Task<IAsyncDisposable> HoldWriteLockAsync()
    {
        if (Provider == StorageProvider.Sqlite)
        {
            return await Factory.Services.GetRequiredService<WriteLocks>().EnterSqliteGateAsync(CancellationToken.None);
        }
        var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({WriteLocks.GlobalKey})", connection)) await take.ExecuteNonQueryAsync();
        return new Release(async () =>
        {
            await using (var free = new NpgsqlCommand($"SELECT pg_advisory_unlock({WriteLocks.GlobalKey})", connection)) await free.ExecuteNonQueryAsync();
            await connection.DisposeAsync();
        });
    }

    private sealed class Release(Func<ValueTask> release) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => release();
    }
}
