using System.Text;
using Hl7.Fhir.Model;
using Interop.Api.Security;
using Interop.Core.Fhir;
using Interop.Core.Patch;
using Interop.Storage;

namespace Interop.Api.Fhir;

/// <summary>
/// <c>PATCH /fhir/{type}/{id}</c> and conditional <c>PATCH /fhir/{type}?criteria</c> with JSON Patch
/// (<c>application/json-patch+json</c>) or FHIRPath Patch (a Parameters body), FHIR R4 http.html#patch.
/// The patched resource is stored as a new version against the version it was patched from, so a
/// concurrent change makes the patch fail (412) rather than be lost. It shares a commit with other
/// requests' writes (<see cref="WriteCommitter"/>), Consents and SearchParameters aside.
/// </summary>
public static class PatchHandlers
{
    public static async Task<IResult> Patch(string type, string id, HttpContext http, FhirRequestBody body, ResourceStore store, WriteCommitter committer, AccessGuard guard, WriteValidation validation, CancellationToken ct)
    {
        FhirRoutes.RequireKnownType(type);
        FhirRoutes.RequireValidId(id);
        return await PatchAsync(type, id, http, body, store, committer, guard, validation, ct);
    }

    public static async Task<IResult> ConditionalPatch(string type, HttpContext http, FhirRequestBody body, ResourceStore store, WriteCommitter committer, ConditionalResolver resolver, AccessGuard guard, WriteValidation validation, CancellationToken ct)
    {
        FhirRoutes.RequireKnownType(type);
        var criteria = http.Request.QueryString.Value ?? "";
        var matches = await resolver.FindAsync(type, criteria, ct);
        if (matches.Count == 0) throw FhirException.NotFound($"No {type} matches '{criteria}'.");
        if (matches.Count > 1) throw FhirException.PreconditionFailed($"The criteria '{criteria}' match more than one {type}.");
        // A match the caller may not read answers exactly as no match (its id is never named).
        if (!await guard.MayChangeAsync(store, type, matches[0], ct)) throw FhirException.NotFound($"No {type} matches '{criteria}'.");
        return await PatchAsync(type, matches[0], http, body, store, committer, guard, validation, ct);
    }

    private static async Task<IResult> PatchAsync(string type, string id, HttpContext http, FhirRequestBody body, ResourceStore store, WriteCommitter committer, AccessGuard guard, WriteValidation validation, CancellationToken ct)
    {
        var bytes = await body.ReadBytesAsync(http.Request, ct);
        var access = guard.ReadAccessFor(type, 'u');
        var current = await store.ReadAsync(type, id, ct, access) ?? throw await CrudHandlers.NotVisibleAsync(store, type, id, null, access, ct);
        if (current.IsDeleted) throw CrudHandlers.Deleted(current);
        var ifMatch = FhirRoutes.IfMatchVersion(http.Request);
        if (ifMatch is { } expected && expected != current.VersionId)
            throw FhirException.PreconditionFailed($"If-Match names version {expected} but {type}/{id} is at version {current.VersionId}.");

        Resource patched;
        var contentType = http.Request.ContentType ?? "";
        if (contentType.StartsWith(JsonPatch.MediaType, StringComparison.OrdinalIgnoreCase))
        {
            var json = JsonPatch.Apply(current.Json!, Encoding.UTF8.GetString(bytes));
            patched = FhirSerialization.Parse(Encoding.UTF8.GetBytes(json), FhirFormat.Json);
        }
        else
        {
            var format = FhirMediaTypes.RequestFormat(http.Request, bytes);
            if (FhirSerialization.Parse(bytes, format) is not Parameters parameters)
                throw FhirException.BadRequest("A FHIRPath Patch body is a Parameters resource (or send application/json-patch+json).");
            patched = FhirPathPatch.Apply(FhirSerialization.ParseStored(current.Json!), parameters);
        }
        if (patched.TypeName != type || patched.Id != id)
            throw FhirException.Unprocessable(Outcomes.Single(OperationOutcome.IssueType.Invalid, "A patch may not change resourceType or id.", FhirErrorCode.InvalidRequest));
        CrudHandlers.RequireInOwnCompartment(patched, guard.ConfinedPatient(type, 'u'));
        validation.Check(patched);

        // Stored against the version it was patched from: a concurrent update makes this one fail.
        var context = CrudHandlers.WriteContextFor(http);
        var (stored, _) = WriteCommitter.Queues(type)
            ? await committer.UpdateAsync(patched, current.VersionId, context, "PATCH")
            : await store.UpdateAsync(patched, current.VersionId, context, "PATCH", ct);
        return FhirResponse.ForWrite(http.Request, stored, 200, FhirRoutes.BaseUrl(http), $"Patched {type}/{id} to version {stored.VersionId}.");
    }
}
