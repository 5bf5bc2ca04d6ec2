using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Interop.Core.Known;

namespace Interop.Core.Fhir;

/// <summary>Builders for OperationOutcome issues carrying our detail codes.</summary>
public static class Outcomes
{
    public static OperationOutcome Single(OperationOutcome.IssueType type, string message, string? detailCode = null, string? expression = null,
        OperationOutcome.IssueSeverity severity = OperationOutcome.IssueSeverity.Error) =>
        new() { Issue = [Issue(type, message, detailCode, expression, severity)] };

    public static OperationOutcome.IssueComponent Issue(OperationOutcome.IssueType type, string message, string? detailCode = null,
        string? expression = null, OperationOutcome.IssueSeverity severity = OperationOutcome.IssueSeverity.Error)
    {
        var issue = new OperationOutcome.IssueComponent { Severity = severity, Code = type, Diagnostics = message };
        if (detailCode is not null)
            issue.Details = new CodeableConcept(KnownSystems.ErrorCode, detailCode, detailCode, message);
        if (expression is not null)
            issue.Expression = [expression];
        return issue;
    }

    /// <summary>An informational outcome, e.g. the body of a successful delete.</summary>
    public static OperationOutcome Information(string message) =>
        Single(OperationOutcome.IssueType.Informational, message, severity: OperationOutcome.IssueSeverity.Information);

    public static bool HasErrors(this OperationOutcome outcome) =>
        outcome.Issue.Any(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);
}
