using System.Linq.Expressions;
using System.Reflection;

namespace Interop.Storage.Consent;

/// <summary>
/// Rewrites <c>list.Contains(x)</c> over a small list of strings that is fixed when the query is
/// built (the sensitive classes, the types a role does not reach) into <c>x == "a" || x == "b" ...</c>
/// with the values as literals.
/// </summary>
/// <remarks>
/// Why: EF Core cannot cache the SQL of a query whose parameters include a collection (it expands
/// the values, or inspects them for nulls, on every execution), and the consent predicate is large,
/// so regenerating its SQL on every read cost more than running it. With the values as literals the
/// query's SQL is generated once per distinct list and reused; the lists are few (one per role and
/// scope shape). Not for lists that vary per request (row ids): each distinct list would be a new
/// compiled query.
/// </remarks>
public sealed class ConstantListInliner : ExpressionVisitor
{
    private static readonly ConstantListInliner Instance = new();

    /// <summary>
    /// Lists longer than this are left alone. Large enough for the types a narrow scope excludes
    /// (every R4 resource type but a few, about 145), which EF Core turns into one NOT IN list.
    /// </summary>
    public const int MaxValues = 256;

    /// <summary>The predicate with its small fixed string lists inlined as literals.</summary>
    public static Expression<Func<T, bool>> Inline<T>(Expression<Func<T, bool>> predicate) =>
        (Expression<Func<T, bool>>)Instance.Visit(predicate);

    /// <summary>The projection with its small fixed string lists inlined as literals.</summary>
    public static Expression<Func<T, TResult>> InlineSelector<T, TResult>(Expression<Func<T, TResult>> selector) =>
        (Expression<Func<T, TResult>>)Instance.Visit(selector);

    protected override Expression VisitMethodCall(MethodCallExpression node)
    {
        if (AsContains(node) is var (list, item) && Evaluate(list) is { Count: <= MaxValues } values)
        {
            var target = Visit(item);
            Expression result = Expression.Constant(false);
            for (var i = values.Count - 1; i >= 0; i--)
            {
                var equals = Expression.Equal(target, Expression.Constant(values[i], typeof(string)));
                result = i == values.Count - 1 ? equals : Expression.OrElse(equals, result);
            }
            return result;
        }
        return base.VisitMethodCall(node);
    }

    /// <summary>
    /// Enumerable.Contains(list, item), MemoryExtensions.Contains(span, item) (what C# 14 binds
    /// <c>array.Contains(item)</c> to, through an implicit conversion to a span), or an instance
    /// Contains(item), over strings.
    /// </summary>
    private static (Expression List, Expression Item)? AsContains(MethodCallExpression node)
    {
        if (node.Method.Name != nameof(Enumerable.Contains) || node.Type != typeof(bool)) return null;
        if (node.Method.IsStatic && (node.Method.DeclaringType == typeof(Enumerable) || node.Method.DeclaringType == typeof(MemoryExtensions))
            && node.Arguments.Count == 2 && node.Arguments[1].Type == typeof(string))
            return (Unwrap(node.Arguments[0]), node.Arguments[1]);
        if (!node.Method.IsStatic && node.Object is { } instance && node.Arguments.Count == 1
            && node.Arguments[0].Type == typeof(string) && typeof(IEnumerable<string>).IsAssignableFrom(instance.Type))
            return (instance, node.Arguments[0]);
        return null;
    }

    /// <summary>The array under implicit conversions to a span or an interface.</summary>
    private static Expression Unwrap(Expression list) => list switch
    {
        UnaryExpression { NodeType: ExpressionType.Convert } convert => Unwrap(convert.Operand),
        MethodCallExpression { Method.Name: "op_Implicit", Arguments: [var operand] } => Unwrap(operand),
        _ => list,
    };

    /// <summary>The list's values when it is a constant or a captured variable (not a query).</summary>
    private static IReadOnlyList<string>? Evaluate(Expression list)
    {
        if (typeof(IQueryable).IsAssignableFrom(list.Type)) return null;
        var value = CapturedValue(list);
        return value is IEnumerable<string> strings && value is not IQueryable ? strings.ToList() : null;
    }

    /// <summary>
    /// The value of a constant or of a captured variable: a chain of fields or properties from a
    /// closure object (nested closures link to the enclosing one through a field), or from a static
    /// member. Null for anything else.
    /// </summary>
    internal static object? CapturedValue(Expression expression)
    {
        if (expression is ConstantExpression constant) return constant.Value;
        if (expression is not MemberExpression { Expression: null or ConstantExpression or MemberExpression } member) return null;
        var owner = member.Expression is null ? null : CapturedValue(member.Expression);
        if (owner is null && member.Expression is not null) return null; // not captured (a lambda parameter's member)
        return member.Member switch
        {
            FieldInfo f => f.GetValue(owner),
            PropertyInfo p => p.GetValue(owner),
            _ => null,
        };
    }
}
