using System.ComponentModel.DataAnnotations;

namespace Interop.Api.Fhir;

/// <summary>Configuration section <c>Fhir</c>: limits and defaults of the REST API.</summary>
public sealed class FhirOptions
{
    public const string SectionName = "Fhir";

    /// <summary>Largest request body accepted on /fhir (413 TOO_LARGE above it).</summary>
    [Range(1024, 1_073_741_824)]
    public long MaxBodyBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Most entries in one transaction or batch Bundle (413 above it).</summary>
    [Range(1, 1_000_000)]
    public int MaxBundleEntries { get; set; } = 10_000;

    [Range(1, 1000)]
    public int DefaultPageSize { get; set; } = 20;

    [Range(1, 10_000)]
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>Base URL written into fullUrl and links; when empty, taken from the request.</summary>
    public string? PublicBaseUrl { get; set; }
}
