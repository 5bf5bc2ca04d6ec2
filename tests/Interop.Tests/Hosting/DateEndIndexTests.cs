using Interop.Storage;
using Interop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NUnit.Framework;

namespace Interop.Tests.Hosting;

/// <summary>
/// Date criteria on the end of a range (<c>gt</c>, <c>ge</c>, <c>eb</c>: <c>End &gt; x</c> or
/// <c>End &lt;= x</c>) are sought in the index that leads with the end, those on the start
/// (<c>lt</c>, <c>le</c>, <c>sa</c>, <c>eq</c>) in the one that leads with the start. With only the
/// start index, <c>Observation?date=gt2019-01-01</c> walked every Observation date before 2019 to
/// reach the first match.
/// </summary>
[TestFixture]
public sealed class DateEndIndexTests
{
    [Test]
    public async Task Each_end_of_a_date_range_is_sought_in_its_own_index_on_SQLite()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using var db = database.CreateContext();
        await db.Database.MigrateAsync();
        var value = new DateTimeOffset(2019, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;
        var dates = db.DateIndex.AsNoTracking().Where(x => x.ResourceType == "Observation" && x.ParamName == "date");

        var gt = await SchemaProbes.ExplainSqliteAsync(db, dates.Where(x => x.End > value).Select(x => x.ResourceRowId).ToQueryString());
        var eb = await SchemaProbes.ExplainSqliteAsync(db, dates.Where(x => x.End <= value).Select(x => x.ResourceRowId).ToQueryString());
        var lt = await SchemaProbes.ExplainSqliteAsync(db, dates.Where(x => x.Start < value).Select(x => x.ResourceRowId).ToQueryString());
        var eq = await SchemaProbes.ExplainSqliteAsync(db, dates.Where(x => x.Start >= value && x.Start <= value + 1 && x.End <= value + 1).Select(x => x.ResourceRowId).ToQueryString());

        Assert.That(gt, Does.Contain("COVERING INDEX IX_search_dates_ResourceType_ParamName_End_ResourceRowId (ResourceType=? AND ParamName=? AND End>?)"), gt);
        Assert.That(eb, Does.Contain("COVERING INDEX IX_search_dates_ResourceType_ParamName_End_ResourceRowId (ResourceType=? AND ParamName=? AND End<?)"), eb);
        Assert.That(lt, Does.Contain("COVERING INDEX IX_search_dates_ResourceType_ParamName_Start_End_ResourceRowId (ResourceType=? AND ParamName=? AND Start<?)"), lt);
        Assert.That(eq, Does.Contain("IX_search_dates_ResourceType_ParamName_Start_End_ResourceRowId (ResourceType=? AND ParamName=? AND Start>? AND Start<?)"), eq);
    }
}
