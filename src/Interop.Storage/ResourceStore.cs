using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Interop.Core.Fhir;
using Interop.Core.Consent;
using Interop.Storage.Consent;
using Interop.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Interop.Storage;

/// <summary>
/// Versioned resource storage: create, read, vread, update, delete and history over
/// <see cref="InteropDbContext"/>. Every write is one database transaction holding the version and
/// all rows derived from it, so a failure leaves no partial version or orphan index row.
/// </summary>
public sealed class ResourceStore(InteropDbContext db, ResourceIndexer indexer, WriteLocks locks, ConsentLedger ledger, TimeProvider time, ResourceChangeSignal changes)
{
    // Types written in the open transaction, announced to in-memory caches once it commits.
    private readonly HashSet<string> _writtenTypes = new(StringComparer.Ordinal);

    // SearchParameters written in the open transaction: registered once it commits, forgotten if it
    // rolls back, so a failed transaction Bundle leaves no custom parameter behind in memory.
    private readonly List<SearchParameter> _pendingParameters = [];

    public InteropDbContext Db => db;

    /// <summary>The current version, when <paramref name="access"/> (patient confinement and consent) lets the caller see it.</summary>
    public async Task<StoredResource?> ReadAsync(string type, string id, CancellationToken ct = default, ReadAccess? access = null)
    {
        var row = await ConsentFilter.ReadCurrentAsync(db, access ?? ReadAccess.Unrestricted, type, id, ct);
        return row is null ? null : ToStored(row);
    }

    public async Task<StoredResource?> ReadVersionAsync(string type, string id, int version, CancellationToken ct = default, ReadAccess? access = null)
    {
        var row = await Visible(access)
            .Where(r => r.ResourceType == type && r.ResourceId == id && r.VersionId == version)
            .FirstOrDefaultAsync(ct);
        return row is null ? null : ToStored(row);
    }

    /// <summary>Creates a new resource with a server-assigned id (FHIR http.html#create).</summary>
    public Task<StoredResource> CreateAsync(Resource resource, WriteContext context, CancellationToken ct = default) =>
        InTransactionAsync(() => StageCreateAsync(resource, context, ct), ct);

    /// <summary>
    /// Updates (or creates with a client id) <paramref name="resource"/>. When
    /// <paramref name="ifMatchVersion"/> is given the current version must equal it (412 otherwise).
    /// </summary>
    public Task<(StoredResource Stored, bool Created)> UpdateAsync(Resource resource, int? ifMatchVersion, WriteContext context, string method = "PUT", CancellationToken ct = default) =>
        InTransactionAsync(() => StageUpdateAsync(resource, ifMatchVersion, context, method, ct), ct);

    /// <summary>Logical delete: appends a deleted version. Deleting a missing or deleted resource is a no-op.</summary>
    public Task<StoredResource?> DeleteAsync(string type, string id, int? ifMatchVersion, WriteContext context, CancellationToken ct = default) =>
        InTransactionAsync(() => StageDeleteAsync(type, id, ifMatchVersion, context, ct), ct);

    /// <summary>Create inside an open transaction (see <see cref="InTransactionAsync{T}"/>); <paramref name="assignedId"/> when the caller already chose the id.</summary>
    public async Task<StoredResource> StageCreateAsync(Resource resource, WriteContext context, CancellationToken ct, string? assignedId = null)
    {
        resource.Id = assignedId ?? NewId();
        if (IsPreparable(resource)) return (await InsertNewAsync([(resource, context)], ct))[0];
        RequireValidConsent(resource);
        var row = NewVersion(resource, 1, "POST", context);
        Stage(row);
        await SaveAsync(ct);
        var stored = ToStored(row);
        await RecordConsentAsync(resource, stored, "create", ct);
        return stored;
    }

    /// <summary>
    /// Creates several resources with server-assigned ids inside an open transaction, in list order,
    /// with one insert per table for them all: the group commit of plain creates
    /// (<c>WriteCommitter</c>). Only for resources <see cref="IsPreparable"/> accepts.
    /// </summary>
    public Task<IReadOnlyList<StoredResource>> StageCreatesAsync(IReadOnlyList<(Resource Resource, WriteContext Context)> creates, CancellationToken ct)
    {
        foreach (var (resource, _) in creates) resource.Id = NewId();
        return InsertNewAsync(creates, ct);
    }

    /// <summary>
    /// Version 1 of each resource (ids already set), inserted past the change tracker, as an import's
    /// entries are: nothing about a new version needs the database before its insert, and the change
    /// tracker took half the time a create held the write lock.
    /// </summary>
    private async Task<IReadOnlyList<StoredResource>> InsertNewAsync(IReadOnlyList<(Resource Resource, WriteContext Context)> creates, CancellationToken ct)
    {
        var now = Now();
        var rows = new List<ResourceVersionRow>(creates.Count);
        foreach (var (resource, context) in creates)
        {
            if (!IsPreparable(resource))
                throw new ArgumentException($"A {resource.TypeName} is written through the store's create, not inserted as it is.", nameof(creates));
            rows.Add(BuildVersion(resource, 1, "POST", context, indexer, now));
        }
        await StagePreparedAsync(rows, ct);
        return rows.Select(ToStored).ToList();
    }

    /// <summary>
    /// Builds version 1 of a new resource with a server-assigned id (JSON, compartments, labels and
    /// search index rows) without touching the database, so the work can be done in parallel by the
    /// requests before a serial writer stores many at once with <see cref="StagePreparedAsync"/>: the
    /// audit group commit prepares each AuditEvent on its request's thread. Not for Consent (the
    /// ledger records those) or SearchParameter (registered at commit) resources.
    /// </summary>
    public static ResourceVersionRow PrepareCreate(Resource resource, WriteContext context, ResourceIndexer indexer, TimeProvider time)
    {
        if (!IsPreparable(resource))
            throw new ArgumentException($"A {resource.TypeName} is written through the store's create, not prepared.", nameof(resource));
        resource.Id = NewId();
        return BuildVersion(resource, 1, "POST", context, indexer, Instants.TruncateToMilliseconds(time.GetUtcNow()));
    }

    /// <summary>
    /// Builds version 1 of a new resource under the id the caller already chose (a transaction Bundle
    /// assigns every entry's id before writing any), without touching the database, so the entries of
    /// one transaction can be prepared in parallel and stored with one
    /// <see cref="StagePreparedAsync"/>. The timestamp is taken now, so call it inside the transaction,
    /// as <see cref="StageCreateAsync"/> would. Only for resources <see cref="IsPreparable"/> accepts.
    /// </summary>
    public ResourceVersionRow PrepareCreate(Resource resource, string assignedId, WriteContext context)
    {
        if (!IsPreparable(resource))
            throw new ArgumentException($"A {resource.TypeName} is written through the store's create, not prepared.", nameof(resource));
        resource.Id = assignedId;
        return BuildVersion(resource, 1, "POST", context, indexer, Now());
    }

    /// <summary>
    /// True when a create of <paramref name="resource"/> needs nothing from the database or the
    /// store's state beyond an insert: not a Consent (validated and appended to the ledger) nor a
    /// SearchParameter (checked against the registry and the transaction's other parameters).
    /// </summary>
    public static bool IsPreparable(Resource resource) => resource is not (Hl7.Fhir.Model.Consent or SearchParameter);

    /// <summary>Stores versions built by one of the <c>PrepareCreate</c> overloads in one save inside an open transaction.</summary>
    public async Task StagePreparedAsync(IReadOnlyList<ResourceVersionRow> rows, CancellationToken ct)
    {
        if (!DerivedRowWriter.InsertsVersions(db) || db.ChangeTracker.HasChanges())
        {
            foreach (var row in rows) Stage(row);
            await SaveAsync(ct);
            return;
        }
        // New versions only: nothing for the change tracker to order or track, so the rows go
        // straight to the bulk writer, versions first (their keys), then what derives from them.
        var staged = rows.Select(DerivedRows.Detach).ToList();
        foreach (var row in rows) _writtenTypes.Add(row.ResourceType);
        await DerivedRowWriter.InsertVersionsAsync(db, rows, ct);
        await DerivedRowWriter.InsertAsync(db, staged, ct);
    }

    /// <summary>Update inside an open transaction.</summary>
    public async Task<(StoredResource, bool)> StageUpdateAsync(Resource resource, int? ifMatchVersion, WriteContext context, string method, CancellationToken ct)
    {
        var id = resource.Id ?? throw FhirException.BadRequest("An update needs the resource id in the body.");
        RequireValidConsent(resource);
        var applied = Answer((await ReplaceAllAsync([new Replacement(resource.TypeName, id, resource, ifMatchVersion, context, method)], ct))[0]);
        if (applied.Written) await RecordConsentAsync(resource, applied.Stored!, applied.Created ? "create" : "update", ct);
        return (applied.Stored!, applied.Created);
    }

    /// <summary>Delete inside an open transaction.</summary>
    public async Task<StoredResource?> StageDeleteAsync(string type, string id, int? ifMatchVersion, WriteContext context, CancellationToken ct)
    {
        var applied = Answer((await ReplaceAllAsync([new Replacement(type, id, null, ifMatchVersion, context)], ct))[0]);
        if (!applied.Written) return null;
        if (type == "Consent" && applied.Replaced?.Json is { } json)
        {
            // A DELETE of a Consent is a withdrawal: the ledger keeps it, the rules go.
            var withdrawn = (Hl7.Fhir.Model.Consent)FhirSerialization.ParseStored(json);
            await ledger.AppendAsync(withdrawn, json, "withdraw", applied.Stored!.LastUpdated, ct);
        }
        return applied.Stored;
    }

    /// <summary>
    /// Updates and deletes of distinct resources inside an open transaction, with the same handful of
    /// statements however many there are: the group commit of <c>PUT</c> and <c>DELETE</c>
    /// (<c>WriteCommitter</c>). Each write's preconditions (If-Match) are checked against the current
    /// versions, read in one query, before anything is written, so a write that fails them writes
    /// nothing and is answered with its own error while the rest are stored. Throws, with the
    /// transaction to be rolled back, when the database refuses any of it (a version that stopped
    /// being current meanwhile is a 409). Only for resources <see cref="IsPreparable"/> accepts.
    /// </summary>
    public async Task<IReadOnlyList<ReplacementOutcome>> StageReplacementsAsync(IReadOnlyList<Replacement> writes, CancellationToken ct)
    {
        foreach (var w in writes)
            if (w.Type is "Consent" or "SearchParameter")
                throw new ArgumentException($"A {w.Type} is written through the store's update or delete, not in a group.", nameof(writes));
        return (await ReplaceAllAsync(writes, ct)).Select(a => new ReplacementOutcome(a.Stored, a.Created, a.Error)).ToList();
    }

    /// <summary>What became of one <see cref="Replacement"/>: written (a new version, or a delete marker), unchanged, nothing to delete, or refused.</summary>
    private readonly record struct Applied(StoredResource? Stored, bool Created, bool Written, ResourceVersionRow? Replaced, Exception? Error);

    private static Applied Answer(Applied applied)
    {
        if (applied.Error is { } error) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        return applied;
    }

    /// <summary>
    /// The writes of <see cref="StageUpdateAsync"/>, <see cref="StageDeleteAsync"/> and
    /// <see cref="StageReplacementsAsync"/>: the current versions in one query, each write decided in
    /// memory (If-Match, unchanged content, nothing to delete), then the replaced versions made past
    /// ones with one guarded <c>UPDATE ... SET IsCurrent = false</c> (409 if any stopped being current),
    /// their search index rows removed, and the new versions inserted together outside the change
    /// tracker (<see cref="StagePreparedAsync"/>): EF Core's tracked update and insert were a third of a
    /// delete's time under the write lock, and one statement per write per step was most of what a
    /// group of updates cost on PostgreSQL. A delete marker keeps the compartment and labels of what it
    /// deletes, so history stays consent-filtered.
    /// </summary>
    private async Task<Applied[]> ReplaceAllAsync(IReadOnlyList<Replacement> writes, CancellationToken ct)
    {
        var current = await CurrentOfAsync(writes, ct);
        var applied = new Applied[writes.Count];
        var written = new List<(int Index, ResourceVersionRow Row)>();
        var replaced = new List<ResourceVersionRow>();
        var markers = new List<(ResourceVersionRow Marker, long Of)>();
        for (var i = 0; i < writes.Count; i++)
        {
            var w = writes[i];
            var cur = current.GetValueOrDefault((w.Type, w.Id));
            try
            {
                if (w.IfMatch is { } expected && (cur is null || cur.VersionId != expected))
                    throw FhirException.PreconditionFailed(cur is null
                        ? $"If-Match names version {expected} but {w.Type}/{w.Id} does not exist."
                        : $"If-Match names version {expected} but {w.Type}/{w.Id} is at version {cur.VersionId}.");
                if (w.Resource is { } resource)
                {
                    // Nothing would change: no new version, no history entry, no ledger entry. This is what
                    // makes re-posted adapter extracts and re-run imports idempotent.
                    if (cur is { IsDeleted: false } && IsUnchanged(cur, resource)) { applied[i] = new(ToStored(cur), false, false, null, null); continue; }
                    written.Add((i, NewVersion(resource, (cur?.VersionId ?? 0) + 1, w.Method, w.Context)));
                    applied[i] = new(null, cur is null || cur.IsDeleted, true, cur, null);
                }
                else
                {
                    if (cur is null || cur.IsDeleted) { applied[i] = new(null, false, false, null, null); continue; }
                    var marker = new ResourceVersionRow
                    {
                        ResourceType = w.Type,
                        ResourceId = w.Id,
                        VersionId = cur.VersionId + 1,
                        LastUpdated = Instants.ToStored(Now()),
                        IsDeleted = true,
                        IsCurrent = true,
                        Json = null,
                        Method = "DELETE",
                        Custodian = w.Context.Custodian ?? cur.Custodian,
                    };
                    written.Add((i, marker));
                    markers.Add((marker, cur.Id));
                    applied[i] = new(null, false, true, cur, null);
                }
                if (cur is not null) replaced.Add(cur);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                applied[i] = new(null, false, false, null, ex);
            }
        }
        if (written.Count == 0) return applied; // refused, unchanged or nothing to delete: nothing to write
        await KeepCompartmentsAndLabelsAsync(markers, ct);
        await RetireAsync(replaced, ct);
        await StagePreparedAsync(written.Select(w => w.Row).ToList(), ct);
        foreach (var (i, row) in written) applied[i] = applied[i] with { Stored = ToStored(row) };
        return applied;
    }

    /// <summary>The current versions (untracked) of the resources <paramref name="writes"/> name, by type and id; one write at a time must name each.</summary>
    private async Task<Dictionary<(string Type, string Id), ResourceVersionRow>> CurrentOfAsync(IReadOnlyList<Replacement> writes, CancellationToken ct)
    {
        if (writes.Select(w => (w.Type, w.Id)).Distinct().Count() != writes.Count)
            throw new ArgumentException("Each resource may be written once per group; the next write of it goes in the next group.", nameof(writes));
        if (writes.Count == 1)
        {
            var one = await CurrentAsync(writes[0].Type, writes[0].Id, ct);
            return one is null ? [] : new() { [(one.ResourceType, one.ResourceId)] = one };
        }
        var types = writes.Select(w => w.Type).Distinct().ToArray();
        var ids = writes.Select(w => w.Id).Distinct().ToArray();
        var rows = await db.Resources.AsNoTracking().Where(r => r.IsCurrent && types.Contains(r.ResourceType) && ids.Contains(r.ResourceId)).ToListAsync(ct);
        var wanted = writes.Select(w => (w.Type, w.Id)).ToHashSet();
        return rows.Where(r => wanted.Contains((r.ResourceType, r.ResourceId))).ToDictionary(r => (r.ResourceType, r.ResourceId));
    }

    /// <summary>Gives each delete marker the compartment and security label rows of the version it deletes.</summary>
    private async Task KeepCompartmentsAndLabelsAsync(List<(ResourceVersionRow Marker, long Of)> markers, CancellationToken ct)
    {
        if (markers.Count == 0) return;
        var of = markers.Select(m => m.Of).ToArray();
        var compartments = (await db.Compartments.AsNoTracking().Where(c => of.Contains(c.ResourceRowId))
            .Select(c => new { c.ResourceRowId, c.PatientId, c.ResourceType }).ToListAsync(ct)).ToLookup(c => c.ResourceRowId);
        var labels = (await db.SecurityLabels.AsNoTracking().Where(l => of.Contains(l.ResourceRowId))
            .Select(l => new { l.ResourceRowId, l.System, l.Code, l.ResourceType }).ToListAsync(ct)).ToLookup(l => l.ResourceRowId);
        foreach (var (marker, id) in markers)
        {
            marker.Compartments.AddRange(compartments[id].Select(c => new CompartmentRow { PatientId = c.PatientId, ResourceType = c.ResourceType }));
            marker.SecurityLabels.AddRange(labels[id].Select(l => new SecurityLabelRow { System = l.System, Code = l.Code, ResourceType = l.ResourceType }));
        }
    }

    /// <summary>
    /// True when <paramref name="incoming"/> is the current version's content again: an update that
    /// changes nothing keeps the version (no new version, no new lastUpdated), so replaying the same
    /// data (imports, retries) is idempotent. Compared as the JSON that would be stored, with the
    /// current version's meta.versionId and meta.lastUpdated.
    /// </summary>
    private static bool IsUnchanged(ResourceVersionRow current, Resource incoming)
    {
        if (current.Json is null) return false;
        incoming.Meta ??= new Meta();
        incoming.Meta.VersionId = current.VersionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        incoming.Meta.LastUpdated = Instants.FromStored(current.LastUpdated);
        return string.Equals(FhirSerialization.ToJson(incoming), current.Json, StringComparison.Ordinal);
    }

    /// <summary>The current version of <paramref name="type"/>/<paramref name="id"/>, untracked (null when there is none).</summary>
    private Task<ResourceVersionRow?> CurrentAsync(string type, string id, CancellationToken ct) =>
        db.Resources.AsNoTracking().Where(r => r.ResourceType == type && r.ResourceId == id && r.IsCurrent).FirstOrDefaultAsync(ct);

    /// <summary>
    /// Makes <paramref name="versions"/> past versions (no longer current, their search index rows gone)
    /// outside the change tracker, so that the next versions go in as plain inserts. A version that is
    /// no longer current by now is a concurrent change (409), as the unique index on current versions
    /// would have answered.
    /// </summary>
    private async Task RetireAsync(List<ResourceVersionRow> versions, CancellationToken ct)
    {
        if (versions.Count == 0) return;
        var ids = versions.Select(v => v.Id).ToArray();
        var one = ids[0];
        var changed = ids.Length == 1
            ? await db.Resources.Where(r => r.Id == one && r.IsCurrent).ExecuteUpdateAsync(set => set.SetProperty(r => r.IsCurrent, false), ct)
            : await db.Resources.Where(r => ids.Contains(r.Id) && r.IsCurrent).ExecuteUpdateAsync(set => set.SetProperty(r => r.IsCurrent, false), ct);
        if (changed != ids.Length) throw ConcurrentChange();
        if (ids.Length == 1) await SearchIndexRows.DeleteForAsync(db, one, ct);
        else await SearchIndexRows.DeleteForAsync(db, ids, ct);
    }

    private static void RequireValidConsent(Resource resource)
    {
        if (resource is not Hl7.Fhir.Model.Consent consent) return;
        var outcome = ConsentRuleCompiler.Check(consent);
        if (outcome.Issue.Count > 0) throw FhirException.Unprocessable(outcome);
    }

    private async Task RecordConsentAsync(Resource resource, StoredResource stored, string action, CancellationToken ct)
    {
        if (resource is Hl7.Fhir.Model.Consent consent)
            await ledger.AppendAsync(consent, stored.Json!, action, stored.LastUpdated, ct);
    }

    /// <summary>History newest first, keyset-paged by row id so pages stay stable while data changes.</summary>
    public async Task<IReadOnlyList<StoredResource>> HistoryAsync(string? type, string? id, DateTimeOffset? since, long? beforeRowId, int count, CancellationToken ct = default, ReadAccess? access = null)
    {
        var query = Visible(access);
        if (type is not null) query = query.Where(r => r.ResourceType == type);
        if (id is not null) query = query.Where(r => r.ResourceId == id);
        if (since is { } s)
        {
            var stored = Instants.ToStored(s);
            query = query.Where(r => r.LastUpdated >= stored);
        }
        if (beforeRowId is { } before) query = query.Where(r => r.Id < before);
        var rows = await query.OrderByDescending(r => r.Id).Take(count).ToListAsync(ct);
        return rows.Select(ToStored).ToList();
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one database transaction (joining an open one), taking the
    /// write lock that serialises conditional operations across requests and instances. With
    /// <paramref name="exclusive"/> false the database-side lock is not taken, for writes that only
    /// insert rows under fresh server-assigned ids and so cannot race (the audit group commit);
    /// SQLite still passes the in-process gate, as it allows one writer at a time anyway.
    /// </summary>
    public async Task<T> InTransactionAsync<T>(Func<Task<T>> work, CancellationToken ct, bool exclusive = true)
    {
        if (db.Database.CurrentTransaction is not null) return await work();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var gate = await locks.EnterAsync(db, ct);
            await using var tx = await BeginAsync(ct);
            _pendingParameters.Clear();
            _writtenTypes.Clear();
            try
            {
                if (exclusive) await gate.AcquireInTransactionAsync(ct);
                var result = await work();
                await tx.CommitAsync(ct);
                RegisterPendingParameters();
                if (_writtenTypes.Count > 0) changes.Changed(_writtenTypes);
                _writtenTypes.Clear();
                return result;
            }
            catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException && UniqueViolation.IsUpdateConflict(ex))
            {
                await SafeRollbackAsync(tx);
                db.ChangeTracker.Clear();
                _pendingParameters.Clear();
                throw ConcurrentChange();
            }
            catch
            {
                await SafeRollbackAsync(tx);
                db.ChangeTracker.Clear();
                _pendingParameters.Clear();
                throw;
            }
        });
    }

    /// <summary>
    /// Runs <paramref name="work"/> inside a savepoint of the open transaction: when it throws, what it
    /// wrote is rolled back, the transaction goes on, and the exception is rethrown (a unique
    /// violation as 409, as <see cref="InTransactionAsync{T}"/> answers it). Lets a write that must look
    /// before it writes (a conditional update or delete) share one commit with other requests' writes
    /// and fail on its own (<c>WriteCommitter</c>). Not for Consent or SearchParameter writes, whose
    /// ledger entries and registrations follow the whole transaction.
    /// </summary>
    public async Task<T> InSavepointAsync<T>(Func<Task<T>> work, CancellationToken ct)
    {
        const string savepoint = "interop_write";
        var tx = db.Database.CurrentTransaction ?? throw new InvalidOperationException("A savepoint needs an open transaction.");
        await tx.CreateSavepointAsync(savepoint, ct);
        try
        {
            var result = await work();
            await tx.ReleaseSavepointAsync(savepoint, ct);
            return result;
        }
        catch (Exception ex)
        {
            await tx.RollbackToSavepointAsync(savepoint, ct);
            _staged.Clear();
            db.ChangeTracker.Clear();
            if (ex is DbUpdateException or System.Data.Common.DbException && UniqueViolation.IsUpdateConflict(ex))
                throw ConcurrentChange();
            throw;
        }
    }

    /// <summary>The answer when the database refused a version because another writer got there first.</summary>
    private static FhirException ConcurrentChange() =>
        FhirException.Conflict("Another request changed this resource at the same time; read it again and retry.");

    private void RegisterPendingParameters()
    {
        // Each was checked inside the transaction (RequireRegistrable), in this order, so
        // registering cannot fail now; the registry answers an identical definition with no change.
        foreach (var parameter in _pendingParameters) indexer.Register(parameter);
        _pendingParameters.Clear();
    }

    /// <summary>
    /// Every resource row the caller may see: patient confinement and consent, decided in SQL. With
    /// <paramref name="ofTypes"/> the caller promises to read rows of those types only, and a
    /// patient-confined compartment is listed for them alone (<see cref="ConsentFilter.Apply(IQueryable{ResourceVersionRow}, InteropDbContext, ReadAccess, bool, IReadOnlyCollection{string})"/>).
    /// </summary>
    public IQueryable<ResourceVersionRow> Visible(ReadAccess? access, bool currentOnly = false, IReadOnlyCollection<string>? ofTypes = null) =>
        ConsentFilter.Apply(db.Resources.AsNoTracking(), db, access ?? ReadAccess.Unrestricted, currentOnly, ofTypes);

    /// <summary>
    /// Why a version that exists is not visible: the patient (in whose compartment it is) has a
    /// blanket dissent that applies to this request (answered 403), or it is withheld (answered 404).
    /// </summary>
    public async Task<(bool Dissent, IReadOnlyList<long> LedgerEntries)> ExplainAsync(long rowId, ReadAccess access, CancellationToken ct)
    {
        if (access.Consent is not { } consent || consent.PatientCaller) return (false, []);
        var patients = await db.Compartments.AsNoTracking().Where(c => c.ResourceRowId == rowId).Select(c => c.PatientId).ToListAsync(ct);
        foreach (var patient in patients)
        {
            var entries = await ConsentFilter.BlanketDissent(db, patient, consent).Select(r => r.LedgerSequence).Distinct().ToListAsync(ct);
            if (entries.Count > 0) return (true, entries);
        }
        return (false, []);
    }

    private Task<IDbContextTransaction> BeginAsync(CancellationToken ct) => db.Database.BeginTransactionAsync(ct);

    private static async Task SafeRollbackAsync(IDbContextTransaction tx)
    {
        try { await tx.RollbackAsync(CancellationToken.None); }
        catch (InvalidOperationException) { /* already completed */ }
    }

    private ResourceVersionRow NewVersion(Resource resource, int version, string method, WriteContext context)
    {
        if (resource is SearchParameter parameter)
        {
            indexer.RequireRegistrable(parameter, _pendingParameters.Select(p => p.Url).OfType<string>().ToList());
            _pendingParameters.Add(parameter);
        }
        return BuildVersion(resource, version, method, context, indexer, Now());
    }

    private static ResourceVersionRow BuildVersion(Resource resource, int version, string method, WriteContext context, ResourceIndexer indexer, DateTimeOffset now)
    {
        resource.Meta ??= new Meta();
        resource.Meta.VersionId = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        resource.Meta.LastUpdated = now;
        var row = new ResourceVersionRow
        {
            ResourceType = resource.TypeName,
            ResourceId = resource.Id!,
            VersionId = version,
            LastUpdated = Instants.ToStored(now),
            IsCurrent = true,
            Json = FhirSerialization.ToJson(resource),
            Method = method,
            Custodian = context.Custodian,
        };
        indexer.Populate(row, resource);
        return row;
    }

    /// <summary>A new server-assigned id: time-ordered (UUID v7), so inserts stay local in the indexes.</summary>
    public static string NewId() => Guid.CreateVersion7().ToString();

    /// <summary>
    /// Saves and forgets: staged writes never need their entities again, and a change tracker that
    /// grows through a 5,000-entry transaction would make every save slower than the last.
    /// </summary>
    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            if (_staged.Count > 0) await DerivedRowWriter.InsertAsync(db, _staged, ct);
        }
        finally
        {
            _staged.Clear();
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// Adds a new version for the next save; its derived rows (compartments, labels, index rows) are
    /// held back and inserted in bulk by <see cref="DerivedRowWriter"/> once the version has its key.
    /// </summary>
    private void Stage(ResourceVersionRow row)
    {
        _staged.Add(DerivedRows.Detach(row));
        _writtenTypes.Add(row.ResourceType);
        db.Resources.Add(row);
    }

    private readonly List<DerivedRows> _staged = [];

    private DateTimeOffset Now() => Instants.TruncateToMilliseconds(time.GetUtcNow());

    public static StoredResource ToStored(ResourceVersionRow row) =>
        new(row.Id, row.ResourceType, row.ResourceId, row.VersionId, Instants.FromStored(row.LastUpdated), row.IsDeleted, row.Method, row.Json);
}
