using System.Linq.Expressions;
using Interop.Storage;
using Interop.Storage.Consent;
using Interop.Storage.Entities;
using Interop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.ConsentLedger;

/// <summary>
/// The consent predicate's fixed lists (sensitive classes, exempt and excluded types) reach the SQL
/// as literals, not as collection parameters: EF Core regenerates the SQL of a query with a
/// collection parameter on every execution, which made every consent-checked read pay for it.
/// </summary>
[TestFixture]
public sealed class ConsentQueryShapeTests
{
    private TestDatabase _database = null!;

    [OneTimeSetUp]
    public async Task CreateAsync() => _database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);

    [OneTimeTearDown]
    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Test]
    public void Consent_query_has_no_collection_parameters()
    {
        using var db = _database.CreateContext();
        var access = new ReadAccess(null,
            new ConsentAccess("RBQ", "TREAT", PatientCaller: false, BreakGlass: false, DenyAllByDefault: true, DateTimeOffset.UtcNow, ExemptTypes: ["AuditEvent", "Consent"]),
            ExcludedTypes: ["Basic", "Flag"]);
        var sql = ConsentFilter.Apply(db.Resources, db, access).ToQueryString();

        var parameters = sql.Split('\n').Where(l => l.StartsWith(".param set", StringComparison.Ordinal)).ToList();
        Assert.That(parameters, Is.Not.Empty, "the caller's organisation, purpose and time stay parameters");
        Assert.That(parameters, Has.None.Contains("Sensitive").And.None.Contains("exempt").And.None.Contains("excluded"));
        Assert.That(sql, Does.Contain("'PSY'").And.Contain("'SAFEGUARDING'").And.Contain("'AuditEvent'").And.Contain("'Flag'"));
        Assert.That(sql, Does.Not.Contain("json_each"));
    }

    [Test]
    public async Task A_compiled_read_serves_each_caller_with_their_own_values()
    {
        // ConsentFilter.ReadCurrentAsync compiles one query per kind of caller: a value captured at
        // compile time instead of passed per call would let the next caller of that kind see with
        // the first caller's organisation or patient.
        await using (var setup = _database.CreateContext())
        {
            await setup.Database.MigrateAsync();
            setup.Resources.Add(Row("Observation", "obs-a", custodian: "GPA", patient: "pat-a", label: "PSY"));
            setup.Resources.Add(Row("Observation", "obs-b", custodian: "GPB", patient: "pat-b", label: null));
            await setup.SaveChangesAsync();
        }

        var now = DateTimeOffset.UtcNow;
        async Task<bool> Sees(ReadAccess access, string id)
        {
            await using var db = _database.CreateContext();
            var compiled = await ConsentFilter.ReadCurrentAsync(db, access, "Observation", id) is not null;
            var queried = await ConsentFilter.Apply(db.Resources, db, access, currentOnly: true).AnyAsync(r => r.ResourceId == id);
            Assert.That(compiled, Is.EqualTo(queried), "the compiled read and the query decide alike");
            return compiled;
        }
        ReadAccess Clinician(string org) => new(null, new ConsentAccess(org, "TREAT", false, false, false, now));
        ReadAccess PatientToken(string patient) => new(patient, new ConsentAccess("GPA", "TREAT", true, false, false, now));

        Assert.That(await Sees(Clinician("GPA"), "obs-a"), Is.True, "the custodian sees its own PSY item");
        Assert.That(await Sees(Clinician("RBQ"), "obs-a"), Is.False, "another organisation does not");
        Assert.That(await Sees(Clinician("GPA"), "obs-a"), Is.True);
        Assert.That(await Sees(PatientToken("pat-a"), "obs-a"), Is.True, "a patient sees their own record");
        Assert.That(await Sees(PatientToken("pat-b"), "obs-a"), Is.False, "and nobody else's");
        Assert.That(await Sees(PatientToken("pat-b"), "obs-b"), Is.True);
    }

    private static ResourceVersionRow Row(string type, string id, string custodian, string patient, string? label)
    {
        var row = new ResourceVersionRow
        {
            ResourceType = type, ResourceId = id, VersionId = 1, IsCurrent = true, Custodian = custodian,
            Json = $"{{\"resourceType\":\"{type}\",\"id\":\"{id}\"}}",
        };
        row.Compartments.Add(new CompartmentRow { PatientId = patient, ResourceType = type });
        if (label is not null) row.SecurityLabels.Add(new SecurityLabelRow { System = "http://terminology.hl7.org/CodeSystem/v3-ActCode", Code = label });
        return row;
    }

    [TestCase("")]
    [TestCase("PSY")]
    [TestCase("PSY,HIV,SDV")]
    public void Inlined_contains_decides_like_the_original(string values)
    {
        var list = values.Split(',', StringSplitOptions.RemoveEmptyEntries);
        Expression<Func<SecurityLabelRow, bool>> original = l => list.Contains(l.Code) || l.System == "x";
        var inlined = ConstantListInliner.Inline(original);
        Assert.That(inlined.ToString(), Does.Not.Contain("Contains"));
        var (a, b) = (original.Compile(), inlined.Compile());
        foreach (var code in new[] { "PSY", "HIV", "SDV", "ETH", "", "psy" })
            foreach (var system in new[] { "x", "y" })
            {
                var row = new SecurityLabelRow { Code = code, System = system };
                Assert.That(b(row), Is.EqualTo(a(row)), $"{code}|{system}");
            }
    }

    [Test]
    public void Long_lists_and_queries_are_left_as_they_are()
    {
        var longList = Enumerable.Range(0, ConstantListInliner.MaxValues + 1).Select(i => $"C{i}").ToArray();
        Expression<Func<SecurityLabelRow, bool>> tooLong = l => longList.Contains(l.Code);
        Assert.That(ConstantListInliner.Inline(tooLong).ToString(), Does.Contain("Contains"));

        var query = new[] { "PSY" }.AsQueryable();
        Expression<Func<SecurityLabelRow, bool>> subquery = l => query.Contains(l.Code);
        Assert.That(ConstantListInliner.Inline(subquery).ToString(), Does.Contain("Contains"));
    }
}
