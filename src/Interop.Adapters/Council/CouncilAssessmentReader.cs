using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Interop.Core.Identity;
using C = Interop.Adapters.Council.CouncilAssessmentColumns;

namespace Interop.Adapters.Council;

/// <summary>
/// Reads a council assessment file (CSV with a header row, or JSON: an array of objects or one
/// object, with the same field names) into validated rows. Every problem is collected, naming row
/// and column; a bad row never hides the good ones. Pure: no I/O beyond the text it is given.
/// </summary>
public static partial class CouncilAssessmentReader
{
    private static readonly string[] DateFormats = ["yyyy-MM-dd", "dd/MM/yyyy"];

    /// <summary>Chooses CSV or JSON from the content type (<c>text/csv</c>, <c>application/json</c>, <c>*+json</c>), else from the first character.</summary>
    public static CouncilAssessmentReadResult Read(string text, string? contentType)
    {
        ArgumentNullException.ThrowIfNull(text);
        var mediaType = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is "text/csv" or "application/csv") return ReadCsv(text);
        if (mediaType is not null && (mediaType == "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal))) return ReadJson(text);
        var first = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return first.StartsWith('[') || first.StartsWith('{') ? ReadJson(text) : ReadCsv(text);
    }

    /// <summary>Reads a request body (UTF-8 unless a byte-order mark says otherwise) and calls <see cref="Read(string, string?)"/>.</summary>
    public static async Task<CouncilAssessmentReadResult> ReadAsync(Stream body, string? contentType, CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        return Read(await reader.ReadToEndAsync(cancellationToken), contentType);
    }

    /// <summary>Reads CSV (RFC 4180) whose first record is the header row of column names.</summary>
    public static CouncilAssessmentReadResult ReadCsv(string text)
    {
        var problems = new List<CouncilRowProblem>();
        var csvProblems = new List<string>();
        var records = CsvReader.Read(text, csvProblems);
        problems.AddRange(csvProblems.Select(p => new CouncilRowProblem(0, null, p)));
        if (records.Count == 0)
        {
            problems.Add(new CouncilRowProblem(0, null, "The file is empty: a header row is needed."));
            return new CouncilAssessmentReadResult([], problems);
        }

        var header = records[0].Fields.Select(h => h.Trim()).ToArray();
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Length; i++)
        {
            if (header[i].Length == 0) continue;
            if (!index.TryAdd(header[i], i))
                problems.Add(new CouncilRowProblem(0, header[i], $"Column '{header[i]}' appears more than once; the first is used."));
        }
        ReportUnknownColumns(index.Keys, problems);
        var missing = C.Required.Where(r => !index.ContainsKey(r)).ToList();
        foreach (var column in missing)
            problems.Add(new CouncilRowProblem(0, column, $"Required column '{column}' is missing from the header row."));
        if (missing.Count > 0)
            return new CouncilAssessmentReadResult([], problems) { RowCount = records.Count - 1 };

        var rawRows = new List<RawRow>();
        for (var r = 1; r < records.Count; r++)
        {
            var record = records[r];
            if (record.Fields.Count != header.Length)
                problems.Add(new CouncilRowProblem(r, null,
                    $"Line {record.LineNumber} has {record.Fields.Count} fields but the header has {header.Length}.",
                    record.Fields.Count > header.Length ? OperationOutcome.IssueSeverity.Error : OperationOutcome.IssueSeverity.Warning));
            if (record.Fields.Count > header.Length) continue;
            var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, i) in index)
                values[name] = i < record.Fields.Count ? record.Fields[i] : null;
            rawRows.Add(new RawRow(r, values, GoalList: null));
        }
        return Validate(rawRows, problems, records.Count - 1);
    }

    /// <summary>Reads JSON: an array of assessment objects, or a single object.</summary>
    public static CouncilAssessmentReadResult ReadJson(string text)
    {
        var problems = new List<CouncilRowProblem>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text.TrimStart('\uFEFF'), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            problems.Add(new CouncilRowProblem(0, null, $"The body is not valid JSON: {e.Message}"));
            return new CouncilAssessmentReadResult([], problems);
        }

        using (document)
        {
            var items = document.RootElement.ValueKind switch
            {
                JsonValueKind.Array => document.RootElement.EnumerateArray().ToList(),
                JsonValueKind.Object => [document.RootElement],
                _ => [],
            };
            if (document.RootElement.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object))
                problems.Add(new CouncilRowProblem(0, null, "The JSON body must be an array of assessments or one assessment object."));

            var rawRows = new List<RawRow>();
            var seenKeys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < items.Count; i++)
            {
                var rowNumber = i + 1;
                if (items[i].ValueKind != JsonValueKind.Object)
                {
                    problems.Add(new CouncilRowProblem(rowNumber, null, "Each assessment must be a JSON object."));
                    continue;
                }
                var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                List<string>? goals = null;
                var rowOk = true;
                foreach (var property in items[i].EnumerateObject())
                {
                    seenKeys.Add(property.Name);
                    var value = property.Value;
                    if (value.ValueKind == JsonValueKind.Array && string.Equals(property.Name, C.SupportPlanGoals, StringComparison.OrdinalIgnoreCase))
                    {
                        goals = [];
                        foreach (var goal in value.EnumerateArray())
                        {
                            if (goal.ValueKind == JsonValueKind.String) goals.Add(goal.GetString()!);
                            else { problems.Add(new CouncilRowProblem(rowNumber, C.SupportPlanGoals, "Each goal must be a string.")); rowOk = false; }
                        }
                        continue;
                    }
                    values[property.Name] = value.ValueKind switch
                    {
                        JsonValueKind.String => value.GetString(),
                        JsonValueKind.Number => value.GetRawText(),
                        JsonValueKind.True => "yes",
                        JsonValueKind.False => "no",
                        JsonValueKind.Null => null,
                        _ => Invalid(rowNumber, property.Name),
                    };
                }
                if (rowOk) rawRows.Add(new RawRow(rowNumber, values, goals));
                else problems.Add(new CouncilRowProblem(rowNumber, null, "Row skipped because of the problems above."));

                string? Invalid(int row, string name)
                {
                    problems.Add(new CouncilRowProblem(row, name, "Expected a string, number, boolean or null."));
                    rowOk = false;
                    return null;
                }
            }
            ReportUnknownColumns(seenKeys, problems);
            return Validate(rawRows, problems, items.Count);
        }
    }

    private sealed record RawRow(int RowNumber, IReadOnlyDictionary<string, string?> Values, List<string>? GoalList);

    private static void ReportUnknownColumns(IEnumerable<string> names, List<CouncilRowProblem> problems)
    {
        var known = new HashSet<string>(C.All, StringComparer.OrdinalIgnoreCase);
        foreach (var name in names.Where(n => !known.Contains(n)).Order(StringComparer.Ordinal))
            problems.Add(new CouncilRowProblem(0, name, $"Unknown column '{name}' is ignored.", OperationOutcome.IssueSeverity.Warning));
    }

    private static CouncilAssessmentReadResult Validate(List<RawRow> rawRows, List<CouncilRowProblem> problems, int rowCount)
    {
        var rows = new List<CouncilAssessmentRow>();
        var firstRowById = new Dictionary<(string, string), int>();
        foreach (var raw in rawRows)
        {
            var row = ValidateRow(raw, problems);
            if (row is null) continue;
            if (firstRowById.TryGetValue((row.CouncilCode, row.AssessmentId), out var earlier))
                problems.Add(new CouncilRowProblem(row.RowNumber, C.AssessmentId,
                    $"Assessment '{row.AssessmentId}' also appears in row {earlier}; rows are stored in order, so this row's version is kept.",
                    OperationOutcome.IssueSeverity.Warning));
            else firstRowById[(row.CouncilCode, row.AssessmentId)] = row.RowNumber;
            rows.Add(row);
        }
        // Header and file problems first, then by row, keeping discovery order within a row.
        var ordered = problems.Select((p, i) => (p, i)).OrderBy(x => x.p.RowNumber).ThenBy(x => x.i).Select(x => x.p).ToList();
        return new CouncilAssessmentReadResult(rows, ordered) { RowCount = rowCount };
    }

    private static CouncilAssessmentRow? ValidateRow(RawRow raw, List<CouncilRowProblem> problems)
    {
        var n = raw.RowNumber;
        var errorsBefore = problems.Count(p => p.IsError);

        string? Get(string column) =>
            raw.Values.TryGetValue(column, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        void Error(string column, string message) => problems.Add(new CouncilRowProblem(n, column, message));

        string? Required(string column)
        {
            var v = Get(column);
            if (v is null) Error(column, $"'{column}' is required.");
            return v;
        }

        string? Id(string column, bool required)
        {
            var v = required ? Required(column) : Get(column);
            if (v is not null && !IdPattern().IsMatch(v))
            {
                Error(column, $"'{v}' is not a usable record id: use 1 to 64 letters, digits, '-' or '.'.");
                return null;
            }
            return v;
        }

        DateOnly? Date(string column, bool required)
        {
            var v = required ? Required(column) : Get(column);
            if (v is null) return null;
            if (DateOnly.TryParseExact(v, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
            Error(column, $"'{v}' is not a date: use yyyy-MM-dd (or dd/MM/yyyy).");
            return null;
        }

        bool? YesNo(string column)
        {
            var v = Get(column);
            if (v is null) return null;
            switch (v.ToLowerInvariant())
            {
                case "yes" or "y" or "true" or "1": return true;
                case "no" or "n" or "false" or "0": return false;
                default:
                    Error(column, $"'{v}' is not yes or no.");
                    return null;
            }
        }

        string? Code(string column, IEnumerable<string> allowed, bool required, string listName)
        {
            var v = required ? Required(column) : Get(column);
            if (v is null) return null;
            if (allowed.Contains(v, StringComparer.Ordinal)) return v;
            var caseInsensitive = allowed.FirstOrDefault(a => string.Equals(a, v, StringComparison.OrdinalIgnoreCase));
            if (caseInsensitive is not null) return caseInsensitive;
            Error(column, $"'{v}' is not a known {listName} code.");
            return null;
        }

        var councilCode = Required(C.CouncilCode)?.ToUpperInvariant();
        if (councilCode is not null && !CouncilCodePattern().IsMatch(councilCode))
        {
            Error(C.CouncilCode, $"'{councilCode}' is not an ODS-style code: use 3 to 10 letters or digits.");
            councilCode = null;
        }
        var assessmentId = Id(C.AssessmentId, required: true);
        var personId = Id(C.PersonId, required: true);

        var nhsNumber = Required(C.NhsNumber);
        if (nhsNumber is not null && !Interop.Core.Identity.NhsNumber.IsValid(nhsNumber))
        {
            Error(C.NhsNumber, Interop.Core.Identity.NhsNumber.Explain(nhsNumber));
            nhsNumber = null;
        }

        var nhsNumberStatus = Code(C.NhsNumberStatus, Interop.Core.Identity.NhsNumberVerification.Displays.Keys, required: false, "NHS number verification status");

        var birthDate = Date(C.BirthDate, required: false);
        var assessmentType = Code(C.AssessmentType, KnownCouncilCodes.AssessmentTypes.Keys, required: true, "assessment type");
        var startDate = Date(C.StartDate, required: true);
        var completionDate = Date(C.CompletionDate, required: false);
        var status = Code(C.Status, KnownCouncilCodes.AssessmentStatuses, required: true, "assessment status");
        if (startDate is { } s && completionDate is { } c && c < s)
            Error(C.CompletionDate, $"The completion date {c:yyyy-MM-dd} is before the start date {s:yyyy-MM-dd}.");
        if (status == "completed" && completionDate is null && Get(C.CompletionDate) is null)
            Error(C.CompletionDate, "A completed assessment needs a completion date.");

        var outcomes = EligibilityOutcome.All
            .Select(o => new EligibilityOutcomeFinding(o, YesNo(o.UnableColumn), Get(o.NoteColumn)))
            .ToList();
        var wellbeing = YesNo(C.SignificantWellbeingImpact);
        var eligible = YesNo(C.EligibleNeeds);
        var eventOutcome = Code(C.EventOutcome, KnownCouncilCodes.EventOutcomes.Keys, required: false, "CLD event outcome");
        var psr = Code(C.PrimarySupportReason, KnownCouncilCodes.PrimarySupportReasons.Keys, required: false, "CLD primary support reason");

        var goals = (raw.GoalList ?? (Get(C.SupportPlanGoals)?.Split(';') ?? []).ToList())
            .Select(g => g.Trim())
            .Where(g => g.Length > 0)
            .ToList();

        CouncilService? service = null;
        string[] serviceColumns = [C.ServiceComponent, C.ServiceType, C.ServiceStartDate, C.ServiceEndDate, C.ServiceStatus];
        if (serviceColumns.Any(col => Get(col) is not null))
        {
            var component = Code(C.ServiceComponent, KnownCouncilCodes.ServiceComponents.Keys, required: true, "CLD service component");
            var type = Code(C.ServiceType, KnownCouncilCodes.ServiceTypes.Keys, required: false, "CLD service type");
            var serviceStart = Date(C.ServiceStartDate, required: false);
            var serviceEnd = Date(C.ServiceEndDate, required: false);
            var serviceStatus = Code(C.ServiceStatus, KnownCouncilCodes.ServiceStatuses, required: true, "service status");
            if (serviceStart is { } ss && serviceEnd is { } se && se < ss)
                Error(C.ServiceEndDate, $"The service end date {se:yyyy-MM-dd} is before its start date {ss:yyyy-MM-dd}.");
            if (component is not null && serviceStatus is not null)
                service = new CouncilService(component, type, serviceStart, serviceEnd, serviceStatus);
        }

        if (problems.Count(p => p.IsError) > errorsBefore) return null;
        return new CouncilAssessmentRow
        {
            RowNumber = n,
            CouncilCode = councilCode!,
            CouncilName = Get(C.CouncilName),
            AssessmentId = assessmentId!,
            PersonId = personId!,
            NhsNumber = Interop.Core.Identity.NhsNumber.Normalise(nhsNumber)!,
            NhsNumberStatus = nhsNumberStatus,
            FamilyName = Get(C.FamilyName),
            GivenName = Get(C.GivenName),
            BirthDate = birthDate,
            AssessmentType = assessmentType!,
            StartDate = startDate!.Value,
            CompletionDate = completionDate,
            AssessorName = Get(C.AssessorName),
            AssessorTeam = Get(C.AssessorTeam),
            Status = status!,
            Outcomes = outcomes,
            SignificantWellbeingImpact = wellbeing,
            EligibleNeeds = eligible,
            EventOutcome = eventOutcome,
            PrimarySupportReason = psr,
            SupportPlanGoals = goals,
            Service = service,
        };
    }

    // FHIR id characters (R4 2.24.0.1 "id"): a council's record ids end up inside identifier values and conditional URLs.
    [GeneratedRegex("^[A-Za-z0-9.-]{1,64}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Z0-9]{3,10}$")]
    private static partial Regex CouncilCodePattern();
}
