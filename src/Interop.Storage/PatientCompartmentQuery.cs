using Interop.Storage.Consent;
using Interop.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Interop.Storage;

/// <summary>
/// "Rows in this patient's compartment" as a query predicate. Written as
/// <c>Id IN (SELECT ResourceRowId FROM resource_compartments WHERE PatientId = @p)</c> rather than
/// a correlated <c>EXISTS</c>: with <c>EXISTS</c> SQLite walks every current row of the requested
/// types and probes the compartment table for each (the cost grows with the whole database), while
/// the <c>IN</c> form lets it start from the patient's few compartment rows and fetch each version by
/// its key. PostgreSQL plans both forms as a semi-join.
/// </summary>
/// <remarks>
/// A compartment row carries its resource's type, and the index is <c>(PatientId, ResourceType,
/// ResourceRowId)</c>, so a caller that knows which types it wants should say so
/// (<see cref="InPatientCompartment(IQueryable{ResourceVersionRow}, InteropDbContext, string, IReadOnlyCollection{string})"/>):
/// the subquery then lists only those rows from the index, instead of every row of the patient's
/// compartment, each fetched to test its type. That matters because every access to a record adds
/// an AuditEvent to the patient's compartment: after a year of use they outnumber the clinical rows.
/// </remarks>
public static class PatientCompartmentQuery
{
    public static IQueryable<ResourceVersionRow> InPatientCompartment(this IQueryable<ResourceVersionRow> rows, InteropDbContext db, string patientId)
    {
        var members = db.Compartments.Where(c => c.PatientId == patientId).Select(c => c.ResourceRowId);
        return rows.Where(r => members.Contains(r.Id));
    }

    /// <summary>
    /// Rows of <paramref name="types"/> in the patient's compartment. The types are written into the
    /// SQL as literals (<see cref="ConstantListInliner"/>), so keep the list fixed per kind of caller.
    /// </summary>
    /// <remarks>
    /// Compartment rows with no type (<c>''</c>) are taken too, and the versions' own type decides: a
    /// replica of the release before the column, still running during a rolling upgrade, writes them
    /// so, and a summary must not lose what it wrote. It costs one more index seek.
    /// </remarks>
    public static IQueryable<ResourceVersionRow> InPatientCompartment(this IQueryable<ResourceVersionRow> rows, InteropDbContext db, string patientId,
        IReadOnlyCollection<string> types)
    {
        var list = types.ToArray();
        var members = MembersOfTypes(db, patientId, list);
        return rows.Where(r => members.Contains(r.Id)).Where(ConstantListInliner.Inline<ResourceVersionRow>(r => list.Contains(r.ResourceType)));
    }

    /// <summary>
    /// The version row ids the patient's compartment files under <paramref name="types"/>, and those it
    /// files under no type (see the remarks above: the caller tests the version's own type).
    /// </summary>
    public static IQueryable<long> MembersOfTypes(InteropDbContext db, string patientId, IReadOnlyCollection<string> types)
    {
        var listOrUntyped = types.Append("").Distinct(StringComparer.Ordinal).ToArray();
        return db.Compartments.Where(c => c.PatientId == patientId)
            .Where(ConstantListInliner.Inline<CompartmentRow>(c => listOrUntyped.Contains(c.ResourceType)))
            .Select(c => c.ResourceRowId);
    }

    /// <summary>
    /// Rows of <paramref name="types"/> in the patient's compartment, for a type list the request chose
    /// (<c>$everything</c>'s <c>_type</c>): each list goes as one array parameter (json_each on SQLite,
    /// <c>= ANY</c> on PostgreSQL), so every combination shares one statement, where literals
    /// (<see cref="InPatientCompartment(IQueryable{ResourceVersionRow}, InteropDbContext, string, IReadOnlyCollection{string})"/>)
    /// would make EF Core compile and cache one per combination. The index is searched per type as there;
    /// untyped rows are taken too.
    /// </summary>
    public static IQueryable<ResourceVersionRow> InPatientCompartmentOfRequestedTypes(this IQueryable<ResourceVersionRow> rows, InteropDbContext db,
        string patientId, IReadOnlyCollection<string> types)
    {
        var list = types.Distinct(StringComparer.Ordinal).ToArray();
        var listOrUntyped = list.Append("").ToArray();
        var members = db.Compartments.Where(c => c.PatientId == patientId && EF.Parameter(listOrUntyped).Contains(c.ResourceType)).Select(c => c.ResourceRowId);
        return rows.Where(r => members.Contains(r.Id) && EF.Parameter(list).Contains(r.ResourceType));
    }

    /// <summary>Rows in the patient's compartment other than those of <paramref name="type"/> (for <c>$everything</c>, the AuditEvents).</summary>
    public static IQueryable<ResourceVersionRow> InPatientCompartmentExcept(this IQueryable<ResourceVersionRow> rows, InteropDbContext db, string patientId, string type)
    {
        var members = db.Compartments.Where(c => c.PatientId == patientId && c.ResourceType != type).Select(c => c.ResourceRowId);
        return rows.Where(r => members.Contains(r.Id));
    }
}
