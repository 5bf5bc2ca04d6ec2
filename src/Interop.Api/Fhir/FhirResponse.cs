using System.Globalization;
using System.Text;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Hl7.Fhir.Serialization;
using Interop.Core.Fhir;
using Interop.Storage;

namespace Interop.Api.Fhir;

/// <summary>
/// A FHIR response: a resource (as a POCO, or as stored JSON that is written out untouched when
/// the request allows it), or a bundle assembled from stored JSON. Negotiates the format and
/// applies <c>_pretty</c>, <c>_summary</c> and <c>_elements</c>.
/// </summary>
public sealed class FhirResponse : IResult
{
    private Resource? _resource;
    private string? _json;
    private BundleDocument? _bundle;

    public int StatusCode { get; private init; } = 200;

    private long? _rowId;


    /// <summary>The stored rows this response releases to the caller (for the audit trail).</summary>
    public IReadOnlyList<long> ReleasedRows =>
        _bundle is not null ? _bundle.Entries.Where(e => e.RowId is not null && (e.Json is not null || e.Resource is not null)).Select(e => e.RowId!.Value).ToList()
        : _rowId is { } id && _json is not null ? [id] : [];

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static FhirResponse Of(Resource resource, int status = 200) => new() { _resource = resource, StatusCode = status };

    public static FhirResponse Of(BundleDocument bundle) => new() { _bundle = bundle };

    /// <summary>A stored version, with ETag, Last-Modified and (for writes) Location.</summary>
    public static FhirResponse Of(StoredResource stored, int status = 200, bool location = false, string? baseUrl = null)
    {
        var response = new FhirResponse { _json = stored.Json, StatusCode = status, _rowId = stored.RowId };
        response.Headers["ETag"] = stored.ETag;
        response.Headers["Last-Modified"] = stored.LastUpdated.ToString("R", CultureInfo.InvariantCulture);
        if (location) response.Headers["Location"] = $"{baseUrl}/{stored.VersionedLocation}";
        return response;
    }

    /// <summary>An empty-bodied response (Prefer: return=minimal).</summary>
    public static FhirResponse Empty(int status) => new() { StatusCode = status };

    /// <summary>The response to a write, shaped by the <c>Prefer</c> header (http.html#ops).</summary>
    public static FhirResponse ForWrite(HttpRequest request, StoredResource stored, int status, string baseUrl, string message)
    {
        var prefer = request.Headers["Prefer"].ToString();
        FhirResponse response;
        if (prefer.Contains("return=minimal", StringComparison.OrdinalIgnoreCase))
        {
            response = Empty(status);
        }
        else if (prefer.Contains("return=OperationOutcome", StringComparison.OrdinalIgnoreCase))
        {
            response = Of(Outcomes.Information(message), status);
        }
        else
        {
            response = Of(stored, status);
        }
        response._rowId = stored.RowId;
        response.Headers["ETag"] = stored.ETag;
        response.Headers["Last-Modified"] = stored.LastUpdated.ToString("R", CultureInfo.InvariantCulture);
        response.Headers["Location"] = $"{baseUrl}/{stored.VersionedLocation}";
        return response;
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var request = httpContext.Request;
        var response = httpContext.Response;
        var format = FhirMediaTypes.ResponseFormat(request);
        response.StatusCode = StatusCode;
        foreach (var (k, v) in Headers) response.Headers[k] = v;
        if (_resource is null && _json is null && _bundle is null) return;

        var pretty = request.Query["_pretty"].ToString() == "true";
        var filter = FilterFor(request);
        string text;
        if (_bundle is not null && format == FhirFormat.Json && filter is null)
        {
            using var utf8 = new PooledBufferWriter(_bundle.EstimatedJsonSize);
            _bundle.RenderJsonUtf8(pretty, utf8);
            response.ContentType = FhirMediaTypes.ContentType(format);
            response.ContentLength = utf8.WrittenMemory.Length;
            await response.Body.WriteAsync(utf8.WrittenMemory, httpContext.RequestAborted);
            return;
        }
        if (_bundle is not null)
        {
            text = _bundle.Render(format, pretty, filter);
        }
        else if (_json is not null && format == FhirFormat.Json && !pretty && filter is null)
        {
            text = _json; // the stored bytes, not re-serialized (architecture decision 2)
        }
        else
        {
            var resource = _resource ?? FhirSerialization.ParseStored(_json!);
            text = Render(resource, format, pretty, filter);
        }
        response.ContentType = FhirMediaTypes.ContentType(format);
        await response.WriteAsync(text, Encoding.UTF8, httpContext.RequestAborted);
    }

    public static string Render(Resource resource, FhirFormat format, bool pretty, Func<SerializationFilter>? filter)
    {
        if (filter is not null && resource is not OperationOutcome)
        {
            // http.html / search.html#summary: a subsetted resource is tagged SUBSETTED.
            resource = (Resource)resource.DeepCopy();
            resource.Meta ??= new Meta();
            resource.Meta.Tag.Add(new Coding("http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "SUBSETTED"));
        }
        return format == FhirFormat.Xml
            ? FhirSerialization.ToXml(resource, pretty, filter)
            : FhirSerialization.ToJson(resource, pretty, filter);
    }

    /// <summary>The serialization filter for <c>_summary</c> / <c>_elements</c>, or null for the full resource.</summary>
    public static Func<SerializationFilter>? FilterFor(HttpRequest request)
    {
        var summary = request.Query["_summary"].ToString();
        var elements = request.Query["_elements"].ToString();
        if (!string.IsNullOrEmpty(elements))
        {
            // meta always travels, so the SUBSETTED tag reaches the client (search.html#elements).
            var names = elements.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Append("meta").Distinct().ToArray();
            return () => SerializationFilter.ForElements(names);
        }
        return summary switch
        {
            "" or "false" => null,
            "true" => () => SerializationFilter.ForSummary(),
            "text" => () => SerializationFilter.ForText(),
            "data" => () => SerializationFilter.ForData(),
            "count" => null,
            _ => throw FhirException.BadRequest($"_summary '{summary}' is not one of true, text, data, count, false.", expression: "_summary"),
        };
    }
}
