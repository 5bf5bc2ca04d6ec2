using System.Collections.Concurrent;

namespace Interop.Storage;

/// <summary>
/// A counter per resource type, advanced after every committed write of that type in this process.
/// In-memory caches of stored resources (the organisation registrations every request checks) keep
/// the generation they were filled at and refill once it moves, so a write here is seen at once; other
/// instances' writes are seen when the cache entry expires.
/// </summary>
public sealed class ResourceChangeSignal
{
    private readonly ConcurrentDictionary<string, long> _generations = new(StringComparer.Ordinal);

    /// <summary>How many committed transactions have written <paramref name="resourceType"/> in this process.</summary>
    public long Generation(string resourceType) => _generations.TryGetValue(resourceType, out var g) ? g : 0;

    private long _lastWriteAt = Environment.TickCount64;

    /// <summary>
    /// <see cref="Environment.TickCount64"/> of the last commit here that wrote anything but AuditEvents:
    /// how the audit materialiser tells a quiet moment (HL7 v2 over MLLP writes without an HTTP request).
    /// </summary>
    public long LastWriteAt => Volatile.Read(ref _lastWriteAt);

    /// <summary>Called after a commit with the types it wrote.</summary>
    public void Changed(IEnumerable<string> resourceTypes)
    {
        var other = false;
        foreach (var type in resourceTypes)
        {
            _generations.AddOrUpdate(type, 1, (_, g) => g + 1);
            other |= type != "AuditEvent";
        }
        if (other) Volatile.Write(ref _lastWriteAt, Environment.TickCount64);
    }
}
