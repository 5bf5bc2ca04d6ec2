namespace Interop.Core.Search;

/// <summary><c>_total</c> (R4 search 3.1.1.6.4).</summary>
public enum TotalMode
{
    None,
    Estimate,
    Accurate,
}

/// <summary><c>_summary</c> (R4 search 3.1.1.5.8).</summary>
public enum SummaryMode
{
    False,
    True,
    Text,
    Data,
    Count,
}

/// <summary><c>_contained</c> (R4 search 3.1.1.5.9).</summary>
public enum ContainedMode
{
    False,
    True,
    Both,
}

/// <summary><c>_containedType</c>.</summary>
public enum ContainedTypeMode
{
    Container,
    Contained,
}
