using Hl7.Fhir.Model;
using Interop.Api.Security;
using Interop.Core.Fhir;
using Interop.Storage;
using Microsoft.Extensions.Options;
using Task = System.Threading.Tasks.Task;

namespace Interop.Api.Fhir;

/// <summary>
/// <c>POST /fhir</c> with a <c>transaction</c> or <c>batch</c> Bundle (FHIR R4 http.html#transaction).
/// A transaction is all or nothing in one locked database transaction, processed in the spec's
/// order (DELETE, POST, PUT, GET) with <c>urn:uuid:</c> and conditional references resolved; a batch
/// processes each entry on its own and reports each failure in its response entry.
/// </summary>
public sealed class BundleProcessor(ResourceStore store, ConditionalResolver resolver, AccessGuard guard, SearchRunner search, WriteValidation validation, Audit.AuditScope audit, IOptions<FhirOptions> options)
{
    private sealed class Work(int index, Bundle.EntryComponent entry)
    {
        public int Index { get; } = index;
        public Bundle.EntryComponent Entry { get; } = entry;
        public Bundle.HTTPVerb Method => Entry.Request!.Method!.Value;
        public string Type { get; set; } = "";
        public string? Id { get; set; }
        public string? Criteria { get; set; }
        public int? Version { get; set; }
        public BundleEntry? Response { get; set; }
        public bool Skip { get; set; }

        /// <summary>The entry's conditional match is withheld from the caller: the response must not name it.</summary>
        public bool MatchHidden { get; set; }

        /// <summary>The entry's resource references a resource withheld from the caller: no representation goes back.</summary>
        public bool ReferencesHidden { get; set; }
    }

    /// <summary>
    /// Processes the body of a <c>POST /fhir</c> request. Only GET (and HEAD) entries answer with
    /// resources, so only a Bundle that has one first brings the caller's AuditEvents up to date
    /// (<see cref="Audit.AuditCatchUpFilter"/>, which leaves Bundles to this): a Bundle of writes,
    /// such as an import, does not wait for the AuditEvents of the requests before it.
    /// </summary>
    public async Task<BundleDocument> ProcessAsync(Bundle bundle, HttpContext http, CancellationToken ct)
    {
        var queries = bundle.Entry.Where(e => e.Request?.Method is Bundle.HTTPVerb.GET or Bundle.HTTPVerb.HEAD).ToList();
        // An entry's url is Type?criteria or Type/id (Validate); only those that can answer with
        // AuditEvents wait for the access log to be up to date.
        if (queries.Any(e => Audit.AuditCatchUpFilter.MayAnswerWithAuditEvents(e.Request!.Url)))
        {
            var namesAuditEvents = queries.Any(e => e.Request!.Url?.Contains("AuditEvent", StringComparison.Ordinal) == true);
            await Audit.AuditCatchUpFilter.CatchUpBeforeQueryAsync(http, namesAuditEvents);
        }
        return await ProcessAsync(bundle, TransactionContext.For(http), ct);
    }

    /// <summary>
    /// Processes a transaction or batch for the caller described by <paramref name="caller"/> and the
    /// scoped <see cref="AccessGuard"/>. A transaction joins a database transaction the caller already
    /// opened with <see cref="ResourceStore.InTransactionAsync{T}"/> (the import verb commits several
    /// bundles at once that way).
    /// </summary>
    public async Task<BundleDocument> ProcessAsync(Bundle bundle, TransactionContext caller, CancellationToken ct)
    {
        if (bundle.Type is not (Bundle.BundleType.Transaction or Bundle.BundleType.Batch))
            throw FhirException.BadRequest($"POST /fhir takes a Bundle of type transaction or batch, not '{bundle.Type}'.", expression: "Bundle.type");
        var limit = options.Value.MaxBundleEntries;
        if (bundle.Entry.Count > limit)
            throw FhirException.TooLarge($"The Bundle has {bundle.Entry.Count} entries; the limit is {limit} (Fhir:MaxBundleEntries).");

        var work = bundle.Entry.Select((e, i) => new Work(i, e)).ToList();
        var baseUrl = caller.BaseUrl;
        var representation = caller.ReturnRepresentation;
        var context = caller.Write;

        if (bundle.Type == Bundle.BundleType.Transaction)
        {
            var problems = Validate(work, transaction: true);
            if (problems.Issue.Count > 0) throw new FhirException(400, problems);
            foreach (var w in work) RequireAccess(w);
            await store.InTransactionAsync(async () =>
            {
                await AssignAsync(work, baseUrl, ct);
                await ExecuteInOrderAsync(Ordered(work).ToList(), baseUrl, representation, context, ct);
                return 0;
            }, ct);
        }
        else
        {
            var problems = Validate(work, transaction: false);
            foreach (var w in work)
            {
                var mine = problems.Issue.Where(i => i.Expression.Any(e => e!.StartsWith($"Bundle.entry[{w.Index}]", StringComparison.Ordinal))).ToList();
                if (mine.Count > 0)
                {
                    w.Response = Failure(new FhirException(400, new OperationOutcome { Issue = mine }));
                    continue;
                }
                try
                {
                    RequireAccess(w);
                    await store.InTransactionAsync(async () =>
                    {
                        await AssignAsync([w], baseUrl, ct);
                        await ExecuteAsync(w, baseUrl, representation, context, ct);
                        return 0;
                    }, ct);
                }
                catch (FhirException ex)
                {
                    w.Response = Failure(ex);
                }
            }
        }

        var response = new BundleDocument { Type = bundle.Type == Bundle.BundleType.Transaction ? Bundle.BundleType.TransactionResponse : Bundle.BundleType.BatchResponse };
        response.Entries.AddRange(work.Select(w => w.Response!));
        return response;
    }

    private static BundleEntry Failure(FhirException ex) => new()
    {
        ResponseStatus = ex.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ResponseOutcome = ex.Outcome,
    };

    private static IEnumerable<Work> Ordered(IEnumerable<Work> work) => work.OrderBy(w => w.Method switch
    {
        Bundle.HTTPVerb.DELETE => 0,
        Bundle.HTTPVerb.POST => 1,
        Bundle.HTTPVerb.PUT or Bundle.HTTPVerb.PATCH => 2,
        _ => 3,
    }).ThenBy(w => w.Index);

    /// <summary>Checks every entry's shape and collects every problem, each located at its entry.</summary>
    private static OperationOutcome Validate(List<Work> work, bool transaction)
    {
        var outcome = new OperationOutcome();
        void Problem(int i, string message, string path = "") =>
            outcome.Issue.Add(Outcomes.Issue(OperationOutcome.IssueType.Invalid, $"entry[{i}]: {message}", FhirErrorCode.InvalidRequest, $"Bundle.entry[{i}]{path}"));

        var fullUrls = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var w in work)
        {
            var e = w.Entry;
            if (!string.IsNullOrEmpty(e.FullUrl) && !fullUrls.TryAdd(e.FullUrl, w.Index))
                Problem(w.Index, $"fullUrl '{e.FullUrl}' is also used by entry[{fullUrls[e.FullUrl]}]; each fullUrl must be unique.", ".fullUrl");
            if (e.Request?.Method is null || string.IsNullOrEmpty(e.Request.Url))
            {
                Problem(w.Index, "request.method and request.url are required.", ".request");
                continue;
            }
            var url = e.Request.Url.TrimStart('/');
            var q = url.IndexOf('?');
            var path = q >= 0 ? url[..q] : url;
            w.Criteria = q >= 0 ? url[(q + 1)..] : null;
            var parts = path.Split('/');
            w.Type = parts[0];
            if (!ModelInfo.IsKnownResource(w.Type))
            {
                Problem(w.Index, $"'{w.Type}' in request.url is not a FHIR R4 resource type.", ".request.url");
                continue;
            }
            switch (w.Method)
            {
                case Bundle.HTTPVerb.POST:
                    if (parts.Length != 1) Problem(w.Index, "a POST url is the resource type alone.", ".request.url");
                    if (e.Resource is null) Problem(w.Index, "a POST needs a resource.", ".resource");
                    else if (e.Resource.TypeName != w.Type) Problem(w.Index, $"the resource is a {e.Resource.TypeName} but the url names {w.Type}.", ".resource");
                    break;
                case Bundle.HTTPVerb.PUT:
                    if (e.Resource is null) { Problem(w.Index, "a PUT needs a resource.", ".resource"); break; }
                    if (e.Resource.TypeName != w.Type) Problem(w.Index, $"the resource is a {e.Resource.TypeName} but the url names {w.Type}.", ".resource");
                    if (parts.Length == 2)
                    {
                        w.Id = parts[1];
                        if (!string.IsNullOrEmpty(e.Resource.Id) && e.Resource.Id != w.Id)
                            Problem(w.Index, $"the resource id '{e.Resource.Id}' differs from the url's '{w.Id}'.", ".resource.id");
                    }
                    else if (w.Criteria is null) Problem(w.Index, "a PUT url is Type/id or Type?criteria.", ".request.url");
                    break;
                case Bundle.HTTPVerb.DELETE:
                    if (parts.Length == 2) w.Id = parts[1];
                    else if (w.Criteria is null) Problem(w.Index, "a DELETE url is Type/id or Type?criteria.", ".request.url");
                    break;
                case Bundle.HTTPVerb.GET or Bundle.HTTPVerb.HEAD:
                    if (parts.Length == 1) break; // a search: Type?criteria
                    if (parts.Length == 2) w.Id = parts[1];
                    else if (parts.Length == 4 && parts[2] == "_history" && int.TryParse(parts[3], out var v)) { w.Id = parts[1]; w.Version = v; }
                    else Problem(w.Index, "GET entries are Type?criteria, Type/id or Type/id/_history/vid.", ".request.url");
                    break;
                default:
                    Problem(w.Index, $"{w.Method} entries are not supported in bundles; use PUT with the whole resource.", ".request.method");
                    break;
            }
            if (transaction && w.Criteria is not null && w.Criteria.Contains("urn:uuid:", StringComparison.Ordinal))
                Problem(w.Index, "conditional criteria may not refer to other entries (urn:uuid): that would be circular.", ".request.url");
            if (transaction && e.Request.IfNoneExist?.Contains("urn:uuid:", StringComparison.Ordinal) == true)
                Problem(w.Index, "ifNoneExist may not refer to other entries (urn:uuid): that would be circular.", ".request.ifNoneExist");
        }
        return outcome;
    }

    private void RequireAccess(Work w)
    {
        var permission = w.Method switch
        {
            Bundle.HTTPVerb.POST => 'c',
            Bundle.HTTPVerb.PUT or Bundle.HTTPVerb.PATCH => 'u',
            Bundle.HTTPVerb.DELETE => 'd',
            _ => w.Id is null ? 's' : 'r',
        };
        try
        {
            guard.Require(w.Type, permission);
            if (w.Entry.Resource is { } resource && permission is 'c' or 'u')
            {
                CrudHandlers.RequireInOwnCompartment(resource, guard.ConfinedPatient(w.Type, permission));
                validation.Check(resource);
            }
        }
        catch (FhirException ex)
        {
            throw Located(ex, w.Index);
        }
    }

    /// <summary>
    /// Decides the id every entry will have and rewrites references between entries, before
    /// anything is written: fullUrl (<c>urn:uuid:</c> or absolute) to <c>Type/id</c>, and conditional
    /// references (<c>Patient?identifier=...</c>) to their single match.
    /// </summary>
    private async Task AssignAsync(IReadOnlyList<Work> work, string baseUrl, CancellationToken ct)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var hidden = new HashSet<string>(StringComparer.Ordinal);
        foreach (var w in work)
        {
            try
            {
                var e = w.Entry;
                switch (w.Method)
                {
                    case Bundle.HTTPVerb.POST:
                        if (!string.IsNullOrEmpty(e.Request!.IfNoneExist))
                        {
                            var matches = await resolver.FindAsync(w.Type, e.Request.IfNoneExist, ct);
                            if (matches.Count > 1)
                                throw FhirException.PreconditionFailed($"ifNoneExist '{e.Request.IfNoneExist}' matches more than one {w.Type}.");
                            if (matches.Count == 1)
                            {
                                // Matched even when withheld (no duplicate is created), but then never named in the response.
                                w.Id = matches[0];
                                w.Skip = true;
                                w.MatchHidden = !await guard.MayChangeAsync(store, w.Type, w.Id, ct);
                                if (w.MatchHidden) hidden.Add($"{w.Type}/{w.Id}");
                            }
                        }
                        w.Id ??= ResourceStore.NewId();
                        break;
                    case Bundle.HTTPVerb.PUT when w.Id is null:
                        var found = await resolver.FindAsync(w.Type, w.Criteria!, ct);
                        if (found.Count > 1) throw FhirException.PreconditionFailed($"the criteria '{w.Criteria}' match more than one {w.Type}.");
                        if (found.Count == 1 && !await guard.MayChangeAsync(store, w.Type, found[0], ct))
                            throw FhirException.PreconditionFailed($"the criteria '{w.Criteria}' match a {w.Type} this request may not update; nothing was changed.");
                        w.Id = found.Count == 1 ? found[0] : (string.IsNullOrEmpty(e.Resource!.Id) ? ResourceStore.NewId() : e.Resource.Id);
                        break;
                    case Bundle.HTTPVerb.DELETE when w.Id is null:
                        var doomed = await resolver.FindAsync(w.Type, w.Criteria!, ct);
                        if (doomed.Count > 1) throw FhirException.PreconditionFailed($"the criteria '{w.Criteria}' match more than one {w.Type}.");
                        // A match the caller may not read answers as no match.
                        if (doomed.Count == 0 || !await guard.MayChangeAsync(store, w.Type, doomed[0], ct)) w.Skip = true; else w.Id = doomed[0];
                        break;
                }
                if (w.Id is not null) FhirRoutes.RequireValidId(w.Id);
                if (!string.IsNullOrEmpty(e.FullUrl) && w.Id is not null && w.Method is Bundle.HTTPVerb.POST or Bundle.HTTPVerb.PUT)
                    map[e.FullUrl] = $"{w.Type}/{w.Id}";
            }
            catch (FhirException ex)
            {
                throw Located(ex, w.Index);
            }
        }

        // Nothing is written while references are resolved, so a conditional reference that occurs
        // many times (every entry naming the same practice by its ODS code) has one answer: found
        // once, with whether the caller may change the match.
        var resolved = new Dictionary<string, (IReadOnlyList<string> Matches, bool? Hidden)>(StringComparer.Ordinal);
        foreach (var w in work)
        {
            if (w.Entry.Resource is not { } resource) continue;
            try
            {
                foreach (var reference in ReferenceWalker.All(resource))
                {
                    var target = reference.Reference;
                    if (string.IsNullOrEmpty(target) || target.StartsWith('#')) continue;
                    if (map.TryGetValue(target, out var local))
                    {
                        reference.Reference = local;
                        w.ReferencesHidden |= hidden.Contains(local);
                        continue;
                    }
                    if (target.StartsWith("urn:uuid:", StringComparison.Ordinal) || target.StartsWith("urn:oid:", StringComparison.Ordinal))
                        throw FhirException.BadRequest($"the reference '{target}' names no entry's fullUrl in this Bundle.");
                    if (target.StartsWith(baseUrl + "/", StringComparison.Ordinal)) { reference.Reference = target[(baseUrl.Length + 1)..]; continue; }
                    var q = target.IndexOf('?');
                    if (q > 0 && ModelInfo.IsKnownResource(target[..q]))
                    {
                        var type = target[..q];
                        if (!resolved.TryGetValue(target, out var known))
                            resolved[target] = known = (await resolver.FindAsync(type, target[(q + 1)..], ct), null);
                        var matches = known.Matches;
                        if (matches.Count != 1)
                            throw FhirException.PreconditionFailed($"the conditional reference '{target}' matches {matches.Count} resources; it must match exactly one.");
                        reference.Reference = $"{type}/{matches[0]}";
                        // Resolved even when withheld (the record stays whole), but the id must not come back in the response.
                        if (known.Hidden is not { } isHidden)
                            resolved[target] = (matches, isHidden = !await guard.MayChangeAsync(store, type, matches[0], ct));
                        w.ReferencesHidden |= isHidden;
                    }
                }
            }
            catch (FhirException ex)
            {
                throw Located(ex, w.Index);
            }
        }
    }

    /// <summary>
    /// Executes a transaction's entries in the spec's order. Consecutive plain creates (a POST that
    /// matched nothing, of a resource <see cref="ResourceStore.IsPreparable"/> accepts) need nothing
    /// from the database but an insert, so a run of them is prepared in parallel (JSON and search
    /// index extraction, the costly part of a write) and stored with one save; every other entry
    /// still runs alone, after the creates before it are stored, so it sees the database exactly as
    /// one-by-one execution would. A failure is reported for the first failing entry in order, as
    /// one-by-one execution would report it; the whole transaction rolls back either way.
    /// </summary>
    private async Task ExecuteInOrderAsync(IReadOnlyList<Work> ordered, string baseUrl, bool representation, WriteContext context, CancellationToken ct)
    {
        var creates = new List<Work>();
        foreach (var w in ordered)
        {
            if (w.Method == Bundle.HTTPVerb.POST && !w.Skip && ResourceStore.IsPreparable(w.Entry.Resource!))
            {
                creates.Add(w);
                continue;
            }
            await CreateAllAsync(creates, baseUrl, representation, context, ct);
            creates.Clear();
            await ExecuteAsync(w, baseUrl, representation, context, ct);
        }
        await CreateAllAsync(creates, baseUrl, representation, context, ct);
    }

    /// <summary>Fewest plain creates in a run that are prepared in parallel.</summary>
    private const int ParallelPreparationThreshold = 8;

    private async Task CreateAllAsync(IReadOnlyList<Work> creates, string baseUrl, bool representation, WriteContext context, CancellationToken ct)
    {
        if (creates.Count == 0) return;
        var rows = new Interop.Storage.Entities.ResourceVersionRow[creates.Count];
        var failures = new Exception?[creates.Count];
        void Prepare(int i)
        {
            try { rows[i] = store.PrepareCreate(creates[i].Entry.Resource!, creates[i].Id!, context); }
            catch (Exception ex) { failures[i] = ex; }
        }
        // Preparing in parallel pays for a large Bundle (an import); a small one (an HL7 v2 message's
        // few entries) is prepared on the request's thread rather than taking pool threads under the write lock.
        if (creates.Count < ParallelPreparationThreshold) for (var i = 0; i < creates.Count; i++) Prepare(i);
        else Parallel.For(0, creates.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct }, Prepare);
        for (var i = 0; i < creates.Count; i++)
        {
            if (failures[i] is FhirException fhir) throw Located(fhir, creates[i].Index);
            if (failures[i] is { } other) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(other);
        }
        await store.StagePreparedAsync(rows, ct);
        for (var i = 0; i < creates.Count; i++)
        {
            var w = creates[i];
            w.Response = Written(ResourceStore.ToStored(rows[i]), "201 Created", baseUrl, representation && !w.ReferencesHidden);
        }
    }

    private async Task ExecuteAsync(Work w, string baseUrl, bool representation, WriteContext context, CancellationToken ct)
    {
        try
        {
            StoredResource? stored;
            switch (w.Method)
            {
                case Bundle.HTTPVerb.POST when w.Skip && w.MatchHidden:
                    // http.html#ccreate's 200 "already exists", without location, version or content of a withheld match.
                    w.Response = new BundleEntry { ResponseStatus = "200 OK" };
                    break;
                case Bundle.HTTPVerb.POST when w.Skip:
                    // The existing match is named, but its content goes back only when consent lets the caller read it.
                    stored = await store.ReadAsync(w.Type, w.Id!, ct);
                    var readable = representation && guard.Allows(w.Type, 'r') && await store.ReadAsync(w.Type, w.Id!, ct, guard.ReadAccessFor(w.Type, 'r')) is not null;
                    w.Response = Written(stored!, "200 OK", baseUrl, readable);
                    break;
                case Bundle.HTTPVerb.POST:
                    stored = await store.StageCreateAsync(w.Entry.Resource!, context, ct, w.Id);
                    w.Response = Written(stored, "201 Created", baseUrl, representation && !w.ReferencesHidden);
                    break;
                case Bundle.HTTPVerb.PUT:
                    w.Entry.Resource!.Id = w.Id;
                    var ifMatch = ParseIfMatch(w.Entry.Request!.IfMatch);
                    var (updated, created) = await store.StageUpdateAsync(w.Entry.Resource, ifMatch, context, "PUT", ct);
                    w.Response = Written(updated, created ? "201 Created" : "200 OK", baseUrl, representation && !w.ReferencesHidden);
                    break;
                case Bundle.HTTPVerb.DELETE:
                    if (!w.Skip) await store.StageDeleteAsync(w.Type, w.Id!, ParseIfMatch(w.Entry.Request!.IfMatch), context, ct);
                    w.Response = new BundleEntry { ResponseStatus = "204 No Content" };
                    break;
                case Bundle.HTTPVerb.GET or Bundle.HTTPVerb.HEAD when w.Id is null:
                    var parameters = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery("?" + (w.Criteria ?? ""))
                        .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? ""))).ToList();
                    var found = await search.RunAsync(w.Type, parameters, baseUrl, lenient: false, ct);
                    // The nested searchset is handed over as a resource, so its rows are named to the audit here.
                    audit.ReleasedRows.AddRange(found.Entries.Where(e => e.RowId is not null).Select(e => e.RowId!.Value));
                    w.Response = new BundleEntry { Resource = found.ToPoco(), ResponseStatus = "200 OK" };
                    break;
                default:
                    var access = guard.ReadAccessFor(w.Type, 'r');
                    stored = w.Version is { } v ? await store.ReadVersionAsync(w.Type, w.Id!, v, ct, access) : await store.ReadAsync(w.Type, w.Id!, ct, access);
                    if (stored is null) throw await CrudHandlers.NotVisibleAsync(store, w.Type, w.Id!, w.Version, access, ct);
                    if (stored.IsDeleted) throw CrudHandlers.Deleted(stored);
                    w.Response = new BundleEntry
                    {
                        FullUrl = $"{baseUrl}/{stored.ResourceType}/{stored.ResourceId}",
                        Json = stored.Json,
                        RowId = stored.RowId,
                        ResponseStatus = "200 OK",
                        ResponseEtag = stored.ETag,
                        ResponseLastModified = stored.LastUpdated,
                    };
                    break;
            }
        }
        catch (FhirException ex)
        {
            throw Located(ex, w.Index);
        }
    }

    private static int? ParseIfMatch(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var s = raw.Trim();
        if (s.StartsWith("W/", StringComparison.Ordinal)) s = s[2..];
        return int.TryParse(s.Trim('"'), out var v) ? v : throw FhirException.BadRequest($"ifMatch '{raw}' is not a version ETag like W/\"1\".");
    }

    private static BundleEntry Written(StoredResource stored, string status, string baseUrl, bool representation) => new()
    {
        FullUrl = $"{baseUrl}/{stored.ResourceType}/{stored.ResourceId}",
        Json = representation ? stored.Json : null,
        RowId = stored.RowId,
        ResponseStatus = status,
        ResponseLocation = $"{stored.ResourceType}/{stored.ResourceId}/_history/{stored.VersionId}",
        ResponseEtag = stored.ETag,
        ResponseLastModified = stored.LastUpdated,
    };

    /// <summary>Prefixes every issue with the entry it belongs to, keeping the status.</summary>
    private static FhirException Located(FhirException ex, int index)
    {
        foreach (var issue in ex.Outcome.Issue)
        {
            if (issue.Diagnostics?.StartsWith("entry[", StringComparison.Ordinal) != true)
                issue.Diagnostics = $"entry[{index}]: {issue.Diagnostics}";
            if (issue.Details is { } d && d.Text?.StartsWith("entry[", StringComparison.Ordinal) != true) d.Text = issue.Diagnostics;
            if (!issue.Expression.Any(e => e!.StartsWith("Bundle.entry", StringComparison.Ordinal)))
                issue.Expression = [.. issue.Expression.Select(e => $"Bundle.entry[{index}].resource.{e}").DefaultIfEmpty($"Bundle.entry[{index}]")];
        }
        return ex;
    }
}
