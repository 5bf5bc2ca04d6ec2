using System.Globalization;
using System.Text;
using Hl7.Fhir.Model;
using Interop.Api.Fhir;
using Interop.Api.Security;
using Interop.Core.Access;
using Interop.Core.Fhir;

namespace Interop.Api.Import;

/// <summary>
/// <c>POST /fhir/$import</c> with an NDJSON body (<c>application/fhir+ndjson</c>: one resource per
/// line, types may be mixed). Synchronous: every line is written as an upsert through the transaction
/// code path (<see cref="ImportWriter"/>, the rules of <see cref="ImportBundles"/>), and the answer is
/// an OperationOutcome with the counts and one error issue per line that was not stored, naming the
/// line. Good lines are stored even when others fail. Needs a system token whose scopes allow create
/// and update on every type in the body.
/// </summary>
public static class ImportOperation
{
    /// <summary>Media types accepted for the body (the FHIR bulk data format and the generic NDJSON names).</summary>
    public static readonly string[] MediaTypes = ["application/fhir+ndjson", "application/ndjson", "application/x-ndjson"];

    /// <summary>Lines per database transaction; a failing chunk is retried line by line.</summary>
    private const int LinesPerUnit = BulkImporter.NdjsonLinesPerUnit;

    public static async Task<IResult> Import(HttpContext http, FhirRequestBody body, RequestContext caller, AccessGuard guard, ImportWriter writer, CancellationToken ct)
    {
        var mediaType = http.Request.ContentType?.Split(';')[0].Trim();
        if (mediaType is null || !MediaTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
            throw FhirException.UnsupportedMediaType($"$import takes NDJSON ({string.Join(", ", MediaTypes)}), not '{http.Request.ContentType}'.");
        if (caller.IsAuthenticated && caller.Role != KnownRoles.System)
            throw FhirException.Forbidden("$import is for system clients: it needs a token with role 'system' and system/ scopes.", FhirErrorCode.InsufficientScope);

        var bytes = await body.ReadBytesAsync(http.Request, ct);
        using var reader = new StringReader(Encoding.UTF8.GetString(bytes));
        var lines = NdjsonReader.Read(reader).ToList();
        if (lines.Count == 0) throw FhirException.BadRequest("The body has no lines; $import takes one FHIR resource per line.");

        var tally = new ImportTally();
        const string source = "body";
        var allowed = new List<NdjsonLine>();
        foreach (var line in lines)
        {
            if (line.Resource is not { } resource)
            {
                tally.Fail(new ImportProblem(source, line.LineNumber, line.Error!));
                continue;
            }
            try
            {
                // An upsert may create or update, so both are needed (SMART c and u).
                guard.Require(resource.TypeName, 'c');
                guard.Require(resource.TypeName, 'u');
                allowed.Add(line);
            }
            catch (FhirException ex)
            {
                tally.Fail(new ImportProblem(source, line.LineNumber, string.Join("; ", ex.Outcome.Issue.Select(i => i.Diagnostics))));
            }
        }

        var units = allowed.Chunk(LinesPerUnit)
            .Select(chunk => new ImportUnit(source, ImportBundles.FromLines(chunk)) { LineNumbers = chunk.Select(l => l.LineNumber).ToList() })
            .ToList();
        await writer.WriteAsync(units, TransactionContext.For(http) with { ReturnRepresentation = false }, tally, ct);

        return FhirResponse.Of(Outcome(lines.Count, tally));
    }

    private static OperationOutcome Outcome(int lines, ImportTally tally)
    {
        var failed = tally.Problems.Select(p => p.Line).Distinct().Count();
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"Imported {tally.Resources} of {lines} lines: {tally.Created} created, {tally.Updated} updated or unchanged, {failed} failed.");
        var outcome = Outcomes.Information(summary);
        foreach (var problem in tally.Problems.OrderBy(p => p.Line))
        {
            var message = string.Create(CultureInfo.InvariantCulture, $"line {problem.Line}: {problem.Message}");
            outcome.Issue.Add(Outcomes.Issue(OperationOutcome.IssueType.Processing, message, FhirErrorCode.InvalidRequest));
        }
        return outcome;
    }
}
