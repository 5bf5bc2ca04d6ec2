using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace Interop.Core.Search;

/// <summary>
/// Parses a FHIR search query string (R4 search.html) into a <see cref="SearchQuery"/>, resolving
/// every parameter, modifier, chain and include against the <see cref="SearchParameterRegistry"/>
/// and collecting every problem. Strict handling (the default) reports unknown parameters,
/// modifiers, prefixes and bad values as errors; lenient handling reports them as warnings and
/// drops the parameter (R4 search 3.1.1.5, <c>Prefer: handling</c>).
/// </summary>
public sealed partial class SearchQueryParser
{
    private static readonly Dictionary<string, SearchPrefix> Prefixes = new(StringComparer.Ordinal)
    {
        ["eq"] = SearchPrefix.Eq, ["ne"] = SearchPrefix.Ne, ["gt"] = SearchPrefix.Gt, ["lt"] = SearchPrefix.Lt,
        ["ge"] = SearchPrefix.Ge, ["le"] = SearchPrefix.Le, ["sa"] = SearchPrefix.Sa, ["eb"] = SearchPrefix.Eb,
        ["ap"] = SearchPrefix.Ap,
    };

    private static readonly HashSet<string> IgnoredParameters = new(StringComparer.Ordinal) { "_format", "_pretty" };

    private readonly SearchParameterRegistry _registry;

    public SearchQueryParser(SearchParameterRegistry registry)
    {
        _registry = registry;
    }

    /// <summary>
    /// Parses the query for a type-level search of <paramref name="resourceType"/>, or a
    /// system-level search when it is null (types then come from <c>_type</c>; without it only the
    /// common parameters such as <c>_id</c> and <c>_lastUpdated</c> are allowed).
    /// </summary>
    public SearchQuery Parse(string? resourceType, IEnumerable<KeyValuePair<string, string>> query, SearchParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(options);
        var state = new ParseState(options);
        var pairs = query.ToList();

        IReadOnlyList<string> types;
        if (resourceType is not null)
        {
            if (!_registry.IsKnownResourceType(resourceType))
                state.Fail("resourceType", $"'{resourceType}' is not an R4 resource type.", alwaysError: true);
            types = [resourceType];
        }
        else
        {
            types = ParseTypes(pairs, state);
        }

        // Without _type a system-level search can only use the parameters every resource has.
        IReadOnlyList<string> parameterTypes = types.Count == 0 ? [SearchParameterRegistry.CommonResourceType] : types;

        var criteria = new List<SearchCriterion>();
        var includes = new List<IncludeDirective>();
        var revIncludes = new List<IncludeDirective>();
        var sort = new List<SortKey>();
        var elements = new List<string>();
        var count = options.DefaultCount;
        TotalMode? total = null;
        SummaryMode? summary = null;
        var contained = ContainedMode.False;
        var containedType = ContainedTypeMode.Container;
        string? pageToken = null;
        var seenResultParameters = new HashSet<string>(StringComparer.Ordinal);

        foreach (var (key, rawValue) in pairs)
        {
            if (string.IsNullOrEmpty(key)) continue;
            var value = rawValue ?? "";
            var baseName = key.Split(':')[0];

            if (IgnoredParameters.Contains(key)) continue;
            if (key == "_type")
            {
                if (resourceType is not null) state.Fail(key, "_type is only valid in a system-level search.");
                continue;
            }

            // R4 search 3.1.1.4: a parameter with an empty value is ignored.
            if (value.Length == 0) continue;

            if (baseName is "_count" or "_total" or "_summary" or "_elements" or "_contained" or "_containedType" or "_page" or "_sort"
                && !seenResultParameters.Add(baseName))
            {
                state.Fail(key, $"{baseName} may appear only once.");
                continue;
            }

            switch (baseName)
            {
                case "_count":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var requested))
                        state.Fail(key, $"_count '{value}' is not a non-negative integer.");
                    else if (requested > options.MaxCount)
                    {
                        state.Warn(key, $"_count {requested} is over the maximum; {options.MaxCount} is used.");
                        count = options.MaxCount;
                    }
                    else count = requested;
                    break;
                case "_total":
                    total = ParseEnum<TotalMode>(value, key, state, new() { ["none"] = TotalMode.None, ["estimate"] = TotalMode.Estimate, ["accurate"] = TotalMode.Accurate }) ?? total;
                    break;
                case "_summary":
                    summary = ParseEnum<SummaryMode>(value, key, state, new()
                    {
                        ["true"] = SummaryMode.True, ["text"] = SummaryMode.Text, ["data"] = SummaryMode.Data,
                        ["count"] = SummaryMode.Count, ["false"] = SummaryMode.False,
                    }) ?? summary;
                    break;
                case "_contained":
                    contained = ParseEnum<ContainedMode>(value, key, state, new() { ["false"] = ContainedMode.False, ["true"] = ContainedMode.True, ["both"] = ContainedMode.Both }) ?? contained;
                    break;
                case "_containedType":
                    containedType = ParseEnum<ContainedTypeMode>(value, key, state, new() { ["container"] = ContainedTypeMode.Container, ["contained"] = ContainedTypeMode.Contained }) ?? containedType;
                    break;
                case "_elements":
                    foreach (var element in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (ElementPattern().IsMatch(element)) elements.Add(element);
                        else state.Fail(key, $"_elements entry '{element}' is not an element name.");
                    }

                    break;
                case "_page":
                    pageToken = value;
                    break;
                case "_sort":
                    ParseSort(key, value, parameterTypes, state, sort);
                    break;
                case "_include" or "_revinclude":
                    if (ParseInclude(key, value, types, state) is { } directive)
                        (directive.Reverse ? revIncludes : includes).Add(directive);
                    break;
                default:
                    if (ParseCriterion(key, value, parameterTypes, state) is { } criterion) criteria.Add(criterion);
                    break;
            }
        }

        return new SearchQuery
        {
            ResourceTypes = types,
            IsSystemLevel = resourceType is null,
            Criteria = criteria,
            Includes = includes,
            RevIncludes = revIncludes,
            Sort = sort,
            Count = count,
            Total = total,
            Summary = summary,
            Elements = elements,
            Contained = contained,
            ContainedType = containedType,
            PageToken = pageToken,
            Issues = state.Issues,
        };
    }

    private List<string> ParseTypes(List<KeyValuePair<string, string>> pairs, ParseState state)
    {
        var types = new List<string>();
        foreach (var (_, value) in pairs.Where(p => p.Key == "_type"))
        {
            foreach (var type in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!_registry.IsKnownResourceType(type)) state.Fail("_type", $"'{type}' is not an R4 resource type.");
                else if (!types.Contains(type)) types.Add(type);
            }
        }

        return types;
    }

    private SearchCriterion? ParseCriterion(string key, string value, IReadOnlyList<string> types, ParseState state)
    {
        var problemsBefore = state.Count;
        var name = ResolveName(key, key, types, state);
        if (name is null || state.Count > problemsBefore && state.LastIsFailure) return null;

        var values = new List<SearchValue>();
        var valid = true;
        foreach (var part in SplitUnescaped(value, ','))
        {
            var parsed = ParseValue(key, part, name.Parameter, name.Modifier, name.ModifierType, state);
            if (parsed is null) valid = false;
            else values.Add(parsed);
        }

        return valid && values.Count > 0
            ? new SearchCriterion(key, name.Path, name.Parameter, name.LeafTypes, name.Modifier, name.ModifierType, values)
            : null;
    }

    private sealed record ResolvedName(
        IReadOnlyList<SearchPathLink> Path, SearchParameterDefinition Parameter, IReadOnlyList<string> LeafTypes,
        SearchModifier Modifier, string? ModifierType);

    private ResolvedName? ResolveName(string key, string name, IReadOnlyList<string> types, ParseState state)
    {
        // Reverse chaining, R4 search 3.1.1.4.12: _has:SourceType:referenceParam:rest
        if (name.StartsWith("_has:", StringComparison.Ordinal))
        {
            var parts = name.Split(':', 4);
            if (parts.Length < 4 || parts.Any(string.IsNullOrEmpty))
            {
                state.Fail(key, "_has needs the form _has:Type:reference:parameter.");
                return null;
            }

            var sourceType = parts[1];
            if (!_registry.IsKnownResourceType(sourceType))
            {
                state.Fail(key, $"'{sourceType}' in _has is not an R4 resource type.");
                return null;
            }

            var reference = _registry.Find(sourceType, parts[2]);
            if (reference is not { Type: SearchParamType.Reference, IsSupported: true })
            {
                state.Fail(key, $"'{parts[2]}' is not a reference parameter of {sourceType}.");
                return null;
            }

            if (reference.TargetTypes.Count > 0 && !types.Any(t => reference.TargetTypes.Contains(t)))
            {
                state.Fail(key, $"{sourceType}.{parts[2]} does not refer to {string.Join(" or ", types)}.");
                return null;
            }

            var inner = ResolveName(key, parts[3], [sourceType], state);
            return inner is null
                ? null
                : inner with { Path = [new ReverseChainLink(sourceType, reference), .. inner.Path] };
        }

        var dot = name.IndexOf('.');
        if (dot >= 0)
        {
            // Forward chaining, R4 search 3.1.1.4.11: reference[:Type].rest
            var head = name[..dot];
            var rest = name[(dot + 1)..];
            var headParts = head.Split(':', 2);
            var reference = FindCommon(key, headParts[0], types, state);
            if (reference is null) return null;
            if (reference.Type != SearchParamType.Reference)
            {
                state.Fail(key, $"'{headParts[0]}' is not a reference parameter, so it cannot be chained.");
                return null;
            }

            IReadOnlyList<string> candidates;
            if (headParts.Length == 2)
            {
                var type = headParts[1];
                if (!_registry.IsKnownResourceType(type) || reference.TargetTypes.Count > 0 && !reference.TargetTypes.Contains(type))
                {
                    state.Fail(key, $"'{type}' is not a target type of '{headParts[0]}'.");
                    return null;
                }

                candidates = [type];
            }
            else
            {
                var nextCode = NextCode(rest);
                var targets = reference.TargetTypes.Count > 0 ? reference.TargetTypes : _registry.ResourceTypes.ToList();
                candidates = nextCode.StartsWith("_has", StringComparison.Ordinal)
                    ? targets
                    : targets.Where(t => _registry.Find(t, nextCode) is not null).ToList();
                if (candidates.Count == 0)
                {
                    state.Fail(key, $"No target type of '{headParts[0]}' has a parameter '{nextCode}'.");
                    return null;
                }
            }

            var inner = ResolveName(key, rest, candidates, state);
            return inner is null
                ? null
                : inner with { Path = [new ForwardChainLink(reference, candidates), .. inner.Path] };
        }

        var colon = name.IndexOf(':');
        var code = colon >= 0 ? name[..colon] : name;
        var modifierText = colon >= 0 ? name[(colon + 1)..] : null;
        var definition = FindCommon(key, code, types, state);
        if (definition is null) return null;
        if (modifierText is null) return new ResolvedName([], definition, types, SearchModifier.None, null);

        var (modifier, modifierType) = ParseModifier(key, modifierText, definition, state);
        return modifier is null ? null : new ResolvedName([], definition, types, modifier.Value, modifierType);
    }

    private static string NextCode(string rest)
    {
        if (rest.StartsWith("_has:", StringComparison.Ordinal)) return "_has";
        var end = rest.IndexOfAny([':', '.']);
        return end < 0 ? rest : rest[..end];
    }

    // A parameter used across several types (chains without a type, system-level _type) must exist
    // on every one of them with the same type; the first definition stands for all.
    private SearchParameterDefinition? FindCommon(string key, string code, IReadOnlyList<string> types, ParseState state)
    {
        SearchParameterDefinition? first = null;
        foreach (var type in types)
        {
            var definition = _registry.Find(type, code);
            if (definition is null)
            {
                state.Fail(key, type == SearchParameterRegistry.CommonResourceType
                    ? $"Unknown search parameter '{code}' for a system-level search without _type."
                    : $"Unknown search parameter '{code}' for {type}.");
                return null;
            }

            if (!definition.IsSupported)
            {
                state.Fail(key, $"Search parameter '{code}' is not supported: {definition.UnsupportedReason}.");
                return null;
            }

            if (first is null) first = definition;
            else if (first.Type != definition.Type)
            {
                state.Fail(key, $"Search parameter '{code}' has different types on {string.Join(", ", types)}; name one type.");
                return null;
            }
        }

        return first;
    }

    private (SearchModifier? Modifier, string? Type) ParseModifier(
        string key, string text, SearchParameterDefinition definition, ParseState state)
    {
        SearchModifier? modifier = text switch
        {
            "missing" => SearchModifier.Missing,
            "exact" => SearchModifier.Exact,
            "contains" => SearchModifier.Contains,
            "text" => SearchModifier.Text,
            "not" => SearchModifier.Not,
            "above" => SearchModifier.Above,
            "below" => SearchModifier.Below,
            "in" => SearchModifier.In,
            "not-in" => SearchModifier.NotIn,
            "of-type" => SearchModifier.OfType,
            "identifier" => SearchModifier.Identifier,
            _ when _registry.IsKnownResourceType(text) => SearchModifier.Type,
            _ => null,
        };
        if (modifier is null)
        {
            state.Fail(key, $"Unknown modifier ':{text}'.");
            return (null, null);
        }

        var allowed = modifier == SearchModifier.Missing || definition.Type switch
        {
            SearchParamType.String => modifier is SearchModifier.Exact or SearchModifier.Contains,
            SearchParamType.Token => modifier is SearchModifier.Text or SearchModifier.Not or SearchModifier.Above
                or SearchModifier.Below or SearchModifier.In or SearchModifier.NotIn or SearchModifier.OfType,
            SearchParamType.Reference => modifier is SearchModifier.Type or SearchModifier.Identifier,
            SearchParamType.Uri => modifier is SearchModifier.Above or SearchModifier.Below,
            _ => false,
        };
        if (!allowed)
        {
            state.Fail(key, $"Modifier ':{text}' cannot be used with {definition.Type.ToString().ToLowerInvariant()} parameter '{definition.Code}'.");
            return (null, null);
        }

        if (definition.Type == SearchParamType.Token && modifier is SearchModifier.Above or SearchModifier.Below or SearchModifier.In or SearchModifier.NotIn)
        {
            state.Fail(key, $"Modifier ':{text}' needs terminology services, which this server does not have.");
            return (null, null);
        }

        if (modifier == SearchModifier.Type && definition.TargetTypes.Count > 0 && !definition.TargetTypes.Contains(text))
        {
            state.Fail(key, $"'{text}' is not a target type of '{definition.Code}'.");
            return (null, null);
        }

        return (modifier, modifier == SearchModifier.Type ? text : null);
    }

    private SearchValue? ParseValue(
        string key, string raw, SearchParameterDefinition definition, SearchModifier modifier, string? modifierType, ParseState state)
    {
        if (modifier == SearchModifier.Missing)
        {
            if (raw is "true" or "false") return new MissingSearchValue(raw == "true");
            state.Fail(key, $":missing takes true or false, not '{raw}'.");
            return null;
        }

        switch (definition.Type)
        {
            case SearchParamType.String:
            {
                var text = Unescape(raw);
                return new StringSearchValue(text, SearchStringNormalizer.Normalize(text));
            }
            case SearchParamType.Token:
                return ParseToken(key, raw, modifier, state);
            case SearchParamType.Date:
            {
                if (!SplitPrefix(key, raw, state, out var prefix, out var rest)) return null;
                if (FhirDateRange.TryParse(rest, out var range)) return new DateSearchValue(prefix, range.Start, range.End, rest);
                state.Fail(key, $"'{rest}' is not a FHIR date or dateTime.");
                return null;
            }
            case SearchParamType.Number:
            {
                if (!SplitPrefix(key, raw, state, out var prefix, out var rest)) return null;
                if (!TryDecimal(rest, out var number))
                {
                    state.Fail(key, $"'{rest}' is not a number.");
                    return null;
                }

                var (low, high) = DecimalPrecision.Range(number);
                return new NumberSearchValue(prefix, number, low, high);
            }
            case SearchParamType.Quantity:
                return ParseQuantity(key, raw, state);
            case SearchParamType.Reference:
                return ParseReference(key, raw, definition, modifier, modifierType, state);
            case SearchParamType.Uri:
                return new UriSearchValue(Unescape(raw));
            case SearchParamType.Composite:
                return ParseComposite(key, raw, definition, state);
            default:
                state.Fail(key, $"Parameter '{definition.Code}' of type {definition.Type} cannot be searched.");
                return null;
        }
    }

    private static SearchValue? ParseToken(string key, string raw, SearchModifier modifier, ParseState state)
    {
        if (modifier == SearchModifier.Text)
        {
            var text = Unescape(raw);
            return new StringSearchValue(text, SearchStringNormalizer.Normalize(text));
        }

        var parts = SplitUnescaped(raw, '|').Select(Unescape).ToList();
        if (modifier == SearchModifier.OfType)
        {
            if (parts.Count != 3 || parts[1].Length == 0 || parts[2].Length == 0)
            {
                state.Fail(key, ":of-type takes typeSystem|typeCode|value.");
                return null;
            }

            return new TokenSearchValue(TokenSystemMatch.Any, null, parts[2], Blank(parts[0]), parts[1]);
        }

        switch (parts.Count)
        {
            case 1:
                return new TokenSearchValue(TokenSystemMatch.Any, null, parts[0]);
            case 2 when parts[0].Length == 0 && parts[1].Length == 0:
                state.Fail(key, "A token value needs a system or a code.");
                return null;
            case 2 when parts[0].Length == 0:
                return new TokenSearchValue(TokenSystemMatch.None, null, parts[1]);
            case 2:
                return new TokenSearchValue(TokenSystemMatch.Exact, parts[0], Blank(parts[1]));
            default:
                state.Fail(key, $"'{raw}' has too many '|' for a token (escape a literal bar as \\|).");
                return null;
        }
    }

    private static SearchValue? ParseQuantity(string key, string raw, ParseState state)
    {
        if (!SplitPrefix(key, raw, state, out var prefix, out var rest)) return null;
        var parts = SplitUnescaped(rest, '|').Select(Unescape).ToList();
        if (parts.Count is not (1 or 3))
        {
            state.Fail(key, $"'{raw}' is not a quantity: use value, or value|system|code.");
            return null;
        }

        if (!TryDecimal(parts[0], out var number))
        {
            state.Fail(key, $"'{parts[0]}' is not a number.");
            return null;
        }

        var (low, high) = DecimalPrecision.Range(number);
        return parts.Count == 1
            ? new QuantitySearchValue(prefix, number, low, high, null, null)
            : new QuantitySearchValue(prefix, number, low, high, Blank(parts[1]), Blank(parts[2]));
    }

    private SearchValue? ParseReference(
        string key, string raw, SearchParameterDefinition definition, SearchModifier modifier, string? modifierType, ParseState state)
    {
        var value = Unescape(raw);
        if (modifier == SearchModifier.Identifier)
        {
            var parts = SplitUnescaped(raw, '|').Select(Unescape).ToList();
            return parts.Count switch
            {
                1 => new ReferenceSearchValue(null, null, null, IdentifierValue: parts[0]),
                2 => new ReferenceSearchValue(null, null, null, IdentifierSystem: Blank(parts[0]), IdentifierValue: Blank(parts[1])),
                _ => FailNull(key, ":identifier takes system|value.", state),
            };
        }

        var parsed = ReferenceParser.Parse(value);
        if (parsed.IsContained) return FailNull(key, "Contained references (#id) cannot be searched.", state);

        if (parsed.TargetType is not null)
        {
            if (!_registry.IsKnownResourceType(parsed.TargetType))
                return FailNull(key, $"'{parsed.TargetType}' is not an R4 resource type.", state);
            if (modifierType is not null && modifierType != parsed.TargetType)
                return FailNull(key, $"'{value}' does not match the modifier :{modifierType}.", state);
            if (definition.TargetTypes.Count > 0 && !definition.TargetTypes.Contains(parsed.TargetType))
                return FailNull(key, $"'{definition.Code}' cannot refer to {parsed.TargetType}.", state);
            return new ReferenceSearchValue(parsed.TargetType, parsed.TargetId, null);
        }

        if (value.Contains(':'))
        {
            var bar = value.IndexOf('|');
            return bar >= 0
                ? new ReferenceSearchValue(null, null, value[..bar], Blank(value[(bar + 1)..]))
                : new ReferenceSearchValue(null, null, value);
        }

        if (!IdPattern().IsMatch(value)) return FailNull(key, $"'{value}' is not a resource id, Type/id or URL.", state);
        var impliedType = modifierType ?? (definition.TargetTypes.Count == 1 ? definition.TargetTypes[0] : null);
        return new ReferenceSearchValue(impliedType, value, null);
    }

    private SearchValue? ParseComposite(string key, string raw, SearchParameterDefinition definition, ParseState state)
    {
        var parts = SplitUnescaped(raw, '$');
        if (parts.Count != definition.Components.Count)
            return FailNull(key, $"'{definition.Code}' takes {definition.Components.Count} values joined by '$'.", state);

        var values = new List<SearchValue>();
        for (var i = 0; i < parts.Count; i++)
        {
            var component = _registry.FindByUrl(definition.Components[i].DefinitionUrl);
            if (component is null) return FailNull(key, $"Component {i + 1} of '{definition.Code}' is not a known parameter.", state);
            var value = ParseValue(key, parts[i], component, SearchModifier.None, null, state);
            if (value is null) return null;
            values.Add(value);
        }

        return new CompositeSearchValue(values);
    }

    private void ParseSort(string key, string value, IReadOnlyList<string> types, ParseState state, List<SortKey> sort)
    {
        foreach (var item in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var descending = item.StartsWith('-');
            var code = descending ? item[1..] : item;
            var definition = FindCommon(key, code, types, state);
            if (definition is null) continue;
            if (definition.Type is SearchParamType.Composite or SearchParamType.Special)
            {
                state.Fail(key, $"Cannot sort by {definition.Type.ToString().ToLowerInvariant()} parameter '{code}'.");
                continue;
            }

            sort.Add(new SortKey(definition, descending));
        }
    }

    private IncludeDirective? ParseInclude(string key, string value, IReadOnlyList<string> types, ParseState state)
    {
        var reverse = key.StartsWith("_revinclude", StringComparison.Ordinal);
        var modifier = key.Contains(':') ? key[(key.IndexOf(':') + 1)..] : null;
        // :recurse is the STU3 spelling of :iterate, still sent by some clients.
        if (modifier is not (null or "iterate" or "recurse"))
            return FailNull<IncludeDirective>(key, $"Unknown modifier ':{modifier}' on {key.Split(':')[0]}.", state);
        var iterate = modifier is not null;

        if (value == "*") return new IncludeDirective(reverse, null, null, null, iterate, Wildcard: true);

        var parts = value.Split(':');
        if (parts.Length is < 2 or > 3 || parts.Any(string.IsNullOrEmpty))
            return FailNull<IncludeDirective>(key, $"'{value}' is not of the form Type:parameter[:targetType].", state);

        var sourceType = parts[0];
        if (!_registry.IsKnownResourceType(sourceType))
            return FailNull<IncludeDirective>(key, $"'{sourceType}' is not an R4 resource type.", state);
        if (!reverse && !iterate && types.Count > 0 && !types.Contains(sourceType))
            return FailNull<IncludeDirective>(key, $"_include must start from a searched type ({string.Join(", ", types)}), not {sourceType}; use :iterate to include from included resources.", state);

        if (parts[1] == "*") return new IncludeDirective(reverse, sourceType, null, null, iterate, Wildcard: true);

        var parameter = _registry.Find(sourceType, parts[1]);
        if (parameter is not { Type: SearchParamType.Reference, IsSupported: true })
            return FailNull<IncludeDirective>(key, $"'{parts[1]}' is not a reference parameter of {sourceType}.", state);

        string? targetType = null;
        if (parts.Length == 3)
        {
            targetType = parts[2];
            if (!_registry.IsKnownResourceType(targetType) || parameter.TargetTypes.Count > 0 && !parameter.TargetTypes.Contains(targetType))
                return FailNull<IncludeDirective>(key, $"'{targetType}' is not a target type of {sourceType}.{parts[1]}.", state);
        }

        if (reverse && !iterate && types.Count > 0 && parameter.TargetTypes.Count > 0 && !types.Any(parameter.TargetTypes.Contains))
            return FailNull<IncludeDirective>(key, $"{sourceType}.{parts[1]} never refers to {string.Join(" or ", types)}.", state);

        return new IncludeDirective(reverse, sourceType, parameter, targetType, iterate, Wildcard: false);
    }

    private static T? ParseEnum<T>(string value, string key, ParseState state, Dictionary<string, T> allowed) where T : struct
    {
        if (allowed.TryGetValue(value, out var result)) return result;
        state.Fail(key, $"'{value}' is not one of {string.Join(", ", allowed.Keys)}.");
        return null;
    }

    private static bool SplitPrefix(string key, string raw, ParseState state, out SearchPrefix prefix, out string rest)
    {
        prefix = SearchPrefix.Eq;
        rest = raw;
        if (raw.Length >= 2 && char.IsLetter(raw[0]) && char.IsLetter(raw[1]))
        {
            if (!Prefixes.TryGetValue(raw[..2], out prefix))
            {
                state.Fail(key, $"Unknown prefix '{raw[..2]}' (use eq, ne, gt, lt, ge, le, sa, eb or ap).");
                return false;
            }

            rest = raw[2..];
        }

        return true;
    }

    private static bool TryDecimal(string text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
            CultureInfo.InvariantCulture, out value);

    /// <summary>Splits on <paramref name="separator"/> where it is not escaped with a backslash (R4 search 3.1.1.4.13); escapes are kept.</summary>
    private static List<string> SplitUnescaped(string value, char separator)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                current.Append(value[i]).Append(value[i + 1]);
                i++;
            }
            else if (value[i] == separator)
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else current.Append(value[i]);
        }

        parts.Add(current.ToString());
        return parts;
    }

    private static string Unescape(string value)
    {
        if (!value.Contains('\\')) return value;
        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length && value[i + 1] is ',' or '$' or '|' or '\\') i++;
            builder.Append(value[i]);
        }

        return builder.ToString();
    }

    private static string? Blank(string value) => value.Length == 0 ? null : value;

    private static SearchValue? FailNull(string key, string message, ParseState state) => FailNull<SearchValue>(key, message, state);

    private static T? FailNull<T>(string key, string message, ParseState state) where T : class
    {
        state.Fail(key, message);
        return null;
    }

    [GeneratedRegex(@"^[A-Za-z0-9\-\.]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^([A-Z][A-Za-z]+\.)?[a-z][A-Za-z0-9]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ElementPattern();

    private sealed class ParseState(SearchParseOptions options)
    {
        private readonly List<SearchIssue> _issues = [];

        public IReadOnlyList<SearchIssue> Issues => _issues;
        public int Count => _issues.Count;
        public bool LastIsFailure { get; private set; }

        /// <summary>A problem that drops the parameter: an error when strict, a warning when lenient.</summary>
        public void Fail(string parameter, string message, bool alwaysError = false)
        {
            var severity = options.Lenient && !alwaysError ? SearchIssueSeverity.Warning : SearchIssueSeverity.Error;
            _issues.Add(new SearchIssue(severity, parameter, message));
            LastIsFailure = true;
        }

        public void Warn(string parameter, string message)
        {
            _issues.Add(new SearchIssue(SearchIssueSeverity.Warning, parameter, message));
            LastIsFailure = false;
        }
    }
}
