namespace Interop.Tests.ConsentLedger;

/// <summary>
/// One seeded resource of the leak suite: its id, the distinctive strings only it carries, and the
/// callers consent lets see it. Every other caller must never learn the id or any of the strings.
/// </summary>
public sealed record LeakSeedItem(string Key, string Type, string Id, IReadOnlyList<string> DistinctiveValues, IReadOnlySet<LeakCaller> VisibleTo)
{
    public bool IsVisibleTo(LeakCaller caller) => VisibleTo.Contains(caller);
}
