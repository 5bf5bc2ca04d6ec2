namespace Interop.Core.Access;

/// <summary>The resource scopes of a token, with the checks each interaction needs.</summary>
public sealed class SmartScopeSet(IReadOnlyList<SmartScope> scopes)
{
    public IReadOnlyList<SmartScope> Scopes => scopes;

    public static SmartScopeSet Parse(string? scopeClaim) =>
        new((scopeClaim ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(SmartScope.Parse).OfType<SmartScope>().ToList());

    /// <summary>True when any scope grants the permission on the type (constraints narrow results, they do not refuse).</summary>
    public bool Allows(string resourceType, char permission) => scopes.Any(s => s.Grants(resourceType, permission));

    /// <summary>True when every granting scope for the type is confined to the token's patient (patient/ context).</summary>
    public bool IsPatientConfined(string resourceType, char permission)
    {
        var granting = scopes.Where(s => s.Grants(resourceType, permission)).ToList();
        return granting.Count > 0 && granting.All(s => s.Context == "patient");
    }

    /// <summary>
    /// The v2 search-parameter constraints that narrow what the caller sees of a type
    /// (e.g. <c>patient/Observation.rs?category=vital-signs</c>). Empty when some granting scope
    /// has no constraint: the union of scopes is what is granted.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> ConstraintsFor(string resourceType, char permission)
    {
        var granting = scopes.Where(s => s.Grants(resourceType, permission)).ToList();
        if (granting.Count == 0 || granting.Any(s => s.Constraints.Count == 0)) return [];
        return granting.Select(s => s.Constraints).ToList();
    }

    /// <summary>The scope a caller would need, for the INSUFFICIENT_SCOPE message.</summary>
    public static string Needed(string context, string resourceType, char permission) => $"{context}/{resourceType}.{permission}";
}
