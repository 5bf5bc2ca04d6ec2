namespace Interop.Storage.Entities;

/// <summary>A patient whose compartment (R4 CompartmentDefinition "patient") holds a resource version.</summary>
public sealed class CompartmentRow
{
    public long ResourceRowId { get; set; }

    public string PatientId { get; set; } = "";
}
