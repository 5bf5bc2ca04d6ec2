using System.Text.Json.Serialization;

namespace Interop.Adapters.Gp;

/// <summary>The patient's usual GP (<c>patient.usualGp</c>).</summary>
public sealed class GpUsualGp
{
    /// <summary>GMP ("G") code of the GP; required when <c>usualGp</c> is present.</summary>
    [JsonPropertyName("gmpCode")] public string? GmpCode { get; set; }

    /// <summary>Display name as the GP system holds it ("Dr A Jones").</summary>
    [JsonPropertyName("name")] public string? Name { get; set; }
}
