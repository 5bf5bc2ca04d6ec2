namespace Interop.Adapters.Council;

/// <summary>One CSV record: its fields and the physical line it starts on (a quoted field may span lines).</summary>
public sealed record CsvRecord(int LineNumber, IReadOnlyList<string> Fields);
