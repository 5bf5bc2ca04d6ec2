using System.Text;
using Hl7.Fhir.Model;
using Interop.Api.Fhir;
using Interop.Api.Security;
using Interop.Core.Access;
using Interop.Core.Known;

namespace Interop.Api.Audit;

/// <summary>
/// Builds one AuditEvent per interaction in the shape of IHE BALP (PatientRead, PatientQuery,
/// Create/Update/Delete), naming the user, organisation, role, purpose of use, token id, request
/// id, outcome, the patients concerned and the consent ledger entries the decision used.
/// </summary>
public static class AuditEventBuilder
{
    public static AuditEvent Build(HttpContext http, RequestContext who, FhirInteraction? interaction, int status,
        IReadOnlyCollection<string> patients, IReadOnlyCollection<long> ledgerEntries, IReadOnlyCollection<(string Type, string Id)> released, string? note)
    {
        var (subtype, action) = interaction switch
        {
            FhirInteraction.Read => ("read", AuditEvent.AuditEventAction.R),
            FhirInteraction.VRead => ("vread", AuditEvent.AuditEventAction.R),
            FhirInteraction.HistoryInstance => ("history-instance", AuditEvent.AuditEventAction.R),
            FhirInteraction.HistoryType => ("history-type", AuditEvent.AuditEventAction.R),
            FhirInteraction.HistorySystem => ("history-system", AuditEvent.AuditEventAction.R),
            FhirInteraction.SearchType => ("search-type", AuditEvent.AuditEventAction.E),
            FhirInteraction.SearchSystem => ("search-system", AuditEvent.AuditEventAction.E),
            FhirInteraction.Create => ("create", AuditEvent.AuditEventAction.C),
            FhirInteraction.Update => ("update", AuditEvent.AuditEventAction.U),
            FhirInteraction.Patch => ("patch", AuditEvent.AuditEventAction.U),
            FhirInteraction.Delete => ("delete", AuditEvent.AuditEventAction.D),
            FhirInteraction.Transaction => ("transaction", AuditEvent.AuditEventAction.E),
            _ => ("operation", AuditEvent.AuditEventAction.E),
        };
        var outcome = status switch
        {
            < 400 => AuditEvent.AuditEventOutcome.N0,
            401 or 403 or 404 or 410 => AuditEvent.AuditEventOutcome.N4,
            < 500 => AuditEvent.AuditEventOutcome.N4,
            _ => AuditEvent.AuditEventOutcome.N8,
        };
        var e = new AuditEvent
        {
            Type = new Coding(KnownAudit.EventType, "rest", "RESTful Operation"),
            Subtype = [new Coding(KnownAudit.RestfulInteraction, subtype)],
            Action = action,
            Recorded = DateTimeOffset.UtcNow,
            Outcome = outcome,
            OutcomeDesc = $"{status} {note}".Trim(),
            PurposeOfEvent = [new CodeableConcept(KnownSystems.V3ActReason, who.PurposeOfUse)],
            Source = new AuditEvent.SourceComponent
            {
                Observer = new ResourceReference { Display = "Interop gateway" },
                Type = [new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server")],
            },
        };

        // The user (requestor), BALP: type IRCP, with role, name, token id and purpose of use.
        var user = new AuditEvent.AgentComponent
        {
            Type = new CodeableConcept(KnownSystems.V3ParticipationType, "IRCP", "information recipient"),
            Who = new ResourceReference { Identifier = new Identifier($"{KnownSystems.InteropBase}/Id/user", string.IsNullOrEmpty(who.UserId) ? "anonymous" : who.UserId), Display = NonEmpty(who.UserName) ?? NonEmpty(who.UserId) },
            Requestor = true,
            Role = string.IsNullOrEmpty(who.Role) ? [] : [new CodeableConcept(KnownSystems.Role, who.Role)],
            PurposeOfUse = [new CodeableConcept(KnownSystems.V3ActReason, who.PurposeOfUse)],
            Policy = who.TokenId is null ? [] : [$"urn:ietf:params:oauth:jti:{who.TokenId}"],
            Name = NonEmpty(who.UserName),
        };
        e.Agent.Add(user);
        if (!string.IsNullOrEmpty(who.Organization))
        {
            e.Agent.Add(new AuditEvent.AgentComponent
            {
                Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-RoleClass", "PROV", "healthcare provider"),
                Who = new ResourceReference { Identifier = new Identifier(KnownSystems.OdsOrganisationCode, who.Organization), Display = who.Organization },
                Requestor = false,
            });
        }
        e.Agent.Add(new AuditEvent.AgentComponent
        {
            Type = new CodeableConcept(KnownAudit.Dicom, "110153", "Source Role ID"),
            Who = new ResourceReference { Display = "Interop gateway" },
            Requestor = false,
            Network = new AuditEvent.NetworkComponent { Address = http.Request.Host.Host, Type = AuditEvent.AuditEventAgentNetworkType.N1 },
        });

        foreach (var patient in patients.Order(StringComparer.Ordinal))
        {
            e.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference($"Patient/{patient}"),
                Type = new Coding(KnownAudit.EntityType, "1", "Person"),
                Role = new Coding(KnownAudit.ObjectRole, "1", "Patient"),
            });
        }
        foreach (var (type, id) in released.Take(50))
        {
            e.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference($"{type}/{id}"),
                Type = new Coding(KnownAudit.EntityType, "2", "System Object"),
                Role = new Coding(KnownAudit.ObjectRole, "4", "Domain Resource"),
            });
        }
        if (interaction is FhirInteraction.SearchType or FhirInteraction.SearchSystem or FhirInteraction.HistoryType or FhirInteraction.HistorySystem)
        {
            var query = $"{http.Request.Method} {http.Request.Path}{http.Request.QueryString}";
            e.Entity.Add(new AuditEvent.EntityComponent
            {
                Type = new Coding(KnownAudit.EntityType, "2", "System Object"),
                Role = new Coding(KnownAudit.ObjectRole, "24", "Query"),
                Query = Encoding.UTF8.GetBytes(query),
                Description = query,
            });
        }
        foreach (var sequence in ledgerEntries.Order())
        {
            e.Entity.Add(new AuditEvent.EntityComponent
            {
                Type = new Coding(KnownAudit.ResourceTypes, "Consent", "Consent"),
                Role = new Coding(KnownAudit.ObjectRole, "13", "Security Resource"),
                Name = $"consent-ledger-entry-{sequence}",
                Description = $"Consent ledger entry {sequence} was in force for this decision.",
            });
        }
        var requestEntity = new AuditEvent.EntityComponent { Type = new Coding(KnownAudit.EntityType, "4", "Other"), Description = "request" };
        // FHIR R4 datatypes.html#string: an empty string is not a valid value, so an unset request id is left out.
        if (!string.IsNullOrEmpty(who.RequestId))
            requestEntity.Detail.Add(new AuditEvent.DetailComponent { Type = "X-Request-Id", Value = new FhirString(who.RequestId) });
        requestEntity.Detail.Add(new AuditEvent.DetailComponent { Type = "Request", Value = new FhirString($"{http.Request.Method} {http.Request.Path}") });
        if (who.IsBreakGlass)
            requestEntity.Detail.Add(new AuditEvent.DetailComponent { Type = "X-Break-Glass-Reason", Value = new FhirString(who.BreakGlassReason) });
        e.Entity.Add(requestEntity);

        if (who.IsBreakGlass)
        {
            // Break-glass access is flagged for the privacy officer's review (domain notes 3.1).
            e.Meta = new Meta { Tag = [new Coding(KnownAudit.Review, "pending", "Break-glass access awaiting review")] };
            e.Subtype.Add(new Coding(KnownAudit.AuthZSubType, "AuthZ-Consent", "Consent authorization decision"));
        }
        return e;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
