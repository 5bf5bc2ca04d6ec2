using System.Linq.Expressions;
using System.Reflection;
using SearchParamType = Hl7.Fhir.Model.SearchParamType;
using Interop.Core.Search;
using Interop.Storage.Entities;

namespace Interop.Storage.Search;

/// <summary>
/// <c>_sort</c> as ORDER BY keys plus the keyset predicate that continues after a row. Each
/// parameter key is a pair: "has no value" (0/1, so resources without the element come last in
/// both directions and on every provider) and the smallest (ascending) or largest (descending)
/// value, coalesced so that no key is NULL and equality in the keyset predicate holds. The row id
/// is always the last key, so the order is total and deterministic.
/// </summary>
internal static class SearchSortBuilder
{
    private static readonly MethodInfo StringCompare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;

    public sealed record Key(LambdaExpression Expression, bool Descending)
    {
        public Type Type => Expression.ReturnType;
    }

    public static IReadOnlyList<Key> For(IReadOnlyList<SortKey> sort)
    {
        var keys = new List<Key>();
        foreach (var s in sort)
        {
            var n = s.Parameter.Code;
            var desc = s.Descending;
            switch (n)
            {
                case "_id":
                    keys.Add(new((Expression<Func<ResourceVersionRow, string>>)(r => r.ResourceId), desc));
                    continue;
                case "_lastUpdated":
                    keys.Add(new((Expression<Func<ResourceVersionRow, long>>)(r => r.LastUpdated), desc));
                    continue;
            }
            switch (s.Parameter.Type)
            {
                case SearchParamType.String:
                    keys.Add(new((Expression<Func<ResourceVersionRow, int>>)(r => r.Strings.Any(x => x.ParamName == n) ? 0 : 1), false));
                    keys.Add(desc
                        ? new((Expression<Func<ResourceVersionRow, string>>)(r => r.Strings.Where(x => x.ParamName == n).Max(x => x.Normalized) ?? ""), true)
                        : new((Expression<Func<ResourceVersionRow, string>>)(r => r.Strings.Where(x => x.ParamName == n).Min(x => x.Normalized) ?? ""), false));
                    break;
                case SearchParamType.Token:
                    keys.Add(new((Expression<Func<ResourceVersionRow, int>>)(r => r.Tokens.Any(x => x.ParamName == n && x.Code != null) ? 0 : 1), false));
                    keys.Add(desc
                        ? new((Expression<Func<ResourceVersionRow, string>>)(r => r.Tokens.Where(x => x.ParamName == n && x.Code != null).Max(x => x.Code) ?? ""), true)
                        : new((Expression<Func<ResourceVersionRow, string>>)(r => r.Tokens.Where(x => x.ParamName == n && x.Code != null).Min(x => x.Code) ?? ""), false));
                    break;
                case SearchParamType.Date:
                    keys.Add(new((Expression<Func<ResourceVersionRow, int>>)(r => r.Dates.Any(x => x.ParamName == n) ? 0 : 1), false));
                    keys.Add(desc
                        ? new((Expression<Func<ResourceVersionRow, long>>)(r => r.Dates.Where(x => x.ParamName == n).Max(x => (long?)x.End) ?? 0L), true)
                        : new((Expression<Func<ResourceVersionRow, long>>)(r => r.Dates.Where(x => x.ParamName == n).Min(x => (long?)x.Start) ?? 0L), false));
                    break;
                case SearchParamType.Number or SearchParamType.Quantity:
                    keys.Add(new((Expression<Func<ResourceVersionRow, int>>)(r => r.Quantities.Any(x => x.ParamName == n) ? 0 : 1), false));
                    keys.Add(desc
                        ? new((Expression<Func<ResourceVersionRow, decimal>>)(r => r.Quantities.Where(x => x.ParamName == n).Max(x => (decimal?)x.Value) ?? 0m), true)
                        : new((Expression<Func<ResourceVersionRow, decimal>>)(r => r.Quantities.Where(x => x.ParamName == n).Min(x => (decimal?)x.Value) ?? 0m), false));
                    break;
                case SearchParamType.Reference:
                    keys.Add(new((Expression<Func<ResourceVersionRow, int>>)(r => r.References.Any(x => x.ParamName == n) ? 0 : 1), false));
                    keys.Add(desc
                        ? new((Expression<Func<ResourceVersionRow, string>>)(r => r.References.Where(x => x.ParamName == n).Max(x => x.TargetId ?? x.Url) ?? ""), true)
                        : new((Expression<Func<ResourceVersionRow, string>>)(r => r.References.Where(x => x.ParamName == n).Min(x => x.TargetId ?? x.Url) ?? ""), false));
                    break;
                case SearchParamType.Uri:
                    keys.Add(new((Expression<Func<ResourceVersionRow, int>>)(r => r.Uris.Any(x => x.ParamName == n) ? 0 : 1), false));
                    keys.Add(desc
                        ? new((Expression<Func<ResourceVersionRow, string>>)(r => r.Uris.Where(x => x.ParamName == n).Max(x => x.Uri) ?? ""), true)
                        : new((Expression<Func<ResourceVersionRow, string>>)(r => r.Uris.Where(x => x.ParamName == n).Min(x => x.Uri) ?? ""), false));
                    break;
            }
        }
        return keys;
    }

    /// <summary>ORDER BY the keys, then the row id.</summary>
    public static IQueryable<ResourceVersionRow> Order(IQueryable<ResourceVersionRow> rows, IReadOnlyList<Key> keys)
    {
        IOrderedQueryable<ResourceVersionRow>? ordered = null;
        foreach (var key in keys)
        {
            var method = (ordered is null, key.Descending) switch
            {
                (true, false) => nameof(Queryable.OrderBy),
                (true, true) => nameof(Queryable.OrderByDescending),
                (false, false) => nameof(Queryable.ThenBy),
                (false, true) => nameof(Queryable.ThenByDescending),
            };
            var source = (IQueryable<ResourceVersionRow>?)ordered ?? rows;
            var call = Expression.Call(typeof(Queryable), method, [typeof(ResourceVersionRow), key.Type], source.Expression, Expression.Quote(key.Expression));
            ordered = (IOrderedQueryable<ResourceVersionRow>)source.Provider.CreateQuery<ResourceVersionRow>(call);
        }
        return ordered is null ? rows.OrderBy(r => r.Id) : ordered.ThenBy(r => r.Id);
    }

    /// <summary>The keys' values for one row, to put in the next page token.</summary>
    public static Expression<Func<ResourceVersionRow, object[]>> Values(IReadOnlyList<Key> keys)
    {
        var r = Expression.Parameter(typeof(ResourceVersionRow), "r");
        var items = keys.Select(k => (Expression)Expression.Convert(ExpressionParameterReplacer.Inline(k.Expression, r), typeof(object)));
        return Expression.Lambda<Func<ResourceVersionRow, object[]>>(Expression.NewArrayInit(typeof(object), items), r);
    }

    /// <summary>Rows strictly after (<paramref name="values"/>, <paramref name="lastRowId"/>) in the order of the keys.</summary>
    public static Expression<Func<ResourceVersionRow, bool>> After(IReadOnlyList<Key> keys, IReadOnlyList<object> values, long lastRowId)
    {
        var r = Expression.Parameter(typeof(ResourceVersionRow), "r");
        Expression idAfter = Expression.GreaterThan(Expression.Property(r, nameof(ResourceVersionRow.Id)), SearchPredicateBuilder.Value(lastRowId));
        // Built from the last key outwards: k_i beyond v_i, or k_i equal and the rest after.
        var rest = idAfter;
        for (var i = keys.Count - 1; i >= 0; i--)
        {
            var key = ExpressionParameterReplacer.Inline(keys[i].Expression, r);
            var value = Constant(values[i], keys[i].Type);
            var beyond = Compare(key, value, keys[i].Descending);
            rest = Expression.OrElse(beyond, Expression.AndAlso(Expression.Equal(key, value), rest));
        }
        return Expression.Lambda<Func<ResourceVersionRow, bool>>(rest, r);
    }

    private static Expression Compare(Expression key, Expression value, bool descending)
    {
        if (key.Type == typeof(string))
        {
            var compare = Expression.Call(StringCompare, key, value);
            return descending ? Expression.LessThan(compare, Expression.Constant(0)) : Expression.GreaterThan(compare, Expression.Constant(0));
        }
        return descending ? Expression.LessThan(key, value) : Expression.GreaterThan(key, value);
    }

    private static Expression Constant(object value, Type type)
    {
        var converted = Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture);
        var method = typeof(SearchPredicateBuilder).GetMethod(nameof(SearchPredicateBuilder.Value), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type);
        return (Expression)method.Invoke(null, [converted])!;
    }
}
