using Hl7.Fhir.Model;
using Interop.Core.Fhir;
using Interop.Core.Validation;
using Microsoft.Extensions.Options;

namespace Interop.Api.Fhir;

/// <summary>
/// Profile validation on write (configuration section <c>Validation</c>): resource types we own a
/// profile for are checked against it (and base R4); a type listed under
/// <c>Validation:ResourceTypes</c> uses the mode given there; other types are left to the strict
/// deserializer. <c>Enforce</c> refuses with 422 PROFILE_VIOLATION listing every problem;
/// <c>Warn</c> stores and returns the problems as warnings.
/// </summary>
public sealed class WriteValidation(ProfileValidator validator, IOptions<ValidationOptions> options)
{
    public ValidationMode ModeFor(string resourceType)
    {
        var o = options.Value;
        if (o.ResourceTypes.TryGetValue(resourceType, out var configured)) return configured;
        return validator.DefaultProfileFor(resourceType) is null ? ValidationMode.Off : o.DefaultMode;
    }

    /// <summary>Validates <paramref name="resource"/> for storage; throws 422 in Enforce mode, returns warnings otherwise.</summary>
    public IReadOnlyList<OperationOutcome.IssueComponent> Check(Resource resource, string? location = null)
    {
        var mode = ModeFor(resource.TypeName);
        if (mode == ValidationMode.Off) return [];
        var outcome = validator.Validate(resource);
        var problems = outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal or OperationOutcome.IssueSeverity.Warning).ToList();
        if (location is not null)
            foreach (var issue in problems) issue.Expression = [.. issue.Expression.Select(e => $"{location}.{e}")];
        if (mode == ValidationMode.Enforce && ProfileValidator.HasErrors(outcome))
        {
            foreach (var issue in problems.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal))
                issue.Details ??= new CodeableConcept(Core.Known.KnownSystems.ErrorCode, FhirErrorCode.ProfileViolation);
            throw FhirException.Unprocessable(new OperationOutcome { Issue = problems });
        }
        foreach (var issue in problems) issue.Severity = OperationOutcome.IssueSeverity.Warning;
        return problems;
    }
}
