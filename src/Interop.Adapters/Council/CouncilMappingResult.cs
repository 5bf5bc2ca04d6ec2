using Hl7.Fhir.Model;

namespace Interop.Adapters.Council;

/// <summary>
/// A council file mapped: one transaction Bundle per accepted row and an OperationOutcome listing
/// every row-level problem (issue expression <c>row[3].nhsNumber</c>) plus an accepted-count note.
/// </summary>
public sealed record CouncilMappingResult(IReadOnlyList<CouncilRowBundle> Bundles, OperationOutcome Problems)
{
    /// <summary>True when some issue is an error (some rows, or the whole file, were refused).</summary>
    public bool HasErrors => Problems.Issue.Any(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);
}
