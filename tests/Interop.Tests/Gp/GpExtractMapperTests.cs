using System.Text.Json;
using Hl7.Fhir.Model;
using Interop.Adapters.Gp;
using Interop.Core.Known;
using NUnit.Framework;

// Firely's model marks every element nullable; these tests assert the mapped shape, and a missing element fails
// the test with a NullReferenceException just as clearly as with an assertion.
#nullable disable warnings

namespace Interop.Tests.Gp;

[TestFixture]
public class GpExtractMapperTests
{
    private const string Source = "https://interop.example/Id/source-record/gp/N82054";

    private static Bundle.EntryComponent Entry(Bundle bundle, string requestUrl) =>
        bundle.Entry.Single(e => e.Request.Url == requestUrl || e.Request.IfNoneExist == requestUrl);

    private static T Resource<T>(Bundle bundle, string guid) where T : Resource =>
        (T)Entry(bundle, $"{typeof(T).Name}?identifier={Source}|{guid}").Resource;

    private static IEnumerable<Base> Descendants(Base element)
    {
        foreach (var (_, value) in element.EnumerateElements())
        {
            IEnumerable<Base> children = value switch
            {
                Base single => [single],
                IEnumerable<Base> many => many,
                _ => [],
            };
            foreach (var child in children)
            {
                yield return child;
                foreach (var descendant in Descendants(child)) yield return descendant;
            }
        }
    }

    private static string FullUrlOf(Bundle bundle, string requestUrl) => Entry(bundle, requestUrl).FullUrl;

    [Test]
    public void FullExtractBecomesATransactionOfConditionalWrites()
    {
        var bundle = GpFixtures.Map("full-extract.json");

        Assert.That(bundle.Type, Is.EqualTo(Bundle.BundleType.Transaction));
        Assert.That(bundle.Entry.Select(e => e.Resource.TypeName), Is.EqualTo(new[]
        {
            "Organization", "Practitioner", "Patient", "Consent", "Encounter", "Condition", "Condition",
            "AllergyIntolerance", "MedicationStatement", "MedicationRequest", "MedicationRequest", "Observation",
        }));
        Assert.That(bundle.Entry.Select(e => e.FullUrl), Is.All.StartsWith("urn:uuid:"));
        Assert.That(bundle.Entry.Select(e => e.FullUrl), Is.Unique);
        Assert.That(bundle.Entry.Select(e => e.Request.Url + e.Request.IfNoneExist), Is.Unique);

        // Every urn:uuid reference points at an entry of this Bundle.
        var fullUrls = bundle.Entry.Select(e => e.FullUrl).ToHashSet();
        var references = bundle.Entry.SelectMany(e => Descendants(e.Resource).OfType<ResourceReference>())
            .Select(r => r.Reference).Where(r => r is not null).ToList();
        Assert.That(references, Is.Not.Empty);
        Assert.That(references, Is.All.Matches<string>(fullUrls.Contains));
    }

    [Test]
    public void ClinicalEntriesArePutByTheirSourceRecordIdentifier()
    {
        var bundle = GpFixtures.Map("full-extract.json");

        foreach (var entry in bundle.Entry.Where(e => e.Resource is not (Organization or Practitioner or Patient)))
        {
            Assert.That(entry.Request.Method, Is.EqualTo(Bundle.HTTPVerb.PUT), entry.Resource.TypeName);
            var identifier = entry.Resource.EnumerateElements().Where(e => e.Key == "identifier")
                .SelectMany(e => (IEnumerable<Identifier>)e.Value).Single();
            Assert.That(identifier.System, Is.EqualTo(Source));
            Assert.That(entry.Request.Url, Is.EqualTo($"{entry.Resource.TypeName}?identifier={Source}|{identifier.Value}"));
        }
    }

    [Test]
    public void OrganizationIsCreatedOnlyIfTheOdsCodeIsUnknown()
    {
        var entry = Entry(GpFixtures.Map("full-extract.json"), "identifier=https://fhir.nhs.uk/Id/ods-organization-code|N82054");
        var organization = (Organization)entry.Resource;

        Assert.That(entry.Request.Method, Is.EqualTo(Bundle.HTTPVerb.POST));
        Assert.That(entry.Request.Url, Is.EqualTo("Organization"));
        Assert.That(organization.Identifier.Single().Value, Is.EqualTo("N82054"));
        Assert.That(organization.Type.Single().Coding.Single().System, Is.EqualTo(KnownSystems.OrganisationType));
        Assert.That(organization.Type.Single().Coding.Single().Code, Is.EqualTo("gp-practice"));
    }

    [Test]
    public void UsualGpIsAPractitionerWithGmpCode()
    {
        var entry = Entry(GpFixtures.Map("full-extract.json"), $"identifier={KnownSystems.GmpNumber}|G9991234");
        var practitioner = (Practitioner)entry.Resource;

        Assert.That(entry.Request.Method, Is.EqualTo(Bundle.HTTPVerb.POST));
        Assert.That(practitioner.Name.Single().Text, Is.EqualTo("Dr A Jones"));
    }

    [Test]
    public void PatientIsPutByNhsNumberWithVerificationStatus()
    {
        var bundle = GpFixtures.Map("full-extract.json");
        var entry = Entry(bundle, "Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919");
        var patient = (Patient)entry.Resource;

        Assert.That(entry.Request.Method, Is.EqualTo(Bundle.HTTPVerb.PUT));
        var nhs = patient.Identifier.Single(i => i.System == KnownSystems.NhsNumber);
        Assert.That(nhs.Value, Is.EqualTo("9434765919"));
        var status = (CodeableConcept)nhs.GetExtension(KnownSystems.UkCoreNhsNumberVerificationStatusExtension).Value;
        Assert.That(status.Coding.Single().System, Is.EqualTo(KnownSystems.UkCoreNhsNumberVerificationStatusEngland));
        Assert.That(status.Coding.Single().Code, Is.EqualTo("01"));
        Assert.That(patient.Identifier.Single(i => i.System == Source).Value, Is.EqualTo("E12345"));
        Assert.That(patient.Name.Single().Family, Is.EqualTo("SMITH"));
        Assert.That(patient.Name.Single().Given, Is.EqualTo(new[] { "Jane" }));
        Assert.That(patient.BirthDate, Is.EqualTo("1961-03-02"));
        Assert.That(patient.Gender, Is.EqualTo(AdministrativeGender.Female));
        Assert.That(patient.Address.Single().PostalCode, Is.EqualTo("L1 8JQ"));
        Assert.That(patient.GeneralPractitioner.Select(r => r.Reference), Is.EqualTo(new[]
        {
            FullUrlOf(bundle, "identifier=https://fhir.nhs.uk/Id/ods-organization-code|N82054"),
            FullUrlOf(bundle, $"identifier={KnownSystems.GmpNumber}|G9991234"),
        }));
    }

    [Test]
    public void ProblemBecomesAProblemListCondition()
    {
        var bundle = GpFixtures.Map("full-extract.json");
        var asthma = Resource<Condition>(bundle, "p-1");

        Assert.That(asthma.Category.Single().Coding.Single().Code, Is.EqualTo("problem-list-item"));
        Assert.That(asthma.ClinicalStatus.Coding.Single().System, Is.EqualTo(KnownSystems.ConditionClinical));
        Assert.That(asthma.ClinicalStatus.Coding.Single().Code, Is.EqualTo("active"));
        var code = asthma.Code.Coding.Single();
        Assert.That((code.System, code.Code, code.Display), Is.EqualTo((KnownSystems.Snomed, "195967001", "Asthma")));
        Assert.That(code.GetExtension(KnownSystems.CodingSctDescIdExtension).Value, Is.EqualTo(new Id("301485011")).Using<Id>((a, b) => a.Value == b.Value));
        Assert.That(((Code)asthma.GetExtension(KnownSystems.UkCoreProblemSignificanceExtension).Value).Value, Is.EqualTo("major"));
        var episode = (CodeableConcept)asthma.GetExtension(KnownSystems.UkCoreConditionEpisodeExtension).Value;
        Assert.That(episode.Coding.Single().Code, Is.EqualTo("first"));
        Assert.That(((FhirDateTime)asthma.Onset).Value, Is.EqualTo("1998-04"));
        Assert.That(asthma.RecordedDate, Is.EqualTo("2010-01-12T10:00:00Z"));
        Assert.That(asthma.Recorder.Reference, Is.EqualTo(FullUrlOf(bundle, $"identifier={KnownSystems.GmpNumber}|G9991234")));
        Assert.That(asthma.Subject.Reference, Is.EqualTo(FullUrlOf(bundle, "Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919")));

        var diabetes = Resource<Condition>(bundle, "p-2");
        Assert.That(diabetes.Evidence.Single().Detail.Single().Reference,
            Is.EqualTo(FullUrlOf(bundle, $"Observation?identifier={Source}|o-1")), "linked observations are the problem's evidence");
    }

    [Test]
    public void AllergyKeepsSubstanceManifestationAndSeverity()
    {
        var allergy = Resource<AllergyIntolerance>(GpFixtures.Map("full-extract.json"), "a-1");

        Assert.That(allergy.Code.Coding.Single().Code, Is.EqualTo("91936005"));
        Assert.That(allergy.ClinicalStatus.Coding.Single().Code, Is.EqualTo("active"));
        Assert.That(allergy.RecordedDate, Is.EqualTo("2004-09-20"));
        var reaction = allergy.Reaction.Single();
        Assert.That(reaction.Substance.Coding.Single().Code, Is.EqualTo("890458001"));
        Assert.That(reaction.Manifestation.Single().Text, Is.EqualTo("Urticarial rash"));
        Assert.That(reaction.Severity, Is.EqualTo(AllergyIntolerance.AllergyIntoleranceSeverity.Moderate));
    }

    [Test]
    public void MedicationBecomesStatementAuthorisationAndIssues()
    {
        var bundle = GpFixtures.Map("full-extract.json");
        var statement = Resource<MedicationStatement>(bundle, "m-1");
        var requests = bundle.Entry.Select(e => e.Resource).OfType<MedicationRequest>().ToList();
        var plan = requests.Single(r => r.Intent == MedicationRequest.MedicationRequestIntent.Plan);
        var order = requests.Single(r => r.Intent == MedicationRequest.MedicationRequestIntent.Order);
        var planUrl = FullUrlOf(bundle, $"MedicationRequest?identifier={Source}|m-1");
        var asthmaUrl = FullUrlOf(bundle, $"Condition?identifier={Source}|p-1");

        var medication = (CodeableConcept)statement.Medication;
        Assert.That((medication.Coding.Single().System, medication.Coding.Single().Code), Is.EqualTo((KnownSystems.Dmd, "39113611000001102")));
        Assert.That(statement.Status, Is.EqualTo(MedicationStatement.MedicationStatusCodes.Active));
        Assert.That(statement.Dosage.Single().Text, Is.EqualTo("2 puffs when required"));
        Assert.That(statement.ReasonReference.Single().Reference, Is.EqualTo(asthmaUrl));
        Assert.That(statement.BasedOn.Single().Reference, Is.EqualTo(planUrl));
        Assert.That(((FhirDateTime)statement.GetExtension(KnownSystems.UkCoreMedicationStatementLastIssueDateExtension).Value).Value, Is.EqualTo("2023-02-14"));

        Assert.That(plan.Status, Is.EqualTo(MedicationRequest.MedicationrequestStatus.Active));
        Assert.That(plan.CourseOfTherapyType.Coding.Single().System, Is.EqualTo(KnownSystems.UkCorePrescriptionType));
        Assert.That(plan.CourseOfTherapyType.Coding.Single().Code, Is.EqualTo("repeat"));
        Assert.That(plan.DispenseRequest.ValidityPeriod.Start, Is.EqualTo("2022-11-01"));
        Assert.That(plan.DispenseRequest.ValidityPeriod.End, Is.EqualTo("2023-11-01"));
        Assert.That(plan.ReasonReference.Single().Reference, Is.EqualTo(asthmaUrl));

        Assert.That(order.BasedOn.Single().Reference, Is.EqualTo(planUrl));
        Assert.That(order.AuthoredOn, Is.EqualTo("2023-02-14"));
        Assert.That(order.Status, Is.EqualTo(MedicationRequest.MedicationrequestStatus.Completed));
        Assert.That((order.DispenseRequest.Quantity.Value, order.DispenseRequest.Quantity.Unit), Is.EqualTo((1m, "inhaler")));
        Assert.That(order.Identifier.Single().Value, Is.EqualTo("m-1/issue/2023-02-14"));
    }

    [Test]
    public void ObservationHasUcumQuantityAndItsConsultation()
    {
        var bundle = GpFixtures.Map("full-extract.json");
        var observation = Resource<Observation>(bundle, "o-1");

        var quantity = (Quantity)observation.Value;
        Assert.That((quantity.Value, quantity.Unit, quantity.System, quantity.Code), Is.EqualTo((7.8m, "mmol/L", KnownSystems.Ucum, "mmol/L")));
        Assert.That(((FhirDateTime)observation.Effective).Value, Is.EqualTo("2023-01-10"));
        Assert.That(observation.Status, Is.EqualTo(ObservationStatus.Final));
        Assert.That(observation.Encounter.Reference, Is.EqualTo(FullUrlOf(bundle, $"Encounter?identifier={Source}|c-1")));
        Assert.That(observation.Meta, Is.Null, "no security labels on an ordinary item");
    }

    [Test]
    public void ConsultationBecomesAnAmbulatoryEncounter()
    {
        var bundle = GpFixtures.Map("full-extract.json");
        var encounter = Resource<Encounter>(bundle, "c-1");

        Assert.That(encounter.Class.Code, Is.EqualTo("AMB"));
        Assert.That(encounter.Status, Is.EqualTo(Encounter.EncounterStatus.Finished));
        Assert.That(encounter.Period.Start, Is.EqualTo("2023-01-10"));
        Assert.That(encounter.Type.Single().Text, Is.EqualTo("Surgery consultation"));
        Assert.That(encounter.Participant.Single().Individual.Reference, Is.EqualTo(FullUrlOf(bundle, $"identifier={KnownSystems.GmpNumber}|G9991234")));
        Assert.That(encounter.ServiceProvider.Reference, Is.EqualTo(FullUrlOf(bundle, "identifier=https://fhir.nhs.uk/Id/ods-organization-code|N82054")));
    }

    [Test]
    public void RefusalCodeBecomesADenyConsentForTheLedger()
    {
        var bundle = GpFixtures.Map("full-extract.json");
        var consent = (Consent)bundle.Entry.Single(e => e.Resource is Consent).Resource;

        Assert.That(consent.Status, Is.EqualTo(Consent.ConsentState.Active));
        Assert.That(consent.Scope.Coding.Single().System, Is.EqualTo(KnownSystems.ConsentScope));
        Assert.That(consent.Scope.Coding.Single().Code, Is.EqualTo("patient-privacy"));
        Assert.That(consent.Category.SelectMany(c => c.Coding).Select(c => (c.System, c.Code)), Is.EqualTo(new[]
        {
            (KnownSystems.Loinc, "59284-0"), (KnownSystems.Snomed, "416409005"),
        }));
        Assert.That(consent.Patient.Reference, Is.EqualTo(FullUrlOf(bundle, "Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919")));
        Assert.That(consent.DateTime, Is.EqualTo("2023-05-01"));
        Assert.That(consent.Organization.Single().Reference, Is.EqualTo(FullUrlOf(bundle, "identifier=https://fhir.nhs.uk/Id/ods-organization-code|N82054")));
        Assert.That(consent.Policy.Single().Uri, Is.EqualTo("https://interop.example/policy/shcr-objection/v1"));
        Assert.That(consent.Provision.Type, Is.EqualTo(Consent.ConsentProvisionType.Deny));
        Assert.That(consent.Provision.Provision.Single().Purpose.Single().Code, Is.EqualTo("BTG"));
        var source = (ResourceReference)consent.Source;
        Assert.That(source.Identifier.Value, Is.EqualTo("sharing/416409005/2023-05-01"));
        Assert.That(source.Display, Does.Contain("416409005"));
    }

    [Test]
    public void LaterSharingCodeSupersedesEarlierOneForTheSameRecord()
    {
        var bundle = GpFixtures.Map("sharing-dissent.json");
        var consents = bundle.Entry.Select(e => e.Resource).OfType<Consent>()
            .ToDictionary(c => c.Category[1].Coding.Single().Code);

        Assert.That(consents.Keys, Is.EquivalentTo(new[] { "417528008", "416409005", "417370002" }));
        Assert.That(consents["417528008"].Status, Is.EqualTo(Consent.ConsentState.Inactive), "local consent of 2019 was replaced by the 2023 refusal");
        Assert.That(consents["416409005"].Status, Is.EqualTo(Consent.ConsentState.Active));
        Assert.That(consents["416409005"].Provision.Type, Is.EqualTo(Consent.ConsentProvisionType.Deny));
        Assert.That(consents["417370002"].Status, Is.EqualTo(Consent.ConsentState.Active), "national record consent is a separate question");
        Assert.That(consents["417370002"].Provision.Type, Is.EqualTo(Consent.ConsentProvisionType.Permit));
        Assert.That(consents["417370002"].Policy, Is.Empty);
        Assert.That(consents["417370002"].PolicyRule.Coding.Single().Code, Is.EqualTo("OPTIN"));
        Assert.That(bundle.Entry.Any(e => e.Request.Url == "Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919"), Is.True,
            "the spaced NHS number is normalised");
    }

    [Test]
    public void ConfidentialAndSensitiveItemsCarrySecurityLabels()
    {
        var bundle = GpFixtures.Map("confidential-items.json");
        string[] Labels(Resource r) => r.Meta?.Security.Select(c => $"{c.System}#{c.Code}").ToArray() ?? [];
        const string restricted = KnownSystems.V3Confidentiality + "#R";

        Assert.That(Labels(Resource<Condition>(bundle, "p-10")), Is.EqualTo(new[] { restricted }));
        Assert.That(Labels(Resource<Condition>(bundle, "p-11")), Is.Empty);
        Assert.That(Labels(Resource<Observation>(bundle, "o-10")), Is.EqualTo(new[] { restricted, KnownSystems.V3ActCode + "#STD" }));
        Assert.That(Labels(Resource<Observation>(bundle, "o-11")), Is.EqualTo(new[] { restricted }), "recorded in a confidential consultation");
        Assert.That(Labels(Resource<Observation>(bundle, "o-12")), Is.EqualTo(new[] { restricted, KnownSystems.SensitiveClass + "#IVF" }));
        Assert.That(Labels(Resource<Encounter>(bundle, "c-10")), Is.EqualTo(new[] { restricted }));
        Assert.That(Labels(Resource<Encounter>(bundle, "c-11")), Is.Empty);
        Assert.That(bundle.Entry.Select(e => e.Resource).OfType<MedicationRequest>().Select(Labels), Is.All.Empty);
    }

    [Test]
    public void CompletedAcuteMedicationAndUnknownSex()
    {
        var bundle = GpFixtures.Map("confidential-items.json");
        var statement = Resource<MedicationStatement>(bundle, "m-10");
        var order = bundle.Entry.Select(e => e.Resource).OfType<MedicationRequest>().Single(r => r.Intent == MedicationRequest.MedicationRequestIntent.Order);
        var patient = bundle.Entry.Select(e => e.Resource).OfType<Patient>().Single();

        Assert.That(statement.Status, Is.EqualTo(MedicationStatement.MedicationStatusCodes.Completed));
        Assert.That(order.CourseOfTherapyType.Coding.Single().Code, Is.EqualTo("acute"));
        Assert.That((order.DispenseRequest.Quantity.Value, order.DispenseRequest.Quantity.Unit), Is.EqualTo((15m, "capsule")), "issue without quantity uses the authorisation's");
        Assert.That(patient.Gender, Is.EqualTo(AdministrativeGender.Unknown));
        Assert.That(Resource<Condition>(bundle, "p-11").ClinicalStatus.Coding.Single().Code, Is.EqualTo("inactive"));
    }

    [Test]
    public void SameExtractMapsToByteIdenticalJson()
    {
        var first = GpFixtures.ToJson(GpFixtures.Map("full-extract.json"));
        var second = GpFixtures.ToJson(GpFixtures.Map("full-extract.json"));

        Assert.That(second, Is.EqualTo(first));
        Assert.That(GpFixtures.ToJson(GpFixtures.Map("confidential-items.json")), Is.EqualTo(GpFixtures.ToJson(GpFixtures.Map("confidential-items.json"))));
    }

    [Test]
    public void AnotherPracticeGetsOtherUuids()
    {
        var here = GpFixtures.Map("full-extract.json");
        var other = GpExtractMapper.Map(GpExtractReader.Read(GpFixtures.Text("full-extract.json").Replace("N82054", "Y01234")).Extract!).Transaction!;

        var conditionHere = here.Entry.First(e => e.Resource is Condition).FullUrl;
        var conditionThere = other.Entry.First(e => e.Resource is Condition).FullUrl;
        Assert.That(conditionThere, Is.Not.EqualTo(conditionHere), "guids are only unique within one practice system");
    }

    [Test]
    public void BundleRoundTripsThroughStrictFhirParsing()
    {
        var json = GpFixtures.ToJson(GpFixtures.Map("full-extract.json"));

        var parsed = JsonSerializer.Deserialize<Bundle>(json, GpFixtures.FhirJson)!;

        Assert.That(parsed.Entry, Has.Count.EqualTo(12));
        Assert.That(GpFixtures.ToJson(parsed), Is.EqualTo(json));
    }

    [Test]
    public void ExtractWithErrorsGivesNoBundleAndEveryProblem()
    {
        var extract = new GpExtract
        {
            Practice = new GpPractice { OdsCode = "N82054" },
            Patient = new GpPatient { NhsNumber = "1234567890" },
            Problems = [new GpProblem { Guid = "p-1", Snomed = "195967001" }],
        };

        var result = GpExtractMapper.Map(extract);

        Assert.That(result.Transaction, Is.Null);
        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Problems.Select(p => p.Path), Is.EquivalentTo(new[] { "$.patient.nhsNumber", "$.problems[0].status" }));
    }

    [Test]
    public void GuidsAreEscapedInConditionalUrls()
    {
        var extract = GpFixtures.Extract("full-extract.json");
        extract.Problems[0]!.Guid = "p 1&x";
        extract.Medications[0]!.LinkedProblem = "p 1&x";

        var bundle = GpExtractMapper.Map(extract).Transaction!;

        Assert.That(bundle.Entry.Select(e => e.Request.Url), Does.Contain($"Condition?identifier={Source}|p%201%26x"));
    }
}
