using System.Collections.Concurrent;
using System.Linq.Expressions;
using Interop.Core.Consent;
using Interop.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Interop.Storage.Consent;

/// <summary>
/// The consent decision as a query predicate (architecture decision 4): applied to the resource
/// rows before any row limit, so pages stay full and counts stay honest. One implementation for
/// read, vread, search, includes, history and operations.
/// </summary>
public static class ConsentFilter
{
    private static readonly string[] Sensitive = [.. SensitiveClasses.All];

    // "Does this row carry a sensitive label?" is asked per row in two steps: any label at all (one
    // seek on the labels' primary key, ResourceRowId first, which settles almost every row: most carry
    // none), and only then a sensitive one. Asked alone, the second made SQLite (with or without
    // statistics) search the (Code, ResourceRowId) index once per sensitive code: ten seeks per row,
    // some 40 % of a patient summary's compartment query (docs/benchmarks.md). In a filter the steps
    // are joined with && (SQLite stops at the first false); in a projection SQLite evaluates both
    // sides of an AND, so there they are a conditional (CASE WHEN, evaluated lazily).

    /// <param name="rows">The rows to narrow.</param>
    /// <param name="db">The context the consent rules are read from, in the same query.</param>
    /// <param name="access">Who is asking, and what they are confined to.</param>
    /// <param name="currentOnly">
    /// Only current versions are wanted (read, search): the rows are narrowed to them and the rule that
    /// carries the current version's labels over to earlier versions is left out of the query, which
    /// makes it smaller for EF Core to prepare on every execution.
    /// </param>
    /// <param name="ofTypes">
    /// The caller reads rows of these types only (a type-level search): a patient-confined caller's
    /// compartment is then listed for them alone, from the index, not whole with the AuditEvents of
    /// every access to the record (decision 0012). Written into the SQL as literals; ignored for more
    /// than <see cref="MaxConfinedTypes"/>. Rows of other types are not excluded by it: narrow the
    /// rows to these types yourself.
    /// </param>
    public static IQueryable<ResourceVersionRow> Apply(IQueryable<ResourceVersionRow> rows, InteropDbContext db, ReadAccess access, bool currentOnly = false,
        IReadOnlyCollection<string>? ofTypes = null) =>
        Apply(rows, db, access, ConsentValues.Of(access), currentOnly, ofTypes: ofTypes);

    /// <summary>Above this many types a confined compartment is listed whole (a system-level search).</summary>
    public const int MaxConfinedTypes = 16;

    private delegate Task<T?> CompiledRead<T>(InteropDbContext db, string organization, string purposeOfUse, long now, string? patient, string type, string id, CancellationToken ct);

    /// <summary>The compiled queries of one kind of caller: the optional screening step and the full decision.</summary>
    private sealed record CompiledReads(CompiledRead<ScreenedRow>? Screen, CompiledRead<ResourceVersionRow> Decide);

    private static readonly ConcurrentDictionary<string, CompiledReads> Compiled = new(StringComparer.Ordinal);

    /// <summary>
    /// The current version of <paramref name="type"/>/<paramref name="id"/> when <paramref name="access"/>
    /// lets the caller see it: the same decision as <see cref="Apply(IQueryable{ResourceVersionRow}, InteropDbContext, ReadAccess, bool, IReadOnlyCollection{string})"/>,
    /// run as EF Core compiled queries, one set per kind of caller (<see cref="ShapeOf"/>). A read is the
    /// most frequent request; compiling spares it building, comparing and parameterising the large
    /// expression tree on every execution.
    /// </summary>
    public static async Task<ResourceVersionRow?> ReadCurrentAsync(InteropDbContext db, ReadAccess access, string type, string id, CancellationToken ct = default) =>
        (await ReadCurrentTracedAsync(db, access, type, id, ct)).Row;

    /// <summary>
    /// <see cref="ReadCurrentAsync"/>, also saying whether the full predicate had to run. For a clinician
    /// or integration under implied consent the read first screens the row (<see cref="ScreenedRow"/>):
    /// a short statement that finds it within the caller's scope and asks only whether consent could
    /// withhold it at all (a sensitive label, a deny rule of a patient in its compartment, and not
    /// the custodian asking). Most rows can't, and are returned from there; the others go through the
    /// full predicate. Why two statements: the cost of the full one is mostly in compiling its SQL,
    /// which SQLite (no statement cache across commands) and PostgreSQL (no server-side preparation)
    /// pay on every execution, about 0.1 ms on SQLite against a few µs to run it.
    /// </summary>
    public static async Task<ConsentRead> ReadCurrentTracedAsync(InteropDbContext db, ReadAccess access, string type, string id, CancellationToken ct = default)
    {
        // Per context type as well: the tree holds the provider's model (a test process runs several).
        var reads = Compiled.GetOrAdd($"{db.GetType().Name}|{ShapeOf(access)}", _ => CompileReads(db, access));
        var v = ConsentValues.Of(access);
        if (reads.Screen is { } screen)
        {
            // The screen's scope is the full predicate's own (current, types, compartment), so a row it
            // does not find, the predicate would not find either.
            var screened = await screen(db, v.Organization, v.PurposeOfUse, v.Now, v.Patient, type, id, ct);
            if (screened is null) return new ConsentRead(null, DecidedByPredicate: false);
            if (!screened.MayBeWithheld) return new ConsentRead(screened.Row, DecidedByPredicate: false);
        }
        return new ConsentRead(await reads.Decide(db, v.Organization, v.PurposeOfUse, v.Now, v.Patient, type, id, ct), DecidedByPredicate: true);
    }

    /// <summary>What the predicate's tree depends on besides <see cref="ConsentValues"/>: flags and fixed type lists.</summary>
    private static string ShapeOf(ReadAccess access) => string.Join('|',
        access.ConfinedPatient is null ? "-" : "confined",
        access.ExcludedTypes is { } excluded ? string.Join(',', excluded.Order(StringComparer.Ordinal)) : "-",
        access.Consent is not { } a ? "-" : $"{a.PatientCaller}/{a.BreakGlass}/{a.DenyAllByDefault}/{string.Join(',', a.Exempt.Order(StringComparer.Ordinal))}");

    private static CompiledReads CompileReads(InteropDbContext db, ReadAccess access)
    {
        var template = new ConsentValues();
        var decide = Apply(db.Resources.AsNoTracking(), db, access, template, currentOnly: true, readOfType: true)
            .Where(r => r.ResourceType == template.Type && r.ResourceId == template.Id);
        var screen = Screen(db, access, template);
        return new CompiledReads(screen is null ? null : Compile(screen, template), Compile(decide, template));
    }

    /// <summary>
    /// The screening query of <see cref="ReadCurrentTracedAsync"/>, or null when screening would not
    /// pay: a patient's own read is already small (their compartment and NOPAT), and under an opt-in
    /// policy (<see cref="ConsentAccess.DenyAllByDefault"/>) almost every clinical row needs the full predicate.
    /// </summary>
    /// <remarks>
    /// <see cref="ScreenedRow.MayBeWithheld"/> must be true whenever a clause of <see cref="Apply(IQueryable{ResourceVersionRow}, InteropDbContext, ReadAccess, ConsentValues, bool, bool, IReadOnlyCollection{string})"/>
    /// could fail for a current row; it may be true more often (that only costs the full predicate).
    /// Each clause there passes for the custodian, and otherwise fails only for a row with a sensitive
    /// label (the labels clause) or in the compartment of a patient with some deny rule (the denials
    /// clause, which break-glass skips). Exempt types are left to the full predicate.
    /// </remarks>
    private static IQueryable<ScreenedRow>? Screen(InteropDbContext db, ReadAccess access, ConsentValues v)
    {
        if (ScreenSelector(db, access, v) is not { } selector) return null;
        return Scope(db.Resources.AsNoTracking(), db, access, v, currentOnly: true, readOfType: true)
            .Where(r => r.ResourceType == v.Type && r.ResourceId == v.Id)
            .Select(selector);
    }

    /// <summary>
    /// The projection of a row to a <see cref="ScreenedRow"/> for <paramref name="access"/>, or null when
    /// screening does not apply (see <see cref="Screen"/>): the one definition of "consent could withhold
    /// this row", shared by reads by id and compartment reads.
    /// </summary>
    private static Expression<Func<ResourceVersionRow, ScreenedRow>>? ScreenSelector(InteropDbContext db, ReadAccess access, ConsentValues v)
    {
        if (access.Consent is not { PatientCaller: false, DenyAllByDefault: false } a) return null;
        var rules = db.ConsentRules;
        return a.BreakGlass
            ? ConstantListInliner.InlineSelector<ResourceVersionRow, ScreenedRow>(r => new ScreenedRow
            {
                Row = r,
                MayBeWithheld = r.Custodian != v.Organization && (r.SecurityLabels.Any() ? r.SecurityLabels.Any(l => Sensitive.Contains(l.Code)) : false),
            })
            : ConstantListInliner.InlineSelector<ResourceVersionRow, ScreenedRow>(r => new ScreenedRow
            {
                Row = r,
                MayBeWithheld = r.Custodian != v.Organization && ((r.SecurityLabels.Any() ? r.SecurityLabels.Any(l => Sensitive.Contains(l.Code)) : false)
                    || r.Compartments.Any(c => rules.Any(d => d.PatientId == c.PatientId && !d.Permit))),
            });
    }

    /// <summary>
    /// The current, not deleted rows of <paramref name="types"/> in <paramref name="patientId"/>'s
    /// compartment that <paramref name="access"/> may see, in row order, and the types of which consent
    /// withheld some (never which or how many): what a patient summary is made of.
    /// </summary>
    /// <remarks>
    /// For a clinician or integration under implied consent the rows are screened as a read by id is
    /// (<see cref="ReadCurrentTracedAsync"/>): one query returns the compartment's rows, each saying
    /// whether consent could withhold it at all, and only those that could (usually none) go through
    /// the full predicate. That replaces the predicate on every row and a second query counting the
    /// rows per type to find what was withheld; the decision for each row is the predicate's own.
    /// <paramref name="types"/> should be fixed per kind of caller (it is written into the SQL as
    /// literals, so that EF Core can reuse the statement).
    /// </remarks>
    public static async Task<CompartmentRead> ReadCompartmentAsync(InteropDbContext db, ReadAccess access, string patientId, IReadOnlyCollection<string> types, CancellationToken ct = default)
    {
        var typeList = types.ToArray();
        var inTypes = ConstantListInliner.Inline<ResourceVersionRow>(r => typeList.Contains(r.ResourceType));
        var v = ConsentValues.Of(access);
        IQueryable<ResourceVersionRow> InCompartment(IQueryable<ResourceVersionRow> rows) =>
            rows.InPatientCompartment(db, patientId, typeList).Where(r => r.IsCurrent && !r.IsDeleted).Where(inTypes);

        if (ScreenSelector(db, access, v) is { } selector)
        {
            var screened = await InCompartment(Scope(db.Resources.AsNoTracking(), db, access, v, currentOnly: true))
                .OrderBy(r => r.Id).Select(selector).ToListAsync(ct);
            var candidates = screened.Where(s => s.MayBeWithheld).Select(s => s.Row.Id).ToArray();
            var allowed = candidates.Length == 0 ? [] : (await Apply(db.Resources.AsNoTracking().Where(r => candidates.Contains(r.Id)), db, access, v, currentOnly: true)
                .Select(r => r.Id).ToListAsync(ct)).ToHashSet();
            var visible = screened.Where(s => !s.MayBeWithheld || allowed.Contains(s.Row.Id)).Select(s => CompartmentItem.Of(s.Row)).ToList();
            var withheld = screened.Where(s => s.MayBeWithheld && !allowed.Contains(s.Row.Id)).Select(s => s.Row.ResourceType).ToHashSet(StringComparer.Ordinal);
            return new CompartmentRead(visible, withheld);
        }

        var rows = await InCompartment(Apply(db.Resources.AsNoTracking(), db, access, v, currentOnly: true))
            .OrderBy(r => r.Id).Select(r => new CompartmentItem(r.Id, r.ResourceType, r.ResourceId, r.Json!)).ToListAsync(ct);
        if (access.Consent is null) return new CompartmentRead(rows, new HashSet<string>());
        // Per type, every current item the caller reaches (types, confinement) against those it may see: only consent differs.
        var all = await InCompartment(Scope(db.Resources.AsNoTracking(), db, access, v, currentOnly: true))
            .GroupBy(r => r.ResourceType).Select(g => new { Type = g.Key, Count = g.Count() }).ToListAsync(ct);
        var seen = rows.CountBy(r => r.ResourceType).ToDictionary();
        return new CompartmentRead(rows, all.Where(a => a.Count > seen.GetValueOrDefault(a.Type)).Select(a => a.Type).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>
    /// <paramref name="query"/> (reading its per-request values from <paramref name="template"/>) as an
    /// EF Core compiled query returning its first row.
    /// </summary>
    private static CompiledRead<T> Compile<T>(IQueryable<T> query, ConsentValues template)
    {
        // EF Core compiled queries take scalar parameters: each value the predicate reads from the
        // template becomes one of the lambda's parameters.
        var context = Expression.Parameter(typeof(InteropDbContext), "db");
        var parameters = new Dictionary<string, ParameterExpression>
        {
            [nameof(ConsentValues.Organization)] = Expression.Parameter(typeof(string), "organization"),
            [nameof(ConsentValues.PurposeOfUse)] = Expression.Parameter(typeof(string), "purposeOfUse"),
            [nameof(ConsentValues.Now)] = Expression.Parameter(typeof(long), "now"),
            [nameof(ConsentValues.Patient)] = Expression.Parameter(typeof(string), "patient"),
            [nameof(ConsentValues.Type)] = Expression.Parameter(typeof(string), "type"),
            [nameof(ConsentValues.Id)] = Expression.Parameter(typeof(string), "id"),
        };
        var firstOrDefault = FirstOrDefault.MakeGenericMethod(typeof(T));
        var body = Expression.Call(firstOrDefault, new TemplateReplacer(template, parameters).Visit(query.Expression));
        var lambda = Expression.Lambda<Func<InteropDbContext, string, string, long, string?, string, string, CancellationToken, T>>(
            body, [context, .. parameters.Values, Expression.Parameter(typeof(CancellationToken), "ct")]);
        var compiled = EF.CompileAsyncQuery(lambda);
        return (c, organization, purpose, now, patient, type, id, ct) => compiled(c, organization, purpose, now, patient, type, id, ct)!;
    }

    private static readonly System.Reflection.MethodInfo FirstOrDefault = typeof(Queryable).GetMethods()
        .Single(m => m.Name == nameof(Queryable.FirstOrDefault) && m.GetParameters().Length == 1);

    /// <summary>Turns each read of the captured template object's properties into the compiled query's parameter of that name.</summary>
    private sealed class TemplateReplacer(ConsentValues template, IReadOnlyDictionary<string, ParameterExpression> parameters) : ExpressionVisitor
    {
        protected override Expression VisitMember(MemberExpression node)
        {
            if (node.Expression is { Type: var ownerType } owner && ownerType == typeof(ConsentValues) && IsTemplate(owner))
                return parameters[node.Member.Name];
            return base.VisitMember(node);
        }

        private bool IsTemplate(Expression owner) => ReferenceEquals(ConstantListInliner.CapturedValue(owner), template);
    }

    /// <summary>What the caller is confined to before consent: current rows, reachable types, their patient's compartment.</summary>
    /// <remarks>
    /// With <paramref name="readOfType"/> the query reads rows of type <c>v.Type</c> only (a read by id):
    /// a confined caller's compartment is then listed for that type alone, from the index, rather than
    /// whole, AuditEvents of every access to the record included (decision 0012). Untyped compartment
    /// rows, written by a replica of the release before the column, are listed too; the row's own type
    /// is tested anyway.
    /// </remarks>
    private static IQueryable<ResourceVersionRow> Scope(IQueryable<ResourceVersionRow> rows, InteropDbContext db, ReadAccess access, ConsentValues v, bool currentOnly,
        bool readOfType = false, IReadOnlyCollection<string>? ofTypes = null)
    {
        if (currentOnly) rows = rows.Where(r => r.IsCurrent);
        if (access.ExcludedTypes is { Count: > 0 } excludedTypes)
        {
            // Types the caller's role or scopes do not reach (a clinician's AuditEvent) stay out of
            // system-level reads and includes, not only out of type-level ones.
            var excluded = excludedTypes.ToArray();
            rows = rows.Where(ConstantListInliner.Inline<ResourceVersionRow>(r => !excluded.Contains(r.ResourceType)));
        }
        if (access.ConfinedPatient is not null)
        {
            // PatientCompartmentQuery.InPatientCompartment, with the patient read from v (written
            // inside the lambda, not as a captured query, so a compiled read can see v in it).
            var compartments = db.Compartments;
            if (readOfType)
                rows = rows.Where(r => compartments.Where(c => c.PatientId == v.Patient && (c.ResourceType == v.Type || c.ResourceType == ""))
                    .Select(c => c.ResourceRowId).Contains(r.Id));
            else if (ofTypes is { Count: > 0 and <= MaxConfinedTypes })
            {
                // Not compiled (only reads by id are), so the subquery may be built outside the lambda.
                var members = PatientCompartmentQuery.MembersOfTypes(db, v.Patient!, ofTypes);
                rows = rows.Where(r => members.Contains(r.Id));
            }
            else
                rows = rows.Where(r => compartments.Where(c => c.PatientId == v.Patient).Select(c => c.ResourceRowId).Contains(r.Id));
        }
        return rows;
    }

    /// <summary>
    /// The predicate with every per-request value read from <paramref name="v"/>, so that the same
    /// tree serves as a compiled query (<see cref="ReadCurrentAsync"/>) with <paramref name="v"/> as
    /// its parameter. What varies only with the caller's kind (role lists, flags) is built in.
    /// </summary>
    private static IQueryable<ResourceVersionRow> Apply(IQueryable<ResourceVersionRow> rows, InteropDbContext db, ReadAccess access, ConsentValues v, bool currentOnly,
        bool readOfType = false, IReadOnlyCollection<string>? ofTypes = null)
    {
        rows = Scope(rows, db, access, v, currentOnly, readOfType, ofTypes);
        if (access.Consent is not { } a) return rows;

        var exempt = a.Exempt.ToArray();
        var rules = db.ConsentRules;
        var current = db.Resources;

        if (a.PatientCaller) return DisclosableToPatient(rows, db); // their own record (confinement above)

        // The organisation that recorded an item always sees it (custodian), and exempt types pass.
        // Otherwise every sensitive label must be permitted for this organisation by the patient...
        // (the permits are looked up from the row's compartment, by the rules' patient index: asked
        // the other way round, "a permit whose patient is in the compartment", SQLite scanned or built
        // a temporary index over every rule for each labelled row)
        rows = rows.Where(ConstantListInliner.Inline<ResourceVersionRow>(r => r.Custodian == v.Organization || exempt.Contains(r.ResourceType) ||
            !(r.SecurityLabels.Any() && r.SecurityLabels.Any(l => Sensitive.Contains(l.Code) &&
                !r.Compartments.Any(c => rules.Any(x => x.PatientId == c.PatientId && x.Permit && x.Level == 0 && x.SecurityLabel == l.Code
                    && (x.ActorOrganization == null || x.ActorOrganization == v.Organization)
                    && (x.Purpose == null || x.Purpose == v.PurposeOfUse)
                    && (x.Start == null || x.Start <= v.Now) && (x.End == null || x.End > v.Now)))))));

        // ...including the labels of the current version when this is an earlier one: a resource
        // relabelled sensitive withholds its whole history, not just the versions since (vread, _history).
        if (!currentOnly)
            rows = rows.Where(ConstantListInliner.Inline<ResourceVersionRow>(r => r.IsCurrent || exempt.Contains(r.ResourceType) ||
                !current.Any(cur => cur.IsCurrent && cur.ResourceType == r.ResourceType && cur.ResourceId == r.ResourceId && cur.Custodian != v.Organization
                    && cur.SecurityLabels.Any() && cur.SecurityLabels.Any(l => Sensitive.Contains(l.Code) &&
                        !cur.Compartments.Any(c => rules.Any(x => x.PatientId == c.PatientId && x.Permit && x.Level == 0 && x.SecurityLabel == l.Code
                            && (x.ActorOrganization == null || x.ActorOrganization == v.Organization)
                            && (x.Purpose == null || x.Purpose == v.PurposeOfUse)
                            && (x.Start == null || x.Start <= v.Now) && (x.End == null || x.End > v.Now)))))));

        if (a.BreakGlass) return rows; // break-glass overrides dissent, never sensitive classes

        // ...and no active deny may apply, unless one of its exceptions permits this request.
        // A blanket dissent (no actor) leaves Patient demographics visible so the record can be
        // found and the 403 NO_PATIENT_CONSENT explained; an organisation-specific deny withholds all.
        rows = rows.Where(ConstantListInliner.Inline<ResourceVersionRow>(r => r.Custodian == v.Organization || exempt.Contains(r.ResourceType) ||
            !r.Compartments.Any(c => rules.Any(d => d.PatientId == c.PatientId && !d.Permit && d.Level == 0 && d.SecurityLabel == null
                && (d.ActorOrganization == null || d.ActorOrganization == v.Organization)
                && (d.ActorOrganization != null || r.ResourceType != "Patient")
                && (d.Purpose == null || d.Purpose == v.PurposeOfUse)
                && (d.ResourceType == null || d.ResourceType == r.ResourceType)
                && (d.Start == null || d.Start <= v.Now) && (d.End == null || d.End > v.Now)
                && !rules.Any(e => e.ConsentId == d.ConsentId && e.ParentIndex == d.RuleIndex && e.Level == 1 && e.Permit
                    && (e.ActorOrganization == null || e.ActorOrganization == v.Organization)
                    && (e.Purpose == null || e.Purpose == v.PurposeOfUse)
                    && (e.ResourceType == null || e.ResourceType == r.ResourceType)
                    && (e.Start == null || e.Start <= v.Now) && (e.End == null || e.End > v.Now))))));

        if (a.DenyAllByDefault)
        {
            // Opt-in: clinical data needs an active permit for this organisation and purpose.
            rows = rows.Where(ConstantListInliner.Inline<ResourceVersionRow>(r => r.Custodian == v.Organization || exempt.Contains(r.ResourceType) || r.ResourceType == "Patient" || !r.Compartments.Any() ||
                r.Compartments.Any(c => rules.Any(p => p.PatientId == c.PatientId && p.Permit && p.Level == 0 && p.SecurityLabel == null
                    && (p.ActorOrganization == null || p.ActorOrganization == v.Organization)
                    && (p.Purpose == null || p.Purpose == v.PurposeOfUse)
                    && (p.ResourceType == null || p.ResourceType == r.ResourceType)
                    && (p.Start == null || p.Start <= v.Now) && (p.End == null || p.End > v.Now)))));
        }
        return rows;
    }

    /// <summary>
    /// The row ids consent could possibly withhold from <paramref name="access"/>, or null when that
    /// is every row (an opt-in policy). Under implied consent a row can only be withheld when it
    /// carries a security label or sits in the compartment of a patient with a deny rule; both sets
    /// are small, so "was anything withheld?" can start from them instead of testing consent on every
    /// match of a broad search. With one <paramref name="type"/> only that type's rows are listed, the
    /// type read from the label and compartment index entries (both carry it, decisions 0012 and 0014):
    /// a search of Observations does not fetch the sensitive Conditions, and when no row of the type is
    /// labelled (usual for Patient, Encounter and most Observations) the list is empty.
    /// </summary>
    /// <remarks>
    /// Rows with no type (<c>''</c>), written by a replica of the release before the columns during a
    /// rolling upgrade, are listed too; the caller tests each row's own type anyway.
    /// </remarks>
    public static IQueryable<long>? WithholdingCandidates(InteropDbContext db, ReadAccess access, string? type = null)
    {
        // A patient's searches are confined to their own compartment, already a small set; and NOPAT
        // labels (every full AuditEvent carries one) would make a long candidate list.
        if (access.Consent is not { } a || a.DenyAllByDefault || a.PatientCaller) return null;
        var typeOrUntyped = type is null ? null : new[] { type, "" };
        var labels = db.SecurityLabels.Where(ConstantListInliner.Inline<SecurityLabelRow>(l => Sensitive.Contains(l.Code)));
        // "Not NOPAT" adds nothing to the codes, but lets the database use the partial index of the
        // labels by type and code, which leaves NOPAT out (decision 0014).
        if (typeOrUntyped is not null)
            labels = labels.Where(ConstantListInliner.Inline<SecurityLabelRow>(l => typeOrUntyped.Contains(l.ResourceType) && l.Code != SensitiveClasses.NoPatientDisclosure));
        var labelled = labels.Select(l => l.ResourceRowId);
        if (a.BreakGlass) return labelled;
        // PatientId IN (...), not a correlated EXISTS, so the compartment index is searched per patient.
        var denyingPatients = db.ConsentRules.Where(d => !d.Permit).Select(d => d.PatientId);
        var compartments = db.Compartments.Where(c => denyingPatients.Contains(c.PatientId));
        if (typeOrUntyped is not null) compartments = compartments.Where(ConstantListInliner.Inline<CompartmentRow>(c => typeOrUntyped.Contains(c.ResourceType)));
        return labelled.Concat(compartments.Select(c => c.ResourceRowId));
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
