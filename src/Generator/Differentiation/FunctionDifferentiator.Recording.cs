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

    /// <summary>
    /// Per leaf, what its reverse reads of the state right AFTER the statement (before it restores anything): the
    /// result it keeps (see ReuseResults). Those classes are live after the statement, so that any later statement
    /// that overwrites them saves and restores them before this statement's reverse runs.
    /// </summary>
    private readonly Dictionary<object, ReadSet> _postReads = new(ReferenceComparer.Instance);

    /// <summary>
    /// What reverse code reads, by alias class: <see cref="Contents"/> (values, array elements) and
    /// <see cref="References"/> (which array a variable holds, its length, views of it). Overwriting an array's
    /// contents only matters to readers of its contents.
    /// </summary>
    private sealed class ReadSet
    {
        public HashSet<int> Contents { get; } = [];

        public HashSet<int> References { get; } = [];

        public ReadSet Copy()
        {
            var copy = new ReadSet();
            copy.UnionWith(this);
            return copy;
        }

        public void UnionWith(ReadSet other)
        {
            Contents.UnionWith(other.Contents);
            References.UnionWith(other.References);
        }

        public bool ReadsAnything(int alias) => Contents.Contains(alias) || References.Contains(alias);

        public bool SameAs(ReadSet other) => Contents.SetEquals(other.Contents) && References.SetEquals(other.References);

        /// <summary>After a statement that assigns a scalar, its earlier value is no longer what anyone will read.</summary>
        public ReadSet Without(IReadOnlyCollection<int> killed)
        {
            ReadSet copy = Copy();
            copy.Contents.ExceptWith(killed);
            return copy;
        }
    }

    private SavePlan SavesOf(Stmt leaf) => _saves.TryGetValue(leaf, out SavePlan? plan) ? plan : new SavePlan();

    /// <summary>
    /// To-be-recorded analysis, as a forward data-flow over the statements. The set carried along is what the reverse
    /// sweeps of the statements executed so far will read of the <em>current</em> values (by alias class; contents and
    /// references apart). A statement that overwrites a value in that set, or that reads the value it overwrites,
    /// saves it; a statement that assigns a scalar removes it from the set (earlier readers are served by the save of
    /// the assignment in between). What each statement's reverse reads is taken from the code generated for it, so
    /// restore code (which reads indices) is accounted for; the analysis iterates to a fixed point.
    /// </summary>
    private void PlanRecording()
    {
        for (int round = 0; round < 16; round++)
        {
            HashSet<string> names = _names.Snapshot();
            var reads = new Dictionary<object, ReadSet>(ReferenceComparer.Instance);
            _postReads.Clear();
            foreach (Stmt leaf in IrWalker.AllStatements(_function.Body).Where(IsLeaf))
            {
                List<CodeStmt> reverse = ReverseLeaf(leaf);
                reads[leaf] = ClassesReadBy(reverse, afterStatement: false);
                ReadSet post = ClassesReadBy(reverse, afterStatement: true);
                if (post.Contents.Count > 0 || post.References.Count > 0)
                {
                    _postReads[leaf] = post;
                }

                AddRecomputationReads(leaf, reads[leaf]);
            }

            _names.Restore(names);
            _valueCache.Clear();
            bool changed = false;
            WalkRecording(_function.Body, EntryReads(), reads, decide: true, ref changed);
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

    /// <summary>
    /// What the end of the reverse sweep reads of the state on entry: the bindings of collection parameters (their
    /// adjoints are added to the outputs, and written arrays are restored, through them).
    /// </summary>
    private ReadSet EntryReads()
    {
        var reads = new ReadSet();
        foreach (int id in _function.ParameterIds)
        {
            if (Variable(id).Type.IsCollection)
            {
                reads.References.Add(ClassOf(id));
            }
        }

        return reads;
    }

    private static bool IsLeaf(Stmt stmt) => stmt is DeclareStmt or AssignStmt or CallStmt or ReturnStmt or BulkStmt;

    /// <summary>Carries the set of values still to be read through <paramref name="stmt"/>; decides the saves when <paramref name="decide"/>.</summary>
    private ReadSet WalkRecording(Stmt stmt, ReadSet before, Dictionary<object, ReadSet> reads, bool decide, ref bool changed)
    {
        switch (stmt)
        {
            case BlockStmt block:
            {
                ReadSet current = before;
                foreach (Stmt s in block.Statements)
                {
                    current = WalkRecording(s, current, reads, decide, ref changed);
                }

                return current;
            }

            case IfStmt s:
            {
                ReadSet union = WalkRecording(s.Then, before, reads, decide, ref changed).Copy();
                union.UnionWith(s.Else is null ? before : WalkRecording(s.Else, before, reads, decide, ref changed));
                return union;
            }

            case LoopStmt s when IsFused(s):
            {
                // Each iteration's reverse runs right after it: what it reads is consumed before the next iteration
                // starts, so every iteration (and the increments) starts from what the code before the loop needs.
                ReadSet current = before;
                foreach (Stmt init in s.Initializers)
                {
                    current = WalkRecording(init, current, reads, decide, ref changed);
                }

                WalkRecording(s.Body, current, reads, decide, ref changed);
                foreach (Stmt increment in s.Increments)
                {
                    WalkRecording(increment, current, reads, decide, ref changed);
                }

                return current;
            }

            case LoopStmt s:
            {
                ReadSet current = before;
                foreach (Stmt init in s.Initializers)
                {
                    current = WalkRecording(init, current, reads, decide, ref changed);
                }

                // The loop head is reached from its entry and, through continue or the end of the body, from any
                // point of the previous iteration: iterate the head's set to a fixed point, then decide.
                ReadSet head = current.Copy();
                for (int i = 0; i < 64; i++)
                {
                    ReadSet everywhere = head.Copy();
                    bool ignored = false;
                    WalkLoopBody(s, head, reads, everywhere, ref ignored);
                    if (everywhere.SameAs(head))
                    {
                        break;
                    }

                    head = everywhere;
                }

                ReadSet exit = head.Copy();
                WalkLoopBody(s, head, reads, exit, ref changed, decide);
                if (_loops[s.LoopId].Counter is int counter && counter >= 0)
                {
                    // The reverse of a counted loop reconstructs its counter: nobody needs the value it leaves.
                    exit.Contents.Remove(ClassOf(counter));
                }

                return exit;
            }

            default:
            {
                if (!IsLeaf(stmt))
                {
                    return before;
                }

                if (decide)
                {
                    SavePlan plan = Decide(stmt, before, reads[stmt]);
                    if (!_saves.TryGetValue(stmt, out SavePlan? previous) || !previous.SameAs(plan))
                    {
                        _saves[stmt] = plan;
                        changed = true;
                    }
                }

                ReadSet after = before.Copy();
                after.UnionWith(reads[stmt]);
                after = after.Without(Killed(stmt));
                if (_postReads.TryGetValue(stmt, out ReadSet? post))
                {
                    // The statement's reverse reads the value it leaves (a kept result): later overwrites must save it.
                    after.UnionWith(post);
                }

                return after;
            }
        }
    }

    /// <summary>Walks a loop's body and increments from <paramref name="head"/>, adding every intermediate set to <paramref name="everywhere"/>.</summary>
    private void WalkLoopBody(LoopStmt loop, ReadSet head, Dictionary<object, ReadSet> reads, ReadSet everywhere, ref bool changed, bool decide = false)
    {
        ReadSet current = head;
        foreach (Stmt statement in loop.Body.Statements.Concat(loop.Increments))
        {
            current = WalkRecording(statement, current, reads, decide, ref changed);
            everywhere.UnionWith(current);
        }

        // Jumps out of nested blocks (break, continue) leave from intermediate points: include them conservatively
        // (nested loops are summarized by what they leave at their exit).
        foreach (Stmt leaf in LeavesOutsideNestedLoops(loop.Body))
        {
            everywhere.UnionWith(reads[leaf]);
            if (_postReads.TryGetValue(leaf, out ReadSet? post))
            {
                everywhere.UnionWith(post);
            }
        }
    }

    private static IEnumerable<Stmt> LeavesOutsideNestedLoops(Stmt stmt)
    {
        if (IsLeaf(stmt))
        {
            yield return stmt;
        }

        if (stmt is LoopStmt)
        {
            yield break;
        }

        foreach (Stmt nested in IrWalker.NestedStatements(stmt))
        {
            foreach (Stmt leaf in LeavesOutsideNestedLoops(nested))
            {
                yield return leaf;
            }
        }
    }

    /// <summary>The scalar classes a leaf assigns outright (whose earlier values it makes unreachable).</summary>
    private List<int> Killed(Stmt leaf)
    {
        var killed = new List<int>();
        if (TargetOf(leaf) is VariableExpr { Type.IsCollection: false } target)
        {
            killed.Add(ClassOf(target.Id));
        }

        if (CallOf(leaf) is { } call)
        {
            foreach (Argument argument in call.Arguments)
            {
                if (argument.Kind is PassingMode.Ref or PassingMode.Out && argument.Value is VariableExpr { Type.IsCollection: false } written)
                {
                    killed.Add(ClassOf(written.Id));
                }
            }
        }

        return killed;
    }

    /// <param name="before">What the reverse sweeps of statements that may run earlier read.</param>
    /// <param name="own">What this statement's own reverse reads: it restores before it reads, except when it
    /// rebinds an array variable (the new array's adjoint is released first, then the old reference restored).</param>
    private SavePlan Decide(Stmt leaf, ReadSet before, ReadSet own)
    {
        var plan = new SavePlan();
        bool inLoop = DepthOf(leaf) > 0;
        ReadSet withOwn = before.Copy();
        withOwn.UnionWith(own);

        // Speed-up SaveOnlyNeeded. Claim: a value nobody reads in the reverse sweep need not be saved. Precondition:
        // 'before' holds every class whose current value the reverse of a statement executed earlier reads (pre-state
        // reads of their own code, post-state reads of kept results), which the data-flow of WalkRecording computes
        // from the generated reverse code itself. Plain form: every overwritten value is saved and restored.
        bool saveAll = !_options.Has(SpeedUp.SaveOnlyNeeded);
        if (TargetOf(leaf) is { } target && WrittenClass(target) is int written && written >= 0 && !_recomputed.Contains(leaf))
        {
            bool rebindsArray = target is VariableExpr { Type.IsCollection: true } && leaf is not BulkStmt;
            bool needed = rebindsArray ? before.ReadsAnything(written) : withOwn.Contents.Contains(written);

            // The plain form saves everything but the value of an out parameter (unassigned before its first write);
            // for that one the analysis decides as usual.
            bool canSave = !(target is VariableExpr { Id: var id } && Variable(id).RefKind == PassingMode.Out);
            needed |= saveAll && canSave;
            if (needed)
            {
                // Speed-up InvertIntegerUpdates. Claim: i++, i--, i += k, i -= k on an integer are undone exactly by the
                // inverse update (integer arithmetic wraps, so it is a bijection). Precondition (IsInvertible): k does
                // not read i and has no call; k itself is read by the reverse code, so the analysis keeps it.
                plan.Target = IsInvertible(leaf) && _options.Has(SpeedUp.InvertIntegerUpdates) ? SaveMode.Invert
                    : inLoop || target.Type.IsCollection ? SaveMode.Tape : SaveMode.Local;
            }
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
                bool canSaveArgument = argument.Kind != PassingMode.Out && !(argument.Value is VariableExpr { Id: var argumentId } && Variable(argumentId).RefKind == PassingMode.Out);
                bool needsValue = (callHasAdjoint && argument.Kind != PassingMode.Out) || (root >= 0 && ((saveAll && canSaveArgument) || withOwn.Contents.Contains(root)));
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
        BulkStmt b => b.Target,
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

    /// <summary>
    /// The alias classes whose contents and references generated reverse code reads: of the state before the statement
    /// (<paramref name="afterStatement"/> false: everything but copies of the result), or of the state after it (true:
    /// the copies of the result the statement keeps, taken before it restores anything).
    /// </summary>
    private ReadSet ClassesReadBy(IEnumerable<CodeStmt> code, bool afterStatement = false)
    {
        var contents = new HashSet<int>();
        var references = new HashSet<int>();
        foreach (CodeStmt stmt in code)
        {
            if (afterStatement)
            {
                CodeWalker.CollectResultCopyReads(stmt, contents, references);
            }
            else
            {
                CodeWalker.CollectReads(stmt, contents, references);
            }
        }

        var reads = new ReadSet();
        if (!afterStatement)
        {
            // Using a collection's adjoint (dB[i] += ...) needs the binding it had: its adjoint is a view of the same memory.
            HashSet<string> mentioned = CodeWalker.MentionedNames(code);
            foreach (VariableModel variable in _function.Variables)
            {
                if (variable.Type.IsCollection && ((_adjointNames[variable.Id] is { } adjoint && mentioned.Contains(adjoint)) ||
                    (_workingAdjoints.TryGetValue(variable.Id, out string? working) && mentioned.Contains(working)) ||
                    (_currentAdjoints.TryGetValue(variable.Id, out string? current) && mentioned.Contains(current))))
                {
                    references.Add(variable.Id);
                }
            }
        }

        foreach (int id in contents)
        {
            reads.Contents.Add(ClassOf(id));
        }

        foreach (int id in references)
        {
            reads.References.Add(ClassOf(id));
        }

        return reads;
    }
}
