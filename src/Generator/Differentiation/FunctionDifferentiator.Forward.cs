using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Analysis;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;
using AutoDiffGen.Generator.Parsing;

namespace AutoDiffGen.Generator.Differentiation;

internal sealed partial class FunctionDifferentiator
{
    /// <summary>A construct that a jump leaves: on the jump path it records what its normal end would have recorded.</summary>
    private abstract record Pending;

    private sealed record PendingBranch(IfStmt If, bool Branch) : Pending;

    private sealed record PendingLoop(LoopInfo Loop) : Pending;

    private List<CodeStmt> Forward(Stmt stmt, List<Pending> pending)
    {
        switch (stmt)
        {
            case BlockStmt block:
                return block.Statements.SelectMany(s => Forward(s, pending)).ToList();
            case IfStmt s:
                return ForwardIf(s, pending);
            case LoopStmt s:
                return ForwardLoop(s, pending);
            case BreakStmt s:
                return ForwardJump(s, pending, [new CodeBreak()]);
            case ContinueStmt s:
                return ForwardJump(s, pending, [new CodeContinue()]);
            case ReturnStmt s:
                return ForwardReturn(s, pending);
            case ThrowStmt s:
                return [new CodeThrow(s.Exception)];
            default:
                return ForwardLeaf(stmt);
        }
    }

    private bool IfRecordsDecision(IfStmt s) => _ifHasReverse.TryGetValue(s, out bool has) && has;

    private List<CodeStmt> ForwardIf(IfStmt s, List<Pending> pending)
    {
        bool records = IfRecordsDecision(s);
        bool inLoop = DepthOf(s) > 0;
        var then = Forward(s.Then, [.. pending, new PendingBranch(s, true)]);
        var otherwise = s.Else is null ? null : Forward(s.Else, [.. pending, new PendingBranch(s, false)]);
        if (!records)
        {
            return [new CodeIf(s.Condition, Block(then), otherwise is null ? null : Block(otherwise))];
        }

        if (!inLoop)
        {
            var flag = new NameExpr(TypeRef.Boolean, _ifFlags[s]!);
            return [new CodeAssign(flag, "=", s.Condition), new CodeIf(flag, Block(then), otherwise is null ? null : Block(otherwise))];
        }

        // Inside a loop the decision goes on the storage at the end of the branch (jumps push it themselves).
        if (CanCompleteNormally(s.Then))
        {
            then.Add(Push(new LiteralExpr(TypeRef.Boolean, "true")));
        }

        otherwise ??= [];
        if (s.Else is null || CanCompleteNormally(s.Else))
        {
            otherwise.Add(Push(new LiteralExpr(TypeRef.Boolean, "false")));
        }

        return [new CodeIf(s.Condition, Block(then), Block(otherwise))];
    }

    private List<CodeStmt> ForwardLoop(LoopStmt s, List<Pending> pending)
    {
        LoopInfo info = _loops[s.LoopId];
        var code = new List<CodeStmt>();
        var count = new NameExpr(TypeRef.Int32, info.CountName);
        var exit = new NameExpr(TypeRef.Int32, info.ExitName);
        bool stepPushesExit = info.NeedsCount && info.Mode == ExitMode.EveryIteration && s.Kind is LoopKind.For or LoopKind.ForEach;
        bool counts = info.NeedsCount && info.TripCount is null;
        if (counts)
        {
            code.Add(new CodeAssign(count, "=", Literals.Zero(TypeRef.Int32)));
            if (info.Mode == ExitMode.LastIteration)
            {
                code.Add(new CodeAssign(exit, "=", Literals.Zero(TypeRef.Int32)));
            }
        }

        var initializers = new List<CodeStmt>();
        foreach (Stmt init in s.Initializers)
        {
            initializers.AddRange(Forward(init, pending));
        }

        // A single plain initializer goes in the for header, as in the source.
        bool initializerInHeader = s.Kind is LoopKind.For or LoopKind.ForEach && initializers.Count == 1 && initializers[0] is CodeAssign;
        if (!initializerInHeader)
        {
            code.AddRange(initializers);
        }

        var body = new List<CodeStmt>();
        if (counts)
        {
            body.Add(new CodeIncrement(count, Decrement: false));
            if (stepPushesExit)
            {
                body.Add(new CodeAssign(exit, "=", Literals.Zero(TypeRef.Int32)));
            }
        }

        body.AddRange(Forward(s.Body, [.. pending, new PendingLoop(info)]));
        if (IsFused(s) && _fusedReverse.TryGetValue(s.LoopId, out List<CodeStmt>? reverse) && reverse.Count > 0)
        {
            body.Add(new CodeComment("Reverse of this iteration, right away (the loop only accumulates: its iterations' reverses are independent)."));
            body.AddRange(reverse);
        }

        if (info.NeedsCount && info.Mode == ExitMode.EveryIteration && !stepPushesExit && CanCompleteNormally(s.Body))
        {
            body.Add(Push(Literals.Zero(TypeRef.Int32)));
        }

        var steps = new List<CodeStmt>();
        foreach (Stmt increment in s.Increments)
        {
            steps.AddRange(Forward(increment, pending));
        }

        if (stepPushesExit)
        {
            steps.Add(Push(exit));
        }

        Expr condition = s.Condition ?? new LiteralExpr(TypeRef.Boolean, "true");
        if (IsFused(s) && _fusedAhead.TryGetValue(s.LoopId, out List<CodeStmt>? ahead) && ahead.Count > 0)
        {
            code.Add(new CodeComment("Adjoint of what the loop accumulates, known before it runs (from the code after it)."));
            code.AddRange(ahead);
        }

        code.Add(new CodeComment(s.Source));
        switch (s.Kind)
        {
            case LoopKind.While:
                code.Add(new CodeWhile(condition, Block(body), IsDoWhile: false));
                break;
            case LoopKind.DoWhile:
                code.Add(new CodeWhile(condition, Block(body), IsDoWhile: true));
                break;
            default:
                code.Add(new CodeFor(initializerInHeader ? initializers.ToEquatableArray() : EquatableArray<CodeStmt>.Empty, s.Condition, steps.ToEquatableArray(), Block(body)));
                break;
        }

        code.AddRange(LoopEnd(info));
        return code;
    }

    /// <summary>What a loop records when it ends (nested loops keep their counts on the storage).</summary>
    private List<CodeStmt> LoopEnd(LoopInfo info)
    {
        var code = new List<CodeStmt>();
        if (info.NeedsCount && info.Depth > 0 && info.TripCount is null)
        {
            code.Add(Push(new NameExpr(TypeRef.Int32, info.CountName)));
            if (info.Mode == ExitMode.LastIteration)
            {
                code.Add(Push(new NameExpr(TypeRef.Int32, info.ExitName)));
            }
        }

        return code;
    }

    /// <summary>
    /// Bookkeeping on a jump path: each construct the jump leaves records what it records at its normal end, from
    /// the innermost out, then the jump's id is recorded where the reverse sweep will look for it.
    /// </summary>
    private List<CodeStmt> ForwardJump(Stmt jumpStmt, List<Pending> pending, List<CodeStmt> jump)
    {
        Jump info = _jumps[jumpStmt];
        var code = new List<CodeStmt>();
        var idLiteral = new LiteralExpr(TypeRef.Int32, Id(info.Id));
        for (int i = pending.Count - 1; i >= 0; i--)
        {
            switch (pending[i])
            {
                case PendingBranch branch:
                    if (IfRecordsDecision(branch.If) && DepthOf(branch.If) > 0)
                    {
                        code.Add(Push(new LiteralExpr(TypeRef.Boolean, branch.Branch ? "true" : "false")));
                    }

                    break;

                case PendingLoop loop:
                    LoopInfo l = loop.Loop;
                    if (l.NeedsCount)
                    {
                        bool isTarget = info.Kind == JumpKind.Return || info.LoopId == l.Loop.LoopId;
                        if (isTarget && l.Mode != ExitMode.None)
                        {
                            bool stepPushesExit = l.Mode == ExitMode.EveryIteration && l.Loop.Kind is LoopKind.For or LoopKind.ForEach;
                            var exit = new NameExpr(TypeRef.Int32, l.ExitName);
                            if (l.Mode == ExitMode.EveryIteration)
                            {
                                code.Add(stepPushesExit && info.Kind == JumpKind.Continue ? new CodeAssign(exit, "=", idLiteral) : Push(idLiteral));
                            }
                            else
                            {
                                code.Add(new CodeAssign(exit, "=", idLiteral));
                            }
                        }

                        if (info.Kind == JumpKind.Return)
                        {
                            code.AddRange(LoopEnd(l));
                        }
                    }

                    break;
            }

            if (pending[i] is PendingLoop p && info.Kind != JumpKind.Return && p.Loop.Loop.LoopId == info.LoopId)
            {
                break;
            }
        }

        code.AddRange(jump);
        return code;
    }

    private List<CodeStmt> ForwardReturn(ReturnStmt s, List<Pending> pending)
    {
        var code = new List<CodeStmt>();
        if (s.Value is not null)
        {
            code.AddRange(ForwardLeaf(s));
        }

        if (!_jumps.ContainsKey(s))
        {
            return code;
        }

        var jump = new List<CodeStmt>
        {
            new CodeAssign(new NameExpr(TypeRef.Int32, _exitName!), "=", new LiteralExpr(TypeRef.Int32, Id(_jumps[s].Id))),
            new CodeGoto(_reverseLabel!),
        };
        code.AddRange(ForwardJump(s, pending, jump));
        return code;
    }

    /// <summary>One simple statement: save what it overwrites and the reverse sweep needs, then run it.</summary>
    private List<CodeStmt> ForwardLeaf(Stmt leaf)
    {
        var code = new List<CodeStmt>();
        SavePlan plan = SavesOf(leaf);
        bool inLoop = DepthOf(leaf) > 0;

        if (CallOf(leaf) is { } call)
        {
            foreach (KeyValuePair<int, SaveMode> argument in plan.Arguments.OrderBy(a => a.Key))
            {
                Expr value = call.Arguments[argument.Key].Value;
                if (value.Type.IsCollection)
                {
                    code.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, Tape + ".PushSpan", Args(value))));
                }
                else if (argument.Value == SaveMode.Tape)
                {
                    code.Add(Push(value));
                }
                else
                {
                    code.Add(new CodeAssign(new NameExpr(value.Type, plan.ArgumentLocals[argument.Key]), "=", value));
                }
            }
        }

        Expr? target = TargetOf(leaf);

        // When the new value involves a call (Math.Exp, a helper), compute it before the push: otherwise values that
        // feed it (a loop's accumulator) stay live across the push's rarely taken growth call and the JIT keeps them
        // in memory for the whole loop.
        // Speed-up ComputeBeforeSave. Claim: computing the new value before pushing the old one changes nothing.
        // Precondition: computing the value writes nothing (no call in it writes an argument), so the pushed value
        // is still the old one.
        string? computedFirst = null;
        if (_options.Has(SpeedUp.ComputeBeforeSave) && plan.Target == SaveMode.Tape && target is { Type.IsCollection: false } &&
            leaf is DeclareStmt or AssignStmt { Kind: AssignKind.Simple or AssignKind.Compound } &&
            ValueExpressionsOf(leaf).FirstOrDefault() is { } newValue && IrWalker.Contains(newValue, e => e is MathCallExpr or CallExpr or ReduceExpr) &&
            !IrWalker.Contains(newValue, e => e is CallExpr call && WritesArguments(call)))
        {
            computedFirst = _names.Allocate(BaseNameOf(target) + "Next");
            code.Add(new CodeDeclare(newValue.Type, computedFirst, WithFlags(newValue)));
        }

        if (target is not null)
        {
            switch (plan.Target)
            {
                case SaveMode.Tape when leaf is BulkStmt:
                    // A bulk write overwrites the contents of its target view.
                    code.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, Tape + ".PushSpan", Args(target))));
                    break;
                case SaveMode.Tape when target is VariableExpr { Id: var spanId } && IsSpanVariable(spanId):
                    SaveSpanBinding(spanId, code);
                    break;
                case SaveMode.Tape:
                    code.Add(Push(target));
                    if (target is VariableExpr { Type.IsCollection: true } array && IsActiveVariable(array.Id) && HasArrayAdjoint(array.Id))
                    {
                        // The binding's adjoint goes with it.
                        code.Add(Push(AdjointOf(array.Id)));
                    }

                    break;
                case SaveMode.Local:
                    code.Add(new CodeAssign(new NameExpr(target.Type, plan.TargetLocal!), "=", target));
                    break;
            }
        }

        List<(string Flag, Expr Condition)>? flags = _leafFlags.TryGetValue(leaf, out List<(string, Expr)>? f) ? f : null;
        if (flags is not null)
        {
            foreach ((string flag, Expr condition) in flags)
            {
                code.Add(new CodeAssign(new NameExpr(TypeRef.Boolean, flag), "=", condition));
            }
        }

        // Where a span variable's new binding lies, found before the binding (p = p.Slice(1) reads the old p).
        if (TargetOf(leaf) is VariableExpr { Type.IsCollection: true } bound && leaf is DeclareStmt or AssignStmt { Kind: AssignKind.Simple })
        {
            RecordSpanBinding(bound.Id, ValueExpressionsOf(leaf).First(), code);
        }

        switch (leaf)
        {
            case DeclareStmt or AssignStmt when computedFirst is not null:
                var computed = new NameExpr(ValueExpressionsOf(leaf).First().Type, computedFirst);
                code.Add(leaf is AssignStmt { Kind: AssignKind.Compound } compound
                    ? new CodeAssign(compound.Target, Emitting.ExpressionPrinter.OperatorText(compound.Op) + "=", computed)
                    : new CodeAssign(target!, "=", computed));
                break;
            case DeclareStmt { Initializer: not null } d:
                code.Add(new CodeAssign(target!, "=", WithFlags(d.Initializer)));
                AfterCollectionWrite(d.VariableId, d.Initializer, code);
                break;
            case AssignStmt a:
                code.Add(a.Kind switch
                {
                    AssignKind.Increment => new CodeIncrement(a.Target, Decrement: false),
                    AssignKind.Decrement => new CodeIncrement(a.Target, Decrement: true),
                    AssignKind.Compound => new CodeAssign(a.Target, Emitting.ExpressionPrinter.OperatorText(a.Op) + "=", WithFlags(a.Value)),
                    _ => new CodeAssign(a.Target, "=", WithFlags(a.Value)),
                });
                if (a.Target is VariableExpr { Type.IsCollection: true } v)
                {
                    AfterCollectionWrite(v.Id, a.Value, code);
                }

                break;
            case CallStmt c:
                code.Add(new CodeExpression(WithFlags(c.Call)));
                break;
            case BulkStmt b:
                code.Add(new CodeExpression(b.Call));
                break;
            case ReturnStmt { Value: not null } r:
                code.Add(new CodeAssign(new NameExpr(r.Value.Type, _resultName), "=", WithFlags(r.Value)));
                break;
        }

        if (flags is not null && inLoop)
        {
            foreach ((string flag, _) in flags)
            {
                code.Add(Push(new NameExpr(TypeRef.Boolean, flag)));
            }
        }

        return code;
    }

    private static bool WritesArguments(CallExpr call)
    {
        var written = new HashSet<int>();
        IrWalker.CollectCallWrites(call, written);
        return written.Count > 0 || call.Arguments.Any(a => a.Kind is PassingMode.Ref or PassingMode.Out);
    }

    /// <summary>After an array variable is bound: rent its adjoint buffer, or point its adjoint at the same view of the other adjoint.</summary>
    private void AfterCollectionWrite(int id, Expr value, List<CodeStmt> code)
    {
        if (!Variable(id).Type.IsCollection)
        {
            return;
        }

        if (!IsActiveVariable(id))
        {
            return;
        }

        NameExpr adjoint = AdjointOf(id);
        if (value is NewArrayExpr or CopyArrayExpr)
        {
            Expr length = value switch
            {
                NewArrayExpr { Length: not null } n => n.Length,
                NewArrayExpr n => new LiteralExpr(TypeRef.Int32, Id(n.Initializer.Count)),
                _ => new LengthExpr(((CopyArrayExpr)value).Source),
            };
            code.Add(new CodeAssign(adjoint, "=", new InvokeExpr(adjoint.Type, Storage + ".RentZeroed<" + Variable(id).Type.ElementName + ">", Args(length))));
        }
        else if (adjoint.Type.Shape == ShapeKind.Array)
        {
            // An array re-bound to another array: its adjoint is the other's adjoint array.
            code.Add(new CodeAssign(adjoint, "=", AdjointArray(value)));
        }
        else if (IsActive(value) || IrWalker.RootVariable(value) is int root && root >= 0 && IsActiveVariable(root))
        {
            code.Add(new CodeAssign(adjoint, "=", AdjointSpan(value)));
        }
    }
}
