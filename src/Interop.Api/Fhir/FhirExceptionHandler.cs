using System.Diagnostics;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Interop.Core.Fhir;
using Microsoft.AspNetCore.Diagnostics;

namespace Interop.Api.Fhir;

/// <summary>
/// The one place exceptions become responses (style.md, "Errors"): an OperationOutcome whose id
/// is the trace id on /fhir and /adapters, ProblemDetails elsewhere. Unexpected exceptions are
/// logged and answered without their details.
/// </summary>
public sealed class FhirExceptionHandler(ILogger<FhirExceptionHandler> logger, IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, outcome, headers) = Classify(exception);
        if (status >= 500)
            logger.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);

        if (!IsFhirRoute(httpContext.Request.Path))
        {
            httpContext.Response.StatusCode = status;
            return await problemDetails.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                Exception = exception,
                ProblemDetails = { Status = status, Title = outcome.Issue.FirstOrDefault()?.Diagnostics },
            });
        }

        outcome.Id = Activity.Current?.TraceId.ToString() ?? httpContext.TraceIdentifier;
        await AuditRefusalAsync(httpContext, status, outcome);
        if (status is >= 400 and < 500)
            Interop.Core.Telemetry.InteropMetrics.RecordClientError(status, outcome.Issue.FirstOrDefault()?.Details?.Coding.FirstOrDefault()?.Code);
        var response = FhirResponse.Of(outcome, status);
        foreach (var (k, v) in headers) response.Headers[k] = v;
        try
        {
            await response.ExecuteAsync(httpContext);
        }
        catch (FhirException)
        {
            // The Accept header itself was unacceptable: answer the error in JSON regardless.
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = FhirMediaTypes.ContentType(FhirFormat.Json);
            await httpContext.Response.WriteAsync(FhirSerialization.ToJson(outcome), cancellationToken);
        }
        return true;
    }

    /// <summary>Refusals and failures are audited like successes (IHE BALP; GP Connect audit minimum).</summary>
    private async Task AuditRefusalAsync(HttpContext http, int status, OperationOutcome outcome)
    {
        try
        {
            var recorder = http.RequestServices.GetService<Audit.AuditRecorder>();
            if (recorder is not null)
                await recorder.RecordAsync(http, status, null, outcome.Issue.FirstOrDefault()?.Details?.Coding.FirstOrDefault()?.Code ?? outcome.Issue.FirstOrDefault()?.Diagnostics);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not audit a refused request ({Status})", status);
        }
    }

    public static bool IsFhirRoute(PathString path) =>
        path.StartsWithSegments("/fhir") || path.StartsWithSegments("/adapters");

    private static (int Status, OperationOutcome Outcome, IDictionary<string, string> Headers) Classify(Exception exception) => exception switch
    {
        FhirException fe => (fe.StatusCode, fe.Outcome, fe.Headers),
        BadHttpRequestException { StatusCode: 413 } => (413, Outcomes.Single(OperationOutcome.IssueType.TooLong, "The request body is too large.", FhirErrorCode.TooLarge), new Dictionary<string, string>()),
        BadHttpRequestException bad => (bad.StatusCode, Outcomes.Single(OperationOutcome.IssueType.Invalid, bad.Message, FhirErrorCode.InvalidRequest), new Dictionary<string, string>()),
        OperationCanceledException => (499, Outcomes.Single(OperationOutcome.IssueType.Incomplete, "The request was cancelled."), new Dictionary<string, string>()),
        _ => (500, Outcomes.Single(OperationOutcome.IssueType.Exception, "An unexpected error occurred; it has been logged with this outcome's id.", FhirErrorCode.InternalError), new Dictionary<string, string>()),
    };
}
