using System.Net;
using System.Text;
using Hl7.Fhir.Model;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using NUnit.Framework;
using static Interop.Tests.Adapters.AdapterTestSupport;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Adapters;

/// <summary><c>POST /adapters/council/assessments</c> (docs/adapters/council-assessments.md).</summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class CouncilAdapterTests(StorageProvider provider) : ApiFixture(provider)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Adapters:Outbox:Enabled"] = "false" };

    [OneTimeSetUp]
    public async Task RegisterCouncilAsync() => await RegisterOrganizationAsync("LIVCC", "council");

    internal const string Header = "councilCode,councilName,assessmentId,personId,nhsNumber,nhsNumberStatus,familyName,givenName,birthDate,assessmentType,startDate,completionDate,status,eligibleNeeds,serviceComponent,serviceStartDate,serviceStatus";

    /// <summary>A good row; the NHS number is verified (<c>01</c>) unless <paramref name="nhsStatus"/> says otherwise ("" = no status).</summary>
    internal static string Row(string assessmentId, string nhsNumber, string startDate = "2024-03-04", string status = "completed", string completion = "2024-03-18",
        string nhsStatus = "01", string? personId = null) =>
        $"LIVCC,Liverpool City Council,{assessmentId},{personId ?? "P" + assessmentId},{nhsNumber},{nhsStatus},TESTER,Sam,1950-01-01,needs,{startDate},{completion},{status},yes,HS,2024-03-25,active";

    private Task<HttpResponseMessage> PostCsvAsync(string csv, HttpClient? client = null) =>
        (client ?? Client).PostAsync("/adapters/council/assessments", new StringContent(csv, Encoding.UTF8, "text/csv"));

    [Test]
    public async Task Good_rows_are_stored_and_bad_rows_named_by_row_and_column()
    {
        var (a, b, c) = (NewKey("A"), NewKey("B"), NewKey("C"));
        var csv = string.Join("\n", Header, Row(a, Builders.NextNhsNumber()), Row(b, "9434765918"), Row(c, Builders.NextNhsNumber(), startDate: "2024-13-01"), Row(NewKey("D"), Builders.NextNhsNumber()));
        var response = await PostCsvAsync(csv);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var bundle = await response.ReadAsync<Bundle>();

        Assert.That(bundle.Type, Is.EqualTo(Bundle.BundleType.BatchResponse));
        Assert.That(bundle.Entry.Take(4).Select(e => e.Response.Status[..3]), Is.EqualTo(new[] { "200", "400", "400", "200" }));
        var outcome = bundle.Entry.Last().Resource as OperationOutcome;
        var expressions = outcome!.Issue.SelectMany(i => i.Expression).ToList();
        Assert.That(expressions, Does.Contain("row[2].nhsNumber"));
        Assert.That(expressions, Does.Contain("row[3].startDate"));
        Assert.That(outcome.DetailCodes(), Does.Contain("INVALID_NHS_NUMBER"));

        var tasks = await CurrentAsync<Hl7.Fhir.Model.Task>(Factory.Services, t => t.Identifier.Any(i => i.Value == a || i.Value == b || i.Value == c));
        Assert.That(tasks.Select(t => t.Identifier.First().Value), Is.EquivalentTo(new[] { a }));
        Assert.That(bundle.Entry[0].Response.Location, Does.StartWith("Task/"));
    }

    [Test]
    public async Task Resending_a_file_updates_rather_than_duplicates()
    {
        var id = NewKey("A");
        var csv = string.Join("\n", Header, Row(id, Builders.NextNhsNumber()));
        Assert.That((await PostCsvAsync(csv)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var versions = await VersionCountAsync(Factory.Services);
        Assert.That((await PostCsvAsync(csv)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await VersionCountAsync(Factory.Services), Is.EqualTo(versions));
        Assert.That(await CurrentAsync<Hl7.Fhir.Model.Task>(Factory.Services, t => t.Identifier.Any(i => i.Value == id)), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_council_system_token_stores_without_registering_organisations()
    {
        using var council = ClientFor("LIVCC", "system", "system/*.cru");
        var response = await PostCsvAsync(string.Join("\n", Header, Row(NewKey("A"), Builders.NextNhsNumber())), council);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var bundle = await response.ReadAsync<Bundle>();
        Assert.That(bundle.Entry[0].Response.Status, Does.StartWith("200"), bundle.Entry[0].Response.Outcome is OperationOutcome o ? string.Join("; ", o.Issue.Select(i => i.Diagnostics)) : "");
    }

    [Test]
    public async Task A_file_without_a_required_column_is_refused_whole()
    {
        var response = await PostCsvAsync("councilCode,assessmentId\nLIVCC,A1\n");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var outcome = await response.ReadAsync<OperationOutcome>();
        Assert.That(outcome.Issue.SelectMany(i => i.Expression), Has.Some.StartWith("header."));
    }
}
