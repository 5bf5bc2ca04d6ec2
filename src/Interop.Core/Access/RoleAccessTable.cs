namespace Interop.Core.Access;

/// <summary>
/// Which resource types each role may touch at all (configuration section <c>Roles</c>, with the
/// defaults below). Scopes and consent apply on top: this table only narrows.
/// A value of <c>*</c> means every type.
/// </summary>
public sealed class RoleAccessTable
{
    public const string SectionName = "Roles";

    private static readonly string[] Demographics = ["Patient", "RelatedPerson", "Organization", "Practitioner", "PractitionerRole", "Location", "HealthcareService"];

    /// <summary>The defaults described in the security issue: a clerk sees demographics and encounters,
    /// a social worker the care record but not laboratory detail, and so on.</summary>
    public static Dictionary<string, string[]> Defaults() => new(StringComparer.Ordinal)
    {
        [KnownRoles.Clerk] = [.. Demographics, "Encounter", "EpisodeOfCare", "Appointment"],
        [KnownRoles.SocialWorker] =
        [
            .. Demographics, "Encounter", "EpisodeOfCare", "Condition", "AllergyIntolerance", "MedicationStatement",
            "MedicationRequest", "Medication", "Flag", "CarePlan", "Goal", "Task", "QuestionnaireResponse", "Questionnaire",
            "ServiceRequest", "CareTeam", "Consent", "Composition", "List", "Immunization",
        ],
        [KnownRoles.Clinician] = ["*"],
        [KnownRoles.PrivacyOfficer] = [.. Demographics, "AuditEvent", "Consent", "Provenance"],
        [KnownRoles.Patient] = ["*"],
        [KnownRoles.System] = ["*"],
    };

    /// <summary>Role name to the resource types it may see; replaces the defaults per role when configured.</summary>
    public Dictionary<string, string[]> Access { get; set; } = Defaults();

    public bool IsKnownRole(string role) => Access.ContainsKey(role);

    public bool Allows(string role, string resourceType) =>
        Access.TryGetValue(role, out var types) && (types.Contains("*") || types.Contains(resourceType));
}
