using Hl7.Fhir.Model;
using Interop.Core.Fhir;
using Interop.Storage;
using Task = System.Threading.Tasks.Task;

namespace Interop.Api.Fhir;

/// <summary>
/// Group commit for single-resource writes (<c>POST /fhir/{type}</c>, with or without
/// <c>If-None-Exist</c>, <c>PUT</c>, <c>PATCH</c> and <c>DELETE /fhir/{type}/{id}</c>, and the conditional
/// <c>PUT</c> and <c>DELETE /fhir/{type}?criteria</c>), as the audit journal has it (architecture
/// decision 6): requests hand their parsed and checked write to a queue and wait; one loop takes
/// everything queued and applies it in one transaction under the write lock, then answers every
/// waiting request together. Each request is answered only after its write is committed, as before,
/// and many share one commit: on SQLite a commit of one create wrote some twenty-five pages to the
/// write-ahead log, which the checkpointer then copied back holding the write lock, so that commits
/// of one write each made the log, and the pauses, grow with every request
/// (docs/decisions/0013-write-group-commit.md). On shutdown the queue is drained.
/// </summary>
/// <remarks>
/// Creates in a batch are inserted together, and updates and deletes of distinct resources together
/// (<see cref="ResourceStore.StageReplacementsAsync"/>): a write whose precondition fails (412) is
/// answered with its error and writes nothing while the rest commit. A batch whose transaction fails
/// (a 409, anything the database refuses) is tried again one write per transaction, so only the
/// write that caused it fails.
/// Consents and SearchParameters are not queued: the ledger and the parameter registry follow
/// each such write's own transaction (<see cref="ResourceStore.IsPreparable"/>).
/// </remarks>
public sealed class WriteCommitter(IServiceScopeFactory scopes, ILogger<WriteCommitter> logger) : BackgroundService
{
    internal enum Kind { Create, ConditionalCreate, Update, Delete, Unit }

    /// <summary>One queued write; <see cref="Done"/> completes with what the store returned for it.</summary>
    internal sealed record Pending(Kind Kind, Resource? Resource, string Type, string? Id, int? IfMatch, WriteContext Context, string Method = "PUT", string? Criteria = null,
        Func<ResourceStore, ConditionalResolver, CancellationToken, Task<object?>>? Unit = null)
    {
        public TaskCompletionSource<object?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public static Pending Create(Resource resource, WriteContext context) => new(Kind.Create, resource, resource.TypeName, null, null, context);
    }

    private long _batches;
    private long _waiting;

    /// <summary>Most writes applied in one transaction.</summary>
    public const int MaxBatch = 128;

    private readonly Hosting.GroupCommitQueue<Pending> _queue = new(MaxBatch);

    /// <summary>Transactions this process has committed for queued writes (single ones included).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Writes handed in and not yet answered (queued, or in the transaction under way).</summary>
    public long Waiting => Interlocked.Read(ref _waiting);

    /// <summary>True when a write of a <paramref name="type"/> may be queued (not a Consent or SearchParameter).</summary>
    public static bool Queues(string type) => type is not ("Consent" or "SearchParameter");

    /// <summary>Creates <paramref name="resource"/> under a new id once committed.</summary>
    public async Task<StoredResource> CreateAsync(Resource resource, WriteContext context) =>
        (StoredResource)(await EnqueueAsync(Pending.Create(resource, context)))!;

    /// <summary>
    /// Conditional create (<c>If-None-Exist</c>, http.html#ccreate): inside the batch's transaction, under
    /// the write lock, the current resources matching <paramref name="criteria"/> are found (unrestricted,
    /// <see cref="ConditionalResolver"/>, seeing the writes queued before it) and <paramref name="resource"/>
    /// is created only when there is none. Answers the created version, or the id of the one match
    /// (nothing created); more than one match is a 412, and criteria that do not parse a 400.
    /// </summary>
    public async Task<(StoredResource? Created, string? Existing)> CreateIfNoneExistAsync(Resource resource, string criteria, WriteContext context) =>
        ((StoredResource?, string?))(await EnqueueAsync(new Pending(Kind.ConditionalCreate, resource, resource.TypeName, null, null, context, Criteria: criteria)))!;

    /// <summary>
    /// Updates (or creates under its id) <paramref name="resource"/>, as <see cref="ResourceStore.UpdateAsync"/>;
    /// <paramref name="method"/> is what its history entry records (<c>PUT</c>, or <c>PATCH</c> for a patched version).
    /// </summary>
    public async Task<(StoredResource Stored, bool Created)> UpdateAsync(Resource resource, int? ifMatchVersion, WriteContext context, string method = "PUT") =>
        ((StoredResource, bool))(await EnqueueAsync(new Pending(Kind.Update, resource, resource.TypeName, resource.Id, ifMatchVersion, context, method)))!;

    /// <summary>
    /// Runs <paramref name="work"/> (a write of a <paramref name="type"/> that needs to look before it
    /// writes: conditional update and delete) inside a batch's transaction, under the write lock, with
    /// the batch's store and resolver, after the batch's creates and before its updates and deletes, in
    /// a savepoint of its own; answers its result once committed. <paramref name="work"/> runs on the
    /// committer's loop while the request waits: it must use only what it is given and what it
    /// captured, never the request's own store. If it throws, what it wrote is rolled back to its
    /// savepoint and its request answered with the error, while the rest of the batch commits.
    /// </summary>
    public async Task<T> RunAsync<T>(string type, WriteContext context, Func<ResourceStore, ConditionalResolver, CancellationToken, Task<T>> work) =>
        (T)(await EnqueueAsync(new Pending(Kind.Unit, null, type, null, null, context, Unit: async (store, resolver, ct) => await work(store, resolver, ct))))!;

    /// <summary>Deletes <paramref name="type"/>/<paramref name="id"/>, as <see cref="ResourceStore.DeleteAsync"/> (null when there was nothing to delete).</summary>
    public async Task<StoredResource?> DeleteAsync(string type, string id, int? ifMatchVersion, WriteContext context) =>
        (StoredResource?)await EnqueueAsync(new Pending(Kind.Delete, null, type, id, ifMatchVersion, context));

    private async Task<object?> EnqueueAsync(Pending pending)
    {
        if (!Queues(pending.Type))
            throw new ArgumentException($"A write of a {pending.Type} goes through the store, not the queue.", nameof(pending));
        Interlocked.Increment(ref _waiting);
        try
        {
            if (!_queue.TryAdd(pending))
                throw Stopping();
            return await pending.Done.Task;
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    /// <summary>
    /// A write that arrives once the queue is closed (the gateway is shutting down, on a connection
    /// still open): 503 with <c>Retry-After</c>, nothing written, so the client sends it again (another
    /// instance, or this one once restarted) rather than taking it for a failed write.
    /// </summary>
    private static FhirException Stopping()
    {
        var refused = new FhirException(StatusCodes.Status503ServiceUnavailable, Outcomes.Single(OperationOutcome.IssueType.Transient,
            "The gateway is shutting down; nothing was written. Send the request again."));
        refused.Headers["Retry-After"] = "1";
        return refused;
    }

    // Not stopped by the token: StopAsync closes the queue, and what was queued is still written.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _queue.RunAsync(CommitAsync);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Close();
        await base.StopAsync(cancellationToken);
        if (ExecuteTask is { } loop) await loop.WaitAsync(cancellationToken);
    }

    /// <summary>Applies <paramref name="batch"/> in one transaction, or each write in its own when that fails, and answers every entry.</summary>
    internal async Task CommitAsync(IReadOnlyList<Pending> batch)
    {
        try
        {
            await CommitTogetherAsync(batch);
            return;
        }
        catch (Exception ex) when (batch.Count > 1)
        {
            logger.LogWarning(ex, "A commit of {Count} writes failed; each is tried again on its own", batch.Count);
        }
        catch (Exception ex)
        {
            batch[0].Done.TrySetException(ex);
            return;
        }
        foreach (var pending in batch)
        {
            try
            {
                await CommitTogetherAsync([pending]);
            }
            catch (Exception ex)
            {
                pending.Done.TrySetException(ex);
            }
        }
    }

    /// <summary>One transaction for <paramref name="batch"/>; once it commits, each entry is answered with its result or its own error.</summary>
    private async Task CommitTogetherAsync(IReadOnlyList<Pending> batch)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ResourceStore>();
        var resolver = scope.ServiceProvider.GetRequiredService<ConditionalResolver>();
        var outcomes = await store.InTransactionAsync(() => ApplyAsync(store, resolver, batch), CancellationToken.None);
        Interlocked.Increment(ref _batches);
        for (var i = 0; i < batch.Count; i++)
        {
            if (outcomes[i].Error is { } error) batch[i].Done.TrySetException(error);
            else batch[i].Done.TrySetResult(outcomes[i].Result);
        }
        logger.LogDebug("Write commit: {Count} write(s)", batch.Count);
    }

    private readonly record struct Outcome(object? Result, Exception? Error);

    /// <summary>
    /// The batch's writes inside the open transaction: the creates inserted together first, then each
    /// conditional create in queue order (its search sees what was written before it), then each unit
    /// of <see cref="RunAsync"/> in queue order in a savepoint of its own, then the
    /// updates and deletes in groups of distinct resources, in queue order (a second write of the same
    /// resource goes in the next group, so it sees the first), each group with a handful of statements
    /// (<see cref="ResourceStore.StageReplacementsAsync"/>). A write refused by its preconditions is
    /// answered with its error and writes nothing; anything the database refuses fails the transaction
    /// (and the batch is tried again write by write). Rebuilt from the start if the database's
    /// execution strategy runs the transaction again.
    /// </summary>
    private static async Task<Outcome[]> ApplyAsync(ResourceStore store, ConditionalResolver resolver, IReadOnlyList<Pending> batch)
    {
        var outcomes = new Outcome[batch.Count];
        var creates = Enumerable.Range(0, batch.Count).Where(i => batch[i].Kind == Kind.Create).ToList();
        if (creates.Count > 0)
        {
            var stored = await store.StageCreatesAsync(creates.Select(i => (batch[i].Resource!, batch[i].Context)).ToList(), CancellationToken.None);
            for (var k = 0; k < creates.Count; k++) outcomes[creates[k]] = new Outcome(stored[k], null);
        }
        foreach (var i in Enumerable.Range(0, batch.Count).Where(i => batch[i].Kind == Kind.ConditionalCreate))
        {
            var p = batch[i];
            string? match;
            try
            {
                match = await resolver.FindForCreateAsync(p.Type, p.Criteria!, CancellationToken.None);
            }
            catch (FhirException refused)
            {
                outcomes[i] = new Outcome(null, refused); // criteria that do not parse, or several matches: nothing written
                continue;
            }
            outcomes[i] = match is not null
                ? new Outcome(((StoredResource?)null, (string?)match), null)
                : new Outcome(((StoredResource?)(await store.StageCreatesAsync([(p.Resource!, p.Context)], CancellationToken.None))[0], (string?)null), null);
        }
        foreach (var i in Enumerable.Range(0, batch.Count).Where(i => batch[i].Kind == Kind.Unit))
        {
            try
            {
                outcomes[i] = new Outcome(await store.InSavepointAsync(() => batch[i].Unit!(store, resolver, CancellationToken.None), CancellationToken.None), null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                outcomes[i] = new Outcome(null, ex); // rolled back to its savepoint: nothing of it is kept
            }
        }
        var waiting = Enumerable.Range(0, batch.Count).Where(i => batch[i].Kind is Kind.Update or Kind.Delete).ToList();
        while (waiting.Count > 0)
        {
            var seen = new HashSet<(string, string)>();
            var group = waiting.Where(i => seen.Add((batch[i].Type, batch[i].Id!))).ToList();
            waiting = waiting.Except(group).ToList();
            var results = await store.StageReplacementsAsync(group.Select(i => batch[i])
                .Select(p => new Replacement(p.Type, p.Id!, p.Kind == Kind.Update ? p.Resource : null, p.IfMatch, p.Context, p.Method)).ToList(), CancellationToken.None);
            for (var k = 0; k < group.Count; k++)
            {
                var (stored, created, error) = results[k];
                outcomes[group[k]] = error is not null ? new Outcome(null, error)
                    : batch[group[k]].Kind == Kind.Update ? new Outcome((stored!, created), null)
                    : new Outcome(stored, null);
            }
        }
        return outcomes;
    }
}
