using System.Text.Json.Serialization;

namespace Interop.Adapters.Gp;

/// <summary>A consultation (<c>consultations[]</c>) and the guids of the entries recorded in it.</summary>
public sealed class GpConsultation
{
    [JsonPropertyName("guid")] public string? Guid { get; set; }
    [JsonPropertyName("date")] public string? Date { get; set; }

    /// <summary>GMP code of the clinician seen.</summary>
    [JsonPropertyName("clinician")] public string? Clinician { get; set; }

    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("items")] public List<string?> Items { get; set; } = [];
    [JsonPropertyName("confidential")] public bool? Confidential { get; set; }
    [JsonPropertyName("sensitivity")] public string? Sensitivity { get; set; }
}
