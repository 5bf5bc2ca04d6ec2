using Interop.Storage.Entities;

namespace Interop.Storage;

/// <summary>
/// "Rows in this patient's compartment" as a query predicate. Written as
/// <c>Id IN (SELECT ResourceRowId FROM resource_compartments WHERE PatientId = @p)</c> rather than
/// a correlated <c>EXISTS</c>: with <c>EXISTS</c> SQLite walks every current row of the requested
/// types and probes the compartment table for each (the cost grows with the whole database), while
/// the <c>IN</c> form lets it start from the patient's few compartment rows and fetch each version by
/// its key. PostgreSQL plans both forms as a semi-join.
/// </summary>
public static class PatientCompartmentQuery
{
    public static IQueryable<ResourceVersionRow> InPatientCompartment(this IQueryable<ResourceVersionRow> rows, InteropDbContext db, string patientId)
    {
        var members = db.Compartments.Where(c => c.PatientId == patientId).Select(c => c.ResourceRowId);
        return rows.Where(r => members.Contains(r.Id));
    }
}
