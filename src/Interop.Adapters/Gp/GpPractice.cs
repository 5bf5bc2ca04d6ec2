using System.Text.Json.Serialization;

namespace Interop.Adapters.Gp;

/// <summary>The practice that produced the extract (<c>practice</c>).</summary>
public sealed class GpPractice
{
    /// <summary>ODS organisation code of the practice; required. Scopes every record guid in the extract.</summary>
    [JsonPropertyName("odsCode")] public string? OdsCode { get; set; }

    /// <summary>Clinical system name (e.g. "EMIS Web"); informational.</summary>
    [JsonPropertyName("system")] public string? System { get; set; }
}
