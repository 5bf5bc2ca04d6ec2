namespace Interop.Core.Access;

/// <summary>
/// One SMART on FHIR scope (https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html):
/// v2 <c>patient/Observation.rs?category=vital-signs</c> or v1 <c>user/*.read</c>, normalised to
/// the v2 permission letters c, r, u, d, s.
/// </summary>
public sealed record SmartScope(string Context, string ResourceType, string Permissions, IReadOnlyList<KeyValuePair<string, string>> Constraints, string Text)
{
    /// <summary>True when the scope grants <paramref name="permission"/> on <paramref name="resourceType"/>.</summary>
    public bool Grants(string resourceType, char permission) =>
        (ResourceType == "*" || ResourceType == resourceType) && Permissions.Contains(permission);

    /// <summary>Parses one scope; null for scopes that are not resource scopes (openid, launch, offline_access ...).</summary>
    public static SmartScope? Parse(string text)
    {
        var slash = text.IndexOf('/');
        if (slash <= 0) return null;
        var context = text[..slash];
        if (context is not ("patient" or "user" or "system")) return null;
        var rest = text[(slash + 1)..];
        var constraints = new List<KeyValuePair<string, string>>();
        var q = rest.IndexOf('?');
        if (q >= 0)
        {
            foreach (var pair in rest[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=');
                if (eq > 0) constraints.Add(new(Uri.UnescapeDataString(pair[..eq]), Uri.UnescapeDataString(pair[(eq + 1)..])));
            }
            rest = rest[..q];
        }
        var dot = rest.LastIndexOf('.');
        if (dot <= 0) return null;
        var type = rest[..dot];
        var perms = rest[(dot + 1)..] switch
        {
            "read" => "rs",
            "write" => "cud",
            "*" => "cruds",
            var v when v.Length > 0 && v.All(c => "cruds".Contains(c)) && IsInOrder(v) => v,
            _ => null,
        };
        return perms is null ? null : new SmartScope(context, type, perms, constraints, text);
    }

    // v2 letters must appear in the order c r u d s (SMART 2.0, "Scopes for requesting FHIR resources").
    private static bool IsInOrder(string v)
    {
        var last = -1;
        foreach (var c in v)
        {
            var i = "cruds".IndexOf(c);
            if (i <= last) return false;
            last = i;
        }
        return true;
    }
}
