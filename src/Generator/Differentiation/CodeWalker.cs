using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Analysis;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;

namespace AutoDiffGen.Generator.Differentiation;

/// <summary>Traversals of generated code.</summary>
internal static class CodeWalker
{
    /// <summary>
    /// Adds the primal variables that <paramref name="stmt"/> reads: <paramref name="contents"/> for values and
    /// array elements, <paramref name="references"/> for array variables used only as references (their length,
    /// views of them). Assignment targets are writes; their indices are reads.
    /// </summary>
    public static void CollectReads(CodeStmt stmt, HashSet<int> contents, HashSet<int> references)
    {
        void Value(Expr? e)
        {
            if (e is not null)
            {
                ReadsOf(e, contents, references);
            }
        }

        switch (stmt)
        {
            case CodeBlock block:
                foreach (CodeStmt s in block.Statements)
                {
                    CollectReads(s, contents, references);
                }

                break;
            case CodeDeclare { CopiesResult: true }:
                break;
            case CodeDeclare d:
                Value(d.Value);
                break;
            case CodeAssign a:
                Target(a.Target, contents, references, a.Operator != "=");
                Value(a.Value);
                break;
            case CodeIncrement i:
                Target(i.Target, contents, references, true);
                break;
            case CodeExpression e:
                Value(e.Expression);
                break;
            case CodeIf i:
                Value(i.Condition);
                CollectReads(i.Then, contents, references);
                if (i.Else is not null)
                {
                    CollectReads(i.Else, contents, references);
                }

                break;
            case CodeFor f:
                foreach (CodeStmt s in f.Initializers)
                {
                    CollectReads(s, contents, references);
                }

                Value(f.Condition);
                foreach (CodeStmt s in f.Steps)
                {
                    CollectReads(s, contents, references);
                }

                CollectReads(f.Body, contents, references);
                break;
            case CodeWhile w:
                Value(w.Condition);
                CollectReads(w.Body, contents, references);
                break;
            case CodeReturn r:
                Value(r.Value);
                break;
        }
    }

    /// <summary>
    /// Adds the primal variables read by the copies of a statement's result (<see cref="CodeDeclare.CopiesResult"/>):
    /// reads of the state right after the statement, which <see cref="CollectReads"/> leaves out.
    /// </summary>
    public static void CollectResultCopyReads(CodeStmt stmt, HashSet<int> contents, HashSet<int> references)
    {
        switch (stmt)
        {
            case CodeDeclare { CopiesResult: true, Value: not null } d:
                ReadsOf(d.Value, contents, references);
                break;
            case CodeBlock block:
                foreach (CodeStmt s in block.Statements)
                {
                    CollectResultCopyReads(s, contents, references);
                }

                break;
            case CodeIf i:
                CollectResultCopyReads(i.Then, contents, references);
                if (i.Else is not null)
                {
                    CollectResultCopyReads(i.Else, contents, references);
                }

                break;
        }
    }

    private static void ReadsOf(Expr expr, HashSet<int> contents, HashSet<int> references)
    {
        switch (expr)
        {
            case VariableExpr v:
                (v.Type.IsCollection ? references : contents).Add(v.Id);
                return;
            case ElementExpr e:
                if (IrWalker.RootVariable(e.Collection) is int root && root >= 0)
                {
                    contents.Add(root);
                }

                ReadsOf(e.Collection, contents, references);
                ReadsOf(e.Index, contents, references);
                return;
            case InvokeExpr or CallExpr:
                // A whole array passed to a method is read element by element (an out argument is written).
                foreach (Argument argument in expr is InvokeExpr invoke ? invoke.Arguments : ((CallExpr)expr).Arguments)
                {
                    if (argument.Kind == PassingMode.Out)
                    {
                        Target(argument.Value, contents, references, false);
                        continue;
                    }

                    if (IrWalker.StripConversions(argument.Value).Type.IsCollection && IrWalker.RootVariable(argument.Value) is int passed && passed >= 0)
                    {
                        contents.Add(passed);
                    }

                    ReadsOf(argument.Value, contents, references);
                }

                if (expr is CallExpr { Receiver: not null } call)
                {
                    ReadsOf(call.Receiver, contents, references);
                }

                return;
            default:
                foreach (Expr child in IrWalker.Children(expr))
                {
                    ReadsOf(child, contents, references);
                }

                return;
        }
    }

    private static void Target(Expr target, HashSet<int> contents, HashSet<int> references, bool readsTarget)
    {
        switch (target)
        {
            case VariableExpr v when readsTarget:
                (v.Type.IsCollection ? references : contents).Add(v.Id);
                break;
            case ElementExpr e:
                if (readsTarget && IrWalker.RootVariable(e.Collection) is int root && root >= 0)
                {
                    contents.Add(root);
                }

                ReadsOf(e.Collection, contents, references);
                ReadsOf(e.Index, contents, references);
                break;
        }
    }

    /// <summary>
    /// What generated code may write, nested statements included: the root of every assignment and increment target
    /// (the array for an element), every declared local (as a <see cref="NameExpr"/>), and every argument passed by
    /// reference or as an array (a call may write those).
    /// </summary>
    public static IEnumerable<Expr> WrittenRoots(IEnumerable<CodeStmt> code)
    {
        var roots = new List<Expr>();
        void Root(Expr target)
        {
            while (target is ElementExpr element)
            {
                target = element.Collection;
            }

            roots.Add(target);
        }

        void Walk(CodeStmt stmt)
        {
            switch (stmt)
            {
                case CodeBlock b:
                    foreach (CodeStmt s in b.Statements)
                    {
                        Walk(s);
                    }

                    break;
                case CodeAssign a:
                    Root(a.Target);
                    break;
                case CodeIncrement i:
                    Root(i.Target);
                    break;
                case CodeDeclare d:
                    roots.Add(new NameExpr(d.Type, d.Name));
                    break;
                case CodeIf i:
                    Walk(i.Then);
                    if (i.Else is not null)
                    {
                        Walk(i.Else);
                    }

                    break;
                case CodeFor f:
                    foreach (CodeStmt s in f.Initializers.Concat(f.Steps))
                    {
                        Walk(s);
                    }

                    Walk(f.Body);
                    break;
                case CodeWhile w:
                    Walk(w.Body);
                    break;
                case CodeTryFinally t:
                    Walk(t.Body);
                    Walk(t.Finally);
                    break;
            }

            if (stmt is CodeBlock or CodeIf or CodeFor or CodeWhile or CodeTryFinally)
            {
                return;
            }

            CodeRewriter.Map(stmt, e =>
            {
                foreach (Expr node in IrWalker.Descendants(e))
                {
                    IEnumerable<Argument> arguments = node switch
                    {
                        InvokeExpr invoke => invoke.Arguments,
                        CallExpr call => call.Arguments,
                        _ => [],
                    };
                    foreach (Argument argument in arguments)
                    {
                        if (argument.Kind is PassingMode.Ref or PassingMode.Out || argument.Value.Type.IsCollection)
                        {
                            Root(argument.Value);
                        }
                    }
                }

                return e;
            });
        }

        foreach (CodeStmt stmt in code)
        {
            Walk(stmt);
        }

        return roots;
    }

    /// <summary>Every generated name (<see cref="NameExpr"/>) that code mentions, declared ones included.</summary>
    public static HashSet<string> MentionedNames(IEnumerable<CodeStmt> code)
    {
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (CodeStmt stmt in code)
        {
            CodeRewriter.Map(stmt, e => ExprRewriter.Map(e, node =>
            {
                if (node is NameExpr n)
                {
                    names.Add(n.Name);
                }

                return null;
            }));
            foreach (string declared in DeclaredNames([stmt]))
            {
                names.Add(declared);
            }
        }

        return names;
    }

    /// <summary>The locals that code declares (nested blocks included).</summary>
    public static HashSet<string> DeclaredNames(IEnumerable<CodeStmt> code)
    {
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        void Walk(CodeStmt stmt)
        {
            switch (stmt)
            {
                case CodeDeclare d:
                    names.Add(d.Name);
                    break;
                case CodeBlock b:
                    foreach (CodeStmt s in b.Statements)
                    {
                        Walk(s);
                    }

                    break;
                case CodeIf i:
                    Walk(i.Then);
                    if (i.Else is not null)
                    {
                        Walk(i.Else);
                    }

                    break;
                case CodeFor f:
                    foreach (CodeStmt s in f.Initializers.Concat(f.Steps))
                    {
                        Walk(s);
                    }

                    Walk(f.Body);
                    break;
                case CodeWhile w:
                    Walk(w.Body);
                    break;
                case CodeTryFinally t:
                    Walk(t.Body);
                    Walk(t.Finally);
                    break;
            }
        }

        foreach (CodeStmt stmt in code)
        {
            Walk(stmt);
        }

        return names;
    }

    /// <summary>
    /// Whether <paramref name="code"/> touches the locals and arrays named <paramref name="names"/> only by adding to
    /// them (<c>dX += v</c>, <c>dA[i] -= v</c>, where neither the index nor v mentions any of them). Such code commutes
    /// with other code that only adds to them: the sums are the same in either order.
    /// </summary>
    public static bool OnlyAccumulates(IEnumerable<CodeStmt> code, HashSet<string> names)
    {
        bool Mentions(Expr e) => IrWalker.Contains(e, node => node is NameExpr n && names.Contains(n.Name));

        bool Check(CodeStmt stmt)
        {
            switch (stmt)
            {
                case CodeComment or CodeBlankLine:
                    return true;
                case CodeBlock b:
                    return b.Statements.All(Check);
                case CodeIf i:
                    return !Mentions(i.Condition) && Check(i.Then) && (i.Else is null || Check(i.Else));
                case CodeFor f:
                    return f.Initializers.All(Check) && (f.Condition is null || !Mentions(f.Condition)) && f.Steps.All(Check) && Check(f.Body);
                case CodeWhile w:
                    return !Mentions(w.Condition) && Check(w.Body);
                case CodeAssign { Operator: "+=" or "-=" } a when a.Target is NameExpr n && names.Contains(n.Name):
                    return !Mentions(a.Value);
                case CodeAssign { Operator: "+=" or "-=" } a when a.Target is ElementExpr { Collection: NameExpr n } element && names.Contains(n.Name):
                    return !Mentions(element.Index) && !Mentions(a.Value);
                case CodeDeclare d:
                    return !names.Contains(d.Name) && (d.Value is null || !Mentions(d.Value));
                default:
                    bool mentions = false;
                    CodeRewriter.Map(stmt, e =>
                    {
                        mentions |= Mentions(e);
                        return e;
                    });
                    return !mentions;
            }
        }

        return code.All(Check);
    }

    /// <summary>How many times generated code refers to the local <paramref name="name"/> (reads and writes).</summary>
    public static int CountName(IEnumerable<CodeStmt> code, string name)
    {
        int count = 0;
        foreach (CodeStmt stmt in code)
        {
            CodeRewriter.Map(stmt, e => ExprRewriter.Map(e, node =>
            {
                count += node is NameExpr n && n.Name == name ? 1 : 0;
                return null;
            }));
        }

        return count;
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
            CodeBlock b => new CodeBlock(System.Linq.Enumerable.Select(b.Statements, s => Map(s, map)).ToEquatableArray()),
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
