namespace Interop.Storage;

/// <summary>How index rows name what they index.</summary>
public static class SearchIndexNames
{
    /// <summary>The ParamName of composite <paramref name="code"/>'s component <paramref name="index"/> rows (<c>code-value-quantity$1</c>).</summary>
    public static string Component(string code, int index) => $"{code}${index}";
}
