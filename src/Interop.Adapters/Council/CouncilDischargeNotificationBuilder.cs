using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Interop.Core.Known;

namespace Interop.Adapters.Council;

/// <summary>
/// Builds the "your client has left hospital" notification for a council from the Patient, the
/// finished Encounter and the council's EpisodeOfCare. Pure: the outbox stores what this returns
/// and the dispatcher sends it with <see cref="CouncilNotificationClient"/>.
/// </summary>
public static class CouncilDischargeNotificationBuilder
{
    public const string FhirContentType = "application/fhir+json";
    public const string JsonContentType = "application/json";
    public const string EventName = "hospital-discharge";

    /// <summary>
    /// Builds the notification in <paramref name="format"/>. <paramref name="hospital"/> defaults to
    /// what <c>Encounter.serviceProvider</c> says; <paramref name="fhirBaseUrl"/>, when given, makes
    /// the Bundle's fullUrls resolvable (<c>{base}/Patient/{id}</c>) instead of <c>urn:uuid:</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The patient has no NHS number, or the encounter has no id or end.</exception>
    public static CouncilDischargeNotification Build(Patient patient, Encounter encounter, EpisodeOfCare? episodeOfCare,
        CouncilNotificationFormat format, Organization? hospital = null, Uri? fhirBaseUrl = null)
    {
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentNullException.ThrowIfNull(encounter);
        var missing = new List<string>();
        var nhsNumber = patient.Identifier.FirstOrDefault(i => i.System == KnownSystems.NhsNumber)?.Value;
        if (nhsNumber is null) missing.Add("the Patient has no NHS number identifier");
        if (string.IsNullOrEmpty(encounter.Id)) missing.Add("the Encounter has no id");
        if (encounter.Period?.End is null) missing.Add("the Encounter has no period.end (discharge time)");
        if (missing.Count > 0) throw new ArgumentException("Cannot build a discharge notification: " + string.Join("; ", missing) + ".");

        return format switch
        {
            CouncilNotificationFormat.Fhir => new CouncilDischargeNotification(FhirContentType, BuildBundle(patient, encounter, episodeOfCare, fhirBaseUrl)),
            CouncilNotificationFormat.Json => new CouncilDischargeNotification(JsonContentType, BuildJson(nhsNumber!, patient, encounter, episodeOfCare, hospital)),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };
    }

    private static string BuildBundle(Patient patient, Encounter encounter, EpisodeOfCare? episodeOfCare, Uri? fhirBaseUrl)
    {
        // A plain collection Bundle (R4 Bundle.type = collection), not a FHIR message: councils need
        // the facts, not a MessageHeader-driven exchange.
        var bundle = new Bundle { Type = Bundle.BundleType.Collection };
        foreach (Resource resource in new Resource?[] { patient, encounter, episodeOfCare }.OfType<Resource>())
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = FullUrl(resource, fhirBaseUrl), Resource = resource });
        return new FhirJsonSerializer().SerializeToString(bundle);
    }

    private static string FullUrl(Resource resource, Uri? fhirBaseUrl) =>
        fhirBaseUrl is not null && resource.Id is not null
            ? $"{fhirBaseUrl.ToString().TrimEnd('/')}/{resource.TypeName}/{resource.Id}"
            : NameBasedUuid.Urn($"notification/{resource.TypeName}/{resource.Id}");

    private static string BuildJson(string nhsNumber, Patient patient, Encounter encounter, EpisodeOfCare? episodeOfCare, Organization? hospital)
    {
        var councilCode = episodeOfCare?.Identifier
            .Select(i => i.System)
            .FirstOrDefault(s => s is not null && s.StartsWith(KnownSystems.SourceRecordIdBase + "/council/", StringComparison.Ordinal))
            ?[(KnownSystems.SourceRecordIdBase + "/council/").Length..];
        var personId = CouncilIdentifiers.FindPersonId(patient, councilCode)?.PersonId;
        var hospitalOds = hospital?.Identifier.FirstOrDefault(i => i.System == KnownSystems.OdsOrganisationCode)?.Value
            ?? (encounter.ServiceProvider?.Identifier?.System == KnownSystems.OdsOrganisationCode ? encounter.ServiceProvider.Identifier.Value : null);
        var hospitalName = hospital?.Name ?? encounter.ServiceProvider?.Display;

        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("event", EventName);
            json.WriteString("nhsNumber", nhsNumber);
            WriteNullable(json, "councilPersonId", personId);
            json.WriteString("dischargedAt", encounter.Period!.End);
            json.WriteStartObject("hospital");
            WriteNullable(json, "odsCode", hospitalOds);
            WriteNullable(json, "name", hospitalName);
            json.WriteEndObject();
            json.WriteString("encounterId", encounter.Id);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value);
    }
}
