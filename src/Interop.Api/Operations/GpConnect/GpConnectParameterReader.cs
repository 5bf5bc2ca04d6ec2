using System.Globalization;
using Hl7.Fhir.Model;
using Interop.Core.Fhir;
using Interop.Core.Identity;
using Interop.Core.Known;

namespace Interop.Api.Operations.GpConnect;

/// <summary>
/// Reads and checks the <c>Parameters</c> body of <c>$gpc.getstructuredrecord</c> against the rules
/// of GP Connect 1.6 (accessrecord_structured_development_retrieve_patient_record; UK domain notes
/// 1.1), collecting every problem: any parameter problem is 422 INVALID_PARAMETER naming each; an
/// NHS number that fails Modulus 11 on an otherwise valid request is 400 INVALID_NHS_NUMBER.
/// </summary>
public static class GpConnectParameterReader
{
    public const string PatientNhsNumber = "patientNHSNumber";

    /// <summary>Each include parameter and the parts (with their FHIR type) it may carry. Any other part,
    /// for example another area's filter, is not permitted.</summary>
    private static readonly Dictionary<string, Dictionary<string, string>> IncludeParts = new(StringComparer.Ordinal)
    {
        ["includeAllergies"] = new() { ["includeResolvedAllergies"] = "boolean" },
        ["includeMedication"] = new() { ["includePrescriptionIssues"] = "boolean", ["medicationSearchFromDate"] = "date" },
        ["includeConsultations"] = new() { ["consultationSearchPeriod"] = "Period", ["includeNumberOfMostRecent"] = "positiveInt" },
        ["includeProblems"] = new() { ["filterStatus"] = "code" },
        ["includeImmunisations"] = new() { ["includeNotGiven"] = "boolean", ["includeStatus"] = "boolean" },
        ["includeUncategorisedData"] = new() { ["uncategorisedDataSearchPeriod"] = "Period" },
        ["includeInvestigations"] = new() { ["investigationSearchPeriod"] = "Period" },
        ["includeReferrals"] = new() { ["referralSearchPeriod"] = "Period" },
        ["includeDiaryEntries"] = new() { ["diaryEntriesSearchDate"] = "date" },
    };

    /// <summary>The request, or a <see cref="FhirException"/> (422 or 400) listing every problem.</summary>
    public static GpConnectRequest Read(Resource body, DateOnly today)
    {
        if (body is not Parameters parameters)
            throw new FhirException(422, Outcomes.Single(OperationOutcome.IssueType.Invalid,
                $"The body of $gpc.getstructuredrecord must be a Parameters resource, not {body.TypeName}.", FhirErrorCode.InvalidParameter, "resourceType"));

        var problems = new List<OperationOutcome.IssueComponent>();
        var request = new GpConnectRequest();
        string? badNhsNumber = null;
        var todayText = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        foreach (var group in parameters.Parameter.GroupBy(p => p.Name ?? ""))
        {
            if (group.Count() > 1)
                problems.Add(Problem($"Parameter '{group.Key}' is given {group.Count()} times; it may appear at most once.", group.Key));
        }

        var nhs = parameters.Parameter.Where(p => p.Name == PatientNhsNumber).ToList();
        if (nhs.Count == 0)
            problems.Add(Problem($"Parameter '{PatientNhsNumber}' is required (an Identifier with system {KnownSystems.NhsNumber}).", PatientNhsNumber));
        else if (nhs[0].Value is not Identifier identifier)
            problems.Add(Problem($"Parameter '{PatientNhsNumber}' must be a valueIdentifier.", PatientNhsNumber));
        else if (identifier.System != KnownSystems.NhsNumber)
            problems.Add(Problem($"Parameter '{PatientNhsNumber}' must have system {KnownSystems.NhsNumber}, not '{identifier.System}'.", PatientNhsNumber));
        else if (string.IsNullOrWhiteSpace(identifier.Value))
            problems.Add(Problem($"Parameter '{PatientNhsNumber}' has no value.", PatientNhsNumber));
        else if (!NhsNumber.IsValid(identifier.Value))
            badNhsNumber = NhsNumber.Explain(identifier.Value);
        else
            request.NhsNumber = NhsNumber.Normalise(identifier.Value)!;

        foreach (var parameter in parameters.Parameter)
        {
            var name = parameter.Name ?? "";
            if (name == PatientNhsNumber) continue;
            if (!IncludeParts.TryGetValue(name, out var allowedParts))
            {
                problems.Add(Problem($"Parameter '{name}' is not a parameter of $gpc.getstructuredrecord.", name));
                continue;
            }
            if (parameter.Value is not null || parameter.Resource is not null)
                problems.Add(Problem($"Parameter '{name}' takes parts only, not a value.", name));
            ReadInclude(name, parameter, allowedParts, request, todayText, problems);
        }

        if (request.IncludeConsultations && request.ConsultationPeriod is not null && request.MostRecentConsultations is not null)
            problems.Add(Problem("Parts 'consultationSearchPeriod' and 'includeNumberOfMostRecent' of 'includeConsultations' are mutually exclusive; give one.",
                "includeConsultations"));

        if (problems.Count > 0)
        {
            // Report the NHS number too, so the caller sees every problem at once; the status stays 422.
            if (badNhsNumber is not null)
                problems.Add(Outcomes.Issue(OperationOutcome.IssueType.Invalid, badNhsNumber, FhirErrorCode.InvalidNhsNumber, Expression(PatientNhsNumber)));
            throw FhirException.Unprocessable(new OperationOutcome { Issue = problems });
        }
        if (badNhsNumber is not null)
            throw FhirException.BadRequest(badNhsNumber, FhirErrorCode.InvalidNhsNumber, Expression(PatientNhsNumber));
        return request;
    }

    private static void ReadInclude(string name, Parameters.ParameterComponent parameter, Dictionary<string, string> allowedParts,
        GpConnectRequest request, string today, List<OperationOutcome.IssueComponent> problems)
    {
        var parts = new Dictionary<string, DataType>(StringComparer.Ordinal);
        foreach (var part in parameter.Part)
        {
            var partName = part.Name ?? "";
            var where = $"{name}.{partName}";
            if (!allowedParts.TryGetValue(partName, out var type))
            {
                problems.Add(Problem($"Part '{partName}' is not permitted in '{name}' (allowed: {string.Join(", ", allowedParts.Keys)}).", name, partName));
                continue;
            }
            if (parts.ContainsKey(partName))
            {
                problems.Add(Problem($"Part '{where}' is given more than once.", name, partName));
                continue;
            }
            if (part.Value is null || part.Value.TypeName != type)
            {
                problems.Add(Problem($"Part '{where}' must be a value{char.ToUpperInvariant(type[0])}{type[1..]}.", name, partName));
                continue;
            }
            parts[partName] = part.Value;
        }

        switch (name)
        {
            case "includeAllergies":
                request.IncludeAllergies = true;
                if (parts.TryGetValue("includeResolvedAllergies", out var resolved)) request.IncludeResolvedAllergies = ((FhirBoolean)resolved).Value == true;
                else if (!parameter.Part.Any(p => p.Name == "includeResolvedAllergies"))
                    problems.Add(Problem("Part 'includeAllergies.includeResolvedAllergies' is mandatory when 'includeAllergies' is given.", name, "includeResolvedAllergies"));
                break;
            case "includeMedication":
                request.IncludeMedication = true;
                if (parts.TryGetValue("includePrescriptionIssues", out var issues)) request.IncludePrescriptionIssues = ((FhirBoolean)issues).Value != false;
                if (parts.TryGetValue("medicationSearchFromDate", out var from))
                {
                    var date = ((Date)from).Value;
                    if (!IsWholeDate(date))
                        problems.Add(Problem($"Part 'includeMedication.medicationSearchFromDate' must be a whole date (yyyy-MM-dd), not '{date}'.", name, "medicationSearchFromDate"));
                    else if (string.CompareOrdinal(date, today) > 0)
                        problems.Add(Problem($"Part 'includeMedication.medicationSearchFromDate' ({date}) is in the future; it must be today ({today}) or earlier.", name, "medicationSearchFromDate"));
                    else request.MedicationSearchFromDate = date;
                }
                break;
            case "includeConsultations":
                request.IncludeConsultations = true;
                if (parts.TryGetValue("consultationSearchPeriod", out var period)) request.ConsultationPeriod = ReadPeriod(name, "consultationSearchPeriod", (Period)period, problems);
                if (parts.TryGetValue("includeNumberOfMostRecent", out var recent))
                {
                    if (((PositiveInt)recent).Value is { } n and > 0) request.MostRecentConsultations = n;
                    else problems.Add(Problem("Part 'includeConsultations.includeNumberOfMostRecent' must be a whole number of 1 or more.", name, "includeNumberOfMostRecent"));
                }
                break;
            case "includeProblems":
                request.IncludeProblems = true;
                if (parts.TryGetValue("filterStatus", out var status))
                {
                    var code = ((Code)status).Value;
                    if (code is "active" or "inactive") request.ProblemStatus = code;
                    else problems.Add(Problem($"Part 'includeProblems.filterStatus' must be 'active' or 'inactive', not '{code}'.", name, "filterStatus"));
                }
                break;
            case "includeImmunisations":
                request.IncludeImmunisations = true;
                if (parts.TryGetValue("includeNotGiven", out var notGiven)) request.IncludeNotGiven = ((FhirBoolean)notGiven).Value == true;
                break;
            case "includeUncategorisedData":
                request.IncludeUncategorisedData = true;
                if (parts.TryGetValue("uncategorisedDataSearchPeriod", out var u)) request.UncategorisedPeriod = ReadPeriod(name, "uncategorisedDataSearchPeriod", (Period)u, problems);
                break;
            case "includeInvestigations":
                request.IncludeInvestigations = true;
                if (parts.TryGetValue("investigationSearchPeriod", out var i)) request.InvestigationPeriod = ReadPeriod(name, "investigationSearchPeriod", (Period)i, problems);
                break;
            case "includeReferrals":
                request.IncludeReferrals = true;
                if (parts.TryGetValue("referralSearchPeriod", out var r)) request.ReferralPeriod = ReadPeriod(name, "referralSearchPeriod", (Period)r, problems);
                break;
            case "includeDiaryEntries":
                request.IncludeDiaryEntries = true;
                if (parts.TryGetValue("diaryEntriesSearchDate", out var diary))
                {
                    var date = ((Date)diary).Value;
                    if (!IsWholeDate(date))
                        problems.Add(Problem($"Part 'includeDiaryEntries.diaryEntriesSearchDate' must be a whole date (yyyy-MM-dd), not '{date}'.", name, "diaryEntriesSearchDate"));
                    else if (string.CompareOrdinal(date, today) < 0)
                        problems.Add(Problem($"Part 'includeDiaryEntries.diaryEntriesSearchDate' ({date}) is in the past; it must be today ({today}) or later.", name, "diaryEntriesSearchDate"));
                }
                break;
        }
    }

    /// <summary>A search period: whole dates only (no time or offset), start not after end, at least one end given.</summary>
    private static GpConnectDateRange? ReadPeriod(string name, string part, Period period, List<OperationOutcome.IssueComponent> problems)
    {
        var ok = true;
        if (period.Start is null && period.End is null)
        {
            problems.Add(Problem($"Part '{name}.{part}' needs a start, an end or both.", name, part));
            return null;
        }
        foreach (var (label, value) in new[] { ("start", period.Start), ("end", period.End) })
        {
            if (value is not null && !IsWholeDate(value))
            {
                problems.Add(Problem($"Part '{name}.{part}' {label} must be a whole date (yyyy-MM-dd) with no time or offset, not '{value}'.", name, part));
                ok = false;
            }
        }
        if (ok && period.Start is not null && period.End is not null && string.CompareOrdinal(period.Start, period.End) > 0)
        {
            problems.Add(Problem($"Part '{name}.{part}' starts ({period.Start}) after it ends ({period.End}).", name, part));
            ok = false;
        }
        return ok ? new GpConnectDateRange(period.Start, period.End) : null;
    }

    private static bool IsWholeDate(string? value) =>
        value is { Length: 10 } && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static OperationOutcome.IssueComponent Problem(string message, string parameter, string? part = null) =>
        Outcomes.Issue(OperationOutcome.IssueType.Invalid, message, FhirErrorCode.InvalidParameter, Expression(parameter, part));

    /// <summary>A FHIRPath naming the parameter (and part) at fault.</summary>
    private static string Expression(string parameter, string? part = null) =>
        part is null
            ? $"Parameters.parameter.where(name='{parameter}')"
            : $"Parameters.parameter.where(name='{parameter}').part.where(name='{part}')";
}
