using Hl7.Fhir.Model;
using Interop.Core.Search;

namespace Interop.Storage;

public sealed partial class ResourceIndexer
{
    // The R4 Patient compartment only uses R4 parameters, so one process-wide extractor over the
    // standard registry answers it for callers without an indexer at hand (write checks).
    private static readonly Lazy<SearchIndexer> Standard = new(() => new SearchIndexer(new SearchParameterRegistry()));

    /// <summary>Patient ids whose compartment holds the resource (R4 Patient CompartmentDefinition).</summary>
    public static IReadOnlySet<string> PatientCompartment(Resource resource) =>
        CompartmentResolver.PatientIds(resource.TypeName, resource.Id, Standard.Value.Extract(resource));
}
