namespace Interop.Api.Operations.GpConnect;

/// <summary>
/// The codes GP Connect Access Record: Structured puts on its Lists (GP Connect 1.6 "List" guidance;
/// UK domain notes 1.4), and the UK Core R4 systems that carry the same meaning.
/// </summary>
public static class GpConnectCodes
{
    public const string InteractionName = "gpc.getstructuredrecord";

    // List.code, SNOMED CT (GP Connect 1.6 resources_overview, "Lists").
    public const string AllergiesList = "886921000000105";
    public const string EndedAllergiesList = "1103671000000101";
    public const string MedicationsList = "933361000000108";
    public const string ConsultationsList = "1149501000000101";
    public const string ProblemsList = "717711000000103";
    public const string ImmunisationsList = "1102181000000102";
    public const string UncategorisedList = "826501000000100";
    public const string InvestigationsList = "887191000000108";
    public const string ReferralsList = "792931000000107";

    /// <summary>R4 UK Core home of the GP Connect <c>warningCode</c> list extension (valueCode from UKCore-ListWarningCode).</summary>
    public const string ListWarningCodeExtension = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-ListWarningCode";
    public const string ConfidentialItems = "confidential-items";
    public const string ConfidentialItemsNote = "Items excluded due to confidentiality and/or patient preferences.";

    /// <summary>UK Core's List.emptyReason code system; <c>no-content-recorded</c> with the note GP Connect mandates.</summary>
    public const string ListEmptyReasonSystem = "https://fhir.hl7.org.uk/CodeSystem/UKCore-ListEmptyReasonCode";
    public const string NoContentRecorded = "no-content-recorded";
    public const string NoContentNote = "Information not available";

    /// <summary>R4 core list-empty-reason: used when the caller's own scopes or role kept the types out.</summary>
    public const string HL7ListEmptyReasonSystem = "http://terminology.hl7.org/CodeSystem/list-empty-reason";
}
