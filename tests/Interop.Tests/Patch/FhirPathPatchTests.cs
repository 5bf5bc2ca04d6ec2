using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Interop.Core.Fhir;
using Interop.Core.Known;
using Interop.Core.Patch;
using NUnit.Framework;

namespace Interop.Tests.Patch;

[TestFixture]
public class FhirPathPatchTests
{
    private const string LocalSystem = "https://interop.example/Id/local-patient";

    private static Patient NewPatient() => new()
    {
        Id = "pat-1",
        Identifier =
        [
            new Identifier(KnownSystems.NhsNumber, "9434765919"),
            new Identifier(LocalSystem, "L-17"),
        ],
        Name = [new HumanName { Family = "Smith", Given = ["Jane"] }],
        Gender = AdministrativeGender.Female,
        BirthDate = "1970-01-01",
    };

    private static Observation NewHeartRate() => new()
    {
        Id = "obs-1",
        Status = ObservationStatus.Final,
        Code = new CodeableConcept(KnownSystems.Loinc, "8867-4", "Heart rate"),
        Value = new Quantity(72m, "/min") { System = "http://unitsofmeasure.org", Code = "/min" },
    };

    private static Parameters.ParameterComponent Operation(string type, string path, params Parameters.ParameterComponent[] more)
    {
        var operation = new Parameters.ParameterComponent { Name = "operation" };
        operation.Part.Add(new Parameters.ParameterComponent { Name = "type", Value = new Code(type) });
        operation.Part.Add(new Parameters.ParameterComponent { Name = "path", Value = new FhirString(path) });
        operation.Part.AddRange(more);
        return operation;
    }

    private static Parameters.ParameterComponent Part(string name, DataType value) => new() { Name = name, Value = value };

    private static Parameters.ParameterComponent Parts(string name, params Parameters.ParameterComponent[] parts)
    {
        var part = new Parameters.ParameterComponent { Name = name };
        part.Part.AddRange(parts);
        return part;
    }

    private static Parameters PatchOf(params Parameters.ParameterComponent[] operations)
    {
        var patch = new Parameters();
        patch.Parameter.AddRange(operations);
        return patch;
    }

    private static T Apply<T>(T resource, params Parameters.ParameterComponent[] operations) where T : Resource =>
        (T)FhirPathPatch.Apply(resource, PatchOf(operations));

    private static FhirException Fails(Resource resource, params Parameters.ParameterComponent[] operations) =>
        Assert.Throws<FhirException>(() => FhirPathPatch.Apply(resource, PatchOf(operations)))!;

    private static string Diagnostics(FhirException e) => string.Join(" | ", e.Outcome.Issue.Select(i => i.Diagnostics));

    [Test]
    public void AddAppendsATelecomToThePatient()
    {
        var patient = NewPatient();
        patient.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Home, "0113 000 0001"));

        var result = Apply(patient, Operation("add", "Patient", Part("name", new FhirString("telecom")),
            Part("value", new ContactPoint(ContactPoint.ContactPointSystem.Email, ContactPoint.ContactPointUse.Work, "jane@example.nhs.uk"))));

        Assert.That(result.Telecom.Select(t => t.Value), Is.EqualTo(new[] { "0113 000 0001", "jane@example.nhs.uk" }));
    }

    [Test]
    public void AddBuildsAComplexValueFromPartsIncludingBoundCodes()
    {
        var result = Apply(NewPatient(), Operation("add", "Patient", Part("name", new FhirString("telecom")),
            Parts("value",
                Part("system", new Code("phone")),
                Part("value", new FhirString("07700 900123")),
                Part("use", new Code("mobile")),
                Parts("period", Part("start", new FhirDateTime("2024-05-01"))))));

        var telecom = result.Telecom.Single();
        Assert.That(telecom.System, Is.EqualTo(ContactPoint.ContactPointSystem.Phone));
        Assert.That(telecom.Use, Is.EqualTo(ContactPoint.ContactPointUse.Mobile));
        Assert.That(telecom.Value, Is.EqualTo("07700 900123"));
        Assert.That(telecom.Period?.Start, Is.EqualTo("2024-05-01"));
    }

    [Test]
    public void AddSetsAnEmptySingleElement()
    {
        var result = Apply(NewPatient(), Operation("add", "Patient", Part("name", new FhirString("active")), Part("value", new FhirBoolean(true))));

        Assert.That(result.Active, Is.True);
    }

    [Test]
    public void AddAnExtensionFromPartsTakesTheChoiceValueAsGiven()
    {
        var result = Apply(NewPatient(), Operation("add", "Patient", Part("name", new FhirString("extension")),
            Parts("value",
                Part("url", new FhirUri("https://interop.example/StructureDefinition/preferred-pronouns")),
                Part("value", new FhirString("she/her")))));

        var extension = result.Extension.Single();
        Assert.That(extension.Url, Is.EqualTo("https://interop.example/StructureDefinition/preferred-pronouns"));
        Assert.That(extension.Value, Is.TypeOf<FhirString>().And.Property("Value").EqualTo("she/her"));
    }

    [Test]
    public void ReplaceChangesTheBirthDate()
    {
        var result = Apply(NewPatient(), Operation("replace", "Patient.birthDate", Part("value", new Date("1971-02-03"))));

        Assert.That(result.BirthDate, Is.EqualTo("1971-02-03"));
    }

    [Test]
    public void ReplaceAcceptsAPlainCodeForAnEnumBoundElement()
    {
        var result = Apply(NewPatient(), Operation("replace", "Patient.gender", Part("value", new Code("other"))));

        Assert.That(result.Gender, Is.EqualTo(AdministrativeGender.Other));
    }

    [Test]
    public void ReplaceAListItemKeepsItsPosition()
    {
        var result = Apply(NewPatient(), Operation("replace", $"Patient.identifier.where(system='{LocalSystem}')",
            Part("value", new Identifier(LocalSystem, "L-99"))));

        Assert.That(result.Identifier.Select(i => i.Value), Is.EqualTo(new[] { "9434765919", "L-99" }));
    }

    [TestCase("Observation.value.ofType(Quantity).value")]
    [TestCase("Observation.value.value")]
    [TestCase("(Observation.value as Quantity).value")]
    public void ReplaceTheValueOfAnObservationQuantity(string path)
    {
        var result = Apply(NewHeartRate(), Operation("replace", path, Part("value", new FhirDecimal(80m))));

        var quantity = (Quantity)result.Value!;
        Assert.That(quantity.Value, Is.EqualTo(80m));
        Assert.That(quantity.Unit, Is.EqualTo("/min"), "the rest of the Quantity is kept");
    }

    [Test]
    public void ReplaceAChoiceElementWithAnotherAllowedType()
    {
        var result = Apply(NewHeartRate(), Operation("replace", "Observation.value", Part("value", new FhirString("irregular"))));

        Assert.That(result.Value, Is.TypeOf<FhirString>());
    }

    [Test]
    public void AddACodingToAnObservationCodeFromParts()
    {
        var result = Apply(NewHeartRate(), Operation("add", "Observation.code", Part("name", new FhirString("coding")),
            Parts("value",
                Part("system", new FhirUri(KnownSystems.Snomed)),
                Part("code", new Code("364075005")),
                Part("display", new FhirString("Heart rate")))));

        Assert.That(result.Code.Coding, Has.Count.EqualTo(2));
        Assert.That(result.Code.Coding[1].System, Is.EqualTo(KnownSystems.Snomed));
        Assert.That(result.Code.Coding[1].Code, Is.EqualTo("364075005"));
    }

    [Test]
    public void DeleteRemovesTheIdentifierSelectedByWhere()
    {
        var result = Apply(NewPatient(), Operation("delete", $"Patient.identifier.where(system='{LocalSystem}')"));

        Assert.That(result.Identifier.Select(i => i.System), Is.EqualTo(new[] { KnownSystems.NhsNumber }));
    }

    [Test]
    public void DeleteRemovesASingleElement()
    {
        var result = Apply(NewPatient(), Operation("delete", "Patient.birthDate"));

        Assert.That(result.BirthDateElement, Is.Null);
    }

    [Test]
    public void DeleteOfNothingIsNotAnError()
    {
        var result = Apply(NewPatient(), Operation("delete", "Patient.identifier.where(system='https://nowhere.example')"));

        Assert.That(result.Identifier, Has.Count.EqualTo(2));
    }

    [Test]
    public void InsertPutsANameAtIndexZero()
    {
        var result = Apply(NewPatient(), Operation("insert", "Patient.name",
            Part("value", new HumanName { Use = HumanName.NameUse.Maiden, Family = "Brown" }),
            Part("index", new Integer(0))));

        Assert.That(result.Name.Select(n => n.Family), Is.EqualTo(new[] { "Brown", "Smith" }));
    }

    [Test]
    public void InsertIntoAnEmptyList()
    {
        var result = Apply(NewPatient(), Operation("insert", "Patient.telecom",
            Part("value", new ContactPoint(ContactPoint.ContactPointSystem.Phone, null, "0113 000 0002")),
            Part("index", new Integer(0))));

        Assert.That(result.Telecom.Single().Value, Is.EqualTo("0113 000 0002"));
    }

    [Test]
    public void InsertAtTheEndIsAllowed()
    {
        var result = Apply(NewPatient(), Operation("insert", "Patient.name.given",
            Part("value", new FhirString("Ann")), Part("index", new Integer(1))));

        Assert.That(result.Name[0].Given, Is.EqualTo(new[] { "Jane", "Ann" }));
    }

    [Test]
    public void MoveReordersAList()
    {
        var result = Apply(NewPatient(), Operation("move", "Patient.identifier", Part("source", new Integer(1)), Part("destination", new Integer(0))));

        Assert.That(result.Identifier.Select(i => i.Value), Is.EqualTo(new[] { "L-17", "9434765919" }));
    }

    [Test]
    public void OperationsApplyInOrder()
    {
        var result = Apply(NewPatient(),
            Operation("insert", "Patient.name", Part("value", new HumanName { Family = "Brown" }), Part("index", new Integer(0))),
            Operation("replace", "Patient.name[1].family", Part("value", new FhirString("Smyth"))),
            Operation("move", "Patient.name", Part("source", new Integer(0)), Part("destination", new Integer(1))));

        Assert.That(result.Name.Select(n => n.Family), Is.EqualTo(new[] { "Smyth", "Brown" }));
    }

    [Test]
    public void TheInputResourceIsNeverChanged()
    {
        var patient = NewPatient();
        var before = new FhirJsonSerializer().SerializeToString(patient);

        var result = Apply(patient,
            Operation("replace", "Patient.birthDate", Part("value", new Date("1999-09-09"))),
            Operation("delete", $"Patient.identifier.where(system='{LocalSystem}')"),
            Operation("add", "Patient.name[0]", Part("name", new FhirString("given")), Part("value", new FhirString("Ann"))));

        Assert.That(new FhirJsonSerializer().SerializeToString(patient), Is.EqualTo(before));
        Assert.That(result, Is.Not.SameAs(patient));
        Assert.That(result.BirthDate, Is.EqualTo("1999-09-09"));
    }

    [Test]
    public void TheSameValueAddedTwiceGivesTwoIndependentElements()
    {
        var value = Part("value", new Identifier(LocalSystem, "X"));

        var result = Apply(NewPatient(),
            Operation("add", "Patient", Part("name", new FhirString("identifier")), value),
            Operation("add", "Patient", Part("name", new FhirString("identifier")), value));

        Assert.That(result.Identifier[2], Is.Not.SameAs(result.Identifier[3]));
    }

    [Test]
    public void PatchSentAsJsonIsApplied()
    {
        var patch = new FhirJsonDeserializer().Deserialize<Parameters>("""
            {
              "resourceType": "Parameters",
              "parameter": [
                {
                  "name": "operation",
                  "part": [
                    { "name": "type", "valueCode": "add" },
                    { "name": "path", "valueString": "Observation" },
                    { "name": "name", "valueString": "interpretation" },
                    { "name": "value", "valueCodeableConcept": {
                        "coding": [ { "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "code": "N" } ] } }
                  ]
                },
                {
                  "name": "operation",
                  "part": [
                    { "name": "type", "valueCode": "replace" },
                    { "name": "path", "valueString": "Observation.status" },
                    { "name": "value", "valueCode": "amended" }
                  ]
                }
              ]
            }
            """);

        var result = (Observation)FhirPathPatch.Apply(NewHeartRate(), patch);

        Assert.That(result.Interpretation.Single().Coding.Single().Code, Is.EqualTo("N"));
        Assert.That(result.Status, Is.EqualTo(ObservationStatus.Amended));
    }

    [Test]
    public void ResolveReachesContainedResourcesOnly()
    {
        var observation = NewHeartRate();
        observation.Contained.Add(new Patient { Id = "subject" });
        observation.Subject = new ResourceReference("#subject");

        var result = Apply(observation, Operation("add", "Observation.subject.resolve()", Part("name", new FhirString("birthDate")), Part("value", new Date("1980"))));
        observation.Subject = new ResourceReference("Patient/pat-1");
        var e = Fails(observation, Operation("add", "Observation.subject.resolve()", Part("name", new FhirString("birthDate")), Part("value", new Date("1980"))));

        Assert.That(((Patient)result.Contained[0]).BirthDate, Is.EqualTo("1980"));
        Assert.That(Diagnostics(e), Does.Contain("matches nothing"));
    }

    [Test]
    public void ReplaceOfNothingIs422()
    {
        var e = Fails(NewPatient(), Operation("replace", "Patient.deceased", Part("value", new FhirBoolean(true))));

        Assert.That(e.StatusCode, Is.EqualTo(422));
        Assert.That(Diagnostics(e), Does.Contain("operation 0 (replace Patient.deceased)").And.Contain("matches nothing"));
        Assert.That(e.Outcome.Issue[0].Expression, Is.EqualTo(new[] { "Parameters.parameter[0]" }));
        Assert.That(e.Outcome.Issue[0].Details?.Coding[0].Code, Is.EqualTo(FhirErrorCode.InvalidRequest));
    }

    [Test]
    public void ReplaceOfSeveralElementsIs422()
    {
        var e = Fails(NewPatient(), Operation("replace", "Patient.identifier", Part("value", new Identifier("a", "b"))));

        Assert.That(e.StatusCode, Is.EqualTo(422));
        Assert.That(Diagnostics(e), Does.Contain("matches 2 elements"));
    }

    [Test]
    public void DeleteOfSeveralElementsIs422()
    {
        var e = Fails(NewPatient(), Operation("delete", "Patient.identifier"));

        Assert.That(Diagnostics(e), Does.Contain("matches 2 elements"));
    }

    [Test]
    public void ValueOfTheWrongTypeIs422()
    {
        var e = Fails(NewPatient(), Operation("replace", "Patient.birthDate", Part("value", new FhirString("yesterday"))));

        Assert.That(Diagnostics(e), Does.Contain("Patient.birthDate takes date, not string"));
    }

    [Test]
    public void ChoiceValueOfADisallowedTypeIs422()
    {
        var e = Fails(NewHeartRate(), Operation("replace", "Observation.value", Part("value", new Coding(KnownSystems.Loinc, "x"))));

        Assert.That(Diagnostics(e), Does.Contain("Observation.value takes").And.Contain("Quantity").And.Contain("not Coding"));
    }

    [Test]
    public void CodeOutsideTheRequiredValueSetIs422()
    {
        var e = Fails(NewPatient(), Operation("replace", "Patient.gender", Part("value", new Code("robot"))));

        Assert.That(Diagnostics(e), Does.Contain("'robot' is not a code"));
    }

    [Test]
    public void AddToAFilledSingleElementIs422()
    {
        var e = Fails(NewPatient(), Operation("add", "Patient", Part("name", new FhirString("birthDate")), Part("value", new Date("2000-01-01"))));

        Assert.That(Diagnostics(e), Does.Contain("already has a value"));
    }

    [Test]
    public void AddOfAnUnknownElementIs422()
    {
        var e = Fails(NewPatient(), Operation("add", "Patient", Part("name", new FhirString("shoeSize")), Part("value", new Integer(9))));

        Assert.That(Diagnostics(e), Does.Contain("Patient has no element 'shoeSize'"));
    }

    [Test]
    public void PartsForAnElementOfSeveralTypesIs422()
    {
        var observation = NewHeartRate();
        observation.Value = null;

        var e = Fails(observation, Operation("add", "Observation", Part("name", new FhirString("value")),
            Parts("value", Part("value", new FhirDecimal(1m)))));

        Assert.That(Diagnostics(e), Does.Contain("valueQuantity"));
    }

    [Test]
    public void UnknownPartInsideAComplexValueIs422()
    {
        var e = Fails(NewPatient(), Operation("add", "Patient", Part("name", new FhirString("telecom")),
            Parts("value", Part("number", new FhirString("0113")))));

        Assert.That(Diagnostics(e), Does.Contain("ContactPoint has no element 'number'"));
    }

    [Test]
    public void InsertPastTheEndIs422()
    {
        var e = Fails(NewPatient(), Operation("insert", "Patient.name", Part("value", new HumanName()), Part("index", new Integer(2))));

        Assert.That(Diagnostics(e), Does.Contain("index 2 is past the end"));
    }

    [Test]
    public void InsertIntoANonRepeatingElementIs422()
    {
        var e = Fails(NewPatient(), Operation("insert", "Patient.birthDate", Part("value", new Date("2000")), Part("index", new Integer(0))));

        Assert.That(Diagnostics(e), Does.Contain("is not a collection"));
    }

    [Test]
    public void MoveOutsideTheListIs422()
    {
        var e = Fails(NewPatient(), Operation("move", "Patient.identifier", Part("source", new Integer(0)), Part("destination", new Integer(5))));

        Assert.That(Diagnostics(e), Does.Contain("destination index 5"));
    }

    [TestCase("replace")]
    [TestCase("delete")]
    public void ChangingTheIdIs422(string type)
    {
        var operation = type == "replace"
            ? Operation("replace", "Patient.id", Part("value", new Id("other")))
            : Operation("delete", "Patient.id");

        var e = Fails(NewPatient(), operation);

        Assert.That(Diagnostics(e), Does.Contain("may not change the resource id"));
    }

    [Test]
    public void ComputedValuesCannotBePatched()
    {
        var e = Fails(NewPatient(), Operation("replace", "Patient.identifier.count()", Part("value", new Integer(1))));

        Assert.That(e.StatusCode, Is.EqualTo(422));
    }

    [Test]
    public void EveryFailingOperationIsReportedInOneOutcome()
    {
        var patient = NewPatient();

        var e = Fails(patient,
            Operation("replace", "Patient.birthDate", Part("value", new FhirString("yesterday"))),
            Operation("delete", "Patient.name"),
            Operation("replace", "Patient.deceased", Part("value", new FhirBoolean(true))));

        Assert.That(e.StatusCode, Is.EqualTo(422));
        Assert.That(e.Outcome.Issue.Select(i => i.Expression.Single()),
            Is.EqualTo(new[] { "Parameters.parameter[0]", "Parameters.parameter[2]" }));
        Assert.That(patient.Name, Has.Count.EqualTo(1), "the input is untouched even though operation 1 succeeded on the copy");
    }

    [Test]
    public void MalformedOperationsAreAllReportedAs400()
    {
        var bad = new Parameters.ParameterComponent { Name = "operation" };
        bad.Part.Add(Part("type", new Code("upsert")));

        var e = Fails(NewPatient(),
            bad,
            new Parameters.ParameterComponent { Name = "comment", Value = new FhirString("hello") },
            Operation("replace", "Patient.birthDate"),
            Operation("insert", "Patient.name", Part("value", new HumanName())),
            Operation("add", "Patient", Part("value", new FhirBoolean(true))),
            Operation("move", "Patient.name", Part("source", new Integer(-1)), Part("destination", new Integer(0))),
            Operation("delete", "Patient.name.("));

        Assert.That(e.StatusCode, Is.EqualTo(400));
        var messages = e.Outcome.Issue.Select(i => i.Diagnostics).ToList();
        Assert.That(messages, Has.Some.Contains("unknown type 'upsert'"));
        Assert.That(messages, Has.Some.Contains("part 'path' is required"));
        Assert.That(messages, Has.Some.Contains("'comment' is not allowed"));
        Assert.That(messages, Has.Some.StartsWith("operation 2").And.Contains("'value' is required"));
        Assert.That(messages, Has.Some.StartsWith("operation 3").And.Contains("'index' is required"));
        Assert.That(messages, Has.Some.StartsWith("operation 4").And.Contains("'name' is required"));
        Assert.That(messages, Has.Some.StartsWith("operation 5").And.Contains("non-negative"));
        Assert.That(messages, Has.Some.StartsWith("operation 6").And.Contains("not valid FHIRPath"));
    }

    [Test]
    public void EmptyPatchReturnsAnEqualCopy()
    {
        var patient = NewPatient();

        var result = FhirPathPatch.Apply(patient, new Parameters());

        Assert.That(result.IsExactly(patient), Is.True);
        Assert.That(result, Is.Not.SameAs(patient));
    }
}
