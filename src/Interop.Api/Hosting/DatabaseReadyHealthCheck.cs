using Interop.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Interop.Api.Hosting;

/// <summary><c>/readyz</c>: the database answers and its schema is current.</summary>
public sealed class DatabaseReadyHealthCheck(IServiceScopeFactory scopes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var (ready, detail) = await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().CheckAsync(cancellationToken);
        return ready ? HealthCheckResult.Healthy(detail) : HealthCheckResult.Unhealthy(detail);
    }
}
