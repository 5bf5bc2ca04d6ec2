namespace Interop.Storage.Entities;

/// <summary>
/// A <c>$reindex</c> job: rebuilds the search index rows of current resources (all types, or one)
/// in batches ordered by row id. <see cref="Position"/> is the last row id done, so a job picks up
/// where it stopped after a restart. One gateway instance works on a job at a time: it holds the
/// lease (<see cref="LeaseOwner"/>, <see cref="LeaseUntil"/>), taken and renewed by conditional
/// UPDATEs; a lease that runs out (its instance died) may be taken by any instance.
/// </summary>
public sealed class ReindexJobRow
{
    public long Id { get; set; }

    /// <summary>The type reindexed, or null for every type.</summary>
    public string? ResourceType { get; set; }

    /// <summary><c>queued</c>, <c>running</c>, <c>completed</c> or <c>failed</c> (<see cref="Search.ReindexStatus"/>).</summary>
    public string Status { get; set; } = "queued";

    /// <summary>The last resource row id reindexed.</summary>
    public long Position { get; set; }

    /// <summary>Rows reindexed so far.</summary>
    public long Done { get; set; }

    /// <summary>Current rows to reindex, counted when the job was created.</summary>
    public long Total { get; set; }

    /// <summary>The highest row id when the job was created: rows written later were indexed on write.</summary>
    public long UpTo { get; set; }

    public long Created { get; set; }

    public long Updated { get; set; }

    /// <summary>When an instance first started working on the job (<see cref="Instants"/>).</summary>
    public long? Started { get; set; }

    /// <summary>When the job completed or failed.</summary>
    public long? Finished { get; set; }

    /// <summary>The instance working on the job (a per-process id), or null when none is.</summary>
    public string? LeaseOwner { get; set; }

    /// <summary>Until when <see cref="LeaseOwner"/> holds the job; renewed with every batch.</summary>
    public long? LeaseUntil { get; set; }

    public string? Error { get; set; }
}
