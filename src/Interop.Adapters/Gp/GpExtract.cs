using System.Text.Json.Serialization;

namespace Interop.Adapters.Gp;

/// <summary>
/// A GP system's native export of one patient's record (domain notes section 6.1): the practice, the patient
/// with their GP-recorded sharing preferences, and the problem, allergy, medication, observation and consultation
/// lists. Dates stay strings here because GP records hold partial dates ("1998-04") that FHIR keeps as-is;
/// <see cref="GpExtractReader"/> checks them.
/// </summary>
public sealed class GpExtract
{
    [JsonPropertyName("practice")] public GpPractice? Practice { get; set; }
    [JsonPropertyName("patient")] public GpPatient? Patient { get; set; }
    [JsonPropertyName("problems")] public List<GpProblem?> Problems { get; set; } = [];
    [JsonPropertyName("allergies")] public List<GpAllergy?> Allergies { get; set; } = [];
    [JsonPropertyName("medications")] public List<GpMedication?> Medications { get; set; } = [];
    [JsonPropertyName("observations")] public List<GpObservation?> Observations { get; set; } = [];
    [JsonPropertyName("consultations")] public List<GpConsultation?> Consultations { get; set; } = [];
}
