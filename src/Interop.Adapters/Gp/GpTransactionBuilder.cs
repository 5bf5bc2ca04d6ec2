using System.Globalization;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Interop.Core.Identity;
using Interop.Core.Known;

namespace Interop.Adapters.Gp;

/// <summary>
/// Builds the transaction Bundle for one validated extract. Entries reference each other by deterministic
/// <c>urn:uuid:</c> fullUrls (R4 Bundle 3.3.1.4.2: the server rewrites them to the ids it resolves).
/// </summary>
internal sealed partial class GpTransactionBuilder
{
    private readonly GpExtract _extract;
    private readonly GpPatient _patient;
    private readonly string _ods;
    /// <summary><c>{SourceRecordIdBase}/gp/{ods}</c>: GP guids are only unique within their practice system.</summary>
    private readonly string _sourceSystem;
    private readonly Bundle _bundle = new() { Type = Bundle.BundleType.Transaction };

    private string _practiceUrl = "";
    private string _patientUrl = "";
    private readonly Dictionary<string, string> _practitionerUrls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _conditionUrls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GpConsultation> _consultationOfItem = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _encounterUrls = new(StringComparer.Ordinal);

    public GpTransactionBuilder(GpExtract extract)
    {
        _extract = extract;
        _patient = extract.Patient!;
        _ods = extract.Practice!.OdsCode!.Trim().ToUpperInvariant();
        _sourceSystem = $"{KnownSystems.SourceRecordIdBase}/gp/{_ods}";
    }

    public Bundle Build()
    {
        foreach (var consultation in Present(_extract.Consultations))
        {
            _encounterUrls[consultation.Guid!] = FullUrl("Encounter", SourceId(consultation.Guid!));
            foreach (var item in consultation.Items)
                if (item is not null) _consultationOfItem.TryAdd(item, consultation);
        }
        foreach (var problem in Present(_extract.Problems))
            _conditionUrls[problem.Guid!] = FullUrl("Condition", SourceId(problem.Guid!));

        AddOrganization();
        AddPractitioners();
        AddPatient();
        AddConsents();
        foreach (var c in Present(_extract.Consultations)) AddEncounter(c);
        foreach (var p in Present(_extract.Problems)) AddCondition(p);
        foreach (var a in Present(_extract.Allergies)) AddAllergy(a);
        foreach (var m in Present(_extract.Medications)) AddMedication(m);
        foreach (var o in Present(_extract.Observations)) AddObservation(o);
        return _bundle;
    }

    private void AddOrganization()
    {
        var ods = new Identifier(KnownSystems.OdsOrganisationCode, _ods);
        var organization = new Organization
        {
            Identifier = [ods],
            Active = true,
            Type = [Concept(KnownSystems.OrganisationType, "gp-practice", "GP practice")],
            // InteropOrganization requires a name (it is what references and the access history show).
            Name = _extract.Practice!.Name?.Trim() is { Length: > 0 } name ? name : $"GP practice {_ods}",
        };
        _practiceUrl = FullUrl("Organization", ods);
        // Conditional create, not update: the practice is normally already registered as a participating
        // Organization (name, type, endpoints) and an extract must not overwrite that with this thin copy.
        AddCreateIfNoneExist(organization, ods, _practiceUrl);
    }

    private void AddPractitioners()
    {
        var usualGp = _patient.UsualGp;
        var codes = new List<string>();
        if (usualGp?.GmpCode is { } usual) codes.Add(usual.Trim());
        codes.AddRange(Present(_extract.Problems).Select(p => p.RecordedBy)
            .Concat(Present(_extract.Allergies).Select(a => a.RecordedBy))
            .Concat(Present(_extract.Consultations).Select(c => c.Clinician))
            .Where(code => !string.IsNullOrWhiteSpace(code)).Select(code => code!.Trim()));

        foreach (var code in codes.Distinct(StringComparer.Ordinal))
        {
            var gmp = new Identifier(KnownSystems.GmpNumber, code);
            var practitioner = new Practitioner { Identifier = [gmp] };
            if (code == usualGp?.GmpCode?.Trim() && !string.IsNullOrWhiteSpace(usualGp.Name))
                practitioner.Name = [new HumanName { Text = usualGp.Name }];
            var url = FullUrl("Practitioner", gmp);
            _practitionerUrls[code] = url;
            // Same reasoning as the Organization: a national GMP code may already carry a richer record.
            AddCreateIfNoneExist(practitioner, gmp, url);
        }
    }

    private void AddPatient()
    {
        var nhs = new Identifier(KnownSystems.NhsNumber, NhsNumber.Normalise(_patient.NhsNumber)!);
        // UK Core: Patient.identifier:nhsNumber.extension:nhsNumberVerificationStatus; what the matching rule reads.
        if (NhsNumberVerification.IsKnown(_patient.NhsNumberStatus)) NhsNumberVerification.Set(nhs, _patient.NhsNumberStatus!);

        var patient = new Patient { Identifier = [nhs] };
        if (!string.IsNullOrWhiteSpace(_patient.LocalId)) patient.Identifier.Add(SourceId(_patient.LocalId.Trim()));
        if (_patient.FamilyName is not null || _patient.GivenNames.Count > 0)
            patient.Name = [new HumanName { Use = HumanName.NameUse.Official, Family = _patient.FamilyName, Given = _patient.GivenNames }];
        if (GpVocabulary.TryLookup(GpVocabulary.Sex, _patient.Sex, out var gender)) patient.Gender = gender;
        patient.BirthDate = _patient.Dob;
        if (!string.IsNullOrWhiteSpace(_patient.Postcode)) patient.Address = [new Address { PostalCode = _patient.Postcode.Trim() }];

        patient.GeneralPractitioner = [Ref(_practiceUrl)];
        if (_patient.UsualGp?.GmpCode is { } gmp) patient.GeneralPractitioner.Add(Ref(_practitionerUrls[gmp.Trim()]));
        patient.ManagingOrganization = Ref(_practiceUrl);

        _patientUrl = FullUrl("Patient", nhs);
        AddConditionalUpdate(patient, nhs, _patientUrl);
    }

    /// <summary>
    /// One ledger Consent per GP-coded sharing entry (domain notes 3.2, IHE PCF shape). A later code supersedes an
    /// earlier one about the same record (local or national), so only the latest of each is active.
    /// </summary>
    private void AddConsents()
    {
        var flags = Present(_patient.SharingFlags)
            .DistinctBy(f => (f.Snomed, f.Recorded))
            .Select((flag, index) => (Flag: flag, Index: index))
            .ToList();
        var latestOfGroup = flags
            .GroupBy(f => GpVocabulary.NationalRecordSharingCodes.Contains(f.Flag.Snomed!))
            .Select(g => g.OrderBy(f => f.Flag.Recorded, StringComparer.Ordinal).ThenBy(f => f.Index).Last().Index)
            .ToHashSet();

        foreach (var (flag, index) in flags)
        {
            var permits = GpVocabulary.SharingCodePermits[flag.Snomed!];
            var id = SourceId($"sharing/{flag.Snomed}/{flag.Recorded}");
            var consent = new Consent
            {
                Identifier = [id],
                Status = latestOfGroup.Contains(index) ? Consent.ConsentState.Active : Consent.ConsentState.Inactive,
                Scope = Concept(KnownSystems.ConsentScope, "patient-privacy", "Privacy Consent"),
                Category =
                [
                    Concept(KnownSystems.Loinc, "59284-0", "Patient Consent"),
                    Concept(KnownSystems.Snomed, flag.Snomed, flag.Term),
                ],
                Patient = Ref(_patientUrl),
                DateTime = flag.Recorded,
                Performer = [Ref(_patientUrl)],
                Organization = [Ref(_practiceUrl)],
                // The GP coded entry is the evidence; it has no resource of its own, so a logical reference.
                Source = new ResourceReference
                {
                    Identifier = (Identifier)id.DeepCopy(),
                    Display = $"GP coded entry {flag.Snomed} {flag.Term}".TrimEnd(),
                },
            };
            if (permits)
            {
                consent.PolicyRule = Concept(KnownSystems.V3ActCode, "OPTIN", "opt-in");
                consent.Provision = new Consent.provisionComponent { Type = Consent.ConsentProvisionType.Permit };
            }
            else
            {
                consent.Policy = [new Consent.PolicyComponent { Uri = GpExtractMapper.ShcrObjectionPolicy }];
                consent.PolicyRule = Concept(KnownSystems.V3ActCode, "OPTOUT", "opt-out");
                // An objection still allows audited emergency access (domain notes 3.1, "Dissent Override").
                consent.Provision = new Consent.provisionComponent
                {
                    Type = Consent.ConsentProvisionType.Deny,
                    Provision =
                    [
                        new Consent.provisionComponent
                        {
                            Type = Consent.ConsentProvisionType.Permit,
                            Purpose = [new Coding(KnownSystems.V3ActReason, "BTG", "break the glass")],
                        },
                    ],
                };
            }
            AddConditionalUpdate(consent, id, FullUrl("Consent", id));
        }
    }

    private void AddEncounter(GpConsultation consultation)
    {
        var id = SourceId(consultation.Guid!);
        var encounter = new Encounter
        {
            Identifier = [id],
            Status = Encounter.EncounterStatus.Finished,
            Class = new Coding(KnownSystems.V3ActCode, "AMB", "ambulatory"),
            Subject = Ref(_patientUrl),
            Period = new Period { Start = consultation.Date },
            ServiceProvider = Ref(_practiceUrl),
        };
        if (!string.IsNullOrWhiteSpace(consultation.Type)) encounter.Type = [new CodeableConcept { Text = consultation.Type }];
        if (Practitioner(consultation.Clinician) is { } clinician)
            encounter.Participant =
            [
                new Encounter.ParticipantComponent
                {
                    Type = [Concept(KnownSystems.V3ParticipationType, "PPRF", "primary performer")],
                    Individual = clinician,
                },
            ];
        Label(encounter, consultation.Confidential, consultation.Sensitivity, itemGuid: null);
        AddConditionalUpdate(encounter, id, _encounterUrls[consultation.Guid!]);
    }

    private void AddCondition(GpProblem problem)
    {
        var id = SourceId(problem.Guid!);
        GpVocabulary.TryLookup(GpVocabulary.ConditionClinicalStatus, problem.Status, out var clinical);
        var code = SnomedConcept(problem.Snomed!, problem.Term);
        if (!string.IsNullOrWhiteSpace(problem.DescId))
            code.Coding[0].Extension.Add(new Extension(KnownSystems.CodingSctDescIdExtension, new Id(problem.DescId.Trim())));

        var condition = new Condition
        {
            Identifier = [id],
            ClinicalStatus = Concept(KnownSystems.ConditionClinical, clinical),
            VerificationStatus = Concept(KnownSystems.ConditionVerification, "confirmed"),
            Category = [Concept(KnownSystems.ConditionCategory, "problem-list-item", "Problem List Item")],
            Code = code,
            Subject = Ref(_patientUrl),
            Encounter = EncounterOf(problem.Guid!),
            Onset = problem.Onset is null ? null : new FhirDateTime(problem.Onset),
            RecordedDate = problem.Recorded,
            Recorder = Practitioner(problem.RecordedBy),
        };
        if (GpVocabulary.TryLookup(GpVocabulary.Significance, problem.Significance, out var significance))
            condition.Extension.Add(new Extension(KnownSystems.UkCoreProblemSignificanceExtension, new Code(significance)));
        if (GpVocabulary.TryLookup(GpVocabulary.Episodicity, problem.Episodicity, out var episode))
            condition.Extension.Add(new Extension(KnownSystems.UkCoreConditionEpisodeExtension,
                Concept(KnownSystems.UkCoreConditionEpisodicity, episode)));

        // Observations filed against the problem are its evidence (GP Connect links them the same way).
        var evidence = Present(_extract.Observations)
            .Where(o => o.LinkedProblem == problem.Guid)
            .Select(o => Ref(FullUrl("Observation", SourceId(o.Guid!))))
            .ToList();
        if (evidence.Count > 0) condition.Evidence = [new Condition.EvidenceComponent { Detail = evidence }];

        Label(condition, problem.Confidential, problem.Sensitivity, problem.Guid);
        AddConditionalUpdate(condition, id, _conditionUrls[problem.Guid!]);
    }

    private void AddAllergy(GpAllergy allergy)
    {
        var id = SourceId(allergy.Guid!);
        var clinical = GpVocabulary.TryLookup(GpVocabulary.AllergyClinicalStatus, allergy.Status, out var status) ? status : "active";
        var intolerance = new AllergyIntolerance
        {
            Identifier = [id],
            ClinicalStatus = Concept(KnownSystems.AllergyClinical, clinical),
            VerificationStatus = Concept(KnownSystems.AllergyVerification, "confirmed"),
            Code = SnomedConcept(allergy.Snomed!, allergy.Term),
            Patient = Ref(_patientUrl),
            Encounter = EncounterOf(allergy.Guid!),
            RecordedDate = allergy.Recorded,
            Recorder = Practitioner(allergy.RecordedBy),
        };
        var hasSeverity = GpVocabulary.TryLookup(GpVocabulary.Severity, allergy.Severity, out var severity);
        if (allergy.Reaction is not null || allergy.Agent is not null || hasSeverity)
        {
            intolerance.Reaction =
            [
                new AllergyIntolerance.ReactionComponent
                {
                    Substance = allergy.Agent is null ? null : SnomedConcept(allergy.Agent.Snomed!, allergy.Agent.Term),
                    // manifestation is 1..* in R4; keep the agent and severity even when no reaction text was recorded.
                    Manifestation = [new CodeableConcept { Text = allergy.Reaction ?? "Reaction not recorded" }],
                    Severity = hasSeverity ? severity : null,
                },
            ];
        }
        Label(intolerance, allergy.Confidential, allergy.Sensitivity, allergy.Guid);
        AddConditionalUpdate(intolerance, id, FullUrl("AllergyIntolerance", id));
    }

    /// <summary>
    /// GP Connect's medication model: a MedicationStatement for "the patient is on this", a MedicationRequest
    /// intent <c>plan</c> for the authorisation and one intent <c>order</c> per issue, based on the plan.
    /// </summary>
    private void AddMedication(GpMedication medication)
    {
        var id = SourceId(medication.Guid!);
        var statementUrl = FullUrl("MedicationStatement", id);
        var planUrl = FullUrl("MedicationRequest", id);
        (MedicationStatement.MedicationStatusCodes Statement, MedicationRequest.MedicationrequestStatus Plan) status =
            GpVocabulary.TryLookup(GpVocabulary.MedicationStatus, medication.Status, out var s)
                ? s
                : (MedicationStatement.MedicationStatusCodes.Active, MedicationRequest.MedicationrequestStatus.Active);
        var courseOfTherapy = GpVocabulary.TryLookup(GpVocabulary.PrescriptionType, medication.Type, out var type)
            ? Concept(KnownSystems.UkCorePrescriptionType, type)
            : null;
        var reason = medication.LinkedProblem is { } linked && _conditionUrls.TryGetValue(linked, out var conditionUrl)
            ? new List<ResourceReference> { Ref(conditionUrl) }
            : null;
        var issues = Present(medication.Issues).ToList();

        var statement = new MedicationStatement
        {
            Identifier = [id],
            BasedOn = [Ref(planUrl)],
            Status = status.Statement,
            Medication = DmdConcept(medication),
            Subject = Ref(_patientUrl),
            Effective = medication.AuthorisedDate is null ? null : new Period { Start = medication.AuthorisedDate },
            DateAsserted = medication.AuthorisedDate,
            ReasonReference = reason,
            Dosage = Dosage(medication),
        };
        var lastIssue = issues.Select(i => i.Date!).OrderBy(d => d, StringComparer.Ordinal).LastOrDefault();
        if (lastIssue is not null)
            statement.Extension.Add(new Extension(KnownSystems.UkCoreMedicationStatementLastIssueDateExtension, new FhirDateTime(lastIssue)));
        Label(statement, medication.Confidential, medication.Sensitivity, medication.Guid);
        AddConditionalUpdate(statement, id, statementUrl);

        var plan = new MedicationRequest
        {
            Identifier = [(Identifier)id.DeepCopy()],
            Status = status.Plan,
            Intent = MedicationRequest.MedicationRequestIntent.Plan,
            Medication = DmdConcept(medication),
            Subject = Ref(_patientUrl),
            AuthoredOn = medication.AuthorisedDate,
            ReasonReference = reason is null ? null : [.. reason.Select(r => (ResourceReference)r.DeepCopy())],
            CourseOfTherapyType = courseOfTherapy,
            DosageInstruction = Dosage(medication),
            DispenseRequest = new MedicationRequest.DispenseRequestComponent
            {
                ValidityPeriod = medication.AuthorisedDate is null && medication.ReviewDate is null
                    ? null
                    : new Period { Start = medication.AuthorisedDate, End = medication.ReviewDate },
                Quantity = Quantity(medication.Quantity),
            },
        };
        Label(plan, medication.Confidential, medication.Sensitivity, medication.Guid);
        AddConditionalUpdate(plan, id, planUrl);

        // Issues have no guid of their own: key them on the authorisation guid and the issue date.
        var seenDates = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var issue in issues)
        {
            var n = seenDates[issue.Date!] = seenDates.GetValueOrDefault(issue.Date!) + 1;
            var issueId = SourceId($"{medication.Guid}/issue/{issue.Date}" + (n > 1 ? $"/{n}" : ""));
            var order = new MedicationRequest
            {
                Identifier = [issueId],
                BasedOn = [Ref(planUrl)],
                Status = MedicationRequest.MedicationrequestStatus.Completed,
                Intent = MedicationRequest.MedicationRequestIntent.Order,
                Medication = DmdConcept(medication),
                Subject = Ref(_patientUrl),
                AuthoredOn = issue.Date,
                CourseOfTherapyType = (CodeableConcept?)courseOfTherapy?.DeepCopy(),
                DosageInstruction = Dosage(medication),
                DispenseRequest = new MedicationRequest.DispenseRequestComponent { Quantity = Quantity(issue.Quantity ?? medication.Quantity) },
            };
            Label(order, medication.Confidential, medication.Sensitivity, medication.Guid);
            AddConditionalUpdate(order, issueId, FullUrl("MedicationRequest", issueId));
        }
    }

    private void AddObservation(GpObservation observation)
    {
        var id = SourceId(observation.Guid!);
        var consultation = _consultationOfItem.GetValueOrDefault(observation.Guid!);
        var effective = observation.Effective ?? consultation?.Date;
        var result = new Observation
        {
            Identifier = [id],
            Status = ObservationStatus.Final,
            Code = SnomedConcept(observation.Snomed!, observation.Term),
            Subject = Ref(_patientUrl),
            Encounter = EncounterOf(observation.Guid!),
            Effective = effective is null ? null : new FhirDateTime(effective),
        };
        if (observation.Value is { } value)
        {
            var quantity = new Quantity { Value = value, Unit = observation.Unit };
            if (observation.Unit is not null && UcumUnits.TryGetValue(observation.Unit.Trim(), out var ucum))
            {
                quantity.System = KnownSystems.Ucum;
                quantity.Code = ucum;
            }
            result.Value = quantity;
        }
        Label(result, observation.Confidential, observation.Sensitivity, observation.Guid);
        AddConditionalUpdate(result, id, FullUrl("Observation", id));
    }

    /// <summary>
    /// Confidential or sensitive items keep their data but carry <c>meta.security</c> labels (v3-Confidentiality
    /// <c>R</c> plus the sensitive class) so the consent engine can withhold them. An item recorded in a
    /// confidential consultation inherits the consultation's labels, as GP Connect drops such consultations whole.
    /// </summary>
    private void Label(Resource resource, bool? confidential, string? sensitivity, string? itemGuid)
    {
        var consultation = itemGuid is null ? null : _consultationOfItem.GetValueOrDefault(itemGuid);
        var restricted = confidential == true || !string.IsNullOrWhiteSpace(sensitivity)
            || consultation?.Confidential == true || !string.IsNullOrWhiteSpace(consultation?.Sensitivity);
        if (!restricted) return;

        var labels = new List<Coding> { new(KnownSystems.V3Confidentiality, "R", "restricted") };
        foreach (var value in new[] { sensitivity, consultation?.Sensitivity })
        {
            if (string.IsNullOrWhiteSpace(value)) continue;
            var (label, _) = GpVocabulary.SensitivityLabel(value);
            if (!labels.Any(l => l.System == label.System && l.Code == label.Code)) labels.Add(label);
        }
        resource.Meta = new Meta { Security = labels };
    }

    private static readonly IReadOnlyDictionary<string, string> UcumUnits = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["mmol/L"] = "mmol/L", ["mmol/l"] = "mmol/L", ["mmol/mol"] = "mmol/mol", ["umol/L"] = "umol/L", ["umol/l"] = "umol/L",
        ["mg/L"] = "mg/L", ["g/L"] = "g/L", ["g/l"] = "g/L", ["mmHg"] = "mm[Hg]", ["kg"] = "kg", ["g"] = "g", ["cm"] = "cm",
        ["m"] = "m", ["%"] = "%", ["kg/m2"] = "kg/m2", ["bpm"] = "/min", ["/min"] = "/min", ["beats/min"] = "/min",
        ["mL/min/1.73m2"] = "mL/min/{1.73_m2}", ["ml/min/1.73m2"] = "mL/min/{1.73_m2}", ["Cel"] = "Cel", ["degC"] = "Cel",
    };

    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*(.*?)\s*$")]
    private static partial Regex LeadingNumber();

    /// <summary>"1 inhaler" -> 1 inhaler; text without a leading number cannot be a SimpleQuantity, so none.</summary>
    private static Quantity? Quantity(string? text)
    {
        if (text is null) return null;
        var match = LeadingNumber().Match(text);
        if (!match.Success) return null;
        return new Quantity
        {
            Value = decimal.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
            Unit = match.Groups[2].Value.Length == 0 ? null : match.Groups[2].Value,
        };
    }

    private static List<Dosage>? Dosage(GpMedication medication) =>
        string.IsNullOrWhiteSpace(medication.Dosage) ? null : [new Dosage { Text = medication.Dosage }];

    private static CodeableConcept DmdConcept(GpMedication medication) =>
        Concept(KnownSystems.Dmd, medication.Dmd!.Trim(), medication.Term, text: medication.Term);

    private static CodeableConcept SnomedConcept(string code, string? term) =>
        Concept(KnownSystems.Snomed, code.Trim(), term, text: term);

    /// <summary>One coding with its display (Firely's three-argument constructor would set the text instead).</summary>
    private static CodeableConcept Concept(string system, string? code, string? display = null, string? text = null) =>
        new() { Coding = [new Coding(system, code, display)], Text = text };

    private ResourceReference? Practitioner(string? gmpCode) =>
        gmpCode is not null && _practitionerUrls.TryGetValue(gmpCode.Trim(), out var url) ? Ref(url) : null;

    private ResourceReference? EncounterOf(string guid) =>
        _consultationOfItem.TryGetValue(guid, out var consultation) ? Ref(_encounterUrls[consultation.Guid!]) : null;

    private Identifier SourceId(string value) => new(_sourceSystem, value);

    private static ResourceReference Ref(string fullUrl) => new(fullUrl);

    private static string FullUrl(string resourceType, Identifier identifier) =>
        DeterministicUuid.Urn($"{resourceType}|{identifier.System}|{identifier.Value}");

    /// <summary>R4 3.1.0.8.3 conditional update: <c>PUT Type?identifier=system|value</c>.</summary>
    private void AddConditionalUpdate(Resource resource, Identifier identifier, string fullUrl) =>
        _bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = fullUrl,
            Resource = resource,
            Request = new Bundle.RequestComponent
            {
                Method = Bundle.HTTPVerb.PUT,
                Url = $"{resource.TypeName}?{IdentifierQuery(identifier)}",
            },
        });

    /// <summary>R4 3.1.0.8.1 conditional create: <c>POST Type</c> with <c>ifNoneExist: identifier=system|value</c>.</summary>
    private void AddCreateIfNoneExist(Resource resource, Identifier identifier, string fullUrl) =>
        _bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = fullUrl,
            Resource = resource,
            Request = new Bundle.RequestComponent
            {
                Method = Bundle.HTTPVerb.POST,
                Url = resource.TypeName,
                IfNoneExist = IdentifierQuery(identifier),
            },
        });

    /// <summary>
    /// The system is a URI and stays readable; the value is percent-encoded because GP guids are free text, except
    /// for the characters RFC 3986 (3.4) allows in a query as they are ("/", ":", "@").
    /// </summary>
    private static string IdentifierQuery(Identifier identifier) =>
        $"identifier={identifier.System}|{EscapeQueryValue(identifier.Value ?? "")}";

    private static string EscapeQueryValue(string value) =>
        Uri.EscapeDataString(value).Replace("%2F", "/", StringComparison.Ordinal)
            .Replace("%3A", ":", StringComparison.Ordinal).Replace("%40", "@", StringComparison.Ordinal);

    private static IEnumerable<T> Present<T>(IEnumerable<T?> items) where T : class =>
        items.Where(i => i is not null)!;
}
