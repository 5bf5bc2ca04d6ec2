using Interop.Core.Search;
using Interop.Storage.Entities;

namespace Interop.Storage;

public sealed partial class ResourceIndexer
{
    /// <summary>
    /// Maps extracted entries to index rows; composite entries become grouped component rows. An entry
    /// equal to one already mapped (same parameter and values) adds no row: a search matches when any
    /// row does, sorts by the least or greatest value and includes by target, so a second identical row
    /// changes no answer. They are common: an AuditEvent of a search page or a <c>$summary</c> names
    /// every released resource with the same entity type and role codes, which were 2 of its rows per
    /// released resource.
    /// </summary>
    private static void PopulateSearchIndex(ResourceVersionRow row, IReadOnlyList<SearchIndexEntry> entries)
    {
        var groups = new Dictionary<string, int>(StringComparer.Ordinal);
        var mapped = new HashSet<SearchIndexEntry>();
        foreach (var entry in entries)
        {
            if (entry is not CompositeIndexEntry && !mapped.Add(entry)) continue;
            if (entry is CompositeIndexEntry composite)
            {
                var group = groups.GetValueOrDefault(composite.ParamName);
                groups[composite.ParamName] = group + 1;
                for (var i = 0; i < composite.Components.Count; i++)
                    Add(row, composite.Components[i], SearchIndexNames.Component(composite.ParamName, i), group);
            }
            else
            {
                Add(row, entry, entry.ParamName, null);
            }
        }
    }

    private static void Add(ResourceVersionRow row, SearchIndexEntry entry, string name, int? group)
    {
        var type = row.ResourceType;
        switch (entry)
        {
            case TokenIndexEntry t:
                row.Tokens.Add(new TokenIndexRow
                {
                    ResourceType = type, ParamName = name, Group = group,
                    System = Cut(t.System, 256), Code = Cut(t.Code, 256), Text = Cut(NormalizedText(t.Text), 512),
                    TypeSystem = Cut(t.TypeSystem, 256), TypeCode = Cut(t.TypeCode, 128),
                });
                break;
            case StringIndexEntry s:
                row.Strings.Add(new StringIndexRow { ResourceType = type, ParamName = name, Group = group, Normalized = Cut(s.Normalized, 512)!, Exact = Cut(s.Exact, 512)! });
                break;
            case DateIndexEntry d:
                row.Dates.Add(new DateIndexRow { ResourceType = type, ParamName = name, Group = group, Start = Instants.ToStored(d.Start), End = Instants.ToStored(d.End) });
                break;
            case NumberIndexEntry n:
                row.Quantities.Add(new QuantityIndexRow { ResourceType = type, ParamName = name, Group = group, Value = n.Value, Low = n.Low, High = n.High });
                break;
            case QuantityIndexEntry q:
                row.Quantities.Add(new QuantityIndexRow
                {
                    ResourceType = type, ParamName = name, Group = group, System = Cut(q.System, 256), Code = Cut(q.Code, 128), Unit = Cut(q.Unit, 128),
                    Value = q.Value, Low = q.Low, High = q.High,
                });
                break;
            case ReferenceIndexEntry r:
                row.References.Add(new ReferenceIndexRow
                {
                    ResourceType = type, ParamName = name, Group = group, TargetType = Cut(r.TargetType, 64), TargetId = Cut(r.TargetId, 64),
                    Url = Cut(r.Url, 512), IdentifierSystem = Cut(r.IdentifierSystem, 256), IdentifierValue = Cut(r.IdentifierValue, 256), Version = Cut(r.Version, 64),
                });
                break;
            case UriIndexEntry u:
                row.Uris.Add(new UriIndexRow { ResourceType = type, ParamName = name, Group = group, Uri = Cut(u.Uri, 512)! });
                break;
        }
    }

    private static string? NormalizedText(string? text) =>
        SearchStringNormalizer.Normalize(text) is { Length: > 0 } normalized ? normalized : null;

    // Column limits hold on PostgreSQL and SQL Server; an over-long value is indexed by its prefix.
    /// <summary>A value as the index stores it: at most <paramref name="max"/> characters (the column's length).</summary>
    internal static string? Cut(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
