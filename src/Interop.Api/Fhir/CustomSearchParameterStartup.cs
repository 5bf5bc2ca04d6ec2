using Interop.Storage.Search;

namespace Interop.Api.Fhir;

/// <summary>
/// Registers the stored custom SearchParameters before requests are taken. Registered after the
/// migration task, so the tables exist; hosted services start in registration order.
/// </summary>
public sealed class CustomSearchParameterStartup(IServiceScopeFactory scopes) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CustomSearchParameterLoader>().LoadAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
