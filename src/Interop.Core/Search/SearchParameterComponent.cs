namespace Interop.Core.Search;

/// <summary>
/// One component of a composite search parameter: the canonical URL of the component's own
/// parameter definition and the FHIRPath expression evaluated relative to each composite root.
/// </summary>
public sealed record SearchParameterComponent(string DefinitionUrl, string Expression);
