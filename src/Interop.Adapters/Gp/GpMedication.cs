using System.Text.Json.Serialization;

namespace Interop.Adapters.Gp;

/// <summary>A medication authorisation (<c>medications[]</c>) with the prescriptions issued under it.</summary>
public sealed class GpMedication
{
    [JsonPropertyName("guid")] public string? Guid { get; set; }

    /// <summary>dm+d code (VMP/AMP...); required.</summary>
    [JsonPropertyName("dmd")] public string? Dmd { get; set; }

    [JsonPropertyName("term")] public string? Term { get; set; }
    [JsonPropertyName("dosage")] public string? Dosage { get; set; }

    /// <summary>Quantity per issue as the GP system shows it ("1 inhaler", "28 tablet").</summary>
    [JsonPropertyName("quantity")] public string? Quantity { get; set; }

    /// <summary><c>Acute</c>, <c>Repeat</c> or <c>Repeat dispensing</c>.</summary>
    [JsonPropertyName("type")] public string? Type { get; set; }

    [JsonPropertyName("authorisedDate")] public string? AuthorisedDate { get; set; }
    [JsonPropertyName("reviewDate")] public string? ReviewDate { get; set; }

    /// <summary>Guid of the problem this medication treats.</summary>
    [JsonPropertyName("linkedProblem")] public string? LinkedProblem { get; set; }

    [JsonPropertyName("issues")] public List<GpMedicationIssue?> Issues { get; set; } = [];

    /// <summary><c>Active</c> (default), <c>Completed</c>/<c>Ended</c> or <c>Stopped</c>/<c>Cancelled</c>.</summary>
    [JsonPropertyName("status")] public string? Status { get; set; }

    [JsonPropertyName("confidential")] public bool? Confidential { get; set; }
    [JsonPropertyName("sensitivity")] public string? Sensitivity { get; set; }
}
