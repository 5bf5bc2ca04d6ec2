namespace Interop.Tests.ConsentLedger;

/// <summary>
/// What <see cref="ConsentLeakSuiteTests"/> seeded once per fixture: the items with their
/// visibility, and the handles the request table needs (identifiers, NHS number, a page link
/// issued to the custodian).
/// </summary>
public sealed class LeakSeed
{
    /// <summary>The identifier system of every seeded clinical item (values are <c>{key}-{run}</c>).</summary>
    public const string IdentifierSystem = "urn:test:leak-suite";

    /// <summary>The SNOMED code every seeded Observation shares, so one search matches them all.</summary>
    public const string SharedCode = "997681000000108";

    /// <summary>The code of resources the suite's write cases create, so they never match the shared searches.</summary>
    public const string WriteCode = "271649006";

    public required string Run { get; init; }

    public required string NhsNumber { get; init; }

    public required IReadOnlyDictionary<string, LeakSeedItem> Items { get; init; }

    /// <summary>A next-page link of <c>Observation?code=...&amp;_count=1</c> issued to the custodian GP.</summary>
    public required string CustodianNextPage { get; init; }

    public LeakSeedItem this[string key] => Items[key];

    /// <summary>The protected patient (denied to the hospital by name).</summary>
    public string Patient => Items["P"].Id;

    /// <summary>The Observation this caller is specifically denied: the whole-record item, the sensitive one, or the NOPAT one.</summary>
    public LeakSeedItem TargetFor(LeakCaller caller) => caller switch
    {
        LeakCaller.DeniedHospital => Items["O_plain"],
        LeakCaller.CommunityClinician => Items["O_safe"],
        _ => Items["O_nopat"],
    };

    public string IdentifierOf(string key) => $"{key}-{Run}";

    /// <summary>Every id and distinctive value <paramref name="caller"/> must never receive.</summary>
    public IReadOnlyList<string> ForbiddenFor(LeakCaller caller) =>
        Items.Values.Where(i => !i.IsVisibleTo(caller)).SelectMany(i => i.DistinctiveValues.Prepend(i.Id)).ToList();

    /// <summary>How many of the items named by <paramref name="keys"/> <paramref name="caller"/> may see.</summary>
    public int VisibleCount(LeakCaller caller, IEnumerable<string> keys) => keys.Count(k => Items[k].IsVisibleTo(caller));
}
