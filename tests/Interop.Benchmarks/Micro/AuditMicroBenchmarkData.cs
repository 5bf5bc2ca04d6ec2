using Hl7.Fhir.Model;
using Interop.Core.Known;

namespace Interop.Benchmarks.Micro;

/// <summary>
/// The two AuditEvents the gateway writes for a clinician's read of Patient/p1, in the shape
/// Interop.Api's AuditEventBuilder gives them (that project is not referenced here, so the shape is
/// repeated): the full event, which names the patient twice (as the patient concerned and as the
/// released item), and the patient's own view of it.
/// </summary>
public static class AuditMicroBenchmarkData
{
    private const string EventType = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    private const string EntityType = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    private const string ObjectRole = "http://terminology.hl7.org/CodeSystem/object-role";
    private static readonly DateTimeOffset Recorded = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);

    public static AuditEvent FullEvent()
    {
        var e = Skeleton("200", forPatient: false);
        e.Id = "0199a3b2-0000-7000-8000-000000000001";
        e.Meta = new Meta { Security = [new Coding(KnownSystems.V3ActCode, "NOPAT", "no disclosure to patient, family or caregivers")] };
        e.Agent.Add(new AuditEvent.AgentComponent
        {
            Type = new CodeableConcept("http://dicom.nema.org/resources/ontology/DCM", "110153", "Source Role ID"),
            Who = new ResourceReference { Display = "Interop gateway" },
            Requestor = false,
            Network = new AuditEvent.NetworkComponent { Address = "localhost", Type = AuditEvent.AuditEventAgentNetworkType.N1 },
        });
        e.Entity.Add(PatientEntity());
        e.Entity.Add(new AuditEvent.EntityComponent
        {
            What = new ResourceReference("Patient/p1"),
            Type = new Coding(EntityType, "2", "System Object"),
            Role = new Coding(ObjectRole, "4", "Domain Resource"),
        });
        e.Entity.Add(LedgerEntity(1));
        var request = RequestEntity();
        request.Detail.Add(new AuditEvent.DetailComponent { Type = "Request", Value = new FhirString("GET /fhir/Patient/p1") });
        e.Entity.Add(request);
        return e;
    }

    public static AuditEvent PatientView()
    {
        var e = Skeleton("200", forPatient: true);
        e.Id = "0199a3b2-0000-7000-8000-000000000002";
        e.Meta = new Meta { Tag = [new Coding("https://interop.example/CodeSystem/audit-view", "patient", "The patient's view of an access to their record")] };
        e.Entity.Add(PatientEntity());
        e.Entity.Add(LedgerEntity(1));
        e.Entity.Add(RequestEntity());
        return e;
    }

    private static AuditEvent Skeleton(string outcome, bool forPatient)
    {
        var e = new AuditEvent
        {
            Type = new Coding(EventType, "rest", "RESTful Operation"),
            Subtype = [new Coding("http://hl7.org/fhir/restful-interaction", "read")],
            Action = AuditEvent.AuditEventAction.R,
            Recorded = Recorded,
            Outcome = AuditEvent.AuditEventOutcome.N0,
            OutcomeDesc = outcome,
            PurposeOfEvent = [new CodeableConcept(KnownSystems.V3ActReason, "TREAT")],
            Source = new AuditEvent.SourceComponent
            {
                Observer = new ResourceReference { Display = "Interop gateway" },
                Type = [new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server")],
            },
        };
        e.Agent.Add(new AuditEvent.AgentComponent
        {
            Type = new CodeableConcept(KnownSystems.V3ParticipationType, "IRCP", "information recipient"),
            Who = new ResourceReference { Identifier = new Identifier($"{KnownSystems.InteropBase}/Id/user", "u1"), Display = "Dr Test" },
            Requestor = true,
            Role = [new CodeableConcept(KnownSystems.Role, "clinician")],
            PurposeOfUse = [new CodeableConcept(KnownSystems.V3ActReason, "TREAT")],
            Policy = forPatient ? [] : ["urn:ietf:params:oauth:jti:t1"],
            Name = "Dr Test",
        });
        e.Agent.Add(new AuditEvent.AgentComponent
        {
            Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-RoleClass", "PROV", "healthcare provider"),
            Who = new ResourceReference { Identifier = new Identifier(KnownSystems.OdsOrganisationCode, "RBQ"), Display = "RBQ" },
            Requestor = false,
        });
        e.Meta = new Meta { LastUpdated = Recorded, VersionId = "1" };
        return e;
    }

    private static AuditEvent.EntityComponent PatientEntity() => new()
    {
        What = new ResourceReference("Patient/p1"),
        Type = new Coding(EntityType, "1", "Person"),
        Role = new Coding(ObjectRole, "1", "Patient"),
    };

    private static AuditEvent.EntityComponent LedgerEntity(long sequence) => new()
    {
        Type = new Coding("http://hl7.org/fhir/resource-types", "Consent", "Consent"),
        Role = new Coding(ObjectRole, "13", "Security Resource"),
        Name = $"consent-ledger-entry-{sequence}",
        Description = $"Consent ledger entry {sequence} was in force for this decision.",
    };

    private static AuditEvent.EntityComponent RequestEntity()
    {
        var entity = new AuditEvent.EntityComponent { Type = new Coding(EntityType, "4", "Other"), Description = "request" };
        entity.Detail.Add(new AuditEvent.DetailComponent { Type = "X-Request-Id", Value = new FhirString("r1") });
        return entity;
    }
}
