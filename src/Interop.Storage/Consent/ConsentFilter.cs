using Interop.Core.Consent;
using Interop.Storage.Entities;

namespace Interop.Storage.Consent;

/// <summary>
/// The consent decision as a query predicate (architecture decision 4): applied to the resource
/// rows before any row limit, so pages stay full and counts stay honest. One implementation for
/// read, vread, search, includes, history and operations.
/// </summary>
public static class ConsentFilter
{
    private static readonly string[] Sensitive = [.. SensitiveClasses.All];

    public static IQueryable<ResourceVersionRow> Apply(IQueryable<ResourceVersionRow> rows, InteropDbContext db, ReadAccess access)
    {
        if (access.ExcludedTypes is { Count: > 0 } excludedTypes)
        {
            // Types the caller's role or scopes do not reach (a clinician's AuditEvent) stay out of
            // system-level reads and includes, not only out of type-level ones.
            var excluded = excludedTypes.ToArray();
            rows = rows.Where(r => !excluded.Contains(r.ResourceType));
        }
        if (access.ConfinedPatient is { } patient)
            rows = rows.InPatientCompartment(db, patient);
        if (access.Consent is not { } a) return rows;

        var org = a.Organization;
        var purpose = a.PurposeOfUse;
        var now = Instants.ToStored(a.Now);
        var exempt = a.Exempt.ToArray();
        var rules = db.ConsentRules;
        var current = db.Resources;

        if (a.PatientCaller) return DisclosableToPatient(rows, db); // their own record (confinement above)

        // The organisation that recorded an item always sees it (custodian), and exempt types pass.
        // Otherwise every sensitive label must be permitted for this organisation by the patient...
        rows = rows.Where(r => r.Custodian == org || exempt.Contains(r.ResourceType) ||
            !r.SecurityLabels.Any(l => Sensitive.Contains(l.Code) &&
                !rules.Any(x => x.Permit && x.Level == 0 && x.SecurityLabel == l.Code
                    && (x.ActorOrganization == null || x.ActorOrganization == org)
                    && (x.Purpose == null || x.Purpose == purpose)
                    && (x.Start == null || x.Start <= now) && (x.End == null || x.End > now)
                    && r.Compartments.Any(c => c.PatientId == x.PatientId))));

        // ...including the labels of the current version when this is an earlier one: a resource
        // relabelled sensitive withholds its whole history, not just the versions since (vread, _history).
        rows = rows.Where(r => r.IsCurrent || exempt.Contains(r.ResourceType) ||
            !current.Any(cur => cur.IsCurrent && cur.ResourceType == r.ResourceType && cur.ResourceId == r.ResourceId && cur.Custodian != org
                && cur.SecurityLabels.Any(l => Sensitive.Contains(l.Code) &&
                    !rules.Any(x => x.Permit && x.Level == 0 && x.SecurityLabel == l.Code
                        && (x.ActorOrganization == null || x.ActorOrganization == org)
                        && (x.Purpose == null || x.Purpose == purpose)
                        && (x.Start == null || x.Start <= now) && (x.End == null || x.End > now)
                        && cur.Compartments.Any(c => c.PatientId == x.PatientId)))));

        if (a.BreakGlass) return rows; // break-glass overrides dissent, never sensitive classes

        // ...and no active deny may apply, unless one of its exceptions permits this request.
        // A blanket dissent (no actor) leaves Patient demographics visible so the record can be
        // found and the 403 NO_PATIENT_CONSENT explained; an organisation-specific deny withholds all.
        rows = rows.Where(r => r.Custodian == org || exempt.Contains(r.ResourceType) ||
            !r.Compartments.Any(c => rules.Any(d => d.PatientId == c.PatientId && !d.Permit && d.Level == 0 && d.SecurityLabel == null
                && (d.ActorOrganization == null || d.ActorOrganization == org)
                && (d.ActorOrganization != null || r.ResourceType != "Patient")
                && (d.Purpose == null || d.Purpose == purpose)
                && (d.ResourceType == null || d.ResourceType == r.ResourceType)
                && (d.Start == null || d.Start <= now) && (d.End == null || d.End > now)
                && !rules.Any(e => e.ConsentId == d.ConsentId && e.ParentIndex == d.RuleIndex && e.Level == 1 && e.Permit
                    && (e.ActorOrganization == null || e.ActorOrganization == org)
                    && (e.Purpose == null || e.Purpose == purpose)
                    && (e.ResourceType == null || e.ResourceType == r.ResourceType)
                    && (e.Start == null || e.Start <= now) && (e.End == null || e.End > now)))));

        if (a.DenyAllByDefault)
        {
            // Opt-in: clinical data needs an active permit for this organisation and purpose.
            rows = rows.Where(r => r.Custodian == org || exempt.Contains(r.ResourceType) || r.ResourceType == "Patient" || !r.Compartments.Any() ||
                r.Compartments.Any(c => rules.Any(p => p.PatientId == c.PatientId && p.Permit && p.Level == 0 && p.SecurityLabel == null
                    && (p.ActorOrganization == null || p.ActorOrganization == org)
                    && (p.Purpose == null || p.Purpose == purpose)
                    && (p.ResourceType == null || p.ResourceType == r.ResourceType)
                    && (p.Start == null || p.Start <= now) && (p.End == null || p.End > now))));
        }
        return rows;
    }

    /// <summary>
    /// The row ids consent could possibly withhold from <paramref name="access"/>, or null when that
    /// is every row (an opt-in policy). Under implied consent a row can only be withheld when it
    /// carries a security label or sits in the compartment of a patient with a deny rule; both sets
    /// are small, so "was anything withheld?" can start from them instead of testing consent on every
    /// match of a broad search.
    /// </summary>
    public static IQueryable<long>? WithholdingCandidates(InteropDbContext db, ReadAccess access)
    {
        // A patient's searches are confined to their own compartment, already a small set; and NOPAT
        // labels (every full AuditEvent carries one) would make a long candidate list.
        if (access.Consent is not { } a || a.DenyAllByDefault || a.PatientCaller) return null;
        var labelled = db.SecurityLabels.Where(l => Sensitive.Contains(l.Code)).Select(l => l.ResourceRowId);
        if (a.BreakGlass) return labelled;
        // PatientId IN (...), not a correlated EXISTS, so the compartment index is searched per patient.
        var denyingPatients = db.ConsentRules.Where(d => !d.Permit).Select(d => d.PatientId);
        var denied = db.Compartments.Where(c => denyingPatients.Contains(c.PatientId)).Select(c => c.ResourceRowId);
        return labelled.Concat(denied);
    }

    /// <summary>
    /// The rows a patient may be shown from their own record: all but those marked NOPAT. The current
    /// version's labels cover every earlier version: a label added later withholds the history too.
    /// Also decides which released items a patient's view of an access names (the audit recorder),
    /// so the access log and the record itself never disagree about what the patient may see.
    /// </summary>
    public static IQueryable<ResourceVersionRow> DisclosableToPatient(IQueryable<ResourceVersionRow> rows, InteropDbContext db)
    {
        var current = db.Resources;
        const string nopat = SensitiveClasses.NoPatientDisclosure;
        return rows.Where(r => !r.SecurityLabels.Any(l => l.Code == nopat)
            && (r.IsCurrent || !current.Any(c => c.IsCurrent && c.ResourceType == r.ResourceType && c.ResourceId == r.ResourceId
                && c.SecurityLabels.Any(l => l.Code == nopat))));
    }

    /// <summary>
    /// True when a blanket patient dissent (no actor) denies <paramref name="patientId"/>'s record to
    /// this request: the case answered 403 NO_PATIENT_CONSENT rather than hidden.
    /// </summary>
    public static IQueryable<ConsentRuleRow> BlanketDissent(InteropDbContext db, string patientId, ConsentAccess a)
    {
        var org = a.Organization;
        var purpose = a.PurposeOfUse;
        var now = Instants.ToStored(a.Now);
        var rules = db.ConsentRules;
        return rules.Where(d => d.PatientId == patientId && !d.Permit && d.Level == 0 && d.SecurityLabel == null && d.ActorOrganization == null
            && d.ResourceType == null
            && (d.Purpose == null || d.Purpose == purpose)
            && (d.Start == null || d.Start <= now) && (d.End == null || d.End > now)
            && !rules.Any(e => e.ConsentId == d.ConsentId && e.ParentIndex == d.RuleIndex && e.Level == 1 && e.Permit
                && (e.ActorOrganization == null || e.ActorOrganization == org)
                && (e.Purpose == null || e.Purpose == purpose)
                && (e.Start == null || e.Start <= now) && (e.End == null || e.End > now)));
    }
}
