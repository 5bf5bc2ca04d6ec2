using System.Text.Json.Serialization;

namespace Interop.Adapters.Gp;

/// <summary>One prescription issued under an authorisation (<c>medications[].issues[]</c>).</summary>
public sealed class GpMedicationIssue
{
    [JsonPropertyName("date")] public string? Date { get; set; }
    [JsonPropertyName("quantity")] public string? Quantity { get; set; }
}
