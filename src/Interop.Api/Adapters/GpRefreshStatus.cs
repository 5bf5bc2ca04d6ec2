namespace Interop.Api.Adapters;

/// <summary>What <see cref="GpRecordRefresher.RefreshIfStaleAsync"/> did.</summary>
public enum GpRefreshStatus
{
    /// <summary>No pull applies: no practice is configured for this patient, or the patient is unknown.</summary>
    NotApplicable,
    /// <summary>The stored copy was pulled within <c>Adapters:Gp:Freshness</c>; nothing was done.</summary>
    Fresh,
    /// <summary>A new extract was pulled and stored.</summary>
    Refreshed,
    /// <summary>The pull failed (practice down, slow, or sent garbage): the stored copy stands; see the warning.</summary>
    Stale,
}
