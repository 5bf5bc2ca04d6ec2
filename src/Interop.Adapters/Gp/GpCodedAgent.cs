using System.Text.Json.Serialization;

namespace Interop.Adapters.Gp;

/// <summary>A SNOMED-coded substance (<c>allergies[].agent</c>).</summary>
public sealed class GpCodedAgent
{
    [JsonPropertyName("snomed")] public string? Snomed { get; set; }
    [JsonPropertyName("term")] public string? Term { get; set; }
}
