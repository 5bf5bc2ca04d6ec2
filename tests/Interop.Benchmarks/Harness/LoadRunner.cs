using System.Diagnostics;
using HdrHistogram;

namespace Interop.Benchmarks.Harness;

/// <summary>
/// Runs a workload with N concurrent workers: an unmeasured warm-up, then a measured period, after
/// which every worker finishes the request it is in and stops. Each worker keeps its own
/// histograms (HdrHistogram is not thread-safe); they are added together at the end.
/// </summary>
public static class LoadRunner
{
    /// <summary>
    /// Calls <paramref name="work"/> in a loop on each of <paramref name="workers"/> workers until the
    /// time is up. The work measures its requests through the <see cref="WorkerRecorder"/> it is given.
    /// </summary>
    public static async Task<Measurement> RunAsync(int workers, TimeSpan warmup, TimeSpan duration,
        Func<WorkerRecorder, CancellationToken, Task> work, CancellationToken ct)
    {
        var recorders = Enumerable.Range(0, workers).Select(i => new WorkerRecorder(i)).ToArray();
        var clock = Stopwatch.StartNew();
        var measureFrom = warmup;
        var stopAt = warmup + duration;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(stopAt + TimeSpan.FromSeconds(60)); // a hard bound if a request hangs

        var tasks = recorders.Select(recorder => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && clock.Elapsed < stopAt)
            {
                recorder.Measuring = clock.Elapsed >= measureFrom;
                try
                {
                    await work(recorder, stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested) { break; }
                catch (Exception e)
                {
                    recorder.Failure(e.GetType().Name);
                }
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(tasks);
        var elapsed = clock.Elapsed - measureFrom;
        return Measurement.Combine(recorders, elapsed > duration ? elapsed : duration);
    }

    /// <summary>A histogram for latencies in microseconds, 1 µs to 2 minutes, 3 significant digits.</summary>
    public static LongHistogram NewHistogram() => new(1, 120_000_000, 3);
}
