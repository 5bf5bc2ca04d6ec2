namespace Interop.Adapters.Gp;

/// <summary>One problem found in a GP extract, located by its JSON path (e.g. <c>$.problems[1].onset</c>).</summary>
public sealed record GpExtractProblem(
    string Path,
    GpExtractProblemKind Kind,
    string Message,
    GpExtractProblemSeverity Severity = GpExtractProblemSeverity.Error)
{
    public bool IsError => Severity == GpExtractProblemSeverity.Error;

    public override string ToString() => $"{Severity} {Kind} at {Path}: {Message}";
}
