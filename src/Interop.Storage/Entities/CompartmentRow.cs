namespace Interop.Storage.Entities;

/// <summary>A patient whose compartment (R4 CompartmentDefinition "patient") holds a resource version.</summary>
public sealed class CompartmentRow
{
    public long ResourceRowId { get; set; }

    public string PatientId { get; set; } = "";

    /// <summary>
    /// The FHIR type of the resource version (a copy of its row's), so that "this patient's rows of
    /// these types" is answered from the compartment index alone, without visiting the patient's other
    /// rows: above all the AuditEvents that every access to the record adds to its compartment.
    /// </summary>
    public string ResourceType { get; set; } = "";
}
