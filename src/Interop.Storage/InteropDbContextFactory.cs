using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;

namespace Interop.Storage;

/// <summary>
/// Creates pooled contexts for the provider named in <see cref="StorageOptions"/>. The provider is
/// chosen on first use, from the final configuration (not while services are being registered), so
/// hosts and tests that add configuration late still get the database they asked for.
/// </summary>
public sealed class InteropDbContextFactory(IOptions<StorageOptions> options, IServiceProvider services)
{
    private readonly Lazy<Func<InteropDbContext>> _create = new(() => Build(options.Value, services));

    public StorageProvider Provider => options.Value.Provider;

    public InteropDbContext CreateDbContext() => _create.Value();

    private static Func<InteropDbContext> Build(StorageOptions o, IServiceProvider services)
    {
        switch (o.Provider)
        {
            case StorageProvider.PostgreSql:
            {
                var b = new DbContextOptionsBuilder<PostgreSqlInteropDbContext>();
                StorageServiceCollectionExtensions.ConfigurePostgreSql(b, o.ConnectionString);
                UseHostLogging(b, services);
                var pool = new PooledDbContextFactory<PostgreSqlInteropDbContext>(b.Options, o.PoolSize);
                return pool.CreateDbContext;
            }
            case StorageProvider.SqlServer:
            {
                var b = new DbContextOptionsBuilder<SqlServerInteropDbContext>();
                StorageServiceCollectionExtensions.ConfigureSqlServer(b, o.ConnectionString);
                UseHostLogging(b, services);
                var pool = new PooledDbContextFactory<SqlServerInteropDbContext>(b.Options, o.PoolSize);
                return pool.CreateDbContext;
            }
            default:
            {
                var b = new DbContextOptionsBuilder<SqliteInteropDbContext>();
                StorageServiceCollectionExtensions.ConfigureSqlite(b, o.ConnectionString);
                if (services.GetService(typeof(SqliteConnectionSetup)) is SqliteConnectionSetup setup)
                    b.AddInterceptors(setup);
                UseHostLogging(b, services);
                var pool = new PooledDbContextFactory<SqliteInteropDbContext>(b.Options, o.PoolSize);
                return pool.CreateDbContext;
            }
        }
    }

    /// <summary>EF Core's own log (warnings, and SQL when its category is turned up) goes to the host's loggers.</summary>
    private static void UseHostLogging(DbContextOptionsBuilder b, IServiceProvider services)
    {
        if (services.GetService(typeof(Microsoft.Extensions.Logging.ILoggerFactory)) is Microsoft.Extensions.Logging.ILoggerFactory loggers)
            b.UseLoggerFactory(loggers);
    }
}
