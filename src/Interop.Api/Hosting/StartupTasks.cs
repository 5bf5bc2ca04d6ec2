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
        await CheckConsentRulesAsync(scope.ServiceProvider, cancellationToken);
        if (environment.IsDevelopment() && configuration.GetValue("Demo:SeedOnEmptyDatabase", false))
            await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedIfEmptyAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The effective-consent rules must be exactly what the ledger implies (architecture decision 5);
    /// if they are not (a restore, a manual edit), they are rebuilt from the ledger before serving.
    /// </summary>
    public static async Task CheckConsentRulesAsync(IServiceProvider services, CancellationToken ct)
    {
        var ledger = services.GetRequiredService<Interop.Storage.Consent.ConsentLedger>();
        if (await ledger.RulesMatchLedgerAsync(ct)) return;
        // Under the write lock, checked again: instances starting together must not both rebuild.
        var rules = await services.GetRequiredService<ResourceStore>().InTransactionAsync(async () =>
            await ledger.RulesMatchLedgerAsync(ct) ? -1 : await ledger.RebuildRulesAsync(ct), ct);
        if (rules < 0) return;
        services.GetRequiredService<ILogger<StartupTasks>>()
            .LogWarning("Consent rules did not match the ledger; rebuilt {Count} rule(s) from it", rules);
    }
}
