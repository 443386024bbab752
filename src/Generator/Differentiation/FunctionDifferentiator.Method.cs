using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Analysis;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;
using AutoDiffGen.Generator.Parsing;

namespace AutoDiffGen.Generator.Differentiation;

internal sealed partial class FunctionDifferentiator
{
    private bool _tapeUsed;
    private readonly List<(int Id, string Buffer)> _workingBuffers = [];

    public string SeedName => _seedName;

    /// <summary>The adjoint parameter names, by parameter variable id (null where there is none).</summary>
    public string? AdjointParameterName(int id) => HasAdjointParameter(Variable(id)) ? _adjointNames[id] : null;

    /// <summary>Builds the adjoint's body: declarations, forward sweep, reverse sweep, result.</summary>
    public CodeBlock BuildBody()
    {
        _tapeName = _names.Allocate("tape");
        string markName = _names.Allocate("tapeMark");
        PlanWorkingAdjoints();
        foreach (VariableModel variable in _function.Variables)
        {
            if (variable.IsActive)
            {
                AdjointOf(variable.Id);
            }
        }

        PlanConditionalFlags();
        PlanRecording();
        PlanBindings();

        _tapeUsed = false;
        var methodFrame = new Frame(-1, _exitName is null ? null : new NameExpr(TypeRef.Int32, _exitName));
        List<CodeStmt> reverse = ReverseBlock(_function.Body.Statements, methodFrame);
        FinishFusion(reverse);
        List<CodeStmt> forward = Forward(_function.Body, []);
        AccumulateOnceIntoOutputs(reverse);

        var body = new List<CodeStmt>();
        if (_isRoot)
        {
            foreach (int id in _function.ParameterIds)
            {
                VariableModel parameter = Variable(id);
                if (parameter.Type.IsCollection && HasAdjointParameter(parameter))
                {
                    body.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, Storage + ".CheckLength", EquatableArray.Create(
                        new Argument(new LengthExpr(new VariableExpr(parameter.Type, id)), PassingMode.Value),
                        new Argument(new LengthExpr(new NameExpr(TypeRef.SpanOf(parameter.Type.ElementType), _adjointNames[id]!)), PassingMode.Value),
                        new Argument(new LiteralExpr(TypeRef.String, Literals.String(parameter.BaseName)), PassingMode.Value),
                        new Argument(new LiteralExpr(TypeRef.String, Literals.String(_adjointNames[id]!)), PassingMode.Value)))));
                }
            }

            // An array the method writes is treated as different from the other array parameters: they must not share memory.
            var writtenArrays = WrittenParameterArrays(allocateNames: false).Select(w => w.Id).ToList();
            foreach (int writtenId in writtenArrays)
            {
                VariableModel written = Variable(writtenId);
                foreach (int otherId in _function.ParameterIds)
                {
                    VariableModel other = Variable(otherId);
                    if (otherId != writtenId && other.Type.IsCollection && other.Type.ElementName == written.Type.ElementName &&
                        !(writtenArrays.Contains(otherId) && otherId < writtenId))
                    {
                        body.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, Storage + ".CheckDisjointInputs<" + written.Type.ElementName + ">", EquatableArray.Create(
                            new Argument(new VariableExpr(written.Type, writtenId), PassingMode.Value),
                            new Argument(new VariableExpr(other.Type, otherId), PassingMode.Value),
                            new Argument(new LiteralExpr(TypeRef.String, Literals.String(written.BaseName)), PassingMode.Value),
                            new Argument(new LiteralExpr(TypeRef.String, Literals.String(other.BaseName)), PassingMode.Value)))));
                    }
                }
            }

            // The reverse sweep writes adjoints while it reads (and restores) the inputs: they must not share memory.
            foreach (int id in _function.ParameterIds)
            {
                VariableModel output = Variable(id);
                if (!output.Type.IsCollection || !HasAdjointParameter(output))
                {
                    continue;
                }

                foreach (int inputId in _function.ParameterIds)
                {
                    VariableModel input = Variable(inputId);
                    if (input.Type.IsCollection && input.Type.ElementName == output.Type.ElementName)
                    {
                        body.Add(Differentiator.CheckDisjoint(input.Type, input.Name, input.BaseName, _adjointNames[id]!));
                    }
                }
            }
        }

        // Declarations: every local is hoisted so that the reverse sweep sees the values the forward sweep left.
        var locals = new List<CodeStmt>();
        foreach (VariableModel variable in _function.Variables)
        {
            if (variable.Kind == VariableKind.Parameter)
            {
                continue;
            }

            locals.Add(variable.ConstantText is not null
                ? new CodeDeclare(variable.Type, variable.Name, new LiteralExpr(variable.Type, variable.ConstantText), IsConst: true)
                : new CodeDeclare(variable.Type, variable.Name, DefaultValue(variable.Type)));
        }

        if (_function.ReturnType.Element != ValueKind.Void)
        {
            locals.Add(new CodeDeclare(_function.ReturnType, _resultName, DefaultValue(_function.ReturnType)));
        }

        if (_exitName is not null)
        {
            locals.Add(new CodeDeclare(TypeRef.Int32, _exitName, Literals.Zero(TypeRef.Int32)));
        }

        foreach (LoopInfo loop in _loops.Values.OrderBy(l => l.Loop.LoopId))
        {
            if (loop.NeedsCount)
            {
                locals.Add(new CodeDeclare(TypeRef.Int32, loop.CountName, Literals.Zero(TypeRef.Int32)));
                if (loop.Mode != ExitMode.None)
                {
                    locals.Add(new CodeDeclare(TypeRef.Int32, loop.ExitName, Literals.Zero(TypeRef.Int32)));
                }
            }
        }

        locals.AddRange(_localDeclarations);
        if (locals.Count > 0)
        {
            body.Add(new CodeComment("Locals (hoisted: the reverse sweep reads the values the forward sweep leaves in them)."));
            body.AddRange(locals);
        }

        var adjoints = new List<CodeStmt>(_adjointDeclarations);
        foreach ((int id, string buffer) in _workingBuffers)
        {
            VariableModel parameter = Variable(id);
            TypeRef array = TypeRef.ArrayOf(parameter.Type.ElementType);
            adjoints.Add(new CodeDeclare(array, buffer, new InvokeExpr(array, Storage + ".RentZeroed<" + parameter.Type.ElementName + ">", Args(new LengthExpr(new VariableExpr(parameter.Type, id))))));
        }

        if (adjoints.Count > 0)
        {
            body.Add(new CodeComment("Adjoints: d(result)/d(value) for every active value."));
            body.AddRange(adjoints);
        }

        var main = new List<CodeStmt>();
        List<CodeStmt> prologue = BindingPrologue();
        if (prologue.Count > 0)
        {
            main.Add(new CodeComment("Bindings on entry of the parameters the method re-binds."));
            main.AddRange(prologue);
        }

        main.Add(new CodeComment("Forward sweep: the original computation, saving what the reverse sweep needs."));
        main.AddRange(forward);
        var tail = new List<CodeStmt>();
        if (_reverseLabel is not null)
        {
            tail.Add(new CodeLabel(_reverseLabel));
        }

        // The caller sees written arrays as the original method leaves them, whatever the reverse sweep restores.
        List<(int Id, string Copy)> finalStates = _isRoot ? WrittenParameterArrays() : [];
        foreach ((int id, string copy) in finalStates)
        {
            VariableModel parameter = Variable(id);
            TypeRef array = TypeRef.ArrayOf(parameter.Type.ElementType);
            tail.Add(new CodeDeclare(array, copy, new InvokeExpr(array, Storage + ".RentCopy<" + parameter.Type.ElementName + ">", Args(EntryOf(id)))));
        }

        tail.Add(new CodeComment("Reverse sweep: the statements in reverse order, accumulating adjoints."));
        tail.AddRange(reverse);
        foreach ((int id, string copy) in finalStates)
        {
            VariableModel parameter = Variable(id);
            tail.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, Storage + ".RestoreAndReturn", Args(new NameExpr(TypeRef.ArrayOf(parameter.Type.ElementType), copy), EntryOf(id)))));
        }

        foreach (KeyValuePair<int, string> working in _workingAdjoints.OrderBy(w => w.Key))
        {
            VariableModel parameter = Variable(working.Key);
            if (parameter.Type.IsCollection)
            {
                var buffer = new NameExpr(TypeRef.ArrayOf(parameter.Type.ElementType), working.Value);
                tail.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, Storage + ".AddInto", Args(
                    new NameExpr(TypeRef.SpanOf(parameter.Type.ElementType), _adjointNames[working.Key]!),
                    new SpanViewExpr(TypeRef.SpanOf(parameter.Type.ElementType), buffer, "AsSpan", EquatableArray.Create<Expr>(Literals.Zero(TypeRef.Int32), new LengthExpr(EntryOf(working.Key))))))));
                tail.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, Storage + ".Return", Args(buffer))));
            }
            else if (_adjointNames[working.Key] is { } output)
            {
                tail.Add(new CodeAssign(new NameExpr(parameter.Type, output), "+=", new NameExpr(parameter.Type, working.Value)));
            }
        }

        tail.Add(new CodeReturn(_function.ReturnType.Element == ValueKind.Void ? null : new NameExpr(_function.ReturnType, _resultName)));
        main.AddRange(tail);

        if (_tapeUsed)
        {
            body.Add(new CodeDeclare(new TypeRef(Storage, ShapeKind.Scalar, ValueKind.Other), _tapeName, new NameExpr(TypeRef.Void, Storage + ".Current"), UseVar: true));
            body.Add(new CodeDeclare(new TypeRef("global::AutoDiffGen.AdjointStorageMark", ShapeKind.Scalar, ValueKind.Other), markName,
                new InvokeExpr(TypeRef.Void, _tapeName + ".GetMark", EquatableArray<Argument>.Empty), UseVar: true));
            body.Add(new CodeTryFinally(Block(main), Block([new CodeExpression(new InvokeExpr(TypeRef.Void, _tapeName + ".Release", Args(new NameExpr(TypeRef.Void, markName))))])));
        }
        else
        {
            body.AddRange(main);
        }

        var adjointNames = new HashSet<string>(_adjointNames.Where(n => n is not null).Select(n => n!).Concat(_workingAdjoints.Values), System.StringComparer.Ordinal);
        var named = (CodeBlock)CodeRewriter.Map(Block(body), e => ExprRewriter.Map(e, Named));
        return _options.Has(SpeedUp.MergeAccumulations) ? AccumulationCoalescer.Coalesce(named, adjointNames) : named;
    }

    /// <summary>Generated code refers to variables by name.</summary>
    public Expr? Named(Expr expr) => expr is VariableExpr v ? new NameExpr(v.Type, Variable(v.Id).Name) : null;

    /// <summary>
    /// Scalar parameters accumulate their adjoint in a local, and (for the public adjoint) arrays the function writes
    /// in a pooled buffer, that is added to the output at the end: the output itself must only ever be added to, and
    /// a local stays in a register.
    /// </summary>
    private void PlanWorkingAdjoints()
    {
        var written = new HashSet<int>();
        foreach (Stmt stmt in IrWalker.AllStatements(_function.Body))
        {
            IrWalker.CollectWrites(stmt, written);
        }

        foreach (int id in _function.ParameterIds)
        {
            VariableModel parameter = Variable(id);
            if (!HasAdjointParameter(parameter) || !parameter.IsActive)
            {
                continue;
            }

            if (parameter.Type.IsCollection && _assignedParameters.Contains(id))
            {
                // Re-bound: its adjoint follows its binding in a local of its own (see FunctionDifferentiator.Bindings).
                _currentAdjoints[id] = _names.Allocate(_adjointNames[id] + "Binding");
            }

            if (parameter.Type.IsCollection)
            {
                bool writtenHere = _isRoot && _function.Variables.Any(v => v.AliasClass == parameter.AliasClass && written.Contains(v.Id));
                if (writtenHere || HasArrayAdjoint(id))
                {
                    string buffer = _names.Allocate(_adjointNames[id] + "Work");
                    _workingAdjoints[id] = buffer;
                    _workingBuffers.Add((id, buffer));
                }
            }
            else if (parameter.RefKind is PassingMode.Value or PassingMode.In && _options.Has(SpeedUp.RegisterAdjoints))
            {
                // Speed-up RegisterAdjoints. Claim: accumulating in a local and adding it to the output once at the end
                // gives the same sum. Precondition: nothing reads or writes the output in between; every use of the
                // parameter's adjoint goes through AdjointOf, which returns the local (helper adjoints get it by ref).
                if (!written.Contains(id))
                {
                    _registerAdjoints.Add(id);
                }

                // Always a local, not only for reassigned parameters: the JIT keeps a local in a register, but every
                // `dX += ...` through the ref parameter is a load and a store whose latency chains the whole sweep.
                string local = _names.Allocate(_adjointNames[id] + "Work");
                _workingAdjoints[id] = local;
                _adjointDeclarations.Add(new CodeDeclare(parameter.Type, local, Literals.Zero(parameter.Type)));
            }
        }
    }

    /// <summary>
    /// A scalar parameter's working local that the reverse sweep adds to only once, outside any loop or branch, buys
    /// nothing: that one statement adds to the output directly, and the local goes.
    /// </summary>
    private void AccumulateOnceIntoOutputs(List<CodeStmt> reverse)
    {
        // Fused loops run their reverse in the forward sweep: count there too.
        List<CodeStmt> elsewhere = _fusedReverse.Values.Concat(_fusedAhead.Values).SelectMany(c => c).ToList();
        foreach (int id in _registerAdjoints)
        {
            string local = _workingAdjoints[id];
            string output = _adjointNames[id]!;
            int index = reverse.FindIndex(s => s is CodeAssign { Target: NameExpr n, Operator: "+=" or "-=" } && n.Name == local);
            if (index >= 0 && CodeWalker.CountName(reverse, local) + CodeWalker.CountName(elsewhere, local) == 1)
            {
                var assign = (CodeAssign)reverse[index];
                reverse[index] = assign with { Target = new NameExpr(assign.Target.Type, output) };
            }

            if (CodeWalker.CountName(reverse, local) + CodeWalker.CountName(elsewhere, local) == 0)
            {
                _workingAdjoints.Remove(id);
                _adjointDeclarations.RemoveAll(d => d is CodeDeclare declare && declare.Name == local);
            }
        }
    }

    /// <summary>Parameter arrays the function writes, with the name of the copy that keeps their final state.</summary>
    private List<(int Id, string Copy)> WrittenParameterArrays(bool allocateNames = true)
    {
        var written = new HashSet<int>();
        foreach (Stmt stmt in IrWalker.AllStatements(_function.Body))
        {
            IrWalker.CollectWrites(stmt, written);
        }

        var result = new List<(int, string)>();
        foreach (int id in _function.ParameterIds)
        {
            VariableModel parameter = Variable(id);
            if (parameter.Type.IsCollection && parameter.Type.Shape != ShapeKind.ReadOnlySpan &&
                _function.Variables.Any(v => v.AliasClass == parameter.AliasClass && written.Contains(v.Id)))
            {
                result.Add((id, allocateNames ? _names.Allocate(parameter.BaseName + "Final") : string.Empty));
            }
        }

        return result;
    }
}
