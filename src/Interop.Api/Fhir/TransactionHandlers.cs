using Hl7.Fhir.Model;
using Interop.Core.Fhir;

namespace Interop.Api.Fhir;

/// <summary><c>POST /fhir</c>: transaction and batch Bundles.</summary>
public static class TransactionHandlers
{
    public static async Task<IResult> Process(HttpContext http, FhirRequestBody body, BundleProcessor processor, CancellationToken ct)
    {
        var resource = await body.ReadResourceAsync(http.Request, ct);
        if (resource is not Bundle bundle)
            throw FhirException.BadRequest($"POST /fhir takes a Bundle, not a {resource.TypeName}.", expression: "resourceType");
        return FhirResponse.Of(await processor.ProcessAsync(bundle, http, ct));
    }
}
