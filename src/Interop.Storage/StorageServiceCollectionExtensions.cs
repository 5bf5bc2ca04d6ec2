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
            .Validate(o => o.SqliteCheckpointInterval >= TimeSpan.Zero, "Storage:SqliteCheckpointInterval must be zero (SQLite's own checkpoints) or a positive time.")
            .ValidateOnStart();

        services.AddSingleton<InteropDbContextFactory>();
        services.AddSingleton<SqliteCheckpointer>();
        services.AddSingleton<SqliteConnectionSetup>();
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
        services.AddSingleton<Search.BroadCriterionMemory>();
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
        o.UseNpgsql(WithGatewayDefaults(connectionString), s => s.MigrationsHistoryTable("__ef_migrations"));

    /// <summary>
    /// The connection string the gateway opens PostgreSQL with: <see cref="WithAutoPrepare"/> and
    /// <see cref="WithoutJit"/>, each unless the operator's string already decides it.
    /// </summary>
    public static string WithGatewayDefaults(string connectionString) => WithoutJit(WithAutoPrepare(connectionString));

    /// <summary>
    /// Turns PostgreSQL's JIT compilation off for the gateway's sessions (<c>Options=-c jit=off</c>,
    /// added to any <c>Options</c> the string has) unless those options set <c>jit</c> themselves.
    /// The consent-checked statements are costed high (a subplan per rule per row), so PostgreSQL
    /// compiled them on every run: 30-50 ms of JIT for a search page that took 55-75 ms without it at
    /// 300,000 resources (docs/operations.md, "PostgreSQL"). Statements that run in milliseconds gain
    /// nothing from it.
    /// </summary>
    public static string WithoutJit(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var options = builder.Options ?? "";
        if (System.Text.RegularExpressions.Regex.IsMatch(options, @"\bjit\s*=", System.Text.RegularExpressions.RegexOptions.IgnoreCase)) return connectionString;
        builder.Options = (options.Trim() + " -c jit=off").Trim();
        return builder.ConnectionString;
    }

    /// <summary>
    /// Turns on Npgsql's automatic preparation (<c>Max Auto Prepare=64; Auto Prepare Min Usages=2</c>)
    /// unless the connection string sets <c>Max Auto Prepare</c> itself (<c>0</c> turns it off). The
    /// gateway sends the same few statements all day (a read by id, the consent screen, an audit
    /// insert); prepared once per physical connection, PostgreSQL stops planning them on every call,
    /// which cost more than running them (docs/operations.md, "PostgreSQL").
    /// </summary>
    public static string WithAutoPrepare(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.ContainsKey("Max Auto Prepare") || given.ContainsKey("MaxAutoPrepare")) return connectionString;
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 64, AutoPrepareMinUsages = 2 };
        return builder.ConnectionString;
    }

    public static void ConfigureSqlServer(DbContextOptionsBuilder o, string connectionString) =>
        o.UseSqlServer(connectionString, s => s.MigrationsHistoryTable("__ef_migrations"));
}
