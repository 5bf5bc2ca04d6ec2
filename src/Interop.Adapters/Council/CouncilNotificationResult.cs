namespace Interop.Adapters.Council;

/// <summary>Result of one <see cref="CouncilNotificationClient.SendAsync"/>; <see cref="StatusCode"/> is null when no HTTP answer came.</summary>
public sealed record CouncilNotificationResult(CouncilDeliveryOutcome Outcome, int? StatusCode, string Detail)
{
    public bool IsDelivered => Outcome == CouncilDeliveryOutcome.Delivered;
}
