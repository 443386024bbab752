using System;
using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Analysis;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;
using AutoDiffGen.Generator.Parsing;

namespace AutoDiffGen.Generator.Differentiation;

/// <summary>
/// Rewrites and decisions that make the adjoint cheaper without changing what it computes:
/// <list type="bullet">
/// <item><description>values of transcendental functions whose derivative is expressed through the value itself
/// (exp, tanh, sqrt, ...) are kept in the forward sweep instead of recomputed in the reverse sweep;</description></item>
/// <item><description>cheap values local to one loop iteration are recomputed at the start of that iteration's reverse
/// instead of being stored;</description></item>
/// <item><description>the counter of a simple counted loop is reconstructed from the trip count instead of being stored.</description></item>
/// </list>
/// </summary>
internal sealed partial class FunctionDifferentiator
{
    private readonly HashSet<object> _recomputed = new(ReferenceComparer.Instance);

    private static bool DerivativeUsesValue(MathFunction function) =>
        function is MathFunction.Exp or MathFunction.Tanh or MathFunction.Tan or MathFunction.Sqrt or MathFunction.Cbrt or MathFunction.Hypot;

    /// <summary>
    /// <c>p = 1 / (1 + Math.Exp(-z))</c> becomes <c>exp = Math.Exp(-z); p = 1 / (1 + exp)</c>: the reverse sweep reads
    /// <c>exp</c> (stored if the loop overwrites it) instead of evaluating the exponential again.
    /// </summary>
    private static FunctionModel KeepTranscendentalValues(FunctionModel function)
    {
        var variables = function.Variables.ToList();
        var names = new NameAllocator(variables.Select(v => v.BaseName));
        bool Active(Expr e) => ActivityAnalysis.DependsOn(e, id => variables[id].IsActive);

        BlockStmt Rewrite(BlockStmt block)
        {
            var statements = new List<Stmt>();
            foreach (Stmt stmt in block.Statements)
            {
                switch (stmt)
                {
                    case DeclareStmt { Initializer: not null } d when variables[d.VariableId].IsActive && !d.Initializer.Type.IsCollection:
                        statements.Add(d with { Initializer = Extract(d.Initializer, d.Source, statements, topLevel: true) });
                        break;
                    case AssignStmt { Kind: AssignKind.Simple or AssignKind.Compound } a when a.Target is VariableExpr or ElementExpr && !a.Target.Type.IsCollection:
                        statements.Add(a with { Value = Extract(a.Value, a.Source, statements, topLevel: true) });
                        break;
                    case ReturnStmt { Value: not null } r:
                        statements.Add(r with { Value = Extract(r.Value, r.Source, statements, topLevel: true) });
                        break;
                    case IfStmt s:
                        statements.Add(s with { Then = Rewrite(s.Then), Else = s.Else is null ? null : Rewrite(s.Else) });
                        break;
                    case LoopStmt s:
                        statements.Add(s with { Body = Rewrite(s.Body) });
                        break;
                    case BlockStmt b:
                        statements.Add(Rewrite(b));
                        break;
                    default:
                        statements.Add(stmt);
                        break;
                }
            }

            return block with { Statements = statements.ToEquatableArray() };
        }

        // Only nodes that are always evaluated (not inside a conditional branch) move to their own statement.
        Expr Extract(Expr expr, string source, List<Stmt> before, bool topLevel) => expr switch
        {
            MathCallExpr m when !topLevel && DerivativeUsesValue(m.Function) && Active(m) => Hoist(m with { Arguments = m.Arguments.Select(a => Extract(a, source, before, false)).ToEquatableArray() }, source, before),
            ConditionalExpr or StopGradientExpr or CallExpr or ReduceExpr => expr,
            BinaryExpr { Op: BinaryOp.ConditionalAnd or BinaryOp.ConditionalOr } => expr,
            _ => ExprRewriter.Map(expr, e => ReferenceEquals(e, expr) ? null : Extract(e, source, before, false)),
        };

        Expr Hoist(MathCallExpr m, string source, List<Stmt> before)
        {
            string name = names.Allocate(NameAllocator.Decapitalize(m.Function.ToString()));
            int id = variables.Count;
            variables.Add(new VariableModel(id, name, name, m.Type, VariableKind.Temporary, PassingMode.Value, false, null, IsActive: true, AliasClass: id));
            before.Add(new DeclareStmt(source, id, m));
            return new VariableExpr(m.Type, id);
        }

        BlockStmt body = Rewrite(function.Body);
        return function with { Body = body, Variables = variables.ToEquatableArray() };
    }

    /// <summary>
    /// A variable declared at the top level of a loop body, from a cheap expression whose inputs nothing later in the
    /// iteration changes, is recomputed at the start of the iteration's reverse instead of being stored.
    /// </summary>
    private void PlanRecomputation()
    {
        foreach (LoopInfo loop in _loops.Values)
        {
            IReadOnlyList<Stmt> body = loop.Loop.Body.Statements;
            var jumpsSoFar = false;
            for (int k = 0; k < body.Count; k++)
            {
                if (body[k] is DeclareStmt { Initializer: not null } d && !jumpsSoFar && IsCheap(d.Initializer) && !Variable(d.VariableId).Type.IsCollection)
                {
                    var inputs = new HashSet<int>();
                    IrWalker.CollectReads(d.Initializer, inputs);
                    var writtenLater = new HashSet<int>();
                    for (int later = k + 1; later < body.Count; later++)
                    {
                        IrWalker.CollectWrites(body[later], writtenLater);
                    }

                    var readEarlier = new HashSet<int>();
                    for (int earlier = 0; earlier < k; earlier++)
                    {
                        foreach (Stmt s in IrWalker.AllStatements(body[earlier]))
                        {
                            foreach (Expr e in IrWalker.OwnExpressions(s))
                            {
                                IrWalker.CollectReads(e, readEarlier);
                            }
                        }
                    }

                    bool inputsStable = !inputs.Any(i => writtenLater.Any(w => ClassOf(w) == ClassOf(i)));
                    bool iterationLocal = !inputs.Contains(d.VariableId) && !readEarlier.Contains(d.VariableId) && !writtenLater.Contains(d.VariableId) &&
                        (loop.Loop.Condition is null || !IrWalker.ReadsAny(loop.Loop.Condition, [d.VariableId])) &&
                        !loop.Loop.Increments.SelectMany(IrWalker.AllStatements).SelectMany(IrWalker.OwnExpressions).Any(e => IrWalker.ReadsAny(e, [d.VariableId]));
                    if (inputsStable && iterationLocal)
                    {
                        _recomputed.Add(d);
                        loop.Recomputed.Add(d);
                    }
                }

                jumpsSoFar |= _jumpsInside[body[k]].Count > 0;
            }
        }
    }

    /// <summary>Arithmetic on locals, parameters, literals and array elements: cheaper to recompute than to store.</summary>
    private static bool IsCheap(Expr expr) => !IrWalker.Contains(expr, e => e switch
    {
        CallExpr or ReduceExpr or ConditionalExpr or NewArrayExpr or CopyArrayExpr or MemberExpr { Receiver: not null } => true,
        MathCallExpr m => m.Function is not (MathFunction.Abs or MathFunction.Max or MathFunction.Min or MathFunction.FusedMultiplyAdd),
        _ => false,
    });

    /// <summary>
    /// <c>for (i = e0; ...; i += c)</c> whose body does not assign <c>i</c> and cannot end early: the reverse sweep
    /// starts from <c>i = e0 + count * c</c> instead of needing the final value to be kept.
    /// </summary>
    private void PlanCountedLoops()
    {
        foreach (LoopInfo loop in _loops.Values)
        {
            LoopStmt s = loop.Loop;
            if (loop.ExitIds.Count > 0 || s.Initializers.Count != 1 || s.Increments.Count != 1)
            {
                continue;
            }

            (int counter, Expr? start) = s.Initializers[0] switch
            {
                DeclareStmt { Initializer: not null } d => (d.VariableId, d.Initializer),
                AssignStmt { Kind: AssignKind.Simple, Target: VariableExpr v } a => (v.Id, a.Value),
                _ => (-1, null),
            };
            if (counter < 0 || start is null || Variable(counter).Type.Name != "int" || IrWalker.Contains(start, e => e is CallExpr or MemberExpr))
            {
                continue;
            }

            int? step = s.Increments[0] switch
            {
                AssignStmt { Kind: AssignKind.Increment, Target: VariableExpr v } when v.Id == counter => 1,
                AssignStmt { Kind: AssignKind.Decrement, Target: VariableExpr v } when v.Id == counter => -1,
                AssignStmt { Kind: AssignKind.Compound, Op: BinaryOp.Add, Target: VariableExpr v, Value: LiteralExpr literal } when v.Id == counter && int.TryParse(literal.Text, out int c) => c,
                AssignStmt { Kind: AssignKind.Compound, Op: BinaryOp.Subtract, Target: VariableExpr v, Value: LiteralExpr literal } when v.Id == counter && int.TryParse(literal.Text, out int c) => -c,
                _ => null,
            };
            var writtenInBody = new HashSet<int>();
            IrWalker.CollectWrites(s.Body, writtenInBody);
            var startInputs = new HashSet<int>();
            IrWalker.CollectReads(start, startInputs);
            if (step is null || writtenInBody.Contains(counter) || startInputs.Overlaps(writtenInBody) || startInputs.Contains(counter))
            {
                continue;
            }

            loop.Counter = counter;
            loop.CounterStart = start;
            loop.CounterStep = step.Value;

            // i < n with i += 1 runs max(0, n - start) times, and so on: no need to count if the bound is stable.
            if (s.Condition is BinaryExpr { Left: VariableExpr left } condition && left.Id == counter && Math.Abs(step.Value) == 1 &&
                !IrWalker.Contains(condition.Right, e => e is CallExpr or MemberExpr { Receiver: not null } or ReduceExpr))
            {
                Expr bound = condition.Right;
                var boundInputs = new HashSet<int>();
                IrWalker.CollectReads(bound, boundInputs);
                if (!boundInputs.Overlaps(writtenInBody) && !boundInputs.Contains(counter))
                {
                    TypeRef i32 = TypeRef.Int32;
                    Expr fromStart = start is LiteralExpr { Text: "0" } ? bound : new BinaryExpr(i32, BinaryOp.Subtract, bound, start);
                    Expr? span = (condition.Op, step.Value) switch
                    {
                        (BinaryOp.Less, 1) => fromStart,
                        (BinaryOp.LessOrEqual, 1) => new BinaryExpr(i32, BinaryOp.Add, fromStart, Literals.One(i32)),
                        (BinaryOp.Greater, -1) => new BinaryExpr(i32, BinaryOp.Subtract, start, bound),
                        (BinaryOp.GreaterOrEqual, -1) => new BinaryExpr(i32, BinaryOp.Add, new BinaryExpr(i32, BinaryOp.Subtract, start, bound), Literals.One(i32)),
                        _ => null,
                    };
                    if (span is not null && bound.Type.Name == "int")
                    {
                        loop.TripCount = new MathCallExpr(i32, MathFunction.Max, "global::System.Math", EquatableArray.Create<Expr>(Literals.Zero(i32), span));
                        loop.TripCountReads.UnionWith(boundInputs);
                        IrWalker.CollectReads(start, loop.TripCountReads);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Reads that happen in the reverse sweep outside the leaf's own code: a recomputed declaration's value is
    /// evaluated again, and a counted loop's start value rebuilds its counter (attributed to the loop's initializer;
    /// the loop does not change them).
    /// </summary>
    private void AddRecomputationReads(Stmt leaf, ReadSet reads)
    {
        foreach (LoopInfo loop in _loops.Values)
        {
            if (loop.Counter >= 0 && ReferenceEquals(loop.Loop.Initializers[0], leaf))
            {
                var startReads = new HashSet<int>(loop.TripCountReads);
                IrWalker.CollectReads(loop.CounterStart!, startReads);
                foreach (int id in startReads)
                {
                    (Variable(id).Type.IsCollection ? reads.References : reads.Contents).Add(ClassOf(id));
                }
            }
        }

        if (leaf is DeclareStmt { Initializer: not null } d && _recomputed.Contains(d))
        {
            var contents = new HashSet<int>();
            var references = new HashSet<int>();
            CodeWalker.CollectReads(new CodeAssign(new VariableExpr(Variable(d.VariableId).Type, d.VariableId), "=", d.Initializer), contents, references);
            reads.Contents.UnionWith(contents.Select(ClassOf));
            reads.References.UnionWith(references.Select(ClassOf));
        }
    }
}
