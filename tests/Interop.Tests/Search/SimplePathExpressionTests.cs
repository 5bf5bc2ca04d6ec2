using Hl7.Fhir.Model;
using Interop.Api.Audit;
using Interop.Api.Fhir;
using Interop.Api.Security;
using Interop.Core.Access;
using Interop.Core.Fhir;
using Interop.Core.Known;
using Interop.Core.Search;
using Interop.Core.Synthetic;
using Microsoft.AspNetCore.Http;
using NUnit.Framework;

namespace Interop.Tests.Search;

/// <summary>
/// The plain-navigation walker (<see cref="SimplePathExpression"/>) must give exactly the entries the
/// FHIRPath engine gives: compared resource by resource over generated patient records, a Synthea
/// bundle, AuditEvents built as the gateway builds them and hand-made edge cases (contained, absolute
/// and conditional references, choice types, unions naming the same item twice).
/// </summary>
[TestFixture]
public sealed class SimplePathExpressionTests
{
    private static readonly SearchParameterRegistry Registry = new();
    private static readonly SearchIndexer Walker = new(Registry);
    private static readonly SearchIndexer Engine = new(Registry, useSimplePaths: false);

    private static IEnumerable<Resource> GeneratedResources()
    {
        var generator = new SyntheticDataGenerator(7);
        foreach (var bundle in generator.Patients(25).Prepend(generator.Organizations()))
        {
            // As stored: urn:uuid references rewritten to Type/id, as a transaction does.
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in bundle.Entry)
            {
                entry.Resource.Id = Guid.NewGuid().ToString();
                map[entry.FullUrl] = $"{entry.Resource.TypeName}/{entry.Resource.Id}";
            }
            foreach (var entry in bundle.Entry)
            {
                foreach (var reference in ReferenceWalker.All(entry.Resource))
                    if (reference.Reference is { } target && map.TryGetValue(target, out var local)) reference.Reference = local;
                entry.Resource.Meta = new Meta { LastUpdated = DateTimeOffset.UtcNow, VersionId = "1" };
                yield return entry.Resource;
            }
        }
    }

    private static IEnumerable<Resource> SyntheaResources()
    {
        var path = Directory.GetFiles(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "synthea"), "*.json").Single();
        var bundle = (Bundle)FhirSerialization.ParseStored(File.ReadAllText(path));
        return bundle.Entry.Select(e => e.Resource).Where(r => r is not null);
    }

    private static IEnumerable<Resource> EdgeCases()
    {
        var contained = new Observation
        {
            Id = "o1",
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "8867-4"),
            Contained = [new Patient { Id = "p" }],
            Subject = new ResourceReference("#p"),
            Value = new CodeableConcept("http://snomed.info/sct", "260385009") { Text = "Negative" },
            Performer = [new ResourceReference("https://example.org/fhir/Practitioner/9"), new ResourceReference { Display = "no reference" }],
        };
        var absolute = new Observation
        {
            Id = "o2",
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "85354-9"),
            Subject = new ResourceReference("https://example.org/fhir/Patient/42"),
            Effective = new Period { Start = "2024-01-01", End = "2024-01-02" },
            Component =
            [
                new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "8480-6"), Value = new Quantity(120, "mm[Hg]") },
                new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "8462-4"), Value = new Quantity(80, "mm[Hg]") },
            ],
        };
        var duplicateCodes = new Observation
        {
            Id = "o3",
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "8480-6"),
            Subject = new ResourceReference("Group/g1"),
            Value = new FhirString("free text"),
            Component = [new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "8480-6"), Value = new Quantity(120, "mm[Hg]") }],
        };
        var patient = new Patient
        {
            Id = "p9",
            Identifier = [new Identifier("urn:a", "1"), new Identifier("urn:a", "1")],
            Name = [new HumanName { Family = "Ng", Given = ["A"] }, new HumanName { Family = "Ng" }],
            Deceased = new FhirBoolean(false),
            Link = [new Patient.LinkComponent { Other = new ResourceReference("Patient/p8"), Type = Patient.LinkType.Seealso }],
        };
        var telecom = new Patient
        {
            Id = "p10",
            Telecom =
            [
                new ContactPoint(ContactPoint.ContactPointSystem.Email, ContactPoint.ContactPointUse.Home, "a@example.org"),
                new ContactPoint(ContactPoint.ContactPointSystem.Phone, null, "0113 000 0000"),
                new ContactPoint { Value = "no system" },
                new ContactPoint { SystemElement = new Code<ContactPoint.ContactPointSystem> { Extension = [new Extension("urn:x", new FhirString("no value"))] }, Value = "x" },
                new ContactPoint(ContactPoint.ContactPointSystem.Email, null, "a@example.org"),
            ],
        };
        // One patient as agent and twice as entity (once with a display): the union keeps one of the equal pair.
        var audit = new AuditEvent
        {
            Id = "a1",
            Type = new Coding(KnownAudit.EventType, "rest"),
            Recorded = DateTimeOffset.Parse("2026-01-01T00:00:00Z"),
            Agent =
            [
                new AuditEvent.AgentComponent { Who = new ResourceReference("Patient/p1"), Requestor = true },
                new AuditEvent.AgentComponent { Who = new ResourceReference("Practitioner/d1"), Requestor = false },
            ],
            Source = new AuditEvent.SourceComponent { Observer = new ResourceReference { Display = "x" } },
            Entity =
            [
                new AuditEvent.EntityComponent { What = new ResourceReference("Patient/p1") },
                new AuditEvent.EntityComponent { What = new ResourceReference("Patient/p1") { Display = "Ann" } },
                new AuditEvent.EntityComponent { What = new ResourceReference("Patient/p1") },
                new AuditEvent.EntityComponent { What = new ResourceReference("Patient/p2") },
            ],
        };
        var consent = MentalHealthConsent();
        var equalComponents = new Observation
        {
            Id = "o4",
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "85354-9"),
            Value = new Quantity(80, "mm[Hg]"),
            Component =
            [
                new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "8480-6"), Value = new Quantity(80, "mm[Hg]") },
                new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "8462-4"), Value = new Quantity(80, "mm[Hg]") },
                new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "8462-4"), Value = new CodeableConcept("http://snomed.info/sct", "260385009") },
            ],
        };
        return [contained, absolute, duplicateCodes, patient, telecom, audit, consent, equalComponents];
    }

    private static Hl7.Fhir.Model.Consent MentalHealthConsent() => new()
    {
        Id = "c1",
        Status = Hl7.Fhir.Model.Consent.ConsentState.Active,
        Scope = new CodeableConcept(KnownSystems.ConsentScope, "patient-privacy"),
        Category = [new CodeableConcept("http://loinc.org", "59284-0")],
        Patient = new ResourceReference("Patient/p1"),
        DateTime = "2026-01-01",
        Provision = new Hl7.Fhir.Model.Consent.provisionComponent
        {
            Type = Hl7.Fhir.Model.Consent.ConsentProvisionType.Deny,
            Period = new Period { Start = "2026-01-01" },
            SecurityLabel = [new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "PSY")],
            Provision =
            [
                new Hl7.Fhir.Model.Consent.provisionComponent
                {
                    Type = Hl7.Fhir.Model.Consent.ConsentProvisionType.Permit,
                    Actor = [new Hl7.Fhir.Model.Consent.provisionActorComponent { Role = new CodeableConcept("urn:r", "PROV"), Reference = new ResourceReference("Organization/o1") }],
                    Purpose = [new Coding(KnownSystems.V3ActReason, "TREAT")],
                    Data = [new Hl7.Fhir.Model.Consent.provisionDataComponent { Meaning = Hl7.Fhir.Model.Consent.ConsentDataMeaning.Related, Reference = new ResourceReference("Condition/x") }],
                },
            ],
        },
    };

    /// <summary>
    /// AuditEvents as the gateway writes them for every interaction: the full event and each
    /// patient's view, with and without break-glass, for a read of the patient (who is then named
    /// twice), a search over two patients, a refused call and an anonymous one.
    /// </summary>
    internal static IEnumerable<Resource> GatewayAuditEvents()
    {
        var recorded = DateTimeOffset.Parse("2026-03-01T09:30:00Z");
        var id = 0;
        foreach (var breakGlass in new[] { false, true })
        {
            var who = new RequestContext
            {
                IsAuthenticated = true, UserId = "u1", UserName = "Dr Test", Organization = "RBQ", Role = "clinician", RequestId = "r1", TokenId = "t1",
                PurposeOfUse = breakGlass ? PurposeOfUse.BreakTheGlass : PurposeOfUse.Treatment,
                BreakGlassReason = breakGlass ? "unconscious in ED" : null,
            };
            foreach (var interaction in Enum.GetValues<FhirInteraction>().Cast<FhirInteraction?>().Append(null))
            {
                var http = new DefaultHttpContext();
                http.Request.Method = "GET";
                http.Request.Host = new HostString("localhost");
                http.Request.Path = "/fhir/Observation";
                http.Request.QueryString = new QueryString("?patient=p1,p2&code=8867-4");
                (string, string)[] released = [("Patient", "p1"), ("Observation", "o1"), ("Observation", "o2"), ("Patient", "p2")];
                yield return WithId(AuditEventBuilder.Build(Entry(http, who, interaction, 200, null), ["p1"], [1], [("Patient", "p1")]));
                yield return WithId(AuditEventBuilder.Build(Entry(http, who, interaction, 200, null), ["p2", "p1"], [1, 2], released));
                yield return WithId(AuditEventBuilder.Build(Entry(http, who, interaction, 403, "NO_PATIENT_CONSENT"), ["p1"], [3], []));
                yield return WithId(AuditEventBuilder.BuildPatientView(Entry(http, who, interaction, 200, null), "p1", [1], [("Patient", "p1"), ("Observation", "o1")]));
                yield return WithId(AuditEventBuilder.BuildPatientView(Entry(http, who, interaction, 403, "NO_PATIENT_CONSENT"), "p2", [], []));
            }
        }
        var anonymous = new DefaultHttpContext();
        anonymous.Request.Method = "GET";
        anonymous.Request.Host = new HostString("localhost");
        anonymous.Request.Path = "/fhir/Patient/p1";
        yield return WithId(AuditEventBuilder.Build(Entry(anonymous, new RequestContext(), FhirInteraction.Read, 401, "unauthenticated"), [], [], []));

        AuditEntry Entry(HttpContext http, RequestContext who, FhirInteraction? interaction, int status, string? note) =>
            AuditEntry.Of(http, who, interaction, status, recorded, [], [], note);

        Resource WithId(AuditEvent e)
        {
            e.Id = $"audit-{++id}";
            return e;
        }
    }

    private static string Describe(SearchIndexEntry entry) => entry is CompositeIndexEntry composite
        ? $"{composite.ParamName}[{string.Join("; ", composite.Components.Select(Describe))}]"
        : entry.ToString();

    private static void AssertSameEntries(IEnumerable<Resource> resources)
    {
        var count = 0;
        var failures = new List<string>();
        foreach (var resource in resources)
        {
            count++;
            var engineProblems = new List<string>();
            var walkerProblems = new List<string>();
            var expected = Engine.Extract(resource, engineProblems).Select(Describe).ToList();
            var actual = Walker.Extract(resource, walkerProblems).Select(Describe).ToList();
            if (!expected.SequenceEqual(actual) || !engineProblems.SequenceEqual(walkerProblems))
                failures.Add($"{resource.TypeName}/{resource.Id}: engine [{string.Join(", ", expected.Except(actual))}] walker [{string.Join(", ", actual.Except(expected))}] {string.Join(", ", engineProblems)} | {string.Join(", ", walkerProblems)}");
        }
        Assert.That(count, Is.GreaterThan(0));
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void Generated_records_index_the_same_as_with_the_fhirpath_engine() => AssertSameEntries(GeneratedResources());

    [Test]
    public void A_synthea_bundle_indexes_the_same_as_with_the_fhirpath_engine() => AssertSameEntries(SyntheaResources());

    [Test]
    public void Edge_cases_index_the_same_as_with_the_fhirpath_engine() => AssertSameEntries(EdgeCases());

    [Test]
    public void Gateway_audit_events_index_the_same_as_with_the_fhirpath_engine() => AssertSameEntries(GatewayAuditEvents());

    [Test]
    public void An_audit_event_naming_its_patient_twice_has_one_patient_entry()
    {
        var audit = EdgeCases().OfType<AuditEvent>().Single();

        var patients = Walker.Extract(audit).Where(e => e.ParamName == "patient").Select(Describe).ToList();

        // agent.who Patient/p1, entity.what Patient/p1 (twice equal, once with a display), Patient/p2.
        Assert.That(patients, Has.Count.EqualTo(3));
    }

    [Test]
    public void The_audit_patient_union_is_walked_even_when_it_names_a_patient_twice()
    {
        var audit = EdgeCases().OfType<AuditEvent>().Single();
        var expression = SimplePathExpression.TryParse(
            "AuditEvent.agent.who.where(resolve() is Patient) | AuditEvent.entity.what.where(resolve() is Patient)", "AuditEvent", Registry.IsKnownResourceType);
        var nodes = new List<Base>();

        Assert.That(expression!.TryEvaluate(audit, audit, nodes), Is.True);
        Assert.That(nodes.Cast<ResourceReference>().Select(r => $"{r.Reference} {r.Display}".Trim()), Is.EqualTo(new[] { "Patient/p1", "Patient/p1 Ann", "Patient/p2" }));
    }

    [Test]
    public void The_engine_filters_as_over_several_items_like_of_type()
    {
        // The walker relies on this SDK behaviour (FHIRPath itself calls it an error): if an SDK
        // upgrade changes it, this fails and the walker must decline again for several items.
        var observation = EdgeCases().OfType<Observation>().Single(o => o.Id == "o2");

        var quantities = Engine.Extract(observation).Where(e => e.ParamName == "component-value-quantity").ToList();

        Assert.That(quantities, Has.Count.EqualTo(2));
    }

    [Test]
    public void Common_types_are_walked_without_the_engine()
    {
        // Which parameters of the types written on every request still need the engine: only
        // Patient.deceased (boolean logic) is expected to.
        string[] types = ["AuditEvent", "Patient", "Observation", "Encounter", "Condition", "MedicationRequest", "AllergyIntolerance", "Procedure", "Immunization", "Consent"];
        var engineOnly = new List<string>();
        foreach (var type in types)
            foreach (var definition in Registry.ForResourceType(type))
            {
                if (!definition.IsSupported || string.IsNullOrWhiteSpace(definition.Expression)) continue;
                var narrowed = NarrowedExpression(definition.Expression, type);
                if (narrowed is null) continue;
                if (SimplePathExpression.TryParse(narrowed, type, Registry.IsKnownResourceType) is null) engineOnly.Add($"{type}.{definition.Code}");
            }

        Assert.That(engineOnly, Is.EquivalentTo(new[] { "Patient.deceased" }));
    }

    // The published expression restricted to one type's branches, as the indexer narrows it (none of
    // the expressions read here has '|' inside parentheses or strings).
    private static string? NarrowedExpression(string expression, string type)
    {
        var kept = new List<string>();
        foreach (var raw in expression.Split('|'))
        {
            var branch = raw.Trim();
            if (branch.StartsWith("Resource.", StringComparison.Ordinal)) branch = type + branch["Resource".Length..];
            var head = branch.TrimStart('(');
            if (head == type || head.StartsWith(type + ".", StringComparison.Ordinal)) kept.Add(branch);
        }
        return kept.Count == 0 ? null : string.Join(" | ", kept);
    }

    [TestCase("Observation.subject.where(resolve() is Patient)")]
    [TestCase("(Observation.value as Quantity) | (Observation.value as SampledData)")]
    [TestCase("(Observation.value as CodeableConcept).text")]
    [TestCase("Observation.effective")]
    [TestCase("Observation")]
    [TestCase("Observation | Observation.component")]
    [TestCase("Observation.code.coding.where(system='http://loinc.org')")]
    [TestCase("Observation.performer.where(reference = 'Practitioner/1')")]
    public void Plain_navigation_is_walked(string expression) =>
        Assert.That(SimplePathExpression.TryParse(expression, "Observation", Registry.IsKnownResourceType), Is.Not.Null);

    [TestCase("Observation.code.coding.where(system='http://loinc.org' and code='8867-4')")]
    [TestCase("Observation.code.coding.where(system='it\\'s')")]
    [TestCase("Observation.extension('http://example.org/x')")]
    [TestCase("Patient.deceased.exists() and Patient.deceased != false")]
    [TestCase("Encounter.subject")]
    [TestCase("Observation.value.as(FHIR.Quantity)")]
    public void Anything_else_is_left_to_the_engine(string expression) =>
        Assert.That(SimplePathExpression.TryParse(expression, "Observation", Registry.IsKnownResourceType), Is.Null);
}
