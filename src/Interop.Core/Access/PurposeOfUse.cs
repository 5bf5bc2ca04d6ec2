namespace Interop.Core.Access;

/// <summary>The <c>purpose_of_use</c> claim values (v3 ActReason) the gateway understands.</summary>
public static class PurposeOfUse
{
    public const string Treatment = "TREAT";
    public const string EmergencyTreatment = "ETREAT";
    public const string BreakTheGlass = "BTG";
    public const string Research = "HRESCH";

    public static readonly IReadOnlyList<string> All = [Treatment, EmergencyTreatment, BreakTheGlass, Research];
}
