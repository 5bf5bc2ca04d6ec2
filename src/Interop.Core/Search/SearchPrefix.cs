namespace Interop.Core.Search;

/// <summary>Comparison prefixes for number, date and quantity values (R4 search 3.1.1.4.1).</summary>
public enum SearchPrefix
{
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    Sa,
    Eb,
    Ap,
}
