using Hl7.Fhir.Model;
using Interop.Api.Fhir;
using Interop.Core.Fhir;
using Interop.Storage;
using Task = System.Threading.Tasks.Task;

namespace Interop.Api.Import;

/// <summary>
/// Writes import units through <see cref="BundleProcessor"/>, the code path of <c>POST /fhir</c>, so
/// imported data gets the same validation, reference resolution, scope checks and indexing.
/// Several units share one database transaction (far fewer commits); when any of them fails, the
/// group is rolled back and each unit is retried alone, and an NDJSON unit that still fails is
/// retried line by line, so every problem is reported with its file and line and the rest is stored.
/// </summary>
public sealed class ImportWriter(ResourceStore store, BundleProcessor processor, ImportJournal journal, TimeProvider time)
{
    /// <summary>Writes <paramref name="units"/> for <paramref name="caller"/>, adding to <paramref name="tally"/>.</summary>
    public async Task WriteAsync(IReadOnlyList<ImportUnit> units, TransactionContext caller, ImportTally tally, CancellationToken ct)
    {
        if (units.Count > 1 && units.All(u => u.Pristine.Type == Bundle.BundleType.Transaction))
        {
            var group = new ImportTally();
            try
            {
                await store.InTransactionAsync(async () =>
                {
                    foreach (var unit in units)
                    {
                        Count(await processor.ProcessAsync(Copy(unit.Pristine), caller, ct), group);
                        await CompleteAsync(unit, tally, ct);
                    }
                    return 0;
                }, ct);
                tally.Created += group.Created;
                tally.Updated += group.Updated;
                tally.FilesDone += units.Count(u => u.Completes is not null);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Some unit failed and took the group with it: find out which, one at a time.
            }
        }
        foreach (var unit in units) await WriteOneAsync(unit, caller, tally, ct);
    }

    private async Task WriteOneAsync(ImportUnit unit, TransactionContext caller, ImportTally tally, CancellationToken ct)
    {
        if (unit.Pristine.Type == Bundle.BundleType.Batch)
        {
            // A batch keeps its own semantics: each entry on its own, failures in the response.
            var response = await processor.ProcessAsync(Copy(unit.Pristine), caller, ct);
            Count(response, tally);
            foreach (var (entry, index) in response.Entries.Select((e, i) => (e, i)).Where(x => !IsSuccess(x.e.ResponseStatus)))
                tally.Fail(new ImportProblem(unit.Source, null, $"entry[{index}]: {entry.ResponseStatus} {Describe(entry.ResponseOutcome as OperationOutcome)}"));
            await store.InTransactionAsync(async () => { await CompleteAsync(unit, tally, ct); return 0; }, ct);
            if (unit.Completes is not null) tally.FilesDone++;
            return;
        }

        try
        {
            var response = await store.InTransactionAsync(async () =>
            {
                var result = await processor.ProcessAsync(Copy(unit.Pristine), caller, ct);
                await CompleteAsync(unit, tally, ct);
                return result;
            }, ct);
            Count(response, tally);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (unit.LineNumbers is { } lines && unit.Entries > 1)
            {
                // NDJSON lines are independent: store the good ones, name the bad ones.
                for (var i = 0; i < unit.Entries; i++)
                {
                    var single = new Bundle { Type = Bundle.BundleType.Transaction };
                    single.Entry.Add((Bundle.EntryComponent)unit.Pristine.Entry[i].DeepCopy());
                    await WriteOneAsync(new ImportUnit(unit.Source, single) { LineNumbers = [lines[i]] }, caller, tally, ct);
                }
                if (unit.Completes is not null && !tally.FailedSources.Contains(unit.Source))
                    await store.InTransactionAsync(async () => { await CompleteAsync(unit, tally, ct); return 0; }, ct);
            }
            else
            {
                tally.Fail(new ImportProblem(unit.Source, unit.LineNumbers?[0], Describe(ex)));
            }
        }
        if (unit.Completes is not null) tally.FilesDone++;
    }

    /// <summary>Writes the unit's journal row in the open transaction, unless its file had problems.</summary>
    private async Task CompleteAsync(ImportUnit unit, ImportTally tally, CancellationToken ct)
    {
        if (unit.Completes is { } file && !tally.FailedSources.Contains(unit.Source))
            await journal.RecordAsync(file.Path, file.Hash, file.Resources, time.GetUtcNow(), ct);
    }

    private static Bundle Copy(Bundle pristine) => (Bundle)pristine.DeepCopy();

    private static void Count(BundleDocument response, ImportTally tally)
    {
        foreach (var entry in response.Entries)
        {
            if (entry.ResponseStatus?.StartsWith("201", StringComparison.Ordinal) == true) tally.Created++;
            else if (entry.ResponseStatus?.StartsWith("200", StringComparison.Ordinal) == true) tally.Updated++;
        }
    }

    private static bool IsSuccess(string? status) => status?.StartsWith('2') == true;

    private static string Describe(Exception ex) => ex is FhirException fhir ? Describe(fhir.Outcome) : ex.GetBaseException().Message;

    private static string Describe(OperationOutcome? outcome) =>
        outcome is null ? "" : string.Join("; ", outcome.Issue.Select(i => i.Diagnostics ?? i.Details?.Text).Where(d => !string.IsNullOrEmpty(d)));
}
