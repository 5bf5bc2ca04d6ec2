namespace Interop.Storage.Entities;

/// <summary>
/// A message to a partner, written in the same database transaction as the change that causes it
/// (transactional outbox) and delivered afterwards by a dispatcher, at least once, until the
/// partner accepts it or refuses it for good. Times are UTC microseconds since the Unix epoch.
/// </summary>
public sealed class OutboxMessageRow
{
    /// <summary>Also the Idempotency-Key the partner sees, so a redelivery is recognisable.</summary>
    public string Id { get; set; } = "";

    /// <summary>What the message is for, e.g. <c>council-discharge</c>; the dispatcher picks the sender by it.</summary>
    public string Kind { get; set; } = "";

    /// <summary>Absolute URL the message is POSTed to.</summary>
    public string Destination { get; set; } = "";

    public string ContentType { get; set; } = "";

    public string Body { get; set; } = "";

    public long CreatedAt { get; set; }

    /// <summary>Delivery attempts made so far.</summary>
    public int Attempts { get; set; }

    /// <summary>Not to be tried before this instant (back-off after a failure).</summary>
    public long NextAttemptAt { get; set; }

    /// <summary>
    /// While in the future, one dispatcher instance owns the row. Claimed by an UPDATE whose WHERE
    /// names the value it read, so of several instances exactly one wins (rows affected = 1).
    /// </summary>
    public long? LeaseUntil { get; set; }

    /// <summary>Set once, when the partner accepted the message.</summary>
    public long? DeliveredAt { get; set; }

    /// <summary>Set when the partner refused the message permanently: left for an operator, not retried.</summary>
    public long? ParkedAt { get; set; }

    public string? LastError { get; set; }
}
