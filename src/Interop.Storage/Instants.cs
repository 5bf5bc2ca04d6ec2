namespace Interop.Storage;

/// <summary>
/// Time stored as UTC microseconds since the Unix epoch: one integer column that orders and
/// compares identically on SQLite, PostgreSQL and SQL Server.
/// </summary>
public static class Instants
{
    public static long ToStored(DateTimeOffset value) => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromStored(long micros) => new(DateTimeOffset.UnixEpoch.UtcTicks + micros * 10, TimeSpan.Zero);

    /// <summary>FHIR instants carry milliseconds; truncating keeps the stored and served values identical.</summary>
    public static DateTimeOffset TruncateToMilliseconds(DateTimeOffset value) =>
        new(value.UtcTicks - value.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
}
