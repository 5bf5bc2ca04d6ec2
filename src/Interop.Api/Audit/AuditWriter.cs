using System.Diagnostics;
using Interop.Storage;
using Interop.Storage.Entities;
using Microsoft.Extensions.Options;
using Task = System.Threading.Tasks.Task;

namespace Interop.Api.Audit;

/// <summary>
/// Commits access records to the audit journal with group commit (architecture decision 6):
/// requests hand their <see cref="AuditEntry"/> to a queue and wait; one loop takes everything
/// queued, inserts it in one database transaction (one small row per request), and then releases
/// every waiting request together. A request's data is sent only after its journal row is durable,
/// and many requests share the cost of one commit. The AuditEvents are built from the journal by
/// <see cref="AuditMaterializer"/>; when it falls more than <see cref="AuditOptions.MaxBacklog"/>
/// rows behind, this loop waits for it, so under sustained load the audit trail slows requests
/// rather than growing without bound. On shutdown the queue is drained.
/// </summary>
public sealed class AuditWriter(IAuditJournal journal, AuditMaterializer materializer, IOptions<AuditOptions> options, ILogger<AuditWriter> logger) : BackgroundService
{
    private sealed record Pending(AuditJournalRow Row, TaskCompletionSource Done);

    /// <summary>Most requests whose entries are stored in one commit.</summary>
    public const int MaxBatch = 512;

    private readonly Hosting.GroupCommitQueue<Pending> _queue = new(MaxBatch);

    /// <summary>Queues <paramref name="entry"/> and completes once it is committed (or faults if it could not be).</summary>
    public Task WriteAsync(AuditEntry entry)
    {
        // The JSON is written here, on the request's thread; the single writer loop only inserts and commits.
        var row = new AuditJournalRow { RecordedAt = Instants.ToStored(entry.Recorded), Entry = entry.ToJson() };
        var pending = new Pending(row, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.TryAdd(pending))
            pending.Done.SetException(new InvalidOperationException("The audit writer has stopped; the request cannot be audited."));
        return pending.Done.Task;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _queue.RunAsync(CommitAsync, async () =>
        // Back-pressure: requests wait (their rows stay queued) while the materialiser catches up.
        await materializer.WaitForBacklogBelowAsync(options.Value.MaxBacklog, stoppingToken.IsCancellationRequested ? CancellationToken.None : stoppingToken)
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Drain: refuse new entries, let the loop commit what is queued, then stop.
        _queue.Close();
        await base.StopAsync(cancellationToken);
        if (ExecuteTask is { } loop) await loop.WaitAsync(cancellationToken);
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await journal.AppendAsync(batch.Select(p => p.Row).ToList(), CancellationToken.None);
            materializer.Appended(batch.Count);
            foreach (var p in batch) p.Done.TrySetResult();
            var elapsed = Stopwatch.GetElapsedTime(started);
            Interop.Core.Telemetry.InteropMetrics.RecordAuditCommit(batch.Count, elapsed);
            logger.LogDebug("Audit commit: {Requests} request(s) in {Milliseconds:F1} ms", batch.Count, elapsed.TotalMilliseconds);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Audit commit of {Count} request(s) failed; their requests fail without releasing data", batch.Count);
            foreach (var p in batch) p.Done.TrySetException(ex);
        }
    }
}
