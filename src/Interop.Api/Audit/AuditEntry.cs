using System.Text.Json;
using System.Text.Json.Serialization;
using Interop.Api.Fhir;
using Interop.Api.Security;

namespace Interop.Api.Audit;

/// <summary>
/// What the gateway keeps of one request for its audit trail at the moment it answers: who asked
/// (user, role, organisation, purpose of use, token id, request id, break-glass reason), what
/// (interaction, request line, outcome, note), when, the resource rows it released and the patients
/// it concerned that those rows do not show. It is committed to the audit journal before the
/// response is sent; <see cref="AuditMaterializer"/> turns it into AuditEvents
/// (<see cref="AuditEventBuilder"/>) afterwards (docs/decisions/0007-audit-journal.md).
/// </summary>
public sealed record AuditEntry
{
    public DateTimeOffset Recorded { get; init; }
    public FhirInteraction? Interaction { get; init; }
    public int Status { get; init; }
    public string? Note { get; init; }

    public string UserId { get; init; } = "";
    public string? UserName { get; init; }
    public string Role { get; init; } = "";
    public string Organization { get; init; } = "";
    public string PurposeOfUse { get; init; } = "";
    public string? TokenId { get; init; }
    public string RequestId { get; init; } = "";
    /// <summary>Set only for a break-glass access (purpose BTG with a reason).</summary>
    public string? BreakGlassReason { get; init; }

    public string Host { get; init; } = "";
    public string Method { get; init; } = "";
    public string Path { get; init; } = "";
    public string Query { get; init; } = "";

    /// <summary>Resource rows (versions) released to the caller; their compartments name the patients concerned.</summary>
    public long[] ReleasedRows { get; init; } = [];

    /// <summary>Patients concerned beyond the released rows' compartments (e.g. the patient of a refused read).</summary>
    public string[] Patients { get; init; } = [];

    [JsonIgnore]
    public bool IsBreakGlass => !string.IsNullOrWhiteSpace(BreakGlassReason);

    /// <summary>The entry of the request in <paramref name="http"/>, answered with <paramref name="status"/>.</summary>
    public static AuditEntry Of(HttpContext http, RequestContext who, FhirInteraction? interaction, int status, DateTimeOffset recorded,
        IReadOnlyCollection<long> releasedRows, IReadOnlyCollection<string> patients, string? note) => new()
    {
        Recorded = recorded,
        Interaction = interaction,
        Status = status,
        Note = note,
        UserId = who.UserId,
        UserName = who.UserName,
        Role = who.Role,
        Organization = who.Organization,
        PurposeOfUse = who.PurposeOfUse,
        TokenId = who.TokenId,
        RequestId = who.RequestId,
        BreakGlassReason = who.IsBreakGlass ? who.BreakGlassReason : null,
        Host = http.Request.Host.Host,
        Method = http.Request.Method,
        Path = http.Request.Path.Value ?? "",
        Query = http.Request.QueryString.Value ?? "",
        ReleasedRows = [.. releasedRows],
        Patients = [.. patients],
    };

    public string ToJson() => JsonSerializer.Serialize(this, AuditEntryJson.Default.AuditEntry);

    public static AuditEntry FromJson(string json) =>
        JsonSerializer.Deserialize(json, AuditEntryJson.Default.AuditEntry) ?? throw new JsonException("An audit journal entry is empty.");
}

/// <summary>Source-generated JSON for <see cref="AuditEntry"/> (no reflection on the request path).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(AuditEntry))]
internal sealed partial class AuditEntryJson : JsonSerializerContext;
