using System.Diagnostics;
using System.Threading.Channels;
using Hl7.Fhir.Model;
using Interop.Core.Fhir;
using Interop.Storage;
using Interop.Storage.Consent;
using Interop.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Task = System.Threading.Tasks.Task;

namespace Interop.Api.Audit;

/// <summary>
/// Turns audit journal rows (<see cref="AuditEntry"/>, committed by <see cref="AuditWriter"/> before
/// each response) into AuditEvent resources, in batches, off the requests' path
/// (docs/decisions/0007-audit-journal.md). For each batch it looks up, in one query per 500 rows,
/// which patients' compartments the released rows belong to and whether a patient may be shown
/// each (<see cref="ConsentFilter.DisclosableToPatient"/>), and the consent ledger entries in force
/// for those patients; builds the full event and one view per patient
/// (<see cref="AuditEventBuilder"/>); and stores them in the same transaction that claims the
/// journal rows (<see cref="IAuditJournal.ClaimAsync"/>: deletes them from the table, or on SQLite
/// moves the journal file's cursor past them, decision 0010). A row is therefore either waiting in
/// the journal or stored as AuditEvents: never both, never neither, whichever instance does the work
/// and whenever it crashes.
/// </summary>
/// <remarks>
/// Anything that answers with AuditEvents calls <see cref="CatchUpAsync"/> first (the
/// <see cref="AuditCatchUpFilter"/>), so a privacy officer or a patient always sees every access
/// answered before their request, on any instance. One batch is stored at a time per process; while
/// the loop stores one, it builds the next on another thread, so the audit trail takes at most two
/// threads from the requests.
/// </remarks>
public sealed class AuditMaterializer(IServiceScopeFactory scopes, IAuditJournal journal, ResourceIndexer indexer, TimeProvider time,
    IOptions<AuditOptions> options, IOptions<Security.ConsentOptions> consent, ResourceChangeSignal writes, IOptions<StorageOptions> storage,
    MergedPatients merged, ILogger<AuditMaterializer> logger) : BackgroundService
{
    /// <summary>Journal rows (or views) per transaction on this provider (<see cref="AuditOptions.BatchSizeFor"/>).</summary>
    private int BatchSize => options.Value.BatchSizeFor(storage.Value.Provider);

    /// <summary>A released row: which patients' compartments hold it, and whether a patient may be shown it (not NOPAT).</summary>
    private sealed record Released(string Type, string Id, bool DisclosableToPatient)
    {
        public List<string> Patients { get; } = [];
    }

    /// <summary>Another instance took (stored) some of the rows of this batch first.</summary>
    private sealed class TakenElsewhereException : Exception;

    /// <summary>How often the journal is looked at when nothing was appended here (rows left by a crash or another instance).</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long the loop lets group commits gather after a batch that was not full, so that the next
    /// batch is worth its transaction (<see cref="GatherAsync"/> cuts it short). Settable for tests.
    /// </summary>
    internal TimeSpan GatherDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    private readonly SemaphoreSlim _oneBatchAtATime = new(1, 1);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    // Signalled when a full batch is waiting or the writer holds requests for the backlog: no reason to gather longer.
    private readonly Channel<bool> _gathered = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _appended;
    private long _lastAppendedAt = Environment.TickCount64;
    private long _materialized;
    private long _viewsWaiting;
    private BuiltBatch? _builtAhead; // built by the loop's last step while it stored the one before (set and read under _oneBatchAtATime)

    /// <summary>Registers <see cref="Backlog"/> and <see cref="PendingViews"/> as the <c>interop.audit.backlog</c> and <c>interop.audit.pending_views</c> gauges.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Interop.Core.Telemetry.InteropMetrics.ObserveAuditBacklog(() => Backlog);
        Interop.Core.Telemetry.InteropMetrics.ObserveAuditPendingViews(() => PendingViews);
        return base.StartAsync(cancellationToken);
    }

    /// <summary>Journal rows appended by this process and not yet materialised (exact on a single instance; reset whenever the journal is found empty).</summary>
    public long Backlog => Math.Max(0, Volatile.Read(ref _appended) - Volatile.Read(ref _materialized));

    /// <summary>
    /// Patients' views this process has put in <c>audit_pending_views</c> and not yet stored as AuditEvents
    /// (decision 0008). Exact on a single instance; reset whenever none are found waiting. A number that
    /// only grows means the gateway is never quiet for <see cref="QuietAfter"/> and no patient or privacy
    /// officer reads the log: the views are safe (durable rows), but an operator should know.
    /// </summary>
    public long PendingViews => Math.Max(0, Volatile.Read(ref _viewsWaiting));

    /// <summary>Called by the writer after each commit of <paramref name="count"/> journal rows.</summary>
    internal void Appended(int count)
    {
        Interlocked.Add(ref _appended, count);
        Volatile.Write(ref _lastAppendedAt, Environment.TickCount64);
        _wake.Writer.TryWrite(true);
        if (Backlog >= BatchSize) _gathered.Writer.TryWrite(true);
    }

    /// <summary>How long no request may have been journalled (nor anything else written) before waiting patients' views are stored.</summary>
    public static readonly TimeSpan QuietAfter = TimeSpan.FromSeconds(2);

    // Idle: nothing journalled and nothing but AuditEvents written here for QuietAfter. With Consent:Enforce off (benchmarks only) nothing
    // is audited, and the views another run left are not stored either, so they do not load its numbers.
    private bool Quiet => options.Value.StoreViewsWhenIdle && consent.Value.Enforce
        && Environment.TickCount64 - Math.Max(Volatile.Read(ref _lastAppendedAt), writes.LastWriteAt) > (long)QuietAfter.TotalMilliseconds;

    /// <summary>Completes when <see cref="Backlog"/> is at most <paramref name="limit"/>.</summary>
    public async Task WaitForBacklogBelowAsync(int limit, CancellationToken ct)
    {
        while (Backlog > limit)
        {
            _wake.Writer.TryWrite(true);
            _gathered.Writer.TryWrite(true);
            await Volatile.Read(ref _progress).Task.WaitAsync(ct);
        }
    }

    /// <summary>
    /// Materialises every journal row committed before this call (by any instance), so that a query
    /// that follows sees the AuditEvents of every request answered before it; then stores the pending
    /// patients' views that the caller may be shown: all of <paramref name="patientId"/>'s for a
    /// patient, or (<paramref name="allViews"/>, a privacy officer or system token) those of every
    /// patient, at most <see cref="AuditOptions.MaxViewsPerCatchUp"/> of them.
    /// </summary>
    public async Task CatchUpAsync(CancellationToken ct, string? patientId = null, bool allViews = false)
    {
        var target = await journal.LastIdAsync(ct);
        while (target is not null)
        {
            var done = await MaterializeBatchAsync(target, ct);
            if (done == 0) break;
            if (done < 0) await Task.Delay(10, ct); // another instance is storing those rows: wait for its commit
        }
        if (patientId is null && !allViews) return;
        var budget = patientId is null ? options.Value.MaxViewsPerCatchUp : int.MaxValue;
        while (budget > 0)
        {
            var stored = await StoreViewsAsync(patientId, Math.Min(budget, BatchSize), ct);
            if (stored == 0) return;
            if (stored < 0) await Task.Delay(10, ct);
            else budget -= stored;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var (done, moreWaiting) = await MaterializePipelinedAsync(stoppingToken);
                if (done < 0) await Task.Delay(10, stoppingToken);
                if (done > 0 && moreWaiting) continue; // no pause
                if (done == 0)
                {
                    // Nothing journalled for a while: a quiet moment to store patients' views that wait.
                    if (Quiet && await StoreViewsAsync(null, BatchSize, stoppingToken) > 0) continue;
                    using var sweep = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    sweep.CancelAfter(SweepInterval);
                    await ((Task)_wake.Reader.ReadAsync(sweep.Token).AsTask()).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
                // Let several group commits gather so that a batch is worth its transaction; a query
                // that needs the AuditEvents now does not wait for this (CatchUpAsync works itself).
                await GatherAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The rows stay in the journal; the next attempt takes them again.
                logger.LogError(ex, "Could not store audit journal rows as AuditEvents; retrying shortly");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// Waits up to <see cref="GatherDelay"/> for more journal rows, less once a full batch is waiting or
    /// the writer is holding requests for the backlog. A fixed pause let the backlog reach
    /// <see cref="AuditOptions.MaxBacklog"/> and hold every request until it ended: that capped audited
    /// reads at about MaxBacklog rows per pause, whatever the materialiser could store.
    /// </summary>
    private async Task GatherAsync(CancellationToken stoppingToken)
    {
        while (_gathered.Reader.TryRead(out _)) { } // a signal from before the last batch is spent
        if (Backlog >= BatchSize) return;
        using var gather = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        gather.CancelAfter(GatherDelay);
        await ((Task)_gathered.Reader.ReadAsync(gather.Token).AsTask()).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stoppingToken.ThrowIfCancellationRequested();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // The writer stopped before this (registration order), so the journal holds everything
        // answered; store it now rather than at the next start.
        try
        {
            int done;
            while ((done = await MaterializeBatchAsync(null, cancellationToken)) != 0)
                if (done < 0) await Task.Delay(10, cancellationToken);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Stopped with audit journal rows not yet stored as AuditEvents; they are stored at the next start");
        }
    }

    /// <summary>
    /// A batch of journal rows read and built as AuditEvents (and patients' views), not yet stored.
    /// <paramref name="MoreWaiting"/>: the journal held more rows than the batch took.
    /// </summary>
    private sealed record BuiltBatch(AuditJournalBatch Batch, List<ResourceVersionRow> Prepared, List<AuditViewSourceRow> Views,
        bool MoreWaiting, long AppendedBefore, TimeSpan Built);

    /// <summary>
    /// Materialises the oldest journal rows (at most <see cref="BatchSize"/>, with ids up to
    /// <paramref name="upTo"/> when given). Returns how many, 0 when there were none, or -1 when
    /// another instance took some of them first.
    /// </summary>
    private async Task<int> MaterializeBatchAsync(long? upTo, CancellationToken ct)
    {
        await _oneBatchAtATime.WaitAsync(ct);
        try
        {
            var built = await BuildBatchAsync(upTo, after: null, ct);
            return built is null ? 0 : await StoreBatchAsync(built, sweep: upTo is null, ct);
        }
        finally
        {
            _oneBatchAtATime.Release();
        }
    }

    /// <summary>
    /// The loop's step: stores the oldest journal rows as <see cref="MaterializeBatchAsync"/> does, and
    /// while that batch's transaction runs, reads and builds the next one on another thread when more
    /// rows wait, to be stored by the next step. Building (JSON, index rows, two lookups) was a quarter
    /// to a third of a batch's time, and storing waited for it. A built batch whose rows another
    /// instance or a catch-up stored meanwhile fails its claim and is dropped, so each row is still
    /// stored once. Returns <see cref="MaterializeBatchAsync"/>'s count and whether more rows wait.
    /// </summary>
    private async Task<(int Done, bool MoreWaiting)> MaterializePipelinedAsync(CancellationToken ct)
    {
        await _oneBatchAtATime.WaitAsync(ct);
        try
        {
            var current = _builtAhead ?? await BuildBatchAsync(null, after: null, ct);
            _builtAhead = null;
            if (current is null) return (0, false);
            var next = current.MoreWaiting && !current.Batch.LeftInTable
                ? Task.Run(() => BuildBatchAsync(null, after: current.Batch, ct), ct)
                : null;
            int done;
            try
            {
                done = await StoreBatchAsync(current, sweep: true, ct);
            }
            catch
            {
                if (next is not null) await ((Task)next).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                throw;
            }
            // Kept only when this batch was stored: the next was read as following it (in the journal
            // file its claim expects the cursor where this one leaves it).
            if (next is not null && await next is { } ahead && done > 0) _builtAhead = ahead;
            return (done, current.MoreWaiting);
        }
        finally
        {
            _oneBatchAtATime.Release();
        }
    }

    /// <summary>
    /// Reads the oldest journal rows (after <paramref name="after"/>'s, which are not stored yet, when
    /// given) and builds their AuditEvents and patients' views, in a scope of its own. Null when the
    /// journal had none; the caller stores the batch with <see cref="StoreBatchAsync"/>.
    /// </summary>
    private async Task<BuiltBatch?> BuildBatchAsync(long? upTo, AuditJournalBatch? after, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var appendedBefore = Volatile.Read(ref _appended);
        var batchSize = BatchSize;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InteropDbContext>();

        // Each row becomes one indexed AuditEvent (its patients' views wait as plain rows), so a
        // batch of BatchSize rows is a bounded transaction.
        var batch = after is null
            ? await journal.PendingAsync(db, upTo, batchSize, ct)
            : await journal.PendingAfterAsync(db, after, batchSize, ct);
        if (batch.Rows.Count == 0)
        {
            if (upTo is null && after is null) Drained(appendedBefore);
            return null;
        }
        var parsed = WithinReleasedBudget(batch.Rows.Select(Parse).ToList());
        var cut = parsed.Count < batch.Rows.Count; // more rows were read than this batch stores: not drained
        if (cut) batch = batch with { Rows = batch.Rows.Take(parsed.Count).ToList() };
        var (events, views) = await BuildEventsAsync(db, parsed, ct);
        var prepared = events.Select(e => ResourceStore.PrepareCreate(e, WriteContext.System, indexer, time)).ToList();
        return new BuiltBatch(batch, prepared, views, MoreWaiting: cut || batch.Rows.Count == batchSize,
            appendedBefore, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// Stores <paramref name="built"/> in the transaction that claims its journal rows. Returns how many
    /// rows, or -1 when another instance took some of them first. <paramref name="sweep"/>: the batch
    /// took the oldest rows with no upper bound, so a short one means the journal was drained.
    /// </summary>
    private async Task<int> StoreBatchAsync(BuiltBatch built, bool sweep, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InteropDbContext>();
        var store = scope.ServiceProvider.GetRequiredService<ResourceStore>();
        var batch = built.Batch;
        var storing = Stopwatch.GetTimestamp();
        var claimed = await ClaimAndStoreAsync(store, () => journal.ClaimAsync(db, batch, ct), built.Prepared,
            () => db.InsertViewSourcesAsync(built.Views, ct), ct);
        if (!claimed) return -1;
        journal.Stored(batch);

        var rows = batch.Rows.Count;
        Interlocked.Add(ref _materialized, rows);
        Interlocked.Add(ref _viewsWaiting, built.Views.Count);
        if (sweep && !built.MoreWaiting) Drained(built.AppendedBefore);
        Progressed();
        logger.LogDebug("Audit materialised: {Rows} journal row(s) as {Events} AuditEvent(s) and {Views} pending view(s), built in {Built:F1} ms, stored in {Stored:F1} ms; backlog {Backlog}",
            rows, built.Prepared.Count, built.Views.Count, built.Built.TotalMilliseconds, Stopwatch.GetElapsedTime(storing).TotalMilliseconds, Backlog);
        return rows;
    }

    /// <summary>
    /// Stores up to <paramref name="max"/> pending patients' views (of <paramref name="patientId"/>, or
    /// of anyone) as AuditEvents, oldest first, in the transaction that deletes them: those waiting as
    /// FHIR JSON (<c>audit_pending_views</c>: the earlier form, and A40 merge copies) first, then those
    /// waiting in the compact form (<c>audit_view_sources</c>). Returns how many, 0 when none waited,
    /// or -1 when another instance took some of them first.
    /// </summary>
    private async Task<int> StoreViewsAsync(string? patientId, int max, CancellationToken ct)
    {
        await _oneBatchAtATime.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<InteropDbContext>();
            var store = scope.ServiceProvider.GetRequiredService<ResourceStore>();
            var stored = await StoreViewsFromAsync(store, db.AuditPendingViews, patientId, max, (_, json) => FhirSerialization.ParseStored(json), ct);
            if (stored != 0) return stored;
            stored = await StoreViewsFromAsync(store, db.AuditViewSources, patientId, max, (patient, json) => PendingView.ToAuditEvent(json, patient), ct);
            if (stored == 0 && patientId is null) Volatile.Write(ref _viewsWaiting, 0);
            return stored;
        }
        finally
        {
            _oneBatchAtATime.Release();
        }
    }

    /// <summary>
    /// Stores the oldest <paramref name="max"/> views waiting in <paramref name="table"/> (of
    /// <paramref name="patientId"/>, or of anyone), each made an AuditEvent by <paramref name="view"/>
    /// from its patient and JSON, in the transaction that deletes them.
    /// </summary>
    private async Task<int> StoreViewsFromAsync<T>(ResourceStore store, DbSet<T> table, string? patientId, int max,
        Func<string, string, Resource> view, CancellationToken ct) where T : class, IWaitingViewRow
    {
        var waiting = patientId is null ? table : table.Where(v => v.PatientId == patientId);
        var rows = await waiting.AsNoTracking().OrderBy(v => v.Id).Take(max).Select(v => new { v.Id, v.PatientId, v.Json }).ToListAsync(ct);
        if (rows.Count == 0) return 0;
        var prepared = rows.Select(r => ResourceStore.PrepareCreate(view(r.PatientId, r.Json), WriteContext.System, indexer, time)).ToList();
        var ids = rows.Select(r => r.Id).ToArray();
        if (!await ClaimAndStoreAsync(store, async () => await table.Where(v => ids.Contains(v.Id)).ExecuteDeleteAsync(ct) == ids.Length, prepared, null, ct))
            return -1;
        Interlocked.Add(ref _viewsWaiting, -rows.Count);
        logger.LogDebug("Audit views stored: {Views} patient view(s)", rows.Count);
        return rows.Count;
    }

    /// <summary>
    /// In one transaction: claims the rows (<paramref name="claim"/>: deletes them, or moves the journal
    /// file's cursor past them; false when another instance had already), stores <paramref name="prepared"/>
    /// and runs <paramref name="also"/>. Claiming first means a row another instance already stored is
    /// not stored twice: false, with nothing changed, when any was gone.
    /// </summary>
    private static async Task<bool> ClaimAndStoreAsync(ResourceStore store, Func<Task<bool>> claim,
        IReadOnlyList<ResourceVersionRow> prepared, Func<Task>? also, CancellationToken ct)
    {
        try
        {
            await store.InTransactionAsync(async () =>
            {
                if (!await claim()) throw new TakenElsewhereException();
                await store.StagePreparedAsync(prepared, ct);
                if (also is not null) await also();
                return 0;
            }, ct, exclusive: false);
            return true;
        }
        catch (TakenElsewhereException)
        {
            return false;
        }
    }

    // The journal was empty after every row appended before `appendedBefore` had committed: the
    // backlog estimate starts again from there (it drifts when this instance stores others' rows).
    private void Drained(long appendedBefore)
    {
        long current;
        do current = Volatile.Read(ref _materialized);
        while (current < appendedBefore && Interlocked.CompareExchange(ref _materialized, appendedBefore, current) != current);
        Progressed();
    }

    private void Progressed()
    {
        var done = Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        done.TrySetResult();
    }

    /// <summary>A journal row read back: its entry, or null when its JSON could not be read.</summary>
    private sealed record ParsedRow(AuditJournalRow Row, AuditEntry? Entry);

    private ParsedRow Parse(AuditJournalRow row)
    {
        try { return new ParsedRow(row, AuditEntry.FromJson(row.Entry)); }
        catch (System.Text.Json.JsonException ex)
        {
            logger.LogError(ex, "Audit journal row {Id} could not be read; stored as an unreadable-entry AuditEvent", row.Id);
            return new ParsedRow(row, null);
        }
    }

    /// <summary>
    /// The first rows whose released resources together stay within <see cref="AuditOptions.MaxReleasedPerBatch"/>
    /// (at least one row), so that no batch's transaction runs long enough to hold the requests waiting at
    /// <see cref="AuditOptions.MaxBacklog"/> for seconds.
    /// </summary>
    private List<ParsedRow> WithinReleasedBudget(List<ParsedRow> rows)
    {
        var budget = options.Value.MaxReleasedPerBatch;
        var released = 0L;
        for (var i = 0; i < rows.Count; i++)
        {
            released += rows[i].Entry?.ReleasedRows.Length ?? 0;
            if (i > 0 && released > budget) return rows.Take(i).ToList();
        }
        return rows;
    }

    /// <summary>The full AuditEvent of each row, and each patient's view of it as a pending row.</summary>
    private async Task<(List<AuditEvent> Events, List<AuditViewSourceRow> Views)> BuildEventsAsync(InteropDbContext db, List<ParsedRow> rows, CancellationToken ct)
    {
        var entries = rows.Select(r => r.Entry).OfType<AuditEntry>().ToList();
        var released = await ReleasedAsync(db, entries.SelectMany(e => e.ReleasedRows).Distinct().ToArray(), ct);
        var survivorOf = await merged.SurvivorsAsync(db, ct);
        // Per row (aligned with rows): the patients concerned, from the entry and the released rows'
        // compartments, and (for a record an ADT^A40 merge retired) the patients it was merged into.
        var directOf = new List<HashSet<string>>(rows.Count);
        var patientsOf = rows.Select(r =>
        {
            var patients = new HashSet<string>(r.Entry?.Patients ?? [], StringComparer.Ordinal);
            foreach (var id in r.Entry?.ReleasedRows ?? [])
                if (released.TryGetValue(id, out var item)) patients.UnionWith(item.Patients);
            directOf.Add(patients);
            return MergedPatients.WithSurvivors(patients, survivorOf);
        }).ToList();
        var ledger = await LedgerAsync(db, patientsOf.SelectMany(p => p).Distinct(StringComparer.Ordinal).ToArray(), ct);

        var events = new List<AuditEvent>(rows.Count);
        var views = new List<AuditViewSourceRow>();
        for (var i = 0; i < rows.Count; i++)
        {
            var patients = patientsOf[i];
            var (row, entry) = rows[i];
            if (entry is null)
            {
                // Kept, not dropped: the privacy officer sees the raw record in an event of its own.
                events.Add(AuditEventBuilder.Unreadable(row.Entry, Instants.FromStored(row.RecordedAt)));
                continue;
            }
            var items = entry.ReleasedRows.Select(id => released.GetValueOrDefault(id)).OfType<Released>().ToList();
            var recordedAt = Instants.ToStored(entry.Recorded);
            // The ledger entries in force for each patient that were recorded by the time of the access.
            var inForce = patients.ToDictionary(p => p, p => ledger[p].Where(l => l.RecordedAt <= recordedAt).Select(l => l.Sequence).Distinct().ToList(), StringComparer.Ordinal);
            events.Add(AuditEventBuilder.Build(entry, patients, inForce.Values.SelectMany(s => s).Distinct().ToList(), items.Select(r => (r.Type, r.Id)).ToList()));
            // Each patient's view names only what that patient may see of their own record, so a patient
            // searching their access log by any parameter (patient, entity, _id, ...) finds nothing else.
            foreach (var patient in patients.Order(StringComparer.Ordinal))
            {
                // A survivor's record holds the records merged into it: their items are its own.
                List<string> records = directOf[i].Contains(patient) ? [patient] : directOf[i].Where(p => MergedPatients.WithSurvivors([p], survivorOf).Contains(patient)).ToList();
                var own = items.Where(r => r.DisclosableToPatient && r.Patients.Any(records.Contains)).Select(r => (r.Type, r.Id)).ToList();
                var mergedFrom = directOf[i].Contains(patient) ? null : records.Order(StringComparer.Ordinal).ToArray();
                views.Add(new AuditViewSourceRow { PatientId = patient, RecordedAt = recordedAt, Json = PendingView.ToJson(entry, inForce[patient], own, mergedFrom) });
            }
        }
        return (events, views);
    }

    private static async Task<Dictionary<long, Released>> ReleasedAsync(InteropDbContext db, long[] rows, CancellationToken ct)
    {
        var released = new Dictionary<long, Released>();
        foreach (var chunk in rows.Chunk(500))
        {
            // Each row with its compartments (a left join) and whether the patient's own disclosure
            // rule (ConsentFilter) lets a patient be shown it: the same predicate as their own reads.
            // The ids go as one array parameter (json_each on SQLite, = ANY on PostgreSQL), not one
            // parameter each: a summary releases some 300 rows, and a statement with 300 placeholders
            // twice over was generated by EF Core and prepared by the database afresh for every batch.
            var inChunk = db.Resources.Where(r => EF.Parameter(chunk).Contains(r.Id));
            var disclosable = ConsentFilter.DisclosableToPatient(inChunk, db).Select(d => d.Id);
            var items = await (
                from r in inChunk.AsNoTracking()
                from c in db.Compartments.Where(c => c.ResourceRowId == r.Id).DefaultIfEmpty()
                select new { r.Id, r.ResourceType, r.ResourceId, Disclosable = disclosable.Contains(r.Id), PatientId = (string?)c!.PatientId })
                .ToListAsync(ct);
            foreach (var item in items.GroupBy(i => i.Id))
            {
                var first = item.First();
                var entry = new Released(first.ResourceType, first.ResourceId, first.Disclosable);
                entry.Patients.AddRange(item.Select(i => i.PatientId).OfType<string>().Distinct(StringComparer.Ordinal));
                released[first.Id] = entry;
            }
        }
        return released;
    }

    private static async Task<ILookup<string, (long Sequence, long RecordedAt)>> LedgerAsync(InteropDbContext db, string[] patients, CancellationToken ct)
    {
        var found = new List<(string, long, long)>();
        foreach (var chunk in patients.Chunk(500))
        {
            var entries = await (
                from rule in db.ConsentRules.AsNoTracking()
                where chunk.Contains(rule.PatientId)
                join entry in db.ConsentLedger.AsNoTracking() on rule.LedgerSequence equals entry.Sequence
                select new { rule.PatientId, rule.LedgerSequence, entry.RecordedAt })
                .Distinct().ToListAsync(ct);
            found.AddRange(entries.Select(e => (e.PatientId, e.LedgerSequence, e.RecordedAt)));
        }
        return found.ToLookup(e => e.Item1, e => (e.Item2, e.Item3), StringComparer.Ordinal);
    }
}
