namespace Interop.Storage.Consent;

/// <summary>
/// What a caller may see of a patient's compartment (<see cref="ConsentFilter.ReadCompartmentAsync"/>):
/// the visible rows in row order, and the resource types of which consent withheld some rows.
/// </summary>
public sealed record CompartmentRead(IReadOnlyList<CompartmentItem> Visible, IReadOnlySet<string> WithheldTypes);
