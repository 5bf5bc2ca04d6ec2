using System.Globalization;
using System.Text.RegularExpressions;

namespace Interop.Core.Search;

/// <summary>
/// The half-open UTC interval <c>[Start, End)</c> a FHIR date, dateTime or instant stands for,
/// given its precision (R4 search 3.1.1.4.5: a date "implicitly" covers a range). Used both for
/// index rows and for query values, so the two always agree.
/// </summary>
/// <remarks>
/// A value without a time zone is taken as UTC: the spec lets the server assume its local zone,
/// and the gateway's local zone for data is UTC.
/// </remarks>
public readonly partial record struct FhirDateRange(DateTimeOffset Start, DateTimeOffset End)
{
    /// <summary>The unbounded range, for a period with neither start nor end.</summary>
    public static FhirDateRange Unbounded => new(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);

    /// <summary>Parses <c>YYYY</c>, <c>YYYY-MM</c>, <c>YYYY-MM-DD</c>, and <c>YYYY-MM-DDThh:mm[:ss[.f+]][Z|±hh:mm]</c>.</summary>
    public static bool TryParse(string? text, out FhirDateRange range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var match = DatePattern().Match(text.Trim());
        if (!match.Success) return false;

        try
        {
            var year = Int(match.Groups["y"]);
            var month = match.Groups["m"].Success ? Int(match.Groups["m"]) : 1;
            var day = match.Groups["d"].Success ? Int(match.Groups["d"]) : 1;
            var hour = match.Groups["hh"].Success ? Int(match.Groups["hh"]) : 0;
            var minute = match.Groups["mi"].Success ? Int(match.Groups["mi"]) : 0;
            var second = match.Groups["ss"].Success ? Int(match.Groups["ss"]) : 0;
            if (hour == 24 && minute == 0 && second == 0) return false;

            var offset = TimeSpan.Zero;
            var zone = match.Groups["tz"];
            if (zone.Success && zone.Value != "Z")
            {
                offset = TimeSpan.ParseExact(zone.Value[1..], @"hh\:mm", CultureInfo.InvariantCulture);
                if (zone.Value[0] == '-') offset = -offset;
            }

            var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
            var fraction = match.Groups["f"];
            long fractionTicks = 0;
            long unitTicks;
            if (fraction.Success)
            {
                var digits = fraction.Value.Length > 7 ? fraction.Value[..7] : fraction.Value;
                fractionTicks = long.Parse(digits.PadRight(7, '0'), CultureInfo.InvariantCulture);
                unitTicks = (long)Math.Pow(10, 7 - digits.Length);
            }
            else
            {
                unitTicks = 0;
            }

            var start = new DateTimeOffset(local, offset).AddTicks(fractionTicks);
            DateTimeOffset end;
            if (fraction.Success) end = start.AddTicks(unitTicks);
            else if (match.Groups["ss"].Success) end = start.AddSeconds(1);
            else if (match.Groups["mi"].Success) end = start.AddMinutes(1);
            else if (match.Groups["d"].Success) end = start.AddDays(1);
            else if (match.Groups["m"].Success) end = start.AddMonths(1);
            else end = start.AddYears(1);

            range = new FhirDateRange(start.ToUniversalTime(), end.ToUniversalTime());
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false; // 2020-02-30, 9999-12-31 +1 day, and the like
        }
    }

    /// <summary>The smallest range covering both.</summary>
    public FhirDateRange Union(FhirDateRange other) =>
        new(Start < other.Start ? Start : other.Start, End > other.End ? End : other.End);

    private static int Int(Group group) => int.Parse(group.Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?<y>\d{4})(-(?<m>\d{2})(-(?<d>\d{2})(T(?<hh>\d{2}):(?<mi>\d{2})(:(?<ss>\d{2})(\.(?<f>\d+))?)?(?<tz>Z|[+-]\d{2}:\d{2})?)?)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DatePattern();
}
