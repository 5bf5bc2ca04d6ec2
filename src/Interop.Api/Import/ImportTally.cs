namespace Interop.Api.Import;

/// <summary>Running totals of one import, updated by <see cref="ImportWriter"/> as units commit.</summary>
public sealed class ImportTally
{
    /// <summary>Entries answered 201 Created.</summary>
    public long Created { get; set; }

    /// <summary>Entries answered 200: updated, unchanged (no new version) or matched by a conditional create.</summary>
    public long Updated { get; set; }

    /// <summary>Files finished, with or without problems (units carrying <see cref="ImportUnit.Completes"/>).</summary>
    public int FilesDone { get; set; }

    /// <summary>Files skipped because the journal says they were completed before.</summary>
    public int FilesSkipped { get; set; }

    /// <summary>Every problem, in the order met.</summary>
    public List<ImportProblem> Problems { get; } = [];

    /// <summary>Sources with at least one problem: their journal row is not written, so a rerun retries them.</summary>
    public HashSet<string> FailedSources { get; } = new(StringComparer.Ordinal);

    public long Resources => Created + Updated;

    public void Fail(ImportProblem problem)
    {
        Problems.Add(problem);
        FailedSources.Add(problem.Source);
    }
}
