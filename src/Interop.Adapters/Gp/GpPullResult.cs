namespace Interop.Adapters.Gp;

/// <summary>The outcome of <see cref="GpPracticeClient.PullExtractAsync"/>: an extract, or a typed failure.</summary>
public sealed class GpPullResult
{
    private GpPullResult(GpExtract? extract, GpPullFailure failure, string? detail, int? statusCode, IReadOnlyList<GpExtractProblem> problems)
    {
        Extract = extract;
        Failure = failure;
        Detail = detail;
        StatusCode = statusCode;
        Problems = problems;
    }

    /// <summary>The valid extract when <see cref="Succeeded"/>.</summary>
    public GpExtract? Extract { get; }

    public GpPullFailure Failure { get; }

    /// <summary>Human-readable reason for the failure, fit for an OperationOutcome warning.</summary>
    public string? Detail { get; }

    /// <summary>The practice's HTTP status when it answered.</summary>
    public int? StatusCode { get; }

    /// <summary>Problems found in the body: the errors for <see cref="GpPullFailure.InvalidBody"/>, warnings otherwise.</summary>
    public IReadOnlyList<GpExtractProblem> Problems { get; }

    public bool Succeeded => Failure == GpPullFailure.None;

    internal static GpPullResult Success(GpExtract extract, IReadOnlyList<GpExtractProblem> warnings) =>
        new(extract, GpPullFailure.None, null, 200, warnings);

    internal static GpPullResult Failed(GpPullFailure failure, string detail, int? statusCode = null, IReadOnlyList<GpExtractProblem>? problems = null) =>
        new(null, failure, detail, statusCode, problems ?? []);
}
