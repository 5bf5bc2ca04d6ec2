using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Interop.Core.Known;

namespace Interop.Core.Fhir;

/// <summary>
/// A failure that maps to one HTTP status and one OperationOutcome listing every problem found.
/// Thrown anywhere below an endpoint; the API's exception handler turns it into the response.
/// </summary>
public class FhirException : Exception
{
    public FhirException(int statusCode, OperationOutcome outcome)
        : base(Summarise(outcome))
    {
        StatusCode = statusCode;
        Outcome = outcome;
    }

    public int StatusCode { get; }

    public OperationOutcome Outcome { get; }

    /// <summary>Extra response headers (for example <c>WWW-Authenticate</c> on a 401).</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public static FhirException BadRequest(string message, string detailCode = FhirErrorCode.InvalidRequest, string? expression = null) =>
        new(400, Outcomes.Single(OperationOutcome.IssueType.Invalid, message, detailCode, expression));

    public static FhirException NotFound(string message) =>
        new(404, Outcomes.Single(OperationOutcome.IssueType.NotFound, message, FhirErrorCode.ResourceNotFound));

    public static FhirException Gone(string message) =>
        new(410, Outcomes.Single(OperationOutcome.IssueType.Deleted, message, FhirErrorCode.ResourceDeleted));

    public static FhirException Conflict(string message) =>
        new(409, Outcomes.Single(OperationOutcome.IssueType.Conflict, message, FhirErrorCode.VersionConflict));

    public static FhirException PreconditionFailed(string message) =>
        new(412, Outcomes.Single(OperationOutcome.IssueType.Conflict, message, FhirErrorCode.VersionConflict));

    public static FhirException TooLarge(string message) =>
        new(413, Outcomes.Single(OperationOutcome.IssueType.TooLong, message, FhirErrorCode.TooLarge));

    public static FhirException UnsupportedMediaType(string message) =>
        new(415, Outcomes.Single(OperationOutcome.IssueType.NotSupported, message, FhirErrorCode.UnsupportedFormat));

    public static FhirException NotAcceptable(string message) =>
        new(406, Outcomes.Single(OperationOutcome.IssueType.NotSupported, message, FhirErrorCode.UnsupportedFormat));

    public static FhirException Forbidden(string message, string detailCode) =>
        new(403, Outcomes.Single(OperationOutcome.IssueType.Forbidden, message, detailCode));

    public static FhirException Unprocessable(OperationOutcome outcome) => new(422, outcome);

    private static string Summarise(OperationOutcome outcome) =>
        string.Join("; ", outcome.Issue.Select(i => i.Diagnostics ?? i.Details?.Text ?? i.Code?.ToString() ?? "error"));
}
