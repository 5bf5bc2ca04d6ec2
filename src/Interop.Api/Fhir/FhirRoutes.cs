using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Interop.Core.Fhir;
using Microsoft.Extensions.Options;

namespace Interop.Api.Fhir;

/// <summary>URL pieces: resource type and id checks, base URL, If-Match parsing.</summary>
public static partial class FhirRoutes
{
    [GeneratedRegex("^[A-Za-z0-9\\-\\.]{1,64}$")]
    private static partial Regex IdPattern();

    /// <summary>Throws 400 unless <paramref name="type"/> is a concrete R4 resource type.</summary>
    public static void RequireKnownType(string type)
    {
        if (!ModelInfo.IsKnownResource(type) || type is "Resource" or "DomainResource")
            throw FhirException.BadRequest($"'{type}' is not a FHIR R4 resource type.");
    }

    public static void RequireValidId(string id)
    {
        if (!IdPattern().IsMatch(id))
            throw FhirException.BadRequest($"'{id}' is not a valid FHIR id (1-64 of A-Z, a-z, 0-9, '-', '.').");
    }

    public static string BaseUrl(HttpContext context)
    {
        var configured = context.RequestServices.GetRequiredService<IOptions<FhirOptions>>().Value.PublicBaseUrl;
        if (!string.IsNullOrEmpty(configured)) return configured.TrimEnd('/');
        var r = context.Request;
        return $"{r.Scheme}://{r.Host}{r.PathBase}/fhir";
    }

    /// <summary>The version named by an If-Match header (<c>W/"3"</c> or <c>"3"</c>), or null.</summary>
    public static int? IfMatchVersion(HttpRequest request)
    {
        var raw = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var s = raw.Trim();
        if (s.StartsWith("W/", StringComparison.Ordinal)) s = s[2..];
        s = s.Trim('"');
        return int.TryParse(s, out var v) && v > 0
            ? v
            : throw FhirException.BadRequest($"If-Match '{raw}' is not a version ETag like W/\"1\".");
    }

    public static int PageSize(HttpRequest request, FhirOptions options)
    {
        var raw = request.Query["_count"].ToString();
        if (string.IsNullOrEmpty(raw)) return options.DefaultPageSize;
        if (!int.TryParse(raw, out var n) || n < 0)
            throw FhirException.BadRequest($"_count '{raw}' is not a non-negative whole number.", expression: "_count");
        return Math.Min(n, options.MaxPageSize);
    }
}
