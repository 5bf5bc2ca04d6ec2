using Interop.Core.Synthetic;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Interop.Tests.Import;

/// <summary>The <c>import</c> verb on a real database of each provider, over a few small generated patients.</summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class ImportVerbTests(StorageProvider provider)
{
    private const int Patients = 3;
    private string _data = "";
    private SyntheticDataSummary _generated = null!;

    [OneTimeSetUp]
    public void Generate()
    {
        _data = Path.Combine(Path.GetTempPath(), $"interop-import-{Guid.NewGuid():N}");
        _generated = new SyntheticDataGenerator(11, new SyntheticDataOptions { ResourcesPerPatient = 40 }).WriteTo(_data, Patients);
    }

    [OneTimeTearDown]
    public void DeleteData()
    {
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    private static Task<CommandLineRun> ImportAsync(TestDatabase database, params string[] args) =>
        CommandLineRun.RunAsync(["import", .. args,
            $"--Storage:Provider={database.Provider}", $"--Storage:ConnectionString={database.ConnectionString}"]);

    private static async Task<(int Rows, int Current, int MaxVersion)> CountAsync(TestDatabase database)
    {
        var factory = new InteropDbContextFactory(
            Microsoft.Extensions.Options.Options.Create(new StorageOptions { Provider = database.Provider, ConnectionString = database.ConnectionString }),
            new ServiceCollection().BuildServiceProvider());
        await using var db = factory.CreateDbContext();
        var rows = await db.Resources.CountAsync();
        var current = await db.Resources.CountAsync(r => r.IsCurrent);
        var max = rows == 0 ? 0 : await db.Resources.MaxAsync(r => r.VersionId);
        return (rows, current, max);
    }

    [Test]
    public async Task A_folder_is_imported_and_a_rerun_changes_nothing()
    {
        await using var database = await TestDatabase.CreateAsync(provider);

        var first = await ImportAsync(database, _data, "--batch", "2");
        Assert.That(first.ExitCode, Is.EqualTo(0), first.Errors);
        Assert.That(first.CountLine, Does.StartWith($"Imported {Patients + 1} files (0 skipped").And.Contain($"{_generated.Resources} resources ({_generated.Resources} created"));
        Assert.That(first.Errors, Does.Contain($"{Patients + 1}/{Patients + 1} files"), "progress on stderr");
        Assert.That(await CountAsync(database), Is.EqualTo(((int)_generated.Resources, (int)_generated.Resources, 1)));

        var again = await ImportAsync(database, _data);
        Assert.That(again.ExitCode, Is.EqualTo(0), again.Errors);
        Assert.That(again.CountLine, Does.StartWith($"Imported 0 files ({Patients + 1} skipped as already imported"));
        Assert.That(await CountAsync(database), Is.EqualTo(((int)_generated.Resources, (int)_generated.Resources, 1)));
    }

    [Test]
    public async Task Without_the_journal_a_rerun_makes_no_duplicates_and_no_new_versions()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Assert.That((await ImportAsync(database, _data)).ExitCode, Is.EqualTo(0));

        // Forget the journal: every file is processed again, as after a move of the folder.
        await using (var db = new InteropDbContextFactory(
            Microsoft.Extensions.Options.Options.Create(new StorageOptions { Provider = database.Provider, ConnectionString = database.ConnectionString }),
            new ServiceCollection().BuildServiceProvider()).CreateDbContext())
            await db.Database.ExecuteSqlRawAsync("DELETE FROM import_journal");

        var replay = await ImportAsync(database, _data);
        Assert.That(replay.ExitCode, Is.EqualTo(0), replay.Errors);
        Assert.That(replay.CountLine, Does.Contain($"{_generated.Resources} resources (0 created, {_generated.Resources} updated or unchanged)"));
        Assert.That(await CountAsync(database), Is.EqualTo(((int)_generated.Resources, (int)_generated.Resources, 1)));
    }

    [Test]
    public async Task An_interrupted_import_resumes_where_it_stopped()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var firstHalf = new[] { Path.Combine(_data, SyntheticDataGenerator.OrganizationsFileName), Path.Combine(_data, "patient-00000.json") };
        var partial = await ImportAsync(database, firstHalf);
        Assert.That(partial.ExitCode, Is.EqualTo(0), partial.Errors);
        Assert.That(partial.CountLine, Does.StartWith("Imported 2 files"));

        var rest = await ImportAsync(database, _data);
        Assert.That(rest.ExitCode, Is.EqualTo(0), rest.Errors);
        Assert.That(rest.CountLine, Does.StartWith($"Imported {Patients - 1} files (2 skipped as already imported, 0 with problems)"));
        Assert.That(await CountAsync(database), Is.EqualTo(((int)_generated.Resources, (int)_generated.Resources, 1)));
    }

    [Test]
    public async Task An_ndjson_file_with_a_bad_line_stores_the_others_and_names_the_line()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var file = Path.Combine(_data, "..", $"interop-import-{Guid.NewGuid():N}.ndjson");
        await File.WriteAllLinesAsync(file,
        [
            """{"resourceType":"Patient","id":"nd-1","name":[{"family":"One"}]}""",
            """{"resourceType":"Patient","id":"nd-2","gender":"not-a-gender"}""",
            "",
            """{"resourceType":"Observation","status":"final","code":{"text":"weight"},"subject":{"reference":"Patient/nd-1"}}""",
        ]);
        try
        {
            var run = await ImportAsync(database, file);
            Assert.That(run.ExitCode, Is.EqualTo(1));
            Assert.That(run.Errors, Does.Contain("line 2:"));
            Assert.That(run.CountLine, Does.Contain("2 resources (2 created"));
            Assert.That((await CountAsync(database)).Rows, Is.EqualTo(2));

            // The file is not journaled as complete, so a rerun retries it, without duplicating the good lines.
            var again = await ImportAsync(database, file);
            Assert.That(again.CountLine, Does.Contain("2 resources (0 created, 2 updated or unchanged)"));
            Assert.That(await CountAsync(database), Is.EqualTo((2, 2, 1)));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task A_synthea_bundle_is_imported_once()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var synthea = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "synthea");
        var run = await ImportAsync(database, synthea);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Errors);
        Assert.That(run.CountLine, Does.Contain("70 resources (70 created"));
        Assert.That(await CountAsync(database), Is.EqualTo((70, 70, 1)));
    }
}
