using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Analysis;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;

namespace AutoDiffGen.Generator.Differentiation;

internal sealed partial class FunctionDifferentiator
{
    private enum SaveMode
    {
        None,

        /// <summary>In a local (the statement runs at most once).</summary>
        Local,

        /// <summary>On the adjoint storage (the statement is inside a loop).</summary>
        Tape,

        /// <summary>Recomputed by inverting an integer update (<c>i++</c> is undone by <c>i--</c>).</summary>
        Invert,
    }

    /// <summary>What a statement saves before it overwrites values the reverse sweep needs.</summary>
    private sealed class SavePlan
    {
        public SaveMode Target { get; set; }

        public string? TargetLocal { get; set; }

        /// <summary>For calls: per argument index, how a written argument is saved.</summary>
        public Dictionary<int, SaveMode> Arguments { get; } = [];

        public Dictionary<int, string> ArgumentLocals { get; } = [];

        public bool SameAs(SavePlan other) =>
            Target == other.Target &&
            Arguments.Count == other.Arguments.Count &&
            Arguments.All(a => other.Arguments.TryGetValue(a.Key, out SaveMode mode) && mode == a.Value);
    }

    private readonly Dictionary<object, SavePlan> _saves = new(ReferenceComparer.Instance);

    private SavePlan SavesOf(Stmt leaf) => _saves.TryGetValue(leaf, out SavePlan? plan) ? plan : new SavePlan();

    /// <summary>
    /// To-be-recorded analysis. A write needs its old value saved when some statement that may run before it
    /// (earlier in the sequence, or anywhere in an enclosing loop) reads that variable in its reverse sweep, or
    /// when the statement's own reverse reads it. What the reverse sweep of each statement reads is taken from
    /// the code generated for it, so restore code (which reads indices) is accounted for; this iterates to a
    /// fixed point.
    /// </summary>
    private void PlanRecording()
    {
        for (int round = 0; round < 16; round++)
        {
            HashSet<string> names = _names.Snapshot();
            var reads = new Dictionary<object, HashSet<int>>(ReferenceComparer.Instance);
            foreach (Stmt leaf in IrWalker.AllStatements(_function.Body).Where(IsLeaf))
            {
                reads[leaf] = ClassesReadBy(ReverseLeaf(leaf));
            }

            _names.Restore(names);
            _valueCache.Clear();
            bool changed = false;
            WalkRecording(_function.Body, [], reads, ref changed);
            if (!changed)
            {
                break;
            }
        }

        // Names for the locals that hold saved values.
        foreach (KeyValuePair<object, SavePlan> entry in _saves)
        {
            var leaf = (Stmt)entry.Key;
            SavePlan plan = entry.Value;
            if (plan.Target == SaveMode.Local && TargetOf(leaf) is { } target)
            {
                plan.TargetLocal = _names.Allocate(BaseNameOf(target) + "Old");
                _localDeclarations.Add(new CodeDeclare(target.Type, plan.TargetLocal, DefaultValue(target.Type)));
            }

            if (CallOf(leaf) is { } call)
            {
                foreach (KeyValuePair<int, SaveMode> argument in plan.Arguments)
                {
                    Expr value = call.Arguments[argument.Key].Value;
                    if (argument.Value == SaveMode.Local && !value.Type.IsCollection)
                    {
                        string local = _names.Allocate(BaseNameOf(value) + "Before");
                        plan.ArgumentLocals[argument.Key] = local;
                        _localDeclarations.Add(new CodeDeclare(value.Type, local, DefaultValue(value.Type)));
                    }
                }
            }
        }
    }

    private static bool IsLeaf(Stmt stmt) => stmt is DeclareStmt or AssignStmt or CallStmt or ReturnStmt;

    private HashSet<int> WalkRecording(Stmt stmt, HashSet<int> before, Dictionary<object, HashSet<int>> reads, ref bool changed)
    {
        switch (stmt)
        {
            case BlockStmt block:
            {
                HashSet<int> current = before;
                foreach (Stmt s in block.Statements)
                {
                    current = WalkRecording(s, current, reads, ref changed);
                }

                return current;
            }

            case IfStmt s:
            {
                HashSet<int> then = WalkRecording(s.Then, before, reads, ref changed);
                HashSet<int> otherwise = s.Else is null ? before : WalkRecording(s.Else, before, reads, ref changed);
                var union = new HashSet<int>(then);
                union.UnionWith(otherwise);
                return union;
            }

            case LoopStmt s:
            {
                HashSet<int> current = before;
                foreach (Stmt init in s.Initializers)
                {
                    current = WalkRecording(init, current, reads, ref changed);
                }

                // Any statement of the loop may have run in an earlier iteration.
                var inLoop = new HashSet<int>(current);
                foreach (Stmt leaf in IrWalker.AllStatements(s.Body).Concat(s.Increments.SelectMany(IrWalker.AllStatements)).Where(IsLeaf))
                {
                    inLoop.UnionWith(reads[leaf]);
                }

                WalkRecording(s.Body, inLoop, reads, ref changed);
                foreach (Stmt increment in s.Increments)
                {
                    WalkRecording(increment, inLoop, reads, ref changed);
                }

                return inLoop;
            }

            default:
            {
                if (!IsLeaf(stmt))
                {
                    return before;
                }

                var needed = new HashSet<int>(before);
                needed.UnionWith(reads[stmt]);
                SavePlan plan = Decide(stmt, needed);
                if (!_saves.TryGetValue(stmt, out SavePlan? previous) || !previous.SameAs(plan))
                {
                    _saves[stmt] = plan;
                    changed = true;
                }

                return needed;
            }
        }
    }

    private SavePlan Decide(Stmt leaf, HashSet<int> needed)
    {
        var plan = new SavePlan();
        bool inLoop = DepthOf(leaf) > 0;
        if (TargetOf(leaf) is { } target && WrittenClass(target) is int written && written >= 0 && needed.Contains(written))
        {
            plan.Target = IsInvertible(leaf) ? SaveMode.Invert : inLoop ? SaveMode.Tape : SaveMode.Local;
        }

        if (CallOf(leaf) is { } call)
        {
            bool callHasAdjoint = CallHasReverse(call);
            for (int i = 0; i < call.Arguments.Count; i++)
            {
                Argument argument = call.Arguments[i];
                bool isWritten = argument.Kind is PassingMode.Ref or PassingMode.Out ||
                    (i < call.Target.Parameters.Count && call.Target.Parameters[i].IsWritten);
                if (!isWritten)
                {
                    continue;
                }

                int root = WrittenClass(argument.Value);
                bool needsValue = (callHasAdjoint && argument.Kind != PassingMode.Out) || (root >= 0 && needed.Contains(root));
                if (needsValue)
                {
                    plan.Arguments[i] = inLoop || argument.Value.Type.IsCollection ? SaveMode.Tape : SaveMode.Local;
                }
            }
        }

        return plan;
    }

    /// <summary>The alias class a write to <paramref name="target"/> changes.</summary>
    private int WrittenClass(Expr target)
    {
        int root = target is ElementExpr element ? IrWalker.RootVariable(element.Collection) : IrWalker.RootVariable(target);
        return root < 0 ? -1 : ClassOf(root);
    }

    /// <summary>The variable or element a leaf statement assigns, if any.</summary>
    private Expr? TargetOf(Stmt leaf) => leaf switch
    {
        DeclareStmt { Initializer: not null } d => new VariableExpr(Variable(d.VariableId).Type, d.VariableId),
        AssignStmt a => a.Target,
        _ => null,
    };

    private static CallExpr? CallOf(Stmt leaf) => leaf switch
    {
        DeclareStmt { Initializer: CallExpr call } => call,
        AssignStmt { Value: CallExpr call } => call,
        CallStmt s => s.Call,
        ReturnStmt { Value: CallExpr call } => call,
        _ => null,
    };

    /// <summary><c>i++</c>, <c>i--</c>, <c>i += k</c>, <c>i -= k</c> on an integer: undone by the inverse update.</summary>
    private static bool IsInvertible(Stmt leaf) =>
        leaf is AssignStmt { Target: VariableExpr target } a &&
        target.Type is { Element: ValueKind.Integer, Shape: ShapeKind.Scalar } &&
        (a.Kind is AssignKind.Increment or AssignKind.Decrement ||
         (a.Kind == AssignKind.Compound && a.Op is BinaryOp.Add or BinaryOp.Subtract && a.Value.Type.Element == ValueKind.Integer &&
          !IrWalker.Contains(a.Value, e => e is CallExpr || (e is VariableExpr v && v.Id == target.Id))));

    private string BaseNameOf(Expr expr) => expr switch
    {
        VariableExpr v => Variable(v.Id).BaseName,
        ElementExpr e => BaseNameOf(e.Collection) + "Element",
        SpanViewExpr s => BaseNameOf(s.Source),
        ConvertExpr c => BaseNameOf(c.Operand),
        _ => "value",
    };

    /// <summary>The alias classes of the primal variables that generated reverse code reads.</summary>
    private HashSet<int> ClassesReadBy(IEnumerable<CodeStmt> code)
    {
        var ids = new HashSet<int>();
        foreach (CodeStmt stmt in code)
        {
            CodeWalker.CollectReads(stmt, ids);
        }

        var classes = new HashSet<int>();
        foreach (int id in ids)
        {
            classes.Add(ClassOf(id));
        }

        return classes;
    }
}
