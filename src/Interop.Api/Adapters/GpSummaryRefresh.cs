using Interop.Api.Operations;

namespace Interop.Api.Adapters;

/// <summary>
/// Lets <c>$summary</c> refresh a stale GP copy before it is assembled (the adapters issue's
/// summary-time pull): a practice that is down, slow or answers garbage yields a warning that
/// says how old the served copy is, never an error.
/// </summary>
public sealed class GpSummaryRefresh(GpRecordRefresher refresher) : IGpRecordRefresh
{
    public async Task<string?> RefreshAsync(string patientId, CancellationToken ct)
    {
        var result = await refresher.RefreshIfStaleAsync(patientId, null, ct);
        return result.Status == GpRefreshStatus.Stale
            ? result.Warning?.Diagnostics ?? (result.LastPulledAt is { } at
                ? $"GP record could not be refreshed; the copy shown was taken {at:u}."
                : "GP record could not be refreshed from the practice; the stored copy is shown.")
            : null;
    }
}
