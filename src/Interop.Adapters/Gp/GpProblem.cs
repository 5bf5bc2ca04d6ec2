using System.Text.Json.Serialization;

namespace Interop.Adapters.Gp;

/// <summary>A problem-list entry (<c>problems[]</c>).</summary>
public sealed class GpProblem
{
    [JsonPropertyName("guid")] public string? Guid { get; set; }
    [JsonPropertyName("snomed")] public string? Snomed { get; set; }

    /// <summary>SNOMED CT description id of the term the clinician picked.</summary>
    [JsonPropertyName("descId")] public string? DescId { get; set; }

    [JsonPropertyName("term")] public string? Term { get; set; }

    /// <summary><c>Active</c>, <c>Inactive</c> or <c>Resolved</c>; required.</summary>
    [JsonPropertyName("status")] public string? Status { get; set; }

    /// <summary><c>Major</c> or <c>Minor</c>.</summary>
    [JsonPropertyName("significance")] public string? Significance { get; set; }

    /// <summary><c>First</c>, <c>New</c>, <c>Review</c> or <c>End</c>.</summary>
    [JsonPropertyName("episodicity")] public string? Episodicity { get; set; }

    [JsonPropertyName("onset")] public string? Onset { get; set; }
    [JsonPropertyName("recorded")] public string? Recorded { get; set; }

    /// <summary>GMP code of the clinician who recorded it.</summary>
    [JsonPropertyName("recordedBy")] public string? RecordedBy { get; set; }

    [JsonPropertyName("confidential")] public bool? Confidential { get; set; }

    /// <summary>Sensitive class (exclusion-refset membership), e.g. <c>PSY</c>, <c>STD</c>, <c>ivf</c>.</summary>
    [JsonPropertyName("sensitivity")] public string? Sensitivity { get; set; }
}
