using System.Text.Json;
using Interop.Storage;
using Microsoft.EntityFrameworkCore;

namespace Interop.Api.Audit;

/// <summary>
/// Which patients an ADT^A40 merge retired, and into whom: a retired Patient is inactive
/// (<c>active = false</c>) with <c>link.type = replaced-by</c> naming the survivor
/// (<see cref="Adapters.PatientMergeApplier"/>). The audit materialiser asks for it with every batch,
/// so that an access to a retired record after its merge is shown in the survivor's access log too,
/// as the accesses before the merge are (they are copied when it is applied).
/// </summary>
/// <remarks>
/// Merges are rare, so the map is kept in memory and read again only when the set of inactive
/// Patients has changed: each call asks the token index for the number of <c>active=false</c> rows
/// of Patients and the highest of their row ids (a new inactive version has a higher row id, a
/// reactivated one lowers the count). The index holds current versions only, so that pair changes
/// whenever any Patient becomes or stops being inactive, on this instance or another.
/// </remarks>
public sealed class MergedPatients
{
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile Snapshot _snapshot = new(-1, -1, new Dictionary<string, string>(StringComparer.Ordinal));

    private sealed record Snapshot(int Count, long MaxRowId, IReadOnlyDictionary<string, string> SurvivorOf);

    /// <summary>Retired patient id to the id of the patient it was merged into (the direct survivor).</summary>
    public async Task<IReadOnlyDictionary<string, string>> SurvivorsAsync(InteropDbContext db, CancellationToken ct)
    {
        var inactive = db.TokenIndex.AsNoTracking().Where(t => t.ResourceType == "Patient" && t.ParamName == "active" && t.Code == "false");
        var marker = await inactive.GroupBy(_ => 1).Select(g => new { Count = g.Count(), Max = g.Max(t => t.ResourceRowId) }).FirstOrDefaultAsync(ct);
        var (count, max) = marker is null ? (0, 0L) : (marker.Count, marker.Max);
        var snapshot = _snapshot;
        if (snapshot.Count == count && snapshot.MaxRowId == max) return snapshot.SurvivorOf;

        await _loading.WaitAsync(ct);
        try
        {
            snapshot = _snapshot;
            if (snapshot.Count == count && snapshot.MaxRowId == max) return snapshot.SurvivorOf;
            var rows = await db.Resources.AsNoTracking()
                .Where(r => r.ResourceType == "Patient" && r.IsCurrent && !r.IsDeleted && inactive.Any(t => t.ResourceRowId == r.Id))
                .Select(r => new { r.ResourceId, r.Json }).ToListAsync(ct);
            var survivorOf = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var row in rows)
                if (row.Json is not null && ReplacedBy(row.Json) is { } survivor && survivor != row.ResourceId)
                    survivorOf[row.ResourceId] = survivor;
            _snapshot = new Snapshot(count, max, survivorOf);
            return survivorOf;
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>
    /// <paramref name="patients"/> with every patient each was merged into, following merges of merges
    /// (each survivor's record now holds the retired one's).
    /// </summary>
    public static HashSet<string> WithSurvivors(IEnumerable<string> patients, IReadOnlyDictionary<string, string> survivorOf)
    {
        var all = new HashSet<string>(patients, StringComparer.Ordinal);
        if (survivorOf.Count == 0) return all;
        foreach (var patient in all.ToList())
        {
            var current = patient;
            while (survivorOf.TryGetValue(current, out var next) && all.Add(next)) current = next;
        }
        return all;
    }

    /// <summary>The Patient id a stored retired Patient's <c>replaced-by</c> link names, if any.</summary>
    private static string? ReplacedBy(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("link"u8, out var links) || links.ValueKind != JsonValueKind.Array) return null;
        foreach (var link in links.EnumerateArray())
        {
            if (link.ValueKind != JsonValueKind.Object
                || !link.TryGetProperty("type"u8, out var type) || !type.ValueEquals("replaced-by"u8)
                || !link.TryGetProperty("other"u8, out var other) || other.ValueKind != JsonValueKind.Object
                || !other.TryGetProperty("reference"u8, out var reference) || reference.ValueKind != JsonValueKind.String)
                continue;
            var target = reference.GetString()!;
            if (target.StartsWith("Patient/", StringComparison.Ordinal) && target.IndexOf('/', 8) < 0) return target[8..];
        }
        return null;
    }
}
