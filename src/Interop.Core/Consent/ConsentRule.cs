namespace Interop.Core.Consent;

/// <summary>
/// One flattened rule of an active privacy Consent: a base provision (level 0) or one of its
/// exceptions (level 1), with one value per dimension (a provision naming two purposes becomes two
/// rules). This is what the effective-consent table holds and what queries join against.
/// </summary>
public sealed record ConsentRule(
    string PatientId,
    string ConsentId,
    long LedgerSequence,
    bool Permit,
    int Level,
    int Index,
    int? ParentIndex,
    string? ActorOrganization,
    string? Purpose,
    string? SecurityLabel,
    string? ResourceType,
    DateTimeOffset? Start,
    DateTimeOffset? End);
