namespace Interop.Core.Synthetic;

/// <summary>Settings of the synthetic data generators. The defaults are what the demo and benchmarks use.</summary>
public sealed class SyntheticDataOptions
{
    /// <summary>
    /// "Today" for the synthetic population: ages, history and every timestamp are computed from it,
    /// never from the clock, so output does not change from one day to the next. Default 2026-01-01.
    /// </summary>
    public DateOnly ReferenceDate { get; init; } = new(2026, 1, 1);

    /// <summary>
    /// Approximate mean number of resources per patient bundle (the Patient included). Individual
    /// patients vary (children have short records, older multimorbid patients long ones); the mean
    /// over a few hundred patients lands within a few percent. Default 300.
    /// </summary>
    public int ResourcesPerPatient { get; init; } = 300;

    /// <summary>How many years of history before <see cref="ReferenceDate"/> the records cover at most. Default 20.</summary>
    public int HistoryYears { get; init; } = 20;

    /// <summary>Every problem with these settings; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (ResourcesPerPatient < 10) problems.Add($"ResourcesPerPatient must be at least 10 (was {ResourcesPerPatient}).");
        if (ResourcesPerPatient > 100_000) problems.Add($"ResourcesPerPatient must be at most 100000 (was {ResourcesPerPatient}).");
        if (HistoryYears is < 1 or > 100) problems.Add($"HistoryYears must be between 1 and 100 (was {HistoryYears}).");
        if (ReferenceDate.Year is < 1950 or > 2200) problems.Add($"ReferenceDate must be between 1950 and 2200 (was {ReferenceDate:yyyy-MM-dd}).");
        return problems;
    }
}
