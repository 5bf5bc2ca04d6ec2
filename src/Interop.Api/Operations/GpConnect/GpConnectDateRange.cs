namespace Interop.Api.Operations.GpConnect;

/// <summary>
/// A search period from the request as whole calendar dates (<c>yyyy-MM-dd</c>, either end open).
/// Items are compared on the calendar date they were recorded with, so no time zone is guessed.
/// </summary>
public sealed record GpConnectDateRange(string? Start, string? End)
{
    /// <summary>True when <paramref name="date"/> (a FHIR date or dateTime) falls in the range; an undated item never does.</summary>
    public bool Contains(string? date)
    {
        if (string.IsNullOrEmpty(date)) return false;
        var day = date.Length > 10 ? date[..10] : date;
        if (Start is not null && string.CompareOrdinal(day, Start) < 0) return false;
        if (End is not null && string.CompareOrdinal(day, End) > 0) return false;
        return true;
    }
}
