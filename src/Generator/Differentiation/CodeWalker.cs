using System.Collections.Generic;
using AutoDiffGen.Generator.Analysis;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;

namespace AutoDiffGen.Generator.Differentiation;

/// <summary>Traversals of generated code.</summary>
internal static class CodeWalker
{
    /// <summary>Adds the primal variables that <paramref name="stmt"/> reads (assignment targets excluded, their indices included).</summary>
    public static void CollectReads(CodeStmt stmt, HashSet<int> reads)
    {
        switch (stmt)
        {
            case CodeBlock block:
                foreach (CodeStmt s in block.Statements)
                {
                    CollectReads(s, reads);
                }

                break;
            case CodeDeclare { Value: not null } d:
                IrWalker.CollectReads(d.Value, reads);
                break;
            case CodeAssign a:
                CollectTargetReads(a.Target, reads, a.Operator != "=");
                IrWalker.CollectReads(a.Value, reads);
                break;
            case CodeIncrement i:
                CollectTargetReads(i.Target, reads, true);
                break;
            case CodeExpression { Expression: InvokeExpr invoke }:
                foreach (Argument argument in invoke.Arguments)
                {
                    // An out argument is written, not read.
                    if (argument.Kind == PassingMode.Out)
                    {
                        CollectTargetReads(argument.Value, reads, false);
                    }
                    else
                    {
                        IrWalker.CollectReads(argument.Value, reads);
                    }
                }

                break;
            case CodeExpression e:
                IrWalker.CollectReads(e.Expression, reads);
                break;
            case CodeIf i:
                IrWalker.CollectReads(i.Condition, reads);
                CollectReads(i.Then, reads);
                if (i.Else is not null)
                {
                    CollectReads(i.Else, reads);
                }

                break;
            case CodeFor f:
                foreach (CodeStmt s in f.Initializers)
                {
                    CollectReads(s, reads);
                }

                if (f.Condition is not null)
                {
                    IrWalker.CollectReads(f.Condition, reads);
                }

                foreach (CodeStmt s in f.Steps)
                {
                    CollectReads(s, reads);
                }

                CollectReads(f.Body, reads);
                break;
            case CodeWhile w:
                IrWalker.CollectReads(w.Condition, reads);
                CollectReads(w.Body, reads);
                break;
            case CodeReturn { Value: not null } r:
                IrWalker.CollectReads(r.Value, reads);
                break;
        }
    }

    /// <summary>Whether generated code refers to the local <paramref name="name"/>.</summary>
    public static bool UsesName(IEnumerable<CodeStmt> code, string name)
    {
        bool found = false;
        foreach (CodeStmt stmt in code)
        {
            CodeRewriter.Map(stmt, e => ExprRewriter.Map(e, node =>
            {
                found |= node is NameExpr n && n.Name == name;
                return null;
            }));
        }

        return found;
    }

    private static void CollectTargetReads(Expr target, HashSet<int> reads, bool readsTarget)
    {
        switch (target)
        {
            case VariableExpr v when readsTarget:
                reads.Add(v.Id);
                break;
            case ElementExpr e:
                IrWalker.CollectReads(e.Collection, reads);
                IrWalker.CollectReads(e.Index, reads);
                break;
        }
    }
}

/// <summary>Rebuilds generated code with its expressions rewritten.</summary>
internal static class CodeRewriter
{
    public static CodeStmt Map(CodeStmt stmt, System.Func<Expr, Expr> map)
    {
        Expr E(Expr e) => map(e);
        CodeBlock B(CodeBlock b) => (CodeBlock)Map(b, map);
        return stmt switch
        {
            CodeBlock b => new CodeBlock(System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Select(b.Statements, s => Map(s, map))).ToEquatableArray()),
            CodeDeclare d => d with { Value = d.Value is null ? null : E(d.Value) },
            CodeAssign a => a with { Target = E(a.Target), Value = E(a.Value) },
            CodeIncrement i => i with { Target = E(i.Target) },
            CodeExpression e => e with { Expression = E(e.Expression) },
            CodeIf i => i with { Condition = E(i.Condition), Then = B(i.Then), Else = i.Else is null ? null : B(i.Else) },
            CodeFor f => f with
            {
                Initializers = System.Linq.Enumerable.Select(f.Initializers, s => Map(s, map)).ToEquatableArray(),
                Condition = f.Condition is null ? null : E(f.Condition),
                Steps = System.Linq.Enumerable.Select(f.Steps, s => Map(s, map)).ToEquatableArray(),
                Body = B(f.Body),
            },
            CodeWhile w => w with { Condition = E(w.Condition), Body = B(w.Body) },
            CodeReturn { Value: not null } r => r with { Value = E(r.Value) },
            CodeThrow t => t with { Exception = E(t.Exception) },
            CodeTryFinally t => t with { Body = B(t.Body), Finally = B(t.Finally) },
            _ => stmt,
        };
    }
}
