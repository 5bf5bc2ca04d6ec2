namespace Interop.Core.Synthetic;

/// <summary>
/// One laboratory analyte: LOINC code, the unit as printed and as UCUM, a typical value distribution
/// and the reference range printed on UK reports (either end may be open).
/// </summary>
internal sealed record SyntheticLabTest(
    SyntheticCode Code, string Unit, string UcumUnit, double Mean, double StandardDeviation, int Decimals, double? Low, double? High);
