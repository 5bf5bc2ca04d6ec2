using Interop.Core.Fhir;
using Microsoft.Net.Http.Headers;

namespace Interop.Api.Fhir;

/// <summary>
/// Content negotiation for FHIR R4 (http.html#mime-type): <c>_format</c> wins over <c>Accept</c>;
/// JSON is the default; anything else we cannot produce is a 406.
/// </summary>
public static class FhirMediaTypes
{
    public const string Json = "application/fhir+json";
    public const string Xml = "application/fhir+xml";
    public const string JsonPatch = "application/json-patch+json";

    /// <summary>The format of a request body from its Content-Type (415 when unsupported).</summary>
    public static FhirFormat RequestFormat(HttpRequest request, ReadOnlySpan<byte> body)
    {
        var contentType = request.ContentType;
        if (string.IsNullOrWhiteSpace(contentType))
        {
            // No Content-Type: tolerate it by looking at the first significant byte.
            foreach (var b in body)
            {
                if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF) continue;
                return b == (byte)'<' ? FhirFormat.Xml : FhirFormat.Json;
            }
            return FhirFormat.Json;
        }
        return FromMediaType(contentType) ?? throw FhirException.UnsupportedMediaType(
            $"Content-Type '{contentType}' is not supported; send {Json} or {Xml}.");
    }

    /// <summary>The response format from <c>_format</c> or <c>Accept</c> (406 when none can be met).</summary>
    public static FhirFormat ResponseFormat(HttpRequest request)
    {
        var format = request.Query["_format"].ToString();
        if (!string.IsNullOrEmpty(format))
        {
            return format.ToLowerInvariant() switch
            {
                "json" => FhirFormat.Json,
                "xml" => FhirFormat.Xml,
                _ => FromMediaType(format) ?? throw FhirException.NotAcceptable($"_format '{format}' is not supported; use json or xml."),
            };
        }
        var accept = request.Headers.Accept.ToString();
        if (string.IsNullOrWhiteSpace(accept)) return FhirFormat.Json;
        if (!MediaTypeHeaderValue.TryParseList(accept.Split(','), out var values)) return FhirFormat.Json;
        foreach (var value in values.OrderByDescending(v => v.Quality ?? 1.0))
        {
            var mt = value.MediaType.Value ?? "";
            if (mt is "*/*" or "application/*") return FhirFormat.Json;
            if (FromMediaType(mt) is { } f) return f;
            if (mt is "text/html" or "text/*") continue; // browsers: answer with the */* they also send
        }
        throw FhirException.NotAcceptable($"None of the accepted media types '{accept}' can be produced; accept {Json} or {Xml}.");
    }

    public static string ContentType(FhirFormat format) => format == FhirFormat.Xml ? Xml + "; charset=utf-8" : Json + "; charset=utf-8";

    private static FhirFormat? FromMediaType(string value)
    {
        var semi = value.IndexOf(';');
        var mt = (semi >= 0 ? value[..semi] : value).Trim().ToLowerInvariant();
        return mt switch
        {
            "application/fhir+json" or "application/json" or "application/json+fhir" or "text/json" => FhirFormat.Json,
            "application/fhir+xml" or "application/xml" or "application/xml+fhir" or "text/xml" => FhirFormat.Xml,
            _ => null,
        };
    }
}
