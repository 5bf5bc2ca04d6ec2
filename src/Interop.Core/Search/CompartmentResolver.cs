using Hl7.Fhir.Model;

namespace Interop.Core.Search;

/// <summary>
/// Works out which patients' compartments a resource belongs to (architecture decision 3), from
/// the reference index entries named by <see cref="PatientCompartmentDefinition"/>. A Patient is
/// in its own compartment. Only relative <c>Patient/id</c> references count: the store is expected
/// to have rewritten <c>urn:uuid:</c> and own-base absolute references before indexing.
/// </summary>
public sealed class CompartmentResolver
{
    private readonly SearchIndexer _indexer;

    public CompartmentResolver(SearchIndexer indexer)
    {
        _indexer = indexer;
    }

    /// <summary>Extracts the resource's index entries and returns the ids of the patients it belongs to.</summary>
    public IReadOnlySet<string> PatientIds(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return PatientIds(resource.TypeName, resource.Id, _indexer.Extract(resource));
    }

    /// <summary>
    /// Same, from entries already extracted (so a write extracts once and uses the result for both
    /// the index rows and the compartment key).
    /// </summary>
    public static IReadOnlySet<string> PatientIds(string resourceType, string? resourceId, IEnumerable<SearchIndexEntry> entries)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (resourceType == "Patient" && !string.IsNullOrEmpty(resourceId)) ids.Add(resourceId);

        var parameters = PatientCompartmentDefinition.ParametersFor(resourceType);
        if (parameters.Count == 0) return ids;

        foreach (var entry in entries.OfType<ReferenceIndexEntry>())
        {
            if (entry.TargetType == "Patient" && entry.TargetId is not null && parameters.Contains(entry.ParamName))
                ids.Add(entry.TargetId);
        }

        return ids;
    }
}
