using Hl7.Fhir.Model;
using Interop.Core.Identity;
using Interop.Core.Known;
using NUnit.Framework;

namespace Interop.Tests.Adapters;

/// <summary><see cref="PatientMatchRule"/>: the rule table of docs/adapters, "Matching a person across organisations".</summary>
[TestFixture]
public sealed class PatientMatchRuleTests
{
    private const string Nhs = "9434765919";
    private const string MrnSystem = KnownSystems.SourceRecordIdBase + "/mrn/RBQ";

    private static Patient Patient(string? status, bool withMrn = true)
    {
        var nhs = new Identifier(KnownSystems.NhsNumber, Nhs);
        if (status is not null) NhsNumberVerification.Set(nhs, status);
        var patient = new Patient { Identifier = [nhs] };
        if (withMrn) patient.Identifier.Add(new Identifier(MrnSystem, "M1"));
        return patient;
    }

    private static PatientCandidate Stored(string id, string? status) => new(id, Patient(status, withMrn: false));

    [Test]
    public void Verified_on_both_sides_merges()
    {
        var decision = PatientMatchRule.Decide(Patient("01"), [Stored("a", "01")]);
        Assert.That(decision.Kind, Is.EqualTo(PatientMatchKind.Merge));
        Assert.That(decision.TargetId, Is.EqualTo("a"));
    }

    [Test]
    public void Verified_incoming_merges_into_the_one_verified_patient_among_several()
    {
        var decision = PatientMatchRule.Decide(Patient("01"), [Stored("u", null), Stored("v", "01")]);
        Assert.That(decision.Kind, Is.EqualTo(PatientMatchKind.Merge));
        Assert.That(decision.TargetId, Is.EqualTo("v"));
    }

    [TestCase("02")]
    [TestCase("05")]
    [TestCase(null)]
    public void An_unverified_incoming_number_is_kept_apart_on_the_senders_identifier(string? status)
    {
        var decision = PatientMatchRule.Decide(Patient(status), [Stored("a", "01")]);
        Assert.That(decision.Kind, Is.EqualTo(PatientMatchKind.KeptApart));
        Assert.That(decision.PossibleMatchIds, Is.EqualTo(new[] { "a" }));
        Assert.That(decision.SourceIdentifier!.System, Is.EqualTo(MrnSystem));
        Assert.That(decision.Reason, Does.Contain("incoming"));
    }

    [Test]
    public void A_verified_incoming_number_is_not_merged_into_an_unverified_stored_one()
    {
        var decision = PatientMatchRule.Decide(Patient("01"), [Stored("a", "03")]);
        Assert.That(decision.Kind, Is.EqualTo(PatientMatchKind.KeptApart));
        Assert.That(decision.Reason, Does.Contain("stored").And.Contain("03"));
    }

    [Test]
    public void Several_verified_patients_are_not_guessed_between()
    {
        var decision = PatientMatchRule.Decide(Patient("01"), [Stored("a", "01"), Stored("b", "01")]);
        Assert.That(decision.Kind, Is.EqualTo(PatientMatchKind.KeptApart));
        Assert.That(decision.PossibleMatchIds, Is.EquivalentTo(new[] { "a", "b" }));
    }

    [Test]
    public void The_senders_own_identifier_finds_its_own_record_whatever_the_status()
    {
        var own = Stored("own", null);
        own.Patient.Identifier.Add(new Identifier(MrnSystem, "M1"));
        var decision = PatientMatchRule.Decide(Patient(null), [Stored("shared", "01"), own]);
        Assert.That(decision.Kind, Is.EqualTo(PatientMatchKind.SameSourceRecord));
        Assert.That(decision.TargetId, Is.EqualTo("own"));
    }

    [Test]
    public void No_stored_patient_with_the_number_is_a_new_patient()
    {
        Assert.That(PatientMatchRule.Decide(Patient(null), []).Kind, Is.EqualTo(PatientMatchKind.New));
    }

    [Test]
    public void Without_an_identifier_of_its_own_an_unverified_record_is_refused()
    {
        var decision = PatientMatchRule.Decide(Patient(null, withMrn: false), [Stored("a", "01")]);
        Assert.That(decision.Kind, Is.EqualTo(PatientMatchKind.Refused));
        Assert.That(decision.PossibleMatchIds, Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public void A_patient_retired_by_a_merge_is_no_candidate()
    {
        var retired = Stored("old", "01");
        retired.Patient.Active = false;
        retired.Patient.Link.Add(new Patient.LinkComponent { Type = Hl7.Fhir.Model.Patient.LinkType.ReplacedBy, Other = new ResourceReference("Patient/new") });
        Assert.That(PatientMatchRule.Decide(Patient(null), [retired]).Kind, Is.EqualTo(PatientMatchKind.New));
    }
}
