using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace Interop.Storage;

public sealed partial class ResourceIndexer
{
    /// <summary>Patient ids whose compartment holds the resource.</summary>
    public static IReadOnlySet<string> PatientCompartment(Resource resource)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (resource is Patient p && p.Id is not null) ids.Add(p.Id);
        foreach (var (_, child) in resource.EnumerateElements())
        {
            if (child is ResourceReference { Reference: { } reference } && reference.StartsWith("Patient/", StringComparison.Ordinal))
            {
                var id = reference["Patient/".Length..];
                var slash = id.IndexOf('/');
                ids.Add(slash < 0 ? id : id[..slash]);
            }
        }
        return ids;
    }
}
