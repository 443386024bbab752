using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Analysis;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;

namespace AutoDiffGen.Generator.Differentiation;

/// <summary>
/// Reduction loops run their reverse inside the forward sweep. A loop such as
/// <c>for (...) { double a = ...; sum += f(a, x[i]); }</c>, where every value it writes is either local to one
/// iteration or an accumulator (<c>+=</c>/<c>-=</c> only, read nowhere else in the loop), has iterations whose reverses
/// are independent of each other: the accumulator's adjoint does not change while the loop's reverse runs, and the
/// adjoints it writes are only added to. When that adjoint can be computed before the loop (it comes from code after
/// the loop that reads only the seed and values the loop and what follows do not change, as in <c>return sum;</c> or
/// <c>return total / n;</c>), each iteration's reverse runs right after the iteration: no second pass over the data,
/// nothing saved for the next iteration, nothing recomputed. This is what a hand-written gradient of a sum does.
/// </summary>
internal sealed partial class FunctionDifferentiator
{
    /// <summary>Stands, in the reverse sweep, where a fused loop's reverse would have been (removed before emitting).</summary>
    private sealed record FusedLoopMarker(int LoopId) : CodeStmt;

    /// <summary>A loop chosen for fusion: its place in the method body, the variables it declares, its accumulators.</summary>
    private sealed record FusionPlan(int Index, HashSet<int> Scope, List<int> Accumulators);

    private readonly HashSet<int> _fusionExcluded;
    private readonly Dictionary<int, FusionPlan> _fusions = [];
    private readonly HashSet<int> _rejectedFusions = [];
    private readonly Dictionary<int, List<CodeStmt>> _fusedReverse = [];
    private readonly Dictionary<int, List<CodeStmt>> _fusedAhead = [];

    /// <summary>Loops planned as fused whose generated code turned out not to allow it: build again without them.</summary>
    public IReadOnlyCollection<int> RejectedFusions => _rejectedFusions;

    private bool IsFused(LoopStmt loop) => _fusions.ContainsKey(loop.LoopId);

    /// <summary>Chooses the top-level loops whose shape allows fusion (the generated code is checked again later).</summary>
    private void PlanFusion()
    {
        if (_exitName is not null)
        {
            return;
        }

        IReadOnlyList<Stmt> top = _function.Body.Statements;
        for (int p = 0; p < top.Count; p++)
        {
            if (top[p] is not LoopStmt loop || _fusionExcluded.Contains(loop.LoopId) || _jumpsInside[loop].Count > 0)
            {
                continue;
            }

            var scope = new HashSet<int>(IrWalker.AllStatements(loop).OfType<DeclareStmt>().Select(d => d.VariableId));
            var writtenInBody = new HashSet<int>();
            IrWalker.CollectWrites(loop.Body, writtenInBody);
            var written = new HashSet<int>();
            IrWalker.CollectWrites(loop, written);

            // Nothing written through arrays or views: only scalars flow from one iteration to the next.
            bool writesElements = IrWalker.AllStatements(loop).Any(s => s is BulkStmt or AssignStmt { Target: ElementExpr });
            if (writesElements || written.Any(id => Variable(id).Type.IsCollection || _function.Variables.Any(v => v.AliasClass == ClassOf(id) && v.Type.IsCollection)))
            {
                continue;
            }

            var accumulators = new List<int>();
            bool fusable = true;
            foreach (int id in written.Where(id => !scope.Contains(id)))
            {
                if (!writtenInBody.Contains(id))
                {
                    // Written only by the initializers and increments: the loop's own counter.
                    fusable &= Variable(id).Type.Name == "int" && !IsActiveVariable(id);
                    continue;
                }

                fusable &= IsAccumulator(loop, id);
                accumulators.Add(id);
            }

            // The reverse of code before the loop must not need an accumulator's value (it would be saved and
            // restored inside the loop).
            var readBefore = new HashSet<int>();
            for (int k = 0; k < p; k++)
            {
                foreach (Stmt s in IrWalker.AllStatements(top[k]))
                {
                    foreach (Expr e in IrWalker.OwnExpressions(s))
                    {
                        if (s is AssignStmt { Kind: AssignKind.Simple } a && ReferenceEquals(e, a.Target) && a.Target is VariableExpr)
                        {
                            continue;
                        }

                        IrWalker.CollectReads(e, readBefore);
                    }
                }
            }

            if (!fusable || accumulators.Count == 0 || !accumulators.Any(IsActiveVariable) || accumulators.Any(readBefore.Contains))
            {
                continue;
            }

            _fusions[loop.LoopId] = new FusionPlan(p, scope, accumulators);

            // Values are still there when the iteration's reverse runs: nothing to recompute.
            LoopInfo info = _loops[loop.LoopId];
            foreach (Stmt recomputed in info.Recomputed)
            {
                _recomputed.Remove(recomputed);
            }

            info.Recomputed.Clear();
        }
    }

    /// <summary>Every write of <paramref name="id"/> in the loop is <c>+=</c> or <c>-=</c> of a value that does not read it, and nothing else in the loop reads it.</summary>
    private bool IsAccumulator(LoopStmt loop, int id)
    {
        if (Variable(id).Type.IsCollection)
        {
            return false;
        }

        foreach (Stmt s in IrWalker.AllStatements(loop))
        {
            var writes = new HashSet<int>();
            if (s is not (BlockStmt or IfStmt or LoopStmt))
            {
                IrWalker.CollectWrites(s, writes);
            }

            bool accumulates = s is AssignStmt { Kind: AssignKind.Compound, Op: BinaryOp.Add or BinaryOp.Subtract, Target: VariableExpr target } && target.Id == id;
            if (writes.Contains(id) && !accumulates)
            {
                return false;
            }

            foreach (Expr e in IrWalker.OwnExpressions(s))
            {
                if (accumulates && ReferenceEquals(e, ((AssignStmt)s).Target))
                {
                    continue;
                }

                if (IrWalker.ReadsAny(e, [id]))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// The fused loops' places in the reverse sweep: the accumulators' adjoints, computed there by code after the
    /// loop, move before the loop; the generated code is checked to keep every value the next iteration reads.
    /// </summary>
    private void FinishFusion(List<CodeStmt> reverse)
    {
        foreach (KeyValuePair<int, FusionPlan> fusion in _fusions.OrderBy(f => f.Value.Index))
        {
            int loopId = fusion.Key;
            FusionPlan plan = fusion.Value;
            int marker = reverse.FindIndex(s => s is FusedLoopMarker m && m.LoopId == loopId);
            if (marker < 0 || !_fusedReverse.TryGetValue(loopId, out List<CodeStmt>? body))
            {
                _rejectedFusions.Add(loopId);
                continue;
            }

            // The iteration's reverse may only write adjoints and what the iteration itself declares.
            if (WritesVariableOutside(body, plan.Scope))
            {
                _rejectedFusions.Add(loopId);
                continue;
            }

            // Unfused, the reverse of the code after the loop (and of later fused loops) runs before the loop's reverse;
            // fused, after it. The orders agree only if that code merely adds to the adjoints the iteration adds to,
            // and does not change what the iteration reads (e.g. dA[0] += 10 * dA[0] after a loop adding into dA).
            var otherFused = _fusedReverse.Where(e => e.Key != loopId).SelectMany(e => e.Value).Concat(_fusedAhead.Values.SelectMany(a => a)).ToList();
            HashSet<string> declaredInBody = CodeWalker.DeclaredNames(body);
            var addedTo = new HashSet<string>(
                CodeWalker.WrittenRoots(body).OfType<NameExpr>().Select(n => n.Name).Where(n => !declaredInBody.Contains(n)), System.StringComparer.Ordinal);
            HashSet<string> readByBody = CodeWalker.MentionedNames(body);
            readByBody.ExceptWith(declaredInBody);
            readByBody.ExceptWith(addedTo);
            readByBody.Remove(_seedName);
            foreach (int accumulator in plan.Accumulators)
            {
                if (_adjointNames[accumulator] is { } accumulatorAdjoint)
                {
                    // Checked below: everything after the loop does to it is to add a known value, moved before the loop.
                    readByBody.Remove(accumulatorAdjoint);
                }
            }

            List<CodeStmt> laterReverse = reverse.Take(marker).Concat(otherFused).ToList();
            if (!CodeWalker.OnlyAccumulates(laterReverse, addedTo) ||
                CodeWalker.WrittenRoots(laterReverse).OfType<NameExpr>().Any(n => readByBody.Contains(n.Name)))
            {
                _rejectedFusions.Add(loopId);
                continue;
            }

            var writtenFromLoop = new HashSet<int>();
            for (int k = plan.Index; k < _function.Body.Statements.Count; k++)
            {
                IrWalker.CollectWrites(_function.Body.Statements[k], writtenFromLoop);
            }

            var ahead = new List<CodeStmt>();
            var after = reverse.Take(marker).ToList();
            var otherBodies = _fusedReverse.Where(e => e.Key != loopId).SelectMany(e => e.Value).ToList();
            bool ok = true;
            foreach (int accumulator in plan.Accumulators.Where(IsActiveVariable))
            {
                if (_adjointNames[accumulator] is not { } name)
                {
                    continue;
                }

                List<CodeStmt> contributions = after.Where(s => s is CodeAssign { Target: NameExpr n, Operator: "+=" or "-=" } && n.Name == name).ToList();
                ok &= CodeWalker.CountName(after, name) == contributions.Count && !CodeWalker.UsesName(otherBodies, name) &&
                    contributions.All(c => ReadsOnlySeedAndStable(((CodeAssign)c).Value, writtenFromLoop));
                ahead.AddRange(contributions);
            }

            if (!ok)
            {
                _rejectedFusions.Add(loopId);
                continue;
            }

            // Each moved statement keeps the source comment it sat under; a comment whose block empties moves too.
            var withComments = new List<CodeStmt>();
            var emptied = new List<CodeStmt>();
            CodeComment? lastComment = null;
            for (int i = 0; i < marker; i++)
            {
                if (reverse[i] is CodeComment comment)
                {
                    int end = i + 1;
                    while (end < marker && ahead.Any(a => ReferenceEquals(a, reverse[end])))
                    {
                        end++;
                    }

                    if (end > i + 1 && (end == reverse.Count || reverse[end] is CodeComment or FusedLoopMarker))
                    {
                        emptied.Add(comment);
                    }

                    lastComment = comment;
                    continue;
                }

                if (ahead.Any(a => ReferenceEquals(a, reverse[i])))
                {
                    if (lastComment is not null && !withComments.Any(c => ReferenceEquals(c, lastComment)))
                    {
                        withComments.Add(lastComment);
                    }

                    withComments.Add(reverse[i]);
                }
            }

            _fusedAhead[loopId] = withComments;
            reverse.RemoveAll(s => ahead.Any(a => ReferenceEquals(a, s)) || emptied.Any(m => ReferenceEquals(m, s)));
        }

        reverse.RemoveAll(s => s is FusedLoopMarker);
    }

    private bool ReadsOnlySeedAndStable(Expr value, HashSet<int> writtenFromLoop)
    {
        bool ok = true;
        ExprRewriter.Map(value, e =>
        {
            ok &= e switch
            {
                NameExpr n => n.Name == _seedName,
                VariableExpr v => !writtenFromLoop.Contains(v.Id) && !writtenFromLoop.Any(w => ClassOf(w) == ClassOf(v.Id)),
                CallExpr or InvokeExpr => false,
                _ => true,
            };
            return null;
        });
        return ok;
    }

    private static bool WritesVariableOutside(IEnumerable<CodeStmt> code, HashSet<int> scope) =>
        CodeWalker.WrittenRoots(code).Any(root => IrWalker.StripConversions(root) is VariableExpr v && !scope.Contains(v.Id));
}
