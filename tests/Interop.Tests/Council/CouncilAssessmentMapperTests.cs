// Firely model properties are nullable-annotated; these assertions fail loudly on a null anyway.
#nullable disable warnings
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Interop.Adapters.Council;
using Interop.Core.Known;
using NUnit.Framework;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Interop.Tests.Council;

[TestFixture]
public class CouncilAssessmentMapperTests
{
    private static CouncilAssessmentRow GoodRow(int index = 0) =>
        CouncilAssessmentReader.ReadCsv(CouncilFixtures.Read("assessments-good.csv")).Rows[index];

    private static Bundle MapFirst() => CouncilAssessmentMapper.Map(GoodRow());

    private static IEnumerable<T> All<T>(Bundle bundle) where T : Resource => bundle.Entry.Select(e => e.Resource).OfType<T>();

    private static string Json(Bundle bundle) => new FhirJsonSerializer().SerializeToString(bundle);

    [Test]
    public void Bundle_is_a_transaction_with_urn_uuid_full_urls_and_the_expected_resources()
    {
        var bundle = MapFirst();

        Assert.That(bundle.Type, Is.EqualTo(Bundle.BundleType.Transaction));
        Assert.That(bundle.Entry.Select(e => e.FullUrl), Has.All.StartWith("urn:uuid:"));
        Assert.That(bundle.Entry.Select(e => e.FullUrl).Distinct().Count(), Is.EqualTo(bundle.Entry.Count));
        var types = bundle.Entry.Select(e => e.Resource.TypeName).ToList();
        Assert.That(types.Count(t => t == "Observation"), Is.EqualTo(11), "ten outcomes + the eligibility decision");
        Assert.That(types.Count(t => t == "Goal"), Is.EqualTo(3));
        Assert.That(types.Where(t => t is not ("Observation" or "Goal")),
            Is.EqualTo(new[] { "Organization", "Patient", "Task", "QuestionnaireResponse", "Condition", "CarePlan", "EpisodeOfCare" }));
    }

    [Test]
    public void Patient_and_organization_are_conditional_creates_on_their_national_identifiers()
    {
        var bundle = MapFirst();
        var patientEntry = bundle.Entry.Single(e => e.Resource is Patient);
        var orgEntry = bundle.Entry.Single(e => e.Resource is Organization);

        Assert.That(patientEntry.Request.Method, Is.EqualTo(Bundle.HTTPVerb.POST));
        Assert.That(patientEntry.Request.IfNoneExist, Is.EqualTo("identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919"));
        var patient = (Patient)patientEntry.Resource;
        Assert.That(patient.Identifier.Select(i => $"{i.System}|{i.Value}"), Is.EqualTo(new[]
        {
            "https://fhir.nhs.uk/Id/nhs-number|9434765919",
            "https://interop.example/Id/source-record/council/LIVCC/person|P77001",
        }));
        Assert.That(patient.BirthDate, Is.EqualTo("1932-01-06"));
        Assert.That(patient.Name.Single().Family, Is.EqualTo("XXTESTPATIENT-TGNP"));

        Assert.That(orgEntry.Request.IfNoneExist, Is.EqualTo("identifier=https://fhir.nhs.uk/Id/ods-organization-code|LIVCC"));
        var org = (Organization)orgEntry.Resource;
        Assert.That(org.Type.Single().Coding.Single().System, Is.EqualTo(KnownSystems.OrganisationType));
        Assert.That(org.Type.Single().Coding.Single().Code, Is.EqualTo("council"));
        Assert.That(org.Name, Is.EqualTo("Liverpool City Council"));
    }

    [Test]
    public void Every_other_resource_is_a_conditional_update_on_its_source_record_identifier()
    {
        var bundle = MapFirst();
        const string system = "https://interop.example/Id/source-record/council/LIVCC";
        foreach (var entry in bundle.Entry.Where(e => e.Resource is not (Patient or Organization)))
        {
            var identifiers = entry.Resource switch
            {
                QuestionnaireResponse qr => [qr.Identifier],
                _ => (List<Identifier>)entry.Resource.GetType().GetProperty("Identifier")!.GetValue(entry.Resource)!,
            };
            var id = identifiers.Single();
            Assert.That(id.System, Is.EqualTo(system));
            Assert.That(id.Value, Does.StartWith("A-1001"));
            Assert.That(entry.Request.Method, Is.EqualTo(Bundle.HTTPVerb.PUT));
            Assert.That(entry.Request.Url, Is.EqualTo($"{entry.Resource.TypeName}?identifier={system}|{id.Value}"));
        }
        var values = bundle.Entry.Where(e => e.Request.Method == Bundle.HTTPVerb.PUT).Select(e => e.Request.Url).ToList();
        Assert.That(values.Distinct().Count(), Is.EqualTo(values.Count), "no two resources share an identifier");
    }

    [Test]
    public void Task_is_the_assessment_event_with_the_cld_outcome()
    {
        var bundle = MapFirst();
        var task = All<FhirTask>(bundle).Single();
        var patientUrl = bundle.Entry.Single(e => e.Resource is Patient).FullUrl;
        var orgUrl = bundle.Entry.Single(e => e.Resource is Organization).FullUrl;
        var qrUrl = bundle.Entry.Single(e => e.Resource is QuestionnaireResponse).FullUrl;

        Assert.That(task.Status, Is.EqualTo(FhirTask.TaskStatus.Completed));
        Assert.That(task.Intent, Is.EqualTo(FhirTask.TaskIntent.Order));
        Assert.That(task.Code.Coding.Single().Code, Is.EqualTo("needs"));
        Assert.That(task.For.Reference, Is.EqualTo(patientUrl));
        Assert.That(task.Owner.Reference, Is.EqualTo(orgUrl));
        Assert.That(task.AuthoredOn, Is.EqualTo("2024-03-04"));
        Assert.That(task.ExecutionPeriod.Start, Is.EqualTo("2024-03-04"));
        Assert.That(task.ExecutionPeriod.End, Is.EqualTo("2024-03-18"));
        Assert.That(task.BusinessStatus.Coding.Single().System, Is.EqualTo(KnownSystems.InterweaveAssessmentOutcome));
        Assert.That(task.BusinessStatus.Coding.Single().Code, Is.EqualTo("PRO-SUP"));
        Assert.That(((ResourceReference)task.Output.Single().Value).Reference, Is.EqualTo(qrUrl));
        Assert.That(task.Note.Single().Text, Is.EqualTo("Assessor: Sam Okafor, Hospital Discharge Team"));
    }

    [Test]
    public void QuestionnaireResponse_holds_an_item_per_recorded_outcome()
    {
        var qr = All<QuestionnaireResponse>(MapFirst()).Single();
        var outcomes = qr.Item.Single(i => i.LinkId == "eligibility-outcomes");

        Assert.That(qr.Status, Is.EqualTo(QuestionnaireResponse.QuestionnaireResponseStatus.Completed));
        Assert.That(outcomes.Item, Has.Count.EqualTo(10));
        var nutrition = outcomes.Item.Single(i => i.LinkId == "nutrition");
        Assert.That(((FhirBoolean)nutrition.Item.Single(i => i.LinkId == "nutrition.unable-to-achieve").Answer.Single().Value).Value, Is.True);
        Assert.That(((FhirString)nutrition.Item.Single(i => i.LinkId == "nutrition.note").Answer.Single().Value).Value, Does.Contain("hot meals"));
    }

    [Test]
    public void One_observation_per_outcome_derived_from_the_questionnaire_response()
    {
        var bundle = MapFirst();
        var qrUrl = bundle.Entry.Single(e => e.Resource is QuestionnaireResponse).FullUrl;
        var outcomes = All<Observation>(bundle).Where(o => o.Code.Coding[0].System == KnownSystems.CareActEligibilityOutcome).ToList();

        Assert.That(outcomes.Select(o => o.Code.Coding[0].Code), Is.EqualTo(EligibilityOutcome.All.Select(o => o.Code)));
        Assert.That(outcomes.Select(o => ((FhirBoolean)o.Value).Value),
            Is.EqualTo(new bool?[] { true, true, false, false, true, false, false, false, true, false }));
        Assert.That(outcomes, Has.All.Matches<Observation>(o =>
            o.Status == ObservationStatus.Final &&
            o.DerivedFrom.Single().Reference == qrUrl &&
            o.Category.Single().Coding.Single().Code == "social-history"));
        Assert.That(KnownSystems.CareActEligibilityOutcome, Is.EqualTo(KnownSystems.InteropBase + "/CodeSystem/care-act-eligibility-outcome"));
    }

    [Test]
    public void Eligibility_decision_observation_carries_wellbeing_and_links_the_outcomes()
    {
        var decision = All<Observation>(MapFirst()).Single(o => o.Code.Coding[0].System == KnownSystems.CareActEligibility);
        Assert.That(((FhirBoolean)decision.Value).Value, Is.True);
        Assert.That(((FhirBoolean)decision.Component.Single().Value).Value, Is.True);
        Assert.That(decision.HasMember, Has.Count.EqualTo(10));
    }

    [Test]
    public void Unrecorded_outcomes_make_no_observation()
    {
        var bundle = CouncilAssessmentMapper.Map(GoodRow(2));
        var outcomes = All<Observation>(bundle).Where(o => o.Code.Coding[0].System == KnownSystems.CareActEligibilityOutcome);
        Assert.That(outcomes.Select(o => o.Code.Coding[0].Code), Is.EqualTo(new[] { "nutrition", "home-safety" }));
        Assert.That(All<CarePlan>(bundle), Is.Empty, "no goals, no plan");
        Assert.That(All<EpisodeOfCare>(bundle), Is.Empty, "no service, no episode");
    }

    [Test]
    public void CarePlan_references_its_goals_and_the_primary_support_reason()
    {
        var bundle = MapFirst();
        var plan = All<CarePlan>(bundle).Single();
        var goalUrls = bundle.Entry.Where(e => e.Resource is Goal).Select(e => e.FullUrl).ToList();
        var conditionUrl = bundle.Entry.Single(e => e.Resource is Condition).FullUrl;

        Assert.That(plan.Status, Is.EqualTo(RequestStatus.Active));
        Assert.That(plan.Intent, Is.EqualTo(CarePlan.CarePlanIntent.Plan));
        Assert.That(plan.Goal.Select(g => g.Reference), Is.EqualTo(goalUrls));
        Assert.That(plan.Addresses.Single().Reference, Is.EqualTo(conditionUrl));
        Assert.That(plan.Period.Start, Is.EqualTo("2024-03-18"));
        Assert.That(All<Goal>(bundle).Select(g => g.Description.Text).First(), Is.EqualTo("Eat a hot meal every day"));
        Assert.That(All<Goal>(bundle), Has.All.Matches<Goal>(g => g.LifecycleStatus == Goal.GoalLifecycleStatus.Active));
        Assert.That(All<Condition>(bundle).Single().Code.Coding.Single().Code, Is.EqualTo("PS-PCS"));
    }

    [Test]
    public void EpisodeOfCare_is_the_service()
    {
        var bundle = MapFirst();
        var episode = All<EpisodeOfCare>(bundle).Single();
        Assert.That(episode.Status, Is.EqualTo(EpisodeOfCare.EpisodeOfCareStatus.Active));
        Assert.That(episode.Type.Select(t => t.Coding.Single().Code), Is.EqualTo(new[] { "HS", "LTS-C" }));
        Assert.That(episode.Period.Start, Is.EqualTo("2024-03-25"));
        Assert.That(episode.Period.End, Is.Null);
        Assert.That(episode.ManagingOrganization.Reference, Is.EqualTo(bundle.Entry.Single(e => e.Resource is Organization).FullUrl));
    }

    [Test]
    public void Same_row_maps_to_byte_identical_json()
    {
        var first = Json(CouncilAssessmentMapper.Map(GoodRow()));
        var again = Json(CouncilAssessmentMapper.Map(CouncilAssessmentReader.ReadCsv(CouncilFixtures.Read("assessments-good.csv")).Rows[0]));
        Assert.That(again, Is.EqualTo(first));
        Assert.That(Json(CouncilAssessmentMapper.Map(GoodRow(1))), Is.Not.EqualTo(first));
    }

    [Test]
    public void Different_assessments_get_different_full_urls_for_the_same_patient()
    {
        var a = CouncilAssessmentMapper.Map(GoodRow(0));
        var b = CouncilAssessmentMapper.Map(GoodRow(0) with { AssessmentId = "A-9999" });
        Assert.That(a.Entry.Single(e => e.Resource is Patient).FullUrl, Is.EqualTo(b.Entry.Single(e => e.Resource is Patient).FullUrl));
        Assert.That(a.Entry.Single(e => e.Resource is FhirTask).FullUrl, Is.Not.EqualTo(b.Entry.Single(e => e.Resource is FhirTask).FullUrl));
    }

    [Test]
    public void MapAll_gives_one_bundle_per_good_row_and_an_operation_outcome_for_the_bad_ones()
    {
        var result = CouncilAssessmentMapper.MapAll(CouncilAssessmentReader.ReadCsv(CouncilFixtures.Read("assessments-bad-rows.csv")));

        Assert.That(result.Bundles.Select(b => b.RowNumber), Is.EqualTo(new[] { 1, 4 }));
        Assert.That(result.HasErrors, Is.True);
        var issues = result.Problems.Issue;
        var nhs = issues.Single(i => i.Expression.SequenceEqual(new[] { "row[2].nhsNumber" }));
        Assert.That(nhs.Severity, Is.EqualTo(OperationOutcome.IssueSeverity.Error));
        Assert.That(nhs.Details.Coding.Single().Code, Is.EqualTo("INVALID_NHS_NUMBER"));
        Assert.That(issues.Single(i => i.Expression.SequenceEqual(new[] { "row[3].eventOutcome" })).Code, Is.EqualTo(OperationOutcome.IssueType.CodeInvalid));
        Assert.That(issues.Single(i => i.Expression.SequenceEqual(new[] { "row[3].personId" })).Code, Is.EqualTo(OperationOutcome.IssueType.Required));
        Assert.That(issues.Last().Details.Text, Is.EqualTo("2 of 4 rows accepted for storage."));
    }

    [Test]
    public void Name_based_uuids_follow_rfc_9562_version_5()
    {
        // Known answer from RFC 9562 appendix A.4: v5 of "www.example.com" in the DNS namespace.
        var dns = new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        Assert.That(NameBasedUuid.Create(dns, "www.example.com"), Is.EqualTo(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2")));
    }
}
