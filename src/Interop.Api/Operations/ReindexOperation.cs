using System.Globalization;
using Hl7.Fhir.Model;
using Interop.Api.Audit;
using Interop.Api.Fhir;
using Interop.Api.Security;
using Interop.Core.Fhir;
using Interop.Storage;
using Interop.Storage.Entities;
using Interop.Storage.Search;

namespace Interop.Api.Operations;

/// <summary>
/// <c>POST /fhir/$reindex</c> (optional Parameters <c>type</c>) and <c>POST /fhir/{type}/$reindex</c>
/// queue a job that rebuilds the search index rows of the current resources, so custom
/// SearchParameters cover data stored before them; the answer is <c>202 Accepted</c> with
/// <c>Content-Location</c> naming <c>GET /fhir/$reindex-status/{job}</c>, which answers the job's
/// progress as Parameters. The work is done by <see cref="ReindexWorker"/>. Only the operator's own
/// system token may start a job or read its status; every call is audited like any other.
/// </summary>
public static class ReindexOperation
{
    /// <summary>The path of a job's status, relative to the FHIR base.</summary>
    public static string StatusPath(long jobId) => $"$reindex-status/{jobId.ToString(CultureInfo.InvariantCulture)}";

    public static async Task<IResult> StartSystem(HttpContext http, FhirRequestBody body, RequestContext caller, AuditScope audit,
        ReindexJobs jobs, ReindexWorker worker, CancellationToken ct)
    {
        RequireOperator(caller);
        var type = await TypeFromBodyAsync(http, body, ct);
        return await StartAsync(http, type, audit, jobs, worker, ct);
    }

    public static async Task<IResult> StartType(string type, HttpContext http, RequestContext caller, AuditScope audit,
        ReindexJobs jobs, ReindexWorker worker, CancellationToken ct)
    {
        RequireOperator(caller);
        FhirRoutes.RequireKnownType(type);
        return await StartAsync(http, type, audit, jobs, worker, ct);
    }

    public static async Task<IResult> Status(string id, RequestContext caller, ReindexJobs jobs, CancellationToken ct)
    {
        RequireOperator(caller);
        var job = long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var jobId) ? await jobs.FindAsync(jobId, ct) : null;
        if (job is null) throw FhirException.NotFound($"There is no reindex job '{id}'.");
        return FhirResponse.Of(Describe(job));
    }

    /// <summary>The status Parameters of a job (contracts: job, status, resourceType, processed, total, created, started, finished, error).</summary>
    public static Parameters Describe(ReindexJobRow job)
    {
        var parameters = new Parameters();
        parameters.Add("job", new FhirString(job.Id.ToString(CultureInfo.InvariantCulture)));
        parameters.Add("status", new Code(job.Status));
        if (job.ResourceType is not null) parameters.Add("resourceType", new Code(job.ResourceType));
        parameters.Add("processed", new Integer(Clamp(job.Done)));
        parameters.Add("total", new Integer(Clamp(job.Total)));
        parameters.Add("created", new Instant(Instants.FromStored(job.Created)));
        if (job.Started is { } started) parameters.Add("started", new Instant(Instants.FromStored(started)));
        if (job.Finished is { } finished) parameters.Add("finished", new Instant(Instants.FromStored(finished)));
        if (job.Error is not null) parameters.Add("error", new FhirString(job.Error));
        return parameters;
    }

    private static async Task<IResult> StartAsync(HttpContext http, string? type, AuditScope audit, ReindexJobs jobs, ReindexWorker worker, CancellationToken ct)
    {
        var job = await jobs.CreateAsync(type, ct);
        worker.Wake();
        audit.Note = $"reindex job {job.Id} queued for {type ?? "every resource type"} ({job.Total} resources)";
        var response = FhirResponse.Of(Describe(job), StatusCodes.Status202Accepted);
        response.Headers["Content-Location"] = $"{FhirRoutes.BaseUrl(http)}/{StatusPath(job.Id)}";
        return response;
    }

    /// <summary>
    /// Rebuilding every index is an operator's task, like registering participating Organizations:
    /// only the operator's own system token (Auth:AdminOrganization, role system) may.
    /// </summary>
    private static void RequireOperator(RequestContext caller)
    {
        if (!caller.IsAuthenticated)
            throw new FhirException(401, Outcomes.Single(OperationOutcome.IssueType.Login, "No bearer token was sent.", FhirErrorCode.Unauthenticated));
        if (!caller.IsAdministrator)
            throw FhirException.Forbidden("$reindex is for the operator's own system token (Auth:AdminOrganization with role 'system').", FhirErrorCode.InsufficientScope);
    }

    /// <summary>The optional <c>type</c> of a system-level call's Parameters body; every problem with the body is reported.</summary>
    private static async Task<string?> TypeFromBodyAsync(HttpContext http, FhirRequestBody body, CancellationToken ct)
    {
        if (http.Request.ContentLength == 0 || (http.Request.ContentLength is null && http.Request.ContentType is null)) return null;
        var bytes = await body.ReadBytesAsync(http.Request, ct);
        if (bytes.Length == 0) return null;
        var resource = FhirSerialization.Parse(bytes, FhirMediaTypes.RequestFormat(http.Request, bytes));
        if (resource is not Parameters parameters)
            throw FhirException.BadRequest($"$reindex takes a Parameters body (or none), not {resource.TypeName}.");

        var outcome = new OperationOutcome();
        void Problem(string message, string expression) =>
            outcome.Issue.Add(Outcomes.Issue(OperationOutcome.IssueType.Invalid, message, FhirErrorCode.InvalidRequest, expression));
        string? type = null;
        for (var i = 0; i < parameters.Parameter.Count; i++)
        {
            var parameter = parameters.Parameter[i];
            var path = $"Parameters.parameter[{i}]";
            if (parameter.Name != "type")
            {
                Problem($"$reindex has no parameter '{parameter.Name}'; it takes only 'type'.", path);
                continue;
            }
            var value = parameter.Value switch
            {
                Code code => code.Value,
                FhirString text => text.Value,
                _ => null,
            };
            if (string.IsNullOrWhiteSpace(value))
                Problem("'type' needs a valueCode naming a resource type.", path);
            else if (type is not null)
                Problem("'type' may be given once; start one job per type to reindex several.", path);
            else if (!ModelInfo.IsKnownResource(value) || value is "Resource" or "DomainResource")
                Problem($"'{value}' is not a FHIR R4 resource type.", path);
            else
                type = value;
        }
        if (outcome.Issue.Count > 0) throw new FhirException(400, outcome);
        return type;
    }

    private static int Clamp(long value) => (int)Math.Min(value, int.MaxValue);
}
