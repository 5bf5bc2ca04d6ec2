using Hl7.Fhir.Model;

namespace Interop.Adapters.Gp;

/// <summary>
/// Maps a GP native extract to a FHIR R4 transaction Bundle of UK Core-shaped resources (domain notes 6.1 table;
/// architecture decision 9: the adapter maps, the core stores). Pure and deterministic: the same extract always
/// gives a byte-identical Bundle, and every entry is a conditional write keyed on an identifier, so re-posting an
/// extract updates rather than duplicates.
/// </summary>
public static class GpExtractMapper
{
    /// <summary>Policy a GP-recorded ShCR objection is enforced under (<c>Consent.policy.uri</c>).</summary>
    public const string ShcrObjectionPolicy = "https://interop.example/policy/shcr-objection/v1";

    /// <summary>
    /// Checks the extract (the same checks as <see cref="GpExtractReader"/>) and, when it has no error, builds the
    /// transaction. Warnings are returned beside the Bundle.
    /// </summary>
    public static GpMappingResult Map(GpExtract extract)
    {
        ArgumentNullException.ThrowIfNull(extract);
        var problems = GpExtractValidator.Validate(extract);
        if (problems.Any(p => p.IsError)) return new GpMappingResult(null, problems);
        return new GpMappingResult(new GpTransactionBuilder(extract).Build(), problems);
    }
}
