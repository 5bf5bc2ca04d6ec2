namespace Interop.Core.Fhir;

/// <summary>The two wire formats the gateway speaks (FHIR R4 http.html#mime-type).</summary>
public enum FhirFormat
{
    Json,
    Xml,
}
