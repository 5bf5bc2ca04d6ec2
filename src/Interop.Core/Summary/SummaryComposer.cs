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

    /// <summary>What the composer needs: the patient's name (<see cref="NameOf"/>, or <see cref="SummaryItemReader.PatientNameFromJson"/>
    /// on the stored JSON), the visible items, and which sections lost items to consent.</summary>
    public sealed record Input(string PatientName, string PatientFullUrl, IReadOnlyList<SummaryItem> Items,
        IReadOnlySet<string> WithheldSections, DateTimeOffset Now, string? StalenessNote = null);

    /// <summary>The Composition and the per-section items, in document order (the order of the Bundle's entries).</summary>
    public static Composition Compose(Input input, out IReadOnlyList<SummaryItem> ordered)
    {
        var composition = new Composition
        {
            Id = Guid.NewGuid().ToString(),
            Status = CompositionStatus.Final,
            Type = new CodeableConcept(KnownSystems.Loinc, "60591-5", "Patient summary Document"),
            Subject = new ResourceReference(input.PatientFullUrl),
            Date = input.Now.ToString("yyyy-MM-dd'T'HH:mm:sszzz"),
            Author = [new ResourceReference { Display = "Interop gateway" }],
            Title = $"Patient summary for {input.PatientName}",
        };
        var list = new List<SummaryItem>();
        foreach (var section in SummarySection.All)
        {
            var items = input.Items.Where(i => i.InSummary && section.ResourceTypes.Contains(i.ResourceType)).ToList();
            var withheld = input.WithheldSections.Contains(section.Title);
            if (items.Count == 0 && !section.Required && !withheld) continue;
            var s = new Composition.SectionComponent
            {
                Title = section.Title,
                Code = new CodeableConcept(KnownSystems.Loinc, section.LoincCode, section.LoincDisplay),
                Entry = items.Select(i => new ResourceReference(i.FullUrl)).ToList(),
                Text = Narrative(items, withheld),
            };
            if (items.Count == 0)
                s.EmptyReason = withheld
                    ? new CodeableConcept(EmptyReasonSystem, "withheld", "Information Withheld")
                    : new CodeableConcept(EmptyReasonSystem, "unavailable", "Unavailable");
            composition.Section.Add(s);
            list.AddRange(items);
        }
        ordered = list.DistinctBy(i => i.FullUrl).ToList();
        return composition;
    }

    private static Narrative Narrative(IReadOnlyList<SummaryItem> items, bool withheld)
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
                html.Append("<tr><td>").Append(Encode(item.Description)).Append("</td><td>").Append(Encode(item.Status))
                    .Append("</td><td>").Append(Encode(item.When)).Append("</td></tr>");
            html.Append("</tbody></table>");
        }
        if (withheld)
            html.Append("<p><b>Some items were withheld because of the patient's sharing preferences or their sensitivity. This record may be incomplete.</b></p>");
        html.Append("</div>");
        return new Narrative { Status = Hl7.Fhir.Model.Narrative.NarrativeStatus.Generated, Div = html.ToString() };
    }

    private static string Encode(string? s) => WebUtility.HtmlEncode(s ?? "");

    /// <summary>How the document's title names the patient: the first name's given names and family, or "the patient".</summary>
    public static string NameOf(Patient p)
    {
        var n = p.Name.FirstOrDefault();
        return n is null ? "the patient" : $"{string.Join(' ', n.Given)} {n.Family}".Trim();
    }
}
