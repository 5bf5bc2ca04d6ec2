using Hl7.Fhir.Model;
using Interop.Core.Fhir;
using Interop.Core.Search;
using Interop.Storage.Search;
using Microsoft.AspNetCore.WebUtilities;

namespace Interop.Api.Fhir;

/// <summary>
/// Finds the current resources matching conditional criteria (<c>If-None-Exist</c>,
/// <c>PUT Type?criteria</c>, <c>DELETE Type?criteria</c>, conditional references in bundles) with
/// the search engine: every search parameter, strict parsing, unrestricted by consent (the
/// gateway must see every match to keep conditional writes from creating duplicates).
/// </summary>
public sealed class ConditionalResolver(SearchQueryParser parser, SearchEngine engine)
{
    /// <summary>The ids of current, non-deleted resources of <paramref name="type"/> matching <paramref name="criteria"/> (a query string); at most two.</summary>
    public Task<IReadOnlyList<string>> FindAsync(string type, string criteria, CancellationToken ct) => FindAsync(type, criteria, 2, ct);

    /// <summary>
    /// The id of the one current <paramref name="type"/> matching a conditional create's
    /// <paramref name="ifNoneExist"/> criteria, or null when none does (http.html#ccreate); 412 when
    /// more than one does.
    /// </summary>
    public async Task<string?> FindForCreateAsync(string type, string ifNoneExist, CancellationToken ct)
    {
        var matches = await FindAsync(type, ifNoneExist, ct);
        if (matches.Count > 1)
            throw FhirException.PreconditionFailed($"If-None-Exist '{ifNoneExist}' matches more than one {type}; be more specific.");
        return matches.Count == 1 ? matches[0] : null;
    }

    /// <summary>As <see cref="FindAsync(string, string, CancellationToken)"/>, up to <paramref name="limit"/> ids (e.g. every Patient sharing an NHS number).</summary>
    public async Task<IReadOnlyList<string>> FindAsync(string type, string criteria, int limit, CancellationToken ct)
    {
        var parsed = QueryHelpers.ParseQuery(criteria.StartsWith('?') ? criteria : "?" + criteria);
        var pairs = parsed.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? ""))).ToList();
        var query = parser.Parse(type, pairs, SearchParseOptions.Strict);
        if (query.HasErrors)
        {
            var outcome = new OperationOutcome();
            foreach (var issue in query.Issues.Where(i => i.Severity == SearchIssueSeverity.Error))
                outcome.Issue.Add(Outcomes.Issue(OperationOutcome.IssueType.Invalid, $"{issue.Parameter}: {issue.Message}", FhirErrorCode.InvalidRequest, issue.Parameter));
            throw new FhirException(400, outcome);
        }
        if (query.Criteria.Count == 0)
            throw FhirException.BadRequest($"Conditional criteria for {type} are empty; give at least one search parameter.");
        return await engine.FindIdsAsync(type, query, limit, ct: ct);
    }
}
