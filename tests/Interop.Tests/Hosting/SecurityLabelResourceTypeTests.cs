using Interop.Storage;
using Interop.Storage.Consent;
using Interop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using NUnit.Framework;

namespace Interop.Tests.Hosting;

/// <summary>
/// A security label row carries its resource's type (migration SecurityLabelResourceType), so that a
/// consent-checked search of one type lists only that type's withholding candidates when it asks
/// whether anything it matched was withheld (<see cref="ConsentFilter.WithholdingCandidates"/>).
/// </summary>
[TestFixture]
public sealed class SecurityLabelResourceTypeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static readonly ReadAccess Hospital = new(null, new ConsentAccess("RBQ", "TREAT", false, false, false, Now), ExcludedTypes: ["AuditEvent"]);

    [TestCase(StorageProvider.Sqlite)]
    [TestCase(StorageProvider.PostgreSql)]
    public async Task Upgrading_gives_existing_label_rows_their_resources_type(StorageProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using (var db = database.CreateContext())
        {
            var migrations = db.Database.GetMigrations().ToList();
            var index = migrations.FindIndex(m => m.EndsWith("_SecurityLabelResourceType", StringComparison.Ordinal));
            Assert.That(index, Is.GreaterThan(0));
            await db.GetService<IMigrator>().MigrateAsync(migrations[index - 1]);

            // Labelled versions as the schema before the migration stored them.
            await SchemaProbes.InsertCurrentVersionsAsync(db, provider, ("Condition", "c1"), ("AuditEvent", "a1"));
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO resource_security_labels (\"ResourceRowId\", \"System\", \"Code\") " +
                "SELECT \"Id\", 'http://terminology.hl7.org/CodeSystem/v3-ActCode', CASE \"ResourceType\" WHEN 'Condition' THEN 'PSY' ELSE 'NOPAT' END FROM resource_versions");
        }

        await using (var db = database.CreateContext())
        {
            await db.Database.MigrateAsync();
            var rows = await db.SecurityLabels.AsNoTracking().OrderBy(l => l.ResourceRowId).Select(l => new { l.Code, l.ResourceType }).ToListAsync();
            Assert.That(rows.Select(r => (r.Code, r.ResourceType)), Is.EqualTo(new[] { ("PSY", "Condition"), ("NOPAT", "AuditEvent") }));
            Assert.That(await CandidatesAsync(db, "Condition"), Is.EqualTo(new[] { "c1" }));
            Assert.That(await CandidatesAsync(db, "Observation"), Is.Empty);
        }
    }

    [TestCase(StorageProvider.Sqlite)]
    [TestCase(StorageProvider.PostgreSql)]
    public async Task Candidates_of_one_type_are_its_labelled_rows_and_the_untyped_ones(StorageProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        await db.Database.MigrateAsync();
        await SchemaProbes.InsertCurrentVersionsAsync(db, provider, ("Condition", "c1"), ("Observation", "o1"), ("Observation", "o2"), ("Observation", "plain"));
        // As this release stores them, and (o2) as a replica of the release before the column stores
        // them during a rolling upgrade: without the type.
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO resource_security_labels (\"ResourceRowId\", \"System\", \"Code\", \"ResourceType\") " +
            "SELECT \"Id\", 'http://terminology.hl7.org/CodeSystem/v3-ActCode', 'PSY', CASE \"ResourceId\" WHEN 'o2' THEN '' ELSE \"ResourceType\" END " +
            "FROM resource_versions WHERE \"ResourceId\" <> 'plain'");

        Assert.That(await CandidatesAsync(db, "Observation"), Is.EqualTo(new[] { "o1", "o2" }));
        Assert.That(await CandidatesAsync(db, "Condition"), Is.EqualTo(new[] { "c1", "o2" }), "an untyped row is listed for every type; the search tests its own type");
        Assert.That(await CandidatesAsync(db, null), Is.EqualTo(new[] { "c1", "o1", "o2" }), "without a type, every labelled row");

        // A deny rule puts the patient's whole compartment among the candidates, by type too.
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO resource_compartments (\"ResourceRowId\", \"PatientId\", \"ResourceType\") SELECT \"Id\", 'p1', \"ResourceType\" FROM resource_versions WHERE \"ResourceId\" = 'plain'");
        db.ConsentRules.Add(new Interop.Storage.Entities.ConsentRuleRow { ConsentId = "k1", RuleIndex = 0, PatientId = "p1", Permit = false, Level = 0 });
        await db.SaveChangesAsync();
        Assert.That(await CandidatesAsync(db, "Observation"), Is.EqualTo(new[] { "o1", "o2", "plain" }));
        Assert.That(await CandidatesAsync(db, "Condition"), Is.EqualTo(new[] { "c1", "o2" }));
    }

    [Test]
    public async Task The_candidates_of_one_type_are_read_from_the_label_index_on_SQLite()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using var db = database.CreateContext();
        await db.Database.MigrateAsync();

        var breakGlass = Hospital with { Consent = Hospital.Consent! with { BreakGlass = true } };
        var typed = await SchemaProbes.ExplainSqliteAsync(db, ConsentFilter.WithholdingCandidates(db, breakGlass, "Observation")!.ToQueryString());
        var untyped = await SchemaProbes.ExplainSqliteAsync(db, ConsentFilter.WithholdingCandidates(db, breakGlass)!.ToQueryString());

        // Sought by type and code in the partial index that leaves NOPAT out, not by walking every
        // entry of each sensitive code (0.9 ms a search at 300,804 resources, with 2,883 of them).
        Assert.That(typed, Does.Contain("COVERING INDEX IX_resource_security_labels_type_code (ResourceType=? AND Code=?)"), typed);
        Assert.That(untyped, Does.Contain("COVERING INDEX IX_resource_security_labels_Code_ResourceRowId_ResourceType (Code=?)"), untyped);
    }

    [Test]
    public async Task A_rows_own_labels_are_still_sought_by_its_id_on_SQLite()
    {
        // The index once led with (Code, ResourceType): SQLite then answered "does this row carry
        // NOPAT?" (every patient's view, every patient token's read) by walking every NOPAT entry,
        // one per stored AuditEvent, for each row it tested.
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using var db = database.CreateContext();
        await db.Database.MigrateAsync();

        var disclosable = ConsentFilter.DisclosableToPatient(db.Resources.AsNoTracking().Where(r => r.Id > 0), db).Select(r => r.Id).ToQueryString();
        var sensitive = db.Resources.AsNoTracking().Where(r => r.Id > 0 && r.SecurityLabels.Any(l => l.Code == "PSY" || l.Code == "HIV")).Select(r => r.Id).ToQueryString();

        foreach (var plan in new[] { await SchemaProbes.ExplainSqliteAsync(db, disclosable), await SchemaProbes.ExplainSqliteAsync(db, sensitive) })
        {
            var labelSearches = plan.Split('\n').Where(l => l.Contains("resource_security_labels", StringComparison.Ordinal)).ToList();
            Assert.That(labelSearches, Is.Not.Empty, plan);
            Assert.That(labelSearches, Is.All.Contains("ResourceRowId=?"), plan);
        }
    }

    private static async Task<List<string>> CandidatesAsync(InteropDbContext db, string? type)
    {
        var candidates = ConsentFilter.WithholdingCandidates(db, Hospital, type)!;
        return await db.Resources.AsNoTracking().Where(r => candidates.Contains(r.Id)).Select(r => r.ResourceId).OrderBy(id => id).ToListAsync();
    }
}
