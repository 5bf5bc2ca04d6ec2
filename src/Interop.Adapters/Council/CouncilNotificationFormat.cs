namespace Interop.Adapters.Council;

/// <summary>Body of a discharge notification: a FHIR <c>collection</c> Bundle, or the council JSON shape.</summary>
public enum CouncilNotificationFormat
{
    Fhir,
    Json,
}
