using Hl7.Fhir.Model;
using Interop.Core.Known;

namespace Interop.Adapters.Hl7v2;

/// <summary>State shared by the segment mappers while one message is mapped: problems, bundle entries, sender.</summary>
internal sealed class Hl7v2MappingContext
{
    public Hl7v2MappingContext(Hl7v2Message message, TimeZoneInfo senderTimeZone)
    {
        Message = message;
        SenderTimeZone = senderTimeZone;
        // The sending facility (an ODS code in the NHS) scopes local identifiers and codes.
        Source = message.SendingFacility ?? message.SendingApplication ?? "unknown";
    }

    public Hl7v2Message Message { get; }
    public TimeZoneInfo SenderTimeZone { get; }
    public string Source { get; }
    public List<Hl7v2Problem> Problems { get; } = [];
    public List<Bundle.EntryComponent> Entries { get; } = [];

    public void Error(Hl7v2ErrorCode code, string text, Hl7v2Segment? segment = null, int? field = null, int? component = null) =>
        Add(Hl7v2Severity.Error, code, text, segment, field, component);

    public void Warning(Hl7v2ErrorCode code, string text, Hl7v2Segment? segment = null, int? field = null, int? component = null) =>
        Add(Hl7v2Severity.Warning, code, text, segment, field, component);

    public void Information(Hl7v2ErrorCode code, string text, Hl7v2Segment? segment = null, int? field = null) =>
        Add(Hl7v2Severity.Information, code, text, segment, field, null);

    private void Add(Hl7v2Severity severity, Hl7v2ErrorCode code, string text, Hl7v2Segment? segment, int? field, int? component) =>
        Problems.Add(new Hl7v2Problem(severity, code, text, segment?.Id, segment?.Sequence, field, component, segment?.Index));

    /// <summary>Adds a resource with a fresh <c>urn:uuid:</c> fullUrl and returns a reference to it.</summary>
    public ResourceReference Add(Resource resource, Bundle.RequestComponent request)
    {
        var fullUrl = "urn:uuid:" + Guid.NewGuid().ToString("D");
        Entries.Add(new Bundle.EntryComponent { FullUrl = fullUrl, Resource = resource, Request = request });
        return new ResourceReference(fullUrl);
    }

    /// <summary>
    /// PUT <c>Type?identifier=system|value</c>: FHIR conditional update (RESTful API 3.1.0.4.3), so a
    /// resend or a later event for the same visit or result updates instead of duplicating.
    /// </summary>
    public static Bundle.RequestComponent ConditionalUpdate(string type, Identifier identifier) => new()
    {
        Method = Bundle.HTTPVerb.PUT,
        Url = $"{type}?identifier={SearchToken(identifier)}",
    };

    /// <summary>POST with <c>ifNoneExist</c>: FHIR conditional create, so an existing patient is reused.</summary>
    public static Bundle.RequestComponent ConditionalCreate(string type, Identifier identifier) => new()
    {
        Method = Bundle.HTTPVerb.POST,
        Url = type,
        IfNoneExist = $"identifier={SearchToken(identifier)}",
    };

    /// <summary>
    /// <c>system|value</c> with the value escaped for FHIR search (<c>\ , $ |</c>, search 3.1.1.4.8)
    /// and percent-encoded where a URL needs it; systems we build are already URL-safe.
    /// </summary>
    public static string SearchToken(Identifier identifier)
    {
        var value = (identifier.Value ?? "").Replace("\\", "\\\\").Replace(",", "\\,").Replace("$", "\\$").Replace("|", "\\|");
        return $"{identifier.System}|{Uri.EscapeDataString(value)}";
    }

    /// <summary>An identifier system under <see cref="KnownSystems.SourceRecordIdBase"/>, e.g. <c>.../mrn/RMW00</c>.</summary>
    public static string SourceSystem(string kind, string scope) =>
        $"{KnownSystems.SourceRecordIdBase}/{kind}/{Uri.EscapeDataString(scope.Trim())}";
}
