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

/// <summary>What the workers measured, added together.</summary>
public sealed class Measurement
{
    public required LongHistogram Latency { get; init; }
    public required IReadOnlyDictionary<string, LongHistogram> ByLabel { get; init; }
    public required long Errors { get; init; }
    public required IReadOnlyDictionary<string, long> ErrorKinds { get; init; }
    public required IReadOnlyDictionary<string, long> ErrorsByLabel { get; init; }
    public required long Units { get; init; }
    public required TimeSpan Elapsed { get; init; }

    public long Requests => Latency.TotalCount;

    public static Measurement Combine(IEnumerable<WorkerRecorder> recorders, TimeSpan elapsed)
    {
        var all = LoadRunner.NewHistogram();
        var byLabel = new SortedDictionary<string, LongHistogram>(StringComparer.Ordinal);
        var kinds = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var errorsByLabel = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long errors = 0, units = 0;
        foreach (var r in recorders)
        {
            all.Add(r.Latency);
            foreach (var (label, h) in r.ByLabel)
            {
                if (!byLabel.TryGetValue(label, out var sum)) byLabel[label] = sum = LoadRunner.NewHistogram();
                sum.Add(h);
            }
            foreach (var (kind, n) in r.ErrorKinds) kinds[kind] = kinds.GetValueOrDefault(kind) + n;
            foreach (var (label, n) in r.ErrorsByLabel) errorsByLabel[label] = errorsByLabel.GetValueOrDefault(label) + n;
            errors += r.Errors;
            units += r.Units;
        }
        return new Measurement
        {
            Latency = all, ByLabel = byLabel, Errors = errors, ErrorKinds = kinds, ErrorsByLabel = errorsByLabel,
            Units = units, Elapsed = elapsed,
        };
    }
}

/// <summary>One worker's measurements. Only requests that start after the warm-up are recorded.</summary>
public sealed class WorkerRecorder(int index)
{
    public int Index { get; } = index;

    /// <summary>A per-worker random stream (seeded by the worker index, so runs pick the same items).</summary>
    public Random Random { get; } = new(index * 7919 + 1);

    public bool Measuring { get; set; }
    public LongHistogram Latency { get; } = LoadRunner.NewHistogram();
    public Dictionary<string, LongHistogram> ByLabel { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> ErrorKinds { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> ErrorsByLabel { get; } = new(StringComparer.Ordinal);
    public long Errors { get; private set; }

    /// <summary>Work items (resources imported, ...) counted by the scenario.</summary>
    public long Units { get; private set; }

    /// <summary>Times one request; a status outside 2xx counts as an error with its status as the kind.</summary>
    public async Task<HttpResponseMessage?> SendAsync(HttpClient client, HttpRequestMessage request, string? label, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        }
        catch (HttpRequestException e)
        {
            Record(started, label, e.HttpRequestError.ToString());
            return null;
        }
        Record(started, label, response.IsSuccessStatusCode ? null : ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return response;
    }

    /// <summary>Records a request timed by the caller (for non-HTTP work such as MLLP).</summary>
    public void Record(long startedTimestamp, string? label, string? errorKind)
    {
        if (!Measuring) return;
        var micros = Math.Max(1, (long)Stopwatch.GetElapsedTime(startedTimestamp).TotalMicroseconds);
        Latency.RecordValue(Math.Min(micros, Latency.HighestTrackableValue));
        if (label is not null)
        {
            if (!ByLabel.TryGetValue(label, out var h)) ByLabel[label] = h = LoadRunner.NewHistogram();
            h.RecordValue(Math.Min(micros, h.HighestTrackableValue));
        }
        if (errorKind is not null)
        {
            Errors++;
            ErrorKinds[errorKind] = ErrorKinds.GetValueOrDefault(errorKind) + 1;
            if (label is not null) ErrorsByLabel[label] = ErrorsByLabel.GetValueOrDefault(label) + 1;
        }
    }

    public void Failure(string kind)
    {
        if (!Measuring) return;
        Errors++;
        ErrorKinds[kind] = ErrorKinds.GetValueOrDefault(kind) + 1;
    }

    public void AddUnits(long n)
    {
        if (Measuring) Units += n;
    }
}
