using System.Net;
using Hl7.Fhir.Model;
using Interop.Api.Fhir;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Api;

/// <summary>
/// Stopping the gateway drains the write queue (<see cref="WriteCommitter"/>): writes already queued
/// are committed and answered, later ones are refused without being written. A gateway of its own,
/// since its committer is stopped.
/// </summary>
[TestFixture(StorageProvider.Sqlite)]
public sealed class WriteCommitterShutdownTests(StorageProvider provider) : ApiFixture(provider)
{
    [Test]
    public async Task Writes_queued_when_the_committer_stops_are_committed_and_answered_and_later_ones_refused()
    {
        var patient = await (await Client.SendAsync(HttpMethod.Post, "/fhir/Patient", FhirHttp.JsonBody(Builders.Patient("Draining")))).ReadAsync<Patient>();
        var committer = Factory.Services.GetRequiredService<WriteCommitter>();
        List<Task<HttpResponseMessage>> queued;
        Task stopping;
        await using (await Factory.Services.GetRequiredService<WriteLocks>().EnterSqliteGateAsync(CancellationToken.None))
        {
            queued = Enumerable.Range(0, 3)
                .Select(i => Client.SendAsync(HttpMethod.Post, "/fhir/Observation", FhirHttp.JsonBody(Builders.Observation(patient.Id, value: i))))
                .ToList();
            await Eventually.UntilAsync(() => committer.Waiting == 3, "the creates are queued");
            stopping = committer.StopAsync(CancellationToken.None);
        }
        await stopping;

        foreach (var response in await Task.WhenAll(queued))
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            var created = await response.ReadAsync<Observation>();
            Assert.That((await Client.SendAsync(HttpMethod.Get, $"/fhir/Observation/{created.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        var late = await Client.SendAsync(HttpMethod.Post, "/fhir/Observation", FhirHttp.JsonBody(Builders.Observation(patient.Id, value: 9)));
        Assert.That(late.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "a write after the stop is refused, to be sent again");
        Assert.That(late.Headers.RetryAfter, Is.Not.Null);
        var outcome = await late.ReadAsync<OperationOutcome>();
        Assert.That(outcome.Issue.Single().Code, Is.EqualTo(OperationOutcome.IssueType.Transient));
        var found = await (await Client.SendAsync(HttpMethod.Get, $"/fhir/Observation?subject=Patient/{patient.Id}&_summary=count")).ReadAsync<Bundle>();
        Assert.That(found.Total, Is.EqualTo(3), "and nothing of it was written");
    }
}
