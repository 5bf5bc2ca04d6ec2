using Hl7.Fhir.Model;

namespace Interop.Core.Patch;

/// <summary>One validated <c>operation</c> parameter of a FHIRPath Patch.</summary>
/// <param name="Index">Position in <c>Parameters.parameter</c> (0-based), quoted in every error.</param>
/// <param name="Type">add, insert, delete, replace or move.</param>
/// <param name="Path">The FHIRPath expression the operation works on.</param>
/// <param name="Name">The element name that add creates.</param>
/// <param name="Value">The <c>value</c> part as sent: a <c>value[x]</c>, a <c>resource</c> or nested <c>part</c>s.</param>
/// <param name="InsertAt">The <c>index</c> part of insert.</param>
/// <param name="Source">The list index move takes the item from.</param>
/// <param name="Destination">The list index move puts the item at.</param>
internal sealed record FhirPathPatchOperation(
    int Index,
    FhirPathPatchOperationType Type,
    string Path,
    string? Name,
    Parameters.ParameterComponent? Value,
    int? InsertAt,
    int? Source,
    int? Destination)
{
    /// <summary>Where the operation sits in the patch, as a FHIRPath for <c>OperationOutcome.issue.expression</c>.</summary>
    public string Expression => $"Parameters.parameter[{Index}]";

    /// <summary>"operation 2 (replace Patient.birthDate)": how errors name the operation.</summary>
    public string Describe() => $"operation {Index} ({Type.ToString().ToLowerInvariant()} {Path})";
}
