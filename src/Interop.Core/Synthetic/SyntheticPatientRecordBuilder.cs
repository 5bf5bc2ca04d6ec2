using System.Globalization;
using Hl7.Fhir.Model;
using Interop.Core.Known;
using static Interop.Core.Synthetic.SyntheticCodeLists;

namespace Interop.Core.Synthetic;

/// <summary>
/// Builds the transaction Bundle of one synthetic patient: demographics, long-term conditions with
/// their repeat medication, allergies, and a simulated history of GP consultations, A&amp;E attendances,
/// admissions, results and immunisations, sized to a resource budget.
/// </summary>
/// <remarks>
/// Each entry gets a <c>urn:uuid:</c> fullUrl from the patient's own random stream; references between
/// entries use those, references to organisations are conditional
/// (<c>Organization?identifier=https://fhir.nhs.uk/Id/ods-organization-code|CODE</c>, FHIR R4 3.1.0.11.2
/// "conditional references" in transactions). Nothing reads the clock.
/// </remarks>
internal sealed class SyntheticPatientRecordBuilder
{
    private const ulong HistoryStream = 0x484953544F5259; // "HISTORY"

    private readonly SyntheticPerson _person;
    private readonly SeededRandom _random;
    private readonly Bundle _bundle = new() { Type = Bundle.BundleType.Transaction };
    private readonly DateTime _historyStart;
    private readonly DateTime _historyEnd;
    private readonly List<ChronicProblem> _problems = [];
    private readonly double _heightCm;
    private readonly double _baseWeightKg;
    private readonly SyntheticCode? _smokingStatus;
    private string _patientUrl = "";
    private bool _penicillinAllergic;
    private bool _heightRecorded;

    private SyntheticPatientRecordBuilder(int seed, SyntheticPerson person, SyntheticDataOptions options)
    {
        _person = person;
        _random = SeededRandom.ForStream(seed, HistoryStream, person.Index);
        var reference = options.ReferenceDate.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        _historyEnd = reference.AddDays(-1);
        var birth = person.BirthDate.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var earliest = reference.AddYears(-options.HistoryYears);
        _historyStart = birth > earliest ? birth.AddDays(1) : earliest;

        _heightCm = person.AgeYears >= 18
            ? _random.Normal(person.Female ? 162 : 176, 7)
            : 55 + Math.Min(person.AgeYears, 17) * 6.5;
        _baseWeightKg = person.AgeYears >= 18
            ? _random.Normal(person.Female ? 72 : 85, 12)
            : 4 + Math.Min(person.AgeYears, 17) * 3.4;
        if (person.AgeYears >= 16)
        {
            var roll = _random.NextDouble();
            _smokingStatus = roll < 0.55 ? NeverSmoked : roll < 0.82 ? ExSmoker : CurrentSmoker;
        }
    }

    /// <summary>The patient's Bundle, with about <see cref="SyntheticDataOptions.ResourcesPerPatient"/> entries on average.</summary>
    public static Bundle Build(int seed, SyntheticPerson person, SyntheticDataOptions options)
    {
        var builder = new SyntheticPatientRecordBuilder(seed, person, options);
        builder.BuildRecord(builder.PersonalTarget(options.ResourcesPerPatient));
        return builder._bundle;
    }

    private int PersonalTarget(int meanTarget)
    {
        // Older people have longer records. The factors average ~0.93 over the age bands of
        // SyntheticPersonFactory, hence the division, so the population mean stays at the target.
        var ageFactor = _person.AgeYears switch
        {
            < 2 => 0.15,
            < 18 => 0.45,
            < 40 => 0.8,
            < 65 => 1.05,
            < 80 => 1.4,
            _ => 1.6,
        };
        return (int)(meanTarget * ageFactor / 0.93 * (0.8 + 0.4 * _random.NextDouble()));
    }

    private int Count => _bundle.Entry.Count;

    private void BuildRecord(int target)
    {
        AddPatient();
        AddAllergies();
        AddChronicProblems();

        var scheduled = ScheduledEvents();
        var next = 0;
        var t = _historyStart;
        double costPerEncounter = 6;
        var encounters = 0;
        var encounterResources = 0;
        while (Count < target)
        {
            var remaining = target - Count;
            var expectedEncounters = Math.Max(1.0, remaining / costPerEncounter);
            var span = (_historyEnd - t).TotalDays;
            if (span < 1) break;
            var gap = span / (expectedEncounters + 0.5) * (0.5 + _random.NextDouble());
            var at = t.AddDays(Math.Max(gap, 0.5));
            if (at >= _historyEnd) break;

            while (next < scheduled.Count && scheduled[next].At <= at && Count < target)
                scheduled[next++].Fire();

            var before = Count;
            AddEncounter(at);
            encounters++;
            encounterResources += Count - before;
            costPerEncounter = (double)encounterResources / encounters;
            t = at;
        }
    }

    // ------------------------------------------------------------------ demographics

    private void AddPatient()
    {
        var p = _person;
        var nhsIdentifier = new Identifier(KnownSystems.NhsNumber, p.NhsNumber)
        {
            Extension =
            [
                new Extension(KnownSystems.UkCoreNhsNumberVerificationStatusExtension,
                    new CodeableConcept(KnownSystems.UkCoreNhsNumberVerificationStatusEngland, "01", "Number present and verified")),
            ],
        };
        var name = new HumanName { Use = HumanName.NameUse.Official, Family = p.FamilyName, Given = p.GivenNames };
        if (p.Prefix is not null) name.Prefix = [p.Prefix];
        var patient = new Patient
        {
            Identifier = [nhsIdentifier],
            Active = true,
            Name = [name],
            Gender = p.Female ? AdministrativeGender.Female : AdministrativeGender.Male,
            BirthDate = Date(p.BirthDate),
            Address =
            [
                new Address
                {
                    Use = Address.AddressUse.Home, Line = [p.AddressLine], City = "Liverpool", District = "Merseyside",
                    PostalCode = p.PostalCode, Country = "GB",
                },
            ],
            Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Home, p.HomePhone)],
            GeneralPractitioner = [OrganizationReference(p.Practice)],
        };
        if (p.MobilePhone is not null)
            patient.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Mobile, p.MobilePhone));

        _patientUrl = NewFullUrl();
        _bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = _patientUrl,
            Resource = patient,
            Request = new Bundle.RequestComponent
            {
                Method = Bundle.HTTPVerb.POST,
                Url = "Patient",
                // Conditional create (FHIR R4 3.1.0.8.1): a second load of the same data finds the patient.
                IfNoneExist = $"identifier={KnownSystems.NhsNumber}|{p.NhsNumber}",
            },
        });
    }

    private void AddAllergies()
    {
        var roll = _random.NextDouble();
        var recorded = RandomDateBetween(_historyStart, _historyEnd);
        if (roll < 0.10) return; // nothing recorded: common in real GP records
        if (roll < 0.78)
        {
            Add(new AllergyIntolerance
            {
                ClinicalStatus = new CodeableConcept(KnownSystems.AllergyClinical, "active"),
                VerificationStatus = new CodeableConcept(KnownSystems.AllergyVerification, "confirmed"),
                Code = NoKnownDrugAllergy.ToConcept(),
                Patient = PatientReference,
                RecordedDate = DateTimeText(recorded),
            });
            return;
        }

        var (code, category, substance, manifestation) = roll switch
        {
            < 0.90 => (PenicillinAllergy, AllergyIntolerance.AllergyIntoleranceCategory.Medication, PenicillinSubstance, Urticaria),
            < 0.94 => (PeanutAllergy, AllergyIntolerance.AllergyIntoleranceCategory.Food, (SyntheticCode?)null, Urticaria),
            < 0.97 => (HouseDustMiteAllergy, AllergyIntolerance.AllergyIntoleranceCategory.Environment, null, Wheeze),
            _ => (LatexAllergy, AllergyIntolerance.AllergyIntoleranceCategory.Environment, null, Urticaria),
        };
        _penicillinAllergic = code == PenicillinAllergy;
        var reaction = new AllergyIntolerance.ReactionComponent
        {
            Manifestation = [manifestation.ToConcept()],
            Severity = _random.Chance(0.2) ? AllergyIntolerance.AllergyIntoleranceSeverity.Severe : AllergyIntolerance.AllergyIntoleranceSeverity.Moderate,
        };
        if (substance is not null) reaction.Substance = substance.ToConcept();
        Add(new AllergyIntolerance
        {
            ClinicalStatus = new CodeableConcept(KnownSystems.AllergyClinical, "active"),
            VerificationStatus = new CodeableConcept(KnownSystems.AllergyVerification, "confirmed"),
            Type = AllergyIntolerance.AllergyIntoleranceType.Allergy,
            Category = [category],
            Criticality = reaction.Severity == AllergyIntolerance.AllergyIntoleranceSeverity.Severe
                ? AllergyIntolerance.AllergyIntoleranceCriticality.High
                : AllergyIntolerance.AllergyIntoleranceCriticality.Low,
            Code = code.ToConcept(),
            Patient = PatientReference,
            RecordedDate = DateTimeText(recorded),
            Reaction = [reaction],
        });
    }

    // ------------------------------------------------------------------ long-term conditions

    private sealed class ChronicProblem(SyntheticChronicCondition definition, string conditionUrl, DateTime onset, DateTime? resolved, SyntheticCode? label)
    {
        public SyntheticChronicCondition Definition { get; } = definition;
        public string ConditionUrl { get; } = conditionUrl;
        public DateTime Onset { get; } = onset;
        public DateTime? Resolved { get; } = resolved;
        public SyntheticCode? Label { get; } = label;
        public List<RepeatMedication> Medications { get; } = [];
        public DateTime LastReview { get; set; } = DateTime.MinValue;
        public bool ActiveAt(DateTime t) => t >= Onset && (Resolved is null || t < Resolved);
    }

    private sealed record RepeatMedication(SyntheticMedication Medication, string PlanUrl, DateTime Start)
    {
        public DateTime LastIssue { get; set; } = DateTime.MinValue;
    }

    private void AddChronicProblems()
    {
        foreach (var definition in ChronicConditions)
        {
            if (_person.AgeYears < definition.MinimumAge) continue;
            if (definition.Code.Code == "13645005" && _smokingStatus == NeverSmoked) continue; // COPD follows smoking
            // Long-term conditions accumulate with age: scale prevalence from half at the minimum age upwards.
            var ageScale = 0.5 + Math.Min(1.5, (_person.AgeYears - definition.MinimumAge) / 30.0);
            if (!_random.Chance(definition.PrevalenceFor(_person.Female) * ageScale)) continue;

            var earliestOnset = _person.BirthDate.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddYears(definition.MinimumAge);
            if (earliestOnset < _historyStart.AddYears(-15)) earliestOnset = _historyStart.AddYears(-15);
            var onset = RandomDateBetween(earliestOnset, _historyEnd.AddDays(-30));
            DateTime? resolved = null;
            if (definition.SecurityLabel == Psy && _random.Chance(0.3))
            {
                var candidate = onset.AddDays(_random.Between(180, 900));
                if (candidate < _historyEnd) resolved = candidate;
            }
            var label = definition.SecurityLabel is not null && _random.Chance(definition.LabelProbability) ? definition.SecurityLabel : null;

            var condition = new Condition
            {
                ClinicalStatus = new CodeableConcept(KnownSystems.ConditionClinical, resolved is null ? "active" : "resolved"),
                VerificationStatus = new CodeableConcept(KnownSystems.ConditionVerification, "confirmed"),
                Category = [new CodeableConcept(KnownSystems.ConditionCategory, "problem-list-item", "Problem List Item")],
                Code = definition.Code.ToConcept(),
                Subject = PatientReference,
                Onset = new FhirDateTime(DateTimeText(onset)),
                RecordedDate = DateTimeText(Max(onset, _historyStart)),
                Asserter = OrganizationReference(_person.Practice),
            };
            if (resolved is not null) condition.Abatement = new FhirDateTime(DateTimeText(resolved.Value));
            Label(condition, label);
            var problem = new ChronicProblem(definition, Add(condition), onset, resolved, label);
            _problems.Add(problem);

            foreach (var medication in definition.Medications)
            {
                if (_problems.Any(other => other != problem && other.Medications.Any(m => m.Medication == medication))) continue; // one statin, one salbutamol
                var start = Max(onset, _historyStart);
                problem.Medications.Add(AddRepeatMedication(problem, medication, start));
            }
        }
    }

    private RepeatMedication AddRepeatMedication(ChronicProblem problem, SyntheticMedication medication, DateTime start)
    {
        // UK Core: the authorisation is a MedicationRequest intent "plan" with the prescription type;
        // each issue is an intent "order" based on it (domain notes 6.1).
        var plan = new MedicationRequest
        {
            Status = problem.Resolved is null ? MedicationRequest.MedicationrequestStatus.Active : MedicationRequest.MedicationrequestStatus.Completed,
            Intent = MedicationRequest.MedicationRequestIntent.Plan,
            Medication = medication.Code.ToConcept(),
            Subject = PatientReference,
            AuthoredOn = DateTimeText(start),
            Requester = OrganizationReference(_person.Practice),
            ReasonReference = [new ResourceReference(problem.ConditionUrl)],
            CourseOfTherapyType = new CodeableConcept(KnownSystems.UkCorePrescriptionType, "repeat", "Repeat"),
            DosageInstruction = [new Dosage { Text = medication.Dosage }],
            DispenseRequest = new MedicationRequest.DispenseRequestComponent { Quantity = PackQuantity(medication) },
        };
        Label(plan, problem.Label);
        var planUrl = Add(plan);

        var statement = new MedicationStatement
        {
            Status = problem.Resolved is null ? MedicationStatement.MedicationStatusCodes.Active : MedicationStatement.MedicationStatusCodes.Completed,
            Medication = medication.Code.ToConcept(),
            Subject = PatientReference,
            Effective = problem.Resolved is null
                ? new Period { Start = DateTimeText(start) }
                : new Period { Start = DateTimeText(start), End = DateTimeText(problem.Resolved.Value) },
            DateAsserted = DateTimeText(start),
            DerivedFrom = [new ResourceReference(planUrl)],
            ReasonReference = [new ResourceReference(problem.ConditionUrl)],
            Dosage = [new Dosage { Text = medication.Dosage }],
        };
        Label(statement, problem.Label);
        Add(statement);
        return new RepeatMedication(medication, planUrl, start);
    }

    // ------------------------------------------------------------------ scheduled events

    private sealed record ScheduledEvent(DateTime At, Action Fire);

    private List<ScheduledEvent> ScheduledEvents()
    {
        var events = new List<ScheduledEvent>();
        var birth = _person.BirthDate.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        void At(DateTime when, Action fire)
        {
            if (when >= _historyStart && when < _historyEnd) events.Add(new ScheduledEvent(when, fire));
        }

        // Childhood MMR: first dose at one year, second at three years four months (UK schedule).
        At(birth.AddYears(1).AddDays(_random.Next(20)), () => AddImmunization(birth.AddYears(1), MmrVaccine, 1));
        At(birth.AddYears(3).AddMonths(4), () => AddImmunization(birth.AddYears(3).AddMonths(4), MmrVaccine, 2));

        // Seasonal flu each autumn for the over-65s and those with a chronic respiratory or diabetic problem.
        var fluEligibleByCondition = _problems.Any(p => p.Definition.Code.Code is "195967001" or "13645005" or "44054006");
        for (var year = _historyStart.Year; year <= _historyEnd.Year; year++)
        {
            var when = new DateTime(year, 10, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(_random.Next(60));
            var ageThen = year - _person.BirthDate.Year;
            if ((ageThen >= 65 || (fluEligibleByCondition && ageThen >= 18)) && _random.Chance(0.75))
                At(when, () => AddImmunization(when, InfluenzaVaccine, null));
        }

        // COVID-19: two primary doses in 2021 for adults, then autumn boosters for the over-75s.
        if (2021 - _person.BirthDate.Year >= 18 && _random.Chance(0.85))
        {
            var first = new DateTime(2021, 1, 10, 0, 0, 0, DateTimeKind.Utc).AddDays(_random.Next(150));
            At(first, () => AddImmunization(first, CovidVaccine, 1));
            At(first.AddDays(70), () => AddImmunization(first.AddDays(70), CovidVaccine, 2));
            for (var year = 2021; year <= _historyEnd.Year; year++)
            {
                var booster = new DateTime(year, 9, 20, 0, 0, 0, DateTimeKind.Utc).AddDays(_random.Next(70));
                var dose = year - 2018; // 2021 booster is the third dose
                if (year - _person.BirthDate.Year >= 75 || year == 2021)
                    At(booster, () => AddImmunization(booster, CovidVaccine, dose));
            }
        }

        // Sexual health: a few records that carry STD / SEX labels.
        if (_person.AgeYears >= 16 && _random.Chance(0.05))
        {
            var from = Max(birth.AddYears(16), _historyStart);
            var when = RandomDateBetween(from, Min(birth.AddYears(40), _historyEnd));
            At(when, () => AddSexualHealthVisit(when, chlamydia: true));
        }
        if (_person.Female && _person.AgeYears >= 16 && _random.Chance(0.10))
        {
            var from = Max(birth.AddYears(16), _historyStart);
            var when = RandomDateBetween(from, Min(birth.AddYears(45), _historyEnd));
            At(when, () => AddSexualHealthVisit(when, chlamydia: false));
        }

        events.Sort((a, b) => a.At.CompareTo(b.At));
        return events;
    }

    // ------------------------------------------------------------------ encounters

    private void AddEncounter(DateTime day)
    {
        var roll = _random.NextDouble();
        var admissionChance = _person.AgeYears >= 65 ? 0.07 : 0.03;
        if (roll < admissionChance) AddAdmission(day);
        else if (roll < admissionChance + 0.10) AddEmergencyAttendance(day);
        else AddGpConsultation(day);
    }

    private void AddGpConsultation(DateTime day)
    {
        var start = day.Date.AddMinutes(_random.Between(8 * 60 + 30, 17 * 60 + 50));
        var active = _problems.Where(p => p.ActiveAt(start)).ToList();
        var dueReview = active.Where(p => (start - p.LastReview).TotalDays > 330).ToList();
        var isReview = dueReview.Count > 0 && _random.Chance(0.6);
        SyntheticAcuteProblem? acute = !isReview && _random.Chance(0.65) ? _random.Pick(GpAcuteProblems) : null;
        var type = isReview ? GpReview : acute is not null ? GpConsultation : GpCheckUp;

        var encounter = NewEncounter("AMB", "ambulatory", type, start, start.AddMinutes(10), _person.Practice);
        if (acute is not null) encounter.ReasonCode = [acute.Code.ToConcept()];
        var encounterUrl = Add(encounter);

        AddGpVitals(encounterUrl, start, active);
        if (acute is not null) AddAcuteProblem(encounterUrl, start, acute, _person.Practice);

        if (isReview)
        {
            foreach (var problem in dueReview)
            {
                problem.LastReview = start;
                if (problem.Definition.ReviewProcedure is { } review)
                    AddProcedure(encounterUrl, start, review, problem.ConditionUrl, problem.Label);
                foreach (var panel in problem.Definition.Monitoring)
                    AddLabReport(encounterUrl, start, panel, SyntheticOrganizationCatalog.AcuteTrusts[0]);
            }
            if (active.Any(p => p.Medications.Count > 0))
                AddProcedure(encounterUrl, start, MedicationReview, null, null);
        }

        // Repeat issues: one order per authorised medication not issued in the last seven weeks.
        foreach (var problem in active)
        foreach (var repeat in problem.Medications)
        {
            if ((start - repeat.LastIssue).TotalDays < 49) continue;
            repeat.LastIssue = start;
            var order = NewOrder(repeat.Medication, start, encounterUrl, problem.ConditionUrl, "repeat", "Repeat", _person.Practice);
            order.BasedOn = [new ResourceReference(repeat.PlanUrl)];
            Label(order, problem.Label);
            Add(order);
        }
    }

    private void AddGpVitals(string encounterUrl, DateTime at, List<ChronicProblem> active)
    {
        var adult = AgeAt(at) >= 18;
        var hypertensive = active.Any(p => p.Definition.Code.Code == "38341003");
        if (adult && _random.Chance(hypertensive ? 0.9 : 0.4)) AddBloodPressure(encounterUrl, at, hypertensive);
        if (_random.Chance(0.35)) AddVital(encounterUrl, at, HeartRate, _random.Normal(72, 9), 0, "/min", "/min");
        if (_random.Chance(adult ? 0.25 : 0.5))
        {
            var weight = CurrentWeight(at);
            AddVital(encounterUrl, at, BodyWeight, weight, 1, "kg", "kg");
            if (adult)
            {
                if (!_heightRecorded)
                {
                    AddVital(encounterUrl, at, BodyHeight, _heightCm, 1, "cm", "cm");
                    _heightRecorded = true;
                }
                var metres = _heightCm / 100;
                AddVital(encounterUrl, at, BodyMassIndex, weight / (metres * metres), 1, "kg/m2", "kg/m2");
            }
        }
        if (_smokingStatus is not null && adult && _random.Chance(0.08))
        {
            Add(new Observation
            {
                Status = ObservationStatus.Final,
                Category = [new CodeableConcept(KnownSystems.ObservationCategory, "social-history", "Social History")],
                Code = TobaccoSmokingStatus.ToConcept(),
                Subject = PatientReference,
                Encounter = new ResourceReference(encounterUrl),
                Effective = new FhirDateTime(DateTimeText(at)),
                Value = _smokingStatus.ToConcept(),
            });
        }
    }

    private void AddEmergencyAttendance(DateTime day)
    {
        var start = day.Date.AddMinutes(_random.Next(24 * 60));
        var trust = AgeAt(start) < 16 ? SyntheticOrganizationCatalog.Childrens : _random.Pick(SyntheticOrganizationCatalog.AcuteTrusts);
        var problem = _random.Pick(EmergencyProblems);
        var encounter = NewEncounter("EMER", "emergency", EmergencyVisit, start, start.AddMinutes(_random.Between(90, 400)), trust);
        encounter.ReasonCode = [problem.Code.ToConcept()];
        var encounterUrl = Add(encounter);

        AddObservationSet(encounterUrl, start);
        var conditionUrl = AddAcuteProblem(encounterUrl, start, problem, trust);
        switch (problem.Code.Code)
        {
            case "29857009": // chest pain: X-ray and bloods
                AddProcedure(encounterUrl, start.AddMinutes(40), ChestXray, conditionUrl, null);
                AddLabReport(encounterUrl, start.AddMinutes(30), FullBloodCount, trust);
                AddLabReport(encounterUrl, start.AddMinutes(30), RenalPanel, trust);
                break;
            case "284551006":
                AddProcedure(encounterUrl, start.AddMinutes(60), SutureOfWound, conditionUrl, null);
                break;
        }
    }

    private void AddAdmission(DateTime day)
    {
        var start = day.Date.AddMinutes(_random.Next(24 * 60));
        var age = AgeAt(start);
        var arthritic = _problems.Any(p => p.Definition.Code.Code == "396275006" && p.ActiveAt(start));
        var cardiac = _problems.Any(p => p.Definition.Code.Code == "49436004" && p.ActiveAt(start));

        SyntheticOrganization trust;
        SyntheticCode reason;
        SyntheticCode? procedure = null;
        if (age < 16)
        {
            trust = SyntheticOrganizationCatalog.Childrens;
            reason = Pneumonia;
        }
        else if (arthritic && age >= 55 && _random.Chance(0.5))
        {
            trust = _random.Pick(SyntheticOrganizationCatalog.AcuteTrusts);
            reason = _problems.First(p => p.Definition.Code.Code == "396275006").Definition.Code;
            procedure = _random.Chance(0.5) ? HipReplacement : KneeReplacement;
        }
        else if (cardiac && _random.Chance(0.6))
        {
            trust = SyntheticOrganizationCatalog.HeartAndChest;
            reason = EmergencyProblems[2].Code; // chest pain
            procedure = CoronaryAngiography;
        }
        else
        {
            trust = _random.Pick(SyntheticOrganizationCatalog.AcuteTrusts);
            reason = Pneumonia;
            procedure = ChestXray;
        }

        var nights = _random.Between(1, 8);
        var end = start.Date.AddDays(nights).AddMinutes(_random.Between(10 * 60, 17 * 60));
        var encounter = NewEncounter("IMP", "inpatient encounter", HospitalAdmission, start, end, trust);
        encounter.ReasonCode = [reason.ToConcept()];
        var encounterUrl = Add(encounter);

        string? conditionUrl = null;
        if (reason == Pneumonia)
        {
            var condition = new Condition
            {
                ClinicalStatus = new CodeableConcept(KnownSystems.ConditionClinical, "resolved"),
                VerificationStatus = new CodeableConcept(KnownSystems.ConditionVerification, "confirmed"),
                Category = [new CodeableConcept(KnownSystems.ConditionCategory, "encounter-diagnosis", "Encounter Diagnosis")],
                Code = reason.ToConcept(),
                Subject = PatientReference,
                Encounter = new ResourceReference(encounterUrl),
                Onset = new FhirDateTime(DateTimeText(start)),
                Abatement = new FhirDateTime(DateTimeText(end)),
                RecordedDate = DateTimeText(start),
            };
            conditionUrl = Add(condition);
        }

        // Observations on admission and each following morning, up to three sets.
        for (var d = 0; d <= Math.Min(nights, 2); d++)
            AddObservationSet(encounterUrl, d == 0 ? start.AddMinutes(15) : start.Date.AddDays(d).AddHours(8));
        AddLabReport(encounterUrl, start.AddMinutes(45), FullBloodCount, trust);
        AddLabReport(encounterUrl, start.AddMinutes(45), RenalPanel, trust);
        if (procedure is not null)
            AddProcedure(encounterUrl, start.AddHours(_random.Between(2, 20)), procedure, conditionUrl, null);
    }

    private void AddSexualHealthVisit(DateTime day, bool chlamydia)
    {
        var start = day.Date.AddMinutes(_random.Between(9 * 60, 17 * 60));
        var encounterUrl = Add(NewEncounter("AMB", "ambulatory", GpConsultation, start, start.AddMinutes(15), _person.Practice));
        if (chlamydia)
        {
            var condition = new Condition
            {
                ClinicalStatus = new CodeableConcept(KnownSystems.ConditionClinical, "resolved"),
                VerificationStatus = new CodeableConcept(KnownSystems.ConditionVerification, "confirmed"),
                Category = [new CodeableConcept(KnownSystems.ConditionCategory, "encounter-diagnosis", "Encounter Diagnosis")],
                Code = Chlamydia.ToConcept(),
                Subject = PatientReference,
                Encounter = new ResourceReference(encounterUrl),
                Onset = new FhirDateTime(DateTimeText(start)),
                Abatement = new FhirDateTime(DateTimeText(start.AddDays(14))),
                RecordedDate = DateTimeText(start),
            };
            Label(condition, Std);
            var conditionUrl = Add(condition);
            var order = NewOrder(Doxycycline, start, encounterUrl, conditionUrl, "acute", "Acute", _person.Practice);
            Label(order, Std);
            Add(order);
        }
        else
        {
            var procedure = NewProcedure(encounterUrl, start, ContraceptiveImplant, null);
            Label(procedure, Sex);
            Add(procedure);
        }
    }

    // ------------------------------------------------------------------ resource helpers

    private Encounter NewEncounter(string classCode, string classDisplay, SyntheticCode type, DateTime start, DateTime end, SyntheticOrganization provider) => new()
    {
        Status = Encounter.EncounterStatus.Finished,
        // Encounter.class is a Coding from v3 ActEncounterCode (R4 Encounter, class binding).
        Class = new Coding(KnownSystems.V3ActEncounterCode, classCode, classDisplay),
        Type = [type.ToConcept()],
        Subject = PatientReference,
        Period = new Period { Start = DateTimeText(start), End = DateTimeText(end) },
        ServiceProvider = OrganizationReference(provider),
    };

    private string AddAcuteProblem(string encounterUrl, DateTime at, SyntheticAcuteProblem problem, SyntheticOrganization prescriber)
    {
        var condition = new Condition
        {
            ClinicalStatus = new CodeableConcept(KnownSystems.ConditionClinical, "resolved"),
            VerificationStatus = new CodeableConcept(KnownSystems.ConditionVerification, "confirmed"),
            Category = [new CodeableConcept(KnownSystems.ConditionCategory, "encounter-diagnosis", "Encounter Diagnosis")],
            Code = problem.Code.ToConcept(),
            Subject = PatientReference,
            Encounter = new ResourceReference(encounterUrl),
            Onset = new FhirDateTime(DateTimeText(at.AddDays(-_random.Between(0, 5)))),
            Abatement = new FhirDateTime(DateTimeText(at.AddDays(_random.Between(5, 21)))),
            RecordedDate = DateTimeText(at),
        };
        var conditionUrl = Add(condition);
        if (problem.Treatment is { } treatment)
        {
            // A penicillin allergy is recorded for a reason: prescribe the non-penicillin alternative.
            if (treatment == Amoxicillin && _penicillinAllergic) treatment = Doxycycline;
            Add(NewOrder(treatment, at, encounterUrl, conditionUrl, "acute", "Acute", prescriber));
        }
        return conditionUrl;
    }

    private MedicationRequest NewOrder(SyntheticMedication medication, DateTime at, string encounterUrl, string? reasonUrl,
        string prescriptionType, string prescriptionTypeDisplay, SyntheticOrganization prescriber)
    {
        var order = new MedicationRequest
        {
            Status = MedicationRequest.MedicationrequestStatus.Completed,
            Intent = MedicationRequest.MedicationRequestIntent.Order,
            Medication = medication.Code.ToConcept(),
            Subject = PatientReference,
            Encounter = new ResourceReference(encounterUrl),
            AuthoredOn = DateTimeText(at),
            Requester = OrganizationReference(prescriber),
            CourseOfTherapyType = new CodeableConcept(KnownSystems.UkCorePrescriptionType, prescriptionType, prescriptionTypeDisplay),
            DosageInstruction = [new Dosage { Text = medication.Dosage }],
            DispenseRequest = new MedicationRequest.DispenseRequestComponent { Quantity = PackQuantity(medication) },
        };
        if (reasonUrl is not null) order.ReasonReference = [new ResourceReference(reasonUrl)];
        return order;
    }

    private void AddProcedure(string encounterUrl, DateTime at, SyntheticCode code, string? reasonUrl, SyntheticCode? label)
    {
        var procedure = NewProcedure(encounterUrl, at, code, reasonUrl);
        Label(procedure, label);
        Add(procedure);
    }

    private Procedure NewProcedure(string encounterUrl, DateTime at, SyntheticCode code, string? reasonUrl)
    {
        var procedure = new Procedure
        {
            Status = EventStatus.Completed,
            Code = code.ToConcept(),
            Subject = PatientReference,
            Encounter = new ResourceReference(encounterUrl),
            Performed = new FhirDateTime(DateTimeText(at)),
        };
        if (reasonUrl is not null) procedure.ReasonReference = [new ResourceReference(reasonUrl)];
        return procedure;
    }

    private void AddImmunization(DateTime day, SyntheticCode vaccine, int? doseNumber)
    {
        var immunization = new Immunization
        {
            Status = Immunization.ImmunizationStatusCodes.Completed,
            VaccineCode = vaccine.ToConcept(),
            Patient = PatientReference,
            Occurrence = new FhirDateTime(DateTimeText(day.Date.AddMinutes(_random.Between(9 * 60, 17 * 60)))),
            PrimarySource = true,
            LotNumber = string.Create(CultureInfo.InvariantCulture, $"SYN{_random.Next(100_000):D5}"),
            Performer = [new Immunization.PerformerComponent { Actor = OrganizationReference(_person.Practice) }],
        };
        if (doseNumber is not null)
            immunization.ProtocolApplied = [new Immunization.ProtocolAppliedComponent { DoseNumber = new PositiveInt(doseNumber) }];
        Add(immunization);
    }

    /// <summary>Hospital observation set: heart rate, respiratory rate, SpO2, temperature and blood pressure.</summary>
    private void AddObservationSet(string encounterUrl, DateTime at)
    {
        AddVital(encounterUrl, at, HeartRate, _random.Normal(84, 12), 0, "/min", "/min");
        AddVital(encounterUrl, at, RespiratoryRate, _random.Normal(17, 2.5), 0, "/min", "/min");
        AddVital(encounterUrl, at, OxygenSaturation, Math.Min(100, _random.Normal(96, 1.6)), 0, "%", "%");
        AddVital(encounterUrl, at, BodyTemperature, _random.Normal(37.0, 0.5), 1, "Cel", "Cel");
        if (AgeAt(at) >= 16) AddBloodPressure(encounterUrl, at, hypertensive: false);
    }

    private void AddBloodPressure(string encounterUrl, DateTime at, bool hypertensive)
    {
        var systolic = _random.Normal(118 + AgeAt(at) * 0.25 + (hypertensive ? 14 : 0), 11);
        var diastolic = _random.Normal(74 + (hypertensive ? 8 : 0), 7);
        // R4 vital-signs profile: the panel has no value; systolic and diastolic are components.
        Add(new Observation
        {
            Status = ObservationStatus.Final,
            Category = [VitalSignsCategory()],
            Code = BloodPressurePanel.ToConcept(),
            Subject = PatientReference,
            Encounter = new ResourceReference(encounterUrl),
            Effective = new FhirDateTime(DateTimeText(at)),
            Component =
            [
                new Observation.ComponentComponent { Code = Systolic.ToConcept(), Value = Measure(systolic, 0, "mm[Hg]", "mm[Hg]") },
                new Observation.ComponentComponent { Code = Diastolic.ToConcept(), Value = Measure(diastolic, 0, "mm[Hg]", "mm[Hg]") },
            ],
        });
    }

    private void AddVital(string encounterUrl, DateTime at, SyntheticCode code, double value, int decimals, string unit, string ucum) =>
        Add(new Observation
        {
            Status = ObservationStatus.Final,
            Category = [VitalSignsCategory()],
            Code = code.ToConcept(),
            Subject = PatientReference,
            Encounter = new ResourceReference(encounterUrl),
            Effective = new FhirDateTime(DateTimeText(at)),
            Value = Measure(value, decimals, unit, ucum),
        });

    private void AddLabReport(string encounterUrl, DateTime collected, SyntheticLabPanel panel, SyntheticOrganization laboratory)
    {
        var issued = new DateTimeOffset(collected.AddHours(_random.Between(3, 30)), TimeSpan.Zero);
        var resultUrls = new List<ResourceReference>(panel.Tests.Count);
        foreach (var test in panel.Tests)
        {
            var observation = new Observation
            {
                Status = ObservationStatus.Final,
                Category = [new CodeableConcept(KnownSystems.ObservationCategory, "laboratory", "Laboratory")],
                Code = test.Code.ToConcept(),
                Subject = PatientReference,
                Encounter = new ResourceReference(encounterUrl),
                Effective = new FhirDateTime(DateTimeText(collected)),
                Issued = issued,
                Performer = [OrganizationReference(laboratory)],
                Value = Measure(Math.Max(0, _random.Normal(test.Mean, test.StandardDeviation)), test.Decimals, test.Unit, test.UcumUnit),
            };
            if (test.Low is not null || test.High is not null)
            {
                var range = new Observation.ReferenceRangeComponent();
                if (test.Low is { } low) range.Low = Measure(low, test.Decimals, test.Unit, test.UcumUnit);
                if (test.High is { } high) range.High = Measure(high, test.Decimals, test.Unit, test.UcumUnit);
                observation.ReferenceRange = [range];
            }
            resultUrls.Add(new ResourceReference(Add(observation), test.Code.Display));
        }

        Add(new DiagnosticReport
        {
            Status = DiagnosticReport.DiagnosticReportStatus.Final,
            Category = [new CodeableConcept(KnownSystems.V2DiagnosticServiceSection, "LAB", "Laboratory")],
            Code = panel.ReportCode.ToConcept(),
            Subject = PatientReference,
            Encounter = new ResourceReference(encounterUrl),
            Effective = new FhirDateTime(DateTimeText(collected)),
            Issued = issued,
            Performer = [OrganizationReference(laboratory)],
            Result = resultUrls,
        });
    }

    private static CodeableConcept VitalSignsCategory() =>
        new(KnownSystems.ObservationCategory, "vital-signs", "Vital Signs");

    private static Quantity Measure(double value, int decimals, string unit, string ucum) => new()
    {
        // decimal rounding is exact and culture-free, unlike formatting a double.
        Value = Math.Round((decimal)value, decimals, MidpointRounding.AwayFromZero),
        Unit = unit,
        System = KnownSystems.Ucum,
        Code = ucum,
    };

    private static Quantity PackQuantity(SyntheticMedication medication) =>
        new() { Value = medication.Quantity, Unit = medication.QuantityUnit };

    private double CurrentWeight(DateTime at)
    {
        var age = AgeAt(at);
        var baseline = age >= 18 ? _baseWeightKg : 4 + age * 3.4;
        return Math.Max(2.5, _random.Normal(baseline, age >= 18 ? 1.5 : 0.5));
    }

    private int AgeAt(DateTime at)
    {
        var birth = _person.BirthDate;
        var age = at.Year - birth.Year;
        if (at.Month < birth.Month || (at.Month == birth.Month && at.Day < birth.Day)) age--;
        return Math.Max(0, age);
    }

    private static void Label(Resource resource, SyntheticCode? label)
    {
        if (label is null) return;
        // Sensitivity (v3 ActCode) plus confidentiality R, the usual pair of HCS security labels.
        resource.Meta = new Meta { Security = [label.ToCoding(), Restricted.ToCoding()] };
    }

    private ResourceReference PatientReference => new(_patientUrl);

    /// <summary>A conditional reference, resolved by the server against the organisations bundle.</summary>
    internal static ResourceReference OrganizationReference(SyntheticOrganization organization) =>
        new($"Organization?identifier={KnownSystems.OdsOrganisationCode}|{organization.OdsCode}", organization.Name);

    private string Add(Resource resource)
    {
        var fullUrl = NewFullUrl();
        _bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = fullUrl,
            Resource = resource,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = resource.TypeName },
        });
        return fullUrl;
    }

    private string NewFullUrl() => "urn:uuid:" + _random.NextGuid().ToString("D");

    private DateTime RandomDateBetween(DateTime from, DateTime to)
    {
        if (to <= from) return from;
        var days = (int)Math.Min(int.MaxValue - 1, (to - from).TotalDays);
        return from.Date.AddDays(_random.Next(days + 1));
    }

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>FHIR dateTime in UTC (FHIR R4 2.24.0.6: seconds and a zone are required when a time is given).</summary>
    private static string DateTimeText(DateTime value) =>
        value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
