using System.Diagnostics;
using System.Threading.Channels;
using Hl7.Fhir.Model;
using Interop.Storage;
using Task = System.Threading.Tasks.Task;

namespace Interop.Api.Audit;

/// <summary>
/// Writes AuditEvents with group commit (architecture decision 6): requests hand their event to a
/// queue and wait; one loop takes everything queued, stores it in one database transaction, and
/// then releases every waiting request together. A request's data is sent only after its audit
/// row is durable, and many requests share the cost of one commit. On shutdown the queue is drained.
/// </summary>
public sealed class AuditWriter(IServiceScopeFactory scopes, ResourceIndexer indexer, TimeProvider time, ILogger<AuditWriter> logger) : BackgroundService
{
    private sealed record Pending(IReadOnlyList<Interop.Storage.Entities.ResourceVersionRow> Rows, TaskCompletionSource Done);

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Most requests whose events are stored in one commit.</summary>
    public const int MaxBatch = 512;

    /// <summary>Queues <paramref name="auditEvent"/> and completes once it is committed (or faults if it could not be).</summary>
    public Task WriteAsync(AuditEvent auditEvent) => WriteAsync([auditEvent]);

    /// <summary>
    /// Queues the events of one request (the full event and each patient's view) and completes once
    /// all of them are committed, in the same transaction as each other (or faults if they could not be).
    /// </summary>
    public Task WriteAsync(IReadOnlyList<AuditEvent> auditEvents)
    {
        // The costly part (JSON and search index extraction) runs here, on the request's thread and
        // in parallel with other requests; the single writer loop only inserts and commits.
        var rows = auditEvents.Select(e => ResourceStore.PrepareCreate(e, WriteContext.System, indexer, time)).ToList();
        var pending = new Pending(rows, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
            pending.Done.SetException(new InvalidOperationException("The audit writer has stopped; the request cannot be audited."));
        return pending.Done.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await reader.WaitToReadAsync(CancellationToken.None))
            {
                while (batch.Count < MaxBatch && reader.TryRead(out var next)) batch.Add(next);
                await CommitAsync(batch);
                batch.Clear();
            }
        }
        catch (ChannelClosedException)
        {
            // Stopped: everything queued before the close was committed above.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Drain: refuse new events, let the loop commit what is queued, then stop.
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        if (ExecuteTask is { } loop) await loop.WaitAsync(cancellationToken);
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<ResourceStore>();
            var rows = batch.SelectMany(p => p.Rows).ToList();
            // Fresh ids only: no conditional logic to serialise, so other instances' writes need not wait.
            await store.InTransactionAsync(async () =>
            {
                await store.StagePreparedAsync(rows, CancellationToken.None);
                return 0;
            }, CancellationToken.None, exclusive: false);
            foreach (var p in batch) p.Done.TrySetResult();
            var elapsed = Stopwatch.GetElapsedTime(started);
            Interop.Core.Telemetry.InteropMetrics.RecordAuditCommit(rows.Count, elapsed);
            logger.LogDebug("Audit commit: {Requests} request(s), {Events} event(s) in {Milliseconds:F1} ms", batch.Count, rows.Count, elapsed.TotalMilliseconds);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Audit commit of {Count} event(s) failed; their requests fail without releasing data", batch.Count);
            foreach (var p in batch) p.Done.TrySetException(ex);
        }
    }
}
