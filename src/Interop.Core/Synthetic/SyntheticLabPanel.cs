namespace Interop.Core.Synthetic;

/// <summary>A laboratory request reported as one DiagnosticReport grouping one Observation per test.</summary>
internal sealed record SyntheticLabPanel(SyntheticCode ReportCode, IReadOnlyList<SyntheticLabTest> Tests);
