using System.Collections.Concurrent;
using Interop.Core.Search;

namespace Interop.Storage.Search;

/// <summary>
/// The sole search criteria recently found broad (<see cref="SearchEngine"/>, docs/search.md "Broad
/// criteria"), so that the same criterion searched again within <see cref="KeptFor"/> skips counting
/// its index rows (up to a thirtieth of all rows, a tenth of a millisecond to a millisecond on every
/// search). Only the choice of plan depends on it: both plans give the same page, so a criterion that
/// has since become narrow is still answered exactly, by the window and then the usual plan after it.
/// </summary>
public sealed class BroadCriterionMemory(TimeProvider time)
{
    /// <summary>How long a count is trusted.</summary>
    public static readonly TimeSpan KeptFor = TimeSpan.FromSeconds(30);

    /// <summary>Counts go this far past the threshold, so that a remembered one outlasts the rows added meanwhile (the threshold grows with them).</summary>
    public const double Headroom = 1.25;

    private const int MaxKept = 10_000;

    private readonly ConcurrentDictionary<string, (long Counted, long At)> _broad = new(StringComparer.Ordinal);
    private int _added; // since the last clear (ConcurrentDictionary.Count takes every lock)

    /// <summary>The key of a sole criterion of <paramref name="type"/>, or null when it can't be told apart by its text (chains, composites).</summary>
    public static string? KeyOf(string type, SearchCriterion criterion) =>
        criterion.Path.Count > 0 || criterion.Values.Any(v => v is CompositeSearchValue)
            ? null
            : $"{type}|{criterion.Name}|{criterion.Modifier}|{criterion.ModifierType}|{string.Join('\u001f', criterion.Values)}";

    /// <summary>True when <paramref name="key"/> was counted to at least <paramref name="broad"/> index rows within <see cref="KeptFor"/>.</summary>
    public bool WasBroad(string key, long broad) =>
        _broad.TryGetValue(key, out var seen) && seen.Counted >= broad && time.GetElapsedTime(seen.At) < KeptFor;

    /// <summary>Remembers a criterion counted broad (<paramref name="counted"/> index rows or more).</summary>
    public void Broad(string key, long counted)
    {
        if (Interlocked.Increment(ref _added) > MaxKept)
        {
            _broad.Clear();
            Interlocked.Exchange(ref _added, 0);
        }
        _broad[key] = (counted, time.GetTimestamp());
    }

    /// <summary>Forgets a criterion found narrow.</summary>
    public void Narrow(string key) => _broad.TryRemove(key, out _);
}
