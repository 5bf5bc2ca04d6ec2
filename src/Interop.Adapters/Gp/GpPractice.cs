using System.Text.Json.Serialization;

namespace Interop.Adapters.Gp;

/// <summary>The practice that produced the extract (<c>practice</c>).</summary>
public sealed class GpPractice
{
    /// <summary>ODS organisation code of the practice; required. Scopes every record guid in the extract.</summary>
    [JsonPropertyName("odsCode")] public string? OdsCode { get; set; }

    /// <summary>
    /// The practice's name, when the extract carries it (optional: the documented extract shape does not). The
    /// mapped Organization needs a name (InteropOrganization), so without one it is called "GP practice {ODS code}".
    /// </summary>
    [JsonPropertyName("name")] public string? Name { get; set; }

    /// <summary>Clinical system name (e.g. "EMIS Web"); informational.</summary>
    [JsonPropertyName("system")] public string? System { get; set; }
}
