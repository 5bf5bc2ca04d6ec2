using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;
using Issue = Hl7.Fhir.Model.OperationOutcome.IssueComponent;
using Severity = Hl7.Fhir.Model.OperationOutcome.IssueSeverity;
using IssueType = Hl7.Fhir.Model.OperationOutcome.IssueType;

namespace Interop.Core.Validation;

/// <summary>
/// Validates resources against base FHIR R4 and the profiles in <c>fhir-profiles/</c>, returning every problem in one
/// OperationOutcome. Thread-safe and immutable once built: register one instance (it loads and indexes the embedded
/// definitions in its constructor). See docs/decisions/0004-own-profile-validator.md for what it covers.
/// </summary>
public sealed class ProfileValidator
{
    private readonly ProfileLibrary _library;
    private readonly ProfileConformanceChecker _checker;
    private readonly Dictionary<string, ProfileElementNode> _trees = new(StringComparer.Ordinal);

    /// <summary>A validator over the definitions embedded in Interop.Core.</summary>
    public ProfileValidator() : this(ProfileLibrary.LoadEmbedded())
    {
    }

    /// <summary>A validator over <paramref name="library"/>.</summary>
    public ProfileValidator(ProfileLibrary library)
    {
        _library = library;
        _checker = new ProfileConformanceChecker(library, new LocalTerminology(library));
        foreach (var (url, profile) in library.Profiles) _trees[url] = ProfileElementNode.Build(profile);
        KnownProfiles = library.Profiles.Keys.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Canonical URLs of the profiles this validator checks.</summary>
    public IReadOnlyCollection<string> KnownProfiles { get; }

    /// <summary>The definitions this validator uses.</summary>
    public ProfileLibrary Library => _library;

    /// <summary>The profile applied to <paramref name="resourceType"/> when an instance claims none, or null.</summary>
    public string? DefaultProfileFor(string resourceType) => _library.DefaultProfileFor(resourceType)?.Url;

    /// <summary>
    /// Validates <paramref name="resource"/>: base R4 structure and invariants always; then the profile
    /// <paramref name="profileUrl"/> if given, otherwise each of our profiles named in <c>meta.profile</c>, otherwise the
    /// default profile we own for its type (if any). Bundle entries are validated the same way.
    /// </summary>
    /// <returns>
    /// An OperationOutcome listing every problem. Issues from our profiles carry detail code <c>PROFILE_VIOLATION</c>,
    /// base R4 problems <c>INVALID_REQUEST</c>; each has <c>expression</c> (FHIRPath location) and, in
    /// <c>diagnostics</c>, the rule that failed. With no problems it holds one informational issue.
    /// </returns>
    public OperationOutcome Validate(Resource resource, string? profileUrl = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var issues = new List<Issue>();
        BaseStructureChecker.Check(resource, issues);
        CheckProfiles(resource, profileUrl, issues);
        return ToOutcome(issues);
    }

    /// <summary>
    /// Parses <paramref name="json"/> collecting every syntax and structure problem (rather than stopping at the first),
    /// then validates what could be read as <see cref="Validate(Resource, string?)"/> does.
    /// </summary>
    public OperationOutcome ValidateJson(string json, string? profileUrl = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        var issues = new List<Issue>();
        // Strict mode reports every problem it meets and still hands back what it could read.
        var deserializer = new FhirJsonDeserializer(new DeserializerSettings().UsingMode(DeserializationMode.Strict));
        Resource? resource = null;
        try
        {
            deserializer.TryDeserializeResource(json, out resource, out var parseIssues);
            foreach (var problem in parseIssues)
                issues.Add(ToIssue(problem, resource?.TypeName ?? "Resource"));
        }
        catch (Exception ex) when (ex is DeserializationFailedException or FormatException or System.Text.Json.JsonException)
        {
            issues.Add(ValidationIssues.Base(Severity.Fatal, IssueType.Structure, "Resource", ex.Message, "parse"));
        }

        if (resource is not null)
        {
            var seen = issues.Select(Key).ToHashSet();
            var more = new List<Issue>();
            BaseStructureChecker.Check(resource, more);
            // The strict parse already reported the POCO-level problems; keep each once.
            issues.AddRange(more.Where(i => seen.Add(Key(i))));
            CheckProfiles(resource, profileUrl, issues);
        }
        else if (issues.Count == 0)
        {
            issues.Add(ValidationIssues.Base(Severity.Fatal, IssueType.Structure, "Resource", "The body is not a FHIR resource.", "parse"));
        }
        return ToOutcome(issues);
    }

    /// <summary>True when the outcome holds an error or fatal issue.</summary>
    public static bool HasErrors(OperationOutcome outcome) =>
        outcome.Issue.Any(i => i.Severity is Severity.Error or Severity.Fatal);

    private void CheckProfiles(Resource resource, string? profileUrl, List<Issue> issues)
    {
        CheckProfilesAt(new InstanceNode(resource, resource.TypeName), resource, profileUrl, issues);
        if (resource is not Bundle bundle) return;
        for (var i = 0; i < bundle.Entry.Count; i++)
        {
            if (bundle.Entry[i].Resource is not { } entry) continue;
            CheckProfilesAt(new InstanceNode(entry, $"Bundle.entry[{i}].resource"), entry, null, issues);
        }
    }

    private void CheckProfilesAt(InstanceNode node, Resource resource, string? profileUrl, List<Issue> issues)
    {
        var profiles = new List<StructureDefinition>();
        if (profileUrl is not null)
        {
            var requested = _library.FindProfile(profileUrl);
            if (requested is null)
            {
                issues.Add(ValidationIssues.Base(Severity.Error, IssueType.NotSupported, node.Path,
                    $"Profile {profileUrl} is not known to this server (known: {string.Join(", ", KnownProfiles)}).", "unknown-profile"));
                return;
            }
            profiles.Add(requested);
        }
        else
        {
            foreach (var claimed in (resource.Meta?.Profile ?? []).OfType<string>())
            {
                var profile = _library.FindProfile(claimed);
                if (profile is not null) profiles.Add(profile);
                else
                    issues.Add(ValidationIssues.Base(Severity.Information, IssueType.NotSupported, $"{node.Path}.meta.profile",
                        $"Profile {claimed} is not known to this server and was not checked.", "unknown-profile"));
            }
            if (profiles.Count == 0 && _library.DefaultProfileFor(resource.TypeName) is { } fallback) profiles.Add(fallback);
        }

        foreach (var profile in profiles)
        {
            if (profile.Type != resource.TypeName)
            {
                issues.Add(ValidationIssues.Profile(Severity.Error, IssueType.Structure, node.Path,
                    $"Profile {profile.Url} constrains {profile.Type}, not {resource.TypeName}.", $"profile-type ({profile.Url})"));
                continue;
            }
            _checker.Check(node, profile, _trees[profile.Url!], FhirPathConstraint.ContextFor(resource), issues);
        }
    }

    private static Issue ToIssue(CodedException problem, string resourceType)
    {
        if (problem is ExtendedCodedException extended)
            return ValidationIssues.Base(extended.IssueSeverity, extended.IssueType,
                BaseStructureChecker.NormalisePath(extended.InstancePath, resourceType), extended.BaseErrorMessage ?? extended.Message, extended.ErrorCode);
        return ValidationIssues.Base(Severity.Error, IssueType.Structure, resourceType, problem.Message, problem.ErrorCode);
    }

    private static (string?, string?, string?) Key(Issue issue) =>
        (issue.Diagnostics, issue.Expression.FirstOrDefault(), ValidationIssues.DetailCode(issue));

    private static OperationOutcome ToOutcome(List<Issue> issues)
    {
        if (issues.Count == 0)
            issues.Add(new Issue
            {
                Severity = Severity.Information,
                Code = IssueType.Informational,
                Details = new CodeableConcept { Text = "No issues found." },
            });
        return new OperationOutcome { Issue = issues };
    }
}
