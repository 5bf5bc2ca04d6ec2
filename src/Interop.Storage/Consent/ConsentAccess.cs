namespace Interop.Storage.Consent;

/// <summary>
/// The facts of a request that consent is decided on: who (organisation, whether the caller is
/// the patient), why (purpose of use, break-glass) and when; plus the configured default policy.
/// </summary>
public sealed record ConsentAccess(
    string Organization,
    string PurposeOfUse,
    bool PatientCaller,
    bool BreakGlass,
    bool DenyAllByDefault,
    DateTimeOffset Now,
    IReadOnlyCollection<string>? ExemptTypes = null)
{
    /// <summary>Resource types this caller sees without consent filtering (a privacy officer's AuditEvent and Consent).</summary>
    public IReadOnlyCollection<string> Exempt { get; } = ExemptTypes ?? [];
}

/// <summary>
/// What a read is confined to: a patient's compartment (patient scopes), consent, and the resource
/// types the caller's role and scopes do not reach (kept out of system-level reads and includes).
/// </summary>
public sealed record ReadAccess(string? ConfinedPatient, ConsentAccess? Consent, IReadOnlyCollection<string>? ExcludedTypes = null)
{
    /// <summary>No restriction: the gateway's own work (migrations, seeding, the operator's system token).</summary>
    public static readonly ReadAccess Unrestricted = new(null, null);
}
