using Hl7.Fhir.Model;

namespace Interop.Adapters.Council;

/// <summary>The transaction Bundle for one accepted row; each is stored on its own.</summary>
public sealed record CouncilRowBundle(int RowNumber, string AssessmentId, Bundle Bundle);
