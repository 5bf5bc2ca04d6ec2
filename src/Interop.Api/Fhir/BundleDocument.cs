using System.Buffers;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;
using Interop.Core.Fhir;

namespace Interop.Api.Fhir;

/// <summary>
/// A Bundle whose entries may hold stored JSON. In JSON without filters the stored text is
/// spliced in as is; otherwise entries are parsed and the Bundle serialized through the SDK.
/// </summary>
public sealed class BundleDocument
{
    public Bundle.BundleType Type { get; init; }

    public int? Total { get; set; }

    /// <summary>Bundle.identifier (required on documents).</summary>
    public Identifier? Identifier { get; init; }

    public string? Id { get; init; } = Guid.NewGuid().ToString();

    public DateTimeOffset Timestamp { get; init; } = DateTimeOffset.UtcNow;

    public List<(string Relation, string Url)> Links { get; } = [];

    public List<BundleEntry> Entries { get; } = [];

    public string Render(FhirFormat format, bool pretty, Func<SerializationFilter>? filter)
    {
        if (format == FhirFormat.Json && filter is null) return RenderJson(pretty);
        return FhirResponse.Render(ToPoco(filter), format, pretty, null);
    }

    public Bundle ToPoco(Func<SerializationFilter>? filter = null)
    {
        var bundle = new Bundle
        {
            Id = Id,
            Type = Type,
            Total = Total,
            Identifier = Identifier,
            Timestamp = Type is Bundle.BundleType.Document or Bundle.BundleType.Message ? Timestamp : null,
            Meta = new Meta { LastUpdated = Timestamp },
        };
        foreach (var (rel, url) in Links) bundle.Link.Add(new Bundle.LinkComponent { Relation = rel, Url = url });
        foreach (var e in Entries)
        {
            var entry = new Bundle.EntryComponent { FullUrl = e.FullUrl };
            var resource = e.Resource ?? (e.Json is null ? null : FhirSerialization.ParseStored(e.Json));
            if (resource is not null && filter is not null)
            {
                // Apply _summary/_elements per entry by a serialize-parse round trip through the filter.
                var filtered = FhirSerialization.ToJson(resource, false, filter);
                resource = FhirSerialization.ParseStored(filtered);
                resource.Meta ??= new Meta();
                resource.Meta.Tag.Add(new Coding("http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "SUBSETTED"));
            }
            entry.Resource = resource;
            if (e.SearchMode is { } mode) entry.Search = new Bundle.SearchComponent { Mode = mode };
            if (e.RequestMethod is { } method) entry.Request = new Bundle.RequestComponent { Method = method, Url = e.RequestUrl };
            if (e.ResponseStatus is { } status)
                entry.Response = new Bundle.ResponseComponent { Status = status, Location = e.ResponseLocation, Etag = e.ResponseEtag, LastModified = e.ResponseLastModified, Outcome = e.ResponseOutcome };
            bundle.Entry.Add(entry);
        }
        return bundle;
    }

    private string RenderJson(bool pretty) => Encoding.UTF8.GetString(RenderJsonUtf8(pretty).Span);

    /// <summary>
    /// The Bundle as UTF-8 JSON, stored entries spliced in as they are: what a JSON response without
    /// <c>_summary</c>/<c>_elements</c> sends. Written to the response as bytes, a large Bundle (a
    /// summary of several hundred entries) skips two whole-document copies and a UTF-16 round trip.
    /// </summary>
    public ReadOnlyMemory<byte> RenderJsonUtf8(bool pretty)
    {
        var buffer = new ArrayBufferWriter<byte>(EstimatedJsonSize);
        RenderJsonUtf8(pretty, buffer);
        return buffer.WrittenMemory;
    }

    /// <summary>Sized for the stored entries (mostly ASCII, so characters ~ bytes) so a buffer rarely grows.</summary>
    public int EstimatedJsonSize => 4096 + Entries.Sum(e => e.Json?.Length ?? 0);

    /// <summary><see cref="RenderJsonUtf8(bool)"/> into <paramref name="buffer"/> (a pooled one for responses: <see cref="PooledBufferWriter"/>).</summary>
    public void RenderJsonUtf8(bool pretty, IBufferWriter<byte> buffer)
    {
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = pretty, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("resourceType", "Bundle");
            if (Id is not null) w.WriteString("id", Id);
            w.WriteStartObject("meta");
            w.WriteString("lastUpdated", Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz"));
            w.WriteEndObject();
            if (Identifier is not null)
            {
                w.WriteStartObject("identifier");
                if (Identifier.System is not null) w.WriteString("system", Identifier.System);
                if (Identifier.Value is not null) w.WriteString("value", Identifier.Value);
                w.WriteEndObject();
            }
            w.WriteString("type", Type.GetLiteral());
            if (Type is Bundle.BundleType.Document or Bundle.BundleType.Message)
                w.WriteString("timestamp", Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz"));
            if (Total is { } total) w.WriteNumber("total", total);
            if (Links.Count > 0)
            {
                w.WriteStartArray("link");
                foreach (var (rel, url) in Links)
                {
                    w.WriteStartObject();
                    w.WriteString("relation", rel);
                    w.WriteString("url", url);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            if (Entries.Count > 0)
            {
                w.WriteStartArray("entry");
                foreach (var e in Entries) WriteEntry(w, e, pretty);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
    }

    private static void WriteEntry(Utf8JsonWriter w, BundleEntry e, bool pretty)
    {
        w.WriteStartObject();
        if (e.FullUrl is not null) w.WriteString("fullUrl", e.FullUrl);
        var json = e.Json ?? (e.Resource is null ? null : FhirSerialization.ToJson(e.Resource));
        if (json is not null)
        {
            w.WritePropertyName("resource");
            if (pretty) using (var doc = JsonDocument.Parse(json)) doc.WriteTo(w);
            else w.WriteRawValue(json, skipInputValidation: true);
        }
        if (e.SearchMode is { } mode)
        {
            w.WriteStartObject("search");
            w.WriteString("mode", mode.GetLiteral());
            w.WriteEndObject();
        }
        if (e.RequestMethod is { } method)
        {
            w.WriteStartObject("request");
            w.WriteString("method", method.GetLiteral());
            if (e.RequestUrl is not null) w.WriteString("url", e.RequestUrl);
            w.WriteEndObject();
        }
        if (e.ResponseStatus is { } status)
        {
            w.WriteStartObject("response");
            w.WriteString("status", status);
            if (e.ResponseLocation is not null) w.WriteString("location", e.ResponseLocation);
            if (e.ResponseEtag is not null) w.WriteString("etag", e.ResponseEtag);
            if (e.ResponseLastModified is { } lm) w.WriteString("lastModified", lm.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz"));
            if (e.ResponseOutcome is not null)
            {
                w.WritePropertyName("outcome");
                w.WriteRawValue(FhirSerialization.ToJson(e.ResponseOutcome), skipInputValidation: true);
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}

/// <summary>One entry of a <see cref="BundleDocument"/>: stored JSON or a POCO, plus search/request/response parts.</summary>
public sealed class BundleEntry
{
    /// <summary>The stored row behind this entry, when it releases stored data (for the audit trail).</summary>
    public long? RowId { get; init; }

    public string? FullUrl { get; init; }

    public string? Json { get; init; }

    public Resource? Resource { get; init; }

    public Bundle.SearchEntryMode? SearchMode { get; init; }

    public Bundle.HTTPVerb? RequestMethod { get; init; }

    public string? RequestUrl { get; init; }

    public string? ResponseStatus { get; init; }

    public string? ResponseLocation { get; init; }

    public string? ResponseEtag { get; init; }

    public DateTimeOffset? ResponseLastModified { get; init; }

    public Resource? ResponseOutcome { get; init; }
}
