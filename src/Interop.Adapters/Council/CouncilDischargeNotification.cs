namespace Interop.Adapters.Council;

/// <summary>
/// A ready-to-send discharge notification: the body text and its media type. Plain data, so the
/// outbox can store it as built and the dispatcher can send it again unchanged.
/// </summary>
public sealed record CouncilDischargeNotification(string ContentType, string Body);
