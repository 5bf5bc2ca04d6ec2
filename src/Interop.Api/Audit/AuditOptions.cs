using System.ComponentModel.DataAnnotations;

namespace Interop.Api.Audit;

/// <summary>Configuration section <c>Audit</c>: how far the AuditEvents may lag behind the audit journal.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>
    /// Most journal rows (one per request) that may wait to become AuditEvents. Above it the audit
    /// writer holds new requests until <see cref="AuditMaterializer"/> has caught up, so a privacy
    /// officer's or patient's query never waits for more than this many rows to be built, and under
    /// sustained overload requests slow down to the pace at which the audit trail is stored.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxBacklog { get; set; } = 250;

    /// <summary>
    /// Journal rows stored per materialiser transaction, each as one indexed AuditEvent (its patients'
    /// views wait as plain rows); unset, <see cref="BatchSizeFor"/> chooses by provider. Larger batches
    /// cost less per event; smaller ones keep SQLite's single writer free for the requests' own commits.
    /// </summary>
    [Range(1, 10_000)]
    public int? BatchSize { get; set; }

    /// <summary>
    /// <see cref="BatchSize"/>, or by provider: 50 on SQLite, where a consent-checked read's p99 under load
    /// followed the batch (25: 52 ms, 50: 62-73 ms, 100: 102 ms, 150: 110-118 ms) with throughput within
    /// run-to-run spread; 150 elsewhere, where requests do not wait for the materialiser's transaction and
    /// 50 cost PostgreSQL's crud 23 % and search 12 % (docs/benchmarks.md, late run of 23 November).
    /// </summary>
    public int BatchSizeFor(Interop.Storage.StorageProvider provider) =>
        BatchSize ?? (provider == Interop.Storage.StorageProvider.Sqlite ? 50 : 150);

    /// <summary>
    /// Most released resources a materialiser transaction's AuditEvents name together (a batch stops
    /// before the journal row that would pass it, and always takes at least one). An event is indexed
    /// by every resource it names, so a batch of 150 <c>$summary</c> accesses of about 300 resources each
    /// took 2 s on PostgreSQL, and requests that reached <see cref="MaxBacklog"/> meanwhile waited for
    /// all of it (p95 1 s). Reads (one resource each) and search pages (twenty) stay within it at either
    /// provider's batch size.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxReleasedPerBatch { get; set; } = 10_000;

    /// <summary>
    /// Most pending patients' views a privacy officer's or system token's query stores before it runs
    /// (a patient's own query stores all of theirs); the rest are stored when the gateway is idle.
    /// </summary>
    [Range(0, 1_000_000)]
    public int MaxViewsPerCatchUp { get; set; } = 2_000;

    /// <summary>
    /// SQLite only: keep the audit journal in a database file of its own beside the main one
    /// (<c>interop.db-audit</c>), so that the requests' journal commits never queue behind the
    /// materialiser's transactions at SQLite's single writer (decision 0010). Off, or with a database
    /// in memory, the journal is the <c>audit_journal</c> table as on the other providers.
    /// </summary>
    public bool SqliteJournalInOwnFile { get; set; } = true;

    /// <summary>Whether pending patients' views are stored when nothing else waits (off only in tests of the on-demand path).</summary>
    public bool StoreViewsWhenIdle { get; set; } = true;
}
