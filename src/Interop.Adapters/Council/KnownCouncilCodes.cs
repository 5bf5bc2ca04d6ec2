namespace Interop.Adapters.Council;

/// <summary>
/// The code lists the council assessment format accepts, with their displays. CLD lists follow the
/// Adult Social Care Client Level Data specification as published by Interweave (R4 draft code
/// systems, 2024-07-15); codes are case-sensitive there and here.
/// </summary>
public static class KnownCouncilCodes
{
    /// <summary>Kind of assessment (local code system: Interweave has needs/carer/OT/... but no review).</summary>
    public static IReadOnlyDictionary<string, string> AssessmentTypes { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["needs"] = "Care Act needs assessment (s9)",
        ["carer"] = "Carer's assessment (s10)",
        ["review"] = "Review of care and support plan (s27)",
        ["hospital-discharge"] = "Hospital discharge assessment",
        ["occupational-therapy"] = "Occupational therapy assessment",
        ["reablement"] = "Reablement assessment",
        ["mental-health"] = "Mental health assessment",
        ["end-of-life"] = "End of life assessment",
        ["other"] = "Other assessment",
    };

    /// <summary>Assessment status: the FHIR R4 <c>Task.status</c> codes a council system can mean.</summary>
    public static IReadOnlyList<string> AssessmentStatuses { get; } =
        ["requested", "accepted", "in-progress", "on-hold", "completed", "cancelled", "entered-in-error"];

    /// <summary>CLD Event Outcome (22 codes).</summary>
    public static IReadOnlyDictionary<string, string> EventOutcomes { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["PRO-R"] = "Progress to Reablement/ST-Max",
        ["PRO-ASS"] = "Progress to Assessment",
        ["ADMH"] = "Admitted to hospital",
        ["PRO-RASS"] = "Progress to Re-assessment/Unplanned Review",
        ["PRO-SUP"] = "Progress to Support Planning / Services",
        ["PRO-EOL"] = "Progress to End of Life Care",
        ["NCP"] = "No change in package",
        ["SEP"] = "Service ended as planned",
        ["NFA-MALA"] = "NFA - Moved to another LA",
        ["NFA-1NFC"] = "NFA - 100% NHS funded care",
        ["NFA-SFC"] = "NFA - Self-funded client (inc 12wk disregard)",
        ["NFA-SD"] = "NFA - Support declined",
        ["NFA-IA"] = "NFA - Information & Advice / Signposting only",
        ["NFA-D"] = "NFA - Deceased",
        ["NFA-NSO"] = "NFA - No services offered: Other reason",
        ["NFA-SEO"] = "NFA - Support ended: Other reason",
        ["NFA-OTH"] = "NFA - Other",
        ["PRO-FA"] = "Progress to financial assessment",
        ["POS"] = "Provision of service",
        ["DNH-SL"] = "Data Not Held- System Level",
        ["DNH-IL"] = "Data Not Held-Individual Level",
        ["OTH"] = "Other",
    };

    /// <summary>CLD Primary Support Reason.</summary>
    public static IReadOnlyDictionary<string, string> PrimarySupportReasons { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["LDS"] = "Learning Disability Support",
        ["MHS"] = "Mental Health Support",
        ["PS"] = "Physical Support",
        ["PS-AMO"] = "Physical Support: Access & mobility only",
        ["PS-PCS"] = "Physical Support: Personal care support",
        ["SMC"] = "Support with Memory and Cognition",
        ["SOS"] = "Social Support",
        ["SOS-SMS"] = "Social Support: Substance misuse support",
        ["SOS-ASS"] = "Social Support: Asylum seeker support",
        ["SOS-IO"] = "Social Support: Support for Social Isolation/Other",
        ["SS"] = "Sensory Support",
        ["SS-SVI"] = "Sensory Support: Support for visual impairment",
        ["SS-SHI"] = "Sensory Support: Support for hearing impairment",
        ["SS-SDI"] = "Sensory Support: Support for dual impairment",
        ["UNK"] = "PSR Not Known",
    };

    /// <summary>CLD Service Component (what is delivered).</summary>
    public static IReadOnlyDictionary<string, string> ServiceComponents { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["R"] = "Reablement",
        ["STNC"] = "Short Term Nursing Care",
        ["STRC"] = "Short Term Residential Care",
        ["LTNC"] = "Long Term Nursing Care",
        ["LTRC"] = "Long Term Residential Care",
        ["HS"] = "Home Support",
        ["DS"] = "Day Support",
        ["M"] = "Meals",
        ["TRAN"] = "Transport",
        ["EQ"] = "Equipment",
        ["DP"] = "Direct Payment",
        ["SL"] = "Shared Lives",
        ["CSL"] = "Community Supported Living",
        ["PS"] = "Professional Support",
        ["PS-SW"] = "Professional Support- Social Worker",
        ["LEES"] = "Learning/Education/Employment Support",
        ["EOL"] = "End of Life Care",
        ["ES"] = "Emergency Support",
        ["OSTS"] = "Other Short Term Support",
        ["OLTS"] = "Other Long Term Support",
        ["C-R"] = "Carer Respite",
        ["C-SS"] = "Carer Sitting Service",
        ["C-US"] = "Carer Universal Services",
        ["C-OTH"] = "Other Carer Support",
        ["DNH-SL"] = "Data Not Held- System Level",
        ["DNH-IL"] = "Data Not Held-Individual Level",
        ["OTH"] = "Other",
    };

    /// <summary>CLD Service Type (the broad kind of support).</summary>
    public static IReadOnlyDictionary<string, string> ServiceTypes { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["STS-STMAX"] = "Short Term Support: ST-Max",
        ["STS-OLL"] = "Short Term Support: Ongoing Low Level",
        ["STS-OST"] = "Short Term Support: Other Short Term",
        ["LTS-NC"] = "Long Term Support: Nursing Care",
        ["LTS-RS"] = "Long Term Support: Residential Care",
        ["LTS-C"] = "Long Term Support: Community",
        ["LTS-P"] = "Long Term Support: Prison",
        ["CS-DC"] = "Carer Support: Direct to Carer",
        ["CS-SIPC"] = "Carer Support: Support involving the person cared-for",
        ["DNH-SL"] = "Data Not Held- System Level",
        ["DNH-IL"] = "Data Not Held-Individual Level",
        ["OTH"] = "Other",
    };

    /// <summary>Service status: the FHIR R4 <c>EpisodeOfCare.status</c> codes.</summary>
    public static IReadOnlyList<string> ServiceStatuses { get; } =
        ["planned", "waitlist", "active", "onhold", "finished", "cancelled", "entered-in-error"];
}
