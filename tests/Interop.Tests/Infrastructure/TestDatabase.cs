using Interop.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using NUnit.Framework;

namespace Interop.Tests.Infrastructure;

/// <summary>
/// A real, empty database for one fixture: a temporary SQLite file always, or a fresh database
/// on the PostgreSQL server named by <c>INTEROP_TEST_POSTGRES</c> (the fixture is ignored when that
/// variable is unset, as on a developer machine without PostgreSQL; CI always sets it).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "INTEROP_TEST_POSTGRES";

    private readonly string? _sqlitePath;

    /// <summary>The SQLite database file (null on the other providers).</summary>
    public string? SqlitePath => _sqlitePath;
    private readonly string? _postgresAdmin;
    private readonly string? _postgresName;

    private TestDatabase(StorageProvider provider, string connectionString, string? sqlitePath, string? postgresAdmin, string? postgresName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _sqlitePath = sqlitePath;
        _postgresAdmin = postgresAdmin;
        _postgresName = postgresName;
    }

    public StorageProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>A context on this database, for tests that look at rows directly (the caller disposes it).</summary>
    public InteropDbContext CreateContext() => new InteropDbContextFactory(
        Options.Create(new StorageOptions { Provider = Provider, ConnectionString = ConnectionString }),
        new ServiceCollection().BuildServiceProvider()).CreateDbContext();

    public static async Task<TestDatabase> CreateAsync(StorageProvider provider)
    {
        switch (provider)
        {
            case StorageProvider.Sqlite:
                var path = Path.Combine(Path.GetTempPath(), $"interop-test-{Guid.NewGuid():N}.db");
                // Pooled, as the gateway runs (its SQLite statement cache needs pooled connections, decision 0011).
                return new TestDatabase(provider, $"Data Source={path}", path, null, null);
            case StorageProvider.PostgreSql:
                var admin = Environment.GetEnvironmentVariable(PostgresVariable);
                if (string.IsNullOrWhiteSpace(admin))
                    Assert.Ignore($"{PostgresVariable} is not set; PostgreSQL tests run in CI (.ci/run).");
                var name = $"interop_test_{Guid.NewGuid():N}";
                await using (var conn = new NpgsqlConnection(admin))
                {
                    await conn.OpenAsync();
                    await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
                    await cmd.ExecuteNonQueryAsync();
                }
                var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
                return new TestDatabase(provider, builder.ConnectionString, null, admin, name);
            default:
                throw new NotSupportedException($"{provider} cannot run on the test machines.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_sqlitePath is not null)
        {
            // Close this database's idle pooled connections (the pool keys by connection string).
            using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(ConnectionString))
                Microsoft.Data.Sqlite.SqliteConnection.ClearPool(connection);
            foreach (var suffix in new[] { "", "-wal", "-shm", "-audit", "-audit-wal", "-audit-shm" })
            {
                try { File.Delete(_sqlitePath + suffix); }
                catch (IOException) { /* a pooled handle may linger; the temp folder is cleaned eventually */ }
            }
        }
        if (_postgresAdmin is not null && _postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(_postgresAdmin);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresName}\" WITH (FORCE)", conn);
            await cmd.ExecuteNonQueryAsync();
        }
    }
}
