using System.ComponentModel.DataAnnotations;

namespace Interop.Api.Audit;

/// <summary>Configuration section <c>Audit</c>: how far the AuditEvents may lag behind the audit journal.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>
    /// Most AuditEvents (counted high: the full event plus one per released row and patient) that
    /// journal rows may be waiting to become. Above it the audit writer holds new requests until
    /// <see cref="AuditMaterializer"/> has caught up, so a privacy officer's or patient's query never
    /// waits for more than this many events to be built, and under sustained overload requests slow
    /// down to the pace at which the audit trail is stored.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxBacklog { get; set; } = 10_000;

    /// <summary>Journal rows turned into AuditEvents per database transaction.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;
}
