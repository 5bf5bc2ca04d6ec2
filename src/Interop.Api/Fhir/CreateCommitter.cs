using System.Threading.Channels;
using Hl7.Fhir.Model;
using Interop.Storage;
using Task = System.Threading.Tasks.Task;

namespace Interop.Api.Fhir;

/// <summary>
/// Group commit for plain creates (<c>POST /fhir/{type}</c> without <c>If-None-Exist</c>), as the
/// audit journal has it (architecture decision 6): requests hand their parsed and validated resource
/// to a queue and wait; one loop takes everything queued and creates it in one transaction under the
/// write lock, then answers every waiting request together. Each request is answered only after its
/// version is committed, as before, and many share one commit: on SQLite a commit of one create wrote
/// some twenty-five pages to the write-ahead log, which the checkpointer then copied back holding the
/// write lock, so that per-create commits made the log, and the pauses, grow with every request
/// (docs/decisions/0013-create-group-commit.md). On shutdown the queue is drained.
/// </summary>
/// <remarks>
/// A batch that fails is tried again one create per transaction, so one bad entry fails only its own
/// request. Consents and SearchParameters are not queued: the ledger and the parameter registry check
/// each against the database inside its own transaction (<see cref="ResourceStore.IsPreparable"/>).
/// </remarks>
public sealed class CreateCommitter(IServiceScopeFactory scopes, ILogger<CreateCommitter> logger) : BackgroundService
{
    internal sealed record Pending(Resource Resource, WriteContext Context, TaskCompletionSource<StoredResource> Done);

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private long _batches;

    /// <summary>Most creates stored in one transaction.</summary>
    public const int MaxBatch = 128;

    /// <summary>Transactions this process has committed for queued creates (single creates included).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Creates handed in and not yet answered (queued, or in the transaction under way).</summary>
    public long Waiting => Interlocked.Read(ref _waiting);

    private long _waiting;

    /// <summary>
    /// Queues the create of <paramref name="resource"/> (which <see cref="ResourceStore.IsPreparable"/>
    /// must accept) and completes with the stored version once it is committed.
    /// </summary>
    public Task<StoredResource> CreateAsync(Resource resource, WriteContext context)
    {
        if (!ResourceStore.IsPreparable(resource))
            throw new ArgumentException($"A {resource.TypeName} is created through the store, not queued.", nameof(resource));
        var pending = new Pending(resource, context, new TaskCompletionSource<StoredResource>(TaskCreationOptions.RunContinuationsAsynchronously));
        Interlocked.Increment(ref _waiting);
        if (!_queue.Writer.TryWrite(pending))
            pending.Done.SetException(new InvalidOperationException("The gateway is stopping; the resource was not created."));
        return Answered(pending.Done.Task);
    }

    private async Task<StoredResource> Answered(Task<StoredResource> done)
    {
        try
        {
            return await done;
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        var batch = new List<Pending>(MaxBatch);
        try
        {
            // Not stopped by the token: StopAsync closes the queue, and what was queued is still created.
            while (await reader.WaitToReadAsync(CancellationToken.None))
            {
                while (batch.Count < MaxBatch && reader.TryRead(out var next)) batch.Add(next);
                await CommitAsync(batch);
                batch.Clear();
            }
        }
        catch (ChannelClosedException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        if (ExecuteTask is { } loop) await loop.WaitAsync(cancellationToken);
    }

    /// <summary>Creates <paramref name="batch"/> in one transaction, or each in its own when that fails, and answers every entry.</summary>
    internal async Task CommitAsync(IReadOnlyList<Pending> batch)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<ResourceStore>();
            var stored = await store.InTransactionAsync(
                () => store.StageCreatesAsync(batch.Select(p => (p.Resource, p.Context)).ToList(), CancellationToken.None), CancellationToken.None);
            Interlocked.Increment(ref _batches);
            for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(stored[i]);
            logger.LogDebug("Create commit: {Count} resource(s)", batch.Count);
            return;
        }
        catch (Exception ex) when (batch.Count > 1)
        {
            logger.LogWarning(ex, "A commit of {Count} creates failed; each is tried again on its own", batch.Count);
        }
        catch (Exception ex)
        {
            batch[0].Done.TrySetException(ex);
            return;
        }
        foreach (var pending in batch)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var store = scope.ServiceProvider.GetRequiredService<ResourceStore>();
                var stored = await store.InTransactionAsync(
                    () => store.StageCreatesAsync([(pending.Resource, pending.Context)], CancellationToken.None), CancellationToken.None);
                Interlocked.Increment(ref _batches);
                pending.Done.TrySetResult(stored[0]);
            }
            catch (Exception ex)
            {
                pending.Done.TrySetException(ex);
            }
        }
    }
}
