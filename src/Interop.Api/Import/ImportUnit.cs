using Hl7.Fhir.Model;

namespace Interop.Api.Import;

/// <summary>
/// One Bundle that <see cref="ImportWriter"/> commits, possibly in one database transaction with
/// others: a file's Bundle, or a chunk of an NDJSON file's lines.
/// </summary>
/// <param name="Source">The file path (or <c>body</c> for <c>$import</c>) named in problems.</param>
/// <param name="Pristine">The Bundle as prepared by <see cref="ImportBundles"/>; never processed
/// itself, because processing rewrites ids and references and a failed group is retried.</param>
public sealed record ImportUnit(string Source, Bundle Pristine)
{
    /// <summary>For NDJSON chunks, the line number of each entry, so a bad entry names its line.</summary>
    public IReadOnlyList<int>? LineNumbers { get; init; }

    /// <summary>Set on a file's last unit: the journal row that marks the file complete.</summary>
    public ImportedFile? Completes { get; init; }

    /// <summary>Entries in the Bundle.</summary>
    public int Entries => Pristine.Entry.Count;
}

/// <summary>A file read for import: full path, SHA-256 of its bytes (hex), resources in it.</summary>
public sealed record ImportedFile(string Path, string Hash, int Resources);
