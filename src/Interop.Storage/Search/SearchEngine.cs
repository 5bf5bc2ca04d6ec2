using System.Linq.Expressions;
using Interop.Core.Fhir;
using Interop.Core.Search;
using Interop.Storage.Consent;
using Interop.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Interop.Storage.Search;

/// <summary>
/// Runs a parsed <see cref="SearchQuery"/> as one EF query over <see cref="ResourceStore.Visible"/>
/// (architecture decision 4: consent is in the WHERE clause, before the row limit): criteria,
/// chains, <c>_has</c>, scope constraints, <c>_sort</c> with keyset paging under a snapshot bound,
/// <c>_total</c>, includes, and whether consent withheld any match.
/// </summary>
public sealed class SearchEngine(ResourceStore store, SearchParameterRegistry registry, PageTokenCodec pages, TimeProvider time,
    Microsoft.Extensions.Options.IOptions<StorageOptions> options, BroadCriterionMemory memory)
{
    /// <summary>Most rows one <c>_include</c>/<c>_revinclude</c> directive adds to a page.</summary>
    public const int MaxIncludedPerDirective = 1000;

    /// <summary>Rounds of <c>:iterate</c> followed before stopping (guards against cycles).</summary>
    public const int MaxIterations = 4;

    public async Task<SearchResult> SearchAsync(SearchQuery query, SearchRequest request, CancellationToken ct = default)
    {
        if (query.HasErrors) throw new ArgumentException("The query has errors; report them before running it.", nameof(query));
        // Chains, _has and includes read other types through `visible`; the matches, their page and
        // "withheld?" read the searched types only, so a patient-confined caller's compartment is
        // listed for those types alone there (`matchable`), not with the patient's whole access log.
        var visible = store.Visible(request.Access, currentOnly: true);
        var matchable = request.Access.ConfinedPatient is null ? visible : store.Visible(request.Access, currentOnly: true, query.ResourceTypes);
        var builder = new SearchPredicateBuilder(registry, visible, time.GetUtcNow(), store.Db);
        var scope = ScopePredicate(query.ResourceTypes, request.ScopeConstraints, builder);
        var criteria = builder.All(query.Criteria, query.ResourceTypes);
        var matches = Matching(matchable, query, criteria, scope);
        // The newest row id, read once: the broad-criterion threshold and a first page's snapshot.
        long? newest = null;
        async Task<long> NewestRowAsync() => newest ??= await store.Db.Resources.MaxAsync(r => (long?)r.Id, ct) ?? 0;
        // A broad sole criterion is paged within a window of row ids, and "withheld?" is answered by
        // testing the consent candidates (SQLite and PostgreSQL); otherwise it is not counted.
        var usesBroad = (query.Sort.Count == 0 && query.Summary != SummaryMode.Count && query.Count > 0)
            || request.Access.Consent is not null;
        var broad = usesBroad ? await BroadAsync(query, criteria, NewestRowAsync, ct) : null;

        int? total = null;
        if (query.Summary == SummaryMode.Count || query.Total is TotalMode.Accurate or TotalMode.Estimate)
            total = await matches.CountAsync(ct);
        var withheld = await WithheldAsync(query, request.Access, matchable, criteria,
            testEach: broad is not null, builder, scope, ct);
        if (query.Summary == SummaryMode.Count || query.Count == 0)
            return new SearchResult([], [], total, null, withheld);

        var keys = SearchSortBuilder.For(query.Sort);
        PageState? after = null;
        if (query.PageToken is { } token)
        {
            after = pages.Decode(token, request.PageBinding);
            if (after is null || after.Keys.Count != keys.Count)
                throw FhirException.BadRequest("_page is not a page token this server issued for this search and caller; start the search again.", expression: "_page");
        }

        // Snapshot: rows written after the first page are left out, so following next links gives
        // every match once even while data is being added.
        var snapshot = after?.Snapshot ?? await NewestRowAsync();
        var page = matches.Where(r => r.Id <= snapshot);
        if (after is not null) page = page.Where(SearchSortBuilder.After(keys, after.Keys, after.LastRowId));
        var rows = keys.Count == 0 && broad is { } matchingRows
            ? await PageOfBroadAsync(query, matchable, builder, scope, page, matchingRows.Rows, matchingRows.IndexRows, after?.LastRowId ?? 0, snapshot, ct)
            : await SearchSortBuilder.Order(page, keys).Take(query.Count + 1).ToListAsync(ct);

        string? next = null;
        if (rows.Count > query.Count)
        {
            rows.RemoveAt(rows.Count - 1);
            var last = rows[^1];
            var values = keys.Count == 0
                ? []
                : await store.Db.Resources.AsNoTracking().Where(r => r.Id == last.Id).Select(SearchSortBuilder.Values(keys)).FirstAsync(ct);
            next = pages.Encode(new PageState(snapshot, last.Id, values), request.PageBinding);
        }

        var included = await IncludesAsync(query, rows, visible, request, builder, ct);
        return new SearchResult(rows.Select(ResourceStore.ToStored).ToList(), included.Select(ResourceStore.ToStored).ToList(), total, next, withheld);
    }

    /// <summary>
    /// The logical ids of current resources of <paramref name="type"/> matching <paramref name="query"/>'s criteria,
    /// at most <paramref name="limit"/> (conditional create, update, delete and references).
    /// </summary>
    public async Task<IReadOnlyList<string>> FindIdsAsync(string type, SearchQuery query, int limit, ReadAccess? access = null, CancellationToken ct = default)
    {
        var visible = store.Visible(access ?? ReadAccess.Unrestricted, currentOnly: true);
        var builder = new SearchPredicateBuilder(registry, visible, time.GetUtcNow(), store.Db);
        var typed = query with { ResourceTypes = [type] };
        var matches = Matching(visible, typed, builder.All(typed.Criteria, typed.ResourceTypes), null);
        return await matches.OrderBy(r => r.Id).Select(r => r.ResourceId).Take(limit).ToListAsync(ct);
    }

    private static IQueryable<ResourceVersionRow> Matching(
        IQueryable<ResourceVersionRow> source, SearchQuery query, Expression<Func<ResourceVersionRow, bool>>? criteria,
        Expression<Func<ResourceVersionRow, bool>>? scope)
    {
        var rows = source.Where(r => r.IsCurrent && !r.IsDeleted);
        if (query.ResourceTypes.Count == 1)
        {
            // When a criterion already confines the rows to index rows of this type, the type test
            // is left out: with it SQLite walks every row of the type through the type index and
            // sorts the matches (0.3 to 0.6 s for a broad criterion at 300,000 resources); without
            // it, it visits the matching ids in order and stops when the page is full.
            var type = query.ResourceTypes[0];
            if (criteria is null || !SearchPredicateBuilder.ConfinesToIndexedRows(criteria))
                rows = rows.Where(r => r.ResourceType == type);
        }
        else if (query.ResourceTypes.Count > 1)
        {
            var types = query.ResourceTypes.ToArray();
            rows = rows.Where(r => types.Contains(r.ResourceType));
        }
        if (criteria is not null) rows = rows.Where(criteria);
        if (scope is not null) rows = rows.Where(scope);
        return rows;
    }

    /// <summary>
    /// <see cref="Matching"/> of one type with the criteria as correlated EXISTS tests
    /// (<see cref="SearchPredicateBuilder.AllCorrelated"/>), for a plan that walks rows from
    /// elsewhere and tests each. On SQLite the type is tested with <c>COLLATE NOCASE</c> (FHIR type
    /// names differ by more than case) so that SQLite cannot start from the type index instead.
    /// </summary>
    private IQueryable<ResourceVersionRow> MatchingEach(
        IQueryable<ResourceVersionRow> source, SearchQuery query, SearchPredicateBuilder builder, Expression<Func<ResourceVersionRow, bool>>? scope)
    {
        var type = query.ResourceTypes[0];
        var rows = store.Db.Provider == StorageProvider.Sqlite
            ? source.Where(r => r.IsCurrent && !r.IsDeleted && EF.Functions.Collate(r.ResourceType, "NOCASE") == type)
            : source.Where(r => r.IsCurrent && !r.IsDeleted && r.ResourceType == type);
        if (builder.AllCorrelated(query.Criteria) is { } criteria) rows = rows.Where(criteria);
        if (scope is not null) rows = rows.Where(scope);
        return rows;
    }

    // Per type: r.ResourceType != T || (scope alternatives of T). Types the search cannot return are skipped.
    private static Expression<Func<ResourceVersionRow, bool>>? ScopePredicate(
        IReadOnlyList<string> searched, IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<SearchCriterion>>>? constraints, SearchPredicateBuilder builder)
    {
        if (constraints is null || constraints.Count == 0) return null;
        var r = Expression.Parameter(typeof(ResourceVersionRow), "r");
        Expression? body = null;
        foreach (var (type, alternatives) in constraints)
        {
            if (searched.Count > 0 && !searched.Contains(type)) continue;
            if (builder.AnyOf(alternatives, type) is not { } allowed) continue;
            var other = Expression.NotEqual(Expression.Property(r, nameof(ResourceVersionRow.ResourceType)), SearchPredicateBuilder.Value(type));
            var clause = Expression.OrElse(other, ExpressionParameterReplacer.Inline(allowed, r));
            body = body is null ? clause : Expression.AndAlso(body, clause);
        }
        return body is null ? null : Expression.Lambda<Func<ResourceVersionRow, bool>>(body, r);
    }

    /// <summary>
    /// On SQLite and PostgreSQL, for a search of one type whose criteria are one index test: how many
    /// index rows make the criterion broad (at least <see cref="StorageOptions.BroadCriterionRows"/>,
    /// and a thirtieth of the rows) and the index rows' ids, when it has at least that many; otherwise
    /// null. Counting stops there, and below it has read the entries the usual plan reads next, so it
    /// costs little either way. A broad criterion gets its page from <see cref="PageOfBroadAsync"/>
    /// (in id order, no <c>_sort</c>) and its "withheld?" answer by testing the consent candidates
    /// one by one.
    /// </summary>
    private async Task<(long Rows, IQueryable<long> IndexRows)?> BroadAsync(SearchQuery query, Expression<Func<ResourceVersionRow, bool>>? criteria,
        Func<Task<long>> newestRow, CancellationToken ct)
    {
        var least = options.Value.BroadCriterionRows;
        if (store.Db.Provider is not (StorageProvider.Sqlite or StorageProvider.PostgreSql) || least <= 0 || query.ResourceTypes.Count != 1 || criteria is null
            || SearchPredicateBuilder.SoleIndexSubquery(criteria, ((IQueryable<ResourceVersionRow>)store.Db.Resources).Provider) is not { } indexRows)
            return null;
        var broad = Math.Max(least, await newestRow() / 30);
        // A criterion counted broad moments ago is taken as broad again (BroadCriterionMemory: only the plan depends on it).
        var key = query.Criteria.Count == 1 ? BroadCriterionMemory.KeyOf(query.ResourceTypes[0], query.Criteria[0]) : null;
        if (key is not null && memory.WasBroad(key, broad)) return (broad, indexRows);
        var upTo = (long)Math.Ceiling(broad * BroadCriterionMemory.Headroom);
        var counted = await indexRows.Take((int)Math.Min(upTo, int.MaxValue)).CountAsync(ct);
        if (counted < broad)
        {
            if (key is not null) memory.Narrow(key);
            return null;
        }
        if (key is not null) memory.Broad(key, counted);
        return (broad, indexRows);
    }

    /// <summary>
    /// The page of a broad criterion (<see cref="BroadAsync"/>). The usual plan,
    /// <c>r.Id IN (SELECT ResourceRowId ...)</c>, takes every matching index row before the first
    /// page: on SQLite 37 ms to list them for <c>Observation?date=lt2019-01-01</c> at 300,000
    /// resources (73,000 matches); on PostgreSQL, once a statement is prepared, its generic plan joins
    /// every match, tests consent on each and sorts (29 ms for <c>category=laboratory</c> at 25,000
    /// resources, 1.3 ms with a plan for the actual value). So the page is looked for in a window of
    /// row ids from the page's start in which a criterion this broad, spread evenly, would fill the page
    /// four times over; the rest of the page, if any, comes from the usual plan after the window (matches
    /// that lie late, such as recent <c>_lastUpdated</c> values). On SQLite the window's rows are walked
    /// in id order, each tested with a correlated EXISTS on the index rows' <c>ResourceRowId</c>
    /// (<see cref="MatchingEach"/>), stopping when the page is full: 1 ms for the search above. On
    /// PostgreSQL the index rows themselves are confined to the window, so whatever plan it uses joins
    /// and screens only those.
    /// </summary>
    private async Task<List<ResourceVersionRow>> PageOfBroadAsync(SearchQuery query, IQueryable<ResourceVersionRow> visible,
        SearchPredicateBuilder builder, Expression<Func<ResourceVersionRow, bool>>? scope, IQueryable<ResourceVersionRow> page,
        long broad, IQueryable<long> indexRows, long afterId, long snapshot, CancellationToken ct)
    {
        var take = query.Count + 1;
        var window = Math.Min(snapshot, afterId + Math.Max(take, 4 * take * snapshot / broad));
        IQueryable<ResourceVersionRow> walk;
        if (store.Db.Provider == StorageProvider.Sqlite) walk = MatchingEach(visible, query, builder, scope);
        else
        {
            var inWindow = indexRows.Where(id => id > afterId && id <= window);
            walk = visible.Where(r => r.IsCurrent && !r.IsDeleted && inWindow.Contains(r.Id));
            if (scope is not null) walk = walk.Where(scope);
        }
        var rows = await walk.Where(r => r.Id > afterId && r.Id <= window).OrderBy(r => r.Id).Take(take).ToListAsync(ct);
        if (rows.Count < take && window < snapshot)
            rows.AddRange(await page.Where(r => r.Id > window).OrderBy(r => r.Id).Take(take - rows.Count).ToListAsync(ct));
        return rows;
    }

    // Architecture decision 7: say that something was withheld, decided by EXISTS (a row meeting the
    // criteria within the caller's patient confinement that consent excludes); never which or how many.
    // With `testEach` (a broad criterion, see BroadAsync) and a list of candidates, the candidates are
    // walked and each is tested against the criteria: listing every match of
    // `Observation?date=lt2019-01-01` at 300,000 resources to intersect it with 2,883 candidates took
    // 116 ms on SQLite, testing the candidates 8 ms; on PostgreSQL `category=laboratory` 100-190 → 7 ms.
    // A search of one type first reads its candidates' ids (the label and compartment indexes carry the
    // type, decision 0014): usually none, and then nothing was withheld; a few are tested one by one,
    // starting from their ids. Left to PostgreSQL's generic plans, a candidate subquery joined with
    // the matches was planned as a nested loop over the matches that listed the candidates again for
    // each (15-120 ms for 191 matches at 300,804 resources).
    private async Task<bool> WithheldAsync(
        SearchQuery query, ReadAccess access, IQueryable<ResourceVersionRow> visible, Expression<Func<ResourceVersionRow, bool>>? criteria,
        bool testEach, SearchPredicateBuilder builder, Expression<Func<ResourceVersionRow, bool>>? scope, CancellationToken ct)
    {
        if (access.Consent is null) return false;
        var everyone = store.Visible(access with { Consent = null }, currentOnly: true);
        var type = query.ResourceTypes.Count == 1 ? query.ResourceTypes[0] : null;
        var candidates = ConsentFilter.WithholdingCandidates(store.Db, access, type);
        long[]? listed = null;
        var most = options.Value.ListedWithholdingCandidates;
        if (candidates is not null && type is not null && most > 0)
        {
            var ids = await candidates.Take(most + 1).ToListAsync(ct);
            if (ids.Count == 0) return false;
            if (ids.Count <= most) listed = ids.Distinct().ToArray();
        }
        IQueryable<ResourceVersionRow> unfiltered;
        if (listed is not null) unfiltered = MatchingEach(everyone, query, builder, scope).Where(r => EF.Parameter(listed).Contains(r.Id));
        else
        {
            unfiltered = testEach && candidates is not null ? MatchingEach(everyone, query, builder, scope) : Matching(everyone, query, criteria, scope);
            if (candidates is not null) unfiltered = unfiltered.Where(r => candidates.Contains(r.Id));
        }
        var hidden = unfiltered.Where(r => !visible.Any(v => v.Id == r.Id));
        // PostgreSQL plans EXISTS for its first row: it expected one soon and walked the primary key
        // and every match against the candidates in a nested loop, 141 ms for a broad token criterion
        // at 25,844 resources that withheld nothing (the usual answer). A count is planned for all its
        // rows (hash joins): 5 ms. SQLite has no such row goal and keeps EXISTS.
        return store.Db.Provider == StorageProvider.Sqlite
            ? await hidden.AnyAsync(ct)
            : await hidden.CountAsync(ct) > 0;
    }

    private async Task<List<ResourceVersionRow>> IncludesAsync(
        SearchQuery query, List<ResourceVersionRow> matches, IQueryable<ResourceVersionRow> visible, SearchRequest request,
        SearchPredicateBuilder builder, CancellationToken ct)
    {
        var result = new List<ResourceVersionRow>();
        if (matches.Count == 0 || query.Includes.Count + query.RevIncludes.Count == 0) return result;
        var seen = matches.Select(m => m.Id).ToHashSet();
        var scope = ScopePredicate([], request.ScopeConstraints, builder);
        var directives = query.Includes.Concat(query.RevIncludes).ToList();

        var frontier = matches;
        for (var round = 0; round <= MaxIterations && frontier.Count > 0; round++)
        {
            var added = new List<ResourceVersionRow>();
            foreach (var directive in directives)
            {
                if (round > 0 && !directive.Iterate) continue;
                var ids = frontier.Where(r => directive.Reverse || directive.SourceType is null || r.ResourceType == directive.SourceType)
                    .Select(r => r.Id).ToArray();
                if (ids.Length == 0) continue;
                var rows = directive.Reverse ? RevInclude(directive, ids, visible) : Include(directive, ids, visible);
                if (scope is not null) rows = rows.Where(scope);
                foreach (var row in await rows.OrderBy(r => r.Id).Take(MaxIncludedPerDirective).ToListAsync(ct))
                    if (seen.Add(row.Id)) added.Add(row);
            }
            result.AddRange(added);
            frontier = added;
        }
        return result;
    }

    // _include=Source:param[:Target]: the visible current targets of the page rows' references.
    private IQueryable<ResourceVersionRow> Include(IncludeDirective d, long[] ids, IQueryable<ResourceVersionRow> visible)
    {
        var refs = store.Db.ReferenceIndex.Where(x => ids.Contains(x.ResourceRowId) && x.TargetType != null);
        if (!d.Wildcard && d.Parameter is { } p)
        {
            var code = p.Code;
            refs = refs.Where(x => x.ParamName == code);
        }
        if (d.TargetType is { } target) refs = refs.Where(x => x.TargetType == target);
        return visible.Where(t => t.IsCurrent && !t.IsDeleted && refs.Any(x => x.TargetType == t.ResourceType && x.TargetId == t.ResourceId));
    }

    // _revinclude=Source:param: visible current Source resources whose param points at a page row.
    private IQueryable<ResourceVersionRow> RevInclude(IncludeDirective d, long[] ids, IQueryable<ResourceVersionRow> visible)
    {
        var targets = store.Db.Resources.Where(m => ids.Contains(m.Id));
        var rows = visible.Where(s => s.IsCurrent && !s.IsDeleted);
        if (d.SourceType is { } source) rows = rows.Where(s => s.ResourceType == source);
        if (!d.Wildcard && d.Parameter is { } p)
        {
            var code = p.Code;
            return rows.Where(s => s.References.Any(x => x.ParamName == code && targets.Any(m => m.ResourceType == x.TargetType && m.ResourceId == x.TargetId)));
        }
        return rows.Where(s => s.References.Any(x => targets.Any(m => m.ResourceType == x.TargetType && m.ResourceId == x.TargetId)));
    }
}
