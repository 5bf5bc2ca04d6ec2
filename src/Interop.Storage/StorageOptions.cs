using System.ComponentModel.DataAnnotations;

namespace Interop.Storage;

/// <summary>Configuration section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    [Required]
    public string ConnectionString { get; set; } = "Data Source=interop.db";

    /// <summary>Apply migrations at start-up. Turned off for replicas when a migration job runs first.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>
    /// SQLite only: how often a background connection copies the write-ahead log back into the
    /// database file (<see cref="SqliteCheckpointer"/>, decision 0009). Zero leaves it to SQLite, which
    /// does it inside the commit that takes the log past 1,000 pages, under the write lock.
    /// </summary>
    public TimeSpan SqliteCheckpointInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// SQLite and PostgreSQL: a search of one type with one criterion and no <c>_sort</c> whose
    /// criterion has at least this many index rows (and at least a thirtieth of all rows) finds its
    /// page within a window of row ids instead of taking every match first (docs/search.md, "Broad
    /// criteria"). Zero turns it off.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int BroadCriterionRows { get; set; } = 1_000;

    /// <summary>
    /// Most withholding candidates of the searched type that "was anything withheld?" reads into a
    /// list and tests one by one, starting from their ids (docs/search.md, "Totals, includes,
    /// consent"); with more, the candidates stay a subquery. Zero always keeps the subquery.
    /// </summary>
    [Range(0, 100_000)]
    public int ListedWithholdingCandidates { get; set; } = 1_000;

    /// <summary>
    /// SQLite only: compiled read statements kept per connection (<see cref="SqliteStatementCache"/>),
    /// so a query sent again is not compiled again. Zero turns the cache off.
    /// </summary>
    [Range(0, 4096)]
    public int SqliteStatementCacheSize { get; set; } = 64;

    /// <summary>Most DbContext instances kept for reuse.</summary>
    [Range(1, 4096)]
    public int PoolSize { get; set; } = 256;
}
