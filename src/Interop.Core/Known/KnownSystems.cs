namespace Interop.Core.Known;

/// <summary>
/// Identifier and code-system URIs used across the gateway. One place, so that adapters, consent
/// and search agree on the exact strings (see the UK domain notes, sections 2 and 3).
/// </summary>
public static class KnownSystems
{
    // Identifiers (UK Core identifier guidance).
    public const string NhsNumber = "https://fhir.nhs.uk/Id/nhs-number";
    public const string OdsOrganisationCode = "https://fhir.nhs.uk/Id/ods-organization-code";
    public const string OdsSiteCode = "https://fhir.nhs.uk/Id/ods-site-code";
    public const string SdsUserId = "https://fhir.nhs.uk/Id/sds-user-id";
    public const string SdsRoleProfileId = "https://fhir.nhs.uk/Id/sds-role-profile-id";
    public const string GmpNumber = "https://fhir.hl7.org.uk/Id/gmp-number";
    public const string GmcNumber = "https://fhir.hl7.org.uk/Id/gmc-number";

    // Clinical terminologies.
    public const string Snomed = "http://snomed.info/sct";
    public const string Dmd = "https://dmd.nhs.uk";
    public const string Loinc = "http://loinc.org";
    public const string Ucum = "http://unitsofmeasure.org";
    public const string ReadV2 = "http://read.info/readv2";
    public const string Ctv3 = "http://read.info/ctv3";

    // HL7 terminology (R4 THO URIs).
    public const string V3ActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    public const string V3ActReason = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
    public const string V3Confidentiality = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
    public const string V3ParticipationType = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    public const string V2IdentifierType = "http://terminology.hl7.org/CodeSystem/v2-0203";
    public const string ConsentScope = "http://terminology.hl7.org/CodeSystem/consentscope";
    public const string ConditionCategory = "http://terminology.hl7.org/CodeSystem/condition-category";
    public const string ConditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    public const string ConditionVerification = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    public const string AllergyClinical = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
    public const string AllergyVerification = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";
    public const string V2DiagnosticServiceSection = "http://terminology.hl7.org/CodeSystem/v2-0074";
    public const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";
    public const string V3ActEncounterCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    // UK Core.
    public const string UkCoreNhsNumberVerificationStatusExtension =
        "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus";
    public const string UkCoreNhsNumberVerificationStatusEngland =
        "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland";
    public const string UkCoreListWarningCode = "https://fhir.hl7.org.uk/CodeSystem/UKCore-ListWarningCode";
    public const string UkCoreProblemSignificance = "https://fhir.hl7.org.uk/CodeSystem/UKCore-ProblemSignificance";
    public const string UkCorePrescriptionType = "https://fhir.hl7.org.uk/CodeSystem/UKCore-PrescriptionType";
    public const string UkCoreConditionEpisodicity = "https://fhir.hl7.org.uk/CodeSystem/UKCore-ConditionEpisodicity";

    // Ours (defined in fhir-profiles/).
    public const string InteropBase = "https://interop.example";
    public const string ErrorCode = "https://interop.example/CodeSystem/error";
    public const string OrganisationType = "https://interop.example/CodeSystem/organisation-type";
    /// <summary>Local sensitive classes the v3 codes do not cover (IVF, termination, gender reassignment, safeguarding).</summary>
    public const string SensitiveClass = "https://interop.example/CodeSystem/sensitive-class";
    public const string Role = "https://interop.example/CodeSystem/role";
    /// <summary>Identifier system for record ids coming from source systems, suffixed by the source (e.g. <c>/gp/N82054</c>).</summary>
    public const string SourceRecordIdBase = "https://interop.example/Id/source-record";
}
