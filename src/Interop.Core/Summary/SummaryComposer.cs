using System.Net;
using System.Text;
using Hl7.Fhir.Model;
using Interop.Core.Known;

namespace Interop.Core.Summary;

/// <summary>
/// Assembles the IPS-shaped document Bundle (Composition LOINC 60591-5 first, then the Patient and
/// every section entry) from what the caller may see. Required sections are always present, empty
/// ones carry an <c>emptyReason</c>; a section from which consent withheld items says so in its
/// narrative and with emptyReason <c>withheld</c> when nothing at all could be shown.
/// </summary>
public static class SummaryComposer
{
    private const string EmptyReasonSystem = "http://terminology.hl7.org/CodeSystem/list-empty-reason";

    /// <summary>What the composer needs: the patient, the visible resources, and which sections lost items to consent.</summary>
    public sealed record Input(Patient Patient, string PatientFullUrl, IReadOnlyList<(Resource Resource, string FullUrl)> Resources,
        IReadOnlySet<string> WithheldSections, DateTimeOffset Now, string? StalenessNote = null);

    /// <summary>The Composition and the per-section entries, in document order.</summary>
    public static Composition Compose(Input input, out IReadOnlyList<(Resource Resource, string FullUrl)> ordered)
    {
        var composition = new Composition
        {
            Id = Guid.NewGuid().ToString(),
            Status = CompositionStatus.Final,
            Type = new CodeableConcept(KnownSystems.Loinc, "60591-5", "Patient summary Document"),
            Subject = new ResourceReference(input.PatientFullUrl),
            Date = input.Now.ToString("yyyy-MM-dd'T'HH:mm:sszzz"),
            Author = [new ResourceReference { Display = "Interop gateway" }],
            Title = $"Patient summary for {Name(input.Patient)}",
        };
        var list = new List<(Resource, string)>();
        foreach (var section in SummarySection.All)
        {
            var items = input.Resources.Where(r => section.ResourceTypes.Contains(r.Resource.TypeName) && BelongsIn(section, r.Resource)).ToList();
            var withheld = input.WithheldSections.Contains(section.Title);
            if (items.Count == 0 && !section.Required && !withheld) continue;
            var s = new Composition.SectionComponent
            {
                Title = section.Title,
                Code = new CodeableConcept(KnownSystems.Loinc, section.LoincCode, section.LoincDisplay),
                Entry = items.Select(i => new ResourceReference(i.FullUrl)).ToList(),
                Text = Narrative(section, items.Select(i => i.Resource).ToList(), withheld),
            };
            if (items.Count == 0)
                s.EmptyReason = withheld
                    ? new CodeableConcept(EmptyReasonSystem, "withheld", "Information Withheld")
                    : new CodeableConcept(EmptyReasonSystem, "unavailable", "Unavailable");
            composition.Section.Add(s);
            list.AddRange(items);
        }
        ordered = list.DistinctBy(i => i.Item2).ToList();
        return composition;
    }

    // Results hold laboratory and vital-sign observations; other observations (e.g. social care outcomes) stay out.
    private static bool BelongsIn(SummarySection section, Resource r) => section.LoincCode switch
    {
        "30954-2" when r is Observation o => o.Category.Count == 0 || o.Category.Any(c => c.Coding.Any(x => x.Code is "laboratory" or "vital-signs")),
        _ => true,
    };

    private static Narrative Narrative(SummarySection section, IReadOnlyList<Resource> items, bool withheld)
    {
        var html = new StringBuilder("<div xmlns=\"http://www.w3.org/1999/xhtml\">");
        if (items.Count == 0)
        {
            html.Append("<p>No information available.</p>");
        }
        else
        {
            html.Append("<table><thead><tr><th>Item</th><th>Status</th><th>Date</th></tr></thead><tbody>");
            foreach (var item in items)
                html.Append("<tr><td>").Append(Encode(Describe(item))).Append("</td><td>").Append(Encode(Status(item)))
                    .Append("</td><td>").Append(Encode(When(item))).Append("</td></tr>");
            html.Append("</tbody></table>");
        }
        if (withheld)
            html.Append("<p><b>Some items were withheld because of the patient's sharing preferences or their sensitivity. This record may be incomplete.</b></p>");
        html.Append("</div>");
        return new Narrative { Status = Hl7.Fhir.Model.Narrative.NarrativeStatus.Generated, Div = html.ToString() };
    }

    private static string Encode(string? s) => WebUtility.HtmlEncode(s ?? "");

    private static string Name(Patient p)
    {
        var n = p.Name.FirstOrDefault();
        return n is null ? "the patient" : $"{string.Join(' ', n.Given)} {n.Family}".Trim();
    }

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
}
