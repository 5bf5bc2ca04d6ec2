namespace Interop.Storage.Search;

/// <summary>The states of a <c>$reindex</c> job (<see cref="Entities.ReindexJobRow.Status"/>), as the status Parameters name them.</summary>
public static class ReindexStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
}
