namespace Interop.Core.Threading;

/// <summary>A slot of a <see cref="SemaphoreSlim"/>, held until disposed (released once, however often disposed).</summary>
public sealed class SemaphoreLease : IDisposable, IAsyncDisposable
{
    private SemaphoreSlim? _semaphore;

    private SemaphoreLease(SemaphoreSlim semaphore) => _semaphore = semaphore;

    /// <summary>Waits for a slot of <paramref name="semaphore"/>.</summary>
    public static async Task<SemaphoreLease> EnterAsync(SemaphoreSlim semaphore, CancellationToken ct)
    {
        await semaphore.WaitAsync(ct);
        return new SemaphoreLease(semaphore);
    }

    public void Dispose() => Interlocked.Exchange(ref _semaphore, null)?.Release();

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
