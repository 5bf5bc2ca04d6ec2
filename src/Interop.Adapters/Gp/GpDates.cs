using System.Globalization;
using System.Text.RegularExpressions;

namespace Interop.Adapters.Gp;

/// <summary>
/// Date checks for GP extract values. FHIR R4 <c>date</c> allows YYYY, YYYY-MM, YYYY-MM-DD; <c>dateTime</c> also
/// allows a time, which then needs a UTC offset (R4 datatypes 2.24.0.10). GP records hold partial dates, so
/// precision is kept rather than padded.
/// </summary>
internal static partial class GpDates
{
    [GeneratedRegex(@"^\d{4}(-\d{2}(-\d{2})?)?$")]
    private static partial Regex PartialDate();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex DateTimeWithOffset();

    public static bool IsDate(string value)
    {
        if (!PartialDate().IsMatch(value)) return false;
        return value.Length switch
        {
            4 => true,
            7 => DateOnly.TryParseExact(value + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            _ => DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        };
    }

    public static bool IsDateTime(string value) =>
        IsDate(value) ||
        (DateTimeWithOffset().IsMatch(value) &&
         DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out _));
}
