namespace Interop.Core.Synthetic;

/// <summary>A self-limiting problem diagnosed at one encounter, with the acute prescription it usually gets.</summary>
internal sealed record SyntheticAcuteProblem(SyntheticCode Code, SyntheticMedication? Treatment);
