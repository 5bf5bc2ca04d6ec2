using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Interop.Storage.Entities;

namespace Interop.Storage;

/// <summary>
/// Derives the rows stored beside a resource version: its patient compartment(s), its security
/// labels and its search index rows, all written in the same transaction as the version.
/// </summary>
public sealed partial class ResourceIndexer
{
    public void Populate(ResourceVersionRow row, Resource resource)
    {
        foreach (var patientId in PatientCompartment(resource))
            row.Compartments.Add(new CompartmentRow { PatientId = patientId });
        foreach (var label in resource.Meta?.Security ?? [])
        {
            if (string.IsNullOrEmpty(label.Code)) continue;
            if (row.SecurityLabels.Any(l => l.System == (label.System ?? "") && l.Code == label.Code)) continue;
            row.SecurityLabels.Add(new SecurityLabelRow { System = label.System ?? "", Code = label.Code });
        }
        PopulateSearchIndex(row, resource);
    }

    partial void PopulateSearchIndex(ResourceVersionRow row, Resource resource);
}
