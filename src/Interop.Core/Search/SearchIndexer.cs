using System.Collections.Concurrent;
using System.Globalization;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;

namespace Interop.Core.Search;

/// <summary>
/// Extracts the search index rows of a resource (architecture decision 2) by evaluating every
/// supported parameter's FHIRPath expression for the resource's type. Expressions are narrowed to
/// the type, compiled once and cached per type; the cache refreshes when the registry changes.
/// Thread-safe.
/// </summary>
public sealed class SearchIndexer
{
    private readonly SearchParameterRegistry _registry;
    private readonly bool _simplePaths;
    private readonly ConcurrentDictionary<string, TypePlan> _plans = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PocoNode?> _resolvedStubs = new(StringComparer.Ordinal);

    public SearchIndexer(SearchParameterRegistry registry) : this(registry, useSimplePaths: true)
    {
    }

    /// <summary>
    /// With <paramref name="useSimplePaths"/> false every expression goes through the FHIRPath engine;
    /// the default evaluates plain navigation with <see cref="SimplePathExpression"/>, which gives the
    /// same entries (the tests compare both) at a fraction of the cost.
    /// </summary>
    public SearchIndexer(SearchParameterRegistry registry, bool useSimplePaths)
    {
        _registry = registry;
        _simplePaths = useSimplePaths;
    }

    /// <summary>The registry this indexer reads its parameters from.</summary>
    public SearchParameterRegistry Registry => _registry;

    /// <summary>
    /// Extracts all index entries. A parameter whose evaluation fails is skipped so one odd
    /// resource never blocks a write; use the overload with <c>problems</c> to see which.
    /// </summary>
    public IReadOnlyList<SearchIndexEntry> Extract(Resource resource) => Extract(resource, problems: null);

    /// <summary>Extracts all index entries, adding a message to <paramref name="problems"/> for each parameter that failed.</summary>
    public IReadOnlyList<SearchIndexEntry> Extract(Resource resource, ICollection<string>? problems)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var plan = PlanFor(resource.TypeName);
        // The engine's view of the resource is built only for expressions the walker declines.
        PocoNode? root = null;
        FhirEvaluationContext? context = null;

        var entries = new List<SearchIndexEntry>();
        var nodes = new List<Base>();
        foreach (var parameter in plan.Parameters)
        {
            try
            {
                if (parameter.Simple is { } simple)
                {
                    nodes.Clear();
                    if (parameter.Definition.Type == SearchParamType.Composite
                        ? TryAddCompositeSimple(parameter, simple, resource, entries)
                        : simple.TryEvaluate(resource, resource, nodes))
                    {
                        foreach (var node in nodes)
                            SearchValueConverter.AddEntries(parameter.Definition.Code, parameter.Definition.Type, node, entries);
                        continue;
                    }
                }
                root ??= resource.ToPocoNode();
                context ??= new FhirEvaluationContext
                {
                    Resource = root,
                    RootResource = root,
                    ElementResolver = reference => Resolve(resource, reference),
                };
                var found = parameter.Expression.Invoke([root], context);
                if (parameter.Definition.Type == SearchParamType.Composite)
                    AddComposite(parameter, found, context, entries);
                else
                    foreach (var node in found)
                        SearchValueConverter.AddEntries(parameter.Definition.Code, parameter.Definition.Type, node.Poco, entries);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                problems?.Add($"{resource.TypeName}.{parameter.Definition.Code}: {ex.Message}");
            }
        }

        return entries;
    }

    private static void AddComposite(
        CompiledParameter parameter, IEnumerable<PocoNode> roots, FhirEvaluationContext context, List<SearchIndexEntry> entries)
    {
        foreach (var root in roots)
        {
            var perComponent = new List<List<SearchIndexEntry>>();
            foreach (var component in parameter.Components)
            {
                var values = new List<SearchIndexEntry>();
                foreach (var node in component.Expression.Invoke([root], context))
                    SearchValueConverter.AddEntries(component.Definition.Code, component.Definition.Type, node.Poco, values);
                if (values.Count == 0) break; // a composite needs every component
                perComponent.Add(values);
            }

            if (perComponent.Count != parameter.Components.Count) continue;
            AddCombinations(parameter.Definition.Code, perComponent, entries);
        }
    }

    /// <summary>
    /// <see cref="AddComposite"/> with the root and every component evaluated by
    /// <see cref="SimplePathExpression"/>; false, adding nothing, when any of them declines.
    /// </summary>
    private static bool TryAddCompositeSimple(CompiledParameter parameter, SimplePathExpression rootExpression, Resource resource, List<SearchIndexEntry> entries)
    {
        if (parameter.Components.Any(c => c.Simple is null)) return false;
        var roots = new List<Base>();
        if (!rootExpression.TryEvaluate(resource, resource, roots)) return false;
        // Walk everything first, so a decline leaves the entries untouched; convert afterwards,
        // exactly as AddComposite does.
        var walked = new List<List<Base>[]>();
        foreach (var root in roots)
        {
            var perComponent = new List<Base>[parameter.Components.Count];
            for (var i = 0; i < perComponent.Length; i++)
            {
                perComponent[i] = [];
                if (!parameter.Components[i].Simple!.TryEvaluate(root, resource, perComponent[i])) return false;
            }
            walked.Add(perComponent);
        }

        foreach (var nodes in walked)
        {
            var perComponent = new List<List<SearchIndexEntry>>();
            for (var i = 0; i < nodes.Length; i++)
            {
                var component = parameter.Components[i];
                var values = new List<SearchIndexEntry>();
                foreach (var node in nodes[i])
                    SearchValueConverter.AddEntries(component.Definition.Code, component.Definition.Type, node, values);
                if (values.Count == 0) break; // a composite needs every component
                perComponent.Add(values);
            }

            if (perComponent.Count != parameter.Components.Count) continue;
            AddCombinations(parameter.Definition.Code, perComponent, entries);
        }
        return true;
    }

    private static void AddCombinations(string code, List<List<SearchIndexEntry>> perComponent, List<SearchIndexEntry> entries)
    {
        IEnumerable<IReadOnlyList<SearchIndexEntry>> combinations = [[]];
        foreach (var values in perComponent)
        {
            var current = combinations;
            combinations = current.SelectMany(prefix => values.Select(v => (IReadOnlyList<SearchIndexEntry>)[.. prefix, v]));
        }

        foreach (var combination in combinations)
            entries.Add(new CompositeIndexEntry(code, combination));
    }

    private TypePlan PlanFor(string resourceType)
    {
        var version = _registry.Version;
        if (_plans.TryGetValue(resourceType, out var cached) && cached.RegistryVersion == version) return cached;
        var plan = BuildPlan(resourceType, version);
        _plans[resourceType] = plan;
        return plan;
    }

    private TypePlan BuildPlan(string resourceType, long version)
    {
        var compiled = new List<CompiledParameter>();
        foreach (var definition in _registry.ForResourceType(resourceType))
        {
            if (!definition.IsSupported || string.IsNullOrWhiteSpace(definition.Expression)) continue;
            var narrowed = FhirPathUnionSplitter.ForResourceType(definition.Expression, resourceType, _registry.IsKnownResourceType);
            if (narrowed is null) continue;

            var components = new List<CompiledComponent>();
            if (definition.Type == SearchParamType.Composite)
            {
                foreach (var component in definition.Components)
                {
                    var componentDefinition = _registry.FindByUrl(component.DefinitionUrl);
                    if (componentDefinition is null) break;
                    components.Add(new CompiledComponent(componentDefinition, SearchParameterRegistry.FhirPath.Compile(component.Expression),
                        Simple(component.Expression, null)));
                }

                if (components.Count != definition.Components.Count) continue; // unknown component: cannot index
            }

            compiled.Add(new CompiledParameter(definition, SearchParameterRegistry.FhirPath.Compile(narrowed), components, Simple(narrowed, resourceType)));
        }

        return new TypePlan(version, compiled);
    }

    private SimplePathExpression? Simple(string expression, string? resourceType) =>
        _simplePaths ? SimplePathExpression.TryParse(expression, resourceType, _registry.IsKnownResourceType) : null;

    // resolve() in R4 expressions is only used to test the target's type
    // (Observation.subject.where(resolve() is Patient)), so a literal reference resolves to an
    // empty instance of the type it names; contained references resolve to the contained resource.
    private PocoNode? Resolve(Resource resource, string reference)
    {
        if (reference.StartsWith('#'))
        {
            var contained = (resource as DomainResource)?.Contained.FirstOrDefault(c => "#" + c.Id == reference);
            return contained?.ToPocoNode();
        }

        var parsed = ReferenceParser.Parse(reference);
        var type = parsed.TargetType ?? ReferenceParser.TypeFromAbsoluteUrl(reference, _registry.IsKnownResourceType);
        if (type is null) return null;
        return _resolvedStubs.GetOrAdd(type, t =>
            ModelInfo.GetTypeForFhirType(t) is { } clrType && Activator.CreateInstance(clrType) is Resource stub
                ? stub.ToPocoNode()
                : null);
    }

    private sealed record TypePlan(long RegistryVersion, IReadOnlyList<CompiledParameter> Parameters);

    private sealed record CompiledParameter(
        SearchParameterDefinition Definition, CompiledExpression Expression, IReadOnlyList<CompiledComponent> Components, SimplePathExpression? Simple);

    private sealed record CompiledComponent(SearchParameterDefinition Definition, CompiledExpression Expression, SimplePathExpression? Simple);
}
