using System.Linq.Expressions;

namespace Interop.Storage.Search;

/// <summary>Inlines a lambda's body with its parameter replaced, so typed lambdas compose into one tree EF can translate.</summary>
internal sealed class ExpressionParameterReplacer(ParameterExpression from, Expression to) : ExpressionVisitor
{
    protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);

    /// <summary>The body of <paramref name="lambda"/> applied to <paramref name="argument"/>.</summary>
    public static Expression Inline(LambdaExpression lambda, Expression argument) =>
        new ExpressionParameterReplacer(lambda.Parameters[0], argument).Visit(lambda.Body);
}
