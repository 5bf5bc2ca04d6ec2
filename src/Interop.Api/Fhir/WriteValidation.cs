using Hl7.Fhir.Model;
using Interop.Core.Fhir;
using Interop.Core.Validation;
using Microsoft.Extensions.Options;

namespace Interop.Api.Fhir;

/// <summary>
/// Profile validation on write (configuration section <c>Validation</c>). Every resource type we own
/// a profile for is held to it by default (<c>Validation:DefaultMode</c>, <c>Enforce</c> unless
/// configured), whether or not the resource claims it in <c>meta.profile</c>: partner data is made
/// conformant by the adapters rather than let through. A type listed under
/// <c>Validation:ResourceTypes</c> uses the mode given there; a type we own no profile for is left to
/// the strict parser (base R4 structure). <c>Enforce</c> refuses with 422 PROFILE_VIOLATION listing
/// every problem with its FHIRPath location; <c>Warn</c> stores the resource and returns the problems.
/// </summary>
public sealed class WriteValidation(ProfileValidator validator, IOptions<ValidationOptions> options)
{
    /// <summary>The mode that applies to a write of <paramref name="resourceType"/>.</summary>
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
