namespace Interop.Core.Access;

/// <summary>The <c>role</c> claim values (contracts.md, "Access tokens").</summary>
public static class KnownRoles
{
    public const string Clinician = "clinician";
    public const string SocialWorker = "social-worker";
    public const string Clerk = "clerk";
    public const string PrivacyOfficer = "privacy-officer";
    public const string Patient = "patient";
    public const string System = "system";

    public static readonly IReadOnlyList<string> All = [Clinician, SocialWorker, Clerk, PrivacyOfficer, Patient, System];
}
