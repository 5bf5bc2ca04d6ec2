using System.Text.Json.Serialization;

namespace Interop.Adapters.Gp;

/// <summary>A coded observation or measurement (<c>observations[]</c>).</summary>
public sealed class GpObservation
{
    [JsonPropertyName("guid")] public string? Guid { get; set; }
    [JsonPropertyName("snomed")] public string? Snomed { get; set; }
    [JsonPropertyName("term")] public string? Term { get; set; }
    [JsonPropertyName("value")] public decimal? Value { get; set; }
    [JsonPropertyName("unit")] public string? Unit { get; set; }
    [JsonPropertyName("effective")] public string? Effective { get; set; }
    [JsonPropertyName("linkedProblem")] public string? LinkedProblem { get; set; }
    [JsonPropertyName("confidential")] public bool? Confidential { get; set; }
    [JsonPropertyName("sensitivity")] public string? Sensitivity { get; set; }
}
