namespace Interop.Storage.Search;

/// <summary>
/// What one <see cref="ReindexJobs.RunBatchAsync"/> did: rows reindexed, whether the job is now
/// complete, and the renewed claim for the next batch (null when the claim was lost to another
/// instance, in which case nothing was written).
/// </summary>
public sealed record ReindexBatch(int Rows, bool Completed, ReindexClaim? Claim)
{
    public bool Lost => Claim is null && !Completed;
}
