using Interop.Storage.Entities;

namespace Interop.Storage.Consent;

/// <summary>A current row of a patient's compartment as a compartment read returns it (<see cref="ConsentFilter.ReadCompartmentAsync"/>).</summary>
/// <param name="Id">The version row's id (what the audit trail names as released).</param>
/// <param name="ResourceType">The FHIR type.</param>
/// <param name="ResourceId">The logical id.</param>
/// <param name="Json">The stored FHIR JSON, unchanged.</param>
public sealed record CompartmentItem(long Id, string ResourceType, string ResourceId, string Json)
{
    public static CompartmentItem Of(ResourceVersionRow row) => new(row.Id, row.ResourceType, row.ResourceId, row.Json!);
}
