namespace Interop.Core.Synthetic;

/// <summary>
/// A long-term condition of the synthetic population: who gets it (minimum age, prevalence among those
/// old enough, how much likelier women are than men), what it is treated with, which labs monitor it,
/// its annual review procedure, and the sensitivity label some of its records carry.
/// </summary>
internal sealed record SyntheticChronicCondition(
    SyntheticCode Code,
    int MinimumAge,
    double Prevalence,
    double FemaleToMaleRatio,
    IReadOnlyList<SyntheticMedication> Medications,
    IReadOnlyList<SyntheticLabPanel> Monitoring,
    SyntheticCode? ReviewProcedure,
    SyntheticCode? SecurityLabel,
    double LabelProbability)
{
    /// <summary>Probability for one sex, keeping <see cref="Prevalence"/> as the population average.</summary>
    public double PrevalenceFor(bool female) =>
        female ? Prevalence * 2 * FemaleToMaleRatio / (1 + FemaleToMaleRatio) : Prevalence * 2 / (1 + FemaleToMaleRatio);
}
