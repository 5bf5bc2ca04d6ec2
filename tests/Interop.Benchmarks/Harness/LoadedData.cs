namespace Interop.Benchmarks.Harness;

/// <summary>What the harness loaded into the gateway, and values taken from it for reads and searches.</summary>
public sealed class LoadedData
{
    public List<string> PatientIds { get; } = [];
    public List<string> FamilyNames { get; } = [];
    public List<string> Postcodes { get; } = [];
    public List<string> BirthDates { get; } = [];
    public List<string> ObservationDates { get; } = [];
    public List<string> EncounterDates { get; } = [];
    public long Resources { get; set; }
    public int Bundles { get; set; }
    public long FailedBundles { get; set; }
    public TimeSpan LoadTime { get; set; }
    public List<string> LoadErrors { get; } = [];

    public string PickPatient(Random random) => PatientIds[random.Next(PatientIds.Count)];
}
