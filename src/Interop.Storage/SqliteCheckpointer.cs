using Interop.Core.Telemetry;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Interop.Storage;

/// <summary>
/// Copies committed pages from SQLite's write-ahead log back into the database file (a checkpoint)
/// on a connection of its own, beside the writers instead of in front of them (decision 0009).
/// </summary>
/// <remarks>
/// Left to itself, SQLite checkpoints inside the commit that takes the log past 1,000 pages, and
/// that commit holds the gateway's one write lock (decision 0002), so every other write waits for
/// the copy and its <c>fsync</c>. <see cref="SqliteConnectionSetup"/> turns that off on the gateway's
/// connections (<see cref="ConnectionPragmas"/>) and, from the first connection on, this runs a
/// <c>PASSIVE</c> checkpoint every <see cref="StorageOptions.SqliteCheckpointInterval"/>:
/// it copies every page no open read still needs, never waits for a lock and never makes a writer
/// or reader wait. Commits still make the log durable before they return; only the copy moves.
/// <para>
/// Copying is not enough to keep the log small. SQLite writes from the start of the log again only
/// when every frame is copied and no read is using the log, and under a steady load some read
/// always is: the log then grew by every commit (3 GB in a 40-second read benchmark, with each
/// commit paying for new file blocks). So when the log is longer than <see cref="RestartAboveFrames"/>,
/// the loop also runs a <c>RESTART</c> checkpoint while holding the gateway's write gate
/// (<see cref="WriteLocks.EnterSqliteGateAsync"/>): no write is open, the few frames committed since
/// the passive copy are copied, and new reads start from the database file; SQLite waits up to
/// <see cref="RestartWait"/> for the reads already under way to finish. The next commit then writes
/// from the start of the log, and the file is cut back to 64 MB (<see cref="ConnectionPragmas"/>).
/// </para>
/// </remarks>
public sealed class SqliteCheckpointer : IAsyncDisposable
{
    /// <summary>Log frames left after a checkpoint above which a warning says a read is holding the log.</summary>
    public const long LargeLogFrames = 250_000;

    /// <summary>
    /// Run once per physical connection (<see cref="SqliteConnectionSetup"/>) while this runs: no
    /// checkpoint inside commits, and a log file cut back to 64 MB when it restarts (it otherwise
    /// keeps the size of its largest burst).
    /// </summary>
    public const string ConnectionPragmas = "PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=67108864;";

    /// <summary>Frames in the log above which a checkpoint also restarts it (SQLite's own checkpoint threshold).</summary>
    public const long RestartAboveFrames = 1_000;

    /// <summary>Longest a restart waits for reads already under way (writes wait behind it; reads do not).</summary>
    public static readonly TimeSpan RestartWait = TimeSpan.FromMilliseconds(200);

    /// <summary>True when the gateway's connections leave checkpoints to this loop.</summary>
    public bool Enabled => _interval > TimeSpan.Zero;

    private readonly string _connectionString;
    private readonly TimeSpan _interval;
    private readonly WriteLocks _locks;
    private readonly ILogger<SqliteCheckpointer> _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private int _started;

    public SqliteCheckpointer(IOptions<StorageOptions> options, WriteLocks locks, ILogger<SqliteCheckpointer> logger)
    {
        _locks = locks;
        _connectionString = options.Value.ConnectionString;
        _interval = options.Value.SqliteCheckpointInterval;
        _logger = logger;
        InteropMetrics.ObserveSqliteLogFrames(() => PendingFrames);
    }

    /// <summary>What one checkpoint found; one object, so a reader never sees the two halves of different checkpoints.</summary>
    private sealed record Result(long Log, long Copied)
    {
        /// <summary>Frames the checkpoint could not copy yet (a read still needed them); none when not in WAL mode (-1, -1).</summary>
        public long Pending => Log < 0 ? 0 : Math.Max(0, Log - Copied);
    }

    private long _checkpoints;
    private long _restarts;
    private volatile Result _last = new(0, 0);

    /// <summary>Frames in the log that the last checkpoint could not copy yet (a read still needed them).</summary>
    public long PendingFrames => _last.Pending;

    /// <summary>What the last checkpoint found: frames in the log, and how many of them are in the database file.</summary>
    public (long Log, long Copied) LastCheckpoint => (_last.Log, _last.Copied);

    /// <summary>Checkpoints completed since start (for tests and diagnostics).</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    /// <summary>Restart checkpoints completed since start: each lets the next commit write from the start of the log.</summary>
    public long Restarts => Interlocked.Read(ref _restarts);

    /// <summary>Starts the background loop once (from the first connection the gateway opens); no-op when the interval is zero.</summary>
    public void EnsureStarted()
    {
        if (!Enabled) return;
        if (Interlocked.Exchange(ref _started, 1) == 0)
            _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(ct);
            await using (var wait = connection.CreateCommand())
            {
                // Only a restart waits (for reads under way); a passive checkpoint never does.
                wait.CommandText = $"PRAGMA busy_timeout={(int)RestartWait.TotalMilliseconds};";
                await wait.ExecuteNonQueryAsync(ct);
            }
            using var timer = new PeriodicTimer(_interval);
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    var (log, _) = await CheckpointAsync(connection, ct);
                    if (log > RestartAboveFrames) await RestartAsync(connection, ct);
                }
                catch (SqliteException ex)
                {
                    _logger.LogWarning(ex, "SQLite checkpoint failed; the next one will try again.");
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Without this loop the log only grows; say so loudly rather than die silently.
            _logger.LogError(ex, "The SQLite checkpointer stopped; the write-ahead log is no longer copied back until restart.");
        }
    }

    /// <summary>One <c>PASSIVE</c> checkpoint; returns the frames in the log and how many are copied.</summary>
    public async Task<(long Log, long Copied)> CheckpointAsync(SqliteConnection connection, CancellationToken ct)
    {
        var (_, result) = await RunCheckpointAsync(connection, "PASSIVE", ct);
        return (result.Log, result.Copied);
    }

    /// <summary>
    /// A <c>RESTART</c> checkpoint with the gateway's writes held at the gate; true when it completed
    /// (every frame copied and no read left on the log), so that the next commit restarts the log.
    /// </summary>
    public async Task<bool> RestartAsync(SqliteConnection connection, CancellationToken ct)
    {
        bool busy;
        await using (await _locks.EnterSqliteGateAsync(ct))
            (busy, _) = await RunCheckpointAsync(connection, "RESTART", ct);
        if (busy) return false;
        Interlocked.Increment(ref _restarts);
        return true;
    }

    private async Task<(bool Busy, Result Result)> RunCheckpointAsync(SqliteConnection connection, string mode, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode});";
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return (false, _last);
        // Columns: busy (1 when a restart gave up waiting for a read), frames in the log, frames copied;
        // -1 and -1 when the database is not in WAL mode.
        var busy = reader.GetInt64(0) != 0;
        var result = new Result(reader.GetInt64(1), reader.GetInt64(2));
        _last = result;
        Interlocked.Increment(ref _checkpoints);
        if (result.Pending > LargeLogFrames)
            _logger.LogWarning("The SQLite write-ahead log holds {Frames} frames a checkpoint could not copy: a long read is keeping them.", result.Pending);
        return (busy, result);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is { } loop) await loop;
        _stop.Dispose();
    }
}
