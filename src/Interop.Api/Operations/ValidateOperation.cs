using Hl7.Fhir.Model;
using Interop.Api.Fhir;
using Interop.Api.Security;
using Interop.Core.Fhir;
using Interop.Core.Validation;
using Interop.Storage;

namespace Interop.Api.Operations;

/// <summary>
/// <c>POST /fhir/{type}/$validate</c> and <c>POST /fhir/{type}/{id}/$validate</c> (FHIR R4
/// resource-operation-validate): the body is the resource, or a Parameters with <c>resource</c>
/// and optional <c>profile</c>. Answers 200 with an OperationOutcome listing every problem: the
/// operation ran, whatever it found. Validation mode settings do not apply here.
/// </summary>
public static class ValidateOperation
{
    public static async Task<IResult> Type(string type, HttpContext http, FhirRequestBody body, ProfileValidator validator, AccessGuard guard, CancellationToken ct)
    {
        FhirRoutes.RequireKnownType(type);
        guard.Require(type, 'r');
        return Validate(type, await body.ReadResourceAsync(http.Request, ct), http, validator);
    }

    public static async Task<IResult> Instance(string type, string id, HttpContext http, FhirRequestBody body, ProfileValidator validator, ResourceStore store, AccessGuard guard, CancellationToken ct)
    {
        FhirRoutes.RequireKnownType(type);
        FhirRoutes.RequireValidId(id);
        guard.Require(type, 'r');
        Resource resource;
        if (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            resource = await body.ReadResourceAsync(http.Request, ct);
        }
        else
        {
            var access = guard.ReadAccessFor(type, 'r');
            var stored = await store.ReadAsync(type, id, ct, access) ?? throw await CrudHandlers.NotVisibleAsync(store, type, id, null, access, ct);
            if (stored.IsDeleted) throw CrudHandlers.Deleted(stored);
            resource = FhirSerialization.ParseStored(stored.Json!);
        }
        return Validate(type, resource, http, validator);
    }

    private static IResult Validate(string type, Resource body, HttpContext http, ProfileValidator validator)
    {
        var profile = http.Request.Query["profile"].ToString() is { Length: > 0 } p ? p : null;
        var resource = body;
        if (body is Parameters parameters)
        {
            resource = parameters.Parameter.FirstOrDefault(x => x.Name == "resource")?.Resource
                ?? throw FhirException.BadRequest("A Parameters body for $validate needs a 'resource' parameter.");
            profile ??= (parameters.Parameter.FirstOrDefault(x => x.Name == "profile")?.Value as PrimitiveType)?.ToString();
        }
        if (resource.TypeName != type)
            throw FhirException.BadRequest($"The resource is a {resource.TypeName} but the URL is for {type}.", expression: "resourceType");
        return FhirResponse.Of(validator.Validate(resource, profile));
    }
}
