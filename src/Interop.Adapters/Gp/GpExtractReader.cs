using System.Text.Json;

namespace Interop.Adapters.Gp;

/// <summary>
/// Reads a GP native extract (JSON, domain notes 6.1) and reports every problem with its JSON path: malformed
/// JSON, missing required fields, invalid NHS numbers, unparseable dates, unknown coded values and references to
/// guids the extract does not contain.
/// </summary>
public static class GpExtractReader
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = false,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
    };

    public static GpExtractReadResult Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return Checked(JsonSerializer.Deserialize<GpExtract>(json, Options));
        }
        catch (JsonException ex)
        {
            return Malformed(ex);
        }
    }

    public static async Task<GpExtractReadResult> ReadAsync(Stream utf8Json, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        try
        {
            return Checked(await JsonSerializer.DeserializeAsync<GpExtract>(utf8Json, Options, cancellationToken));
        }
        catch (JsonException ex)
        {
            return Malformed(ex);
        }
    }

    private static GpExtractReadResult Checked(GpExtract? extract) =>
        extract is null
            ? new GpExtractReadResult(null, [new GpExtractProblem("$", GpExtractProblemKind.MalformedJson, "The body is JSON null, not an extract object.")])
            : new GpExtractReadResult(extract, GpExtractValidator.Validate(extract));

    private static GpExtractReadResult Malformed(JsonException ex)
    {
        // System.Text.Json stops at the first syntax or type error, so this is necessarily a single problem.
        var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : "";
        var message = ex.Path is null || ex.Path == "$"
            ? $"The body is not valid JSON{where}."
            : $"Unexpected JSON value at {ex.Path}{where}: the wrong type or not valid JSON.";
        return new GpExtractReadResult(null, [new GpExtractProblem(ex.Path ?? "$", GpExtractProblemKind.MalformedJson, message)]);
    }
}
