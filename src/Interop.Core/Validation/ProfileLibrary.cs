using System.Reflection;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Interop.Core.Validation;

/// <summary>
/// The conformance resources of <c>fhir-profiles/</c> (StructureDefinitions, ValueSets, CodeSystems and the
/// hand-written CapabilityStatement), embedded into this assembly at build time so nothing is read from disk at run time.
/// </summary>
public sealed class ProfileLibrary
{
    /// <summary>Prefix of the embedded resource names (see the <c>EmbeddedResource</c> item in Interop.Core.csproj).</summary>
    public const string EmbeddedPrefix = "fhir-profiles/";

    private readonly Dictionary<string, StructureDefinition> _profiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StructureDefinition> _defaultProfiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ValueSet> _valueSets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CodeSystem> _codeSystems = new(StringComparer.Ordinal);

    private ProfileLibrary(IEnumerable<Resource> resources)
    {
        foreach (var resource in resources)
        {
            switch (resource)
            {
                case StructureDefinition { Url: not null, Type: not null } sd when sd.Derivation == StructureDefinition.TypeDerivationRule.Constraint:
                    _profiles.Add(sd.Url, sd);
                    // We own at most one profile per resource type, and it is the default for that type.
                    if (!_defaultProfiles.TryAdd(sd.Type, sd))
                        throw new InvalidOperationException($"Two profiles constrain {sd.Type}: {_defaultProfiles[sd.Type].Url} and {sd.Url}.");
                    break;
                case ValueSet { Url: not null } vs:
                    _valueSets.Add(vs.Url, vs);
                    break;
                case CodeSystem { Url: not null } cs:
                    _codeSystems.Add(cs.Url, cs);
                    break;
                case CapabilityStatement capability:
                    CapabilityStatement = capability;
                    break;
            }
        }
    }

    /// <summary>Profiles by canonical URL.</summary>
    public IReadOnlyDictionary<string, StructureDefinition> Profiles => _profiles;

    /// <summary>ValueSets by canonical URL.</summary>
    public IReadOnlyDictionary<string, ValueSet> ValueSets => _valueSets;

    /// <summary>CodeSystems by canonical URL.</summary>
    public IReadOnlyDictionary<string, CodeSystem> CodeSystems => _codeSystems;

    /// <summary>The hand-written description of what the gateway offers (<c>fhir-profiles/CapabilityStatement</c>).</summary>
    public CapabilityStatement? CapabilityStatement { get; }

    /// <summary>The profile with this canonical URL (a <c>|version</c> suffix is ignored), or null.</summary>
    public StructureDefinition? FindProfile(string url)
    {
        var bar = url.IndexOf('|', StringComparison.Ordinal);
        var key = bar < 0 ? url : url[..bar];
        return _profiles.GetValueOrDefault(key);
    }

    /// <summary>The profile we own for <paramref name="resourceType"/>, applied when an instance claims none.</summary>
    public StructureDefinition? DefaultProfileFor(string resourceType) => _defaultProfiles.GetValueOrDefault(resourceType);

    /// <summary>Loads the definitions embedded in Interop.Core.</summary>
    public static ProfileLibrary LoadEmbedded()
    {
        var assembly = typeof(ProfileLibrary).Assembly;
        var names = assembly.GetManifestResourceNames()
            .Where(n => n.Replace('\\', '/').StartsWith(EmbeddedPrefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (names.Count == 0)
            throw new InvalidOperationException("No fhir-profiles definitions are embedded in Interop.Core; check its csproj.");
        return FromJson(names.Select(n => (n, ReadResource(assembly, n))));
    }

    /// <summary>Builds a library from JSON documents (name, content); the names only appear in error messages.</summary>
    public static ProfileLibrary FromJson(IEnumerable<(string Name, string Json)> documents)
    {
        var deserializer = new FhirJsonDeserializer();
        var resources = new List<Resource>();
        var problems = new List<string>();
        foreach (var (name, json) in documents)
        {
            if (deserializer.TryDeserializeResource(json, out var resource, out var issues) && resource is not null)
                resources.Add(resource);
            else
                problems.Add($"{name}: {string.Join("; ", issues.Select(i => i.Message))}");
        }
        // A broken definition is a build defect, not a request problem: refuse to start with it.
        if (problems.Count > 0)
            throw new InvalidOperationException("fhir-profiles contains invalid definitions: " + string.Join(" | ", problems));
        return new ProfileLibrary(resources);
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
