namespace Interop.Adapters.Council;

/// <summary>The service (package of care) arranged after the assessment; becomes an <c>EpisodeOfCare</c>.</summary>
/// <param name="Component">CLD Service Component code (e.g. <c>HS</c> home support).</param>
/// <param name="Type">CLD Service Type code (e.g. <c>LTS-C</c> long-term support: community), optional.</param>
/// <param name="Start">First day of the service, when known.</param>
/// <param name="End">Last day of the service, when it has ended or an end is planned.</param>
/// <param name="Status">FHIR <c>EpisodeOfCare.status</c> code.</param>
public sealed record CouncilService(string Component, string? Type, DateOnly? Start, DateOnly? End, string Status);
