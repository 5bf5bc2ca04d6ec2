using Hl7.Fhir.Model;
using Interop.Core.Fhir;
using Interop.Core.Known;

namespace Interop.Core.Consent;

/// <summary>
/// Checks a FHIR R4 privacy Consent (shaped after IHE PCF) and flattens an active one into
/// <see cref="ConsentRule"/>s. Every problem is collected; an invalid Consent is a 422.
/// </summary>
public static class ConsentRuleCompiler
{
    /// <summary>Everything wrong with <paramref name="consent"/> as a privacy consent, empty when it is usable.</summary>
    public static OperationOutcome Check(Hl7.Fhir.Model.Consent consent)
    {
        var outcome = new OperationOutcome();
        void Problem(string message, string expression) =>
            outcome.Issue.Add(Outcomes.Issue(OperationOutcome.IssueType.Invariant, message, FhirErrorCode.ProfileViolation, expression));

        if (consent.Status is null) Problem("Consent.status is required.", "Consent.status");
        if (!(consent.Scope?.Coding.Any(c => c.System == KnownSystems.ConsentScope && c.Code == "patient-privacy") ?? false))
            Problem($"Consent.scope must be {KnownSystems.ConsentScope}#patient-privacy: the ledger holds privacy consents only.", "Consent.scope");
        if (consent.Category.Count == 0) Problem("Consent.category needs at least one coding (e.g. LOINC 59284-0).", "Consent.category");
        if (PatientId(consent) is null) Problem("Consent.patient must reference the Patient (Patient/id).", "Consent.patient");
        if (consent.Provision is null)
        {
            Problem("Consent.provision is required: it says what is permitted or denied.", "Consent.provision");
            return outcome;
        }
        if (consent.Policy.Count == 0 && consent.PolicyRule is null)
            Problem("Consent needs policy or policyRule (invariant ppc-1).", "Consent.policy");
        if (consent.Provision.Type is null) Problem("Consent.provision.type (permit or deny) is required.", "Consent.provision.type");
        CheckProvision(consent.Provision, "Consent.provision", Problem);
        for (var i = 0; i < consent.Provision.Provision.Count; i++)
        {
            var nested = consent.Provision.Provision[i];
            var path = $"Consent.provision.provision[{i}]";
            if (nested.Type is null) Problem("A nested provision needs type (permit or deny).", path + ".type");
            CheckProvision(nested, path, Problem);
            if (nested.Provision.Count > 0)
                Problem("Only one level of nested provisions (exceptions) is supported.", path + ".provision");
        }
        return outcome;
    }

    private static void CheckProvision(Hl7.Fhir.Model.Consent.provisionComponent p, string path, Action<string, string> problem)
    {
        for (var i = 0; i < p.Actor.Count; i++)
        {
            if (OrganisationCode(p.Actor[i].Reference) is null)
                problem("provision.actor must identify an Organization by ODS code (identifier with system https://fhir.nhs.uk/Id/ods-organization-code).", $"{path}.actor[{i}].reference");
        }
        for (var i = 0; i < p.Class.Count; i++)
        {
            if (!ModelInfo.IsKnownResource(p.Class[i].Code ?? ""))
                problem($"provision.class '{p.Class[i].Code}' is not a FHIR resource type.", $"{path}.class[{i}]");
        }
        if (p.Period is { } period && period.StartElement is not null && period.EndElement is not null
            && period.StartElement.ToDateTimeOffset(TimeSpan.Zero) > period.EndElement.ToDateTimeOffset(TimeSpan.Zero))
            problem("provision.period ends before it starts.", $"{path}.period");
    }

    public static string? PatientId(Hl7.Fhir.Model.Consent consent)
    {
        var reference = consent.Patient?.Reference;
        if (reference is null || !reference.StartsWith("Patient/", StringComparison.Ordinal)) return null;
        var id = reference["Patient/".Length..];
        var slash = id.IndexOf('/');
        return slash < 0 ? id : id[..slash];
    }

    /// <summary>The ODS code an actor reference names, through its identifier.</summary>
    public static string? OrganisationCode(ResourceReference? reference) =>
        reference?.Identifier is { System: KnownSystems.OdsOrganisationCode, Value: { Length: > 0 } code } ? code : null;

    /// <summary>Flattens an active Consent into rules; an inactive or withdrawn one has none.</summary>
    public static IReadOnlyList<ConsentRule> Compile(Hl7.Fhir.Model.Consent consent, string consentId, long sequence)
    {
        var patient = PatientId(consent);
        if (consent.Status != Hl7.Fhir.Model.Consent.ConsentState.Active || patient is null || consent.Provision is null) return [];
        var rules = new List<ConsentRule>();
        var index = 0;
        foreach (var baseRule in Expand(consent.Provision, patient, consentId, sequence, 0, null, ref index))
        {
            rules.Add(baseRule);
            foreach (var nested in consent.Provision.Provision)
                rules.AddRange(Expand(nested, patient, consentId, sequence, 1, baseRule.Index, ref index, baseRule));
        }
        return rules;
    }

    private static List<ConsentRule> Expand(Hl7.Fhir.Model.Consent.provisionComponent p, string patient, string consentId, long sequence,
        int level, int? parent, ref int index, ConsentRule? inherit = null)
    {
        var permit = p.Type == Hl7.Fhir.Model.Consent.ConsentProvisionType.Permit;
        IEnumerable<string?> actors = p.Actor.Count == 0 ? [inherit?.ActorOrganization] : p.Actor.Select(a => OrganisationCode(a.Reference));
        IEnumerable<string?> purposes = p.Purpose.Count == 0 ? [inherit?.Purpose] : p.Purpose.Select(c => (string?)c.Code);
        IEnumerable<string?> labels = p.SecurityLabel.Count == 0 ? [inherit?.SecurityLabel] : p.SecurityLabel.Select(c => (string?)c.Code);
        IEnumerable<string?> classes = p.Class.Count == 0 ? [inherit?.ResourceType] : p.Class.Select(c => (string?)c.Code);
        var start = p.Period?.StartElement?.ToDateTimeOffset(TimeSpan.Zero) ?? inherit?.Start;
        var end = p.Period?.EndElement?.ToDateTimeOffset(TimeSpan.Zero) ?? inherit?.End;
        var result = new List<ConsentRule>();
        foreach (var actor in actors)
        foreach (var purpose in purposes)
        foreach (var label in labels)
        foreach (var type in classes)
            result.Add(new ConsentRule(patient, consentId, sequence, permit, level, index++, parent, actor, purpose, label, type, start, end));
        return result;
    }
}
