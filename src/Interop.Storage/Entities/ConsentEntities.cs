namespace Interop.Storage.Entities;

/// <summary>
/// One entry of the append-only consent ledger (architecture decision 5). Nothing updates or
/// deletes a row; each holds its predecessor's hash and its own SHA-256 over its content.
/// </summary>
public sealed class ConsentLedgerEntry
{
    public long Sequence { get; set; }

    /// <summary>UTC microseconds since the Unix epoch.</summary>
    public long RecordedAt { get; set; }

    public string PatientId { get; set; } = "";

    public string ConsentId { get; set; } = "";

    /// <summary><c>create</c>, <c>update</c> or <c>withdraw</c>.</summary>
    public string Action { get; set; } = "";

    /// <summary>The Consent version as stored (the canonical JSON the hash covers).</summary>
    public string CanonicalJson { get; set; } = "";

    public string PreviousHash { get; set; } = "";

    public string Hash { get; set; } = "";
}

/// <summary>A flattened rule of an active Consent, derived from the ledger and rebuildable from it.</summary>
public sealed class ConsentRuleRow
{
    public long Id { get; set; }
    public string PatientId { get; set; } = "";
    public string ConsentId { get; set; } = "";
    public long LedgerSequence { get; set; }
    public bool Permit { get; set; }
    public int Level { get; set; }
    public int RuleIndex { get; set; }
    public int? ParentIndex { get; set; }
    public string? ActorOrganization { get; set; }
    public string? Purpose { get; set; }
    public string? SecurityLabel { get; set; }
    public string? ResourceType { get; set; }
    public long? Start { get; set; }
    public long? End { get; set; }
}
