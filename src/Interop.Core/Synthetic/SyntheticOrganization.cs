namespace Interop.Core.Synthetic;

/// <summary>
/// One organisation of the synthetic city: a GP practice, a hospital trust or the council.
/// <paramref name="Type"/> is a code of <c>KnownSystems.OrganisationType</c>
/// (<c>gp-practice</c>, <c>hospital-trust</c>, <c>council</c>).
/// </summary>
public sealed record SyntheticOrganization(
    string OdsCode, string Name, string Type, string AddressLine, string PostalCode, string Phone);
