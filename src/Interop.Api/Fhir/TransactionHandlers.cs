using Hl7.Fhir.Model;
using Interop.Core.Fhir;

namespace Interop.Api.Fhir;

/// <summary><c>POST /fhir</c>: transaction and batch Bundles.</summary>
public static class TransactionHandlers
{
    public static async Task<IResult> Process(HttpContext http, FhirRequestBody body, BundleProcessor processor, TransactionAdmission admission, CancellationToken ct)
    {
        // The body is received first (a slow client holds no slot), then parsed and processed in one.
        var bytes = await body.ReadBytesAsync(http.Request, ct);
        using var slot = await admission.EnterAsync(ct);
        var resource = FhirRequestBody.Parse(http.Request, bytes);
        if (resource is not Bundle bundle)
            throw FhirException.BadRequest($"POST /fhir takes a Bundle, not a {resource.TypeName}.", expression: "resourceType");
        return FhirResponse.Of(await processor.ProcessAsync(bundle, http, ct));
    }
}
