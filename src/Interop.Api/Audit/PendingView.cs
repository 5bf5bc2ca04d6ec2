using System.Text.Json;
using System.Text.Json.Serialization;
using Hl7.Fhir.Model;

namespace Interop.Api.Audit;

/// <summary>
/// What a row of <c>audit_view_sources</c> keeps of a patient's view of an access until it is stored
/// as an AuditEvent (decision 0008): the access as the view shows it (its journal entry without what
/// only the full event names), the consent ledger entries in force for the patient, and the items of
/// their own record the view names, all decided when the access is materialised. The AuditEvent is
/// built from it (<see cref="AuditEventBuilder.BuildPatientView"/>) when the view is stored, exactly as
/// it would have been built then. About 400 bytes where the view's FHIR JSON took 2 KB, which on
/// SQLite's 4 KB pages filled a page a row.
/// </summary>
/// <remarks>
/// <paramref name="MergedFrom"/>: the access was to records an ADT^A40 merge had folded into this
/// patient's (retired patient ids), not to this patient's own; the view says so.
/// </remarks>
public sealed record PendingView(AuditEntry Access, long[] Ledger, PendingViewItem[] Items, string[]? MergedFrom = null)
{
    /// <summary>
    /// The row's JSON for a patient's view of <paramref name="entry"/>, naming <paramref name="own"/> of
    /// their record (and, with <paramref name="mergedFrom"/>, the retired records it concerned).
    /// </summary>
    public static string ToJson(AuditEntry entry, IReadOnlyCollection<long> ledger, IReadOnlyCollection<(string Type, string Id)> own, string[]? mergedFrom = null)
    {
        // Only what BuildPatientView reads is kept: no released rows or other patients, no token id,
        // host or request line, and not the break-glass reason's text (the view says only that it was one).
        var access = entry with
        {
            ReleasedRows = [],
            Patients = [],
            TokenId = null,
            Host = "",
            Path = "",
            Query = "",
            BreakGlassReason = entry.IsBreakGlass ? "(in the full event)" : null,
        };
        var view = new PendingView(access, [.. ledger], [.. own.Select(o => new PendingViewItem(o.Type, o.Id))], mergedFrom);
        return JsonSerializer.Serialize(view, PendingViewJson.Default.PendingView);
    }

    /// <summary>
    /// The view a row of <c>audit_view_sources</c> holds, as an AuditEvent for <paramref name="patient"/>.
    /// (Rows of <c>audit_pending_views</c> hold the view's own FHIR JSON and are read as they are.)
    /// </summary>
    public static AuditEvent ToAuditEvent(string json, string patient)
    {
        var view = JsonSerializer.Deserialize(json, PendingViewJson.Default.PendingView) ?? throw new JsonException("A pending view is empty.");
        return AuditEventBuilder.BuildPatientView(view.Access, patient, view.Ledger, [.. view.Items.Select(i => (i.Type, i.Id))], view.MergedFrom);
    }
}

/// <summary>An item of the patient's own record that a pending view names.</summary>
public sealed record PendingViewItem(string Type, string Id);

/// <summary>Source-generated JSON for <see cref="PendingView"/>.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(PendingView))]
internal sealed partial class PendingViewJson : JsonSerializerContext;
