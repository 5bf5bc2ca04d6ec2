using System.Globalization;

namespace Interop.Core.Synthetic;

/// <summary>Creates the demographics of patient <c>i</c> for a seed, independently of every other patient.</summary>
internal sealed class SyntheticPersonFactory
{
    private const ulong PersonStream = 0x504552534F4E; // "PERSON"

    private static readonly string[] FemaleAdultPrefixes = ["Mrs", "Ms", "Miss"];

    private readonly int _seed;
    private readonly DateOnly _referenceDate;
    private readonly SyntheticNhsNumbers _nhsNumbers;

    public SyntheticPersonFactory(int seed, DateOnly referenceDate)
    {
        _seed = seed;
        _referenceDate = referenceDate;
        _nhsNumbers = new SyntheticNhsNumbers(seed);
    }

    public SyntheticPerson Create(int index)
    {
        var random = SeededRandom.ForStream(_seed, PersonStream, index);
        var female = random.Chance(0.51);

        // Age bands roughly like the ONS mid-year estimate for Liverpool.
        var band = random.NextDouble();
        var age = band switch
        {
            < 0.20 => random.Between(0, 17),
            < 0.50 => random.Between(18, 39),
            < 0.81 => random.Between(40, 64),
            < 0.94 => random.Between(65, 79),
            _ => random.Between(80, 99),
        };
        var birthDate = _referenceDate.AddYears(-age - 1).AddDays(1 + random.Next(365));

        var givenPool = female ? SyntheticDemographicLists.FemaleGivenNames : SyntheticDemographicLists.MaleGivenNames;
        var given = new List<string> { random.Pick(givenPool) };
        if (random.Chance(0.35))
        {
            var middle = random.Pick(givenPool);
            if (middle != given[0]) given.Add(middle);
        }
        var family = random.Pick(SyntheticDemographicLists.FamilyNames);
        string? prefix = age < 18 ? null : female ? random.Pick(FemaleAdultPrefixes) : "Mr";
        if (age >= 30 && random.Chance(0.02)) prefix = "Dr";

        var address = $"{random.Between(1, 240).ToString(CultureInfo.InvariantCulture)} {random.Pick(SyntheticDemographicLists.Streets)}";
        var postalCode = PostalCode(random);
        // Ofcom reserves 0151 496 0000-0999 and 07700 900000-900999 for drama: never a real line.
        var homePhone = $"0151 496 {random.Next(1000).ToString("D4", CultureInfo.InvariantCulture)}";
        string? mobile = age >= 14 && random.Chance(0.8) ? $"07700 900{random.Next(1000).ToString("D3", CultureInfo.InvariantCulture)}" : null;
        var practice = random.Pick(SyntheticOrganizationCatalog.GpPractices);
        var hospitalNumber = "M" + (1_000_000 + index).ToString("D7", CultureInfo.InvariantCulture);

        return new SyntheticPerson(index, _nhsNumbers.ForPatient(index), female, prefix, given, family, birthDate, age,
            address, postalCode, homePhone, mobile, practice, hospitalNumber);
    }

    private static string PostalCode(SeededRandom random)
    {
        var district = random.Between(1, SyntheticDemographicLists.LastPostcodeDistrict);
        var letters = SyntheticDemographicLists.InwardLetters;
        return string.Create(CultureInfo.InvariantCulture,
            $"L{district} {random.Next(10)}{letters[random.Next(letters.Length)]}{letters[random.Next(letters.Length)]}");
    }
}
