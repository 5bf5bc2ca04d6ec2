using Hl7.Fhir.Model;
using Interop.Api.Fhir;
using Interop.Storage;

namespace Interop.Api.Adapters;

/// <summary>
/// Hands an adapter's transaction Bundle to the same transaction path a FHIR client uses
/// (architecture decision 9: <see cref="BundleProcessor"/>, all or nothing, scope checks per
/// entry), after two adapter-specific rewrites made inside the same locked database transaction:
/// Organization entries for callers that may not register organisations
/// (<see cref="OrganizationEntryRewriter"/>) and Patient entries, pointed at the stored Patient
/// they belong to or kept apart when their NHS number is not verified on both sides
/// (<see cref="PatientMatchGuard"/>).
/// </summary>
public sealed class AdapterBundleWriter(ResourceStore store, BundleProcessor processor, OrganizationEntryRewriter organizations, PatientMatchGuard patients)
{
    /// <summary>
    /// Stores <paramref name="transaction"/> in one database transaction (joining one already open,
    /// so a caller can add work such as an outbox row or an HL7 de-duplication row to the same
    /// commit). <paramref name="source"/> names the sender in warnings and Flags.
    /// </summary>
    /// <exception cref="Interop.Core.Fhir.FhirException">The Bundle could not be stored (nothing was).</exception>
    public Task<AdapterWriteResult> WriteAsync(Bundle transaction, string source, HttpContext http, CancellationToken ct) =>
        store.InTransactionAsync(async () =>
        {
            await organizations.RewriteAsync(transaction, ct);
            var warnings = await patients.CheckAsync(transaction, source, ct);
            var response = await processor.ProcessAsync(transaction, http, ct);
            return new AdapterWriteResult(transaction, response, warnings);
        }, ct);
}
