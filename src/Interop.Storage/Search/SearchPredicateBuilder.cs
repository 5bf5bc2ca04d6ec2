using System.Linq.Expressions;
using System.Reflection;
using SearchParamType = Hl7.Fhir.Model.SearchParamType;
using Interop.Core.Search;
using Interop.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Interop.Storage.Search;

/// <summary>
/// Turns parsed criteria into one predicate over resource rows: each criterion is an EXISTS over
/// its index table (OR across its values, AND across criteria); chains and <c>_has</c> are EXISTS
/// subqueries over <paramref name="visible"/>, so a resource the caller may not see can neither
/// match a chain nor be inferred through one.
/// </summary>
internal sealed class SearchPredicateBuilder(SearchParameterRegistry registry, IQueryable<ResourceVersionRow> visible, DateTimeOffset now, InteropDbContext db)
{
    private static readonly MethodInfo RowIdsOf = typeof(SearchPredicateBuilder).GetMethod(nameof(RowIds), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo QueryableContains = typeof(Queryable).GetMethods()
        .Single(m => m.Name == nameof(Queryable.Contains) && m.GetParameters().Length == 2).MakeGenericMethod(typeof(long));

    /// <summary>The resource types a row expression can have, when the query pins them (see <see cref="AnyRow"/>).</summary>
    private readonly Dictionary<Expression, string[]> _rowTypes = [];

    private static readonly MethodInfo EnumerableAny = typeof(Enumerable).GetMethods()
        .Single(m => m.Name == nameof(Enumerable.Any) && m.GetParameters().Length == 2);
    private static readonly MethodInfo QueryableAny = typeof(Queryable).GetMethods()
        .Single(m => m.Name == nameof(Queryable.Any) && m.GetParameters().Length == 2);
    private static readonly MethodInfo StringArrayContains = typeof(Enumerable).GetMethods()
        .Single(m => m.Name == nameof(Enumerable.Contains) && m.GetParameters().Length == 2).MakeGenericMethod(typeof(string));

    /// <summary>All criteria ANDed; null when there are none.</summary>
    public Expression<Func<ResourceVersionRow, bool>>? All(IEnumerable<SearchCriterion> criteria, IReadOnlyCollection<string> types)
    {
        var r = Expression.Parameter(typeof(ResourceVersionRow), "r");
        if (types.Count > 0) _rowTypes[r] = [.. types];
        Expression? body = null;
        foreach (var criterion in criteria) body = And(body, Criterion(criterion, 0, r));
        return body is null ? null : Expression.Lambda<Func<ResourceVersionRow, bool>>(body, r);
    }

    /// <summary>
    /// The criteria of <see cref="All"/> with every index test on the searched row written as a
    /// correlated EXISTS keyed by the row's id (<c>EXISTS (SELECT 1 FROM search_dates s WHERE
    /// s.ResourceRowId = r.Id AND ...)</c>) instead of <c>r.Id IN (SELECT ResourceRowId ...)</c>, and
    /// without a resource type test on the index rows: the caller tests the type on the row. The form
    /// for walking rows in id order and stopping when the page is full (the search engine's plan for
    /// a broad criterion on SQLite); null when there are none.
    /// </summary>
    public Expression<Func<ResourceVersionRow, bool>>? AllCorrelated(IEnumerable<SearchCriterion> criteria)
    {
        // The row's types are not registered, so AnyRow writes the navigation form (r.Dates.Any(...)).
        var r = Expression.Parameter(typeof(ResourceVersionRow), "r");
        Expression? body = null;
        foreach (var criterion in criteria) body = And(body, Criterion(criterion, 0, r));
        return body is null ? null : Expression.Lambda<Func<ResourceVersionRow, bool>>(body, r);
    }

    /// <summary>
    /// The index rows' ids when <paramref name="criteria"/> (from <see cref="All"/> for one type) is
    /// exactly one <c>r.Id IN (subquery)</c>, as a query of <paramref name="provider"/>; else null.
    /// </summary>
    public static IQueryable<long>? SoleIndexSubquery(Expression<Func<ResourceVersionRow, bool>> criteria, IQueryProvider provider) =>
        criteria.Body is MethodCallExpression { Arguments: [var ids, MemberExpression { Member.Name: nameof(ResourceVersionRow.Id), Expression: var target }] } call
        && call.Method == QueryableContains && target == criteria.Parameters[0]
            ? provider.CreateQuery<long>(ids)
            : null;

    /// <summary>
    /// Alternatives ORed, each an AND of criteria (SMART v2 scope constraints: any granting scope
    /// may admit a row); null when unconstrained.
    /// </summary>
    public Expression<Func<ResourceVersionRow, bool>>? AnyOf(IReadOnlyList<IReadOnlyList<SearchCriterion>> alternatives, string type)
    {
        if (alternatives.Count == 0) return null;
        var r = Expression.Parameter(typeof(ResourceVersionRow), "r");
        _rowTypes[r] = [type];
        Expression? body = null;
        foreach (var alternative in alternatives)
        {
            Expression? all = null;
            foreach (var criterion in alternative) all = And(all, Criterion(criterion, 0, r));
            body = body is null ? all ?? Expression.Constant(true) : Expression.OrElse(body, all ?? Expression.Constant(true));
        }
        return Expression.Lambda<Func<ResourceVersionRow, bool>>(body!, r);
    }

    private Expression Criterion(SearchCriterion c, int hop, Expression row)
    {
        if (hop < c.Path.Count)
        {
            return c.Path[hop] switch
            {
                ForwardChainLink f => Forward(f, row, target => Criterion(c, hop + 1, target)),
                ReverseChainLink r => Reverse(r, row, source => Criterion(c, hop + 1, source)),
                _ => throw new NotSupportedException(c.Path[hop].GetType().Name),
            };
        }
        return Leaf(c, row);
    }

    // subject:Patient.name=x : a reference row whose target is a visible current resource matching the rest.
    private Expression Forward(ForwardChainLink link, Expression row, Func<Expression, Expression> inner)
    {
        var x = Expression.Parameter(typeof(ReferenceIndexRow), "x");
        var t = Expression.Parameter(typeof(ResourceVersionRow), "t");
        if (link.TargetTypes.Count > 0) _rowTypes[t] = [.. link.TargetTypes];
        var targetBody = And(
            Live(t),
            Expression.Equal(Expression.Property(t, nameof(ResourceVersionRow.ResourceType)), Expression.Property(x, nameof(ReferenceIndexRow.TargetType))),
            Expression.Equal(Expression.Property(t, nameof(ResourceVersionRow.ResourceId)), Expression.Property(x, nameof(ReferenceIndexRow.TargetId))),
            inner(t));
        var anyTarget = Expression.Call(QueryableAny.MakeGenericMethod(typeof(ResourceVersionRow)), visible.Expression,
            Expression.Quote(Expression.Lambda<Func<ResourceVersionRow, bool>>(targetBody, t)));
        var referenceBody = And(
            Expression.Equal(Expression.Property(x, nameof(ReferenceIndexRow.ParamName)), Value(link.ReferenceParameter.Code)),
            Expression.Call(StringArrayContains, Value(link.TargetTypes.ToArray()), Expression.Property(x, nameof(ReferenceIndexRow.TargetType))),
            anyTarget);
        return AnyRow(row, nameof(ResourceVersionRow.References), typeof(ReferenceIndexRow), x, referenceBody);
    }

    // _has:Observation:patient:code=x : a visible current Observation whose patient points here and matches the rest.
    private Expression Reverse(ReverseChainLink link, Expression row, Func<Expression, Expression> inner)
    {
        var s = Expression.Parameter(typeof(ResourceVersionRow), "s");
        _rowTypes[s] = [link.SourceType];
        var x = Expression.Parameter(typeof(ReferenceIndexRow), "x");
        // The source type is stated on the reference row too, so that its lookup is by the
        // (ResourceType, ParamName, TargetId, TargetType) index, which holds every source type (the
        // target-first index leaves AuditEvents out).
        var pointsHere = And(
            Expression.Equal(Expression.Property(x, nameof(ReferenceIndexRow.ResourceType)), Value(link.SourceType)),
            Expression.Equal(Expression.Property(x, nameof(ReferenceIndexRow.ParamName)), Value(link.ReferenceParameter.Code)),
            Expression.Equal(Expression.Property(x, nameof(ReferenceIndexRow.TargetType)), Expression.Property(row, nameof(ResourceVersionRow.ResourceType))),
            Expression.Equal(Expression.Property(x, nameof(ReferenceIndexRow.TargetId)), Expression.Property(row, nameof(ResourceVersionRow.ResourceId))));
        var sourceBody = And(
            Expression.Equal(Expression.Property(s, nameof(ResourceVersionRow.ResourceType)), Value(link.SourceType)),
            Live(s),
            AnyRow(s, nameof(ResourceVersionRow.References), typeof(ReferenceIndexRow), x, pointsHere),
            inner(s));
        return Expression.Call(QueryableAny.MakeGenericMethod(typeof(ResourceVersionRow)), visible.Expression,
            Expression.Quote(Expression.Lambda<Func<ResourceVersionRow, bool>>(sourceBody, s)));
    }

    private Expression Leaf(SearchCriterion c, Expression row)
    {
        var p = c.Parameter;
        if (c.Modifier == SearchModifier.Missing)
        {
            var present = p.Code == "_id" ? Expression.Constant(true) : HasRow(row, p);
            Expression? any = null;
            foreach (var value in c.Values.OfType<MissingSearchValue>())
                any = Or(any, value.Missing ? Expression.Not(present) : present);
            return any ?? Expression.Constant(true);
        }

        if (p.Code == "_id")
        {
            // _id matches the logical id column directly.
            var ids = c.Values.OfType<TokenSearchValue>().Select(v => v.Code ?? "").ToArray();
            var match = (Expression)Expression.Call(StringArrayContains, Value(ids), Expression.Property(row, nameof(ResourceVersionRow.ResourceId)));
            return c.Modifier == SearchModifier.Not ? Expression.Not(match) : match;
        }

        if (p.Type == SearchParamType.Composite)
        {
            Expression? any = null;
            foreach (var value in c.Values.OfType<CompositeSearchValue>()) any = Or(any, Composite(row, p, value));
            return any ?? Expression.Constant(false);
        }

        var (navigation, rowType) = TableFor(p.Type);
        var x = Expression.Parameter(rowType, "x");
        Expression? matches = null;
        foreach (var value in c.Values) matches = Or(matches, ExpressionParameterReplacer.Inline(RowMatch(p.Type, value, c.Modifier), x));
        var body = And(Expression.Equal(Expression.Property(x, "ParamName"), Value(p.Code)), matches ?? Expression.Constant(false));
        var exists = AnyRow(row, navigation, rowType, x, body);
        // :not: resources with no matching value, including those without the element (search.html#token).
        return c.Modifier == SearchModifier.Not ? Expression.Not(exists) : exists;
    }

    // a$b: component 0 and component i rows of the same composite entry (same Group) match their values.
    private Expression Composite(Expression row, SearchParameterDefinition p, CompositeSearchValue value)
    {
        var components = p.Components.Select(c => registry.FindByUrl(c.DefinitionUrl)
            ?? throw new InvalidOperationException($"Unknown component {c.DefinitionUrl} of {p.Code}.")).ToList();
        var (nav0, type0) = TableFor(components[0].Type);
        var x0 = Expression.Parameter(type0, "c0");
        var body0 = And(
            Expression.Equal(Expression.Property(x0, "ParamName"), Value(SearchIndexNames.Component(p.Code, 0))),
            ExpressionParameterReplacer.Inline(RowMatch(components[0].Type, value.Components[0], SearchModifier.None), x0));
        for (var i = 1; i < components.Count; i++)
        {
            var (nav, type) = TableFor(components[i].Type);
            var xi = Expression.Parameter(type, "c" + i);
            var bodyI = And(
                Expression.Equal(Expression.Property(xi, "ParamName"), Value(SearchIndexNames.Component(p.Code, i))),
                Expression.Equal(Expression.Property(xi, "Group"), Expression.Property(x0, "Group")),
                ExpressionParameterReplacer.Inline(RowMatch(components[i].Type, value.Components[i], SearchModifier.None), xi));
            body0 = And(body0, AnyRow(row, nav, type, xi, bodyI));
        }
        return AnyRow(row, nav0, type0, x0, body0);
    }

    private Expression HasRow(Expression row, SearchParameterDefinition p)
    {
        var type = p.Type;
        var name = p.Code;
        if (type == SearchParamType.Composite)
        {
            type = registry.FindByUrl(p.Components[0].DefinitionUrl)?.Type ?? SearchParamType.Token;
            name = SearchIndexNames.Component(p.Code, 0);
        }
        var (navigation, rowType) = TableFor(type);
        var x = Expression.Parameter(rowType, "x");
        return AnyRow(row, navigation, rowType, x, Expression.Equal(Expression.Property(x, "ParamName"), Value(name)));
    }

    /// <summary>The match of one index row against one value, as a lambda over that table's row type.</summary>
    private LambdaExpression RowMatch(SearchParamType type, SearchValue value, SearchModifier modifier) => (type, value) switch
    {
        (SearchParamType.String, StringSearchValue s) => StringMatch(s, modifier, db.Provider),
        (SearchParamType.Token, StringSearchValue s) => TokenText(s.Normalized),
        (SearchParamType.Token, TokenSearchValue t) => TokenMatch(t),
        (SearchParamType.Date, DateSearchValue d) => DateMatch(d),
        (SearchParamType.Number, NumberSearchValue n) => NumberMatch(n.Prefix, n.Value, n.Low, n.High),
        (SearchParamType.Quantity, QuantitySearchValue q) => QuantityMatch(q),
        (SearchParamType.Reference, ReferenceSearchValue r) => ReferenceMatch(r),
        (SearchParamType.Uri, UriSearchValue u) => UriMatch(u.Uri, modifier),
        _ => throw new NotSupportedException($"A {value.GetType().Name} cannot be matched against a {type} parameter."),
    };

    private static LambdaExpression StringMatch(StringSearchValue s, SearchModifier modifier, StorageProvider provider)
    {
        var normalized = s.Normalized;
        var raw = s.Raw;
        var storedNormalized = ResourceIndexer.Cut(normalized, 512);
        return modifier switch
        {
            // A row whose exact text equals the value has the value's normalised form too (both are
            // derived from the same text and cut to the column), and that column leads the index:
            // without it an :exact search read every row of the parameter.
            SearchModifier.Exact => (Expression<Func<StringIndexRow, bool>>)(x => x.Normalized == storedNormalized && x.Exact == raw),
            SearchModifier.Contains => (Expression<Func<StringIndexRow, bool>>)(x => x.Normalized.Contains(normalized)),
            _ => Prefix(normalized, provider),
        };
    }

    /// <summary>
    /// A string search's prefix match. It is also the range [value, value with its last character
    /// raised): the column is in byte order on SQLite (BINARY) and PostgreSQL (C), where that range
    /// holds exactly the values that start with it, and the index serves a range where neither served
    /// LIKE 'value%' (SQLite's LIKE ignores case, so its optimisation needs NOCASE; PostgreSQL's needed
    /// the C collation). SQL Server's default collation is not in byte order and keeps LIKE alone.
    /// </summary>
    private static Expression<Func<StringIndexRow, bool>> Prefix(string normalized, StorageProvider provider)
    {
        if (provider == StorageProvider.SqlServer || PrefixUpperBound(normalized) is not { } upper)
            return x => x.Normalized.StartsWith(normalized);
        return x => string.Compare(x.Normalized, normalized) >= 0 && string.Compare(x.Normalized, upper) < 0 && x.Normalized.StartsWith(normalized);
    }

    /// <summary>The least string greater than every string that starts with <paramref name="prefix"/>, in ordinal order; null when there is none to compute simply.</summary>
    internal static string? PrefixUpperBound(string prefix)
    {
        if (prefix.Length == 0) return null;
        var last = prefix[^1];
        // Raising a surrogate or the highest character does not give an ordinal successor; those keep LIKE alone.
        if (char.IsSurrogate(last) || last >= '\uFFFF' - 1) return null;
        return string.Concat(prefix.AsSpan(0, prefix.Length - 1), ((char)(last + 1)).ToString());
    }

    private static Expression<Func<TokenIndexRow, bool>> TokenText(string normalized) =>
        x => x.Text != null && x.Text.StartsWith(normalized);

    private static Expression<Func<TokenIndexRow, bool>> TokenMatch(TokenSearchValue t)
    {
        var system = t.System;
        var code = t.Code;
        if (t.TypeCode is { } typeCode)
        {
            var typeSystem = t.TypeSystem;
            return typeSystem is null
                ? x => x.Code == code && x.TypeCode == typeCode
                : x => x.Code == code && x.TypeCode == typeCode && x.TypeSystem == typeSystem;
        }
        return t.SystemMatch switch
        {
            TokenSystemMatch.None => x => x.System == null && x.Code == code,
            TokenSystemMatch.Exact when code is null => x => x.System == system,
            TokenSystemMatch.Exact => x => x.System == system && x.Code == code,
            _ => x => x.Code == code,
        };
    }

    // Row [rs, re) against value [qs, qe), both half-open (docs/search.md, "Dates").
    private Expression<Func<DateIndexRow, bool>> DateMatch(DateSearchValue d)
    {
        var qs = Instants.ToStored(d.Start);
        var qe = Instants.ToStored(d.End);
        switch (d.Prefix)
        {
            case SearchPrefix.Ne: return x => !(x.Start >= qs && x.End <= qe);
            case SearchPrefix.Gt: return x => x.End > qe;
            case SearchPrefix.Lt: return x => x.Start < qs;
            case SearchPrefix.Ge: return x => x.End > qs;
            case SearchPrefix.Le: return x => x.Start < qe;
            case SearchPrefix.Sa: return x => x.Start >= qe;
            case SearchPrefix.Eb: return x => x.End <= qs;
            case SearchPrefix.Ap:
            {
                // "Approximately": the value widened by 10% of its distance from now (at least a day).
                var distance = Math.Abs((now - d.Start).Ticks) / 10 / 10;
                var margin = Math.Max(distance, TimeSpan.FromDays(1).Ticks / 10);
                var low = qs - margin;
                var high = qe + margin;
                return x => x.Start < high && x.End > low;
            }
            // Every indexed range has Start <= End (a Period's start after its end is refused on
            // write, invariant per-1), so Start <= qe adds nothing to the match, but it closes the
            // range on the index's Start column: PostgreSQL estimated "Start >= qs AND End <= qe" as
            // two independent open ranges (8,333 of 146,004 Observation dates for one day with 34) and
            // walked every resource in id order for a page (790 ms at 300,804 resources); with the
            // bound it reads the 34 (0.5 ms). SQLite scans the same index from qs to qe, not to the end.
            default: return x => x.Start >= qs && x.Start <= qe && x.End <= qe;
        }
    }

    private static Expression<Func<QuantityIndexRow, bool>> NumberMatch(SearchPrefix prefix, decimal value, decimal low, decimal high)
    {
        switch (prefix)
        {
            case SearchPrefix.Ne: return x => x.Value < low || x.Value >= high;
            case SearchPrefix.Gt: return x => x.Value > value;
            case SearchPrefix.Lt: return x => x.Value < value;
            case SearchPrefix.Ge: return x => x.Value >= value;
            case SearchPrefix.Le: return x => x.Value <= value;
            case SearchPrefix.Sa: return x => x.Low >= high;
            case SearchPrefix.Eb: return x => x.High <= low;
            case SearchPrefix.Ap:
            {
                var margin = Math.Max(Math.Abs(value) / 10, high - low);
                var from = value - margin;
                var to = value + margin;
                return x => x.Value >= from && x.Value <= to;
            }
            default: return x => x.Value >= low && x.Value < high; // eq: within the precision of the value given
        }
    }

    private static LambdaExpression QuantityMatch(QuantitySearchValue q)
    {
        var number = NumberMatch(q.Prefix, q.Value, q.Low, q.High);
        var system = q.System;
        var code = q.Code;
        Expression<Func<QuantityIndexRow, bool>>? unit = (system, code) switch
        {
            (not null, not null) => x => x.System == system && x.Code == code,
            (not null, null) => x => x.System == system,
            (null, not null) => x => x.Code == code || x.Unit == code, // value||code: coded or human unit
            _ => null,
        };
        if (unit is null) return number;
        var p = number.Parameters[0];
        return Expression.Lambda<Func<QuantityIndexRow, bool>>(Expression.AndAlso(number.Body, ExpressionParameterReplacer.Inline(unit, p)), p);
    }

    private static Expression<Func<ReferenceIndexRow, bool>> ReferenceMatch(ReferenceSearchValue r)
    {
        if (r.IdentifierValue is { } identifierValue || r.IdentifierSystem is not null)
        {
            var value = r.IdentifierValue;
            var system = r.IdentifierSystem;
            if (system is null) return x => x.IdentifierValue == value;
            if (value is null) return x => x.IdentifierSystem == system;
            return x => x.IdentifierSystem == system && x.IdentifierValue == value;
        }
        if (r.Url is { } url)
        {
            var version = r.Version;
            return version is null ? x => x.Url == url : x => x.Url == url && x.Version == version;
        }
        var id = r.TargetId;
        var type = r.TargetType;
        return type is null ? x => x.TargetId == id : x => x.TargetType == type && x.TargetId == id;
    }

    private static Expression<Func<UriIndexRow, bool>> UriMatch(string uri, SearchModifier modifier)
    {
        if (modifier == SearchModifier.Below) return x => x.Uri.StartsWith(uri);
        if (modifier == SearchModifier.Above)
        {
            // :above = the stored uri is the value or one of its parent paths.
            var prefixes = UriPrefixes(uri);
            return x => prefixes.Contains(x.Uri);
        }
        return x => x.Uri == uri;
    }

    internal static string[] UriPrefixes(string uri)
    {
        var prefixes = new List<string> { uri };
        var schemeEnd = uri.IndexOf("://", StringComparison.Ordinal);
        var floor = schemeEnd < 0 ? 0 : schemeEnd + 3;
        for (var i = uri.Length - 1; i > floor; i--)
            if (uri[i] == '/') prefixes.Add(uri[..i]);
        return [.. prefixes];
    }

    internal static (string Navigation, Type RowType) TableFor(SearchParamType type) => type switch
    {
        SearchParamType.String => (nameof(ResourceVersionRow.Strings), typeof(StringIndexRow)),
        SearchParamType.Token => (nameof(ResourceVersionRow.Tokens), typeof(TokenIndexRow)),
        SearchParamType.Date => (nameof(ResourceVersionRow.Dates), typeof(DateIndexRow)),
        SearchParamType.Number or SearchParamType.Quantity => (nameof(ResourceVersionRow.Quantities), typeof(QuantityIndexRow)),
        SearchParamType.Reference => (nameof(ResourceVersionRow.References), typeof(ReferenceIndexRow)),
        SearchParamType.Uri => (nameof(ResourceVersionRow.Uris), typeof(UriIndexRow)),
        _ => throw new NotSupportedException($"{type} parameters have no index table."),
    };

    /// <summary>
    /// "The row has an index row meeting <paramref name="body"/>". When the row's resource types are
    /// known and the condition does not refer to the row itself, this is
    /// <c>r.Id IN (SELECT ResourceRowId FROM index WHERE ResourceType IN (...) AND ...)</c>: the index
    /// table's (ResourceType, ParamName, value) index finds the matches, and the paged query walks
    /// them in key order. Otherwise a correlated <c>EXISTS</c>, which SQLite evaluates by visiting
    /// every current row of the type (slow when few or no rows match).
    /// </summary>
    private Expression AnyRow(Expression row, string navigation, Type rowType, ParameterExpression x, Expression body)
    {
        if (!_rowTypes.TryGetValue(row, out var types) || Mentions(body, row))
            return Expression.Call(EnumerableAny.MakeGenericMethod(rowType), Expression.Property(row, navigation), Expression.Lambda(body, x));
        var ofType = types.Length == 1
            ? (Expression)Expression.Equal(Expression.Property(x, "ResourceType"), Value(types[0]))
            : Expression.Call(StringArrayContains, Value(types), Expression.Property(x, "ResourceType"));
        var where = Expression.Lambda(And(ofType, body), x);
        var rowIds = (IQueryable<long>)RowIdsOf.MakeGenericMethod(rowType).Invoke(null, [db, where])!;
        return Expression.Call(QueryableContains, rowIds.Expression, Expression.Property(row, nameof(ResourceVersionRow.Id)));
    }

    /// <summary>
    /// True when <paramref name="criteria"/> (from <see cref="All"/> for one resource type) admits only
    /// rows whose id is in an index subquery that <see cref="AnyRow"/> restricted to that type: a
    /// top-level <c>r.Id IN (...)</c>, or an OR of such. The resource type test on the row is then
    /// implied, and leaving it out lets the database start from the index rows.
    /// </summary>
    public static bool ConfinesToIndexedRows(Expression<Func<ResourceVersionRow, bool>> criteria) =>
        Confines(criteria.Body, criteria.Parameters[0]);

    private static bool Confines(Expression e, ParameterExpression row) => e switch
    {
        BinaryExpression { NodeType: ExpressionType.AndAlso } and => Confines(and.Left, row) || Confines(and.Right, row),
        BinaryExpression { NodeType: ExpressionType.OrElse } or => Confines(or.Left, row) && Confines(or.Right, row),
        MethodCallExpression { Arguments: [_, MemberExpression { Member.Name: nameof(ResourceVersionRow.Id), Expression: var target }] } call =>
            call.Method == QueryableContains && target == row,
        _ => false,
    };

    private static IQueryable<long> RowIds<TRow>(InteropDbContext db, Expression<Func<TRow, bool>> where) where TRow : class =>
        db.Set<TRow>().Where(where).Select(x => EF.Property<long>(x, "ResourceRowId"));

    private static bool Mentions(Expression body, Expression row)
    {
        var finder = new ReferenceFinder(row);
        finder.Visit(body);
        return finder.Found;
    }

    private sealed class ReferenceFinder(Expression target) : ExpressionVisitor
    {
        public bool Found { get; private set; }

        public override Expression? Visit(Expression? node)
        {
            if (node == target) Found = true;
            return Found ? node : base.Visit(node);
        }
    }

    private static Expression Live(Expression row) => Expression.AndAlso(
        Expression.Property(row, nameof(ResourceVersionRow.IsCurrent)),
        Expression.Not(Expression.Property(row, nameof(ResourceVersionRow.IsDeleted))));

    private static Expression And(Expression? left, Expression right) => left is null ? right : Expression.AndAlso(left, right);

    private static Expression And(params Expression[] parts) => parts.Aggregate((a, b) => Expression.AndAlso(a, b));

    private static Expression Or(Expression? left, Expression right) => left is null ? right : Expression.OrElse(left, right);

    /// <summary>A value EF sends as a query parameter (a member of a constant, as a closure would be), not inlined SQL text.</summary>
    internal static Expression Value<T>(T value) => Expression.Property(Expression.Constant(new QueryValue<T>(value)), nameof(QueryValue<T>.Value));
}
