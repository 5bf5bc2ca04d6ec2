using System.Text.RegularExpressions;
using Hl7.Fhir.ElementModel;
using Hl7.Fhir.Model;
using Hl7.FhirPath.Functions;

namespace Interop.Core.Search;

/// <summary>
/// A search parameter expression that is plain navigation (<c>Observation.subject</c>,
/// <c>(Observation.value as Quantity)</c>, <c>Observation.subject.where(resolve() is Patient)</c>,
/// <c>value.as(Quantity)</c>, <c>Patient.telecom.where(system='email')</c>, unions of these),
/// evaluated by walking the POCOs directly instead of through the FHIRPath engine, which costs most
/// of a write's index extraction. A union returning more than one item is de-duplicated with the
/// SDK's own FHIRPath equality (the comparer its <c>|</c> operator uses), so an AuditEvent naming
/// the same patient twice gives the engine's single entry. Where the outcome could depend on
/// FHIRPath details this walker does not model (a value whose type derives from the one asked for;
/// a <c>where</c> comparison on anything but a single string-valued primitive)
/// <see cref="TryEvaluate"/> declines and the caller evaluates the compiled FHIRPath expression
/// instead, so the results are always the engine's (checked over generated, Synthea, edge-case and
/// audit records by the tests).
/// </summary>
public sealed partial class SimplePathExpression
{
    private abstract record Step;

    private sealed record Member(string Name) : Step;

    /// <summary>
    /// <c>as Type</c>, <c>as(Type)</c> or <c>ofType(Type)</c>: the items of exactly that type. The
    /// FHIRPath specification makes <c>as</c> over several items an error; the SDK's engine filters
    /// them like <c>ofType</c> (Observation.component.value as Quantity gives every component's
    /// quantity), and the index follows the engine (a test pins this).
    /// </summary>
    private sealed record TypeFilter(string TypeName, Type ClrType) : Step;

    /// <summary><c>where(resolve() is Type)</c>: references whose target is of that type.</summary>
    private sealed record ResolvesTo(string TypeName) : Step;

    /// <summary>
    /// <c>where(name = 'literal')</c>: items whose single string-valued child <c>name</c> equals the
    /// literal (FHIRPath <c>=</c> on strings is exact, case-sensitive; an absent child gives empty, which
    /// <c>where</c> treats as false).
    /// </summary>
    private sealed record WhereEquals(string Name, string Literal) : Step;

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
        if (union.Count <= 1)
        {
            results.AddRange(union);
            return true;
        }
        // FHIRPath's union removes duplicates by value (FHIRPath N1, "Collections": "|"). The SDK's
        // `|` is Enumerable.Union with EqualityOperators.TypedElementEqualityComparer over the nodes
        // it navigated; the same comparer over nodes of the same POCOs keeps exactly the items it keeps,
        // in the same order (for a | b | c too: a union of unions keeps the first of every equal run).
        var seen = new HashSet<ITypedElement>(EqualityOperators.TypedElementEqualityComparer);
        foreach (var item in union)
            if (seen.Add(item.ToPocoNode())) results.Add(item);
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
                    foreach (var node in current)
                    {
                        var type = node.GetType();
                        if (type == filter.ClrType) next.Add(node);
                        else if (filter.ClrType.IsAssignableFrom(type)) return false;
                    }
                    break;
                case WhereEquals where:
                    foreach (var node in current)
                    {
                        if (!node.TryGetValue(where.Name, out var value) || value is null) continue;
                        if (value is not PrimitiveType primitive) return false;
                        if (primitive.JsonValue is null) continue;
                        if (!IsStringValued(primitive) || primitive.JsonValue is not string text) return false;
                        if (string.Equals(text, where.Literal, StringComparison.Ordinal)) next.Add(node);
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

    // FHIRPath sees these as System.String, so '=' against a string literal is an ordinal comparison;
    // dates, numbers and booleans convert first and are left to the engine.
    private static bool IsStringValued(PrimitiveType primitive) =>
        primitive is FhirString or Code or Id or Markdown or FhirUri or FhirUrl or Canonical or Oid or Uuid
        || (primitive.GetType().IsGenericType && primitive.GetType().GetGenericTypeDefinition() == typeof(Code<>));

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
            steps.Add(filter);
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
            else if ((m = WhereEqualsLiteral().Match(segment)).Success) steps.Add(new WhereEquals(m.Groups["name"].Value, m.Groups["literal"].Value));
            else if ((m = TypeFunction().Match(segment)).Success && TypeFor(m.Groups["type"].Value) is { } filter)
                steps.Add(filter);
            else return false;
        }
        return true;
    }

    private static TypeFilter? TypeFor(string typeName) =>
        ModelInfo.GetTypeForFhirType(typeName) is { } clr ? new TypeFilter(typeName, clr) : null;

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

    // A literal without escapes or quotes, so its text is its value.
    [GeneratedRegex(@"^where\((?<name>[a-z][A-Za-z0-9]*) ?= ?'(?<literal>[A-Za-z0-9:/.#_-]+)'\)$")]
    private static partial Regex WhereEqualsLiteral();

    [GeneratedRegex(@"^(?<fn>as|ofType)\((?<type>[A-Za-z]+)\)$")]
    private static partial Regex TypeFunction();

    [GeneratedRegex(@"^(?<path>[A-Za-z][A-Za-z0-9.]*) as (?<type>[A-Za-z]+)$")]
    private static partial Regex AsOperator();
}
