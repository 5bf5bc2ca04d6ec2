using Hl7.Fhir.Model;
using Interop.Core.Fhir;
using Interop.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Task = System.Threading.Tasks.Task;

namespace Interop.Storage.Search;

/// <summary>
/// The <c>$reindex</c> jobs in <c>search_reindex_jobs</c>: creating one, claiming one for this
/// instance, and rebuilding the search index rows of current resources one batch at a time. Each
/// batch is one transaction under the global write lock (held for that batch only) that replaces
/// the batch's index rows and moves the job's checkpoint (<see cref="ReindexJobRow.Position"/>),
/// so a crash loses at most the batch in flight and the job resumes after the last committed one.
/// </summary>
public sealed class ReindexJobs(InteropDbContext db, ResourceIndexer indexer, WriteLocks locks, TimeProvider time, ILogger<ReindexJobs> logger)
{
    /// <summary>
    /// Queues a job over the current resources of <paramref name="resourceType"/> (every type when
    /// null) that exist now; rows written later are indexed by their write.
    /// </summary>
    public async Task<ReindexJobRow> CreateAsync(string? resourceType, CancellationToken ct)
    {
        var upTo = await db.Resources.MaxAsync(r => (long?)r.Id, ct) ?? 0;
        var total = await Current(resourceType).LongCountAsync(r => r.Id <= upTo, ct);
        var now = Now();
        var job = new ReindexJobRow
        {
            ResourceType = resourceType,
            Status = ReindexStatus.Queued,
            Total = total,
            UpTo = upTo,
            Created = now,
            Updated = now,
        };
        db.ReindexJobs.Add(job);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return job;
    }

    public Task<ReindexJobRow?> FindAsync(long id, CancellationToken ct) =>
        db.ReindexJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);

    /// <summary>
    /// Claims the oldest unfinished job that nobody holds (never claimed, lease run out, or already
    /// this <paramref name="owner"/>'s), or returns null. The claim is a conditional UPDATE naming
    /// the lease owner and value read, so of several instances racing for a job exactly one wins.
    /// </summary>
    public async Task<ReindexClaim?> ClaimNextAsync(string owner, TimeSpan lease, CancellationToken ct)
    {
        var now = Now();
        var candidates = await db.ReindexJobs.AsNoTracking()
            .Where(j => (j.Status == ReindexStatus.Queued || j.Status == ReindexStatus.Running)
                && (j.LeaseUntil == null || j.LeaseUntil < now || j.LeaseOwner == owner))
            .OrderBy(j => j.Id)
            .Select(j => new { j.Id, j.LeaseOwner, j.LeaseUntil })
            .Take(10)
            .ToListAsync(ct);
        foreach (var candidate in candidates)
        {
            var previousOwner = candidate.LeaseOwner;
            var previousUntil = candidate.LeaseUntil;
            var until = Instants.ToStored(time.GetUtcNow() + lease);
            var claimed = await db.ReindexJobs
                .Where(j => j.Id == candidate.Id
                    && (j.Status == ReindexStatus.Queued || j.Status == ReindexStatus.Running)
                    && j.LeaseOwner == previousOwner && j.LeaseUntil == previousUntil)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, ReindexStatus.Running)
                    .SetProperty(j => j.LeaseOwner, owner)
                    .SetProperty(j => j.LeaseUntil, until)
                    .SetProperty(j => j.Started, j => j.Started ?? now)
                    .SetProperty(j => j.Updated, now), ct);
            if (claimed != 1) continue; // another instance got there first
            if (previousOwner is not null && previousOwner != owner)
                logger.LogInformation("Reindex job {Job} taken over from {Previous}, whose lease ran out", candidate.Id, previousOwner);
            return new ReindexClaim(candidate.Id, owner, until);
        }
        return null;
    }

    /// <summary>
    /// Reindexes the next <paramref name="batchSize"/> current rows after the checkpoint, in row id
    /// order, and in the same transaction moves the checkpoint and renews the lease (or marks the job
    /// completed). Nothing is written when the claim is no longer this instance's.
    /// </summary>
    public async Task<ReindexBatch> RunBatchAsync(ReindexClaim claim, int batchSize, TimeSpan lease, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var gate = await locks.EnterAsync(db, ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            try
            {
                await gate.AcquireInTransactionAsync(ct);
                var job = await db.ReindexJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == claim.JobId, ct);
                if (job is null || job.Status != ReindexStatus.Running || job.LeaseOwner != claim.Owner || job.LeaseUntil != claim.LeaseUntil)
                {
                    await tx.RollbackAsync(ct);
                    return new ReindexBatch(0, false, null);
                }

                var rows = await Current(job.ResourceType)
                    .Where(r => r.Id > job.Position && r.Id <= job.UpTo)
                    .OrderBy(r => r.Id)
                    .Take(batchSize)
                    .ToListAsync(ct);
                await SearchIndexRows.DeleteForAsync(db, rows.Select(r => r.Id).ToList(), ct);
                foreach (var row in rows)
                {
                    try
                    {
                        indexer.RebuildSearchIndex(row, FhirSerialization.ParseStored(row.Json!));
                    }
                    catch (FhirException ex)
                    {
                        // A stored version that no longer parses keeps no index rows rather than stopping the job.
                        logger.LogWarning("Reindex job {Job}: {Type}/{Id} (row {Row}) could not be parsed: {Problem}",
                            job.Id, row.ResourceType, row.ResourceId, row.Id, ex.Message);
                    }
                }
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();

                var completed = rows.Count < batchSize;
                var position = rows.Count > 0 ? rows[^1].Id : job.Position;
                var now = Now();
                long? until = completed ? null : Instants.ToStored(time.GetUtcNow() + lease);
                var moved = await db.ReindexJobs
                    .Where(j => j.Id == claim.JobId && j.LeaseOwner == claim.Owner && j.LeaseUntil == claim.LeaseUntil)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(j => j.Position, position)
                        .SetProperty(j => j.Done, j => j.Done + rows.Count)
                        .SetProperty(j => j.Status, completed ? ReindexStatus.Completed : ReindexStatus.Running)
                        .SetProperty(j => j.Finished, completed ? now : (long?)null)
                        .SetProperty(j => j.LeaseOwner, completed ? null : claim.Owner)
                        .SetProperty(j => j.LeaseUntil, until)
                        .SetProperty(j => j.Updated, now), ct);
                if (moved != 1)
                {
                    await tx.RollbackAsync(ct);
                    return new ReindexBatch(0, false, null);
                }
                await tx.CommitAsync(ct);
                return new ReindexBatch(rows.Count, completed, completed ? null : claim with { LeaseUntil = until!.Value });
            }
            catch
            {
                try { await tx.RollbackAsync(CancellationToken.None); }
                catch (InvalidOperationException) { /* already completed */ }
                db.ChangeTracker.Clear();
                throw;
            }
        });
    }

    /// <summary>Marks the job failed with <paramref name="error"/>, if this instance still holds it.</summary>
    public async Task FailAsync(ReindexClaim claim, string error, CancellationToken ct)
    {
        var now = Now();
        var message = error.Length <= 1024 ? error : error[..1024];
        await db.ReindexJobs
            .Where(j => j.Id == claim.JobId && j.LeaseOwner == claim.Owner && j.LeaseUntil == claim.LeaseUntil)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, ReindexStatus.Failed)
                .SetProperty(j => j.Error, message)
                .SetProperty(j => j.Finished, now)
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseUntil, (long?)null)
                .SetProperty(j => j.Updated, now), ct);
    }

    /// <summary>Gives the job back (on shutdown) so another instance, or this one restarted, resumes it without waiting for the lease to run out.</summary>
    public async Task ReleaseAsync(ReindexClaim claim, CancellationToken ct)
    {
        await db.ReindexJobs
            .Where(j => j.Id == claim.JobId && j.LeaseOwner == claim.Owner && j.LeaseUntil == claim.LeaseUntil)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseUntil, (long?)null), ct);
    }

    private IQueryable<ResourceVersionRow> Current(string? resourceType)
    {
        var query = db.Resources.Where(r => r.IsCurrent && !r.IsDeleted);
        return resourceType is null ? query : query.Where(r => r.ResourceType == resourceType);
    }

    private long Now() => Instants.ToStored(time.GetUtcNow());
}
