using System.Text;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Interop.Api.Fhir;
using Interop.Core.Consent;
using Interop.Core.Known;

namespace Interop.Api.Audit;

/// <summary>
/// Builds the AuditEvents of one interaction in the shape of IHE BALP (PatientRead, PatientQuery,
/// Create/Update/Delete). The full event (<see cref="Build"/>) names the user, organisation, role,
/// purpose of use, token id, request id and line, outcome, every patient concerned, the released
/// resources, the query and the consent ledger entries the decision used; it is labelled NOPAT, so
/// privacy officers and administrators read it and no patient token ever does. Each patient
/// concerned gets a view of their own (<see cref="BuildPatientView"/>): who looked, from which
/// organisation, why and when, and only those items of their own record they may see themselves
/// (docs/consent.md, "The patient's access log").
/// </summary>
public static partial class AuditEventBuilder
{
    /// <summary>At most this many released resources are named in one event, so a large answer does not make a huge audit row.</summary>
    public const int MaxReleasedNamed = 50;

    /// <summary>The full event, for the privacy officer's audit trail.</summary>
    public static AuditEvent Build(AuditEntry who, IReadOnlyCollection<string> patients, IReadOnlyCollection<long> ledgerEntries,
        IReadOnlyCollection<(string Type, string Id)> released)
    {
        var e = Skeleton(who, $"{who.Status} {who.Note}".Trim(), forPatient: false);
        // v3 ActCode NOPAT ("no disclosure to patient"): the full event names other patients, items
        // withheld from the patient and the raw request. ConsentFilter keeps NOPAT rows from patient
        // tokens in the SQL of every read, search, count, include, history and operation.
        e.Meta = new Meta { Security = [new Coding(KnownSystems.V3ActCode, SensitiveClasses.NoPatientDisclosure, "no disclosure to patient, family or caregivers")] };
        e.Agent.Add(new AuditEvent.AgentComponent
        {
            Type = new CodeableConcept(KnownAudit.Dicom, "110153", "Source Role ID"),
            Who = new ResourceReference { Display = "Interop gateway" },
            Requestor = false,
            Network = new AuditEvent.NetworkComponent { Address = who.Host, Type = AuditEvent.AuditEventAgentNetworkType.N1 },
        });

        foreach (var patient in patients.Order(StringComparer.Ordinal)) e.Entity.Add(PatientEntity(patient));
        foreach (var item in released.Take(MaxReleasedNamed)) e.Entity.Add(ReleasedEntity(item));
        if (who.Interaction is FhirInteraction.SearchType or FhirInteraction.SearchSystem or FhirInteraction.HistoryType or FhirInteraction.HistorySystem)
        {
            var query = $"{who.Method} {who.Path}{who.Query}";
            e.Entity.Add(new AuditEvent.EntityComponent
            {
                Type = new Coding(KnownAudit.EntityType, "2", "System Object"),
                Role = new Coding(KnownAudit.ObjectRole, "24", "Query"),
                Query = Encoding.UTF8.GetBytes(query),
                Description = query,
            });
        }
        foreach (var sequence in ledgerEntries.Order()) e.Entity.Add(LedgerEntity(sequence));
        var requestEntity = RequestEntity(who);
        requestEntity.Detail.Add(new AuditEvent.DetailComponent { Type = "Request", Value = new FhirString($"{who.Method} {who.Path}") });
        if (who.IsBreakGlass)
            requestEntity.Detail.Add(new AuditEvent.DetailComponent { Type = "X-Break-Glass-Reason", Value = new FhirString(who.BreakGlassReason) });
        e.Entity.Add(requestEntity);

        // Break-glass access is flagged for the privacy officer's review (domain notes 3.1).
        if (who.IsBreakGlass) e.Meta.Tag.Add(new Coding(KnownAudit.Review, "pending", "Break-glass access awaiting review"));
        return e;
    }

    /// <summary>
    /// What <paramref name="patient"/> is shown of the same interaction: the user (name, role, no
    /// token id), the organisation, the purpose of use, the time, the interaction and its outcome
    /// (status and the coded reason, never free text), the patient, the released items of their own
    /// record they may see (<paramref name="released"/>, already restricted by the caller), their
    /// own consent ledger entries and the request id (to quote to the privacy officer). Never the
    /// request line or query, other patients, NOPAT items or the break-glass reason's free text.
    /// Tagged <see cref="KnownAudit.View"/>|patient so that a privacy officer can tell it from the full event.
    /// </summary>
    /// <remarks>
    /// <paramref name="mergedFrom"/>: the access was to records an ADT^A40 merge had already folded into
    /// <paramref name="patient"/>'s (their retired patient ids); the patient entity says which, as a
    /// copy of a view from before the merge does (<see cref="ViewForSurvivor"/>).
    /// </remarks>
    public static AuditEvent BuildPatientView(AuditEntry who, string patient, IReadOnlyCollection<long> ledgerEntries,
        IReadOnlyCollection<(string Type, string Id)> released, IReadOnlyCollection<string>? mergedFrom = null)
    {
        var coded = who.Note is not null && ErrorCode().IsMatch(who.Note) ? $" {who.Note}" : "";
        var e = Skeleton(who, $"{who.Status}{coded}", forPatient: true);
        e.Meta = PatientViewMeta();
        var self = PatientEntity(patient);
        if (mergedFrom is { Count: > 0 })
            self.Description = $"An access to the record {string.Join(" and ", mergedFrom.Select(r => $"Patient/{r}"))}, merged into this one.";
        e.Entity.Add(self);
        foreach (var item in released.Where(r => !(r.Type == "Patient" && r.Id == patient)).Take(MaxReleasedNamed)) e.Entity.Add(ReleasedEntity(item));
        foreach (var sequence in ledgerEntries.Order()) e.Entity.Add(LedgerEntity(sequence));
        e.Entity.Add(RequestEntity(who));
        return e;
    }

    /// <summary>
    /// <paramref name="view"/>, a patient's view of an access to <paramref name="retired"/>'s record, as a
    /// view for <paramref name="survivor"/>, into whose record an ADT^A40 merge folded that record at
    /// <paramref name="mergedAt"/>: the same access, named in the survivor's log with a note saying which
    /// record it was. Null when <paramref name="view"/> is not a patient's view of <paramref name="retired"/>
    /// (the full event, or another patient's view).
    /// </summary>
    public static AuditEvent? ViewForSurvivor(AuditEvent view, string retired, string survivor, DateTimeOffset mergedAt)
    {
        if (view.Meta?.Tag.Any(t => t.System == KnownAudit.View && t.Code == KnownAudit.PatientView) != true) return null;
        var retiredReference = $"Patient/{retired}";
        var at = view.Entity.FindIndex(e => e.Role?.System == KnownAudit.ObjectRole && e.Role.Code == "1" && e.What?.Reference == retiredReference);
        if (at < 0) return null;
        var copy = (AuditEvent)view.DeepCopy();
        copy.Id = null;
        copy.Meta = PatientViewMeta();
        var patient = PatientEntity(survivor);
        patient.Description = $"An access to the record {retiredReference}, merged into this one on {mergedAt.UtcDateTime:yyyy-MM-dd}.";
        copy.Entity[at] = patient;
        return copy;
    }

    /// <summary>
    /// Stands in for a journal row that could not be read (it should not happen): the raw text is kept
    /// in a NOPAT event for the privacy officer rather than dropped.
    /// </summary>
    public static AuditEvent Unreadable(string raw, DateTimeOffset recorded) => new()
    {
        Meta = new Meta { Security = [new Coding(KnownSystems.V3ActCode, SensitiveClasses.NoPatientDisclosure, "no disclosure to patient, family or caregivers")] },
        Type = new Coding(KnownAudit.EventType, "rest", "RESTful Operation"),
        // Our profile asks every event for its interaction; which one is not known here.
        Subtype = [new Coding(KnownAudit.RestfulInteraction, "operation", "interaction not known (unreadable journal entry)")],
        Action = AuditEvent.AuditEventAction.E,
        Recorded = recorded,
        Outcome = AuditEvent.AuditEventOutcome.N8,
        OutcomeDesc = "The audit journal entry of this access could not be read; its raw text is kept in entity.query.",
        Source = new AuditEvent.SourceComponent { Observer = new ResourceReference { Display = "Interop gateway" } },
        Agent = [new AuditEvent.AgentComponent { Who = new ResourceReference { Display = "Interop gateway (requestor not known)" }, Requestor = true }],
        Entity = [new AuditEvent.EntityComponent { Type = new Coding(KnownAudit.EntityType, "4", "Other"), Description = "audit journal entry", Query = Encoding.UTF8.GetBytes(raw) }],
    };

    // What both forms share: event type and interaction, outcome, purpose, the user and the organisation.
    private static AuditEvent Skeleton(AuditEntry who, string outcomeDescription, bool forPatient)
    {
        var (subtype, action) = who.Interaction switch
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
        var outcome = who.Status switch
        {
            < 400 => AuditEvent.AuditEventOutcome.N0,
            < 500 => AuditEvent.AuditEventOutcome.N4,
            _ => AuditEvent.AuditEventOutcome.N8,
        };
        var e = new AuditEvent
        {
            Type = new Coding(KnownAudit.EventType, "rest", "RESTful Operation"),
            Subtype = [new Coding(KnownAudit.RestfulInteraction, subtype)],
            Action = action,
            Recorded = who.Recorded,
            Outcome = outcome,
            OutcomeDesc = outcomeDescription,
            PurposeOfEvent = [new CodeableConcept(KnownSystems.V3ActReason, who.PurposeOfUse)],
            Source = new AuditEvent.SourceComponent
            {
                Observer = new ResourceReference { Display = "Interop gateway" },
                Type = [new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server")],
            },
        };
        if (who.IsBreakGlass) e.Subtype.Add(new Coding(KnownAudit.AuthZSubType, "AuthZ-Consent", "Consent authorization decision"));

        // The user (requestor), BALP: type IRCP, with role, name, token id and purpose of use. The
        // token id correlates the privacy officer's investigation; the patient does not need it.
        e.Agent.Add(new AuditEvent.AgentComponent
        {
            Type = new CodeableConcept(KnownSystems.V3ParticipationType, "IRCP", "information recipient"),
            Who = new ResourceReference { Identifier = new Identifier($"{KnownSystems.InteropBase}/Id/user", string.IsNullOrEmpty(who.UserId) ? "anonymous" : who.UserId), Display = NonEmpty(who.UserName) ?? NonEmpty(who.UserId) },
            Requestor = true,
            Role = string.IsNullOrEmpty(who.Role) ? [] : [new CodeableConcept(KnownSystems.Role, who.Role)],
            PurposeOfUse = [new CodeableConcept(KnownSystems.V3ActReason, who.PurposeOfUse)],
            Policy = forPatient || who.TokenId is null ? [] : [$"urn:ietf:params:oauth:jti:{who.TokenId}"],
            Name = NonEmpty(who.UserName),
        });
        if (!string.IsNullOrEmpty(who.Organization))
        {
            e.Agent.Add(new AuditEvent.AgentComponent
            {
                Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-RoleClass", "PROV", "healthcare provider"),
                Who = new ResourceReference { Identifier = new Identifier(KnownSystems.OdsOrganisationCode, who.Organization), Display = who.Organization },
                Requestor = false,
            });
        }
        return e;
    }

    private static Meta PatientViewMeta() => new() { Tag = [new Coding(KnownAudit.View, KnownAudit.PatientView, "The patient's view of an access to their record")] };

    private static AuditEvent.EntityComponent PatientEntity(string patient) => new()
    {
        What = new ResourceReference($"Patient/{patient}"),
        Type = new Coding(KnownAudit.EntityType, "1", "Person"),
        Role = new Coding(KnownAudit.ObjectRole, "1", "Patient"),
    };

    private static AuditEvent.EntityComponent ReleasedEntity((string Type, string Id) item) => new()
    {
        What = new ResourceReference($"{item.Type}/{item.Id}"),
        Type = new Coding(KnownAudit.EntityType, "2", "System Object"),
        Role = new Coding(KnownAudit.ObjectRole, "4", "Domain Resource"),
    };

    private static AuditEvent.EntityComponent LedgerEntity(long sequence) => new()
    {
        Type = new Coding(KnownAudit.ResourceTypes, "Consent", "Consent"),
        Role = new Coding(KnownAudit.ObjectRole, "13", "Security Resource"),
        Name = $"consent-ledger-entry-{sequence}",
        Description = $"Consent ledger entry {sequence} was in force for this decision.",
    };

    private static AuditEvent.EntityComponent RequestEntity(AuditEntry who)
    {
        var entity = new AuditEvent.EntityComponent { Type = new Coding(KnownAudit.EntityType, "4", "Other"), Description = "request" };
        if (!string.IsNullOrEmpty(who.RequestId))
            entity.Detail.Add(new AuditEvent.DetailComponent { Type = "X-Request-Id", Value = new FhirString(who.RequestId) });
        return entity;
    }

    // An error code from the gateway's own table (FhirErrorCode, e.g. NO_PATIENT_CONSENT), as opposed
    // to diagnostics text, which may quote the request.
    [GeneratedRegex("^[A-Z][A-Z0-9_]*$")]
    private static partial Regex ErrorCode();

    // FHIR strings may not be empty: an unauthenticated caller has no name.
    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
