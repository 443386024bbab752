using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Analysis;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;
using AutoDiffGen.Generator.Parsing;

namespace AutoDiffGen.Generator.Differentiation;

/// <summary>
/// Re-bound array and span variables (<c>cur = next</c>, <c>Span&lt;double&gt; row = m.AsSpan(i * n, n)</c> in a loop).
/// A variable's adjoint is always the same view of the same adjoint memory as the variable is of primal memory, so
/// when the reverse sweep restores an earlier binding it restores the adjoint's binding with it:
/// <list type="bullet">
/// <item><description>Arrays: in classes where arrays are re-bound, every array's adjoint is an array too (parameters
/// get a working buffer); the binding and its adjoint are saved and restored together, as references.</description></item>
/// <item><description>Spans cannot be stored, so each span variable whose binding is saved carries, from the moment it
/// is bound, where its memory lies: the array and adjoint array it views (or the parameter it views), and its offset.
/// Those and its length are saved; the reverse sweep rebuilds the span and its adjoint from them.</description></item>
/// </list>
/// </summary>
internal sealed partial class FunctionDifferentiator
{
    /// <summary>The locals that record where a span variable's memory lies.</summary>
    private sealed record SpanShadow(string Array, string Adjoint, string Root, string Offset);

    private readonly Dictionary<int, SpanShadow> _spanShadows = [];

    /// <summary>Collection parameters re-bound in the body: their bindings on entry, kept in locals.</summary>
    private readonly Dictionary<int, string> _entryBindings = [];

    /// <summary>
    /// Active collection parameters re-bound in the body: the local that holds the adjoint of their current binding
    /// (the adjoint parameter, or its working buffer, stays the adjoint of the entry binding).
    /// </summary>
    private readonly Dictionary<int, string> _currentAdjoints = [];

    private bool IsSpanVariable(int id) => Variable(id).Type.Shape is ShapeKind.Span or ShapeKind.ReadOnlySpan;

    /// <summary>Statements that bind a collection variable: (variable, value).</summary>
    private IEnumerable<(Stmt Leaf, int Id, Expr Value)> Bindings() =>
        IrWalker.AllStatements(_function.Body).Select(stmt => stmt switch
        {
            DeclareStmt { Initializer: not null } d when Variable(d.VariableId).Type.IsCollection => (stmt, d.VariableId, d.Initializer),
            AssignStmt { Kind: AssignKind.Simple, Target: VariableExpr { Type.IsCollection: true } v } a => (stmt, v.Id, a.Value),
            _ => (stmt, -1, (Expr)null!),
        }).Where(b => b.Item2 >= 0);

    /// <summary>
    /// After the to-be-recorded analysis: the span variables whose bindings are saved, and the span variables they are
    /// taken from, get shadows; re-bound parameters keep their entry bindings.
    /// </summary>
    private void PlanBindings()
    {
        var shadowed = new HashSet<int>();
        foreach ((Stmt leaf, int id, _) in Bindings())
        {
            if (IsSpanVariable(id) && SavesOf(leaf).Target is SaveMode.Tape or SaveMode.Local)
            {
                shadowed.Add(id);
            }
        }

        // A span taken from another span variable finds its memory through that variable's shadow.
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach ((_, int id, Expr value) in Bindings())
            {
                if (shadowed.Contains(id) && IrWalker.RootVariable(value) is int source && source >= 0 && IsSpanVariable(source) && !IsStableRoot(source))
                {
                    changed |= shadowed.Add(source);
                }
            }
        }

        foreach (int id in shadowed.OrderBy(i => i))
        {
            string name = Variable(id).BaseName;
            _spanShadows[id] = new SpanShadow(_names.Allocate(name + "Array"), _names.Allocate(name + "AdjointArray"), _names.Allocate(name + "Root"), _names.Allocate(name + "Offset"));
            TypeRef array = TypeRef.ArrayOf(Variable(id).Type.ElementType);
            _localDeclarations.Add(new CodeDeclare(array, _spanShadows[id].Array, DefaultValue(array)));
            _localDeclarations.Add(new CodeDeclare(array, _spanShadows[id].Adjoint, DefaultValue(array)));
            _localDeclarations.Add(new CodeDeclare(TypeRef.Int32, _spanShadows[id].Root, new LiteralExpr(TypeRef.Int32, "-1")));
            _localDeclarations.Add(new CodeDeclare(TypeRef.Int32, _spanShadows[id].Offset, Literals.Zero(TypeRef.Int32)));
        }

        foreach (int id in _function.ParameterIds)
        {
            if (_assignedParameters.Contains(id))
            {
                _entryBindings[id] = _names.Allocate(Variable(id).BaseName + "Entry");
            }
        }
    }

    /// <summary>
    /// A parameter that is never re-bound (or whose entry binding is kept): views of it are rebuilt from the parameter
    /// itself. Array parameters whose adjoint is an array are found through their references instead.
    /// </summary>
    private bool IsStableRoot(int id) =>
        Variable(id).Kind == VariableKind.Parameter && !_assignedParameters.Contains(id) && !(Variable(id).Type.Shape == ShapeKind.Array && HasArrayAdjoint(id));

    /// <summary>The entry bindings of re-bound parameters, their current adjoints, and the shadows of re-bound span parameters.</summary>
    private List<CodeStmt> BindingPrologue()
    {
        var code = new List<CodeStmt>();
        foreach (KeyValuePair<int, string> entry in _entryBindings.OrderBy(e => e.Key))
        {
            VariableModel parameter = Variable(entry.Key);
            code.Add(new CodeDeclare(parameter.Type, entry.Value, new VariableExpr(parameter.Type, entry.Key)));
            if (_currentAdjoints.TryGetValue(entry.Key, out string? current))
            {
                NameExpr adjoint = AdjointOf(entry.Key);
                Expr entryAdjoint = EntryAdjointOf(entry.Key);
                if (adjoint.Type.Shape != ShapeKind.Array && entryAdjoint.Type.Shape == ShapeKind.Array)
                {
                    entryAdjoint = View(entryAdjoint, Literals.Zero(TypeRef.Int32), new LengthExpr(new VariableExpr(parameter.Type, entry.Key)));
                }

                code.Add(new CodeDeclare(adjoint.Type, current, entryAdjoint));
            }

            if (_spanShadows.TryGetValue(entry.Key, out SpanShadow? shadow))
            {
                code.Add(new CodeAssign(new NameExpr(TypeRef.Int32, shadow.Root), "=", new LiteralExpr(TypeRef.Int32, Id(entry.Key))));
            }
        }

        return code;
    }

    /// <summary>Forward, right before span variable <paramref name="id"/> is bound to <paramref name="value"/>: where its memory will lie.</summary>
    private void RecordSpanBinding(int id, Expr value, List<CodeStmt> code)
    {
        if (!_spanShadows.TryGetValue(id, out SpanShadow? shadow))
        {
            return;
        }

        TypeRef array = TypeRef.ArrayOf(Variable(id).Type.ElementType);
        var arrayName = new NameExpr(array, shadow.Array);
        var adjointName = new NameExpr(array, shadow.Adjoint);
        var root = new NameExpr(TypeRef.Int32, shadow.Root);
        var offset = new NameExpr(TypeRef.Int32, shadow.Offset);
        int source = IrWalker.RootVariable(value);

        // The view is evaluated here, before the binding, a second time: lowering made it free of side effects.
        Expr OffsetIn(Expr container) => new InvokeExpr(TypeRef.Int32, Storage + ".OffsetOf<" + Variable(id).Type.ElementName + ">", Args(container, value));
        bool active = IsActiveVariable(id) && Variable(id).Type.IsFloating;

        if (source < 0)
        {
            // default, or a view of something that is not a variable: nothing to rebuild but an empty span.
            code.Add(new CodeAssign(arrayName, "=", DefaultValue(array)));
            code.Add(new CodeAssign(root, "=", new LiteralExpr(TypeRef.Int32, "-1")));
            code.Add(new CodeAssign(offset, "=", Literals.Zero(TypeRef.Int32)));
        }
        else if (_spanShadows.TryGetValue(source, out SpanShadow? from))
        {
            if (source != id)
            {
                code.Add(new CodeAssign(arrayName, "=", new NameExpr(array, from.Array)));
                code.Add(new CodeAssign(adjointName, "=", new NameExpr(array, from.Adjoint)));
                code.Add(new CodeAssign(root, "=", new NameExpr(TypeRef.Int32, from.Root)));
            }

            code.Add(new CodeAssign(offset, "=", new BinaryExpr(TypeRef.Int32, BinaryOp.Add, new NameExpr(TypeRef.Int32, from.Offset), OffsetIn(new VariableExpr(Variable(source).Type, source)))));
        }
        else if (Variable(source).Type.Shape == ShapeKind.Array && !IsStableRoot(source) && !_entryBindings.ContainsKey(source))
        {
            var sourceExpr = new VariableExpr(Variable(source).Type, source);
            code.Add(new CodeAssign(arrayName, "=", sourceExpr));
            if (active && IsActiveVariable(source))
            {
                code.Add(new CodeAssign(adjointName, "=", AdjointOf(source)));
            }

            code.Add(new CodeAssign(root, "=", new LiteralExpr(TypeRef.Int32, "-1")));
            code.Add(new CodeAssign(offset, "=", OffsetIn(sourceExpr)));
        }
        else
        {
            // A view of a parameter (its entry binding if it is re-bound).
            code.Add(new CodeAssign(arrayName, "=", DefaultValue(array)));
            code.Add(new CodeAssign(root, "=", new LiteralExpr(TypeRef.Int32, Id(source))));
            code.Add(new CodeAssign(offset, "=", OffsetIn(EntryOf(source))));
        }
    }

    /// <summary>The parameter as it was on entry (itself, unless the body re-binds it).</summary>
    private Expr EntryOf(int parameter) =>
        _entryBindings.TryGetValue(parameter, out string? entry)
            ? new NameExpr(Variable(parameter).Type, entry)
            : new VariableExpr(Variable(parameter).Type, parameter);

    /// <summary>The adjoint of a parameter's entry binding: its working buffer, or the adjoint parameter itself.</summary>
    private Expr EntryAdjointOf(int parameter)
    {
        VariableModel variable = Variable(parameter);
        if (_workingAdjoints.TryGetValue(parameter, out string? working))
        {
            return new NameExpr(variable.Type.IsCollection ? TypeRef.ArrayOf(variable.Type.ElementType) : variable.Type, working);
        }

        return _currentAdjoints.ContainsKey(parameter)
            ? new NameExpr(TypeRef.SpanOf(variable.Type.ElementType), _adjointNames[parameter]!)
            : AdjointOf(parameter);
    }

    /// <summary>Forward, before span variable <paramref name="id"/> is re-bound: save where its current binding lies.</summary>
    private void SaveSpanBinding(int id, List<CodeStmt> code)
    {
        SpanShadow shadow = _spanShadows.TryGetValue(id, out SpanShadow? s) ? s : new SpanShadow("?", "?", "?", "?");
        TypeRef array = TypeRef.ArrayOf(Variable(id).Type.ElementType);
        code.Add(Push(new NameExpr(array, shadow.Array)));
        if (IsActiveVariable(id) && Variable(id).Type.IsFloating)
        {
            code.Add(Push(new NameExpr(array, shadow.Adjoint)));
        }

        code.Add(Push(new NameExpr(TypeRef.Int32, shadow.Root)));
        code.Add(Push(new NameExpr(TypeRef.Int32, shadow.Offset)));
        code.Add(Push(new LengthExpr(new VariableExpr(Variable(id).Type, id))));
    }

    /// <summary>Reverse: pop the saved binding of span variable <paramref name="id"/> and rebuild it and its adjoint.</summary>
    private void RestoreSpanBinding(int id, List<CodeStmt> code)
    {
        SpanShadow shadow = _spanShadows.TryGetValue(id, out SpanShadow? s) ? s : new SpanShadow("?", "?", "?", "?");
        VariableModel variable = Variable(id);
        TypeRef array = TypeRef.ArrayOf(variable.Type.ElementType);
        bool active = IsActiveVariable(id) && variable.Type.IsFloating;
        var self = new VariableExpr(variable.Type, id);
        var arrayName = new NameExpr(array, shadow.Array);
        var adjointName = new NameExpr(array, shadow.Adjoint);
        var root = new NameExpr(TypeRef.Int32, shadow.Root);
        var offset = new NameExpr(TypeRef.Int32, shadow.Offset);
        string length = _names.Allocate(variable.BaseName + "Length");
        var lengthName = new NameExpr(TypeRef.Int32, length);
        code.Add(new CodeDeclare(TypeRef.Int32, length, Pop(TypeRef.Int32)));
        code.Add(new CodeAssign(offset, "=", Pop(TypeRef.Int32)));
        code.Add(new CodeAssign(root, "=", Pop(TypeRef.Int32)));
        if (active)
        {
            code.Add(new CodeAssign(adjointName, "=", Pop(array)));
        }

        code.Add(new CodeAssign(arrayName, "=", Pop(array)));

        CodeBlock Rebuild(Expr primal, Expr? adjoint)
        {
            var statements = new List<CodeStmt> { new CodeAssign(self, "=", View(primal, offset, lengthName)) };
            if (active && adjoint is not null)
            {
                statements.Add(new CodeAssign(AdjointOf(id), "=", View(adjoint, offset, lengthName)));
            }

            return Block(statements);
        }

        // The parameters this span may view, tested by id; else an array it views; else nothing (an empty span).
        List<int> roots = _function.ParameterIds
            .Where(p => Variable(p).Type.IsCollection && Variable(p).Type.ElementName == variable.Type.ElementName &&
                (IsStableRoot(p) || (_entryBindings.ContainsKey(p) && IsSpanVariable(p))))
            .ToList();
        CodeBlock otherwise = Block([new CodeAssign(self, "=", DefaultValue(variable.Type))]);
        for (int i = roots.Count - 1; i >= 0; i--)
        {
            int parameter = roots[i];
            Expr? adjoint = active && IsActiveVariable(parameter) ? EntryAdjointOf(parameter) : null;
            otherwise = Block([new CodeIf(new BinaryExpr(TypeRef.Boolean, BinaryOp.Equals, root, new LiteralExpr(TypeRef.Int32, Id(parameter))),
                Rebuild(EntryOf(parameter), adjoint), otherwise)]);
        }

        code.Add(new CodeIf(new BinaryExpr(TypeRef.Boolean, BinaryOp.NotEquals, arrayName, new LiteralExpr(array, "null")), Rebuild(arrayName, active ? adjointName : null), otherwise));
    }

    private static Expr View(Expr collection, Expr offset, Expr length) =>
        new SpanViewExpr(TypeRef.SpanOf(collection.Type.ElementType), collection, collection.Type.Shape == ShapeKind.Array ? "AsSpan" : "Slice", EquatableArray.Create(offset, length));
}
