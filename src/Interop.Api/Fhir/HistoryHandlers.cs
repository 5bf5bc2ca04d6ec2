using System.Globalization;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Interop.Core.Fhir;
using Interop.Api.Security;
using Interop.Storage;
using Interop.Storage.Consent;
using Interop.Storage.Search;
using Microsoft.Extensions.Options;

namespace Interop.Api.Fhir;

/// <summary>History at instance, type and system level (http.html#history): newest first,
/// <c>_since</c> and <c>_count</c>, keyset-paged with a <c>_page</c> cursor bound to the caller
/// and the query (<see cref="PageCursors"/>).</summary>
public static class HistoryHandlers
{
    public static Task<IResult> Instance(string type, string id, HttpContext http, ResourceStore store, AccessGuard guard, RequestContext who, PageTokenCodec pages, IOptions<FhirOptions> options, CancellationToken ct)
    {
        FhirRoutes.RequireKnownType(type);
        FhirRoutes.RequireValidId(id);
        return History(type, id, $"{type}/{id}/_history", http, store, who, pages, options.Value, guard.ReadAccessFor(type, 'r'), ct);
    }

    public static Task<IResult> Type(string type, HttpContext http, ResourceStore store, AccessGuard guard, RequestContext who, PageTokenCodec pages, IOptions<FhirOptions> options, CancellationToken ct)
    {
        FhirRoutes.RequireKnownType(type);
        return History(type, null, $"{type}/_history", http, store, who, pages, options.Value, guard.ReadAccessFor(type, 's'), ct);
    }

    public static Task<IResult> System(HttpContext http, ResourceStore store, AccessGuard guard, RequestContext who, PageTokenCodec pages, IOptions<FhirOptions> options, CancellationToken ct) =>
        History(null, null, "_history", http, store, who, pages, options.Value, guard.ReadAccessFor("*", 's'), ct);

    private static async Task<IResult> History(string? type, string? id, string path, HttpContext http, ResourceStore store, RequestContext who, PageTokenCodec pages, FhirOptions options, ReadAccess access, CancellationToken ct)
    {
        var request = http.Request;
        var count = FhirRoutes.PageSize(request, options);
        DateTimeOffset? since = null;
        var sinceRaw = request.Query["_since"].ToString();
        if (!string.IsNullOrEmpty(sinceRaw))
        {
            if (!DateTimeOffset.TryParse(sinceRaw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var s))
                throw FhirException.BadRequest($"_since '{sinceRaw}' is not an instant.", expression: "_since");
            since = s;
        }
        var query = $"_count={count}" + (sinceRaw.Length > 0 ? $"&_since={Uri.EscapeDataString(sinceRaw)}" : "");
        var binding = PageCursors.Binding(who, path, query);
        long? before = null;
        var page = request.Query["_page"].ToString();
        if (!string.IsNullOrEmpty(page)) before = PageCursors.Read(pages, page, binding).RowId;
        var rows = await store.HistoryAsync(type, id, since, before, count + 1, ct, access);
        if (id is not null && rows.Count == 0 && before is null && since is null)
            throw FhirException.NotFound($"{type}/{id} is not known.");

        var baseUrl = FhirRoutes.BaseUrl(http);
        var bundle = new BundleDocument { Type = Bundle.BundleType.History };
        bundle.Links.Add(("self", $"{baseUrl}/{path}?{query}" + (page.Length > 0 ? $"&_page={Uri.EscapeDataString(page)}" : "")));
        foreach (var row in rows.Take(count)) bundle.Entries.Add(Entry(row, baseUrl));
        if (rows.Count > count)
            bundle.Links.Add(("next", $"{baseUrl}/{path}?{query}&_page={Uri.EscapeDataString(PageCursors.Issue(pages, rows[count - 1].RowId, 0, binding))}"));
        return FhirResponse.Of(bundle);
    }

    private static BundleEntry Entry(StoredResource row, string baseUrl)
    {
        var method = row.Method switch
        {
            "DELETE" => Bundle.HTTPVerb.DELETE,
            "PUT" => Bundle.HTTPVerb.PUT,
            "PATCH" => Bundle.HTTPVerb.PATCH,
            _ => Bundle.HTTPVerb.POST,
        };
        return new BundleEntry
        {
            FullUrl = $"{baseUrl}/{row.ResourceType}/{row.ResourceId}",
            Json = row.Json,
            RowId = row.RowId,
            RequestMethod = method,
            RequestUrl = method == Bundle.HTTPVerb.POST ? row.ResourceType : $"{row.ResourceType}/{row.ResourceId}",
            ResponseStatus = row.IsDeleted ? "204" : row.VersionId == 1 ? "201" : "200",
            ResponseEtag = row.ETag,
            ResponseLastModified = row.LastUpdated,
        };
    }
}
