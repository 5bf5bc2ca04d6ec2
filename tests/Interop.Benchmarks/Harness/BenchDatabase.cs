using Npgsql;

namespace Interop.Benchmarks.Harness;

/// <summary>A fresh database for one benchmark session, removed again at the end.</summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string? _sqliteFile;
    private readonly string? _postgresAdmin;
    private readonly string? _postgresName;

    private BenchDatabase(string provider, string connectionString, string description, string? sqliteFile, string? postgresAdmin, string? postgresName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Description = description;
        _sqliteFile = sqliteFile;
        _postgresAdmin = postgresAdmin;
        _postgresName = postgresName;
    }

    /// <summary><c>Sqlite</c> or <c>PostgreSql</c>, as Storage:Provider takes it.</summary>
    public string Provider { get; }

    public string ConnectionString { get; }

    /// <summary>Where the data lives, for the report (no password).</summary>
    public string Description { get; }

    public static async Task<BenchDatabase> CreateAsync(BenchmarkOptions options)
    {
        if (options.Provider == "Sqlite")
        {
            var file = Path.Combine(Path.GetTempPath(), $"interop-bench-{Guid.NewGuid():N}.db");
            return new BenchDatabase("Sqlite", $"Data Source={file}", $"SQLite file {Path.GetFileName(file)}", file, null, null);
        }
        var admin = options.PostgresAdminConnection!;
        var name = $"interop_bench_{Guid.NewGuid():N}"[..30];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new BenchDatabase("PostgreSql", builder.ConnectionString, $"PostgreSQL database {name} on {builder.Host}:{builder.Port}", null, admin, name);
    }

    /// <summary>
    /// Before a measured phase: on PostgreSQL, <c>VACUUM (ANALYZE)</c> of the whole database, as pgbench
    /// does before each run, so that autovacuum catching up with the rows the phase before wrote (the
    /// load, or the AuditEvents of a consent-on phase) does not run during the measurement, and the
    /// planner's statistics describe the data. Nothing on SQLite (the gateway checkpoints its own log).
    /// Returns how long it took, or null when nothing was done.
    /// </summary>
    public async Task<TimeSpan?> SettleAsync(CancellationToken ct)
    {
        if (Provider != "PostgreSql") return null;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(ct);
        await using var vacuum = new NpgsqlCommand("VACUUM (ANALYZE)", connection) { CommandTimeout = 600 };
        await vacuum.ExecuteNonQueryAsync(ct);
        return System.Diagnostics.Stopwatch.GetElapsedTime(started);
    }

    /// <summary>When set, <see cref="DisposeAsync"/> leaves the database where it is (and says where).</summary>
    public bool Keep { get; set; }

    public async ValueTask DisposeAsync()
    {
        if (Keep)
        {
            Console.WriteLine($"kept: {(_sqliteFile is not null ? _sqliteFile : Description)}");
            return;
        }
        if (_sqliteFile is not null)
        {
            foreach (var suffix in new[] { "", "-wal", "-shm", "-journal", "-audit", "-audit-wal", "-audit-shm" })
                File.Delete(_sqliteFile + suffix);
        }
        if (_postgresAdmin is not null && _postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_postgresAdmin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresName}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
