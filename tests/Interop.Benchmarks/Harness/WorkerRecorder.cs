using System.Diagnostics;
using HdrHistogram;

namespace Interop.Benchmarks.Harness;

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
