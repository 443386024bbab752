using System;
using System.Linq;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;

namespace AutoDiffGen.Generator.Analysis;

/// <summary>Rebuilds expression trees with some nodes replaced.</summary>
internal static class ExprRewriter
{
    /// <summary>
    /// Returns <paramref name="expr"/> with every node for which <paramref name="replace"/> returns non-null
    /// replaced by that result (children of replaced nodes are not visited; <paramref name="replace"/> may recurse).
    /// </summary>
    public static Expr Map(Expr expr, Func<Expr, Expr?> replace)
    {
        Expr? replaced = replace(expr);
        if (replaced is not null)
        {
            return replaced;
        }

        Expr M(Expr e) => Map(e, replace);
        Argument A(Argument a) => a with { Value = M(a.Value) };
        return expr switch
        {
            ElementExpr e => e with { Collection = M(e.Collection), Index = M(e.Index) },
            LengthExpr e => e with { Collection = M(e.Collection) },
            UnaryExpr e => e with { Operand = M(e.Operand) },
            BinaryExpr e => e with { Left = M(e.Left), Right = M(e.Right) },
            ConditionalExpr e => e with { Condition = M(e.Condition), WhenTrue = M(e.WhenTrue), WhenFalse = M(e.WhenFalse) },
            ConvertExpr e => e with { Operand = M(e.Operand) },
            MathCallExpr e => e with { Arguments = e.Arguments.Select(M).ToEquatableArray() },
            CallExpr e => e with { Receiver = e.Receiver is null ? null : M(e.Receiver), Arguments = e.Arguments.Select(A).ToEquatableArray() },
            MemberExpr { Receiver: not null } e => e with { Receiver = M(e.Receiver) },
            NewArrayExpr e => e with { Length = e.Length is null ? null : M(e.Length), Initializer = e.Initializer.Select(M).ToEquatableArray() },
            StopGradientExpr e => e with { Operand = M(e.Operand) },
            SpanViewExpr e => e with { Source = M(e.Source), Arguments = e.Arguments.Select(M).ToEquatableArray() },
            CopyArrayExpr e => e with { Source = M(e.Source), Call = M(e.Call) },
            ReduceExpr e => e with { Sources = e.Sources.Select(M).ToEquatableArray(), Call = M(e.Call) },
            InvokeExpr e => e with { Arguments = e.Arguments.Select(A).ToEquatableArray() },
            ObjectCreationExpr e => e with { Arguments = e.Arguments.Select(A).ToEquatableArray() },
            InterpolatedStringExpr e => e with { Parts = e.Parts.Select(p => p.Value is null ? p : p with { Value = M(p.Value) }).ToEquatableArray() },
            _ => expr,
        };
    }
}
