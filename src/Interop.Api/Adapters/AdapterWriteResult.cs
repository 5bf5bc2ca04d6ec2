using Hl7.Fhir.Model;
using Interop.Api.Fhir;

namespace Interop.Api.Adapters;

/// <summary>
/// What storing one adapter transaction produced: the transaction as finally stored (entries may
/// have been rewritten, see <see cref="AdapterBundleWriter"/>), its transaction-response (entries
/// in the same order), and warnings for the sender (e.g. conflicting demographics, a record kept apart).
/// </summary>
public sealed record AdapterWriteResult(Bundle Transaction, BundleDocument Response, IReadOnlyList<OperationOutcome.IssueComponent> Warnings)
{
    /// <summary>The stored <c>Type/id</c> of the first entry of <paramref name="resourceType"/>, from its response location.</summary>
    public string? LocationOf(string resourceType)
    {
        for (var i = 0; i < Transaction.Entry.Count && i < Response.Entries.Count; i++)
        {
            if (Transaction.Entry[i].Resource?.TypeName != resourceType) continue;
            var location = Response.Entries[i].ResponseLocation;
            if (location is null) continue;
            var history = location.IndexOf("/_history", StringComparison.Ordinal);
            return history < 0 ? location : location[..history];
        }
        return null;
    }
}
