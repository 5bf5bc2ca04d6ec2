namespace Interop.Adapters.Gp;

/// <summary>
/// Codes in <c>KnownSystems.SensitiveClass</c> for the RCGP "GP summary exclusion" classes that v3-ActCode has no
/// code for (domain notes 3.1). The consent engine withholds resources labelled with them.
/// </summary>
public static class GpSensitiveClass
{
    public const string AssistedFertilisation = "IVF";
    public const string TerminationOfPregnancy = "TOP";
    public const string GenderReassignment = "GENDER-REASSIGNMENT";
    public const string Safeguarding = "SAFEGUARDING";
}
