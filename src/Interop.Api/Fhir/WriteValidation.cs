using Hl7.Fhir.Model;
using Interop.Core.Fhir;
using Interop.Core.Validation;
using Microsoft.Extensions.Options;

namespace Interop.Api.Fhir;

/// <summary>
/// Profile validation on write (configuration section <c>Validation</c>). Patient and Consent are
/// always held to our profiles (identity and consent are safety-critical); other types we own a
/// profile for are held to it when the resource claims it in <c>meta.profile</c>, and otherwise
/// checked with problems returned as warnings, because partner data (a Synthea hospital, a GP
/// extract's practice) legitimately carries Organizations that are not participating organisations.
/// A type listed under <c>Validation:ResourceTypes</c> uses the mode given there. <c>Enforce</c>
/// refuses with 422 PROFILE_VIOLATION listing every problem; <c>Warn</c> stores the resource.
/// </summary>
public sealed class WriteValidation(ProfileValidator validator, IOptions<ValidationOptions> options)
{
    /// <summary>Types always held to our profile unless configured otherwise.</summary>
    public static readonly IReadOnlySet<string> AlwaysEnforced = new HashSet<string>(StringComparer.Ordinal) { "Patient", "Consent" };

    public ValidationMode ModeFor(string resourceType) => ModeFor(resourceType, claimsOurProfile: false);

    public ValidationMode ModeFor(string resourceType, bool claimsOurProfile)
    {
        var o = options.Value;
        if (o.ResourceTypes.TryGetValue(resourceType, out var configured)) return configured;
        if (validator.DefaultProfileFor(resourceType) is null) return ValidationMode.Off;
        if (o.DefaultMode != ValidationMode.Enforce) return o.DefaultMode;
        return claimsOurProfile || AlwaysEnforced.Contains(resourceType) ? ValidationMode.Enforce : ValidationMode.Warn;
    }

    /// <summary>Validates <paramref name="resource"/> for storage; throws 422 in Enforce mode, returns warnings otherwise.</summary>
    public IReadOnlyList<OperationOutcome.IssueComponent> Check(Resource resource, string? location = null)
    {
        var claims = resource.Meta?.Profile.Any(p => validator.KnownProfiles.Contains(p)) == true;
        var mode = ModeFor(resource.TypeName, claims);
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
