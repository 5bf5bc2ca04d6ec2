namespace Interop.Storage.Search;

/// <summary>
/// One instance's hold on a <c>$reindex</c> job: the job, the instance and the lease value it wrote.
/// Every update the holder makes is guarded on both, so an instance whose lease was taken over
/// (it stalled past <see cref="LeaseUntil"/>) changes nothing.
/// </summary>
public sealed record ReindexClaim(long JobId, string Owner, long LeaseUntil);
