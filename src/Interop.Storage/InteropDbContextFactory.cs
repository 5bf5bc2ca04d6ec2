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
    private readonly Lazy<(Func<InteropDbContext> Create, SqliteStatementCache? Cache)> _built = new(() => Build(options.Value, services));

    public StorageProvider Provider => options.Value.Provider;

    public InteropDbContext CreateDbContext() => _built.Value.Create();

    /// <summary>The SQLite statement cache of the contexts made here, once one has been made (null on other providers, or when it is off).</summary>
    public SqliteStatementCache? StatementCache => _built.IsValueCreated ? _built.Value.Cache : null;

    private static (Func<InteropDbContext>, SqliteStatementCache?) Build(StorageOptions o, IServiceProvider services)
    {
        switch (o.Provider)
        {
            case StorageProvider.PostgreSql:
            {
                var b = new DbContextOptionsBuilder<PostgreSqlInteropDbContext>();
                StorageServiceCollectionExtensions.ConfigurePostgreSql(b, o.ConnectionString);
                UseHostLogging(b, services);
                var pool = new PooledDbContextFactory<PostgreSqlInteropDbContext>(b.Options, o.PoolSize);
                return (pool.CreateDbContext, null);
            }
            case StorageProvider.SqlServer:
            {
                var b = new DbContextOptionsBuilder<SqlServerInteropDbContext>();
                StorageServiceCollectionExtensions.ConfigureSqlServer(b, o.ConnectionString);
                UseHostLogging(b, services);
                var pool = new PooledDbContextFactory<SqlServerInteropDbContext>(b.Options, o.PoolSize);
                return (pool.CreateDbContext, null);
            }
            default:
            {
                var b = new DbContextOptionsBuilder<SqliteInteropDbContext>();
                SqliteStatementCache? cache = null;
                StorageServiceCollectionExtensions.ConfigureSqlite(b, o.ConnectionString);
                if (services.GetService(typeof(SqliteConnectionSetup)) is SqliteConnectionSetup setup)
                    b.AddInterceptors(setup);
                // Compiled read statements kept per connection (decision 0011); they survive the connection's
                // close and reopen only without the functions EF Core registers on every open.
                // Without pooling every close ends the native connection, and a statement kept for it would
                // only hold the closed connection's memory and file open until the garbage collector ran.
                if (o.SqliteStatementCacheSize > 0 && new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(o.ConnectionString).Pooling)
                {
                    b.AddInterceptors(cache = new SqliteStatementCache(o.SqliteStatementCacheSize));
#pragma warning disable EF1001 // see SqlitePlainConnection
                    b.ReplaceService<Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal.ISqliteRelationalConnection, SqlitePlainConnection>();
#pragma warning restore EF1001
                }
                UseHostLogging(b, services);
                var pool = new PooledDbContextFactory<SqliteInteropDbContext>(b.Options, o.PoolSize);
                return (pool.CreateDbContext, cache);
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
