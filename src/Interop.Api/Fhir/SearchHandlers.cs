using Task = System.Threading.Tasks.Task;

namespace Interop.Api.Fhir;

/// <summary>
/// Search (R4 http.html#search, search.html): <c>GET /fhir/{type}?...</c>, <c>POST /fhir/{type}/_search</c>
/// (form body), and the system-level <c>GET /fhir?...</c> / <c>POST /fhir/_search</c>.
/// </summary>
public static class SearchHandlers
{
    public static async Task<IResult> Type(string type, HttpContext http, SearchRunner runner, CancellationToken ct) =>
        FhirResponse.Of(await runner.RunAsync(type, QueryParameters(http.Request), FhirRoutes.BaseUrl(http), SearchRunner.IsLenient(http.Request), ct));

    public static async Task<IResult> TypePost(string type, HttpContext http, SearchRunner runner, CancellationToken ct) =>
        FhirResponse.Of(await runner.RunAsync(type, await FormAndQueryAsync(http.Request, ct), FhirRoutes.BaseUrl(http), SearchRunner.IsLenient(http.Request), ct));

    public static async Task<IResult> System(HttpContext http, SearchRunner runner, CancellationToken ct) =>
        FhirResponse.Of(await runner.RunAsync(null, QueryParameters(http.Request), FhirRoutes.BaseUrl(http), SearchRunner.IsLenient(http.Request), ct));

    public static async Task<IResult> SystemPost(HttpContext http, SearchRunner runner, CancellationToken ct) =>
        FhirResponse.Of(await runner.RunAsync(null, await FormAndQueryAsync(http.Request, ct), FhirRoutes.BaseUrl(http), SearchRunner.IsLenient(http.Request), ct));

    private static List<KeyValuePair<string, string>> QueryParameters(HttpRequest request) =>
        request.Query.SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? ""))).ToList();

    // search.html#search: POST _search takes application/x-www-form-urlencoded; URL parameters count too.
    private static async Task<List<KeyValuePair<string, string>>> FormAndQueryAsync(HttpRequest request, CancellationToken ct)
    {
        var parameters = QueryParameters(request);
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            parameters.AddRange(form.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? ""))));
        }
        else if (request.ContentLength > 0)
        {
            throw Core.Fhir.FhirException.UnsupportedMediaType("POST _search takes an application/x-www-form-urlencoded body.");
        }
        return parameters;
    }
}
