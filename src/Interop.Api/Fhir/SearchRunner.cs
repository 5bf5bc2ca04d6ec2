using Hl7.Fhir.Model;
using Interop.Api.Security;
using Interop.Core.Fhir;
using Interop.Core.Search;
using Interop.Storage.Search;
using Microsoft.Extensions.Options;

namespace Interop.Api.Fhir;

/// <summary>
/// One search from parameters to searchset Bundle: parse (strict or lenient), apply the caller's
/// access and SMART v2 scope constraints, run <see cref="SearchEngine"/>, and shape the Bundle with
/// links, match/include entries and an outcome entry for warnings and withheld data. Used by the
/// search endpoints and by GET entries in batches and transactions.
/// </summary>
public sealed class SearchRunner(SearchQueryParser parser, SearchEngine engine, AccessGuard guard, RequestContext context, IOptions<FhirOptions> options)
{
    /// <summary>Parameters that shape the HTTP response only and so are not part of the page binding.</summary>
    private static readonly HashSet<string> PresentationOnly = new(StringComparer.Ordinal) { "_page", "_format", "_pretty" };

    /// <summary>
    /// Runs a type-level (<paramref name="type"/>) or system-level (null) search.
    /// Throws 400 naming every bad parameter unless <paramref name="lenient"/>.
    /// </summary>
    public async Task<BundleDocument> RunAsync(string? type, IReadOnlyList<KeyValuePair<string, string>> parameters, string baseUrl, bool lenient, CancellationToken ct)
    {
        if (type is not null) FhirRoutes.RequireKnownType(type);
        var fhir = options.Value;
        var query = parser.Parse(type, parameters, new SearchParseOptions(lenient, fhir.DefaultPageSize, fhir.MaxPageSize));
        if (query.HasErrors) throw Invalid(query.Issues);
        foreach (var t in query.ResourceTypes) guard.Require(t, 's');

        var access = guard.ReadAccessFor(type ?? "*", 's');
        var canonical = Canonical(parameters);
        var binding = PageCursors.Binding(context, type ?? "", canonical);
        var constraints = ScopeConstraints(query.ResourceTypes.Count > 0 ? query.ResourceTypes : type is null ? [] : [type], out var nothingGranted);

        var path = type is null ? "" : "/" + type;
        var bundle = new BundleDocument { Type = Bundle.BundleType.Searchset };
        var self = $"{baseUrl}{path}?{canonical}";
        var page = parameters.FirstOrDefault(p => p.Key == "_page").Value;
        bundle.Links.Add(("self", string.IsNullOrEmpty(page) ? self : $"{self}&_page={Uri.EscapeDataString(page)}"));

        var warnings = query.Issues.Where(i => i.Severity == SearchIssueSeverity.Warning).ToList();
        SearchResult result = nothingGranted
            ? new SearchResult([], [], query.Total is null && query.Summary != SummaryMode.Count ? null : 0, null, false)
            : await engine.SearchAsync(query, new SearchRequest(access, binding, constraints), ct);
        bundle.Total = result.Total;
        // Row ids let the audit name the patients and resources a search released (their access logs).
        if (result.NextPageToken is { } next) bundle.Links.Add(("next", $"{self}&_page={Uri.EscapeDataString(next)}"));
        foreach (var match in result.Matches)
            bundle.Entries.Add(new BundleEntry { FullUrl = $"{baseUrl}/{match.ResourceType}/{match.ResourceId}", Json = match.Json, RowId = match.RowId, SearchMode = Bundle.SearchEntryMode.Match });
        foreach (var include in result.Included)
            bundle.Entries.Add(new BundleEntry { FullUrl = $"{baseUrl}/{include.ResourceType}/{include.ResourceId}", Json = include.Json, RowId = include.RowId, SearchMode = Bundle.SearchEntryMode.Include });
        if (warnings.Count > 0 || result.Withheld)
            bundle.Entries.Add(new BundleEntry { Resource = Outcome(warnings, result.Withheld), SearchMode = Bundle.SearchEntryMode.Outcome });
        return bundle;
    }

    /// <summary>True when the request asks for lenient handling (<c>Prefer: handling=lenient</c>, R4 search 3.1.1.3.1).</summary>
    public static bool IsLenient(HttpRequest request) =>
        request.Headers["Prefer"].ToString().Contains("handling=lenient", StringComparison.OrdinalIgnoreCase);

    /// <summary>The search parameters in their received order, presentation-only ones left out, URL-encoded.</summary>
    public static string Canonical(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', parameters.Where(p => !PresentationOnly.Contains(p.Key))
            .Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));

    // SMART v2 (scopes-and-launch-context, "finer-grained resource constraints"): the scope's
    // parameters are extra criteria; several granting scopes are alternatives.
    private Dictionary<string, IReadOnlyList<IReadOnlyList<SearchCriterion>>> ScopeConstraints(IReadOnlyList<string> types, out bool nothingGranted)
    {
        nothingGranted = false;
        var result = new Dictionary<string, IReadOnlyList<IReadOnlyList<SearchCriterion>>>(StringComparer.Ordinal);
        foreach (var type in types)
        {
            var alternatives = context.Scopes.ConstraintsFor(type, 's');
            if (alternatives.Count == 0) continue;
            var parsed = new List<IReadOnlyList<SearchCriterion>>();
            foreach (var alternative in alternatives)
            {
                var constraint = parser.Parse(type, alternative, SearchParseOptions.Strict);
                // A constraint the gateway cannot understand grants nothing (never more than it says).
                if (!constraint.HasErrors && constraint.Criteria.Count > 0) parsed.Add(constraint.Criteria);
            }
            if (parsed.Count == 0)
            {
                if (types.Count == 1) nothingGranted = true;
                parsed.Add([ImpossibleCriterion(type)]);
            }
            result[type] = parsed;
        }
        return result;
    }

    // _id with an empty-string value: no resource has it.
    private SearchCriterion ImpossibleCriterion(string type) =>
        parser.Parse(type, [new("_id", "-")], SearchParseOptions.Strict).Criteria[0] with
        {
            Values = [new TokenSearchValue(TokenSystemMatch.Any, null, "")],
        };

    private static FhirException Invalid(IEnumerable<SearchIssue> issues)
    {
        var outcome = new OperationOutcome();
        foreach (var issue in issues.Where(i => i.Severity == SearchIssueSeverity.Error))
            outcome.Issue.Add(Outcomes.Issue(OperationOutcome.IssueType.Invalid, $"{issue.Parameter}: {issue.Message}", FhirErrorCode.InvalidRequest, issue.Parameter));
        return new FhirException(400, outcome);
    }

    private static OperationOutcome Outcome(IEnumerable<SearchIssue> warnings, bool withheld)
    {
        var outcome = new OperationOutcome { Id = Guid.NewGuid().ToString() };
        foreach (var w in warnings)
            outcome.Issue.Add(Outcomes.Issue(OperationOutcome.IssueType.Invalid, $"{w.Parameter}: {w.Message}", FhirErrorCode.InvalidRequest, w.Parameter, OperationOutcome.IssueSeverity.Warning));
        if (withheld)
        {
            // Architecture decision 7: say the record is incomplete, never what or how much was withheld.
            outcome.Issue.Add(Outcomes.Issue(OperationOutcome.IssueType.Suppressed,
                "Some resources matching this search were withheld under the patient's consent preferences; the results are incomplete.",
                severity: OperationOutcome.IssueSeverity.Information));
        }
        return outcome;
    }
}
