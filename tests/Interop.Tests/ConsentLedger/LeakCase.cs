namespace Interop.Tests.ConsentLedger;

/// <summary>
/// One path of the leak suite: the request a caller sends, and what the honest answer looks like:
/// the status (when it depends on what the caller may see), the seeded items the request would
/// match if nothing were withheld (<see cref="Matches"/>; <c>Bundle.total</c> must then count only
/// the visible ones), and whether every <c>next</c> page is followed and checked too.
/// </summary>
public sealed record LeakCase(string Name, Func<LeakSeed, LeakCaller, LeakRequest> Request)
{
    /// <summary>The expected status code; null when any status is acceptable as long as nothing leaks.</summary>
    public Func<LeakSeed, LeakCaller, int>? Status { get; init; }

    /// <summary>The keys of the seeded items matching the request with consent ignored.</summary>
    public Func<LeakCaller, IReadOnlyList<string>>? Matches { get; init; }

    /// <summary>When true, <c>Bundle.total</c> must equal how many of <see cref="Matches"/> the caller may see.</summary>
    public bool CountsMatches { get; init; }

    /// <summary>An explicit expected <c>Bundle.total</c> (for <c>_has</c>, where visibility of two items decides).</summary>
    public Func<LeakSeed, LeakCaller, int>? Total { get; init; }

    /// <summary>When true, every <c>next</c> link is followed (and checked), and the visible matches must all turn up.</summary>
    public bool FollowsPages { get; init; }

    /// <summary>
    /// A leak found and not fixed yet, for the callers it names: the case is reported as ignored
    /// with the reason while it still leaks, and passes (so the marker can go) once it does not.
    /// </summary>
    public Func<LeakCaller, string?>? KnownLeak { get; init; }

    public override string ToString() => Name;
}
