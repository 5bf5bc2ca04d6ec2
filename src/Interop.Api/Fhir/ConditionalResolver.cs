using Interop.Core.Fhir;
using Interop.Storage;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Interop.Api.Fhir;

/// <summary>
/// Finds the current resources matching conditional criteria (<c>If-None-Exist</c>,
/// <c>PUT Type?criteria</c>, <c>DELETE Type?criteria</c>, conditional references in bundles).
/// Until the full search engine is wired in, it understands <c>identifier=[system]|value</c> and
/// <c>_id</c>, and says plainly that other parameters are not supported here.
/// </summary>
public sealed class ConditionalResolver(InteropDbContext db)
{
    /// <summary>The ids of current, non-deleted resources of <paramref name="type"/> matching <paramref name="criteria"/> (a query string).</summary>
    public async Task<IReadOnlyList<string>> FindAsync(string type, string criteria, CancellationToken ct)
    {
        var query = QueryHelpers.ParseQuery(criteria.StartsWith('?') ? criteria : "?" + criteria);
        if (query.Count == 0)
            throw FhirException.BadRequest($"Conditional criteria for {type} are empty; give at least one search parameter.");
        var rows = db.Resources.AsNoTracking().Where(r => r.ResourceType == type && r.IsCurrent && !r.IsDeleted);
        foreach (var (name, values) in query)
        {
            foreach (var value in values)
            {
                if (value is null) continue;
                switch (name)
                {
                    case "_id":
                        var ids = value.Split(',');
                        rows = rows.Where(r => ids.Contains(r.ResourceId));
                        break;
                    case "identifier":
                        var (system, code) = SplitToken(value);
                        rows = system switch
                        {
                            null => rows.Where(r => r.Tokens.Any(t => t.ParamName == "identifier" && t.Code == code)),
                            "" => rows.Where(r => r.Tokens.Any(t => t.ParamName == "identifier" && t.System == null && t.Code == code)),
                            _ => rows.Where(r => r.Tokens.Any(t => t.ParamName == "identifier" && t.System == system && t.Code == code)),
                        };
                        break;
                    default:
                        throw FhirException.BadRequest(
                            $"Conditional criteria may use 'identifier' and '_id' here; '{name}' is not supported.", expression: name);
                }
            }
        }
        return await rows.Select(r => r.ResourceId).Take(2).ToListAsync(ct);
    }

    private static (string? System, string Code) SplitToken(string value)
    {
        var bar = value.IndexOf('|');
        if (bar < 0) return (null, value);
        var system = value[..bar];
        return (system, value[(bar + 1)..]); // "" = explicitly no system (search.html#token)
    }
}
