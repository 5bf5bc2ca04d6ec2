using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Xml;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;

namespace Interop.Core.Fhir;

/// <summary>
/// JSON and XML in and out through the Firely SDK's collecting deserializers, so a bad body is
/// answered with every problem at once (style.md, "Firely SDK").
/// </summary>
public static class FhirSerialization
{
    private static readonly FhirJsonDeserializer JsonDeserializer = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));
    private static readonly FhirXmlDeserializer XmlDeserializer = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));
    private static readonly BaseFhirJsonSerializer JsonSerializer = new(ModelInfo.ModelInspector);
    private static readonly BaseFhirXmlSerializer XmlSerializer = new(ModelInfo.ModelInspector);

    private static readonly JsonWriterOptions CompactJson = new() { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions IndentedJson = CompactJson with { Indented = true };

    /// <summary>A buffer larger than this is not kept for the next call, so one huge Bundle does not pin its memory to a thread.</summary>
    private const int MaxRetainedBufferBytes = 256 * 1024;

    // One UTF-8 buffer and writer per thread, taken while in use (a nested call on the same thread
    // makes its own): serialising straight into it saves the MemoryStream's growth copies, the
    // writer's flush into the stream and the ToArray copy of every call. The bytes are the same
    // Utf8JsonWriter output with the same options, so the stored text does not change.
    [ThreadStatic] private static JsonBuffer? _cachedJsonBuffer;

    /// <summary>Parses a resource, throwing a 400 <see cref="FhirException"/> that lists every problem.</summary>
    public static Resource Parse(ReadOnlySpan<byte> body, FhirFormat format)
    {
        if (body.IsEmpty) throw FhirException.BadRequest("The request body is empty; a FHIR resource was expected.");
        return format == FhirFormat.Json ? ParseJson(body) : ParseXml(body);
    }

    /// <summary>Parses stored JSON that the gateway itself wrote (trusted, so recoverable mode).</summary>
    public static Resource ParseStored(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        var lenient = new FhirJsonDeserializer(new DeserializerSettings().UsingMode(DeserializationMode.Recoverable));
        if (lenient.TryDeserializeResource(ref reader, out var resource, out _) && resource is not null) return resource;
        return resource ?? throw new InvalidOperationException("Stored resource JSON could not be read.");
    }

    private static Resource ParseJson(ReadOnlySpan<byte> body)
    {
        // Skip a UTF-8 byte order mark: some partner systems send one.
        if (body.Length >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF) body = body[3..];
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        Resource? resource;
        IEnumerable<CodedException> problems;
        try
        {
            JsonDeserializer.TryDeserializeResource(ref reader, out resource, out problems);
        }
        catch (JsonException ex)
        {
            throw FhirException.BadRequest($"The body is not valid JSON: {ex.Message}");
        }
        catch (DeserializationFailedException ex)
        {
            throw new FhirException(400, ToOutcome(ex.Exceptions));
        }
        var list = problems?.ToList() ?? [];
        if (list.Count > 0) throw new FhirException(400, ToOutcome(list));
        return resource ?? throw FhirException.BadRequest("The body does not hold a FHIR resource.");
    }

    private static Resource ParseXml(ReadOnlySpan<byte> body)
    {
        using var stream = new MemoryStream(body.ToArray());
        using var xml = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        Resource? resource;
        IEnumerable<CodedException> problems;
        try
        {
            XmlDeserializer.TryDeserializeResource(xml, out resource, out problems);
        }
        catch (XmlException ex)
        {
            throw FhirException.BadRequest($"The body is not well-formed XML: {ex.Message}");
        }
        catch (DeserializationFailedException ex)
        {
            throw new FhirException(400, ToOutcome(ex.Exceptions));
        }
        var list = problems?.ToList() ?? [];
        if (list.Count > 0) throw new FhirException(400, ToOutcome(list));
        return resource ?? throw FhirException.BadRequest("The body does not hold a FHIR resource.");
    }

    /// <summary>Turns the SDK's coded exceptions into one OperationOutcome, keeping each location.</summary>
    public static OperationOutcome ToOutcome(IEnumerable<CodedException> problems)
    {
        var outcome = new OperationOutcome();
        foreach (var problem in problems)
        {
            string? location = problem is ExtendedCodedException ext ? ext.InstancePath : null;
            outcome.Issue.Add(Outcomes.Issue(OperationOutcome.IssueType.Structure,
                $"{problem.ErrorCode}: {problem.Message}", FhirErrorCode.InvalidRequest, location));
        }
        if (outcome.Issue.Count == 0)
            outcome.Issue.Add(Outcomes.Issue(OperationOutcome.IssueType.Structure, "The body could not be read as FHIR.", FhirErrorCode.InvalidRequest));
        return outcome;
    }

    /// <summary>
    /// The resource as JSON: compact (as stored and as answered) or indented, optionally through a
    /// summary/elements filter.
    /// </summary>
    public static string ToJson(Base value, bool pretty = false, Func<SerializationFilter>? filter = null)
    {
        var buffer = _cachedJsonBuffer ?? new JsonBuffer();
        _cachedJsonBuffer = null;
        try
        {
            var writer = buffer.WriterFor(pretty);
            JsonSerializer.Serialize(value, writer, filter);
            writer.Flush();
            return Encoding.UTF8.GetString(buffer.Bytes.WrittenSpan);
        }
        finally
        {
            if (buffer.Reset()) _cachedJsonBuffer = buffer;
        }
    }

    public static string ToXml(Base value, bool pretty = false, Func<SerializationFilter>? filter = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Indent = pretty, Encoding = new UTF8Encoding(false) }))
            XmlSerializer.Serialize(value, writer, filter);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A reusable UTF-8 output buffer with a compact and an indented writer over it.</summary>
    private sealed class JsonBuffer
    {
        private Utf8JsonWriter? _compact;
        private Utf8JsonWriter? _indented;

        public ArrayBufferWriter<byte> Bytes { get; } = new(4096);

        public Utf8JsonWriter WriterFor(bool pretty) => pretty
            ? _indented ??= new Utf8JsonWriter(Bytes, IndentedJson)
            : _compact ??= new Utf8JsonWriter(Bytes, CompactJson);

        /// <summary>Empties the buffer for the next call; false when it has grown too large to keep.</summary>
        public bool Reset()
        {
            if (Bytes.Capacity > MaxRetainedBufferBytes) return false;
            Bytes.ResetWrittenCount();
            _compact?.Reset(Bytes);
            _indented?.Reset(Bytes);
            return true;
        }
    }
}
