using Interop.Storage;
using Microsoft.Extensions.Options;

namespace Interop.Api.Hosting;

/// <summary>
/// Work done once before the server takes requests: migrations, then demo data in Development.
/// A hosted service registered before the web server, so it also runs under WebApplicationFactory.
/// </summary>
public sealed class StartupTasks(IServiceScopeFactory scopes, IHostEnvironment environment, IConfiguration configuration) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var storage = scope.ServiceProvider.GetRequiredService<IOptions<StorageOptions>>().Value;
        if (storage.MigrateOnStartup)
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        if (environment.IsDevelopment() && configuration.GetValue("Demo:SeedOnEmptyDatabase", false))
            await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedIfEmptyAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
