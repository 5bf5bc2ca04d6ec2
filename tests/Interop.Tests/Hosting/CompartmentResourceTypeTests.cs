using Interop.Storage;
using Interop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using NUnit.Framework;

namespace Interop.Tests.Hosting;

/// <summary>
/// A compartment row carries its resource's type (migration CompartmentResourceType), so that "this
/// patient's rows of these types" is read from the compartment index without visiting the patient's
/// other rows, above all the AuditEvents every access adds to the compartment.
/// </summary>
[TestFixture]
public sealed class CompartmentResourceTypeTests
{
    [TestCase(StorageProvider.Sqlite)]
    [TestCase(StorageProvider.PostgreSql)]
    public async Task Upgrading_gives_existing_compartment_rows_their_resources_type(StorageProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using (var db = database.CreateContext())
        {
            var migrations = db.Database.GetMigrations().ToList();
            var index = migrations.FindIndex(m => m.EndsWith("_CompartmentResourceType", StringComparison.Ordinal));
            Assert.That(index, Is.GreaterThan(0));
            await db.GetService<IMigrator>().MigrateAsync(migrations[index - 1]);

            // Two versions and their compartment rows as the schema before the migration stored them.
            await SchemaProbes.InsertCurrentVersionsAsync(db, provider, ("Condition", "c1"), ("AuditEvent", "a1"));
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO resource_compartments (\"ResourceRowId\", \"PatientId\") SELECT \"Id\", 'p1' FROM resource_versions");
        }

        await using (var db = database.CreateContext())
        {
            await db.Database.MigrateAsync();
            var rows = await db.Compartments.AsNoTracking().OrderBy(c => c.ResourceRowId).Select(c => new { c.PatientId, c.ResourceType }).ToListAsync();
            Assert.That(rows.Select(r => r.ResourceType), Is.EqualTo(new[] { "Condition", "AuditEvent" }));
            Assert.That(rows.Select(r => r.PatientId), Is.All.EqualTo("p1"));

            var conditions = await db.Resources.AsNoTracking().InPatientCompartment(db, "p1", ["Condition"]).Select(r => r.ResourceId).ToListAsync();
            var notAudit = await db.Resources.AsNoTracking().InPatientCompartmentExcept(db, "p1", "AuditEvent").Select(r => r.ResourceId).ToListAsync();
            var all = await db.Resources.AsNoTracking().InPatientCompartment(db, "p1").Select(r => r.ResourceId).OrderBy(id => id).ToListAsync();
            Assert.That(conditions, Is.EqualTo(new[] { "c1" }));
            Assert.That(notAudit, Is.EqualTo(new[] { "c1" }));
            Assert.That(all, Is.EqualTo(new[] { "a1", "c1" }));

            // A replica of the previous release, still running during a rolling upgrade, writes compartment rows without the type.
            await SchemaProbes.InsertCurrentVersionsAsync(db, provider, ("Condition", "c2"), ("AuditEvent", "a2"));
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO resource_compartments (\"ResourceRowId\", \"PatientId\") SELECT \"Id\", 'p1' FROM resource_versions WHERE \"ResourceId\" IN ('c2', 'a2')");
            var conditionsNow = await db.Resources.AsNoTracking().InPatientCompartment(db, "p1", ["Condition"]).Select(r => r.ResourceId).OrderBy(id => id).ToListAsync();
            Assert.That(conditionsNow, Is.EqualTo(new[] { "c1", "c2" }), "an untyped compartment row is found, and its version's type decides");
            var requested = await db.Resources.AsNoTracking().InPatientCompartmentOfRequestedTypes(db, "p1", ["Condition"]).Select(r => r.ResourceId).OrderBy(id => id).ToListAsync();
            Assert.That(requested, Is.EqualTo(new[] { "c1", "c2" }), "a requested type list (one array parameter) finds the same rows");
            var both = await db.Resources.AsNoTracking().InPatientCompartmentOfRequestedTypes(db, "p1", ["AuditEvent", "Condition"]).Select(r => r.ResourceId).OrderBy(id => id).ToListAsync();
            Assert.That(both, Is.EqualTo(new[] { "a1", "a2", "c1", "c2" }));
        }
    }

    [Test]
    public async Task A_compartment_read_of_some_types_takes_them_from_the_index_alone_on_SQLite()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using var db = database.CreateContext();
        await db.Database.MigrateAsync();

        var sql = db.Resources.AsNoTracking().InPatientCompartment(db, "p1", ["Condition", "Observation"]).Select(r => r.Id).ToQueryString();
        var plan = await SchemaProbes.ExplainSqliteAsync(db, sql);

        Assert.That(plan, Does.Contain("COVERING INDEX IX_resource_compartments_PatientId_ResourceType_ResourceRowId (PatientId=? AND ResourceType=?)"), plan);
        Assert.That(plan, Does.Not.Contain("SCAN"), plan);
    }

    [Test]
    public async Task A_compartment_read_of_requested_types_searches_the_index_per_type_on_SQLite()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using var db = database.CreateContext();
        await db.Database.MigrateAsync();

        var sql = db.Resources.AsNoTracking().InPatientCompartmentOfRequestedTypes(db, "p1", ["Condition", "Observation"]).Select(r => r.Id).ToQueryString();
        var plan = await SchemaProbes.ExplainSqliteAsync(db, sql);

        Assert.That(plan, Does.Contain("COVERING INDEX IX_resource_compartments_PatientId_ResourceType_ResourceRowId (PatientId=? AND ResourceType=?)"), plan);
        Assert.That(plan, Does.Not.Contain("SCAN resource_compartments").And.Not.Contain("SCAN r "), plan);
    }

    [TestCase(StorageProvider.Sqlite)]
    [TestCase(StorageProvider.PostgreSql)]
    public async Task A_patient_confined_read_by_id_looks_in_the_compartment_for_that_type(StorageProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        await db.Database.MigrateAsync();
        await SchemaProbes.InsertCurrentVersionsAsync(db, provider, ("Observation", "typed"), ("Observation", "untyped"), ("Observation", "mistyped"));
        // As stored by this release, by a replica of the release before the column, and (to show which
        // index entries the read looks at) a row filed under another type.
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO resource_compartments (\"ResourceRowId\", \"PatientId\", \"ResourceType\") " +
            "SELECT \"Id\", 'p1', CASE \"ResourceId\" WHEN 'typed' THEN 'Observation' WHEN 'untyped' THEN '' ELSE 'Condition' END FROM resource_versions");

        async Task<bool> Reads(string patient, string id) =>
            await Interop.Storage.Consent.ConsentFilter.ReadCurrentAsync(db, new Interop.Storage.Consent.ReadAccess(patient, null), "Observation", id) is not null;

        Assert.That(await Reads("p1", "typed"), Is.True);
        Assert.That(await Reads("p1", "untyped"), Is.True, "a row written by the previous release is still the patient's");
        Assert.That(await Reads("p1", "mistyped"), Is.False, "the read lists the compartment's Observation entries only");
        Assert.That(await Reads("p2", "typed"), Is.False, "another patient's record");
    }
}
