using System.Globalization;

namespace Interop.Api.Import;

/// <summary>
/// The import's progress on stderr: <c>[#####-----] 120/1001 files  36,120 resources  2,345/s</c>,
/// redrawn in place on a terminal a few times a second, or a plain line every few seconds when
/// stderr is redirected (a log file should not fill with carriage returns).
/// </summary>
public sealed class ImportProgressBar(TextWriter output, bool interactive)
{
    private const int Width = 30;
    private TimeSpan? _lastDrawn;
    private bool _drawn;

    public void Report(BulkImporter.Progress progress)
    {
        var interval = interactive ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(5);
        var finished = progress.FilesDone >= progress.FilesTotal;
        if (!finished && _lastDrawn is { } last && progress.Elapsed - last < interval) return;
        _lastDrawn = progress.Elapsed;
        var filled = progress.FilesTotal == 0 ? Width : (int)((long)Width * progress.FilesDone / progress.FilesTotal);
        var rate = progress.Elapsed.TotalSeconds > 0 ? progress.Resources / progress.Elapsed.TotalSeconds : 0;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('-', Width - filled)}] {progress.FilesDone}/{progress.FilesTotal} files  {progress.Resources:N0} resources  {rate:N0}/s");
        if (interactive) output.Write("\r" + line);
        else output.WriteLine(line);
        _drawn = true;
    }

    /// <summary>Ends the redrawn line so the summary starts on its own.</summary>
    public void Finish()
    {
        if (interactive && _drawn) output.WriteLine();
    }
}
