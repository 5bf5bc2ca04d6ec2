namespace Interop.Adapters.Council;

/// <summary>
/// What a council file yielded: the rows that passed validation and every problem found (rows
/// with errors are left out of <see cref="Rows"/>; warnings do not remove a row).
/// </summary>
public sealed record CouncilAssessmentReadResult(IReadOnlyList<CouncilAssessmentRow> Rows, IReadOnlyList<CouncilRowProblem> Problems)
{
    /// <summary>Number of data rows in the file, good or bad.</summary>
    public int RowCount { get; init; }
}
