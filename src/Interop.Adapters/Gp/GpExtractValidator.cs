using System.Text.RegularExpressions;
using Interop.Core.Identity;

namespace Interop.Adapters.Gp;

/// <summary>
/// Checks a deserialized <see cref="GpExtract"/> and collects every problem with its JSON path. Shared by the
/// reader (bodies) and the mapper (extracts built in code), so both refuse the same things.
/// </summary>
internal sealed partial class GpExtractValidator
{
    private readonly List<GpExtractProblem> _problems = [];

    [GeneratedRegex("^[A-Za-z0-9]{3,10}$")]
    private static partial Regex OdsCodeShape();

    public static IReadOnlyList<GpExtractProblem> Validate(GpExtract extract)
    {
        var validator = new GpExtractValidator();
        validator.Check(extract);
        return validator._problems;
    }

    private void Check(GpExtract extract)
    {
        CheckPractice(extract.Practice);
        CheckPatient(extract.Patient);

        // Guids are unique across the whole extract: consultation items may name any kind of entry.
        var allGuids = new Dictionary<string, string>(StringComparer.Ordinal);
        var problemGuids = new HashSet<string>(StringComparer.Ordinal);

        for (var i = 0; i < extract.Problems.Count; i++)
        {
            var path = $"$.problems[{i}]";
            var p = extract.Problems[i];
            if (p is null) { Add(path, GpExtractProblemKind.MissingField, "Problem entry is null."); continue; }
            if (Guid(p.Guid, path, allGuids)) problemGuids.Add(p.Guid!);
            Required(p.Snomed, $"{path}.snomed");
            Coded(p.Status, GpVocabulary.ConditionClinicalStatus, $"{path}.status", required: true, "Active, Inactive, Resolved");
            Coded(p.Significance, GpVocabulary.Significance, $"{path}.significance", required: false, "Major, Minor");
            Coded(p.Episodicity, GpVocabulary.Episodicity, $"{path}.episodicity", required: false, "First, New, Review, End");
            DateTime(p.Onset, $"{path}.onset");
            DateTime(p.Recorded, $"{path}.recorded");
            Sensitivity(p.Sensitivity, $"{path}.sensitivity");
        }

        for (var i = 0; i < extract.Allergies.Count; i++)
        {
            var path = $"$.allergies[{i}]";
            var a = extract.Allergies[i];
            if (a is null) { Add(path, GpExtractProblemKind.MissingField, "Allergy entry is null."); continue; }
            Guid(a.Guid, path, allGuids);
            Required(a.Snomed, $"{path}.snomed");
            if (a.Agent is not null) Required(a.Agent.Snomed, $"{path}.agent.snomed");
            Coded(a.Severity, GpVocabulary.Severity, $"{path}.severity", required: false, "Mild, Moderate, Severe");
            Coded(a.Status, GpVocabulary.AllergyClinicalStatus, $"{path}.status", required: false, "Active, Inactive, Resolved");
            DateTime(a.Recorded, $"{path}.recorded");
            Sensitivity(a.Sensitivity, $"{path}.sensitivity");
        }

        var linkedProblemChecks = new List<(string? Guid, string Path)>();
        for (var i = 0; i < extract.Medications.Count; i++)
        {
            var path = $"$.medications[{i}]";
            var m = extract.Medications[i];
            if (m is null) { Add(path, GpExtractProblemKind.MissingField, "Medication entry is null."); continue; }
            Guid(m.Guid, path, allGuids);
            Required(m.Dmd, $"{path}.dmd");
            Coded(m.Type, GpVocabulary.PrescriptionType, $"{path}.type", required: false, "Acute, Repeat, Repeat dispensing");
            Coded(m.Status, GpVocabulary.MedicationStatus, $"{path}.status", required: false, "Active, Completed, Stopped");
            DateTime(m.AuthorisedDate, $"{path}.authorisedDate");
            DateTime(m.ReviewDate, $"{path}.reviewDate");
            linkedProblemChecks.Add((m.LinkedProblem, $"{path}.linkedProblem"));
            for (var j = 0; j < m.Issues.Count; j++)
            {
                var issuePath = $"{path}.issues[{j}]";
                var issue = m.Issues[j];
                if (issue is null) { Add(issuePath, GpExtractProblemKind.MissingField, "Issue entry is null."); continue; }
                if (Required(issue.Date, $"{issuePath}.date")) DateTime(issue.Date, $"{issuePath}.date");
            }
            Sensitivity(m.Sensitivity, $"{path}.sensitivity");
        }

        for (var i = 0; i < extract.Observations.Count; i++)
        {
            var path = $"$.observations[{i}]";
            var o = extract.Observations[i];
            if (o is null) { Add(path, GpExtractProblemKind.MissingField, "Observation entry is null."); continue; }
            Guid(o.Guid, path, allGuids);
            Required(o.Snomed, $"{path}.snomed");
            DateTime(o.Effective, $"{path}.effective");
            linkedProblemChecks.Add((o.LinkedProblem, $"{path}.linkedProblem"));
            Sensitivity(o.Sensitivity, $"{path}.sensitivity");
        }

        var consultationItems = new List<(string? Guid, string Path)>();
        for (var i = 0; i < extract.Consultations.Count; i++)
        {
            var path = $"$.consultations[{i}]";
            var c = extract.Consultations[i];
            if (c is null) { Add(path, GpExtractProblemKind.MissingField, "Consultation entry is null."); continue; }
            Guid(c.Guid, path, allGuids);
            if (Required(c.Date, $"{path}.date")) DateTime(c.Date, $"{path}.date");
            for (var j = 0; j < c.Items.Count; j++) consultationItems.Add((c.Items[j], $"{path}.items[{j}]"));
            Sensitivity(c.Sensitivity, $"{path}.sensitivity");
        }

        foreach (var (guid, path) in linkedProblemChecks)
        {
            if (string.IsNullOrWhiteSpace(guid) || problemGuids.Contains(guid)) continue;
            Add(path, GpExtractProblemKind.UnknownReference, $"No problem with guid '{guid}' in the extract.");
        }
        foreach (var (guid, path) in consultationItems)
        {
            if (string.IsNullOrWhiteSpace(guid))
                Add(path, GpExtractProblemKind.MissingField, "Consultation item is empty.");
            else if (!allGuids.TryGetValue(guid, out var kind) || kind == "consultations")
                Add(path, GpExtractProblemKind.UnknownReference, $"No problem, allergy, medication or observation with guid '{guid}' in the extract.");
        }
    }

    private void CheckPractice(GpPractice? practice)
    {
        if (practice is null) { Add("$.practice", GpExtractProblemKind.MissingField, "practice is required."); return; }
        if (Required(practice.OdsCode, "$.practice.odsCode") && !OdsCodeShape().IsMatch(practice.OdsCode!))
            Add("$.practice.odsCode", GpExtractProblemKind.InvalidValue, $"ODS code '{practice.OdsCode}' must be 3 to 10 letters or digits.");
    }

    private void CheckPatient(GpPatient? patient)
    {
        if (patient is null) { Add("$.patient", GpExtractProblemKind.MissingField, "patient is required."); return; }
        if (Required(patient.NhsNumber, "$.patient.nhsNumber") && !NhsNumber.IsValid(patient.NhsNumber))
            Add("$.patient.nhsNumber", GpExtractProblemKind.InvalidNhsNumber, NhsNumber.Explain(patient.NhsNumber));
        if (patient.NhsNumberStatus is not null)
        {
            if (!GpVocabulary.NhsNumberStatus.ContainsKey(patient.NhsNumberStatus))
                Add("$.patient.nhsNumberStatus", GpExtractProblemKind.UnknownValue, $"'{patient.NhsNumberStatus}' is not an NHS number verification status (01 to 08).");
            else if (patient.NhsNumberStatus != "01")
                Add("$.patient.nhsNumberStatus", GpExtractProblemKind.UnverifiedNhsNumber,
                    $"NHS number status is {patient.NhsNumberStatus}, not 01 (verified); the record is stored but matching on it is less safe.",
                    GpExtractProblemSeverity.Warning);
        }
        if (patient.Dob is not null && !GpDates.IsDate(patient.Dob))
            Add("$.patient.dob", GpExtractProblemKind.InvalidDate, $"'{patient.Dob}' is not a date (YYYY-MM-DD).");
        Coded(patient.Sex, GpVocabulary.Sex, "$.patient.sex", required: false, "M, F, I, U");
        if (patient.UsualGp is not null) Required(patient.UsualGp.GmpCode, "$.patient.usualGp.gmpCode");
        for (var i = 0; i < patient.SharingFlags.Count; i++)
        {
            var path = $"$.patient.sharingFlags[{i}]";
            var flag = patient.SharingFlags[i];
            if (flag is null) { Add(path, GpExtractProblemKind.MissingField, "Sharing flag entry is null."); continue; }
            if (Required(flag.Snomed, $"{path}.snomed") && !GpVocabulary.SharingCodePermits.ContainsKey(flag.Snomed!))
                Add($"{path}.snomed", GpExtractProblemKind.UnknownValue,
                    $"'{flag.Snomed}' is not a known record-sharing consent code ({string.Join(", ", GpVocabulary.SharingCodePermits.Keys)}).");
            if (Required(flag.Recorded, $"{path}.recorded")) DateTime(flag.Recorded, $"{path}.recorded");
        }
    }

    /// <summary>Checks a record guid; false when missing or a duplicate.</summary>
    private bool Guid(string? guid, string path, Dictionary<string, string> seen)
    {
        if (!Required(guid, $"{path}.guid")) return false;
        var list = path[2..path.IndexOf('[')];
        if (!seen.TryAdd(guid!, list))
        {
            Add($"{path}.guid", GpExtractProblemKind.DuplicateGuid, $"Guid '{guid}' is used more than once in the extract.");
            return false;
        }
        return true;
    }

    private bool Required(string? value, string path)
    {
        if (!string.IsNullOrWhiteSpace(value)) return true;
        Add(path, GpExtractProblemKind.MissingField, $"{path[(path.LastIndexOf('.') + 1)..]} is required.");
        return false;
    }

    private void Coded<T>(string? value, IReadOnlyDictionary<string, T> table, string path, bool required, string allowed)
    {
        if (value is null)
        {
            if (required) Required(value, path);
            return;
        }
        if (!GpVocabulary.TryLookup(table, value, out _))
            Add(path, GpExtractProblemKind.UnknownValue, $"'{value}' is not one of: {allowed}.");
    }

    private void DateTime(string? value, string path)
    {
        if (value is not null && !GpDates.IsDateTime(value))
            Add(path, GpExtractProblemKind.InvalidDate,
                $"'{value}' is not a date (YYYY, YYYY-MM, YYYY-MM-DD) or a date-time with a UTC offset.");
    }

    private void Sensitivity(string? value, string path)
    {
        if (string.IsNullOrWhiteSpace(value)) return;
        if (!GpVocabulary.SensitivityLabel(value).Known)
            Add(path, GpExtractProblemKind.UnknownValue,
                $"Sensitivity '{value}' is not a known class; the item is still labelled restricted.",
                GpExtractProblemSeverity.Warning);
    }

    private void Add(string path, GpExtractProblemKind kind, string message, GpExtractProblemSeverity severity = GpExtractProblemSeverity.Error) =>
        _problems.Add(new GpExtractProblem(path, kind, message, severity));
}
