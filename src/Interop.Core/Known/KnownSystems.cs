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

    public const string UkCoreConditionEpisodeExtension =
        "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-ConditionEpisode";
    /// <summary>Retired from UK Core 2.x as England/GP Connect specific, still what GP systems mean by "significance".</summary>
    public const string UkCoreProblemSignificanceExtension =
        "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-ProblemSignificance";
    public const string UkCoreMedicationStatementLastIssueDateExtension =
        "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-MedicationStatementLastIssueDate";

    // HL7 core-defined extensions and code systems used by the adapters.
    /// <summary>R4 core extension carrying the SNOMED CT description id of the display term (valueId).</summary>
    public const string CodingSctDescIdExtension = "http://hl7.org/fhir/StructureDefinition/coding-sctdescid";

    // Ours (defined in fhir-profiles/).
    public const string InteropBase = "https://interop.example";
    public const string ErrorCode = "https://interop.example/CodeSystem/error";
    public const string OrganisationType = "https://interop.example/CodeSystem/organisation-type";
    /// <summary>Local sensitive classes the v3 codes do not cover (IVF, termination, gender reassignment, safeguarding).</summary>
    public const string SensitiveClass = "https://interop.example/CodeSystem/sensitive-class";
    public const string Role = "https://interop.example/CodeSystem/role";
    /// <summary>Canonical base of our StructureDefinitions and ValueSets (fhir-profiles/).</summary>
    public const string ProfileBase = "https://interop.example/fhir";
    /// <summary>Identifier system for record ids coming from source systems, suffixed by the source (e.g. <c>/gp/N82054</c>).</summary>
    public const string SourceRecordIdBase = "https://interop.example/Id/source-record";

    // HL7 v2 adapter (V2-to-FHIR IG vocabulary, R4 THO URIs).
    /// <summary>Prefix of the THO code systems for HL7 v2 tables: append the 4-digit table number (e.g. <c>0074</c>).</summary>
    public const string V2TablePrefix = "http://terminology.hl7.org/CodeSystem/v2-";
    public const string V3ObservationInterpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    public const string DataAbsentReason = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
    public const string Icd10 = "http://hl7.org/fhir/sid/icd-10";
    public const string Icd9Cm = "http://hl7.org/fhir/sid/icd-9-cm";
    /// <summary>Code systems local to a sending system, suffixed by the name it gave (CWE.3) or its facility.</summary>
    public const string LocalCodeSystemBase = "https://interop.example/CodeSystem/local";

    // Adult social care (council adapter; domain notes section 4).
    /// <summary>The ten outcomes of SI 2015/313 reg 2(2)(a)-(j); each code asks "unable to achieve this outcome?".</summary>
    public const string CareActEligibilityOutcome = InteropBase + "/CodeSystem/care-act-eligibility-outcome";
    /// <summary>The overall Care Act eligibility determination and its parts (eligible needs, significant wellbeing impact).</summary>
    public const string CareActEligibility = InteropBase + "/CodeSystem/care-act-eligibility";
    /// <summary>Questionnaire (canonical) of a Care Act s9 needs assessment and the assessments councils record like it.</summary>
    public const string CareActNeedsAssessmentQuestionnaire = InteropBase + "/fhir/Questionnaire/care-act-needs-assessment";
    /// <summary>Questionnaire (canonical) of a Care Act s10 carer's assessment.</summary>
    public const string CarersAssessmentQuestionnaire = InteropBase + "/fhir/Questionnaire/carers-assessment";
    /// <summary>Kinds of social-care assessment (needs, carer, review, ...); Interweave has no code for a review.</summary>
    public const string SocialCareAssessmentType = InteropBase + "/CodeSystem/social-care-assessment-type";
    /// <summary>Local codes for <c>Task.output.type</c> on a social-care assessment Task.</summary>
    public const string SocialCareTaskOutput = InteropBase + "/CodeSystem/social-care-task-output";
    /// <summary>Adult Social Care Client Level Data (CLD) Event Outcome, as published by Interweave (R4 draft).</summary>
    public const string InterweaveAssessmentOutcome = "https://fhir.interweavedigital.nhs.uk/CodeSystem/Interweave-SocialCareAssessmentOutcome";
    /// <summary>CLD Service Component (Interweave calls it "service type"; used as <c>EpisodeOfCare.type</c>).</summary>
    public const string InterweaveServiceType = "https://fhir.interweavedigital.nhs.uk/CodeSystem/Interweave-SocialCareServiceType";
    /// <summary>CLD Service Type (Interweave calls it "service category").</summary>
    public const string InterweaveServiceCategory = "https://fhir.interweavedigital.nhs.uk/CodeSystem/Interweave-SocialCareServiceCategory";
    /// <summary>CLD Primary Support Reason.</summary>
    public const string InterweaveSupportReason = "https://fhir.interweavedigital.nhs.uk/CodeSystem/Interweave-SocialCareSupportReason";
}
