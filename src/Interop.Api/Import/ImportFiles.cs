namespace Interop.Api.Import;

/// <summary>Finds the files an import reads: <c>.json</c> Bundles and <c>.ndjson</c> resources, folders searched recursively.</summary>
public static class ImportFiles
{
    /// <summary>
    /// The files named by <paramref name="paths"/>, full paths, without repeats. Folders are read in
    /// ordinal order with shared resources first (files named like <c>organizations*</c>,
    /// Synthea's <c>hospitalInformation*</c> and <c>practitionerInformation*</c>), because patient
    /// bundles refer to them by conditional reference. Paths that do not exist are added to <paramref name="problems"/>.
    /// </summary>
    public static IReadOnlyList<string> Find(IEnumerable<string> paths, ICollection<ImportProblem> problems)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            var full = Path.GetFullPath(path);
            if (File.Exists(full))
            {
                if (IsImportable(full)) files.Add(full);
                else problems.Add(new ImportProblem(full, null, "not a .json or .ndjson file"));
            }
            else if (Directory.Exists(full))
            {
                files.AddRange(Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories).Where(IsImportable)
                    .OrderBy(f => IsShared(f) ? 0 : 1).ThenBy(f => f, StringComparer.Ordinal));
            }
            else problems.Add(new ImportProblem(full, null, "no such file or folder"));
        }
        return files.Distinct(StringComparer.Ordinal).ToList();
    }

    public static bool IsNdjson(string path) => path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase);

    private static bool IsImportable(string path) => IsNdjson(path) || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    private static bool IsShared(string path)
    {
        var name = Path.GetFileName(path);
        return name.StartsWith("organization", StringComparison.OrdinalIgnoreCase)
            || name.Contains("hospitalInformation", StringComparison.OrdinalIgnoreCase)
            || name.Contains("practitionerInformation", StringComparison.OrdinalIgnoreCase);
    }
}
