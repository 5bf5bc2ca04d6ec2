using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace Interop.Core.Search;

/// <summary>
/// A search parameter expression that is plain navigation (<c>Observation.subject</c>,
/// <c>(Observation.value as Quantity)</c>, <c>Observation.subject.where(resolve() is Patient)</c>,
/// <c>value.as(Quantity)</c>, unions of these), evaluated by walking the POCOs directly instead of
/// through the FHIRPath engine, which costs most of a write's index extraction. Where the outcome
/// could depend on FHIRPath details this walker does not model (a union returning more than one
/// item, which FHIRPath de-duplicates by value; <c>as</c> over several items, which FHIRPath treats
/// as an error; a value whose type derives from the one asked for) <see cref="TryEvaluate"/> declines
/// and the caller evaluates the compiled FHIRPath expression instead, so the results are always the
/// engine's (checked over generated records by the tests).
/// </summary>
public sealed partial class SimplePathExpression
{
    private abstract record Step;

    private sealed record Member(string Name) : Step;

    /// <summary><c>as Type</c> / <c>as(Type)</c> (single input) or <c>ofType(Type)</c> (any input).</summary>
    private sealed record TypeFilter(string TypeName, Type ClrType, bool SingleInput) : Step;

    /// <summary><c>where(resolve() is Type)</c>: references whose target is of that type.</summary>
    private sealed record ResolvesTo(string TypeName) : Step;

    private readonly IReadOnlyList<IReadOnlyList<Step>> _branches;
    private readonly Func<string, bool> _isResourceType;

    private SimplePathExpression(IReadOnlyList<IReadOnlyList<Step>> branches, Func<string, bool> isResourceType)
    {
        _branches = branches;
        _isResourceType = isResourceType;
    }

    /// <summary>
    /// The expression as plain navigation, or null when it uses anything else. With
    /// <paramref name="resourceType"/> each branch starts at that type (<c>Observation.code</c>);
    /// without it the branches are relative to the node they are evaluated on (composite components).
    /// </summary>
    public static SimplePathExpression? TryParse(string expression, string? resourceType, Func<string, bool> isResourceType)
    {
        var branches = new List<IReadOnlyList<Step>>();
        foreach (var raw in FhirPathUnionSplitter.SplitTopLevel(expression))
        {
            var steps = ParseBranch(raw.Trim(), resourceType);
            if (steps is null) return null;
            branches.Add(steps);
        }
        return branches.Count == 0 ? null : new SimplePathExpression(branches, isResourceType);
    }

    /// <summary>
    /// Adds the nodes the expression selects from <paramref name="root"/> (inside
    /// <paramref name="resource"/>, for contained references) to <paramref name="results"/>, in
    /// FHIRPath order. False, with <paramref name="results"/> unchanged, when the FHIRPath engine must decide.
    /// </summary>
    public bool TryEvaluate(Base root, Resource resource, List<Base> results)
    {
        if (_branches.Count == 1) return TryEvaluateBranch(_branches[0], root, resource, results);
        var union = new List<Base>();
        foreach (var branch in _branches)
            if (!TryEvaluateBranch(branch, root, resource, union)) return false;
        // FHIRPath's union removes duplicates by value; with one item there is nothing to remove.
        if (union.Count > 1) return false;
        results.AddRange(union);
        return true;
    }

    private bool TryEvaluateBranch(IReadOnlyList<Step> steps, Base root, Resource resource, List<Base> results)
    {
        List<Base> current = [root];
        foreach (var step in steps)
        {
            var next = new List<Base>();
            switch (step)
            {
                case Member member:
                    foreach (var node in current)
                    {
                        if (!node.TryGetValue(member.Name, out var value) || value is null) continue;
                        if (value is Base single) next.Add(single);
                        else if (value is IEnumerable<Base> list) next.AddRange(list.Where(b => b is not null));
                        else return false;
                    }
                    break;
                case TypeFilter filter:
                    if (filter.SingleInput && current.Count > 1) return false;
                    foreach (var node in current)
                    {
                        var type = node.GetType();
                        if (type == filter.ClrType) next.Add(node);
                        else if (filter.ClrType.IsAssignableFrom(type)) return false;
                    }
                    break;
                case ResolvesTo resolves:
                    foreach (var node in current)
                    {
                        if (node is not ResourceReference reference) return false;
                        if (TargetType(reference.Reference, resource) == resolves.TypeName) next.Add(node);
                    }
                    break;
            }
            current = next;
            if (current.Count == 0) break;
        }
        results.AddRange(current);
        return true;
    }

    // The type resolve() gives in SearchIndexer: the contained resource's for '#id', otherwise the
    // type the literal reference names (relative or absolute).
    private string? TargetType(string? reference, Resource resource)
    {
        if (string.IsNullOrEmpty(reference)) return null;
        if (reference.StartsWith('#'))
            return (resource as DomainResource)?.Contained.FirstOrDefault(c => "#" + c.Id == reference)?.TypeName;
        return ReferenceParser.Parse(reference).TargetType ?? ReferenceParser.TypeFromAbsoluteUrl(reference, _isResourceType);
    }

    private static List<Step>? ParseBranch(string branch, string? resourceType)
    {
        var steps = new List<Step>();
        var rest = branch;
        if (branch.StartsWith('('))
        {
            var close = MatchingParenthesis(branch);
            if (close < 0) return null;
            var inner = ParseInner(branch[1..close].Trim(), resourceType, steps);
            if (!inner) return null;
            rest = branch[(close + 1)..].Trim();
            if (rest.Length == 0) return steps;
            if (!rest.StartsWith('.')) return null;
            return ParseSegments(rest[1..], steps) ? steps : null;
        }
        return ParseInner(rest, resourceType, steps) ? steps : null;
    }

    // path [as Type]
    private static bool ParseInner(string inner, string? resourceType, List<Step> steps)
    {
        var match = AsOperator().Match(inner);
        var path = match.Success ? match.Groups["path"].Value : inner;
        var segments = path;
        if (resourceType is not null)
        {
            if (segments == resourceType) segments = "";
            else if (segments.StartsWith(resourceType + ".", StringComparison.Ordinal)) segments = segments[(resourceType.Length + 1)..];
            else return false;
        }
        if (segments.Length > 0 && !ParseSegments(segments, steps)) return false;
        if (match.Success)
        {
            if (TypeFor(match.Groups["type"].Value) is not { } filter) return false;
            steps.Add(filter with { SingleInput = true });
        }
        return true;
    }

    private static bool ParseSegments(string path, List<Step> steps)
    {
        foreach (var segment in SplitSegments(path))
        {
            Match m;
            if (Identifier().IsMatch(segment)) steps.Add(new Member(segment));
            else if ((m = WhereResolveIs().Match(segment)).Success) steps.Add(new ResolvesTo(m.Groups["type"].Value));
            else if ((m = TypeFunction().Match(segment)).Success && TypeFor(m.Groups["type"].Value) is { } filter)
                steps.Add(filter with { SingleInput = m.Groups["fn"].Value == "as" });
            else return false;
        }
        return true;
    }

    private static TypeFilter? TypeFor(string typeName) =>
        ModelInfo.GetTypeForFhirType(typeName) is { } clr ? new TypeFilter(typeName, clr, true) : null;

    private static IEnumerable<string> SplitSegments(string path)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '(') depth++;
            else if (path[i] == ')') depth--;
            else if (path[i] == '.' && depth == 0)
            {
                yield return path[start..i];
                start = i + 1;
            }
        }
        yield return path[start..];
    }

    private static int MatchingParenthesis(string text)
    {
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')' && --depth == 0) return i;
        }
        return -1;
    }

    [GeneratedRegex(@"^[a-z][A-Za-z0-9]*$")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^where\(resolve\(\) is (?<type>[A-Z][A-Za-z]*)\)$")]
    private static partial Regex WhereResolveIs();

    [GeneratedRegex(@"^(?<fn>as|ofType)\((?<type>[A-Za-z]+)\)$")]
    private static partial Regex TypeFunction();

    [GeneratedRegex(@"^(?<path>[A-Za-z][A-Za-z0-9.]*) as (?<type>[A-Za-z]+)$")]
    private static partial Regex AsOperator();
}
