using Hl7.Fhir.Model;

namespace Interop.Core.Validation;

/// <summary>
/// Answers "is this code in that ValueSet" for the ValueSets in <c>fhir-profiles/</c>, without a terminology server:
/// enumerated concepts, whole CodeSystems we own, and other ValueSets by reference. Filters are not supported.
/// </summary>
public sealed class LocalTerminology
{
    private readonly Dictionary<string, Expansion> _expansions = new(StringComparer.Ordinal);

    /// <summary>Expands every ValueSet of <paramref name="library"/> once, up front.</summary>
    public LocalTerminology(ProfileLibrary library)
    {
        foreach (var url in library.ValueSets.Keys) Expand(library, url, new HashSet<string>(StringComparer.Ordinal));
    }

    /// <summary>The outcome of a membership check.</summary>
    public enum Membership
    {
        /// <summary>The code is in the ValueSet.</summary>
        Member,
        /// <summary>The code is not in the ValueSet.</summary>
        NotMember,
        /// <summary>The ValueSet is not one of ours, so membership cannot be decided locally.</summary>
        UnknownValueSet,
    }

    /// <summary>
    /// Whether (<paramref name="system"/>, <paramref name="code"/>) is in the ValueSet. A null system (a bare
    /// <c>code</c> element) matches the code in any of the ValueSet's systems.
    /// </summary>
    public Membership Check(string valueSetUrl, string? system, string code)
    {
        var bar = valueSetUrl.IndexOf('|', StringComparison.Ordinal);
        if (bar >= 0) valueSetUrl = valueSetUrl[..bar];
        if (!_expansions.TryGetValue(valueSetUrl, out var expansion)) return Membership.UnknownValueSet;
        if (system is null)
            return expansion.Codes.Any(c => c.Code == code) || expansion.WholeSystems.Count > 0 ? Membership.Member : Membership.NotMember;
        return expansion.Codes.Contains((system, code)) || expansion.WholeSystems.Contains(system) ? Membership.Member : Membership.NotMember;
    }

    private Expansion Expand(ProfileLibrary library, string url, HashSet<string> visiting)
    {
        if (_expansions.TryGetValue(url, out var done)) return done;
        if (!visiting.Add(url)) throw new InvalidOperationException($"ValueSet {url} includes itself.");
        if (!library.ValueSets.TryGetValue(url, out var valueSet))
            throw new InvalidOperationException($"ValueSet {url} is referenced but not in fhir-profiles.");

        var expansion = new Expansion();
        foreach (var include in valueSet.Compose?.Include ?? [])
        {
            if (include.Filter.Count > 0)
                throw new InvalidOperationException($"ValueSet {url}: include filters are not supported by the local terminology.");
            foreach (var nested in include.ValueSet.OfType<string>())
            {
                var inner = Expand(library, nested, visiting);
                expansion.Codes.UnionWith(inner.Codes);
                expansion.WholeSystems.UnionWith(inner.WholeSystems);
            }
            if (include.System is null) continue;
            if (include.Concept.Count > 0)
            {
                foreach (var concept in include.Concept.Where(c => c.Code is not null)) expansion.Codes.Add((include.System, concept.Code!));
            }
            else if (library.CodeSystems.TryGetValue(include.System, out var codeSystem))
            {
                foreach (var code in Flatten(codeSystem.Concept)) expansion.Codes.Add((include.System, code));
            }
            else
            {
                // A whole external CodeSystem (e.g. all of SNOMED): any code from it is accepted.
                expansion.WholeSystems.Add(include.System);
            }
        }
        // Exclusions are rare in our ValueSets; honour enumerated ones.
        foreach (var exclude in valueSet.Compose?.Exclude ?? [])
            foreach (var concept in exclude.Concept)
                if (exclude.System is not null && concept.Code is not null) expansion.Codes.Remove((exclude.System, concept.Code));

        visiting.Remove(url);
        _expansions[url] = expansion;
        return expansion;
    }

    private static IEnumerable<string> Flatten(IEnumerable<CodeSystem.ConceptDefinitionComponent> concepts) =>
        concepts.SelectMany(c => c.Code is null ? Flatten(c.Concept) : Flatten(c.Concept).Prepend(c.Code));

    private sealed class Expansion
    {
        public HashSet<(string System, string Code)> Codes { get; } = [];
        public HashSet<string> WholeSystems { get; } = new(StringComparer.Ordinal);
    }
}
