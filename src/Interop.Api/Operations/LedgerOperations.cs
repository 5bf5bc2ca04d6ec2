using Hl7.Fhir.Model;
using Interop.Api.Fhir;
using Interop.Api.Security;
using Interop.Storage.Consent;

namespace Interop.Api.Operations;

/// <summary><c>GET /fhir/$verify-ledger</c>: recomputes the consent ledger's hash chain (contracts.md, "Operations").</summary>
public static class LedgerOperations
{
    public static async Task<IResult> Verify(ConsentLedger ledger, AccessGuard guard, CancellationToken ct)
    {
        guard.Require("Consent", 'r');
        var result = await ledger.VerifyAsync(ct);
        var parameters = new Parameters();
        parameters.Add("valid", new FhirBoolean(result.Valid));
        parameters.Add("entries", new Integer((int)result.Entries));
        parameters.Add("head", new FhirString(result.Head));
        if (result.FirstInvalidSequence is { } bad)
        {
            parameters.Add("firstInvalidSequence", new Integer((int)bad));
            parameters.Add("problem", new FhirString(result.Problem));
        }
        return FhirResponse.Of(parameters);
    }
}
