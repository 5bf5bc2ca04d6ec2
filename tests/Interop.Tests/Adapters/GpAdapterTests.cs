using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Interop.Api.Adapters;
using Interop.Storage;
using Interop.Tests.Gp;
using Interop.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Interop.Tests.Adapters.AdapterTestSupport;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Adapters;

/// <summary><c>POST /adapters/gp/extract</c> and <see cref="GpRecordRefresher"/> against a fake practice (docs/adapters/gp-extract.md).</summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class GpAdapterTests(StorageProvider provider) : ApiFixture(provider)
{
    /// <summary>What the fake practice does with the next request.</summary>
    private enum PracticeMode { Answer, Fail, Hang, Garbage }

    private FakePracticeServer? _practice;
    private volatile PracticeMode _mode = PracticeMode.Answer;
    private volatile string _extract = "";

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            _practice ??= FakePracticeServer.StartAsync(async (http, _) =>
            {
                switch (_mode)
                {
                    case PracticeMode.Fail:
                        http.Response.StatusCode = 503;
                        return;
                    case PracticeMode.Hang:
                        await Task.Delay(TimeSpan.FromSeconds(30), http.RequestAborted).ContinueWith(_ => { });
                        return;
                    case PracticeMode.Garbage:
                        http.Response.ContentType = "application/json";
                        await http.Response.WriteAsync("{\"practice\": 42");
                        return;
                    default:
                        http.Response.ContentType = "application/json";
                        await http.Response.WriteAsync(_extract);
                        return;
                }
            }).GetAwaiter().GetResult();
            return new Dictionary<string, string?>
            {
                ["Adapters:Gp:Practices:N82054:BaseUrl"] = _practice.BaseUrl,
                ["Adapters:Gp:AttemptTimeout"] = "00:00:00.500",
                ["Adapters:Gp:TotalTimeout"] = "00:00:01.500",
                ["Adapters:Gp:MaxRetryAttempts"] = "1",
                ["Adapters:Gp:RetryDelay"] = "00:00:00.010",
                ["Adapters:Gp:CircuitBreakerMinimumThroughput"] = "100",
                ["Adapters:Outbox:Enabled"] = "false",
            };
        }
    }

    [OneTimeSetUp]
    public async Task RegisterPracticeAsync() => await RegisterOrganizationAsync("N82054", "gp-practice");

    [OneTimeTearDown]
    public async Task StopPracticeAsync()
    {
        if (_practice is not null) await _practice.DisposeAsync();
    }

    private static string ExtractFor(string nhsNumber, Action<JsonNode>? change = null)
    {
        var json = JsonNode.Parse(Fixture("gp", "full-extract.json").Replace("9434765919", nhsNumber))!;
        change?.Invoke(json);
        return json.ToJsonString();
    }

    private Task<HttpResponseMessage> PushAsync(string extract) =>
        Client.PostAsync("/adapters/gp/extract", new StringContent(extract, Encoding.UTF8, "application/json"));

    [Test]
    public async Task Pushing_the_same_extract_twice_creates_no_new_versions()
    {
        var extract = ExtractFor(Builders.NextNhsNumber());
        var first = await PushAsync(extract);
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK), await first.Content.ReadAsStringAsync());
        var response = await first.ReadAsync<Bundle>();
        Assert.That(response.Type, Is.EqualTo(Bundle.BundleType.TransactionResponse));
        Assert.That(response.Entry.Where(e => e.Response.Location is not null).Select(e => e.Response.Status), Has.Some.StartWith("201"));
        var versions = await VersionCountAsync(Factory.Services);

        var second = await PushAsync(extract);
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK), await second.Content.ReadAsStringAsync());
        var again = await second.ReadAsync<Bundle>();
        Assert.That(again.Entry.Where(e => e.Response.Location is not null).Select(e => e.Response.Status), Has.None.StartWith("201"));
        Assert.That(await VersionCountAsync(Factory.Services), Is.EqualTo(versions), "re-posting changed nothing");
    }

    [Test]
    public async Task A_changed_item_gets_a_new_version_and_nothing_else_does()
    {
        var nhs = Builders.NextNhsNumber();
        Assert.That((await PushAsync(ExtractFor(nhs))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var versions = await VersionCountAsync(Factory.Services);
        var changed = ExtractFor(nhs, j => j["problems"]![0]!["status"] = "Resolved");
        Assert.That((await PushAsync(changed)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await VersionCountAsync(Factory.Services), Is.EqualTo(versions + 1));
    }

    [Test]
    public async Task Extract_problems_are_an_operation_outcome_naming_json_paths()
    {
        var bad = ExtractFor(Builders.NextNhsNumber(), j =>
        {
            j["patient"]!["nhsNumber"] = "9434765918";
            j["problems"]![0]!["onset"] = "1998-13";
        });
        var response = await PushAsync(bad);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var outcome = await response.ReadAsync<OperationOutcome>();
        var expressions = outcome.Issue.SelectMany(i => i.Expression).ToList();
        Assert.That(expressions, Does.Contain("$.patient.nhsNumber"));
        Assert.That(expressions, Does.Contain("$.problems[0].onset"));
        Assert.That(outcome.DetailCodes(), Does.Contain("INVALID_NHS_NUMBER"));
    }

    [Test]
    public async Task Malformed_json_is_400()
    {
        var response = await PushAsync("{\"practice\": ");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task A_gp_system_token_can_push_without_registering_organisations()
    {
        using var gp = ClientFor("N82054", "system", "system/*.cru");
        var response = await gp.PostAsync("/adapters/gp/extract", new StringContent(ExtractFor(Builders.NextNhsNumber()), Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Conflicting_demographics_keep_the_stored_patient_and_raise_a_flag()
    {
        var nhs = Builders.NextNhsNumber();
        Assert.That((await PushAsync(ExtractFor(nhs))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var response = await PushAsync(ExtractFor(nhs, j => j["patient"]!["dob"] = "1971-03-02"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var bundle = await response.ReadAsync<Bundle>();
        var warning = bundle.Entry.Select(e => e.Resource).OfType<OperationOutcome>().Single();
        Assert.That(warning.Issue.Single(i => i.Severity == OperationOutcome.IssueSeverity.Warning && i.Diagnostics.Contains("birth date")), Is.Not.Null);
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain("1961-03-02"), "the stored birth date is not disclosed to the sender");
        var patient = (await CurrentAsync<Patient>(Factory.Services, p => p.HasIdentifier(nhs))).Single();
        Assert.That(patient.BirthDate, Is.EqualTo("1961-03-02"));
        var flag = (await CurrentAsync<Flag>(Factory.Services, f => f.Subject.Reference == $"Patient/{patient.Id}")).Single();
        Assert.That(flag.Code.Text, Is.EqualTo("Conflicting demographics from GP practice N82054"));

        // The same conflict again raises no second Flag.
        await PushAsync(ExtractFor(nhs, j => j["patient"]!["dob"] = "1971-03-02"));
        Assert.That(await CurrentAsync<Flag>(Factory.Services, f => f.Subject.Reference == $"Patient/{patient.Id}"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task The_refresher_pulls_warns_when_the_practice_fails_or_hangs_and_recovers()
    {
        var refresher = Factory.Services.GetRequiredService<GpRecordRefresher>();
        var nhs = Builders.NextNhsNumber();

        _mode = PracticeMode.Fail;
        var down = await refresher.RefreshIfStaleAsync(nhs);
        Assert.That(down.Status, Is.EqualTo(GpRefreshStatus.Stale));
        Assert.That(down.Warning!.Severity, Is.EqualTo(OperationOutcome.IssueSeverity.Warning));
        Assert.That(down.Warning.Diagnostics, Does.Contain("N82054"));

        _mode = PracticeMode.Hang;
        var started = DateTime.UtcNow;
        var slow = await refresher.RefreshIfStaleAsync(nhs);
        Assert.That(slow.Status, Is.EqualTo(GpRefreshStatus.Stale));
        Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(10)), "bounded by Adapters:Gp:TotalTimeout");

        _mode = PracticeMode.Garbage;
        Assert.That((await refresher.RefreshIfStaleAsync(nhs)).Status, Is.EqualTo(GpRefreshStatus.Stale));

        _mode = PracticeMode.Answer;
        _extract = ExtractFor(nhs);
        var recovered = await refresher.RefreshIfStaleAsync(nhs);
        Assert.That(recovered.Status, Is.EqualTo(GpRefreshStatus.Refreshed), recovered.Warning?.Diagnostics);
        var patient = (await CurrentAsync<Patient>(Factory.Services, p => p.HasIdentifier(nhs))).Single();
        Assert.That(recovered.PatientId, Is.EqualTo(patient.Id));

        // Within Freshness nothing is pulled, even though the practice is down again; by patient id too.
        _mode = PracticeMode.Fail;
        var fresh = await refresher.RefreshIfStaleAsync(patient.Id);
        Assert.That(fresh.Status, Is.EqualTo(GpRefreshStatus.Fresh));
        Assert.That(fresh.Warning, Is.Null);
    }

    [Test]
    public async Task The_refresher_does_not_apply_to_an_unknown_patient_id()
    {
        var result = await Factory.Services.GetRequiredService<GpRecordRefresher>().RefreshIfStaleAsync("no-such-patient");
        Assert.That(result.Status, Is.EqualTo(GpRefreshStatus.NotApplicable));
    }
}
