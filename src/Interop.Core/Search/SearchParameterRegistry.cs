using System.Collections.Concurrent;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;

namespace Interop.Core.Search;

/// <summary>
/// Every search parameter the gateway knows: the R4 definitions shipped with the Firely SDK
/// (architecture decision 1), the common <c>Resource</c> parameters the SDK does not list, and
/// custom parameters registered at run time. Thread-safe; <see cref="Version"/> changes whenever
/// a parameter is added so that caches (the indexer's compiled plans) can refresh.
/// </summary>
public sealed class SearchParameterRegistry
{
    /// <summary>Pseudo resource type under which the parameters shared by all resources are held.</summary>
    public const string CommonResourceType = "Resource";

    private static readonly FhirPathCompiler Compiler = CreateCompiler();

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, SearchParameterDefinition>> _byType =
        new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SearchParameterDefinition> _byUrl = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SearchParameterDefinition> _custom = new();
    private readonly HashSet<string> _resourceTypes;
    private readonly object _writeLock = new();
    private long _version;

    /// <summary>Creates a registry holding all R4 parameters plus the common ones.</summary>
    public SearchParameterRegistry()
    {
        _resourceTypes = new HashSet<string>(ModelInfo.SupportedResources, StringComparer.Ordinal);

        foreach (var common in CommonParameters()) Add(common);

        foreach (var sp in ModelInfo.SearchParameters)
        {
            var code = sp.Code ?? sp.Name;
            if (sp.Resource is null || code is null) continue;
            // The SDK lists DomainResource._text without an expression; it is defined here as unsupported instead.
            if (sp.Resource is "Resource" or "DomainResource") continue;
            var unsupported = sp.Type == SearchParamType.Special
                ? "special parameters (such as Location near) are not supported"
                : string.IsNullOrWhiteSpace(sp.Expression) ? "the definition has no FHIRPath expression" : null;
            Add(new SearchParameterDefinition(
                sp.Resource,
                code,
                sp.Url ?? $"http://hl7.org/fhir/SearchParameter/{sp.Resource}-{code}",
                sp.Type,
                sp.Expression,
                (sp.Target ?? []).Select(t => t.ToString()).ToArray(),
                (sp.Component ?? []).Select(c => new SearchParameterComponent(c.Definition, c.Expression)).ToArray(),
                UnsupportedReason: unsupported));
        }
    }

    /// <summary>Shared FHIRPath compiler with the FHIR extensions (<c>resolve()</c>, <c>extension()</c>, ...).</summary>
    internal static FhirPathCompiler FhirPath => Compiler;

    /// <summary>Changes whenever a parameter is added.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>All concrete R4 resource type names.</summary>
    public IReadOnlyCollection<string> ResourceTypes => _resourceTypes;

    /// <summary>Parameters registered at run time, in registration order.</summary>
    public IReadOnlyList<SearchParameterDefinition> CustomParameters => _custom.ToArray();

    /// <summary>True for a concrete R4 resource type name (case-sensitive, as in URLs).</summary>
    public bool IsKnownResourceType(string resourceType) => _resourceTypes.Contains(resourceType);

    /// <summary>
    /// Finds the parameter <paramref name="code"/> for <paramref name="resourceType"/>: its own
    /// parameters first, then the common <c>Resource</c> ones.
    /// </summary>
    public SearchParameterDefinition? Find(string resourceType, string code)
    {
        if (_byType.TryGetValue(resourceType, out var own) && own.TryGetValue(code, out var found)) return found;
        return _byType.TryGetValue(CommonResourceType, out var common) && common.TryGetValue(code, out var shared)
            ? shared
            : null;
    }

    /// <summary>Finds a parameter by canonical URL (composite components use this).</summary>
    public SearchParameterDefinition? FindByUrl(string url) => _byUrl.GetValueOrDefault(url);

    /// <summary>All parameters usable on <paramref name="resourceType"/>, common ones included, supported or not.</summary>
    public IReadOnlyList<SearchParameterDefinition> ForResourceType(string resourceType)
    {
        var result = new Dictionary<string, SearchParameterDefinition>(StringComparer.Ordinal);
        if (_byType.TryGetValue(CommonResourceType, out var common))
            foreach (var (code, definition) in common) result[code] = definition;
        if (resourceType != CommonResourceType && _byType.TryGetValue(resourceType, out var own))
            foreach (var (code, definition) in own) result[code] = definition;
        return result.Values.OrderBy(d => d.Code, StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// Validates a FHIR <c>SearchParameter</c> and, when it is sound, registers it for each of its
    /// base types. Returns every problem found; an empty list means it was registered (or was
    /// already registered exactly so, which changes nothing: reloading the stored parameters is safe).
    /// </summary>
    public IReadOnlyList<string> AddCustom(SearchParameter parameter)
    {
        var (problems, definitions) = Prepare(parameter, pendingUrls: null);
        if (problems.Count > 0) return problems;

        lock (_writeLock)
        {
            var changed = false;
            foreach (var definition in definitions)
            {
                if (Find(definition.ResourceType, definition.Code) is { } existing && existing.ResourceType == definition.ResourceType && SameAs(existing, definition))
                    continue;
                Add(definition);
                _custom.Enqueue(definition);
                changed = true;
            }
            if (changed) Interlocked.Increment(ref _version);
        }

        return problems;
    }

    /// <summary>
    /// The problems <see cref="AddCustom"/> would report for <paramref name="parameter"/>, without
    /// registering it: a write checks here and registers only once its transaction has committed.
    /// <paramref name="pendingUrls"/> are canonical URLs of parameters checked earlier in the same
    /// transaction, which a composite may name as components.
    /// </summary>
    public IReadOnlyList<string> Check(SearchParameter parameter, IReadOnlyCollection<string>? pendingUrls = null) =>
        Prepare(parameter, pendingUrls).Problems;

    private (List<string> Problems, List<SearchParameterDefinition> Definitions) Prepare(SearchParameter parameter, IReadOnlyCollection<string>? pendingUrls)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var problems = new List<string>();

        var code = parameter.Code;
        if (string.IsNullOrWhiteSpace(code)) problems.Add("SearchParameter.code is required.");
        else if (code.Contains('.') || code.Contains(':') || code.Contains('$') || code.Contains(','))
            problems.Add($"SearchParameter.code '{code}' may not contain '.', ':', '$' or ','.");

        var bases = parameter.BaseElement.Select(b => b.JsonValue as string ?? b.ToString() ?? "").ToList();
        if (bases.Count == 0) problems.Add("SearchParameter.base needs at least one resource type.");
        foreach (var b in bases.Where(b => b != CommonResourceType && !IsKnownResourceType(b)))
            problems.Add($"SearchParameter.base '{b}' is not an R4 resource type.");

        SearchParamType type = default;
        if (parameter.Type is null) problems.Add("SearchParameter.type is required.");
        else if (parameter.Type == SearchParamType.Special) problems.Add("Special search parameters are not supported.");
        else type = parameter.Type.Value;

        if (string.IsNullOrWhiteSpace(parameter.Expression))
            problems.Add("SearchParameter.expression is required.");
        else if (TryCompile(parameter.Expression) is { } error)
            problems.Add($"SearchParameter.expression does not compile: {error}");

        var targets = parameter.TargetElement.Select(t => t.JsonValue as string ?? t.ToString() ?? "").ToList();
        foreach (var t in targets.Where(t => !IsKnownResourceType(t)))
            problems.Add($"SearchParameter.target '{t}' is not an R4 resource type.");

        var components = new List<SearchParameterComponent>();
        if (parameter.Type == SearchParamType.Composite)
        {
            if (parameter.Component.Count < 2) problems.Add("A composite SearchParameter needs at least two components.");
            foreach (var component in parameter.Component)
            {
                var definition = component.Definition;
                if (string.IsNullOrWhiteSpace(definition) || (FindByUrl(definition) is null && pendingUrls?.Contains(definition) != true))
                    problems.Add($"Composite component definition '{definition}' is not a known search parameter.");
                if (string.IsNullOrWhiteSpace(component.Expression))
                    problems.Add("Composite component expression is required.");
                else if (TryCompile(component.Expression) is { } componentError)
                    problems.Add($"Composite component expression '{component.Expression}' does not compile: {componentError}");
                components.Add(new SearchParameterComponent(definition ?? "", component.Expression ?? ""));
            }
        }

        // The R4 definitions never change after construction, so this check needs no lock.
        foreach (var b in bases.Where(_ => !string.IsNullOrWhiteSpace(code)))
        {
            if (Find(b, code!) is { IsCustom: false } builtIn && builtIn.ResourceType == b)
                problems.Add($"'{b}.{code}' is already defined by FHIR R4 and cannot be redefined.");
        }

        if (problems.Count > 0) return (problems, []);
        var url = string.IsNullOrWhiteSpace(parameter.Url) ? null : parameter.Url;
        var definitions = bases.Select(b => new SearchParameterDefinition(
            b, code!, url ?? $"urn:interop:searchparameter:{b}-{code}", type, parameter.Expression,
            targets, components, IsCustom: true)).ToList();
        return (problems, definitions);
    }

    private static bool SameAs(SearchParameterDefinition a, SearchParameterDefinition b) =>
        a.IsCustom == b.IsCustom && a.Url == b.Url && a.Type == b.Type && a.Expression == b.Expression
        && a.TargetTypes.SequenceEqual(b.TargetTypes) && a.Components.SequenceEqual(b.Components);

    /// <summary>Compiles a FHIRPath expression; returns the error message or null when it compiles.</summary>
    public static string? TryCompile(string expression)
    {
        try
        {
            Compiler.Compile(expression);
            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return ex.Message;
        }
    }

    private void Add(SearchParameterDefinition definition)
    {
        var forType = _byType.GetOrAdd(definition.ResourceType, _ => new(StringComparer.Ordinal));
        forType[definition.Code] = definition;
        _byUrl.TryAdd(definition.Url, definition);
    }

    private static FhirPathCompiler CreateCompiler() =>
        new(new SymbolTable().AddStandardFP().AddFhirExtensions());

    // The parameters every resource has (R4 search 3.1.1.5 and resource.html#search); the SDK's
    // ModelInfo does not list them.
    private static IEnumerable<SearchParameterDefinition> CommonParameters()
    {
        const string baseUrl = "http://hl7.org/fhir/SearchParameter/";
        SearchParameterDefinition Common(string code, string id, SearchParamType type, string? expression, string? unsupported = null) =>
            new(CommonResourceType, code, baseUrl + id, type, expression, [], [], UnsupportedReason: unsupported);

        yield return Common("_id", "Resource-id", SearchParamType.Token, "Resource.id");
        yield return Common("_lastUpdated", "Resource-lastUpdated", SearchParamType.Date, "Resource.meta.lastUpdated");
        yield return Common("_tag", "Resource-tag", SearchParamType.Token, "Resource.meta.tag");
        yield return Common("_profile", "Resource-profile", SearchParamType.Uri, "Resource.meta.profile");
        yield return Common("_security", "Resource-security", SearchParamType.Token, "Resource.meta.security");
        yield return Common("_source", "Resource-source", SearchParamType.Uri, "Resource.meta.source");
        yield return Common("_text", "DomainResource-text", SearchParamType.String, null,
            "full-text search of the narrative is not supported");
        yield return Common("_content", "Resource-content", SearchParamType.String, null,
            "full-text search of the whole resource is not supported");
        yield return Common("_list", "Resource-list", SearchParamType.Special, null, "_list is not supported");
        yield return Common("_query", "Resource-query", SearchParamType.Special, null, "named queries are not supported");
        yield return Common("_filter", "Resource-filter", SearchParamType.Special, null, "_filter is not supported");
    }
}
