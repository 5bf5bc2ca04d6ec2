using System.Collections.Concurrent;
using Interop.Storage;
using Microsoft.Extensions.Options;

namespace Interop.Api.Security;

/// <summary>
/// The organisation registrations requests are checked against, kept in memory: an entry (found or
/// not found) is used until it is <see cref="AuthOptions.OrganizationCacheSeconds"/> old or an
/// Organization is written through this instance (<see cref="ResourceChangeSignal"/>), whichever
/// comes first. Zero seconds turns the cache off.
/// </summary>
public sealed class OrganizationRegistrationCache(ResourceChangeSignal changes, IOptions<AuthOptions> auth, TimeProvider time)
{
    private sealed record Entry(OrganizationRegistry.Registration? Registration, long Generation, DateTimeOffset Expires);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public async Task<OrganizationRegistry.Registration?> GetOrLoadAsync(string odsCode, Func<Task<OrganizationRegistry.Registration?>> load)
    {
        var ttl = auth.Value.OrganizationCacheSeconds;
        if (ttl <= 0) return await load();
        // Read the generation before loading: a write committed while we load makes this entry stale at once.
        var generation = changes.Generation("Organization");
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(odsCode, out var entry) && entry.Generation == generation && entry.Expires > now)
            return entry.Registration;
        var registration = await load();
        if (_entries.Count > 10_000) _entries.Clear(); // unknown codes from bad tokens must not grow it without bound
        _entries[odsCode] = new Entry(registration, generation, now.AddSeconds(ttl));
        return registration;
    }
}
