using Hl7.Fhir.Model;
using Interop.Api.Audit;
using Interop.Api.Fhir;
using Interop.Api.Operations.GpConnect;
using Interop.Api.Security;
using Interop.Core.Fhir;
using Interop.Core.Known;
using Interop.Storage;
using Interop.Storage.Consent;
using Microsoft.EntityFrameworkCore;

namespace Interop.Api.Operations;

/// <summary>
/// <c>POST /fhir/Patient/$gpc.getstructuredrecord</c>: GP Connect Access Record: Structured (STU3,
/// GP Connect 1.6) over our R4 data, so hospital systems built for GP Connect can switch with
/// little work. Same Parameters body and error codes; R4 resources in the Bundle; our JWT and SMART
/// scopes instead of Spine's proxy and unsigned JWT (docs/gp-connect.md).
/// </summary>
public static class GpConnectOperation
{
    public static async Task<IResult> Handle(HttpContext http, FhirRequestBody body, ResourceStore store, ConditionalResolver resolver,
        AccessGuard guard, AuditScope audit, TimeProvider time, CancellationToken ct)
    {
        guard.Require("Patient", 'r');
        var now = time.GetUtcNow();
        var request = GpConnectParameterReader.Read(await body.ReadResourceAsync(http.Request, ct), UkToday(now));

        var access = guard.ReadAccessFor("Patient", 'r');
        var stored = await FindPatientAsync(request.NhsNumber, store, resolver, access, ct);
        var patient = (Patient)FhirSerialization.ParseStored(stored.Json!);
        if (patient.Active == false || patient.Deceased is FhirBoolean { Value: true } or FhirDateTime)
            throw PatientNotFound($"The patient with NHS number {request.NhsNumber} is not active or is deceased; GP Connect answers such records as not found.");

        // A blanket objection to sharing refuses the whole record (GP Connect NO_PATIENT_CONSENT), as a
        // read refuses one item; break-glass overrides it and the patient's own token is never refused.
        if (access.Consent is { PatientCaller: false, BreakGlass: false } consent
            && await ConsentFilter.BlanketDissent(store.Db, stored.ResourceId, consent).AnyAsync(ct))
        {
            audit.Patients.Add(stored.ResourceId);
            throw FhirException.Forbidden("The patient has declined to share their record with other organisations (NO_PATIENT_CONSENT). " +
                "In an emergency, break-glass is possible: purpose_of_use BTG with an X-Break-Glass-Reason header; it is audited and reviewed.",
                FhirErrorCode.NoPatientConsent);
        }

        var builder = new GpConnectRecordBuilder(store, resolver, guard, FhirRoutes.BaseUrl(http), ct);
        var response = FhirResponse.Of(await builder.BuildAsync(stored, patient, request, now));
        response.Headers["Cache-Control"] = "no-store"; // as GP Connect's provider response
        return response;
    }

    /// <summary>
    /// The one current Patient with this NHS number that the caller may see; anything else (no match,
    /// several matches, withheld by consent, another patient's record for a patient token) is 404
    /// PATIENT_NOT_FOUND, never saying which.
    /// </summary>
    private static async Task<StoredResource> FindPatientAsync(string nhsNumber, ResourceStore store, ConditionalResolver resolver, ReadAccess access, CancellationToken ct)
    {
        var matches = await resolver.FindAsync("Patient", $"identifier={KnownSystems.NhsNumber}|{nhsNumber}", ct);
        var notFound = PatientNotFound($"No patient record with NHS number {nhsNumber} is available to you.");
        if (matches.Count != 1) throw notFound;
        var stored = await store.ReadAsync("Patient", matches[0], ct, access);
        return stored is { IsDeleted: false, Json: not null } ? stored : throw notFound;
    }

    private static FhirException PatientNotFound(string message) =>
        new(404, Outcomes.Single(OperationOutcome.IssueType.NotFound, message, FhirErrorCode.PatientNotFound));

    /// <summary>Today in England, against which GP Connect's date rules ("not in the future") are judged.</summary>
    private static DateOnly UkToday(DateTimeOffset now)
    {
        try
        {
            return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById("Europe/London")).DateTime);
        }
        catch (TimeZoneNotFoundException)
        {
            return DateOnly.FromDateTime(now.UtcDateTime);
        }
    }
}
