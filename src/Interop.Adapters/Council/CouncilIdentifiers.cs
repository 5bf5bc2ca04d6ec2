using Hl7.Fhir.Model;
using Interop.Core.Known;

namespace Interop.Adapters.Council;

/// <summary>
/// Identifier systems for records that come from a council: <c>{SourceRecordIdBase}/council/{code}</c>
/// for assessment-derived resources (the idempotency key) and <c>.../person</c> for its person ids.
/// </summary>
public static class CouncilIdentifiers
{
    private const string Prefix = KnownSystems.SourceRecordIdBase + "/council/";

    /// <summary>System of the identifiers that make a re-sent assessment update rather than duplicate.</summary>
    public static string RecordSystem(string councilCode) => Prefix + councilCode;

    /// <summary>System of the council's person ids (CLD "LA person unique identifier").</summary>
    public static string PersonSystem(string councilCode) => Prefix + councilCode + "/person";

    /// <summary>Finds the council person id on a Patient, preferring <paramref name="councilCode"/> when given.</summary>
    public static (string CouncilCode, string PersonId)? FindPersonId(Patient patient, string? councilCode = null)
    {
        ArgumentNullException.ThrowIfNull(patient);
        foreach (var identifier in patient.Identifier)
        {
            if (identifier.System is not { } system || identifier.Value is null) continue;
            if (!system.StartsWith(Prefix, StringComparison.Ordinal) || !system.EndsWith("/person", StringComparison.Ordinal)) continue;
            var code = system[Prefix.Length..^"/person".Length];
            if (councilCode is null || string.Equals(code, councilCode, StringComparison.OrdinalIgnoreCase)) return (code, identifier.Value);
        }
        return null;
    }
}
