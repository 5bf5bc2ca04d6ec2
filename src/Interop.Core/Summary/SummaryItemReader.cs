using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;

namespace Interop.Core.Summary;

/// <summary>
/// Reads the few elements the summary narrative shows (code text, status, date, Observation
/// category) either from a parsed resource or straight from the stored JSON. The two readers give
/// the same <see cref="SummaryItem"/> for the same resource (SummaryItemReaderTests holds them to it);
/// the JSON one exists because parsing a whole record of several hundred resources into Firely
/// POCOs was most of the cost of a summary.
/// </summary>
public static class SummaryItemReader
{
    /// <summary>The item of a parsed resource (the reference reading).</summary>
    public static SummaryItem FromResource(Resource r, string fullUrl) =>
        new(r.TypeName, fullUrl, Describe(r), Status(r), When(r), InSummary(r));

    /// <summary>
    /// The item of a resource as stored (FHIR JSON, R4 element names). Reads only the elements
    /// <see cref="FromResource"/> reads, with the same fallbacks, so the narrative is identical.
    /// </summary>
    public static SummaryItem FromJson(string resourceType, string fullUrl, string json)
    {
        using var document = JsonDocument.Parse(json);
        var r = document.RootElement;
        return new SummaryItem(resourceType, fullUrl, DescribeJson(resourceType, r), StatusJson(resourceType, r), WhenJson(resourceType, r), InSummaryJson(resourceType, r));
    }

    /// <summary>
    /// <see cref="SummaryComposer.NameOf"/> read from a Patient's stored JSON: the first name's given
    /// names (an extension-only given name reads as empty, as the SDK's Given does) and family.
    /// </summary>
    public static string PatientNameFromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (First(document.RootElement, "name"u8) is not { } name) return "the patient";
        var given = string.Join(' ', Array(name, "given"u8).Select(g => g.ValueKind == JsonValueKind.String ? g.GetString() : null));
        return $"{given} {String(name, "family"u8)}".Trim();
    }

    // Results hold laboratory and vital-sign observations; other observations (e.g. social care outcomes) stay out.
    private static bool InSummary(Resource r) =>
        r is not Observation o || o.Category.Count == 0 || o.Category.Any(c => c.Coding.Any(x => x.Code is "laboratory" or "vital-signs"));

    private static string Describe(Resource r) => r switch
    {
        Condition c => Text(c.Code),
        AllergyIntolerance a => Text(a.Code),
        MedicationStatement m => m.Medication is CodeableConcept cc ? Text(cc) : "Medication",
        MedicationRequest m => (m.Medication is CodeableConcept cc ? Text(cc) : "Medication") + (m.Intent is { } i ? $" ({i.ToString().ToLowerInvariant()})" : ""),
        Immunization i => Text(i.VaccineCode),
        Observation o => Text(o.Code) + (o.Value is Quantity q ? $": {q.Value} {q.Unit}" : o.Value is FhirString s ? $": {s.Value}" : ""),
        DiagnosticReport d => Text(d.Code),
        Procedure p => Text(p.Code),
        Encounter e => (e.Class?.Display ?? e.Class?.Code ?? "Encounter") + (e.Type.FirstOrDefault() is { } t ? $" - {Text(t)}" : ""),
        Hl7.Fhir.Model.Task t => "Assessment: " + Text(t.Code),
        CarePlan c => c.Title ?? "Care plan",
        EpisodeOfCare e => "Service: " + (e.Type.FirstOrDefault() is { } t ? Text(t) : "care"),
        QuestionnaireResponse => "Assessment responses",
        _ => r.TypeName,
    };

    private static string Text(CodeableConcept? cc) => cc?.Text ?? cc?.Coding.FirstOrDefault(c => c.Display is not null)?.Display ?? cc?.Coding.FirstOrDefault()?.Code ?? "(uncoded)";

    private static string Status(Resource r) => r switch
    {
        Condition c => c.ClinicalStatus?.Coding.FirstOrDefault()?.Code ?? "",
        AllergyIntolerance a => a.ClinicalStatus?.Coding.FirstOrDefault()?.Code ?? "",
        MedicationStatement m => m.Status?.ToString().ToLowerInvariant() ?? "",
        MedicationRequest m => m.Status?.ToString().ToLowerInvariant() ?? "",
        Observation o => o.Status?.ToString().ToLowerInvariant() ?? "",
        Encounter e => e.Status?.ToString().ToLowerInvariant() ?? "",
        Hl7.Fhir.Model.Task t => t.Status?.ToString().ToLowerInvariant() ?? "",
        _ => "",
    };

    private static string When(Resource r) => r switch
    {
        Condition c => (c.Onset as FhirDateTime)?.Value ?? c.RecordedDate ?? "",
        AllergyIntolerance a => a.RecordedDate ?? "",
        Observation o => (o.Effective as FhirDateTime)?.Value ?? "",
        Immunization i => (i.Occurrence as FhirDateTime)?.Value ?? "",
        Encounter e => e.Period?.Start ?? "",
        Procedure p => (p.Performed as FhirDateTime)?.Value ?? "",
        DiagnosticReport d => (d.Effective as FhirDateTime)?.Value ?? "",
        _ => "",
    };

    // The JSON readings. A choice element is one property named after its type (FHIR json.html#choice),
    // so "Onset as FhirDateTime" is the property onsetDateTime; an absent or non-string value reads as null,
    // as the SDK leaves such an element's Value null.

    private static bool InSummaryJson(string type, JsonElement r)
    {
        if (type != "Observation") return true;
        if (!r.TryGetProperty("category"u8, out var categories) || categories.ValueKind != JsonValueKind.Array || categories.GetArrayLength() == 0) return true;
        foreach (var category in categories.EnumerateArray())
            foreach (var coding in Array(category, "coding"u8))
                if (String(coding, "code"u8) is "laboratory" or "vital-signs") return true;
        return false;
    }

    private static string DescribeJson(string type, JsonElement r) => type switch
    {
        "Condition" or "AllergyIntolerance" or "DiagnosticReport" or "Procedure" => TextJson(r, "code"u8),
        "MedicationStatement" => r.TryGetProperty("medicationCodeableConcept"u8, out var cc) ? TextJson(cc) : "Medication",
        "MedicationRequest" => (r.TryGetProperty("medicationCodeableConcept"u8, out var cc) ? TextJson(cc) : "Medication")
            + (EnumName<MedicationRequest.MedicationRequestIntent>(String(r, "intent"u8)) is { } intent ? $" ({intent})" : ""),
        "Immunization" => TextJson(r, "vaccineCode"u8),
        "Observation" => TextJson(r, "code"u8) + ObservationValueJson(r),
        "Encounter" => EncounterClassJson(r) + (First(r, "type"u8) is { } t ? $" - {TextJson(t)}" : ""),
        "Task" => "Assessment: " + TextJson(r, "code"u8),
        "CarePlan" => String(r, "title"u8) ?? "Care plan",
        "EpisodeOfCare" => "Service: " + (First(r, "type"u8) is { } t ? TextJson(t) : "care"),
        "QuestionnaireResponse" => "Assessment responses",
        _ => type,
    };

    private static string ObservationValueJson(JsonElement r)
    {
        if (r.TryGetProperty("valueQuantity"u8, out var q))
        {
            decimal? value = q.TryGetProperty("value"u8, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d) ? d : null;
            return $": {value} {String(q, "unit"u8)}";
        }
        // An element with only extensions ("_valueString") is still a FhirString to the SDK, with a null value.
        if (r.TryGetProperty("valueString"u8, out _) || r.TryGetProperty("_valueString"u8, out _)) return $": {String(r, "valueString"u8)}";
        return "";
    }

    private static string EncounterClassJson(JsonElement r) =>
        r.TryGetProperty("class"u8, out var c) && c.ValueKind == JsonValueKind.Object ? String(c, "display"u8) ?? String(c, "code"u8) ?? "Encounter" : "Encounter";

    private static string TextJson(JsonElement r, ReadOnlySpan<byte> property) =>
        r.TryGetProperty(property, out var cc) && cc.ValueKind == JsonValueKind.Object ? TextJson(cc) : "(uncoded)";

    private static string TextJson(JsonElement cc)
    {
        if (String(cc, "text"u8) is { } text) return text;
        foreach (var coding in Array(cc, "coding"u8))
            if (String(coding, "display"u8) is { } display) return display;
        return First(cc, "coding"u8) is { } first ? String(first, "code"u8) ?? "(uncoded)" : "(uncoded)";
    }

    private static string StatusJson(string type, JsonElement r) => type switch
    {
        "Condition" or "AllergyIntolerance" => r.TryGetProperty("clinicalStatus"u8, out var cs) && First(cs, "coding"u8) is { } c ? String(c, "code"u8) ?? "" : "",
        "MedicationStatement" => EnumName<MedicationStatement.MedicationStatusCodes>(String(r, "status"u8)) ?? "",
        "MedicationRequest" => EnumName<MedicationRequest.MedicationrequestStatus>(String(r, "status"u8)) ?? "",
        "Observation" => EnumName<ObservationStatus>(String(r, "status"u8)) ?? "",
        "Encounter" => EnumName<Encounter.EncounterStatus>(String(r, "status"u8)) ?? "",
        "Task" => EnumName<Hl7.Fhir.Model.Task.TaskStatus>(String(r, "status"u8)) ?? "",
        _ => "",
    };

    private static string WhenJson(string type, JsonElement r) => type switch
    {
        "Condition" => String(r, "onsetDateTime"u8) ?? String(r, "recordedDate"u8) ?? "",
        "AllergyIntolerance" => String(r, "recordedDate"u8) ?? "",
        "Observation" or "DiagnosticReport" => String(r, "effectiveDateTime"u8) ?? "",
        "Immunization" => String(r, "occurrenceDateTime"u8) ?? "",
        "Encounter" => r.TryGetProperty("period"u8, out var p) && p.ValueKind == JsonValueKind.Object ? String(p, "start"u8) ?? "" : "",
        "Procedure" => String(r, "performedDateTime"u8) ?? "",
        _ => "",
    };

    private static string? String(JsonElement e, ReadOnlySpan<byte> property) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static JsonElement? First(JsonElement e, ReadOnlySpan<byte> property) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(property, out var a) && a.ValueKind == JsonValueKind.Array && a.GetArrayLength() > 0 ? a[0] : null;

    // Property names as UTF-8 (no transcoding per lookup) and arrays as the struct enumerator (no boxing):
    // a summary reads these from some three hundred items.
    private static JsonElement.ArrayEnumerator Array(JsonElement e, ReadOnlySpan<byte> property) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(property, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray() : EmptyArray.EnumerateArray();

    private static readonly JsonElement EmptyArray = JsonDocument.Parse("[]").RootElement;

    /// <summary>A code as the POCO reading shows it: the SDK enum member's name in lower case ("entered-in-error" -> "enteredinerror").</summary>
    private static string? EnumName<T>(string? literal) where T : struct, Enum =>
        literal is not null && EnumNames<T>.ByLiteral.TryGetValue(literal, out var name) ? name : null;

    private static class EnumNames<T> where T : struct, Enum
    {
        public static readonly Dictionary<string, string> ByLiteral =
            Enum.GetValues<T>().ToDictionary(v => v.GetLiteral(), v => v.ToString().ToLowerInvariant(), StringComparer.Ordinal);
    }
}
