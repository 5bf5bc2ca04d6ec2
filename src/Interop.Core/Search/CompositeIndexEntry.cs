namespace Interop.Core.Search;

/// <summary>
/// One combination of a composite parameter's component values, all taken from the same composite
/// root (e.g. one <c>Observation.component</c>). <see cref="Components"/> has exactly one entry per
/// component of the definition, in definition order; when a component yields several values (a
/// CodeableConcept with two codings) one composite entry is produced per combination. A query value
/// <c>a$b</c> matches when some composite entry has component 0 matching <c>a</c> and component 1
/// matching <c>b</c>, each by the rules of its own type.
/// </summary>
public sealed record CompositeIndexEntry(string ParamName, IReadOnlyList<SearchIndexEntry> Components) : SearchIndexEntry(ParamName);
