namespace Interop.Api.Fhir;

/// <summary>Configuration section <c>Search</c>: the <c>$reindex</c> worker (docs/search.md, "Custom parameters and $reindex").</summary>
public sealed class SearchOptions
{
    public const string SectionName = "Search";

    /// <summary>Run the reindex worker in this instance (any number of instances may: jobs are leased).</summary>
    public bool ReindexEnabled { get; set; } = true;

    /// <summary>Resource rows per reindex transaction; the global write lock is held for one batch at a time.</summary>
    public int ReindexBatchSize { get; set; } = 500;

    /// <summary>How often the worker looks for a job (a job started on this instance wakes it at once).</summary>
    public TimeSpan ReindexPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a claimed job belongs to one instance without a committed batch; much longer than one batch.</summary>
    public TimeSpan ReindexLease { get; set; } = TimeSpan.FromMinutes(2);
}
