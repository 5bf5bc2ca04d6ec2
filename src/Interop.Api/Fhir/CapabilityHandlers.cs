using System.Reflection;
using Hl7.Fhir.Model;
using Interop.Core.Known;
using Task = System.Threading.Tasks.Task;

namespace Interop.Api.Fhir;

/// <summary>
/// <c>GET /fhir/metadata</c>: the CapabilityStatement is generated from the endpoints actually
/// mapped (their <see cref="FhirInteractionMetadata"/>), so it cannot claim what we do not do.
/// </summary>
public static class CapabilityHandlers
{
    private static CapabilityStatement? _cached;

    private static long _cachedRegistryVersion = -1;

    public static IResult Metadata(HttpContext http, EndpointDataSource endpoints, Interop.Core.Search.SearchParameterRegistry registry)
    {
        // Rebuilt when a custom SearchParameter is registered, so the statement lists it.
        if (_cached is null || _cachedRegistryVersion != registry.Version)
        {
            _cachedRegistryVersion = registry.Version;
            _cached = Build(endpoints, FhirRoutes.BaseUrl(http), registry);
        }
        return FhirResponse.Of(_cached);
    }

    public static CapabilityStatement Build(EndpointDataSource endpoints, string baseUrl, Interop.Core.Search.SearchParameterRegistry? registry = null)
    {
        var interactions = endpoints.Endpoints
            .Select(e => e.Metadata.GetMetadata<FhirInteractionMetadata>()?.Interaction)
            .OfType<FhirInteraction>()
            .ToHashSet();
        var extensions = endpoints.Endpoints.SelectMany(e => e.Metadata.OfType<CapabilityContribution>()).Distinct().ToList();

        var version = typeof(CapabilityHandlers).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.1.0";
        var rest = new CapabilityStatement.RestComponent { Mode = CapabilityStatement.RestfulCapabilityMode.Server };
        var typeLevel = new List<CapabilityStatement.TypeRestfulInteraction>();
        void Add(FhirInteraction i, CapabilityStatement.TypeRestfulInteraction code)
        {
            if (interactions.Contains(i)) typeLevel.Add(code);
        }
        Add(FhirInteraction.Read, CapabilityStatement.TypeRestfulInteraction.Read);
        Add(FhirInteraction.VRead, CapabilityStatement.TypeRestfulInteraction.Vread);
        Add(FhirInteraction.Update, CapabilityStatement.TypeRestfulInteraction.Update);
        Add(FhirInteraction.Patch, CapabilityStatement.TypeRestfulInteraction.Patch);
        Add(FhirInteraction.Delete, CapabilityStatement.TypeRestfulInteraction.Delete);
        Add(FhirInteraction.HistoryInstance, CapabilityStatement.TypeRestfulInteraction.HistoryInstance);
        Add(FhirInteraction.HistoryType, CapabilityStatement.TypeRestfulInteraction.HistoryType);
        Add(FhirInteraction.Create, CapabilityStatement.TypeRestfulInteraction.Create);
        Add(FhirInteraction.SearchType, CapabilityStatement.TypeRestfulInteraction.SearchType);

        foreach (var type in ModelInfo.SupportedResources.Order(StringComparer.Ordinal))
        {
            var resource = new CapabilityStatement.ResourceComponent
            {
                Type = type,
                Versioning = CapabilityStatement.ResourceVersionPolicy.Versioned,
                ReadHistory = true,
                UpdateCreate = true,
                ConditionalCreate = interactions.Contains(FhirInteraction.SearchType),
                ConditionalUpdate = interactions.Contains(FhirInteraction.SearchType),
                ConditionalDelete = interactions.Contains(FhirInteraction.SearchType) ? CapabilityStatement.ConditionalDeleteStatus.Single : CapabilityStatement.ConditionalDeleteStatus.NotSupported,
                Interaction = typeLevel.Select(c => new CapabilityStatement.ResourceInteractionComponent { Code = c }).ToList(),
            };
            if (registry is not null && interactions.Contains(FhirInteraction.SearchType)) AddSearch(type, resource, registry);
            foreach (var contribution in extensions) contribution.Resource?.Invoke(type, resource);
            rest.Resource.Add(resource);
        }
        if (interactions.Contains(FhirInteraction.HistorySystem))
            rest.Interaction.Add(new CapabilityStatement.SystemInteractionComponent { Code = CapabilityStatement.SystemRestfulInteraction.HistorySystem });
        if (interactions.Contains(FhirInteraction.SearchSystem))
            rest.Interaction.Add(new CapabilityStatement.SystemInteractionComponent { Code = CapabilityStatement.SystemRestfulInteraction.SearchSystem });
        if (interactions.Contains(FhirInteraction.Transaction))
        {
            rest.Interaction.Add(new CapabilityStatement.SystemInteractionComponent { Code = CapabilityStatement.SystemRestfulInteraction.Transaction });
            rest.Interaction.Add(new CapabilityStatement.SystemInteractionComponent { Code = CapabilityStatement.SystemRestfulInteraction.Batch });
        }
        foreach (var contribution in extensions) contribution.Rest?.Invoke(rest);
        AddOperations(endpoints, rest);

        return new CapabilityStatement
        {
            Id = "interop",
            Url = $"{baseUrl}/metadata",
            Name = "InteropGateway",
            Title = "Interop FHIR R4 gateway",
            Status = PublicationStatus.Active,
            Date = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd"),
            Publisher = "Interop",
            Kind = CapabilityStatementKind.Instance,
            Software = new CapabilityStatement.SoftwareComponent { Name = "Interop", Version = version },
            Implementation = new CapabilityStatement.ImplementationComponent { Description = "Interop gateway", Url = baseUrl },
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["application/fhir+json", "application/fhir+xml", "json", "xml"],
            PatchFormat = interactions.Contains(FhirInteraction.Patch) ? ["application/json-patch+json", "application/fhir+json"] : [],
            Rest = [rest],
        };
    }

    // The FHIR core and IPS definitions of the operations we implement; the rest are our own.
    private static readonly Dictionary<string, string> OperationDefinitions = new(StringComparer.Ordinal)
    {
        ["everything"] = "http://hl7.org/fhir/OperationDefinition/Patient-everything",
        ["validate"] = "http://hl7.org/fhir/OperationDefinition/Resource-validate",
        ["summary"] = "http://hl7.org/fhir/uv/ips/OperationDefinition/summary",
    };

    /// <summary>
    /// rest.operation (system level, and operations on any type) and rest.resource.operation (those
    /// routed on one type, such as Patient $summary), read from the mapped routes so the statement
    /// cannot list an operation that is not there.
    /// </summary>
    private static void AddOperations(EndpointDataSource endpoints, CapabilityStatement.RestComponent rest)
    {
        var routes = endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<FhirInteractionMetadata>()?.Interaction == FhirInteraction.Operation)
            .Select(e => e.RoutePattern.RawText ?? "")
            .Where(r => r.Contains('$'));
        foreach (var route in routes.Distinct().Order(StringComparer.Ordinal))
        {
            var segments = route.Trim('/').Split('/');
            var at = Array.FindIndex(segments, x => x.StartsWith('$'));
            var name = segments[at][1..];
            if (name.EndsWith("-status", StringComparison.Ordinal)) continue; // a status URL, not an operation
            var operation = new CapabilityStatement.OperationComponent
            {
                Name = name,
                Definition = OperationDefinitions.TryGetValue(name, out var definition) ? definition : $"{KnownSystems.ProfileBase}/OperationDefinition/{name}",
            };
            // fhir/{Type}/... with a literal type: that resource's operation; otherwise system level.
            var type = at >= 2 && !segments[1].StartsWith('{') ? segments[1] : null;
            var target = type is null ? rest.Operation : rest.Resource.FirstOrDefault(r => r.Type == type)?.Operation;
            if (target is not null && target.All(o => o.Name != name)) target.Add(operation);
        }
    }

    // capabilitystatement.html rest.resource.searchParam / searchInclude / searchRevInclude.
    private static void AddSearch(string type, CapabilityStatement.ResourceComponent resource, Interop.Core.Search.SearchParameterRegistry registry)
    {
        var parameters = registry.ForResourceType(type).Where(p => p.IsSupported).ToList();
        foreach (var p in parameters)
            resource.SearchParam.Add(new CapabilityStatement.SearchParamComponent { Name = p.Code, Definition = p.Url, Type = p.Type });
        resource.SearchInclude = ["*", .. parameters.Where(p => p.Type == SearchParamType.Reference).Select(p => $"{type}:{p.Code}")];
        resource.SearchRevInclude = [.. registry.ResourceTypes.Order(StringComparer.Ordinal)
            .SelectMany(source => registry.ForResourceType(source)
                .Where(p => p.IsSupported && p.Type == SearchParamType.Reference && p.Code is not "_id" && (p.TargetTypes.Count == 0 || p.TargetTypes.Contains(type)))
                .Select(p => $"{source}:{p.Code}"))];
    }
}

/// <summary>
/// Endpoint metadata through which a feature (search, security, operations) adds what it supports
/// to the generated CapabilityStatement.
/// </summary>
public sealed record CapabilityContribution(
    Action<CapabilityStatement.RestComponent>? Rest = null,
    Action<string, CapabilityStatement.ResourceComponent>? Resource = null);
