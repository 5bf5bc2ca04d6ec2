namespace Interop.Adapters.Gp;

/// <summary>
/// What <see cref="GpExtractReader"/> made of a body: the extract when the JSON could be deserialized (even if it
/// has content problems) and every problem found.
/// </summary>
public sealed class GpExtractReadResult
{
    public GpExtractReadResult(GpExtract? extract, IReadOnlyList<GpExtractProblem> problems)
    {
        Extract = extract;
        Problems = problems;
    }

    public GpExtract? Extract { get; }
    public IReadOnlyList<GpExtractProblem> Problems { get; }

    /// <summary>True when the extract was read and has no error (warnings allowed): it can be mapped.</summary>
    public bool IsValid => Extract is not null && !Problems.Any(p => p.IsError);
}
