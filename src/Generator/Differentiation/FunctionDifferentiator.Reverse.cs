using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Analysis;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;
using AutoDiffGen.Generator.Parsing;

namespace AutoDiffGen.Generator.Differentiation;

internal sealed partial class FunctionDifferentiator
{
    /// <summary>The scope whose early exits guard the reverse of a statement sequence.</summary>
    /// <param name="LoopId">The loop whose iteration this is, or -1 for the method body.</param>
    /// <param name="ExitCode">How the frame ended (0: normally; otherwise the jump's id), or null if it cannot end early.</param>
    private sealed record Frame(int LoopId, Expr? ExitCode);

    private readonly Dictionary<object, string?> _ifFlags = new(ReferenceComparer.Instance);
    private readonly Dictionary<object, bool> _ifHasReverse = new(ReferenceComparer.Instance);

    // ---- conditional-expression flags ---------------------------------------------------------------------------

    /// <summary>For each leaf, the flags that record its conditional expressions' decisions, outermost first.</summary>
    private readonly Dictionary<object, List<(string Flag, Expr Condition)>> _leafFlags = new(ReferenceComparer.Instance);
    private readonly Dictionary<object, string> _conditionalFlags = new(ReferenceComparer.Instance);

    /// <summary>Allocates a flag for every conditional expression whose branches carry a derivative.</summary>
    private void PlanConditionalFlags()
    {
        foreach (Stmt leaf in IrWalker.AllStatements(_function.Body).Where(IsLeaf))
        {
            var flags = new List<(string, Expr)>();
            foreach (Expr value in ValueExpressionsOf(leaf))
            {
                CollectFlags(value, null, flags);
            }

            if (flags.Count > 0)
            {
                _leafFlags[leaf] = flags;
            }
        }
    }

    private static IEnumerable<Expr> ValueExpressionsOf(Stmt leaf)
    {
        switch (leaf)
        {
            case DeclareStmt { Initializer: not null } d:
                yield return d.Initializer;
                break;
            case AssignStmt a:
                yield return a.Value;
                break;
            case ReturnStmt { Value: not null } r:
                yield return r.Value;
                break;
            case CallStmt c:
                yield return c.Call;
                break;
        }
    }

    private void CollectFlags(Expr expr, Expr? guard, List<(string Flag, Expr Condition)> flags)
    {
        if (expr is ConditionalExpr conditional && IsActive(expr))
        {
            string flag = _names.Allocate("condition");
            _conditionalFlags[conditional] = flag;
            _localDeclarations.Add(new CodeDeclare(TypeRef.Boolean, flag, new LiteralExpr(TypeRef.Boolean, "false")));
            Expr condition = guard is null ? conditional.Condition : new BinaryExpr(TypeRef.Boolean, BinaryOp.ConditionalAnd, guard, conditional.Condition);
            flags.Add((flag, condition));
            var flagExpr = new NameExpr(TypeRef.Boolean, flag);
            Expr trueGuard = guard is null ? flagExpr : new BinaryExpr(TypeRef.Boolean, BinaryOp.ConditionalAnd, guard, flagExpr);
            Expr falseGuard = new UnaryExpr(TypeRef.Boolean, UnaryOp.Not, flagExpr);
            falseGuard = guard is null ? falseGuard : new BinaryExpr(TypeRef.Boolean, BinaryOp.ConditionalAnd, guard, falseGuard);
            CollectFlags(conditional.WhenTrue, trueGuard, flags);
            CollectFlags(conditional.WhenFalse, falseGuard, flags);
            return;
        }

        if (expr is ConditionalExpr)
        {
            return;
        }

        foreach (Expr child in IrWalker.Children(expr))
        {
            if (child.Type.IsFloating || child is CallExpr)
            {
                CollectFlags(child, guard, flags);
            }
        }
    }

    /// <summary>The expression with each flagged conditional testing its flag instead of re-evaluating its condition.</summary>
    private Expr WithFlags(Expr expr) =>
        _conditionalFlags.Count == 0
            ? expr
            : ExprRewriter.Map(expr, e => e is ConditionalExpr c && _conditionalFlags.TryGetValue(c, out string? flag)
                ? c with { Condition = new NameExpr(TypeRef.Boolean, flag), WhenTrue = WithFlags(c.WhenTrue), WhenFalse = WithFlags(c.WhenFalse) }
                : null);

    // ---- structure -------------------------------------------------------------------------------------------

    private List<CodeStmt> ReverseBlock(IReadOnlyList<Stmt> statements, Frame frame)
    {
        var pieces = new List<(HashSet<int> Guard, List<CodeStmt> Code)>();
        var exitedBefore = new HashSet<int>();
        foreach (Stmt stmt in statements)
        {
            pieces.Add((new HashSet<int>(exitedBefore), Reverse(stmt, frame)));
            exitedBefore.UnionWith(ExitsOfFrame(stmt, frame.LoopId));
        }

        var output = new List<CodeStmt>();
        HashSet<int>? groupGuard = null;
        var group = new List<CodeStmt>();
        void Flush()
        {
            if (group.Count > 0 && groupGuard is not null)
            {
                output.Add(new CodeIf(GuardCondition(frame, groupGuard), Block(group), null));
            }

            group = [];
            groupGuard = null;
        }

        for (int i = pieces.Count - 1; i >= 0; i--)
        {
            (HashSet<int> guard, List<CodeStmt> code) = pieces[i];
            if (code.Count == 0)
            {
                continue;
            }

            if (guard.Count == 0 || frame.ExitCode is null)
            {
                Flush();
                output.AddRange(code);
                continue;
            }

            if (groupGuard is not null && !groupGuard.SetEquals(guard))
            {
                Flush();
            }

            groupGuard ??= guard;
            group.AddRange(code);
        }

        Flush();
        return output;
    }

    /// <summary><c>exit != 3 &amp;&amp; exit != 5</c>: the statements ran only if none of those jumps was taken.</summary>
    private static Expr GuardCondition(Frame frame, HashSet<int> exits)
    {
        Expr? condition = null;
        foreach (int id in exits.OrderBy(x => x))
        {
            Expr test = new BinaryExpr(TypeRef.Boolean, BinaryOp.NotEquals, frame.ExitCode!, new LiteralExpr(TypeRef.Int32, Id(id)));
            condition = condition is null ? test : new BinaryExpr(TypeRef.Boolean, BinaryOp.ConditionalAnd, condition, test);
        }

        return condition!;
    }

    private static CodeBlock Block(IEnumerable<CodeStmt> statements) => new(statements.ToEquatableArray());

    private List<CodeStmt> Reverse(Stmt stmt, Frame frame)
    {
        switch (stmt)
        {
            case BlockStmt block:
                return ReverseBlock(block.Statements, frame);
            case IfStmt s:
                return ReverseIf(s, frame);
            case LoopStmt s when IsFused(s):
            {
                // The iteration's reverse runs inside the forward sweep (see FunctionDifferentiator.Fusion).
                _fusedReverse[s.LoopId] = ReverseBlock(s.Body.Statements, new Frame(s.LoopId, null));
                var code = new List<CodeStmt> { new FusedLoopMarker(s.LoopId) };
                code.AddRange(ReverseBlock(s.Initializers, frame));
                return code;
            }

            case LoopStmt s:
                return ReverseLoop(s, frame);
            default:
                return IsLeaf(stmt) ? ReverseLeaf(stmt) : [];
        }
    }

    private List<CodeStmt> ReverseIf(IfStmt s, Frame frame)
    {
        List<CodeStmt> then = ReverseBlock(s.Then.Statements, frame);
        List<CodeStmt> otherwise = s.Else is null ? [] : ReverseBlock(s.Else.Statements, frame);
        bool hasReverse = then.Count > 0 || otherwise.Count > 0;
        _ifHasReverse[s] = hasReverse;
        if (!hasReverse)
        {
            return [];
        }

        Expr decision;
        if (DepthOf(s) > 0)
        {
            decision = Pop(TypeRef.Boolean);
        }
        else
        {
            if (!_ifFlags.TryGetValue(s, out string? flag) || flag is null)
            {
                flag = _names.Allocate("branch");
                _ifFlags[s] = flag;
                _localDeclarations.Add(new CodeDeclare(TypeRef.Boolean, flag, new LiteralExpr(TypeRef.Boolean, "false")));
            }

            decision = new NameExpr(TypeRef.Boolean, flag);
        }

        var code = new List<CodeStmt> { new CodeComment(s.Source) };
        if (then.Count == 0)
        {
            code.Add(new CodeIf(new UnaryExpr(TypeRef.Boolean, UnaryOp.Not, decision), Block(otherwise), null));
        }
        else
        {
            code.Add(new CodeIf(decision, Block(then), otherwise.Count == 0 ? null : Block(otherwise)));
        }

        return code;
    }

    private List<CodeStmt> ReverseLoop(LoopStmt s, Frame frame)
    {
        LoopInfo info = _loops[s.LoopId];
        Expr count = new NameExpr(TypeRef.Int32, info.CountName);
        Expr step = new NameExpr(TypeRef.Int32, info.StepName);
        Expr? exitCode = info.Mode == ExitMode.None ? null : new NameExpr(TypeRef.Int32, _names.Allocate(LoopBaseName(s) + "Exited"));
        List<CodeStmt> body = ReverseBlock(s.Body.Statements, new Frame(s.LoopId, exitCode));
        List<CodeStmt> increments = ReverseBlock(s.Increments, new Frame(s.LoopId, null));
        List<CodeStmt> initializers = ReverseBlock(s.Initializers, frame);
        info.NeedsCount = body.Count > 0 || increments.Count > 0;
        if (!info.NeedsCount)
        {
            return initializers;
        }

        var code = new List<CodeStmt> { new CodeComment(s.Source) };
        if (info.TripCount is not null)
        {
            code.Add(new CodeAssign(count, "=", info.TripCount));
        }
        else if (info.Depth > 0)
        {
            code.Add(new CodeAssign(count, "=", Pop(TypeRef.Int32)));
        }

        var iteration = new List<CodeStmt>();
        var ranIncrementCode = new List<CodeStmt>();
        if (increments.Count > 0)
        {
            // The increments ran after every iteration that ended normally or with continue.
            if (exitCode is null)
            {
                ranIncrementCode.AddRange(increments);
            }
            else
            {
                Expr ranIncrement = new BinaryExpr(TypeRef.Boolean, BinaryOp.Equals, exitCode, Literals.Zero(TypeRef.Int32));
                foreach (int id in info.ContinueIds)
                {
                    ranIncrement = new BinaryExpr(TypeRef.Boolean, BinaryOp.ConditionalOr, ranIncrement,
                        new BinaryExpr(TypeRef.Boolean, BinaryOp.Equals, exitCode, new LiteralExpr(TypeRef.Int32, Id(id))));
                }

                ranIncrementCode.Add(new CodeIf(ranIncrement, Block(increments), null));
            }
        }

        // The exit code is only recorded (forward) and recovered (here) when the reverse sweep tests it.
        info.ExitCodeUsed = exitCode is NameExpr used && (CodeWalker.UsesName(body, used.Name) || CodeWalker.UsesName(ranIncrementCode, used.Name));
        if (info.ExitCodeUsed && exitCode is NameExpr exitName)
        {
            if (info.Depth > 0 && info.Mode == ExitMode.LastIteration)
            {
                code.Insert(1, new CodeAssign(new NameExpr(TypeRef.Int32, info.ExitName), "=", Pop(TypeRef.Int32)));
            }

            Expr exitValue = info.Mode == ExitMode.EveryIteration
                ? Pop(TypeRef.Int32)
                : new ConditionalExpr(TypeRef.Int32, new BinaryExpr(TypeRef.Boolean, BinaryOp.Equals, step, count), new NameExpr(TypeRef.Int32, info.ExitName), Literals.Zero(TypeRef.Int32));
            iteration.Add(new CodeDeclare(TypeRef.Int32, exitName.Name, exitValue));
        }

        iteration.AddRange(ranIncrementCode);
        foreach (Stmt recomputed in info.Recomputed)
        {
            var d = (DeclareStmt)recomputed;
            iteration.Add(new CodeAssign(new VariableExpr(Variable(d.VariableId).Type, d.VariableId), "=", d.Initializer!));
        }
        iteration.AddRange(body);
        if (info.Counter >= 0 && increments.Count > 0)
        {
            // i = start + count * step: the value the counter had when the loop ended.
            var counter = new VariableExpr(Variable(info.Counter).Type, info.Counter);
            Expr travelled = info.CounterStep == 1 ? count : new BinaryExpr(TypeRef.Int32, BinaryOp.Multiply, count, new LiteralExpr(TypeRef.Int32, Id(info.CounterStep)));
            code.Add(new CodeAssign(counter, "=", info.CounterStart is LiteralExpr { Text: "0" } ? travelled : new BinaryExpr(TypeRef.Int32, BinaryOp.Add, info.CounterStart!, travelled)));
        }

        code.Add(new CodeFor(
            EquatableArray.Create<CodeStmt>(new CodeDeclare(TypeRef.Int32, info.StepName, count)),
            new BinaryExpr(TypeRef.Boolean, BinaryOp.Greater, step, Literals.Zero(TypeRef.Int32)),
            EquatableArray.Create<CodeStmt>(new CodeIncrement(step, Decrement: true)),
            Block(iteration)));
        code.AddRange(initializers);
        return code;
    }

    private string LoopBaseName(LoopStmt loop) => LoopVariableName(loop) ?? "loop";

    // ---- leaves ----------------------------------------------------------------------------------------------

    /// <summary>The reverse of one simple statement: pop its flags, restore what it overwrote, propagate adjoints.</summary>
    private List<CodeStmt> ReverseLeaf(Stmt leaf)
    {
        _valueCache.Clear();
        var code = new List<CodeStmt>();
        SavePlan plan = SavesOf(leaf);
        bool inLoop = DepthOf(leaf) > 0;
        if (inLoop && _leafFlags.TryGetValue(leaf, out List<(string Flag, Expr Condition)>? flags))
        {
            for (int i = flags.Count - 1; i >= 0; i--)
            {
                code.Add(new CodeAssign(new NameExpr(TypeRef.Boolean, flags[i].Flag), "=", Pop(TypeRef.Boolean)));
            }
        }

        int flagCount = code.Count;
        switch (leaf)
        {
            case DeclareStmt { Initializer: null }:
                break;

            case DeclareStmt d:
            {
                var target = new VariableExpr(Variable(d.VariableId).Type, d.VariableId);
                ReverseWrite(leaf, target, WithFlags(d.Initializer!), AssignKind.Simple, BinaryOp.Add, isDeclaration: true, plan, code);
                break;
            }

            case AssignStmt a:
                ReverseWrite(leaf, a.Target, WithFlags(a.Value), a.Kind, a.Op, isDeclaration: false, plan, code);
                break;

            case CallStmt c:
                ReverseCall(leaf, (CallExpr)WithFlags(c.Call), seed: null, plan, code);
                break;

            case ReturnStmt { Value: CallExpr call }:
                ReverseCall(leaf, (CallExpr)WithFlags(call), SeedOfReturn(call.Type), plan, code);
                break;

            case ReturnStmt { Value: not null } r:
                Propagate(WithFlags(r.Value), SeedOfReturn(r.Value.Type), code);
                break;

            case BulkStmt b:
                ReverseBulk(b, plan, code);
                break;
        }

        if (code.Count == flagCount && flagCount > 0)
        {
            // Nothing to do but the flags were pushed: they still have to be popped.
            return code;
        }

        if (code.Count > 0)
        {
            code.Insert(0, new CodeComment(leaf.Source));
        }

        return code;
    }

    private Expr SeedOfReturn(TypeRef type)
    {
        Expr seed = new NameExpr(_function.ReturnType, _seedName);
        return type == _function.ReturnType ? seed : new ConvertExpr(type, seed, true);
    }

    private void ReverseWrite(Stmt leaf, Expr target, Expr value, AssignKind kind, BinaryOp op, bool isDeclaration, SavePlan plan, List<CodeStmt> code)
    {
        if (target is VariableExpr { Type.IsCollection: true } collection)
        {
            ReverseCollectionWrite(collection, value, plan, code);
            return;
        }

        // Speed-up ReuseResults. Claim: the reverse of t = exp(x), sqrt, tanh, ... or a quotient may read the value
        // the statement assigned instead of computing it again. Precondition: when this reverse runs, t still holds
        // that value. The copy below is taken before anything is restored, and the to-be-recorded analysis counts it
        // as a read of the state AFTER the statement (a post-read), so every later statement that overwrites t saves
        // and restores it first. Plain form: the value is computed again from its operands.
        string? copy = null;
        if (_options.Has(SpeedUp.ReuseResults) && kind == AssignKind.Simple && IsActiveTarget(target) && value is MathCallExpr or BinaryExpr { Op: BinaryOp.Divide })
        {
            copy = _names.Allocate(BaseNameOf(target) + "Value");
        }

        int restoreAt = code.Count;
        Restore(leaf, target, plan, code);
        var rest = new List<CodeStmt>();
        if (copy is not null)
        {
            _valueCache[value] = new NameExpr(target.Type, copy);
        }

        ReverseWriteAdjoint(leaf, target, value, kind, op, isDeclaration, plan, rest);
        if (copy is not null && CodeWalker.UsesName(rest, copy))
        {
            code.Insert(restoreAt, new CodeDeclare(target.Type, copy, target, CopiesResult: true));
        }

        code.AddRange(rest);
    }

    /// <summary>Propagates the adjoint of the value a statement assigned to the values it was computed from.</summary>
    private void ReverseWriteAdjoint(Stmt leaf, Expr target, Expr value, AssignKind kind, BinaryOp op, bool isDeclaration, SavePlan plan, List<CodeStmt> code)
    {
        bool targetActive = IsActiveTarget(target);
        if (!targetActive)
        {
            if (value is CallExpr inactiveCall)
            {
                ReverseCall(leaf, inactiveCall, seed: null, plan, code);
            }

            return;
        }

        Expr adjoint = target is VariableExpr v ? AdjointOf(v.Id) : AdjointElement((ElementExpr)target);
        bool needsZero = !isDeclaration || DepthOf(leaf) > 0;
        switch (kind)
        {
            case AssignKind.Increment or AssignKind.Decrement:
                return;
            case AssignKind.Compound when op is BinaryOp.Add or BinaryOp.Subtract:
            {
                // t += v: dv += dt, and dt stays. When v reads t (x += x / a), the propagation into v adds to dt
                // itself: take dt's value first, so that every term uses the adjoint of the new t.
                Expr seed = adjoint;
                if (ReadsTarget(value, target))
                {
                    string name = _names.Allocate(NameOf(adjoint) + "New");
                    code.Add(new CodeDeclare(target.Type, name, adjoint));
                    seed = new NameExpr(target.Type, name);
                }

                Propagate(value, op == BinaryOp.Add ? seed : Negate(seed), code);
                return;
            }

            case AssignKind.Compound:
                value = new BinaryExpr(target.Type, op, target, value);
                break;
        }

        if (value is CallExpr call)
        {
            Expr seed = adjoint;
            if (needsZero || adjoint is ElementExpr)
            {
                string name = _names.Allocate(NameOf(adjoint) + "New");
                code.Add(new CodeDeclare(target.Type, name, adjoint));
                code.Add(new CodeAssign(adjoint, "=", Literals.Zero(target.Type)));
                seed = new NameExpr(target.Type, name);
            }

            ReverseCall(leaf, call, seed, plan, code);
            return;
        }

        if (!IsActive(value))
        {
            if (needsZero)
            {
                code.Add(new CodeAssign(adjoint, "=", Literals.Zero(target.Type)));
            }

            return;
        }

        if (ReadsTarget(value, target))
        {
            string name = _names.Allocate(NameOf(adjoint) + "New");
            code.Add(new CodeDeclare(target.Type, name, adjoint));
            code.Add(new CodeAssign(adjoint, "=", Literals.Zero(target.Type)));
            Propagate(value, new NameExpr(target.Type, name), code);
        }
        else
        {
            Propagate(value, adjoint, code);
            if (needsZero)
            {
                code.Add(new CodeAssign(adjoint, "=", Literals.Zero(target.Type)));
            }
        }
    }

    private static string NameOf(Expr adjoint) => adjoint switch
    {
        NameExpr n => n.Name,
        ElementExpr e => NameOf(e.Collection) + "Element",
        _ => "adjoint",
    };

    private bool IsActiveTarget(Expr target) => target switch
    {
        VariableExpr v => IsActiveVariable(v.Id),
        ElementExpr e => IrWalker.RootVariable(e.Collection) is int root && root >= 0 && IsActiveVariable(root),
        _ => false,
    };

    /// <summary>Whether the value's derivative involves the target itself (then the adjoint is taken before it is reset).</summary>
    private bool ReadsTarget(Expr value, Expr target)
    {
        int targetClass = WrittenClass(target);
        return ActivityAnalysis.DependsOn(value, id => ClassOf(id) == targetClass) ||
            IrWalker.Contains(value, e => e is CallExpr call && call.Arguments.Any(a => a.Value.Type.IsCollection && WrittenClass(a.Value) == targetClass));
    }

    /// <summary>Undoes the statement's write of <paramref name="target"/>.</summary>
    private void Restore(Stmt leaf, Expr target, SavePlan plan, List<CodeStmt> code)
    {
        switch (plan.Target)
        {
            case SaveMode.Local:
                code.Add(new CodeAssign(target, "=", new NameExpr(target.Type, plan.TargetLocal ?? "?")));
                break;
            case SaveMode.Tape:
                code.Add(new CodeAssign(target, "=", Pop(target.Type)));
                break;
            case SaveMode.Invert when leaf is AssignStmt a:
                code.Add(a.Kind switch
                {
                    AssignKind.Increment => new CodeIncrement(target, Decrement: true),
                    AssignKind.Decrement => new CodeIncrement(target, Decrement: false),
                    _ => new CodeAssign(target, a.Op == BinaryOp.Add ? "-=" : "+=", a.Value),
                });
                break;
        }
    }

    /// <summary>Copy, Fill, Clear: restore the target view's contents, then move its adjoint to where the values came from.</summary>
    private void ReverseBulk(BulkStmt bulk, SavePlan plan, List<CodeStmt> code)
    {
        if (plan.Target == SaveMode.Tape)
        {
            code.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, Tape + ".PopSpan", Args(bulk.Target))));
        }

        int target = IrWalker.RootVariable(bulk.Target);
        if (!IsActiveVariable(target))
        {
            return;
        }

        Expr targetAdjoint = AdjointSpan(bulk.Target);
        switch (bulk.Kind)
        {
            case BulkKind.Copy when IrWalker.RootVariable(bulk.Input!) is int source && IsActiveVariable(source):
                // Views of one array may overlap: the runtime takes the target's adjoint before clearing it.
                code.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, Storage + ".AddIntoAndClear", Args(AdjointSpan(bulk.Input!), targetAdjoint))));
                break;
            case BulkKind.Fill when IsActive(bulk.Input!):
            {
                string sum = _names.Allocate("dFilled");
                code.Add(new CodeDeclare(bulk.Input!.Type, sum, new InvokeExpr(bulk.Input.Type, Storage + ".SumAndClear", Args(targetAdjoint))));
                Propagate(bulk.Input, new NameExpr(bulk.Input.Type, sum), code);
                break;
            }

            default:
                code.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, Storage + ".Clear", Args(targetAdjoint))));
                break;
        }
    }

    /// <summary>An array variable (re)bound: a new buffer (its adjoint buffer returns to the pool) or an alias.</summary>
    private void ReverseCollectionWrite(VariableExpr target, Expr value, SavePlan plan, List<CodeStmt> code)
    {
        bool active = IsActiveVariable(target.Id);
        if (active && value is CopyArrayExpr copy && IsAllocatedHere(target.Id))
        {
            NameExpr adjoint = AdjointOf(target.Id);
            if (IrWalker.RootVariable(copy.Source) is int source && source >= 0 && IsActiveVariable(source))
            {
                code.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, Storage + ".AddInto", Args(AdjointSpan(copy.Source), AdjointSpan(target)))));
            }

            code.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, Storage + ".Return", Args(adjoint))));
            if (plan.Target == SaveMode.Tape)
            {
                code.Add(new CodeAssign(adjoint, "=", Pop(adjoint.Type)));
            }
        }

        if (active && value is NewArrayExpr creation && IsAllocatedHere(target.Id))
        {
            NameExpr adjoint = AdjointOf(target.Id);
            for (int k = 0; k < creation.Initializer.Count; k++)
            {
                Expr element = creation.Initializer[k];
                Propagate(element, new ElementExpr(target.Type.ElementType, adjoint, new LiteralExpr(TypeRef.Int32, Id(k))), code);
            }

            code.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, Storage + ".Return", Args(adjoint))));
            if (plan.Target == SaveMode.Tape)
            {
                code.Add(new CodeAssign(adjoint, "=", Pop(adjoint.Type)));
            }
        }

        if (plan.Target is SaveMode.Tape or SaveMode.Local)
        {
            if (IsSpanVariable(target.Id))
            {
                RestoreSpanBinding(target.Id, code);
                return;
            }

            bool allocatedHere = value is NewArrayExpr or CopyArrayExpr && IsAllocatedHere(target.Id);
            if (active && HasArrayAdjoint(target.Id) && !allocatedHere)
            {
                // An alias: the earlier binding's adjoint comes back with it (an allocation popped it above).
                NameExpr adjoint = AdjointOf(target.Id);
                code.Add(new CodeAssign(adjoint, "=", Pop(adjoint.Type)));
            }

            Restore(new BlockStmt(string.Empty, EquatableArray<Stmt>.Empty), target, plan, code);
        }
    }
}
