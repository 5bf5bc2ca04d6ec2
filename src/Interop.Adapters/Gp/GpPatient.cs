using System.Text.Json.Serialization;

namespace Interop.Adapters.Gp;

/// <summary>The registered patient (<c>patient</c>).</summary>
public sealed class GpPatient
{
    /// <summary>NHS number (spaces allowed); required and Modulus 11 checked.</summary>
    [JsonPropertyName("nhsNumber")] public string? NhsNumber { get; set; }

    /// <summary>NHS number verification status, England codes <c>01</c>..<c>08</c> (domain notes 2.3).</summary>
    [JsonPropertyName("nhsNumberStatus")] public string? NhsNumberStatus { get; set; }

    /// <summary>The GP system's own patient id.</summary>
    [JsonPropertyName("localId")] public string? LocalId { get; set; }

    [JsonPropertyName("familyName")] public string? FamilyName { get; set; }
    [JsonPropertyName("givenNames")] public List<string> GivenNames { get; set; } = [];

    /// <summary>Date of birth, <c>YYYY-MM-DD</c> (partial dates allowed).</summary>
    [JsonPropertyName("dob")] public string? Dob { get; set; }

    /// <summary><c>M</c>, <c>F</c>, <c>I</c> (indeterminate) or <c>U</c> (unknown).</summary>
    [JsonPropertyName("sex")] public string? Sex { get; set; }

    [JsonPropertyName("postcode")] public string? Postcode { get; set; }
    [JsonPropertyName("usualGp")] public GpUsualGp? UsualGp { get; set; }

    /// <summary>GP-coded consent and dissent entries for record sharing (domain notes 3.1).</summary>
    [JsonPropertyName("sharingFlags")] public List<GpSharingFlag?> SharingFlags { get; set; } = [];
}
