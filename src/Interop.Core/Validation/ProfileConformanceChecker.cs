using System.Globalization;
using System.Text.RegularExpressions;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Issue = Hl7.Fhir.Model.OperationOutcome.IssueComponent;
using Severity = Hl7.Fhir.Model.OperationOutcome.IssueSeverity;
using IssueType = Hl7.Fhir.Model.OperationOutcome.IssueType;

namespace Interop.Core.Validation;

/// <summary>
/// Checks an instance against one of our profiles, straight from its differential: cardinality, fixed[x] and
/// pattern[x], slicing by value/pattern discriminators (identifier system, extension url, section code), required
/// bindings to our ValueSets, reference target types, allowed choice types and FHIRPath constraints.
/// Everything a differential does not say is left to <see cref="BaseStructureChecker"/>.
/// </summary>
internal sealed partial class ProfileConformanceChecker(ProfileLibrary library, LocalTerminology terminology)
{
    private sealed record Scope(string ProfileUrl, FhirEvaluationContext Context, List<Issue> Issues);

    public void Check(InstanceNode root, StructureDefinition profile, ProfileElementNode tree, FhirEvaluationContext context, List<Issue> issues)
    {
        var scope = new Scope(profile.Url ?? profile.Type ?? "profile", context, issues);
        CheckValue(tree, root, scope);
        CheckChildren(tree, root, scope);
    }

    private void CheckChildren(ProfileElementNode definition, InstanceNode parent, Scope scope)
    {
        foreach (var child in definition.Children)
            CheckElement(child, parent.Children(child.Name), $"{parent.Path}.{child.Name}", scope);
    }

    private void CheckElement(ProfileElementNode definition, IReadOnlyList<InstanceNode> instances, string path, Scope scope)
    {
        CheckCardinality(definition, instances.Count, path, scope);
        foreach (var instance in instances)
        {
            CheckValue(definition, instance, scope);
            CheckChildren(definition, instance, scope);
        }
        if (definition.Slices.Count == 0) return;

        var slicing = definition.Definition?.Slicing;
        var discriminators = slicing?.Discriminator ?? [];
        var matched = new bool[instances.Count];
        foreach (var slice in definition.Slices)
        {
            var inSlice = new List<InstanceNode>();
            for (var i = 0; i < instances.Count; i++)
            {
                if (!InSlice(slice, discriminators, instances[i])) continue;
                matched[i] = true;
                inSlice.Add(instances[i]);
            }
            CheckCardinality(slice, inSlice.Count, path, scope);
            foreach (var instance in inSlice)
            {
                CheckValue(slice, instance, scope);
                CheckChildren(slice, instance, scope);
            }
        }
        if (slicing?.Rules == ElementDefinition.SlicingRules.Closed)
        {
            for (var i = 0; i < instances.Count; i++)
                if (!matched[i])
                    Report(scope, Severity.Error, IssueType.Structure, instances[i].Path,
                        $"{definition.Id} is closed to values outside its slices ({string.Join(", ", definition.Slices.Select(s => s.SliceName))}).",
                        "slicing-closed", definition.Id);
        }
    }

    private static void CheckCardinality(ProfileElementNode definition, int count, string path, Scope scope)
    {
        var element = definition.Definition;
        if (element is null) return;
        if (element.Min is { } min && count < min)
            Report(scope, Severity.Error, IssueType.Required, path,
                $"{definition.Id}: minimum cardinality {min}, found {count}.", "cardinality-min", definition.Id);
        if (element.Max is { } max && max != "*" && int.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && count > limit)
            Report(scope, Severity.Error, IssueType.Structure, path,
                $"{definition.Id}: maximum cardinality {max}, found {count}.", "cardinality-max", definition.Id);
    }

    private void CheckValue(ProfileElementNode definition, InstanceNode instance, Scope scope)
    {
        var element = definition.Definition;
        if (element is null) return;

        CheckTypes(definition, element, instance, scope);

        if (element.Fixed is { } fixedValue && !FixedEquals(instance.Value, fixedValue))
            Report(scope, Severity.Error, IssueType.Value, instance.Path,
                $"{definition.Id} must be exactly {Describe(fixedValue)}.", "fixed", definition.Id);

        if (element.Pattern is { } pattern && !PatternMatches(instance.Value, pattern))
            Report(scope, Severity.Error, IssueType.Value, instance.Path,
                $"{definition.Id} must contain {Describe(pattern)}.", "pattern", definition.Id);

        if (element.Binding is { Strength: BindingStrength.Required, ValueSet: { } valueSet })
            CheckBinding(definition, valueSet, instance, scope);

        foreach (var constraint in element.Constraint.Where(c => c.Expression is not null && c.Key is not null))
        {
            bool holds;
            try
            {
                holds = FhirPathConstraint.Holds(instance.Value, constraint.Expression!, scope.Context);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Report(scope, Severity.Error, IssueType.Exception, instance.Path,
                    $"Constraint {constraint.Key} could not be evaluated: {ex.Message}", constraint.Key!, definition.Id);
                continue;
            }
            if (!holds)
            {
                var severity = constraint.Severity == ConstraintSeverity.Warning ? Severity.Warning : Severity.Error;
                Report(scope, severity, IssueType.Invariant, instance.Path, $"{constraint.Key}: {constraint.Human}", constraint.Key!, definition.Id);
            }
        }
    }

    private void CheckTypes(ProfileElementNode definition, ElementDefinition element, InstanceNode instance, Scope scope)
    {
        if (element.Type.Count == 0) return;
        if (element.Path is not null && element.Path.EndsWith("[x]", StringComparison.Ordinal) && element.Type.All(t => t.Code != instance.Value.TypeName))
            Report(scope, Severity.Error, IssueType.Structure, instance.Path,
                $"{definition.Id} allows only {string.Join(", ", element.Type.Select(t => t.Code))}, found {instance.Value.TypeName}.",
                "type", definition.Id);

        if (instance.Value is not ResourceReference reference) return;
        var allowed = element.Type.Where(t => t.Code == "Reference").SelectMany(t => t.TargetProfile).OfType<string>().Select(TargetTypeOf).ToList();
        var target = reference.Type ?? ReferencedType(reference.Reference);
        if (allowed.Count > 0 && target is not null && !allowed.Contains(target))
            Report(scope, Severity.Error, IssueType.Structure, instance.Path,
                $"{definition.Id} must reference {string.Join(" or ", allowed)}, not {target}.", "reference-target", definition.Id);
    }

    private void CheckBinding(ProfileElementNode definition, string valueSet, InstanceNode instance, Scope scope)
    {
        List<(string? System, string? Code)> codes = instance.Value switch
        {
            CodeableConcept concept => concept.Coding.Select(c => ((string?)c.System, c.Code)).ToList(),
            Coding coding => [(coding.System, coding.Code)],
            PrimitiveType { TypeName: "code" } code => [(null, ValueText(code))],
            _ => [],
        };
        if (instance.Value is not (CodeableConcept or Coding or PrimitiveType { TypeName: "code" })) return;

        var results = codes.Where(c => c.Code is not null)
            .Select(c => terminology.Check(valueSet, c.System, c.Code!))
            .ToList();
        if (results.Contains(LocalTerminology.Membership.Member)) return;
        if (results.Count > 0 && results.All(r => r == LocalTerminology.Membership.UnknownValueSet))
        {
            Report(scope, Severity.Warning, IssueType.NotSupported, instance.Path,
                $"{definition.Id} is bound to {valueSet}, which this server cannot expand; the code was not checked.", "binding", definition.Id);
            return;
        }
        var shown = codes.Count == 0 ? "no code" : string.Join(", ", codes.Select(c => c.System is null ? c.Code : $"{c.System}|{c.Code}"));
        Report(scope, Severity.Error, IssueType.CodeInvalid, instance.Path,
            $"{definition.Id} has {shown}; a code from {valueSet} is required.", "binding", definition.Id);
    }

    private static bool InSlice(ProfileElementNode slice, IEnumerable<ElementDefinition.DiscriminatorComponent> discriminators, InstanceNode instance)
    {
        var any = false;
        foreach (var discriminator in discriminators)
        {
            any = true;
            if (discriminator.Path is not { } path) return false;
            var atPath = slice.Find(path)?.Definition;
            if (path == "url" && instance.Value is Extension extension && atPath?.Fixed is null)
            {
                // Extension slices name their extension by type profile rather than a fixed url.
                var url = slice.Definition?.Type.FirstOrDefault()?.Profile.FirstOrDefault();
                if (url is null || extension.Url != url) return false;
                continue;
            }
            var expected = atPath?.Fixed ?? atPath?.Pattern;
            if (expected is null) return false;
            var candidates = instance.Navigate(path);
            var matches = atPath!.Fixed is not null
                ? candidates.Any(c => FixedEquals(c.Value, expected))
                : candidates.Any(c => PatternMatches(c.Value, expected));
            if (!matches) return false;
        }
        return any;
    }

    /// <summary>fixed[x]: primitives by value, complex types exactly (ElementDefinition.fixed[x]).</summary>
    private static bool FixedEquals(Base instance, DataType fixedValue) => fixedValue is PrimitiveType fixedPrimitive
        ? instance is PrimitiveType primitive && ValueText(primitive) == ValueText(fixedPrimitive)
        : instance.IsExactly(fixedValue);

    /// <summary>
    /// pattern[x]: every element present in the pattern must be present with the same value in the instance; for a
    /// repeating element each pattern item must match some instance item (ElementDefinition.pattern[x]).
    /// </summary>
    private static bool PatternMatches(Base instance, Base pattern)
    {
        if (pattern is PrimitiveType patternPrimitive)
            return instance is PrimitiveType primitive && ValueText(primitive) == ValueText(patternPrimitive);
        var instanceElements = instance.EnumerateElements().ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        foreach (var (name, patternValue) in pattern.EnumerateElements())
        {
            if (!instanceElements.TryGetValue(name, out var instanceValue)) return false;
            var instanceItems = AsItems(instanceValue);
            if (!AsItems(patternValue).All(p => instanceItems.Any(i => PatternMatches(i, p)))) return false;
        }
        return true;
    }

    private static List<Base> AsItems(object value) => value switch
    {
        Base single => [single],
        System.Collections.IEnumerable list => list.OfType<Base>().ToList(),
        _ => [],
    };

    private static string? ValueText(PrimitiveType primitive) =>
        Convert.ToString(primitive.JsonValue, CultureInfo.InvariantCulture);

    private static string Describe(Base value) => value switch
    {
        PrimitiveType primitive => $"'{ValueText(primitive)}'",
        CodeableConcept concept => string.Join(", ", concept.Coding.Select(c => $"{c.System}|{c.Code}")),
        Coding coding => $"{coding.System}|{coding.Code}",
        _ => value.TypeName,
    };

    private string TargetTypeOf(string targetProfile) =>
        library.FindProfile(targetProfile)?.Type ?? targetProfile[(targetProfile.LastIndexOf('/') + 1)..];

    /// <summary>The resource type of a literal reference (<c>Patient/1</c>, <c>https://x/fhir/Patient/1/_history/2</c>); null when it cannot tell (urn:uuid, #contained).</summary>
    private static string? ReferencedType(string? reference)
    {
        if (reference is null) return null;
        var match = LiteralReference().Match(reference);
        return match.Success ? match.Groups["type"].Value : null;
    }

    [GeneratedRegex(@"(?:^|/)(?<type>[A-Z][A-Za-z]+)/[A-Za-z0-9\-\.]{1,64}(?:/_history/[A-Za-z0-9\-\.]{1,64})?$")]
    private static partial Regex LiteralReference();

    private static void Report(Scope scope, Severity severity, IssueType type, string path, string message, string rule, string elementId) =>
        scope.Issues.Add(ValidationIssues.Profile(severity, type, path, message, $"{rule} {elementId} ({scope.ProfileUrl})"));
}
