using System.Text;
using Hl7.Fhir.Model;
using Interop.Adapters.Council;
using Interop.Adapters.Gp;
using Interop.Adapters.Hl7v2;
using Interop.Api.Fhir;
using Interop.Api.Security;
using Interop.Core.Fhir;
using Task = System.Threading.Tasks.Task;

namespace Interop.Api.Adapters;

/// <summary>
/// The <c>/adapters</c> endpoints (contracts.md, "Adapters"): read the partner's format, map it
/// with the pure adapter, store through <see cref="AdapterBundleWriter"/>, answer in the partner's
/// terms. Errors are OperationOutcomes (the exception handler treats <c>/adapters</c> like <c>/fhir</c>).
/// </summary>
public static class AdapterHandlers
{
    public const string Hl7v2MediaType = "x-application/hl7-v2+er7";

    private static readonly string[] Hl7v2MediaTypes = [Hl7v2MediaType, "application/hl7-v2", "text/plain"];

    /// <summary><c>POST /adapters/hospital/hl7v2</c>: one or more messages in, their ACKs out (200 whatever the ACK says, as HL7 over HTTP does).</summary>
    public static async Task<IResult> PostHl7v2(HttpContext http, Hl7v2MessageIngest ingest, AccessGuard guard, CancellationToken ct)
    {
        RequireMediaType(http, Hl7v2MediaTypes);
        guard.Require("Patient", 'c');
        guard.Require("Encounter", 'u');
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, ct);
        var text = Hl7v2TextDecoder.Decode(buffer.ToArray());
        var ack = await ingest.HandleAsync(text, http, ct);
        return Results.Text(ack, Hl7v2MediaType, Encoding.UTF8, 200);
    }

    /// <summary><c>POST /adapters/gp/extract</c>: the transaction-response; problems as an OperationOutcome naming JSON paths.</summary>
    public static async Task<IResult> PostGpExtract(HttpContext http, AdapterBundleWriter writer, AccessGuard guard, CancellationToken ct)
    {
        RequireMediaType(http, ["application/json", "application/fhir+json", "text/json"]);
        guard.Require("Patient", 'u');
        var read = await GpExtractReader.ReadAsync(http.Request.Body, ct);
        if (!read.IsValid) throw ExtractProblems(read.Problems);
        var mapped = GpExtractMapper.Map(read.Extract!);
        if (!mapped.Succeeded) throw ExtractProblems(mapped.Problems);
        var written = await writer.WriteAsync(mapped.Transaction!, $"GP practice {read.Extract!.Practice?.OdsCode}", http, ct);
        var warnings = mapped.Problems.Where(p => !p.IsError).Select(p => Issue(p, OperationOutcome.IssueSeverity.Warning)).Concat(written.Warnings).ToList();
        AddWarningsEntry(written.Response, warnings);
        return FhirResponse.Of(written.Response);
    }

    /// <summary>
    /// <c>POST /adapters/council/assessments</c>: each good row stored on its own. Answers a
    /// batch-response with one entry per data row (in row order) and, last, the OperationOutcome
    /// naming row and column of every problem. A file none of whose rows could be read is a 400.
    /// </summary>
    public static async Task<IResult> PostCouncilAssessments(HttpContext http, AdapterBundleWriter writer, AccessGuard guard, CancellationToken ct)
    {
        RequireMediaType(http, ["text/csv", "application/csv", "application/json", "text/json"]);
        guard.Require("Patient", 'c');
        guard.Require("Task", 'u');
        var read = await CouncilAssessmentReader.ReadAsync(http.Request.Body, http.Request.ContentType, ct);
        var mapped = CouncilAssessmentMapper.MapAll(read);
        if (mapped.Bundles.Count == 0 && mapped.HasErrors) throw new FhirException(400, mapped.Problems);

        var outcome = mapped.Problems;
        var bundles = mapped.Bundles.ToDictionary(b => b.RowNumber);
        var response = new BundleDocument { Type = Bundle.BundleType.BatchResponse };
        for (var row = 1; row <= read.RowCount; row++)
        {
            var rowIssues = outcome.Issue.Where(i => i.Expression.Any(e => e == $"row[{row}]" || e!.StartsWith($"row[{row}].", StringComparison.Ordinal))).ToList();
            if (!bundles.TryGetValue(row, out var rowBundle))
            {
                response.Entries.Add(new BundleEntry { ResponseStatus = "400 Bad Request", ResponseOutcome = new OperationOutcome { Issue = rowIssues } });
                continue;
            }
            try
            {
                var written = await writer.WriteAsync(rowBundle.Bundle, $"council {rowBundle.Bundle.Entry.Select(e => e.Resource).OfType<Organization>().FirstOrDefault()?.Name ?? "assessment"}", http, ct);
                var warnings = rowIssues.Concat(written.Warnings).ToList();
                response.Entries.Add(new BundleEntry
                {
                    ResponseStatus = "200 OK",
                    ResponseLocation = written.LocationOf("Task"),
                    ResponseOutcome = warnings.Count > 0 ? new OperationOutcome { Issue = warnings } : null,
                });
                outcome.Issue.AddRange(written.Warnings.Select(w => WithExpression(w, $"row[{row}]")));
            }
            catch (FhirException e)
            {
                var located = e.Outcome.Issue.Select(i => WithExpression(i, $"row[{row}]")).ToList();
                outcome.Issue.AddRange(located);
                response.Entries.Add(new BundleEntry { ResponseStatus = $"{e.StatusCode}", ResponseOutcome = new OperationOutcome { Issue = located } });
            }
        }
        response.Entries.Add(new BundleEntry { FullUrl = $"urn:uuid:{Guid.NewGuid()}", Resource = outcome, ResponseStatus = "200 OK" });
        return FhirResponse.Of(response);
    }

    private static void RequireMediaType(HttpContext http, IReadOnlyList<string> accepted)
    {
        var contentType = http.Request.ContentType;
        var mediaType = contentType?.Split(';')[0].Trim();
        if (mediaType is null || !accepted.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
            throw FhirException.UnsupportedMediaType($"Content-Type '{contentType}' is not accepted here; send {string.Join(" or ", accepted)}.");
    }

    /// <summary>400 for unreadable JSON or an invalid NHS number (contracts.md), otherwise 422; one issue per problem.</summary>
    private static FhirException ExtractProblems(IReadOnlyList<GpExtractProblem> problems)
    {
        var outcome = new OperationOutcome { Issue = problems.Select(p => Issue(p, p.IsError ? OperationOutcome.IssueSeverity.Error : OperationOutcome.IssueSeverity.Warning)).ToList() };
        var status = problems.Any(p => p.IsError && p.Kind is GpExtractProblemKind.MalformedJson or GpExtractProblemKind.InvalidNhsNumber) ? 400 : 422;
        return new FhirException(status, outcome);
    }

    private static OperationOutcome.IssueComponent Issue(GpExtractProblem problem, OperationOutcome.IssueSeverity severity)
    {
        var issue = Outcomes.Issue(problem.Kind switch
            {
                GpExtractProblemKind.MissingField => OperationOutcome.IssueType.Required,
                GpExtractProblemKind.UnknownValue => OperationOutcome.IssueType.CodeInvalid,
                GpExtractProblemKind.MalformedJson => OperationOutcome.IssueType.Structure,
                _ => OperationOutcome.IssueType.Invalid,
            }, problem.Message,
            problem.Kind == GpExtractProblemKind.InvalidNhsNumber ? FhirErrorCode.InvalidNhsNumber : FhirErrorCode.InvalidRequest,
            problem.Path);
        issue.Severity = severity;
        return issue;
    }

    /// <summary>Warnings ride in one extra, last entry holding an OperationOutcome (R4 Bundle has no issues element).</summary>
    private static void AddWarningsEntry(BundleDocument response, IReadOnlyList<OperationOutcome.IssueComponent> warnings)
    {
        if (warnings.Count == 0) return;
        response.Entries.Add(new BundleEntry { FullUrl = $"urn:uuid:{Guid.NewGuid()}", Resource = new OperationOutcome { Issue = [.. warnings] }, ResponseStatus = "200 OK" });
    }

    private static OperationOutcome.IssueComponent WithExpression(OperationOutcome.IssueComponent issue, string prefix)
    {
        var copy = (OperationOutcome.IssueComponent)issue.DeepCopy();
        copy.Expression = !copy.Expression.Any() ? [prefix] : [.. copy.Expression.Select(e => $"{prefix}.{e}")];
        return copy;
    }
}
