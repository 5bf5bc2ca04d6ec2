namespace Interop.Adapters.Council;

/// <summary>What the outbox dispatcher should do with a notification after one send.</summary>
public enum CouncilDeliveryOutcome
{
    /// <summary>The council answered 2xx: mark the outbox message sent.</summary>
    Delivered,
    /// <summary>Council down, timed out, 5xx, 408, 425 or 429, or circuit open: try again later.</summary>
    RetryableFailure,
    /// <summary>The council refused the message (other 4xx) or no URL is configured: retrying will not help.</summary>
    PermanentFailure,
}
