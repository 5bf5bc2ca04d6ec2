namespace Interop.Core.Synthetic;

/// <summary>What <see cref="SyntheticDataGenerator.WriteTo"/> wrote.</summary>
/// <param name="Organizations">Organization resources in <c>organizations.json</c>.</param>
/// <param name="Patients">Patient bundles written (one file each).</param>
/// <param name="Resources">Resources in all files, organisations included.</param>
/// <param name="Bytes">Total size of the files written.</param>
/// <param name="ResourcesByType">Resource count per resource type, ordered by type name.</param>
public sealed record SyntheticDataSummary(
    int Organizations, int Patients, long Resources, long Bytes, IReadOnlyDictionary<string, long> ResourcesByType);
