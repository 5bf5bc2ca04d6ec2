using Interop.Storage;
using Interop.Storage.Consent;
using Interop.Storage.Entities;
using Interop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.ConsentLedger;

/// <summary>
/// A consent-checked read by id first screens the row and runs the full predicate only when consent
/// could withhold it (<see cref="ConsentFilter.ReadCurrentTracedAsync"/>). The screen must never let
/// through a row the predicate would withhold: every caller reads every kind of row, and the compiled
/// read must decide as the query does; and the shortcut must actually be taken for the common row.
/// </summary>
[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.PostgreSql)]
public sealed class ConsentReadScreenTests(StorageProvider provider)
{
    private const string Gp = "GPA";
    private const string Hospital = "RBQ";
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private TestDatabase _database = null!;

    /// <summary>Resource ids seeded below, by what makes each one interesting.</summary>
    private static readonly string[] Ids =
    [
        "plain", "psy", "restricted", "safeguarding-own", "denied-to-hospital", "dissent-obs", "dissent-patient",
        "permitted-psy", "permit-names-another-class", "excepted", "permit-only", "expired-deny", "no-custodian", "audit", "consent",
    ];

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        _database = await TestDatabase.CreateAsync(provider);
        await using var db = _database.CreateContext();
        await db.Database.MigrateAsync();
        var stored = Instants.ToStored(Now);
        db.Resources.AddRange(
            Row("Observation", "plain", Gp, "pat-plain"),
            Row("Observation", "psy", Gp, "pat-plain", "PSY"),
            Row("Observation", "restricted", Gp, "pat-plain", "R"), // a confidentiality code, not a sensitive class
            Row("Observation", "safeguarding-own", Hospital, "pat-plain", "SAFEGUARDING"),
            Row("Observation", "denied-to-hospital", Gp, "pat-deny-org"),
            Row("Observation", "dissent-obs", Gp, "pat-dissent"),
            Row("Patient", "dissent-patient", Gp, "pat-dissent"),
            Row("Observation", "permitted-psy", Gp, "pat-permit", "PSY"),
            Row("Observation", "permit-names-another-class", Gp, "pat-permit", "SDV"),
            Row("Observation", "excepted", Gp, "pat-except"),
            Row("Observation", "permit-only", Gp, "pat-permit"),
            Row("Observation", "expired-deny", Gp, "pat-expired"),
            Row("Organization", "no-custodian", null, null),
            Row("AuditEvent", "audit", null, "pat-plain", "NOPAT"),
            Row("Consent", "consent", Gp, "pat-dissent"));
        db.ConsentRules.AddRange(
            Rule("pat-deny-org", "c-org", permit: false, actor: Hospital),
            Rule("pat-dissent", "c-dissent", permit: false),
            Rule("pat-permit", "c-permit", permit: true, actor: Hospital, label: "PSY"),
            Rule("pat-except", "c-except", permit: false),
            Rule("pat-except", "c-except", permit: true, actor: Hospital, level: 1, index: 1, parent: 0),
            Rule("pat-expired", "c-expired", permit: false, end: stored - 1));
        await db.SaveChangesAsync();
    }

    [OneTimeTearDown]
    public async Task DisposeAsync() => await _database.DisposeAsync();

    private static ReadAccess Clinician(string org, bool breakGlass = false, bool denyAll = false, string? confined = null) =>
        new(confined, new ConsentAccess(org, breakGlass ? "BTG" : "TREAT", false, breakGlass, denyAll, Now), ExcludedTypes: ["AuditEvent"]);

    private static IEnumerable<TestCaseData> Callers()
    {
        yield return new TestCaseData(Clinician(Hospital)).SetArgDisplayNames("hospital clinician");
        yield return new TestCaseData(Clinician(Gp)).SetArgDisplayNames("custodian GP");
        yield return new TestCaseData(Clinician("XYZ")).SetArgDisplayNames("other clinician");
        yield return new TestCaseData(Clinician(Hospital, breakGlass: true)).SetArgDisplayNames("break-glass");
        yield return new TestCaseData(Clinician(Hospital, denyAll: true)).SetArgDisplayNames("opt-in policy");
        yield return new TestCaseData(Clinician(Hospital, confined: "pat-plain")).SetArgDisplayNames("patient-scoped clinician");
        yield return new TestCaseData(new ReadAccess(null, new ConsentAccess(Hospital, "TREAT", false, false, false, Now, ["AuditEvent", "Consent"])))
            .SetArgDisplayNames("privacy officer");
        yield return new TestCaseData(new ReadAccess("pat-plain", new ConsentAccess(Gp, "TREAT", true, false, false, Now))).SetArgDisplayNames("patient");
        yield return new TestCaseData(ReadAccess.Unrestricted).SetArgDisplayNames("unrestricted");
    }

    [TestCaseSource(nameof(Callers))]
    public async Task The_compiled_read_decides_every_row_as_the_query_does(ReadAccess access)
    {
        var problems = new List<string>();
        foreach (var id in Ids.Append("unknown"))
        {
            await using var db = _database.CreateContext();
            var read = await ConsentFilter.ReadCurrentTracedAsync(db, access, TypeOf(id), id);
            var queried = await ConsentFilter.Apply(db.Resources, db, access, currentOnly: true).AnyAsync(r => r.ResourceId == id);
            if ((read.Row is not null) != queried) problems.Add($"{id}: compiled read {read.Row is not null}, query {queried}");
        }
        Assert.That(problems, Is.Empty);
    }

    [TestCaseSource(nameof(Callers))]
    public async Task The_compartment_read_sees_and_withholds_what_the_query_does(ReadAccess access)
    {
        // ConsentFilter.ReadCompartmentAsync (the summary's read) screens rows and runs the predicate only on
        // those that may be withheld: it must see exactly the predicate's rows and name exactly the types
        // of which consent leaves out some row the caller otherwise reaches.
        string[] types = ["Observation", "Patient", "Consent", "AuditEvent"];
        var problems = new List<string>();
        foreach (var patient in new[] { "pat-plain", "pat-deny-org", "pat-dissent", "pat-permit", "pat-except", "pat-expired", "pat-none" })
        {
            await using var db = _database.CreateContext();
            var read = await ConsentFilter.ReadCompartmentAsync(db, access, patient, types);
            var members = db.Compartments.Where(c => c.PatientId == patient).Select(c => c.ResourceRowId);
            var queried = await ConsentFilter.Apply(db.Resources, db, access, currentOnly: true)
                .Where(r => members.Contains(r.Id) && types.Contains(r.ResourceType)).OrderBy(r => r.Id).Select(r => r.ResourceId).ToListAsync();
            // What the caller reaches without consent (its types and confinement): consent withholds the difference.
            var reached = await ConsentFilter.Apply(db.Resources, db, access with { Consent = null }, currentOnly: true)
                .Where(r => members.Contains(r.Id) && types.Contains(r.ResourceType)).Select(r => new { r.ResourceType, r.ResourceId }).ToListAsync();
            var withheld = reached.Where(a => !queried.Contains(a.ResourceId)).Select(a => a.ResourceType).Distinct().Order().ToList();
            var seen = read.Visible.Select(r => r.ResourceId).ToList();
            if (!seen.SequenceEqual(queried)) problems.Add($"{patient}: read [{string.Join(", ", seen)}], query [{string.Join(", ", queried)}]");
            if (!read.WithheldTypes.Order().SequenceEqual(withheld))
                problems.Add($"{patient}: withheld types [{string.Join(", ", read.WithheldTypes.Order())}], expected [{string.Join(", ", withheld)}]");
        }
        Assert.That(problems, Is.Empty);
    }

    [TestCase("plain", true, false)]
    [TestCase("restricted", true, false)]
    [TestCase("no-custodian", true, false)]
    [TestCase("unknown", false, false)]
    [TestCase("audit", false, false)]
    [TestCase("safeguarding-own", true, false)]
    [TestCase("psy", false, true)]
    [TestCase("permitted-psy", true, true)]
    [TestCase("permit-names-another-class", false, true)]
    [TestCase("denied-to-hospital", false, true)]
    [TestCase("dissent-obs", false, true)]
    [TestCase("dissent-patient", true, true)]
    [TestCase("excepted", true, true)]
    [TestCase("expired-deny", true, true)]
    [TestCase("permit-only", true, false)]
    public async Task A_row_consent_cannot_withhold_is_served_by_the_screen(string id, bool visible, bool predicateRuns)
    {
        await using var db = _database.CreateContext();
        var read = await ConsentFilter.ReadCurrentTracedAsync(db, Clinician(Hospital), TypeOf(id), id);
        Assert.That(read.Row is not null, Is.EqualTo(visible), "visible");
        Assert.That(read.DecidedByPredicate, Is.EqualTo(predicateRuns), "the full predicate ran");
    }

    [Test]
    public async Task Break_glass_screens_on_labels_only_and_the_custodian_not_at_all()
    {
        await using var db = _database.CreateContext();
        var glass = await ConsentFilter.ReadCurrentTracedAsync(db, Clinician(Hospital, breakGlass: true), "Observation", "dissent-obs");
        Assert.That((glass.Row is not null, glass.DecidedByPredicate), Is.EqualTo((true, false)), "break-glass overrides dissent");
        var sensitive = await ConsentFilter.ReadCurrentTracedAsync(db, Clinician(Hospital, breakGlass: true), "Observation", "psy");
        Assert.That((sensitive.Row is not null, sensitive.DecidedByPredicate), Is.EqualTo((false, true)), "never sensitive classes");
        var custodian = await ConsentFilter.ReadCurrentTracedAsync(db, Clinician(Gp), "Observation", "psy");
        Assert.That((custodian.Row is not null, custodian.DecidedByPredicate), Is.EqualTo((true, false)));
    }

    private static string TypeOf(string id) => id switch
    {
        "dissent-patient" => "Patient",
        "no-custodian" => "Organization",
        "audit" => "AuditEvent",
        "consent" => "Consent",
        _ => "Observation",
    };

    private static ResourceVersionRow Row(string type, string id, string? custodian, string? patient, string? label = null)
    {
        var row = new ResourceVersionRow
        {
            ResourceType = type, ResourceId = id, VersionId = 1, IsCurrent = true, Custodian = custodian,
            Json = $"{{\"resourceType\":\"{type}\",\"id\":\"{id}\"}}",
        };
        if (patient is not null) row.Compartments.Add(new CompartmentRow { PatientId = patient, ResourceType = type });
        if (label is not null) row.SecurityLabels.Add(new SecurityLabelRow { System = "http://terminology.hl7.org/CodeSystem/v3-ActCode", Code = label });
        return row;
    }

    private static ConsentRuleRow Rule(string patient, string consent, bool permit, string? actor = null, string? label = null,
        int level = 0, int index = 0, int? parent = null, long? end = null) => new()
    {
        PatientId = patient, ConsentId = consent, LedgerSequence = 1, Permit = permit, Level = level, RuleIndex = index,
        ParentIndex = parent, ActorOrganization = actor, SecurityLabel = label, End = end,
    };
}
