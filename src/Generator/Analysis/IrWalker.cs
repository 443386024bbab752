using System;
using System.Collections.Generic;
using AutoDiffGen.Generator.Model;

namespace AutoDiffGen.Generator.Analysis;

/// <summary>Traversals of the IR shared by the analyses.</summary>
internal static class IrWalker
{
    public static IEnumerable<Expr> Children(Expr expr)
    {
        switch (expr)
        {
            case ElementExpr e:
                yield return e.Collection;
                yield return e.Index;
                break;
            case LengthExpr e:
                yield return e.Collection;
                break;
            case UnaryExpr e:
                yield return e.Operand;
                break;
            case BinaryExpr e:
                yield return e.Left;
                yield return e.Right;
                break;
            case ConditionalExpr e:
                yield return e.Condition;
                yield return e.WhenTrue;
                yield return e.WhenFalse;
                break;
            case ConvertExpr e:
                yield return e.Operand;
                break;
            case MathCallExpr e:
                foreach (Expr argument in e.Arguments)
                {
                    yield return argument;
                }

                break;
            case CallExpr e:
                if (e.Receiver is not null)
                {
                    yield return e.Receiver;
                }

                foreach (Argument argument in e.Arguments)
                {
                    yield return argument.Value;
                }

                break;
            case MemberExpr { Receiver: not null } e:
                yield return e.Receiver;
                break;
            case NewArrayExpr e:
                if (e.Length is not null)
                {
                    yield return e.Length;
                }

                foreach (Expr element in e.Initializer)
                {
                    yield return element;
                }

                break;
            case StopGradientExpr e:
                yield return e.Operand;
                break;
            case SpanViewExpr e:
                yield return e.Source;
                foreach (Expr argument in e.Arguments)
                {
                    yield return argument;
                }

                break;
            case ObjectCreationExpr e:
                foreach (Argument argument in e.Arguments)
                {
                    yield return argument.Value;
                }

                break;
            case InterpolatedStringExpr e:
                foreach (InterpolationPart part in e.Parts)
                {
                    if (part.Value is not null)
                    {
                        yield return part.Value;
                    }
                }

                break;
            case InvokeExpr e:
                foreach (Argument argument in e.Arguments)
                {
                    yield return argument.Value;
                }

                break;
            case CopyArrayExpr e:
                yield return e.Source;
                break;
            case ReduceExpr e:
                foreach (Expr source in e.Sources)
                {
                    yield return source;
                }

                break;
        }
    }

    /// <summary>Every node of <paramref name="expr"/>, parents before children.</summary>
    public static IEnumerable<Expr> Descendants(Expr expr)
    {
        var stack = new Stack<Expr>();
        stack.Push(expr);
        while (stack.Count > 0)
        {
            Expr current = stack.Pop();
            yield return current;
            foreach (Expr child in Children(current))
            {
                stack.Push(child);
            }
        }
    }

    /// <summary>The expressions a statement evaluates itself (not those of nested statements).</summary>
    public static IEnumerable<Expr> OwnExpressions(Stmt stmt)
    {
        switch (stmt)
        {
            case DeclareStmt { Initializer: not null } s:
                yield return s.Initializer;
                break;
            case AssignStmt s:
                yield return s.Target;
                yield return s.Value;
                break;
            case CallStmt s:
                yield return s.Call;
                break;
            case IfStmt s:
                yield return s.Condition;
                break;
            case LoopStmt { Condition: not null } s:
                yield return s.Condition;
                break;
            case ReturnStmt { Value: not null } s:
                yield return s.Value;
                break;
            case ThrowStmt s:
                yield return s.Exception;
                break;
            case BulkStmt s:
                yield return s.Target;
                if (s.Input is not null)
                {
                    yield return s.Input;
                }

                break;
        }
    }

    /// <summary>The statements directly nested in <paramref name="stmt"/>, in execution order.</summary>
    public static IEnumerable<Stmt> NestedStatements(Stmt stmt)
    {
        switch (stmt)
        {
            case BlockStmt b:
                foreach (Stmt s in b.Statements)
                {
                    yield return s;
                }

                break;
            case IfStmt s:
                yield return s.Then;
                if (s.Else is not null)
                {
                    yield return s.Else;
                }

                break;
            case LoopStmt s:
                foreach (Stmt init in s.Initializers)
                {
                    yield return init;
                }

                yield return s.Body;
                foreach (Stmt increment in s.Increments)
                {
                    yield return increment;
                }

                break;
        }
    }

    /// <summary>All statements of a tree, parents before children.</summary>
    public static IEnumerable<Stmt> AllStatements(Stmt root)
    {
        var stack = new Stack<Stmt>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            Stmt current = stack.Pop();
            yield return current;
            var nested = new List<Stmt>(NestedStatements(current));
            for (int i = nested.Count - 1; i >= 0; i--)
            {
                stack.Push(nested[i]);
            }
        }
    }

    /// <summary>The expression without the conversions around it (double[] passed as IEnumerable&lt;double&gt;, ...).</summary>
    public static Expr StripConversions(Expr expr) => expr is ConvertExpr c ? StripConversions(c.Operand) : expr;

    /// <summary>Whether <paramref name="expr"/> is (a conversion of) an array or span of float or double.</summary>
    public static bool IsFloatingCollection(Expr expr) => StripConversions(expr).Type.IsFloatingCollection;

    /// <summary>The variable an array or span expression ultimately refers to (through views and conversions), or -1.</summary>
    public static int RootVariable(Expr expr) => expr switch
    {
        VariableExpr v => v.Id,
        SpanViewExpr s => RootVariable(s.Source),
        ConvertExpr c => RootVariable(c.Operand),
        _ => -1,
    };

    /// <summary>Adds to <paramref name="written"/> the variables a statement (and its nested statements) may write.</summary>
    public static void CollectWrites(Stmt stmt, HashSet<int> written)
    {
        foreach (Stmt s in AllStatements(stmt))
        {
            switch (s)
            {
                case DeclareStmt d:
                    written.Add(d.VariableId);
                    break;
                case AssignStmt a:
                    int target = a.Target is ElementExpr element ? RootVariable(element.Collection) : RootVariable(a.Target);
                    if (target >= 0)
                    {
                        written.Add(target);
                    }

                    break;
                case BulkStmt b when RootVariable(b.Target) is int bulkTarget && bulkTarget >= 0:
                    written.Add(bulkTarget);
                    break;
            }

            foreach (Expr expr in OwnExpressions(s))
            {
                foreach (Expr node in Descendants(expr))
                {
                    if (node is CallExpr call)
                    {
                        CollectCallWrites(call, written);
                    }
                }
            }
        }
    }

    /// <summary>The variables a call writes through ref/out arguments and written arrays.</summary>
    public static void CollectCallWrites(CallExpr call, HashSet<int> written)
    {
        for (int i = 0; i < call.Arguments.Count; i++)
        {
            Argument argument = call.Arguments[i];
            bool isWritten = argument.Kind is PassingMode.Ref or PassingMode.Out ||
                (i < call.Target.Parameters.Count && call.Target.Parameters[i].IsWritten);
            if (!isWritten)
            {
                continue;
            }

            int root = argument.Value is ElementExpr element ? RootVariable(element.Collection) : RootVariable(argument.Value);
            if (root >= 0)
            {
                written.Add(root);
            }
        }
    }

    public static bool ReadsAny(Expr expr, HashSet<int> variables)
    {
        foreach (Expr node in Descendants(expr))
        {
            if (node is VariableExpr v && variables.Contains(v.Id))
            {
                return true;
            }
        }

        return false;
    }

    public static void CollectReads(Expr expr, HashSet<int> reads)
    {
        foreach (Expr node in Descendants(expr))
        {
            if (node is VariableExpr v)
            {
                reads.Add(v.Id);
            }
        }
    }

    public static bool Contains(Expr expr, Func<Expr, bool> predicate)
    {
        foreach (Expr node in Descendants(expr))
        {
            if (predicate(node))
            {
                return true;
            }
        }

        return false;
    }
}
