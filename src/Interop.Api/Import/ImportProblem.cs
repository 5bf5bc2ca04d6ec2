namespace Interop.Api.Import;

/// <summary>Something that could not be imported: where (file, NDJSON line) and why.</summary>
public sealed record ImportProblem(string Source, int? Line, string Message)
{
    public override string ToString() => Line is { } line ? $"{Source}: line {line}: {Message}" : $"{Source}: {Message}";
}
