using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Analysis;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;

namespace AutoDiffGen.Generator.Differentiation;

/// <summary>
/// Merges nearby accumulations into the same location: <c>dX[i] -= a; dB = 0.0; dX[i] -= b;</c> becomes
/// <c>dX[i] -= a + b; dB = 0.0;</c>. Each accumulation into an array element is a load and a store, and consecutive
/// ones to one element wait for each other through memory; one merged statement does one of each. A merge happens
/// only when the statements in between neither touch the location nor change what the moved value reads.
/// </summary>
internal static class AccumulationCoalescer
{
    /// <summary>How far ahead (in statements) a second accumulation is looked for.</summary>
    private const int Window = 8;

    /// <param name="block">The generated body (names resolved).</param>
    /// <param name="adjoints">The adjoint variables and outputs: only accumulations into them merge (the forward
    /// sweep must compute the original's values exactly as the original does).</param>
    public static CodeBlock Coalesce(CodeBlock block, HashSet<string> adjoints) =>
        new(CoalesceList(block.Statements.Select(s => Nested(s, adjoints)).ToList(), adjoints).ToEquatableArray());

    private static CodeStmt Nested(CodeStmt stmt, HashSet<string> adjoints) => stmt switch
    {
        CodeBlock b => Coalesce(b, adjoints),
        CodeIf i => i with { Then = Coalesce(i.Then, adjoints), Else = i.Else is null ? null : Coalesce(i.Else, adjoints) },
        CodeFor f => f with { Body = Coalesce(f.Body, adjoints) },
        CodeWhile w => w with { Body = Coalesce(w.Body, adjoints) },
        CodeTryFinally t => t with { Body = Coalesce(t.Body, adjoints), Finally = Coalesce(t.Finally, adjoints) },
        _ => stmt,
    };

    private static List<CodeStmt> CoalesceList(List<CodeStmt> list, HashSet<string> adjoints)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is not CodeAssign { Operator: "+=" or "-=" } first || RootName(first.Target) is not { } root || !adjoints.Contains(root))
            {
                continue;
            }

            var between = new List<CodeStmt>();
            for (int j = i + 1; j < list.Count && j <= i + Window; j++)
            {
                CodeStmt next = list[j];
                if (next is CodeComment or CodeBlankLine)
                {
                    continue;
                }

                if (next is CodeAssign { Operator: "+=" or "-=" } second && second.Target == first.Target)
                {
                    // Precondition of the merge: neither value reads the location's array or local (the second would
                    // otherwise read it before the first accumulation instead of after), and neither calls anything.
                    if (HasCall(first.Value) || HasCall(second.Value) || Names(first.Value).Contains(root) || Names(second.Value).Contains(root))
                    {
                        break;
                    }

                    HashSet<string> written = Writes(between);
                    if (!Names(second.Value).Overlaps(written))
                    {
                        // The second value can be computed where the first accumulation is.
                        list[i] = Merge(first, second);
                        list.RemoveAt(j);
                        i--;
                    }
                    else if (!Names(first.Value).Overlaps(written))
                    {
                        // The first value can wait until the second accumulation.
                        list[j] = Merge(first, second);
                        list.RemoveAt(i);
                        i--;
                    }

                    break;
                }

                // Anything that reads or writes the location, or changes its index, ends the search; another element
                // of the same array (dX[i + 1] next to dX[i]) does not.
                var touched = new HashSet<string>(Names(next));
                touched.UnionWith(Writes([next]));
                bool otherElement = next is CodeAssign { Target: ElementExpr other } assign && Disjoint(first.Target, other) && !Names(assign.Value).Contains(root);
                HashSet<string> index = first.Target is ElementExpr element ? Names(element.Index) : [];
                if ((touched.Contains(root) && !otherElement) || Writes([next]).Overlaps(index) || next is not (CodeAssign or CodeDeclare or CodeExpression))
                {
                    break;
                }

                between.Add(next);
            }
        }

        return list;
    }

    /// <summary>Two elements of the same array whose indices are the same expression plus different constants.</summary>
    private static bool Disjoint(Expr a, ElementExpr b)
    {
        if (a is not ElementExpr first || first.Collection != b.Collection)
        {
            return false;
        }

        (Expr baseA, long offsetA) = Offset(first.Index);
        (Expr baseB, long offsetB) = Offset(b.Index);
        return offsetA != offsetB && baseA == baseB;
    }

    private static (Expr Base, long Offset) Offset(Expr index) => index switch
    {
        BinaryExpr { Op: BinaryOp.Add, Right: LiteralExpr l } b when long.TryParse(l.Text, out long c) => (b.Left, c),
        BinaryExpr { Op: BinaryOp.Add, Left: LiteralExpr l } b when long.TryParse(l.Text, out long c) => (b.Right, c),
        BinaryExpr { Op: BinaryOp.Subtract, Right: LiteralExpr l } b when long.TryParse(l.Text, out long c) => (b.Left, -c),
        _ => (index, 0),
    };

    /// <summary>Calls (storage pops, helpers) keep their place: their order may matter.</summary>
    private static bool HasCall(Expr expr) => IrWalker.Contains(expr, e => e is InvokeExpr or CallExpr);

    private static CodeAssign Merge(CodeAssign first, CodeAssign second)
    {
        BinaryOp op = first.Operator == second.Operator ? BinaryOp.Add : BinaryOp.Subtract;
        return first with { Value = new BinaryExpr(first.Value.Type, op, first.Value, second.Value) };
    }

    /// <summary>The local or array an accumulation target designates (<c>dX</c> for <c>dX[i + 1]</c>), or null.</summary>
    private static string? RootName(Expr target) => target switch
    {
        NameExpr n => n.Name,
        ElementExpr { Collection: NameExpr n } => n.Name,
        _ => null,
    };

    /// <summary>Every name an expression or statement mentions.</summary>
    private static HashSet<string> Names(Expr expr)
    {
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (Expr node in IrWalker.Descendants(expr))
        {
            if (node is NameExpr n)
            {
                names.Add(n.Name);
            }
        }

        return names;
    }

    private static HashSet<string> Names(CodeStmt stmt)
    {
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        if (stmt is CodeDeclare d)
        {
            names.Add(d.Name);
        }

        CodeRewriter.Map(stmt, e =>
        {
            names.UnionWith(Names(e));
            return e;
        });
        return names;
    }

    /// <summary>The names statements assign, declare, or pass by reference or as arrays.</summary>
    private static HashSet<string> Writes(IEnumerable<CodeStmt> statements)
    {
        var written = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (Expr root in CodeWalker.WrittenRoots(statements))
        {
            written.UnionWith(Names(root));
        }

        return written;
    }
}
