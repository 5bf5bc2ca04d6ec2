using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;

namespace Interop.Core.Validation;

/// <summary>Evaluates a FHIRPath invariant with the Firely engine (compiled expressions are cached by the SDK).</summary>
internal static class FhirPathConstraint
{
    /// <summary>
    /// True when the invariant holds. Only a single <c>false</c> fails it: an empty result means "cannot tell" and
    /// passes, as in FHIRPath's three-valued logic and the HL7 validator.
    /// </summary>
    public static bool Holds(Base focus, string expression, FhirEvaluationContext context) =>
        !focus.IsBoolean(expression, false, context);

    /// <summary>A context in which <c>%resource</c> and <c>%rootResource</c> are <paramref name="resource"/>.</summary>
    public static FhirEvaluationContext ContextFor(Resource resource)
    {
        var node = resource.ToPocoNode(ModelInfo.ModelInspector);
        return new FhirEvaluationContext { Resource = node, RootResource = node };
    }
}
