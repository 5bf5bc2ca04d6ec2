using System.Threading.Channels;

namespace Interop.Api.Hosting;

/// <summary>
/// The queue and the loop of a group commit (architecture decision 6), shared by the audit writer and
/// the write committer: requests add entries and wait; one loop takes everything queued, up to
/// <paramref name="maxBatch"/> at a time, and hands it to the commit. The loop is not stopped by a
/// token: <see cref="Close"/> refuses new entries, and the loop ends once it has committed every entry
/// added before that, so a stopping gateway answers every request it accepted.
/// </summary>
internal sealed class GroupCommitQueue<T>(int maxBatch)
{
    private readonly Channel<T> _queue = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues <paramref name="entry"/>; false once the queue is closed.</summary>
    public bool TryAdd(T entry) => _queue.Writer.TryWrite(entry);

    /// <summary>Refuses new entries; the loop drains what is queued and ends.</summary>
    public void Close() => _queue.Writer.TryComplete();

    /// <summary>
    /// The loop: waits for entries, runs <paramref name="beforeBatch"/> (the audit writer's back-pressure),
    /// takes up to the batch size and awaits <paramref name="commit"/>, until the queue is closed and empty.
    /// </summary>
    public async Task RunAsync(Func<List<T>, Task> commit, Func<Task>? beforeBatch = null)
    {
        var reader = _queue.Reader;
        var batch = new List<T>(maxBatch);
        try
        {
            while (await reader.WaitToReadAsync(CancellationToken.None))
            {
                if (beforeBatch is not null) await beforeBatch();
                while (batch.Count < maxBatch && reader.TryRead(out var next)) batch.Add(next);
                await commit(batch);
                batch.Clear();
            }
        }
        catch (ChannelClosedException)
        {
            // Closed: everything queued before the close was committed above.
        }
    }
}
