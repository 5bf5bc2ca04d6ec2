using System.Text.Json.Serialization;

namespace Interop.Adapters.Gp;

/// <summary>An allergy or adverse reaction (<c>allergies[]</c>).</summary>
public sealed class GpAllergy
{
    [JsonPropertyName("guid")] public string? Guid { get; set; }
    [JsonPropertyName("snomed")] public string? Snomed { get; set; }
    [JsonPropertyName("term")] public string? Term { get; set; }

    /// <summary>The causative substance.</summary>
    [JsonPropertyName("agent")] public GpCodedAgent? Agent { get; set; }

    /// <summary>Free-text manifestation ("Urticarial rash").</summary>
    [JsonPropertyName("reaction")] public string? Reaction { get; set; }

    /// <summary><c>Mild</c>, <c>Moderate</c> or <c>Severe</c>.</summary>
    [JsonPropertyName("severity")] public string? Severity { get; set; }

    /// <summary><c>Active</c> (default), <c>Inactive</c> or <c>Resolved</c>.</summary>
    [JsonPropertyName("status")] public string? Status { get; set; }

    [JsonPropertyName("recorded")] public string? Recorded { get; set; }
    [JsonPropertyName("recordedBy")] public string? RecordedBy { get; set; }
    [JsonPropertyName("confidential")] public bool? Confidential { get; set; }
    [JsonPropertyName("sensitivity")] public string? Sensitivity { get; set; }
}
