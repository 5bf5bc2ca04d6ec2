namespace Interop.Core.Synthetic;

/// <summary>
/// The fixed organisations of the synthetic city. Trust codes and the council's ONS code are the real
/// Liverpool ones so demos read naturally; the GP practices use ODS-style <c>N82nnn</c> codes (the Liverpool
/// prefix) with invented names. Addresses and phone numbers are invented (phones in Ofcom's drama range).
/// </summary>
internal static class SyntheticOrganizationCatalog
{
    public const string GpPractice = "gp-practice";
    public const string HospitalTrust = "hospital-trust";
    public const string Council = "council";

    public static readonly IReadOnlyList<SyntheticOrganization> GpPractices =
    [
        new("N82001", "Bold Street Medical Centre", GpPractice, "41 Bold Street", "L1 4DN", "0151 496 0101"),
        new("N82002", "Smithdown Road Surgery", GpPractice, "210 Smithdown Road", "L15 3JT", "0151 496 0102"),
        new("N82003", "Anfield Health Centre", GpPractice, "12 Walton Breck Road", "L4 0RG", "0151 496 0103"),
        new("N82004", "Allerton Family Practice", GpPractice, "88 Allerton Road", "L18 2DA", "0151 496 0104"),
        new("N82005", "Kensington Park Surgery", GpPractice, "5 Kensington", "L7 8XB", "0151 496 0105"),
        new("N82006", "Walton Village Medical Practice", GpPractice, "140 County Road", "L4 5PH", "0151 496 0106"),
        new("N82007", "Aigburth Riverside Surgery", GpPractice, "301 Aigburth Road", "L17 0BJ", "0151 496 0107"),
        new("N82008", "West Derby Green Practice", GpPractice, "2 Almonds Green", "L12 5HP", "0151 496 0108"),
        new("N82009", "Garston Shore Health Centre", GpPractice, "60 St Mary's Road", "L19 2NA", "0151 496 0109"),
        new("N82010", "Norris Green Medical Centre", GpPractice, "9 Broad Lane", "L11 1AB", "0151 496 0110"),
        new("N82011", "Toxteth Park Surgery", GpPractice, "77 Lodge Lane", "L8 0QE", "0151 496 0111"),
        new("N82012", "Speke Hall Road Surgery", GpPractice, "15 Central Avenue", "L24 2SD", "0151 496 0112"),
    ];

    public static readonly IReadOnlyList<SyntheticOrganization> HospitalTrusts =
    [
        new("REM", "Liverpool University Hospitals NHS Foundation Trust", HospitalTrust, "Prescot Street", "L7 8XP", "0151 496 0201"),
        new("RQ6", "Royal Liverpool and Broadgreen University Hospitals NHS Trust", HospitalTrust, "Thomas Drive", "L14 3LB", "0151 496 0202"),
        new("RBQ", "Liverpool Heart and Chest Hospital NHS Foundation Trust", HospitalTrust, "Thomas Drive", "L14 3PE", "0151 496 0203"),
        new("REP", "Liverpool Women's NHS Foundation Trust", HospitalTrust, "Crown Street", "L8 7SS", "0151 496 0204"),
        new("RBS", "Alder Hey Children's NHS Foundation Trust", HospitalTrust, "East Prescot Road", "L14 5AB", "0151 496 0205"),
    ];

    /// <summary>
    /// The council carries its ONS local-authority code (E08000012, Liverpool) under the ODS identifier
    /// system, so every organisation is found the same way by conditional reference.
    /// </summary>
    public static readonly SyntheticOrganization CityCouncil =
        new("E08000012", "Liverpool City Council Adult Social Care", Council, "Cunard Building, Water Street", "L3 1AH", "0151 496 0301");

    public static readonly IReadOnlyList<SyntheticOrganization> All =
        [.. GpPractices, .. HospitalTrusts, CityCouncil];

    /// <summary>The general acute trusts that take A&amp;E attendances and most admissions.</summary>
    public static readonly IReadOnlyList<SyntheticOrganization> AcuteTrusts = [HospitalTrusts[0], HospitalTrusts[1]];

    public static SyntheticOrganization HeartAndChest => HospitalTrusts[2];
    public static SyntheticOrganization Womens => HospitalTrusts[3];
    public static SyntheticOrganization Childrens => HospitalTrusts[4];
}
