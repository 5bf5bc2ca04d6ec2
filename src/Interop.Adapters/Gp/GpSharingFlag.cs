using System.Text.Json.Serialization;

namespace Interop.Adapters.Gp;

/// <summary>
/// A GP-recorded consent or dissent code (<c>patient.sharingFlags[]</c>), e.g. SNOMED <c>416409005</c>
/// "Refused consent for upload to local shared electronic record".
/// </summary>
public sealed class GpSharingFlag
{
    [JsonPropertyName("snomed")] public string? Snomed { get; set; }
    [JsonPropertyName("recorded")] public string? Recorded { get; set; }
    [JsonPropertyName("term")] public string? Term { get; set; }
}
