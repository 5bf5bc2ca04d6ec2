using Hl7.Fhir.Model;
using Interop.Adapters.Council;
using Interop.Api.Audit;
using Interop.Api.Fhir;
using Interop.Api.Hosting;
using Interop.Api.Security;
using Interop.Core.Known;
using Interop.Core.Summary;
using Interop.Core.Synthetic;
using Interop.Core.Validation;
using Interop.Tests.Council;
using Interop.Tests.Gp;
using Microsoft.AspNetCore.Http;
using NUnit.Framework;

namespace Interop.Tests.Validation;

/// <summary>
/// Everything the gateway builds itself (adapter bundles, synthetic and demo data, audit events, the $summary
/// Composition) conforms to the profile we own for its type, because every such profile is enforced on write.
/// </summary>
[TestFixture]
public class OwnOutputConformanceTests
{
    private static readonly ProfileValidator Validator = new();

    private static List<string> Errors(Resource resource) =>
        Validator.Validate(resource).Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{resource.TypeName}: {string.Join(",", i.Expression)} [{i.Diagnostics}] {i.Details?.Text}")
            .ToList();

    private static List<string> EntryErrors(Bundle bundle) =>
        bundle.Entry.Select(e => e.Resource).OfType<Resource>().SelectMany(Errors).ToList();

    [Test]
    public void Every_council_assessment_row_maps_to_conformant_resources()
    {
        var rows = CouncilAssessmentReader.ReadCsv(CouncilFixtures.Read("assessments-good.csv")).Rows;
        Assert.That(rows, Is.Not.Empty);

        foreach (var row in rows)
            Assert.That(EntryErrors(CouncilAssessmentMapper.Map(row)), Is.Empty, $"row {row.RowNumber} ({row.AssessmentType})");
    }

    [Test]
    public void Council_questionnaire_responses_name_our_questionnaire_for_their_assessment_type()
    {
        var rows = CouncilAssessmentReader.ReadCsv(CouncilFixtures.Read("assessments-good.csv")).Rows;

        var byType = rows.ToDictionary(
            r => r.AssessmentType,
            r => CouncilAssessmentMapper.Map(r).Entry.Select(e => e.Resource).OfType<QuestionnaireResponse>().Single().Questionnaire);

        Assert.That(byType["carer"], Is.EqualTo(KnownSystems.CarersAssessmentQuestionnaire));
        Assert.That(byType.Where(p => p.Key != "carer").Select(p => p.Value), Has.All.EqualTo(KnownSystems.CareActNeedsAssessmentQuestionnaire));
    }

    [Test]
    public void Gp_extract_maps_to_conformant_resources_including_a_named_practice()
    {
        var bundle = GpFixtures.Map("full-extract.json");

        Assert.That(EntryErrors(bundle), Is.Empty);
        var practice = bundle.Entry.Select(e => e.Resource).OfType<Organization>().Single();
        Assert.That(practice.Name, Is.EqualTo("GP practice N82054"), "the extract carries no practice name");
    }

    [Test]
    public void Synthetic_organizations_and_demo_data_conform()
    {
        var generator = new SyntheticDataGenerator(42);

        Assert.That(EntryErrors(generator.Organizations()), Is.Empty);
        Assert.That(Enumerable.Range(0, 5).SelectMany(i => EntryErrors(generator.Patient(i))).ToList(), Is.Empty);
        Assert.That(DemoData.Resources().SelectMany(Errors).ToList(), Is.Empty);
    }

    [Test]
    public void A_built_audit_event_conforms_for_every_interaction()
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.Host = new HostString("localhost");
        http.Request.Path = "/fhir/Patient/p1";
        var who = new RequestContext
        {
            IsAuthenticated = true, UserId = "u1", UserName = "Dr Test", Organization = "RBQ", Role = "clinician", RequestId = "r1", TokenId = "t1",
        };
        var interactions = Enum.GetValues<FhirInteraction>().Cast<FhirInteraction?>().Append(null);

        foreach (var interaction in interactions)
        {
            var entry = AuditEntry.Of(http, who, interaction, 200, DateTimeOffset.UtcNow, [], ["p1"], null);
            var audit = AuditEventBuilder.Build(entry, ["p1"], [1], [("Patient", "p1")]);
            Assert.That(Errors(audit), Is.Empty, $"interaction {interaction}");
            var view = AuditEventBuilder.BuildPatientView(entry, "p1", [1], [("Patient", "p1")]);
            Assert.That(Errors(view), Is.Empty, $"patient view of interaction {interaction}");
        }
        var anonymous = AuditEventBuilder.Build(AuditEntry.Of(http, new RequestContext(), FhirInteraction.Read, 401, DateTimeOffset.UtcNow, [], [], "unauthenticated"), [], [], []);
        Assert.That(Errors(anonymous), Is.Empty, "an unauthenticated call");
        Assert.That(Errors(AuditEventBuilder.Unreadable("{not json", DateTimeOffset.UtcNow)), Is.Empty, "a journal row that could not be read");
    }

    [Test]
    public void The_summary_composition_conforms_with_and_without_section_content()
    {
        var patient = new Patient
        {
            Id = "p1",
            Identifier = [new Identifier(KnownSystems.NhsNumber, "9434765919")],
            Name = [new HumanName { Family = "SMITH", Given = ["Jane"] }],
        };
        var allergy = new AllergyIntolerance { Id = "a1", Patient = new ResourceReference("Patient/p1"), Code = new CodeableConcept(KnownSystems.Snomed, "91936005") };
        var input = new SummaryComposer.Input(SummaryComposer.NameOf(patient), "urn:uuid:5b3a4c12-0d0c-4c9a-9a43-2b9d6f1c8e01",
            [SummaryItemReader.FromResource(allergy, "urn:uuid:5b3a4c12-0d0c-4c9a-9a43-2b9d6f1c8e02")], new HashSet<string> { "Medications" }, DateTimeOffset.UtcNow);

        var composition = SummaryComposer.Compose(input, out _);

        Assert.That(Errors(composition), Is.Empty);
    }
}
