using Interop.Api.Fhir;
using Interop.Storage.Search;
using Microsoft.Extensions.Options;

namespace Interop.Api.Operations;

/// <summary>
/// Runs <c>$reindex</c> jobs in the background: claims the oldest unfinished job nobody holds
/// (<see cref="ReindexJobs.ClaimNextAsync"/>), which after a restart includes the job a dead process
/// left <c>running</c> once its lease runs out, and reindexes it batch by batch from its checkpoint
/// until it completes. Several gateway instances may run it on one database: a job is leased to
/// one instance at a time and every batch renews the lease conditionally.
/// </summary>
public sealed class ReindexWorker(IServiceScopeFactory scopes, IOptions<SearchOptions> options, ILogger<ReindexWorker> logger) : BackgroundService
{
    /// <summary>Consecutive failed batches after which a job is marked failed rather than retried.</summary>
    private const int MaxAttempts = 3;

    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>This process's lease owner name: unique per process, readable in the job row.</summary>
    public string InstanceId { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Looks for work now rather than at the next poll (called when a job is queued here).</summary>
    public void Wake()
    {
        try { _wake.Release(); }
        catch (SemaphoreFullException) { /* already signalled */ }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ReindexEnabled) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RunNextJobAsync(stoppingToken)) { }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The database may be briefly unavailable (or not yet migrated at start-up): try next poll.
                logger.LogWarning(e, "Reindex worker failed; retrying at the next poll");
            }
            try
            {
                await _wake.WaitAsync(options.Value.ReindexPollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Claims one job and works on it until it completes, fails or is lost; false when there was none to claim.</summary>
    public async Task<bool> RunNextJobAsync(CancellationToken ct)
    {
        var o = options.Value;
        ReindexClaim? claim;
        await using (var scope = scopes.CreateAsyncScope())
        {
            claim = await scope.ServiceProvider.GetRequiredService<ReindexJobs>().ClaimNextAsync(InstanceId, o.ReindexLease, ct);
            if (claim is null) return false;
            // Another instance may have stored SearchParameters since this one started; a reindex
            // must index with every stored parameter, so reload them (known ones change nothing).
            await scope.ServiceProvider.GetRequiredService<CustomSearchParameterLoader>().LoadAsync(ct);
        }
        logger.LogInformation("Reindex job {Job} claimed by {Instance}", claim.JobId, InstanceId);

        var failures = 0;
        while (true)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var batch = await scope.ServiceProvider.GetRequiredService<ReindexJobs>().RunBatchAsync(claim, o.ReindexBatchSize, o.ReindexLease, ct);
                failures = 0;
                if (batch.Completed)
                {
                    logger.LogInformation("Reindex job {Job} completed", claim.JobId);
                    return true;
                }
                if (batch.Lost)
                {
                    logger.LogWarning("Reindex job {Job} is no longer held by {Instance} (its lease ran out and another instance took it)", claim.JobId, InstanceId);
                    return true;
                }
                claim = batch.Claim!;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await ReleaseAsync(claim);
                throw;
            }
            catch (Exception e)
            {
                if (++failures >= MaxAttempts)
                {
                    logger.LogError(e, "Reindex job {Job} failed {Attempts} times in a row; marked failed", claim.JobId, failures);
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<ReindexJobs>().FailAsync(claim, e.Message, CancellationToken.None);
                    return true;
                }
                logger.LogWarning(e, "Reindex job {Job}: a batch failed (attempt {Attempt} of {Max}); retrying", claim.JobId, failures, MaxAttempts);
                await Task.Delay(o.ReindexPollInterval, ct);
            }
        }
    }

    /// <summary>On shutdown the job is given back, so a restarted or other instance resumes it at once.</summary>
    private async Task ReleaseAsync(ReindexClaim claim)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ReindexJobs>().ReleaseAsync(claim, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Reindex job {Job} could not be released; it resumes once its lease runs out", claim.JobId);
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
