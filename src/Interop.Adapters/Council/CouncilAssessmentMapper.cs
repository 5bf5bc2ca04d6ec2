using System.Globalization;
using Hl7.Fhir.Model;
using Interop.Core.Identity;
using Interop.Core.Known;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Interop.Adapters.Council;

/// <summary>
/// Maps a validated council assessment row to one FHIR R4 transaction Bundle, following the UK
/// regional models (Interweave, Nottinghamshire; domain notes 4.3): <c>Task</c> is the assessment
/// event, <c>QuestionnaireResponse</c> its content, one <c>Observation</c> per Care Act outcome plus
/// one for the eligibility decision, <c>Condition</c> for the primary support reason,
/// <c>CarePlan</c> + <c>Goal</c> for the support plan and <c>EpisodeOfCare</c> for the service.
/// Pure and deterministic: no clock, no random ids, so the same row always gives the same bundle.
/// </summary>
public static class CouncilAssessmentMapper
{
    /// <summary>Builds the transaction Bundle for one row.</summary>
    public static Bundle Map(CouncilAssessmentRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var ctx = new RowContext(row);
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };

        AddConditionalCreate(bundle, ctx.OrganizationUrl, MapOrganization(row),
            $"Organization?identifier={KnownSystems.OdsOrganisationCode}|{row.CouncilCode}");
        AddConditionalCreate(bundle, ctx.PatientUrl, MapPatient(row),
            $"Patient?identifier={KnownSystems.NhsNumber}|{row.NhsNumber}");

        AddConditionalUpdate(bundle, ctx, ctx.Url("Task"), MapTask(ctx), suffix: null);
        AddConditionalUpdate(bundle, ctx, ctx.Url("QuestionnaireResponse"), MapQuestionnaireResponse(ctx), "content");

        var outcomeUrls = new List<string>();
        foreach (var finding in row.Outcomes.Where(f => f.UnableToAchieve is not null))
        {
            var url = ctx.Url("Observation/outcome/" + finding.Outcome.Code);
            outcomeUrls.Add(url);
            AddConditionalUpdate(bundle, ctx, url, MapOutcomeObservation(ctx, finding), "outcome/" + finding.Outcome.Code);
        }
        if (row.EligibleNeeds is not null || row.SignificantWellbeingImpact is not null)
            AddConditionalUpdate(bundle, ctx, ctx.Url("Observation/eligibility"), MapEligibilityObservation(ctx, outcomeUrls), "eligibility");

        if (row.PrimarySupportReason is not null)
            AddConditionalUpdate(bundle, ctx, ctx.Url("Condition"), MapPrimarySupportReason(ctx), "primary-support-reason");

        var goalUrls = new List<string>();
        for (var i = 0; i < row.SupportPlanGoals.Count; i++)
        {
            var suffix = "goal/" + (i + 1).ToString(CultureInfo.InvariantCulture);
            var url = ctx.Url("Goal/" + suffix);
            goalUrls.Add(url);
            AddConditionalUpdate(bundle, ctx, url, MapGoal(ctx, row.SupportPlanGoals[i], suffix), suffix);
        }
        if (goalUrls.Count > 0)
            AddConditionalUpdate(bundle, ctx, ctx.Url("CarePlan"), MapCarePlan(ctx, goalUrls), "support-plan");

        if (row.Service is not null)
            AddConditionalUpdate(bundle, ctx, ctx.Url("EpisodeOfCare"), MapEpisodeOfCare(ctx, row.Service), "service");

        return bundle;
    }

    /// <summary>
    /// Maps every good row to its own transaction Bundle (so one bad row never blocks the others)
    /// and turns the reader's problems into one OperationOutcome.
    /// </summary>
    public static CouncilMappingResult MapAll(CouncilAssessmentReadResult read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var bundles = read.Rows.Select(r => new CouncilRowBundle(r.RowNumber, r.AssessmentId, Map(r))).ToList();
        return new CouncilMappingResult(bundles, ToOperationOutcome(read.Problems, read.RowCount, bundles.Count));
    }

    /// <summary>Maps rows already validated elsewhere; the OperationOutcome then only reports the count.</summary>
    public static CouncilMappingResult MapAll(IEnumerable<CouncilAssessmentRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var list = rows.ToList();
        return MapAll(new CouncilAssessmentReadResult(list, []) { RowCount = list.Count });
    }

    /// <summary>
    /// One issue per problem, <c>expression</c> naming row and column (<c>row[3].nhsNumber</c>), plus
    /// an information issue counting accepted rows (an OperationOutcome needs at least one issue).
    /// </summary>
    public static OperationOutcome ToOperationOutcome(IEnumerable<CouncilRowProblem> problems, int rowCount, int acceptedCount)
    {
        var outcome = new OperationOutcome();
        foreach (var p in problems)
        {
            var errorCode = p.Column == CouncilAssessmentColumns.NhsNumber && p.IsError ? "INVALID_NHS_NUMBER" : "INVALID_REQUEST";
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = p.Severity,
                Code = p.IsError ? IssueTypeFor(p) : OperationOutcome.IssueType.Informational,
                Details = new CodeableConcept(KnownSystems.ErrorCode, errorCode, p.Message),
                Expression = [p.Expression],
            });
        }
        outcome.Issue.Add(new OperationOutcome.IssueComponent
        {
            Severity = OperationOutcome.IssueSeverity.Information,
            Code = OperationOutcome.IssueType.Informational,
            Details = new CodeableConcept { Text = $"{acceptedCount} of {rowCount} rows accepted for storage." },
        });
        return outcome;
    }

    private static OperationOutcome.IssueType IssueTypeFor(CouncilRowProblem p) =>
        p.Message.Contains("is required", StringComparison.Ordinal) || p.Message.Contains("is missing", StringComparison.Ordinal)
            ? OperationOutcome.IssueType.Required
            : p.Message.Contains("not a known", StringComparison.Ordinal)
                ? OperationOutcome.IssueType.CodeInvalid
                : OperationOutcome.IssueType.Invalid;

    // --- entries -------------------------------------------------------------------------------

    private static void AddConditionalCreate(Bundle bundle, string fullUrl, Resource resource, string ifNoneExist) =>
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = fullUrl,
            Resource = resource,
            // FHIR R4 3.1.0.8.1 conditional create: reuse the Patient/Organization already known by this identifier.
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = resource.TypeName, IfNoneExist = ifNoneExist.Split('?', 2)[1] },
        });

    private static void AddConditionalUpdate(Bundle bundle, RowContext ctx, string fullUrl, DomainResource resource, string? suffix)
    {
        var identifier = ctx.RecordIdentifier(suffix);
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = fullUrl,
            Resource = resource,
            // FHIR R4 3.1.0.4.3 conditional update: a re-sent row updates the resource created the first time.
            Request = new Bundle.RequestComponent
            {
                Method = Bundle.HTTPVerb.PUT,
                Url = $"{resource.TypeName}?identifier={identifier.System}|{identifier.Value}",
            },
        });
    }

    // --- resources -----------------------------------------------------------------------------

    private static Organization MapOrganization(CouncilAssessmentRow row) => new()
    {
        Identifier = [new Identifier(KnownSystems.OdsOrganisationCode, row.CouncilCode)],
        Active = true,
        Type = [new CodeableConcept(KnownSystems.OrganisationType, "council", "Council")],
        Name = row.CouncilName ?? $"Council {row.CouncilCode}",
    };

    private static Patient MapPatient(CouncilAssessmentRow row)
    {
        var nhs = new Identifier(KnownSystems.NhsNumber, row.NhsNumber);
        // UK Core Patient.identifier:nhsNumber.extension:nhsNumberVerificationStatus, only when the council says (CLD carries none).
        if (NhsNumberVerification.IsKnown(row.NhsNumberStatus)) NhsNumberVerification.Set(nhs, row.NhsNumberStatus!);
        var patient = new Patient
        {
            Identifier =
            [
                nhs,
                new Identifier(CouncilIdentifiers.PersonSystem(row.CouncilCode), row.PersonId),
            ],
            BirthDate = row.BirthDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        if (row.FamilyName is not null || row.GivenName is not null)
        {
            var name = new HumanName { Use = HumanName.NameUse.Official, Family = row.FamilyName };
            if (row.GivenName is not null) name.Given = [row.GivenName];
            patient.Name.Add(name);
        }
        return patient;
    }

    private static FhirTask MapTask(RowContext ctx)
    {
        var row = ctx.Row;
        var task = new FhirTask
        {
            Identifier = [ctx.RecordIdentifier(null)],
            Status = TaskStatusOf(row.Status),
            Intent = FhirTask.TaskIntent.Order,
            Code = new CodeableConcept(KnownSystems.SocialCareAssessmentType, row.AssessmentType, KnownCouncilCodes.AssessmentTypes[row.AssessmentType]),
            For = ctx.PatientReference,
            AuthoredOn = Date(row.StartDate),
            ExecutionPeriod = new Period { Start = Date(row.StartDate), End = Date(row.CompletionDate) },
            Owner = ctx.OrganizationReference(row.AssessorTeam),
            // CLD Event Outcome: Interweave carries it in an extension; R4 Task.businessStatus is the core element for it.
            BusinessStatus = row.EventOutcome is { } outcome
                ? new CodeableConcept(KnownSystems.InterweaveAssessmentOutcome, outcome, KnownCouncilCodes.EventOutcomes[outcome])
                : null,
            // R4 QuestionnaireResponse.basedOn/partOf cannot point at a Task, so the link runs Task -> content.
            Output =
            [
                new FhirTask.OutputComponent
                {
                    Type = new CodeableConcept(KnownSystems.SocialCareTaskOutput, "assessment-content", "Assessment content"),
                    Value = new ResourceReference(ctx.Url("QuestionnaireResponse")),
                },
            ],
        };
        if (row.AssessorName is not null || row.AssessorTeam is not null)
        {
            var who = string.Join(", ", new[] { row.AssessorName, row.AssessorTeam }.Where(s => s is not null));
            task.Note.Add(new Annotation { Text = $"Assessor: {who}" });
        }
        return task;
    }

    private static QuestionnaireResponse MapQuestionnaireResponse(RowContext ctx)
    {
        var row = ctx.Row;
        var response = new QuestionnaireResponse
        {
            Identifier = ctx.RecordIdentifier("content"),
            // InteropSocialCareAssessmentResponse requires the questionnaire; ours are in fhir-profiles/examples.
            Questionnaire = row.AssessmentType == "carer"
                ? KnownSystems.CarersAssessmentQuestionnaire
                : KnownSystems.CareActNeedsAssessmentQuestionnaire,
            Status = row.Status switch
            {
                "completed" => QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
                "entered-in-error" => QuestionnaireResponse.QuestionnaireResponseStatus.EnteredInError,
                "cancelled" => QuestionnaireResponse.QuestionnaireResponseStatus.Stopped,
                _ => QuestionnaireResponse.QuestionnaireResponseStatus.InProgress,
            },
            Subject = ctx.PatientReference,
            Authored = (row.CompletionDate ?? row.StartDate).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Author = ctx.OrganizationReference(row.AssessorTeam),
        };
        response.Item.Add(Item("assessment-type", "Assessment type",
            new Coding(KnownSystems.SocialCareAssessmentType, row.AssessmentType, KnownCouncilCodes.AssessmentTypes[row.AssessmentType])));

        var outcomes = new QuestionnaireResponse.ItemComponent { LinkId = "eligibility-outcomes", Text = "Care Act eligibility outcomes (SI 2015/313 reg 2(2))" };
        foreach (var finding in row.Outcomes)
        {
            var item = new QuestionnaireResponse.ItemComponent { LinkId = finding.Outcome.Code, Text = $"({finding.Outcome.Letter}) {finding.Outcome.Display}" };
            if (finding.UnableToAchieve is { } unable) item.Item.Add(Item(finding.Outcome.Code + ".unable-to-achieve", "Unable to achieve", new FhirBoolean(unable)));
            if (finding.Note is { } note) item.Item.Add(Item(finding.Outcome.Code + ".note", "Note", new FhirString(note)));
            if (item.Item.Count > 0) outcomes.Item.Add(item);
        }
        if (outcomes.Item.Count > 0) response.Item.Add(outcomes);

        if (row.SignificantWellbeingImpact is { } wellbeing)
            response.Item.Add(Item("significant-wellbeing-impact", "Significant impact on wellbeing (reg 2(1)(c))", new FhirBoolean(wellbeing)));
        if (row.EligibleNeeds is { } eligible)
            response.Item.Add(Item("eligible-needs", "Has eligible needs", new FhirBoolean(eligible)));
        if (row.PrimarySupportReason is { } psr)
            response.Item.Add(Item("primary-support-reason", "Primary support reason",
                new Coding(KnownSystems.InterweaveSupportReason, psr, KnownCouncilCodes.PrimarySupportReasons[psr])));
        if (row.EventOutcome is { } eventOutcome)
            response.Item.Add(Item("event-outcome", "Outcome (next step)",
                new Coding(KnownSystems.InterweaveAssessmentOutcome, eventOutcome, KnownCouncilCodes.EventOutcomes[eventOutcome])));
        return response;

        static QuestionnaireResponse.ItemComponent Item(string linkId, string text, DataType value) => new()
        {
            LinkId = linkId,
            Text = text,
            Answer = [new QuestionnaireResponse.AnswerComponent { Value = value }],
        };
    }

    private static Observation MapOutcomeObservation(RowContext ctx, EligibilityOutcomeFinding finding)
    {
        var observation = ctx.NewObservation("outcome/" + finding.Outcome.Code,
            new CodeableConcept(KnownSystems.CareActEligibilityOutcome, finding.Outcome.Code, "Unable to achieve: " + finding.Outcome.Display));
        // The code asks "unable to achieve this outcome?", so true means a need under reg 2(2).
        observation.Value = new FhirBoolean(finding.UnableToAchieve);
        if (finding.Note is not null) observation.Note.Add(new Annotation { Text = finding.Note });
        return observation;
    }

    private static Observation MapEligibilityObservation(RowContext ctx, List<string> outcomeUrls)
    {
        var row = ctx.Row;
        var observation = ctx.NewObservation("eligibility",
            new CodeableConcept(KnownSystems.CareActEligibility, "eligible-needs", "Has eligible needs (Care Act 2014 s13; SI 2015/313 reg 2)"));
        if (row.EligibleNeeds is { } eligible) observation.Value = new FhirBoolean(eligible);
        else observation.DataAbsentReason = new CodeableConcept(KnownSystems.DataAbsentReason, "unknown", "Unknown");
        if (row.SignificantWellbeingImpact is { } wellbeing)
            observation.Component.Add(new Observation.ComponentComponent
            {
                Code = new CodeableConcept(KnownSystems.CareActEligibility, "significant-wellbeing-impact", "Significant impact on wellbeing"),
                Value = new FhirBoolean(wellbeing),
            });
        observation.HasMember = outcomeUrls.Select(u => new ResourceReference(u)).ToList();
        return observation;
    }

    private static Condition MapPrimarySupportReason(RowContext ctx)
    {
        var row = ctx.Row;
        var psr = row.PrimarySupportReason!;
        var condition = new Condition
        {
            Identifier = [ctx.RecordIdentifier("primary-support-reason")],
            Category = [new CodeableConcept(KnownSystems.ConditionCategory, "problem-list-item", "Problem List Item")],
            Code = new CodeableConcept(KnownSystems.InterweaveSupportReason, psr, KnownCouncilCodes.PrimarySupportReasons[psr]),
            Subject = ctx.PatientReference,
            RecordedDate = Date(row.CompletionDate ?? row.StartDate),
        };
        if (row.Status == "entered-in-error")
        {
            // con-5: an entered-in-error Condition carries no clinicalStatus.
            condition.VerificationStatus = new CodeableConcept(KnownSystems.ConditionVerification, "entered-in-error", "Entered in Error");
        }
        else
        {
            condition.ClinicalStatus = new CodeableConcept(KnownSystems.ConditionClinical, "active", "Active");
            condition.VerificationStatus = new CodeableConcept(KnownSystems.ConditionVerification, "confirmed", "Confirmed");
        }
        return condition;
    }

    private static Goal MapGoal(RowContext ctx, string text, string suffix) => new()
    {
        Identifier = [ctx.RecordIdentifier(suffix)],
        LifecycleStatus = ctx.Row.Status switch
        {
            "completed" => Goal.GoalLifecycleStatus.Active,
            "cancelled" => Goal.GoalLifecycleStatus.Cancelled,
            "entered-in-error" => Goal.GoalLifecycleStatus.EnteredInError,
            _ => Goal.GoalLifecycleStatus.Proposed,
        },
        Description = new CodeableConcept { Text = text },
        Subject = ctx.PatientReference,
        Start = new Date(Date(ctx.Row.CompletionDate ?? ctx.Row.StartDate)),
        ExpressedBy = ctx.OrganizationReference(null),
    };

    private static CarePlan MapCarePlan(RowContext ctx, List<string> goalUrls)
    {
        var row = ctx.Row;
        var plan = new CarePlan
        {
            Identifier = [ctx.RecordIdentifier("support-plan")],
            Status = row.Status switch
            {
                "completed" => RequestStatus.Active,
                "cancelled" => RequestStatus.Revoked,
                "entered-in-error" => RequestStatus.EnteredInError,
                _ => RequestStatus.Draft,
            },
            Intent = CarePlan.CarePlanIntent.Plan,
            Title = "Care and support plan",
            Subject = ctx.PatientReference,
            Period = new Period { Start = Date(row.CompletionDate ?? row.StartDate), End = Date(row.Service?.End) },
            Author = ctx.OrganizationReference(row.AssessorTeam),
            Goal = goalUrls.Select(u => new ResourceReference(u)).ToList(),
            SupportingInfo = [new ResourceReference(ctx.Url("QuestionnaireResponse"))],
        };
        if (row.PrimarySupportReason is not null) plan.Addresses.Add(new ResourceReference(ctx.Url("Condition")));
        return plan;
    }

    private static EpisodeOfCare MapEpisodeOfCare(RowContext ctx, CouncilService service)
    {
        var episode = new EpisodeOfCare
        {
            Identifier = [ctx.RecordIdentifier("service")],
            Status = ctx.Row.Status == "entered-in-error" ? EpisodeOfCare.EpisodeOfCareStatus.EnteredInError : EpisodeOfCareStatusOf(service.Status),
            // Interweave-SocialCareService: type from CLD Service Component; the CLD Service Type rides alongside.
            Type = [new CodeableConcept(KnownSystems.InterweaveServiceType, service.Component, KnownCouncilCodes.ServiceComponents[service.Component])],
            Patient = ctx.PatientReference,
            ManagingOrganization = ctx.OrganizationReference(null),
            Period = service.Start is null && service.End is null ? null : new Period { Start = Date(service.Start), End = Date(service.End) },
        };
        if (service.Type is { } type)
            episode.Type.Add(new CodeableConcept(KnownSystems.InterweaveServiceCategory, type, KnownCouncilCodes.ServiceTypes[type]));
        if (ctx.Row.PrimarySupportReason is not null)
            episode.Diagnosis.Add(new EpisodeOfCare.DiagnosisComponent { Condition = new ResourceReference(ctx.Url("Condition")) });
        return episode;
    }

    // --- helpers -------------------------------------------------------------------------------

    private static FhirTask.TaskStatus TaskStatusOf(string status) => status switch
    {
        "requested" => FhirTask.TaskStatus.Requested,
        "accepted" => FhirTask.TaskStatus.Accepted,
        "in-progress" => FhirTask.TaskStatus.InProgress,
        "on-hold" => FhirTask.TaskStatus.OnHold,
        "completed" => FhirTask.TaskStatus.Completed,
        "cancelled" => FhirTask.TaskStatus.Cancelled,
        "entered-in-error" => FhirTask.TaskStatus.EnteredInError,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a status the reader accepts."),
    };

    private static EpisodeOfCare.EpisodeOfCareStatus EpisodeOfCareStatusOf(string status) => status switch
    {
        "planned" => EpisodeOfCare.EpisodeOfCareStatus.Planned,
        "waitlist" => EpisodeOfCare.EpisodeOfCareStatus.Waitlist,
        "active" => EpisodeOfCare.EpisodeOfCareStatus.Active,
        "onhold" => EpisodeOfCare.EpisodeOfCareStatus.Onhold,
        "finished" => EpisodeOfCare.EpisodeOfCareStatus.Finished,
        "cancelled" => EpisodeOfCare.EpisodeOfCareStatus.Cancelled,
        "entered-in-error" => EpisodeOfCare.EpisodeOfCareStatus.EnteredInError,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a status the reader accepts."),
    };

    private static string? Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Per-row names: fullUrls and identifiers all derive from council code + assessment id.</summary>
    private sealed class RowContext(CouncilAssessmentRow row)
    {
        public CouncilAssessmentRow Row { get; } = row;
        public string OrganizationUrl { get; } = NameBasedUuid.Urn($"Organization/{row.CouncilCode}");
        public string PatientUrl { get; } = NameBasedUuid.Urn($"Patient/{row.NhsNumber}");

        public ResourceReference PatientReference => new(PatientUrl);

        public ResourceReference OrganizationReference(string? team) =>
            new(OrganizationUrl, team is null ? Row.CouncilName : Row.CouncilName is null ? team : $"{team}, {Row.CouncilName}");

        /// <summary>Deterministic fullUrl for a resource derived from this assessment.</summary>
        public string Url(string name) => NameBasedUuid.Urn($"{Row.CouncilCode}/{Row.AssessmentId}/{name}");

        public Identifier RecordIdentifier(string? suffix) =>
            new(CouncilIdentifiers.RecordSystem(Row.CouncilCode), suffix is null ? Row.AssessmentId : $"{Row.AssessmentId}/{suffix}");

        public Observation NewObservation(string suffix, CodeableConcept code) => new()
        {
            Identifier = [RecordIdentifier(suffix)],
            Status = Row.Status switch
            {
                "completed" => ObservationStatus.Final,
                "cancelled" => ObservationStatus.Cancelled,
                "entered-in-error" => ObservationStatus.EnteredInError,
                _ => ObservationStatus.Preliminary,
            },
            Category = [new CodeableConcept(KnownSystems.ObservationCategory, "social-history", "Social History")],
            Code = code,
            Subject = PatientReference,
            Effective = new FhirDateTime(Date(Row.CompletionDate ?? Row.StartDate)),
            Performer = [OrganizationReference(Row.AssessorTeam)],
            DerivedFrom = [new ResourceReference(Url("QuestionnaireResponse"))],
        };
    }
}
