using Hl7.Fhir.Model;
using Hl7.Fhir.Validation;

namespace Interop.Core.Validation;

/// <summary>
/// Base FHIR R4 checks for any resource: the SDK's attribute validation (cardinality, allowed choice types, primitive
/// formats, empty elements, narrative) recursively, plus the spec invariants in <see cref="R4CoreInvariants"/>.
/// </summary>
internal static class BaseStructureChecker
{
    public static void Check(Resource resource, List<OperationOutcome.IssueComponent> issues)
    {
        foreach (var problem in resource.Validate(ModelInfo.ModelInspector))
        {
            issues.Add(ValidationIssues.Base(
                problem.IssueSeverity, problem.IssueType,
                NormalisePath(problem.InstancePath, resource.TypeName),
                problem.BaseErrorMessage ?? problem.Message,
                problem.ErrorCode));
        }
        CheckInvariants(resource, issues);
    }

    /// <summary>The SDK reports the root of a deserialized instance as <c>$this</c>; FHIRPath locations start with the type.</summary>
    public static string NormalisePath(string? path, string resourceType)
    {
        if (string.IsNullOrEmpty(path)) return resourceType;
        return path.StartsWith("$this", StringComparison.Ordinal) ? resourceType + path[5..] : path;
    }

    private static void CheckInvariants(Resource root, List<OperationOutcome.IssueComponent> issues)
    {
        var rootNode = new InstanceNode(root, root.TypeName);
        var all = rootNode.Descendants().Prepend(rootNode).ToList();
        var rootContext = FhirPathConstraint.ContextFor(root);

        // Data type invariants wherever the type occurs.
        foreach (var node in all)
        {
            if (!R4CoreInvariants.DataTypeContexts.Contains(node.Value.TypeName)) continue;
            foreach (var invariant in R4CoreInvariants.All.Where(i => i.Context == node.Value.TypeName))
                Evaluate(invariant, node, rootContext, issues);
        }

        // Resource invariants for the root and every resource inside it (contained, Bundle entries).
        foreach (var resourceNode in all.Where(n => n.Value is Resource))
        {
            var resource = (Resource)resourceNode.Value;
            var context = ReferenceEquals(resource, root) ? rootContext : FhirPathConstraint.ContextFor(resource);
            foreach (var invariant in R4CoreInvariants.All)
            {
                var segments = invariant.Context.Split('.', 2);
                var applies = segments[0] == resource.TypeName || (segments[0] == "DomainResource" && resource is DomainResource);
                if (!applies || R4CoreInvariants.DataTypeContexts.Contains(invariant.Context)) continue;
                var targets = segments.Length == 1 ? [resourceNode] : resourceNode.Navigate(segments[1]);
                foreach (var target in targets) Evaluate(invariant, target, context, issues);
            }
        }
    }

    private static void Evaluate(R4CoreInvariants.Invariant invariant, InstanceNode node, Hl7.Fhir.FhirPath.FhirEvaluationContext context,
        List<OperationOutcome.IssueComponent> issues)
    {
        bool holds;
        try
        {
            holds = FhirPathConstraint.Holds(node.Value, invariant.Expression, context);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            issues.Add(ValidationIssues.Base(OperationOutcome.IssueSeverity.Warning, OperationOutcome.IssueType.Exception, node.Path,
                $"Invariant {invariant.Key} could not be evaluated: {ex.Message}", invariant.Key));
            return;
        }
        if (!holds)
            issues.Add(ValidationIssues.Base(OperationOutcome.IssueSeverity.Error, OperationOutcome.IssueType.Invariant, node.Path,
                $"{invariant.Key}: {invariant.Human}", invariant.Key));
    }
}
