namespace Interop.Core.Fhir;

/// <summary>
/// The detail codes of <c>https://interop.example/CodeSystem/error</c> that partner systems code
/// against (contracts.md, "Errors"). Kept as strings so they appear verbatim in OperationOutcome.
/// </summary>
public static class FhirErrorCode
{
    public const string InvalidRequest = "INVALID_REQUEST";
    public const string InvalidNhsNumber = "INVALID_NHS_NUMBER";
    public const string InvalidParameter = "INVALID_PARAMETER";
    public const string Unauthenticated = "UNAUTHENTICATED";
    public const string InsufficientScope = "INSUFFICIENT_SCOPE";
    public const string NoPatientConsent = "NO_PATIENT_CONSENT";
    public const string BreakGlassReasonRequired = "BREAK_GLASS_REASON_REQUIRED";
    public const string ResourceNotFound = "RESOURCE_NOT_FOUND";
    public const string PatientNotFound = "PATIENT_NOT_FOUND";
    public const string VersionConflict = "VERSION_CONFLICT";
    public const string ResourceDeleted = "RESOURCE_DELETED";
    public const string TooLarge = "TOO_LARGE";
    public const string UnsupportedFormat = "UNSUPPORTED_FORMAT";
    public const string ProfileViolation = "PROFILE_VIOLATION";
    public const string InternalError = "INTERNAL_ERROR";
    public const string OrganisationNotRegistered = "ORGANISATION_NOT_REGISTERED";
    public const string TooManyRequests = "TOO_MANY_REQUESTS";
}
