using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using Interop.Core.Consent;
using Interop.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Task = System.Threading.Tasks.Task;

namespace Interop.Storage.Consent;

/// <summary>
/// The append-only, hash-chained consent ledger and the effective-consent rules derived from it
/// (architecture decision 5). Appends happen inside the resource write transaction, under the
/// write lock, so the chain has no gaps or forks even with several instances.
/// </summary>
public sealed class ConsentLedger(InteropDbContext db)
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>Appends an entry for a Consent version and re-derives that Consent's rules.</summary>
    public async Task<ConsentLedgerEntry> AppendAsync(Hl7.Fhir.Model.Consent consent, string storedJson, string action, DateTimeOffset at, CancellationToken ct)
    {
        var patient = ConsentRuleCompiler.PatientId(consent) ?? "";
        var last = await db.ConsentLedger.AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(ct);
        var entry = new ConsentLedgerEntry
        {
            Sequence = (last?.Sequence ?? 0) + 1,
            RecordedAt = Instants.ToStored(at),
            PatientId = patient,
            ConsentId = consent.Id!,
            Action = action,
            CanonicalJson = storedJson,
            PreviousHash = last?.Hash ?? GenesisHash,
        };
        entry.Hash = ComputeHash(entry);
        db.ConsentLedger.Add(entry);

        await db.ConsentRules.Where(r => r.ConsentId == consent.Id).ExecuteDeleteAsync(ct);
        if (action != "withdraw")
            db.ConsentRules.AddRange(ConsentRuleCompiler.Compile(consent, consent.Id!, entry.Sequence).Select(ToRow));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return entry;
    }

    /// <summary>SHA-256 over every field of the entry but the hash itself, as lower-case hex.</summary>
    public static string ComputeHash(ConsentLedgerEntry e)
    {
        var text = string.Join('\n', e.Sequence, e.RecordedAt, e.PatientId, e.ConsentId, e.Action, e.PreviousHash, e.CanonicalJson);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public sealed record Verification(bool Valid, long Entries, string Head, long? FirstInvalidSequence, string? Problem);

    /// <summary>Recomputes the chain from the first entry; reports the first entry that does not hold.</summary>
    public async Task<Verification> VerifyAsync(CancellationToken ct)
    {
        var previous = GenesisHash;
        long expected = 1, count = 0;
        var total = await db.ConsentLedger.LongCountAsync(ct); // before streaming: one open command per connection
        await foreach (var e in db.ConsentLedger.AsNoTracking().OrderBy(x => x.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            count++;
            string? problem = null;
            if (e.Sequence != expected) problem = $"sequence {e.Sequence} follows {expected - 1}: an entry is missing";
            else if (e.PreviousHash != previous) problem = "its previous-hash does not match the entry before it";
            else if (ComputeHash(e) != e.Hash) problem = "its content does not match its hash";
            if (problem is not null) return new Verification(false, total, previous, e.Sequence, problem);
            previous = e.Hash;
            expected++;
        }
        return new Verification(true, count, previous, null, null);
    }

    /// <summary>Rebuilds the effective-consent rules from the ledger alone (the latest entry of each Consent).</summary>
    public async Task<int> RebuildRulesAsync(CancellationToken ct)
    {
        var latest = await db.ConsentLedger.AsNoTracking()
            .GroupBy(e => e.ConsentId)
            .Select(g => g.Max(e => e.Sequence))
            .ToListAsync(ct);
        await db.ConsentRules.ExecuteDeleteAsync(ct);
        var count = 0;
        foreach (var chunk in latest.Chunk(500))
        {
            var entries = await db.ConsentLedger.AsNoTracking().Where(e => chunk.Contains(e.Sequence)).ToListAsync(ct);
            foreach (var e in entries.Where(e => e.Action != "withdraw"))
            {
                var consent = (Hl7.Fhir.Model.Consent)Core.Fhir.FhirSerialization.ParseStored(e.CanonicalJson);
                var rows = ConsentRuleCompiler.Compile(consent, e.ConsentId, e.Sequence).Select(ToRow).ToList();
                db.ConsentRules.AddRange(rows);
                count += rows.Count;
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        return count;
    }

    /// <summary>True when the stored rules are exactly what the ledger implies (the start-up check).</summary>
    public async Task<bool> RulesMatchLedgerAsync(CancellationToken ct)
    {
        var latest = await db.ConsentLedger.AsNoTracking().GroupBy(e => e.ConsentId).Select(g => g.Max(e => e.Sequence)).ToListAsync(ct);
        var expected = new List<string>();
        foreach (var chunk in latest.Chunk(500))
        {
            var entries = await db.ConsentLedger.AsNoTracking().Where(e => chunk.Contains(e.Sequence) && e.Action != "withdraw").ToListAsync(ct);
            foreach (var e in entries)
                expected.AddRange(ConsentRuleCompiler.Compile((Hl7.Fhir.Model.Consent)Core.Fhir.FhirSerialization.ParseStored(e.CanonicalJson), e.ConsentId, e.Sequence).Select(r => Key(ToRow(r))));
        }
        var actual = (await db.ConsentRules.AsNoTracking().ToListAsync(ct)).Select(Key).ToList();
        expected.Sort(StringComparer.Ordinal);
        actual.Sort(StringComparer.Ordinal);
        return expected.SequenceEqual(actual);
    }

    private static string Key(ConsentRuleRow r) =>
        string.Join('|', r.PatientId, r.ConsentId, r.LedgerSequence, r.Permit, r.Level, r.RuleIndex, r.ParentIndex, r.ActorOrganization, r.Purpose, r.SecurityLabel, r.ResourceType, r.Start, r.End);

    private static ConsentRuleRow ToRow(ConsentRule r) => new()
    {
        PatientId = r.PatientId,
        ConsentId = r.ConsentId,
        LedgerSequence = r.LedgerSequence,
        Permit = r.Permit,
        Level = r.Level,
        RuleIndex = r.Index,
        ParentIndex = r.ParentIndex,
        ActorOrganization = r.ActorOrganization,
        Purpose = r.Purpose,
        SecurityLabel = r.SecurityLabel,
        ResourceType = r.ResourceType,
        Start = r.Start is { } s ? Instants.ToStored(s) : null,
        End = r.End is { } e ? Instants.ToStored(e) : null,
    };
}
