using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Hl7.Fhir.Model;
using Interop.Api.Fhir;
using Interop.Core.Fhir;
using Task = System.Threading.Tasks.Task;

namespace Interop.Api.Import;

/// <summary>
/// The <c>import</c> verb's engine: reads files on one thread (hash, journal check, parse, prepare)
/// while another writes them, several files per database transaction.
/// </summary>
public sealed class BulkImporter(ImportWriter writer, ImportJournal journal)
{
    /// <summary>NDJSON lines per transaction entry list (a unit counts as one "bundle" for <c>--batch</c>).</summary>
    public const int NdjsonLinesPerUnit = 500;

    /// <summary>What a progress callback sees: files finished of all files, resources written, time so far.</summary>
    public sealed record Progress(int FilesDone, int FilesTotal, long Resources, TimeSpan Elapsed);

    private sealed record PreparedFile(string Path, IReadOnlyList<ImportUnit> Units, IReadOnlyList<ImportProblem> Problems, bool Skipped);

    /// <summary>
    /// Imports <paramref name="files"/> (see <see cref="ImportFiles.Find"/>) for <paramref name="caller"/>,
    /// <paramref name="batch"/> bundles per database transaction, skipping files the journal has.
    /// </summary>
    public async Task<ImportTally> RunAsync(IReadOnlyList<string> files, TransactionContext caller, int batch, Action<Progress>? progress, CancellationToken ct)
    {
        await journal.EnsureCreatedAsync(ct);
        var completed = await journal.CompletedAsync(ct);
        var tally = new ImportTally();
        var clock = Stopwatch.StartNew();
        var channel = Channel.CreateBounded<PreparedFile>(new BoundedChannelOptions(Math.Max(4, batch * 2)) { SingleReader = true, SingleWriter = true });
        var reading = Task.Run(async () =>
        {
            try
            {
                foreach (var file in files) await channel.Writer.WriteAsync(Prepare(file, completed), ct);
            }
            finally
            {
                channel.Writer.Complete();
            }
        }, ct);

        var group = new List<ImportUnit>();
        async Task FlushAsync()
        {
            if (group.Count == 0) return;
            await writer.WriteAsync(group, caller, tally, ct);
            group.Clear();
            progress?.Invoke(new Progress(tally.FilesDone + tally.FilesSkipped, files.Count, tally.Resources, clock.Elapsed));
        }

        await foreach (var file in channel.Reader.ReadAllAsync(ct))
        {
            if (file.Skipped) { tally.FilesSkipped++; continue; }
            foreach (var problem in file.Problems) tally.Fail(problem);
            if (file.Units.Count == 0) { tally.FilesDone++; continue; }
            foreach (var unit in file.Units)
            {
                group.Add(unit);
                if (group.Count >= batch) await FlushAsync();
            }
        }
        await FlushAsync();
        await reading;
        progress?.Invoke(new Progress(tally.FilesDone + tally.FilesSkipped, files.Count, tally.Resources, clock.Elapsed));
        return tally;
    }

    private static PreparedFile Prepare(string path, HashSet<(string Path, string Hash)> completed)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException ex)
        {
            return new PreparedFile(path, [], [new ImportProblem(path, null, ex.Message)], false);
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (completed.Contains((path, hash))) return new PreparedFile(path, [], [], true);
        try
        {
            return ImportFiles.IsNdjson(path) ? PrepareNdjson(path, hash, bytes) : PrepareBundle(path, hash, bytes);
        }
        catch (FhirException ex)
        {
            var message = string.Join("; ", ex.Outcome.Issue.Select(i => i.Diagnostics).Where(d => !string.IsNullOrEmpty(d)));
            return new PreparedFile(path, [], [new ImportProblem(path, null, message)], false);
        }
    }

    private static PreparedFile PrepareBundle(string path, string hash, byte[] bytes)
    {
        var resource = FhirSerialization.Parse(bytes, FhirFormat.Json);
        if (resource is not Bundle bundle)
            throw FhirException.BadRequest($"a .json file to import holds a Bundle, not a {resource.TypeName}.");
        var prepared = ImportBundles.ForImport(bundle);
        var unit = new ImportUnit(path, prepared) { Completes = new ImportedFile(path, hash, prepared.Entry.Count) };
        return new PreparedFile(path, [unit], [], false);
    }

    private static PreparedFile PrepareNdjson(string path, string hash, byte[] bytes)
    {
        using var reader = new StringReader(Encoding.UTF8.GetString(bytes));
        var lines = NdjsonReader.Read(reader).ToList();
        var problems = lines.Where(l => l.Error is not null).Select(l => new ImportProblem(path, l.LineNumber, l.Error!)).ToList();
        var good = lines.Where(l => l.Resource is not null).ToList();
        var units = good.Chunk(NdjsonLinesPerUnit)
            .Select(chunk => new ImportUnit(path, ImportBundles.FromLines(chunk)) { LineNumbers = chunk.Select(l => l.LineNumber).ToList() })
            .ToList();
        if (units.Count > 0) units[^1] = units[^1] with { Completes = new ImportedFile(path, hash, good.Count) };
        return new PreparedFile(path, units, problems, false);
    }
}
