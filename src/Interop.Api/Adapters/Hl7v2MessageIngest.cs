using System.Text;
using Interop.Adapters.Hl7v2;
using Interop.Core.Fhir;
using Interop.Storage;
using Interop.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Interop.Api.Adapters;

/// <summary>
/// One HL7 v2 body (HTTP or one MLLP frame) in, the ACK(s) out, in message order
/// (docs/adapters/hl7v2.md): parse, map each message, store its transaction with
/// <see cref="AdapterBundleWriter"/>, apply A40 merges, queue council discharge notifications for
/// A03, and remember the message by MSH-4 + MSH-10 - all in one database transaction, so a resent
/// message is answered with the ACK it got the first time and stored once.
/// </summary>
public sealed class Hl7v2MessageIngest(
    ResourceStore store,
    AdapterBundleWriter writer,
    PatientMergeApplier merges,
    DischargeNotificationOutbox outbox,
    Hl7v2AckBuilder acks,
    Hl7v2ToFhirMapper mapper,
    Audit.AuditMaterializer audit,
    TimeProvider time,
    ILogger<Hl7v2MessageIngest> logger)
{
    /// <summary>Handles every message of <paramref name="body"/>; never throws for content, only for cancellation.</summary>
    public async Task<string> HandleAsync(string body, HttpContext http, CancellationToken ct)
    {
        var parse = new Hl7v2Parser().Parse(body);
        if (parse.Messages.Count == 0) return acks.BuildUnreadable(ProblemsOrDefault(parse.Problems));
        var answer = new StringBuilder();
        foreach (var message in parse.Messages) answer.Append(await HandleMessageAsync(message, http, ct));
        return answer.ToString();
    }

    /// <summary>AE for every message of <paramref name="body"/> with <paramref name="reason"/>: when the gateway cannot take messages at all (e.g. the MLLP identity is not registered).</summary>
    public string RefuseAll(string body, string reason)
    {
        var parse = new Hl7v2Parser().Parse(body);
        var problem = new Hl7v2Problem(Hl7v2Severity.Error, Hl7v2ErrorCode.ApplicationInternalError, reason);
        if (parse.Messages.Count == 0) return acks.BuildUnreadable([problem with { Rejects = true }]);
        return string.Concat(parse.Messages.Select(m => acks.Build(m, Hl7v2AckCode.AE, [problem])));
    }

    private async Task<string> HandleMessageAsync(Hl7v2Message message, HttpContext http, CancellationToken ct)
    {
        var result = mapper.Map(message);
        if (result.Transaction is null || result.AckCode != Hl7v2AckCode.AA) return acks.Build(message, result);
        var facility = result.SendingFacility ?? "";
        var controlId = result.ControlId!;
        try
        {
            // A merge copies the retired patient's access log to the survivor (PatientMergeApplier): the
            // accesses answered so far are stored as AuditEvents first, outside the message's transaction.
            if (result.Merges.Count > 0) await audit.CatchUpAsync(ct);
            return await store.InTransactionAsync(async () =>
            {
                var db = store.Db;
                var seen = await db.Hl7ProcessedMessages.AsNoTracking()
                    .FirstOrDefaultAsync(m => m.SendingFacility == facility && m.ControlId == controlId, ct);
                if (seen is not null)
                {
                    logger.LogInformation("HL7 v2 message {ControlId} from {Facility} was already stored; answering its original ACK", controlId, facility);
                    return seen.AckText;
                }

                var problems = result.Problems.ToList();
                var written = await writer.WriteAsync(result.Transaction, Source(result), http, ct);
                problems.AddRange(written.Warnings.Select(w => new Hl7v2Problem(
                    Hl7v2Severity.Warning, Hl7v2ErrorCode.DuplicateKeyIdentifier, w.Diagnostics ?? "", "PID", 1, 3)));
                problems.AddRange(await merges.ApplyAsync(result.Merges, http, ct));
                if (result.TriggerEvent == "A03") await outbox.EnqueueAsync(written, ct);

                var ack = acks.Build(message, Hl7v2AckCode.AA, problems);
                db.Hl7ProcessedMessages.Add(new Hl7ProcessedMessageRow
                {
                    SendingFacility = facility,
                    ControlId = controlId,
                    ProcessedAt = Instants.ToStored(time.GetUtcNow()),
                    AckCode = Hl7v2AckCode.AA.ToString(),
                    AckText = ack,
                });
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                return ack;
            }, ct);
        }
        catch (FhirException e)
        {
            // The message was read but cannot be stored as it stands (invalid NHS number, an ambiguous
            // match, a refused scope): AE, nothing stored, and not remembered, so a corrected resend is processed.
            var problems = result.Problems.Concat(e.Outcome.Issue.Select(ToProblem)).ToList();
            return acks.Build(message, Hl7v2AckCode.AE, problems);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Storing HL7 v2 message {ControlId} from {Facility} failed", controlId, facility);
            return acks.Build(message, Hl7v2AckCode.AE, [.. result.Problems,
                new Hl7v2Problem(Hl7v2Severity.Error, Hl7v2ErrorCode.ApplicationInternalError, "The message could not be stored; send it again later.")]);
        }
    }

    private static string Source(Hl7v2MappingResult result) =>
        $"HL7 v2 sender {result.SendingApplication ?? "?"} at {result.SendingFacility ?? "?"}";

    private static Hl7v2Problem ToProblem(Hl7.Fhir.Model.OperationOutcome.IssueComponent issue)
    {
        var text = issue.Diagnostics ?? issue.Details?.Text ?? "The message could not be stored.";
        var nhs = issue.Details?.Coding.Any(c => c.Code == FhirErrorCode.InvalidNhsNumber) == true;
        return nhs
            ? new Hl7v2Problem(Hl7v2Severity.Error, Hl7v2ErrorCode.DataTypeError, text, "PID", 1, 3)
            : new Hl7v2Problem(Hl7v2Severity.Error, Hl7v2ErrorCode.ApplicationInternalError, text);
    }

    private static IReadOnlyList<Hl7v2Problem> ProblemsOrDefault(IReadOnlyList<Hl7v2Problem> problems) => problems.Count > 0
        ? problems
        : [new Hl7v2Problem(Hl7v2Severity.Error, Hl7v2ErrorCode.RequiredFieldMissing, "The body holds no HL7 v2 message (no MSH segment).", Rejects: true)];
}
