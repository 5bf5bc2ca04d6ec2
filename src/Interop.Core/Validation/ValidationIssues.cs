using Hl7.Fhir.Model;
using Interop.Core.Known;

namespace Interop.Core.Validation;

/// <summary>
/// Builds the OperationOutcome issues the validator returns: detail code <c>PROFILE_VIOLATION</c> for our profiles,
/// <c>INVALID_REQUEST</c> for base R4 problems (contracts: 422 vs 400), the FHIRPath location in <c>expression</c>
/// and the rule that failed in <c>diagnostics</c>.
/// </summary>
public static class ValidationIssues
{
    /// <summary>Detail code of an issue raised by one of our profiles.</summary>
    public const string ProfileViolation = "PROFILE_VIOLATION";

    /// <summary>Detail code of an issue raised by base FHIR R4 rules.</summary>
    public const string InvalidRequest = "INVALID_REQUEST";

    /// <summary>An issue raised by a profile.</summary>
    public static OperationOutcome.IssueComponent Profile(
        OperationOutcome.IssueSeverity severity, OperationOutcome.IssueType type, string expression, string message, string rule) =>
        Create(severity, type, expression, message, rule, ProfileViolation);

    /// <summary>An issue raised by base R4 structure, formats or invariants.</summary>
    public static OperationOutcome.IssueComponent Base(
        OperationOutcome.IssueSeverity severity, OperationOutcome.IssueType type, string expression, string message, string rule) =>
        Create(severity, type, expression, message, rule, InvalidRequest);

    /// <summary>The detail code (<c>PROFILE_VIOLATION</c>, <c>INVALID_REQUEST</c>) of an issue, or null.</summary>
    public static string? DetailCode(OperationOutcome.IssueComponent issue) =>
        issue.Details?.Coding.FirstOrDefault(c => c.System == KnownSystems.ErrorCode)?.Code;

    private static OperationOutcome.IssueComponent Create(
        OperationOutcome.IssueSeverity severity, OperationOutcome.IssueType type, string expression, string message, string rule, string detailCode) =>
        new()
        {
            Severity = severity,
            Code = type,
            Details = new CodeableConcept(KnownSystems.ErrorCode, detailCode) { Text = message },
            Diagnostics = rule,
            Expression = [expression],
        };
}
