using System.Text;

namespace Interop.Core.Search;

/// <summary>
/// Narrows a published search parameter expression to one resource type. Many R4 expressions
/// are unions over several types (<c>AllergyIntolerance.code | Condition.code | ...</c>); keeping
/// only the branches for the type being indexed makes each compiled expression small and fast.
/// </summary>
internal static class FhirPathUnionSplitter
{
    /// <summary>
    /// Returns the expression restricted to <paramref name="resourceType"/>: top-level <c>|</c>
    /// branches that start with another resource type are dropped; <c>Resource.</c> and
    /// <c>DomainResource.</c> prefixes are rewritten to the concrete type. Returns null when no
    /// branch applies.
    /// </summary>
    public static string? ForResourceType(string expression, string resourceType, Func<string, bool> isResourceType)
    {
        var kept = new List<string>();
        foreach (var branch in SplitTopLevel(expression))
        {
            var trimmed = branch.Trim();
            var head = LeadingIdentifier(trimmed);
            if (head is "Resource" or "DomainResource")
            {
                kept.Add(ReplaceFirst(trimmed, head, resourceType));
            }
            else if (head is null || head == resourceType || !isResourceType(head))
            {
                kept.Add(trimmed);
            }
        }

        return kept.Count == 0 ? null : string.Join(" | ", kept);
    }

    /// <summary>Splits on <c>|</c> outside parentheses, brackets and string literals.</summary>
    public static IEnumerable<string> SplitTopLevel(string expression)
    {
        var depth = 0;
        var inString = false;
        var current = new StringBuilder();
        for (var i = 0; i < expression.Length; i++)
        {
            var c = expression[i];
            if (inString)
            {
                current.Append(c);
                if (c == '\\' && i + 1 < expression.Length) current.Append(expression[++i]);
                else if (c == '\'') inString = false;
                continue;
            }

            switch (c)
            {
                case '\'':
                    inString = true;
                    break;
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']' or '}':
                    depth--;
                    break;
                case '|' when depth == 0:
                    yield return current.ToString();
                    current.Clear();
                    continue;
            }

            current.Append(c);
        }

        if (current.Length > 0) yield return current.ToString();
    }

    private static string? LeadingIdentifier(string branch)
    {
        var start = 0;
        while (start < branch.Length && (branch[start] == '(' || char.IsWhiteSpace(branch[start]))) start++;
        var end = start;
        while (end < branch.Length && (char.IsLetterOrDigit(branch[end]) || branch[end] == '_')) end++;
        if (end == start || end >= branch.Length || branch[end] != '.') return null;
        return branch[start..end];
    }

    private static string ReplaceFirst(string text, string search, string replacement)
    {
        var index = text.IndexOf(search, StringComparison.Ordinal);
        return text[..index] + replacement + text[(index + search.Length)..];
    }
}
