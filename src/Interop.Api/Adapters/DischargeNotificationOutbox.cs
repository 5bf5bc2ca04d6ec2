using Hl7.Fhir.Model;
using Interop.Adapters.Council;
using Interop.Core.Fhir;
using Interop.Core.Known;
using Interop.Storage;
using Interop.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Interop.Api.Adapters;

/// <summary>
/// When a discharge (ADT^A03) is stored for a patient with an active EpisodeOfCare managed by a
/// council, writes the council's notification to <c>outbox_messages</c> in the same database
/// transaction as the discharge: either both are committed or neither, so a notification is
/// never lost nor sent for a discharge that was rolled back. <see cref="OutboxDispatcher"/> sends it.
/// A discharge is notified once per episode (<see cref="MessageId"/>): a repeated A03 queues nothing.
/// </summary>
public sealed class DischargeNotificationOutbox(ResourceStore store, IOptions<CouncilAdapterOptions> options, TimeProvider time, ILogger<DischargeNotificationOutbox> logger)
{
    /// <summary>The outbox kind of these messages.</summary>
    public const string Kind = "council-discharge";

    /// <summary>Must run inside the discharge's open transaction. Returns how many messages were queued.</summary>
    public async Task<int> EnqueueAsync(AdapterWriteResult discharge, CancellationToken ct)
    {
        var destination = options.Value.NotificationUri;
        if (destination is null) return 0; // Adapters:Council:NotificationUrl not set: notifications are off.
        if (discharge.LocationOf("Encounter") is not { } encounterLocation) return 0;
        if (await ReadAsync<Encounter>(encounterLocation, ct) is not { Status: Encounter.EncounterStatus.Finished, Period.End: not null } encounter) return 0;
        if (encounter.Subject?.Reference is not { } patientLocation || await ReadAsync<Patient>(patientLocation, ct) is not { } patient) return 0;

        var queued = 0;
        foreach (var episode in await ActiveCouncilEpisodesAsync(patient.Id!, ct))
        {
            CouncilDischargeNotification notification;
            try
            {
                notification = CouncilDischargeNotificationBuilder.Build(patient, encounter, episode, options.Value.NotificationFormat);
            }
            catch (ArgumentException e)
            {
                logger.LogWarning("No council notification for Encounter/{Encounter}: {Reason}", encounter.Id, e.Message);
                continue;
            }
            // One notification per discharge and episode: a second A03 for the same encounter (a
            // correction, or the PAS sending it twice under new control ids) finds the id taken.
            var id = MessageId(encounter.Id!, episode.Id!);
            if (await store.Db.OutboxMessages.AsNoTracking().AnyAsync(m => m.Id == id, ct))
            {
                logger.LogInformation("Council notification for Encounter/{Encounter} and EpisodeOfCare/{Episode} already queued", encounter.Id, episode.Id);
                continue;
            }
            var now = Instants.ToStored(time.GetUtcNow());
            store.Db.OutboxMessages.Add(new OutboxMessageRow
            {
                Id = id,
                Kind = Kind,
                Destination = destination.ToString(),
                ContentType = notification.ContentType,
                Body = notification.Body,
                CreatedAt = now,
                NextAttemptAt = now,
            });
            queued++;
        }
        if (queued > 0)
        {
            await store.Db.SaveChangesAsync(ct);
            store.Db.ChangeTracker.Clear();
        }
        return queued;
    }

    /// <summary>
    /// The outbox id (and so the Idempotency-Key the council sees) of the notification for one
    /// discharge and episode: a name-based UUID, the same however often the discharge is sent.
    /// </summary>
    public static string MessageId(string encounterId, string episodeId) =>
        NameBasedUuid.Create(NameBasedUuid.CouncilNamespace, $"{Kind}/Encounter/{encounterId}/EpisodeOfCare/{episodeId}").ToString("D");

    private async Task<T?> ReadAsync<T>(string location, CancellationToken ct) where T : Resource
    {
        var parts = location.Split('/');
        if (parts.Length != 2) return null;
        var stored = await store.ReadAsync(parts[0], parts[1], ct);
        return stored?.Json is null ? null : FhirSerialization.ParseStored(stored.Json) as T;
    }

    /// <summary>
    /// Active EpisodeOfCares in the patient's compartment whose managing organisation is a council:
    /// a registered Organization typed <c>council</c>, or (when the council is not registered and
    /// the reference is logical) an episode the council adapter wrote, known by its identifier.
    /// </summary>
    private async Task<List<EpisodeOfCare>> ActiveCouncilEpisodesAsync(string patientId, CancellationToken ct)
    {
        var db = store.Db;
        var rows = await db.Resources.AsNoTracking().InPatientCompartment(db, patientId, ["EpisodeOfCare"])
            .Where(r => r.IsCurrent && !r.IsDeleted).Select(r => r.Json).ToListAsync(ct);
        var episodes = new List<EpisodeOfCare>();
        foreach (var json in rows)
        {
            if (json is null || FhirSerialization.ParseStored(json) is not EpisodeOfCare { Status: EpisodeOfCare.EpisodeOfCareStatus.Active } episode) continue;
            if (await IsCouncilAsync(episode, ct)) episodes.Add(episode);
        }
        return episodes;
    }

    private async Task<bool> IsCouncilAsync(EpisodeOfCare episode, CancellationToken ct)
    {
        if (episode.ManagingOrganization?.Reference is { } reference && reference.StartsWith("Organization/", StringComparison.Ordinal)
            && await ReadAsync<Organization>(reference, ct) is { } organization)
        {
            return organization.Type.SelectMany(t => t.Coding).Any(c => c.System == KnownSystems.OrganisationType && c.Code == "council");
        }
        return episode.Identifier.Any(i => i.System?.StartsWith(KnownSystems.SourceRecordIdBase + "/council/", StringComparison.Ordinal) == true);
    }
}
