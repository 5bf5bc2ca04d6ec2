namespace Interop.Api.Audit;

/// <summary>Code systems of the IHE Basic Audit Log Patterns (BALP) AuditEvent shape.</summary>
public static class KnownAudit
{
    public const string EventType = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    public const string RestfulInteraction = "http://hl7.org/fhir/restful-interaction";
    public const string Dicom = "http://dicom.nema.org/resources/ontology/DCM";
    public const string EntityType = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    public const string ObjectRole = "http://terminology.hl7.org/CodeSystem/object-role";
    public const string AuthZSubType = "https://profiles.ihe.net/ITI/BALP/CodeSystem/AuthZsubType";
    /// <summary>Our review workflow for break-glass events: <c>pending</c> or <c>reviewed</c> in meta.tag.</summary>
    public const string Review = "https://interop.example/CodeSystem/break-glass-review";
    /// <summary>
    /// Which form of an access record an AuditEvent is, in meta.tag: <see cref="PatientView"/> marks a
    /// patient's view of an access (the full event carries no tag of this system).
    /// </summary>
    public const string View = "https://interop.example/CodeSystem/audit-view";
    public const string PatientView = "patient";
    public const string ResourceTypes = "http://hl7.org/fhir/resource-types";
}
