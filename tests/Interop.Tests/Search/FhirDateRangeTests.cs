using Interop.Core.Search;
using NUnit.Framework;

namespace Interop.Tests.Search;

[TestFixture]
public class FhirDateRangeTests
{
    private static DateTimeOffset Utc(int y, int m, int d, int h = 0, int mi = 0, int s = 0) => new(y, m, d, h, mi, s, TimeSpan.Zero);

    [TestCase("2020", 2020, 1, 1, 2021, 1, 1)]
    [TestCase("2020-03", 2020, 3, 1, 2020, 4, 1)]
    [TestCase("2020-12", 2020, 12, 1, 2021, 1, 1)]
    [TestCase("2020-02-29", 2020, 2, 29, 2020, 3, 1)]
    public void Partial_dates_cover_their_precision(string text, int y1, int m1, int d1, int y2, int m2, int d2)
    {
        Assert.That(FhirDateRange.TryParse(text, out var range), Is.True);
        Assert.That(range, Is.EqualTo(new FhirDateRange(Utc(y1, m1, d1), Utc(y2, m2, d2))));
    }

    [Test]
    public void Date_times_with_zone_minutes_and_fractions()
    {
        Assert.That(FhirDateRange.TryParse("2021-06-15T09:30+01:00", out var minutes), Is.True);
        Assert.That(minutes, Is.EqualTo(new FhirDateRange(Utc(2021, 6, 15, 8, 30), Utc(2021, 6, 15, 8, 31))));
        Assert.That(FhirDateRange.TryParse("2021-06-15T09:30:00.25Z", out var fraction), Is.True);
        Assert.That(fraction.End - fraction.Start, Is.EqualTo(TimeSpan.FromMilliseconds(10)));
        Assert.That(FhirDateRange.TryParse("2021-06-15T09:30:00", out var noZone), Is.True);
        Assert.That(noZone.Start, Is.EqualTo(Utc(2021, 6, 15, 9, 30)));
    }

    [TestCase("2020-13")]
    [TestCase("2019-02-29")]
    [TestCase("20200101")]
    [TestCase("2020-01-01T10")]
    [TestCase("yesterday")]
    [TestCase("")]
    public void Invalid_dates_are_rejected(string text) => Assert.That(FhirDateRange.TryParse(text, out _), Is.False);

    [Test]
    public void Normaliser_folds_case_accents_and_whitespace()
    {
        Assert.That(SearchStringNormalizer.Normalize("  Gustavo  Mejía\tÑÚÑEZ Łódź Straße "), Is.EqualTo("gustavo mejia nunez lodz strasse"));
        Assert.That(SearchStringNormalizer.Normalize(null), Is.EqualTo(""));
    }

    [Test]
    public void Decimal_precision_ranges()
    {
        Assert.That(DecimalPrecision.Range(100m), Is.EqualTo((99.5m, 100.5m)));
        Assert.That(DecimalPrecision.Range(100.00m), Is.EqualTo((99.995m, 100.005m)));
    }
}
