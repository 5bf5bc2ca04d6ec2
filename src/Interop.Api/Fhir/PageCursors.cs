using Interop.Api.Security;
using Interop.Core.Fhir;
using Interop.Storage.Search;

namespace Interop.Api.Fhir;

/// <summary>
/// Page links bound to the caller and the request, for search, history and <c>$everything</c>: a
/// <c>_page</c> value is sealed by <see cref="PageTokenCodec"/> (HMAC) over its position and a binding of
/// organisation, user, role, patient, purpose of use, path and query, so a cursor issued to another
/// caller or for another query, or altered, is refused with 400. Every page is still consent-checked on
/// its own; the binding means a link handed on grants nothing and cannot be replayed for other data.
/// </summary>
public static class PageCursors
{
    /// <summary>The identity a page link is bound to: who is asking, and for what.</summary>
    public static string Binding(RequestContext who, string path, string query) =>
        string.Join('\n', who.Organization, who.UserId, who.Role, who.PatientId ?? "", who.PurposeOfUse, path, query);

    /// <summary>A cursor for a keyset position (<paramref name="rowId"/>) and an instant fixed at the first page.</summary>
    public static string Issue(PageTokenCodec codec, long rowId, long instant, string binding) =>
        codec.Encode(new PageState(instant, rowId, []), binding);

    /// <summary>The position and instant of a cursor this server issued under <paramref name="binding"/>; otherwise 400.</summary>
    public static (long RowId, long Instant) Read(PageTokenCodec codec, string page, string binding)
    {
        if (codec.Decode(page, binding) is not { Keys.Count: 0 } state)
            throw FhirException.BadRequest(
                "_page is not a cursor this server issued for this request and caller; start again from the first page.", expression: "_page");
        return (state.LastRowId, state.Snapshot);
    }
}
