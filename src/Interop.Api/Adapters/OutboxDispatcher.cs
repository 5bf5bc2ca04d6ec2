using Interop.Adapters.Council;
using Interop.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Interop.Api.Adapters;

/// <summary>
/// Delivers <c>outbox_messages</c> rows that are due, at least once, with exponential back-off;
/// a permanent refusal parks the row for an operator. Safe with several gateway instances on one
/// database: a row is claimed by an UPDATE whose WHERE names the lease value read (and that it is
/// still undelivered and due), and only the instance whose UPDATE affected the row sends it. Delivery is
/// recorded by an UPDATE guarded on <c>DeliveredAt IS NULL</c>, so it is recorded exactly once.
/// The partner sees the row id as <c>Idempotency-Key</c>, so a resend after a crash is recognisable.
/// </summary>
public sealed class OutboxDispatcher(IServiceScopeFactory scopes, IOptions<OutboxOptions> options, TimeProvider time, ILogger<OutboxDispatcher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DispatchDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database may be briefly unavailable (or not yet migrated at start-up): try next poll.
                logger.LogWarning(e, "Outbox dispatch failed; retrying at the next poll");
            }
            try
            {
                await Task.Delay(options.Value.PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Claims and sends the due rows once; returns how many were delivered.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InteropDbContext>();
        var client = scope.ServiceProvider.GetRequiredService<CouncilNotificationClient>();
        var o = options.Value;
        var now = Instants.ToStored(time.GetUtcNow());
        var due = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.DeliveredAt == null && m.ParkedAt == null && m.NextAttemptAt <= now && (m.LeaseUntil == null || m.LeaseUntil < now))
            .OrderBy(m => m.NextAttemptAt)
            .Take(o.BatchSize)
            .Select(m => new { m.Id, m.LeaseUntil })
            .ToListAsync(ct);

        var delivered = 0;
        foreach (var candidate in due)
        {
            var lease = Instants.ToStored(time.GetUtcNow() + o.Lease);
            var previous = candidate.LeaseUntil;
            // Still due is part of the claim: between this instance's read and its claim another one may have
            // tried the row, failed and released it with a later NextAttemptAt; claiming it then would skip the back-off.
            var claimed = await db.OutboxMessages
                .Where(m => m.Id == candidate.Id && m.DeliveredAt == null && m.ParkedAt == null && m.NextAttemptAt <= now && m.LeaseUntil == previous)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseUntil, lease), ct);
            if (claimed != 1) continue; // another instance got it first
            var message = await db.OutboxMessages.AsNoTracking().FirstAsync(m => m.Id == candidate.Id, ct);
            if (await SendAsync(db, client, message, lease, ct)) delivered++;
        }
        return delivered;
    }

    private async Task<bool> SendAsync(InteropDbContext db, CouncilNotificationClient client, Storage.Entities.OutboxMessageRow message, long lease, CancellationToken ct)
    {
        CouncilNotificationResult result;
        if (message.Kind != DischargeNotificationOutbox.Kind)
            result = new CouncilNotificationResult(CouncilDeliveryOutcome.PermanentFailure, null, $"No sender for outbox messages of kind '{message.Kind}'.");
        else
            result = await client.SendAsync(new CouncilDischargeNotification(message.ContentType, message.Body), message.Id, new Uri(message.Destination), ct);

        var now = time.GetUtcNow();
        var attempts = message.Attempts + 1;
        var mine = db.OutboxMessages.Where(m => m.Id == message.Id && m.DeliveredAt == null && m.LeaseUntil == lease);
        switch (result.Outcome)
        {
            case CouncilDeliveryOutcome.Delivered:
                var stamped = await mine.ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.DeliveredAt, Instants.ToStored(now))
                    .SetProperty(m => m.Attempts, attempts)
                    .SetProperty(m => m.LeaseUntil, (long?)null)
                    .SetProperty(m => m.LastError, (string?)null), ct);
                if (stamped != 1) logger.LogWarning("Outbox message {Id} was delivered but its lease had passed to another instance", message.Id);
                logger.LogInformation("Outbox message {Id} delivered to {Destination} after {Attempts} attempt(s)", message.Id, message.Destination, attempts);
                return true;
            case CouncilDeliveryOutcome.PermanentFailure:
                await mine.ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.ParkedAt, Instants.ToStored(now))
                    .SetProperty(m => m.Attempts, attempts)
                    .SetProperty(m => m.LeaseUntil, (long?)null)
                    .SetProperty(m => m.LastError, Truncate(result.Detail)), ct);
                logger.LogError("Outbox message {Id} refused by {Destination} ({Detail}); parked for an operator", message.Id, message.Destination, result.Detail);
                return false;
            default:
                var next = Instants.ToStored(now + Backoff(attempts));
                await mine.ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.NextAttemptAt, next)
                    .SetProperty(m => m.Attempts, attempts)
                    .SetProperty(m => m.LeaseUntil, (long?)null)
                    .SetProperty(m => m.LastError, Truncate(result.Detail)), ct);
                logger.LogWarning("Outbox message {Id} not delivered ({Detail}); attempt {Attempts}, trying again later", message.Id, result.Detail, attempts);
                return false;
        }
    }

    /// <summary>RetryDelay x 2^(attempts-1), capped at MaxRetryDelay, with +-20 % jitter so instances do not retry in step.</summary>
    private TimeSpan Backoff(int attempts)
    {
        var o = options.Value;
        var exponential = o.RetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 30));
        var capped = Math.Min(exponential, o.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    private static string Truncate(string text) => text.Length <= 2000 ? text : text[..2000];
}
