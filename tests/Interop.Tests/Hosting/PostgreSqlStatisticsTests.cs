using Interop.Storage;
using Interop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NUnit.Framework;

namespace Interop.Tests.Hosting;

/// <summary>
/// PostgreSQL plans index lookups with multi-column statistics on (ResourceType, ParamName, value):
/// without them a broad token criterion was estimated at a tenth of its matches and the search
/// consent-checked every match before taking a page (migration SearchIndexStatistics).
/// </summary>
[TestFixture]
public sealed class PostgreSqlStatisticsTests
{
    [Test]
    public async Task Migrations_create_the_index_tables_multi_column_statistics()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.PostgreSql);
        await using var db = database.CreateContext();
        await db.Database.MigrateAsync();

        var statistics = await db.Database
            .SqlQueryRaw<string>("SELECT stxname::text AS \"Value\" FROM pg_statistic_ext ORDER BY 1")
            .ToListAsync();

        Assert.That(statistics, Is.SupersetOf(new[]
        {
            "st_search_tokens_lookup", "st_search_strings_lookup", "st_search_dates_lookup",
            "st_search_references_lookup", "st_search_quantities_lookup", "st_search_uris_lookup",
        }));
    }

    /// <summary>
    /// String search matches a prefix with LIKE 'value%'. PostgreSQL turns that into an index range
    /// only under the C collation (migration SearchStringsByteCollation); under the database's own it
    /// read every index row of the parameter (every Patient family name in a city) and filtered them.
    /// </summary>
    [Test]
    public async Task A_string_prefix_is_an_index_range_on_the_normalised_column()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.PostgreSql);
        await using var db = database.CreateContext();
        await db.Database.MigrateAsync();

        var collation = await db.Database
            .SqlQueryRaw<string>("SELECT collation_name::text AS \"Value\" FROM information_schema.columns WHERE table_name = 'search_strings' AND column_name = 'Normalized'")
            .SingleAsync();
        Assert.That(collation, Is.EqualTo("C"));

        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        // The empty table would be read sequentially whatever the index; the plan's index condition is what matters.
        command.CommandText = "SET enable_seqscan = off; EXPLAIN SELECT \"ResourceRowId\" FROM search_strings " +
            "WHERE \"ResourceType\" = 'Patient' AND \"ParamName\" = 'family' AND \"Normalized\" LIKE 'smi%'";
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.Add(reader.GetString(0));
        Assert.That(string.Join("\n", plan), Does.Contain("\"Normalized\" >= 'smi'").And.Contain("\"Normalized\" < 'smj'"));
    }
}
