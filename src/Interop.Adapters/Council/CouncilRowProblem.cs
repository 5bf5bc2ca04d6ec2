using Hl7.Fhir.Model;

namespace Interop.Adapters.Council;

/// <summary>
/// A problem found in a council file. <see cref="RowNumber"/> is 1-based among data rows, 0 for the
/// file or its header; <see cref="Column"/> is null when the problem concerns the whole row or file.
/// <see cref="Expression"/> is what goes into <c>OperationOutcome.issue.expression</c>.
/// </summary>
public sealed record CouncilRowProblem(int RowNumber, string? Column, string Message,
    OperationOutcome.IssueSeverity Severity = OperationOutcome.IssueSeverity.Error)
{
    /// <summary><c>row[3].nhsNumber</c>, <c>row[3]</c>, <c>header.status</c> or <c>file</c>.</summary>
    public string Expression => (RowNumber, Column) switch
    {
        (0, null) => "file",
        (0, var c) => $"header.{c}",
        (var r, null) => $"row[{r}]",
        var (r, c) => $"row[{r}].{c}",
    };

    public bool IsError => Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal;
}
