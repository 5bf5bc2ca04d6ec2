using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Interop.Storage;

/// <summary>Registers the DbContext for the configured provider, the store and its helpers.</summary>
public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddInteropStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => Enum.IsDefined(o.Provider), "Storage:Provider must be Sqlite, PostgreSql or SqlServer.")
            .ValidateOnStart();

        services.AddSingleton<InteropDbContextFactory>();
        services.AddScoped<InteropDbContext>(sp => sp.GetRequiredService<InteropDbContextFactory>().CreateDbContext());
        services.AddSingleton<WriteLocks>();
        services.AddSingleton<ResourceChangeSignal>();
        services.AddSingleton<Interop.Core.Search.SearchParameterRegistry>();
        services.AddSingleton<Interop.Core.Search.SearchIndexer>();
        services.AddSingleton<Interop.Core.Search.SearchQueryParser>();
        services.AddSingleton<ResourceIndexer>();
        services.AddSingleton(TimeProvider.System);
        services.AddScoped<ResourceStore>();
        services.AddScoped<Search.SearchEngine>();
        services.AddScoped<Search.CustomSearchParameterLoader>();
        services.AddScoped<Search.ReindexJobs>();
        // A key per process unless the host registers a shared one (several instances behind a balancer need the same key).
        services.TryAddSingleton(_ => new Search.PageTokenCodec(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        services.AddScoped<Consent.ConsentLedger>();
        services.AddScoped<DatabaseMigrator>();
        return services;
    }

    public static void ConfigureSqlite(DbContextOptionsBuilder o, string connectionString) =>
        o.UseSqlite(connectionString, s => s.MigrationsHistoryTable("__ef_migrations"));

    public static void ConfigurePostgreSql(DbContextOptionsBuilder o, string connectionString) =>
        o.UseNpgsql(connectionString, s => s.MigrationsHistoryTable("__ef_migrations"));

    public static void ConfigureSqlServer(DbContextOptionsBuilder o, string connectionString) =>
        o.UseSqlServer(connectionString, s => s.MigrationsHistoryTable("__ef_migrations"));
}
