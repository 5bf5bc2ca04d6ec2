namespace Interop.Core.Synthetic;

/// <summary>A dm+d product with the dosage and pack a GP would prescribe.</summary>
internal sealed record SyntheticMedication(SyntheticCode Code, string Dosage, int Quantity, string QuantityUnit);
