namespace Interop.Core.Validation;

/// <summary>
/// The FHIR R4 (4.0.1) invariants the gateway checks on every resource. The SDK's generated classes carry cardinality,
/// types and primitive formats but not the spec's FHIRPath invariants (those live in the specification package, which
/// is not available here), so the ones that matter for what partners send us are listed here with the spec's keys.
/// </summary>
internal static class R4CoreInvariants
{
    /// <summary>An R4 invariant. <see cref="Context"/> is a data type name (checked wherever that type occurs), a
    /// resource type, <c>DomainResource</c>, or a resource element path such as <c>Composition.section</c>.</summary>
    internal sealed record Invariant(string Context, string Key, string Human, string Expression);

    private const string ConsentScope = "http://terminology.hl7.org/CodeSystem/consentscope";

    /// <summary>Data types checked wherever they occur in an instance.</summary>
    public static readonly IReadOnlySet<string> DataTypeContexts = new HashSet<string>(StringComparer.Ordinal) { "Extension", "Period", "Quantity" };

    public static readonly IReadOnlyList<Invariant> All =
    [
        // Element / data type invariants (R4 datatypes.html).
        new("Extension", "ext-1", "Must have either extensions or value[x], not both", "extension.exists() != value.exists()"),
        new("Period", "per-1", "If present, start SHALL have a lower value than end", "start.hasValue().not() or end.hasValue().not() or (start <= end)"),
        new("Quantity", "qty-3", "If a code for the unit is present, the system SHALL also be present", "code.empty() or system.exists()"),

        // DomainResource (R4 domainresource.html).
        new("DomainResource", "dom-2", "If the resource is contained in another resource, it SHALL NOT contain nested Resources", "contained.contained.empty()"),
        new("DomainResource", "dom-4", "If a resource is contained in another resource, it SHALL NOT have a meta.versionId or a meta.lastUpdated", "contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()"),
        new("DomainResource", "dom-5", "If a resource is contained in another resource, it SHALL NOT have a security label", "contained.meta.security.empty()"),

        // Resources partners send us.
        new("Patient.contact", "pat-1", "SHALL at least contain a contact's details or a reference to an organization", "name.exists() or telecom.exists() or address.exists() or organization.exists()"),
        new("Organization", "org-1", "The organization SHALL at least have a name or an identifier, and possibly more than one", "(identifier.count() + name.count()) > 0"),
        new("Observation", "obs-6", "dataAbsentReason SHALL only be present if Observation.value[x] is not present", "dataAbsentReason.empty() or value.empty()"),
        new("Observation", "obs-7", "If Observation.code is the same as an Observation.component.code then the value element associated with the code SHALL NOT be present", "value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()"),
        new("AllergyIntolerance", "ait-1", "AllergyIntolerance.clinicalStatus SHALL be present if verificationStatus is not entered-in-error", "verificationStatus.coding.where(system = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification' and code = 'entered-in-error').exists() or clinicalStatus.exists()"),
        new("Condition", "con-5", "Condition.clinicalStatus SHALL NOT be present if verification Status is entered-in-error", "verificationStatus.coding.where(system = 'http://terminology.hl7.org/CodeSystem/condition-ver-status' and code = 'entered-in-error').empty() or clinicalStatus.empty()"),
        new("Task", "inv-1", "Last modified date must be greater than or equal to authored-on date", "lastModified.exists().not() or authoredOn.exists().not() or lastModified >= authoredOn"),
        new("QuestionnaireResponse.item", "qrs-1", "Nested item can't be beneath both item and answer", "(answer.exists() and item.exists()).not()"),
        new("Composition.section", "cmp-1", "A section must contain at least one of text, entries, or sub-sections", "text.exists() or entry.exists() or section.exists()"),
        new("Composition.section", "cmp-2", "A section can only have an emptyReason if it is empty", "emptyReason.empty() or entry.empty()"),
        new("AuditEvent.entity", "sev-1", "Either a name or a query (NOT both)", "name.empty() or query.empty()"),

        // Consent (R4 consent.html). ppc-2..5 test the scope coding; the published R4 expressions name the system
        // 'something' (a known error in 4.0.1), the terminology.hl7.org system is used here instead.
        new("Consent", "ppc-1", "Either a Policy or PolicyRule", "policy.exists() or policyRule.exists()"),
        new("Consent", "ppc-2", "IF Scope=privacy, there must be a patient", $"patient.exists() or scope.coding.where(system = '{ConsentScope}' and code = 'patient-privacy').exists().not()"),
        new("Consent", "ppc-3", "IF Scope=research, there must be a patient", $"patient.exists() or scope.coding.where(system = '{ConsentScope}' and code = 'research').exists().not()"),
        new("Consent", "ppc-4", "IF Scope=adr, there must be a patient", $"patient.exists() or scope.coding.where(system = '{ConsentScope}' and code = 'adr').exists().not()"),
        new("Consent", "ppc-5", "IF Scope=treatment, there must be a patient", $"patient.exists() or scope.coding.where(system = '{ConsentScope}' and code = 'treatment').exists().not()"),

        // Bundle (R4 bundle.html).
        new("Bundle", "bdl-1", "total only when a search or history", "total.empty() or (type = 'searchset') or (type = 'history')"),
        new("Bundle", "bdl-2", "entry.search only when a search", "entry.search.empty() or (type = 'searchset')"),
        new("Bundle", "bdl-3", "entry.request mandatory for batch/transaction/history, otherwise prohibited", "entry.all(request.exists() = (%resource.type = 'batch' or %resource.type = 'transaction' or %resource.type = 'history'))"),
        new("Bundle", "bdl-4", "entry.response mandatory for batch-response/transaction-response/history, otherwise prohibited", "entry.all(response.exists() = (%resource.type = 'batch-response' or %resource.type = 'transaction-response' or %resource.type = 'history'))"),
        new("Bundle", "bdl-9", "A document must have an identifier with a system and a value", "type = 'document' implies (identifier.system.exists() and identifier.value.exists())"),
        new("Bundle", "bdl-10", "A document must have a date", "type = 'document' implies (timestamp.hasValue())"),
        new("Bundle", "bdl-11", "A document must have a Composition as the first resource", "type = 'document' implies entry.first().resource.is(Composition)"),
    ];
}
