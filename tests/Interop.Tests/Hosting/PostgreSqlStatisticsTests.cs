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
}
