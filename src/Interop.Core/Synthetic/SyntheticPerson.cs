namespace Interop.Core.Synthetic;

/// <summary>
/// Demographics of one synthetic patient, shared by the FHIR and the HL7 v2 generators so that the
/// same seed and index give the same person in both.
/// </summary>
internal sealed record SyntheticPerson(
    int Index,
    string NhsNumber,
    bool Female,
    string? Prefix,
    IReadOnlyList<string> GivenNames,
    string FamilyName,
    DateOnly BirthDate,
    int AgeYears,
    string AddressLine,
    string PostalCode,
    string HomePhone,
    string? MobilePhone,
    SyntheticOrganization Practice,
    string HospitalNumber);
