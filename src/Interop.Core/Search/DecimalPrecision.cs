namespace Interop.Core.Search;

/// <summary>
/// The implicit range of a decimal given the digits written (R4 search 3.1.1.4.1: <c>100</c>
/// means <c>[99.5, 100.5)</c>). Relies on <see cref="decimal"/> keeping the scale it was parsed with.
/// </summary>
public static class DecimalPrecision
{
    /// <summary>Returns <c>(Low, High)</c>: value minus and plus half a unit in the last written place.</summary>
    public static (decimal Low, decimal High) Range(decimal value)
    {
        var scale = value.Scale;
        var half = 0.5m;
        for (var i = 0; i < scale; i++) half /= 10m;
        return (value - half, value + half);
    }
}
