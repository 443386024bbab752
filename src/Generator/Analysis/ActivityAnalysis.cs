using System;
using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;

namespace AutoDiffGen.Generator.Analysis;

/// <summary>
/// Activity analysis: a variable is <em>active</em> when it depends on a differentiable input (varied) and
/// influences the result (useful). Only active values get adjoints. Flow-insensitive, per variable; arrays that
/// alias each other (a span view of an array, an array copied by reference) form one class.
/// </summary>
internal sealed class ActivityAnalysis
{
    private readonly FunctionModel _function;
    private readonly int[] _parent;
    private readonly bool[] _varied;
    private readonly bool[] _useful;

    private ActivityAnalysis(FunctionModel function)
    {
        _function = function;
        int count = function.Variables.Count;
        _parent = Enumerable.Range(0, count).ToArray();
        _varied = new bool[count];
        _useful = new bool[count];
    }

    /// <summary>Whether some returned value depends on a differentiable input.</summary>
    public bool ResultIsVaried { get; private set; }

    /// <param name="isRoot">The [Differentiable] method itself (helpers also treat their ref/out parameters and
    /// written arrays as outputs, and every floating-point parameter as an input).</param>
    public static ActivityAnalysis Run(FunctionModel function, bool isRoot)
    {
        var analysis = new ActivityAnalysis(function);
        analysis.BuildAliasClasses();
        analysis.ComputeVaried(isRoot);
        analysis.ComputeUseful(isRoot);
        return analysis;
    }

    public int ClassOf(int id)
    {
        while (_parent[id] != id)
        {
            _parent[id] = _parent[_parent[id]];
            id = _parent[id];
        }

        return id;
    }

    /// <summary>Depends on a differentiable input (whether or not it reaches the result).</summary>
    public bool IsVariedVariable(int id) => _varied[ClassOf(id)] && _function.Variables[id].Type.IsFloating;

    public bool IsActive(int id)
    {
        int c = ClassOf(id);
        return _varied[c] && _useful[c] && _function.Variables[id].Type.IsFloating;
    }

    /// <summary>Returns the function with <see cref="VariableModel.IsActive"/> and alias classes filled in.</summary>
    public FunctionModel Annotate() => _function with
    {
        Variables = _function.Variables.Select(v => v with { IsActive = IsActive(v.Id), AliasClass = ClassOf(v.Id) }).ToEquatableArray(),
    };

    private void Union(int a, int b)
    {
        int ra = ClassOf(a);
        int rb = ClassOf(b);
        if (ra != rb)
        {
            _parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }
    }

    private void BuildAliasClasses()
    {
        foreach (Stmt stmt in IrWalker.AllStatements(_function.Body))
        {
            (Expr? target, Expr? value) = stmt switch
            {
                DeclareStmt d => ((Expr?)new VariableExpr(_function.Variables[d.VariableId].Type, d.VariableId), d.Initializer),
                AssignStmt { Kind: AssignKind.Simple } a => (a.Target, a.Value),
                _ => (null, null),
            };
            if (target is VariableExpr v && target.Type.IsCollection && value is not null)
            {
                int root = IrWalker.RootVariable(value);
                if (root >= 0)
                {
                    Union(v.Id, root);
                }
            }
        }
    }

    // ---- varied --------------------------------------------------------------------------------------------

    private void ComputeVaried(bool isRoot)
    {
        foreach (int id in _function.ParameterIds)
        {
            VariableModel parameter = _function.Variables[id];
            if (parameter.Type.IsFloating && !parameter.NoDerivative && (!isRoot || parameter.RefKind is PassingMode.Value or PassingMode.In))
            {
                _varied[ClassOf(id)] = true;
            }
        }

        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (Stmt stmt in IrWalker.AllStatements(_function.Body))
            {
                switch (stmt)
                {
                    case DeclareStmt { Initializer: not null } d:
                        changed |= MarkVaried(d.VariableId, IsVaried(d.Initializer));
                        break;
                    case AssignStmt a:
                        bool value = IsVaried(a.Value) || (a.Kind != AssignKind.Simple && IsVaried(a.Target));
                        changed |= MarkVaried(TargetVariable(a.Target), value);
                        break;
                    case BulkStmt b when b.Input is not null:
                        bool input = b.Kind == BulkKind.Copy
                            ? IrWalker.RootVariable(b.Input) is int source && source >= 0 && _varied[ClassOf(source)]
                            : IsVaried(b.Input);
                        changed |= MarkVaried(IrWalker.RootVariable(b.Target), input);
                        break;
                }

                foreach (Expr expr in IrWalker.OwnExpressions(stmt))
                {
                    foreach (Expr node in IrWalker.Descendants(expr))
                    {
                        if (node is CallExpr call && CallInputsVaried(call))
                        {
                            var written = new HashSet<int>();
                            IrWalker.CollectCallWrites(call, written);
                            foreach (int id in written)
                            {
                                changed |= MarkVaried(id, true);
                            }
                        }
                    }
                }
            }
        }

        foreach (Stmt stmt in IrWalker.AllStatements(_function.Body))
        {
            if (stmt is ReturnStmt { Value: not null } ret && IsVaried(ret.Value))
            {
                ResultIsVaried = true;
            }
        }
    }

    private bool MarkVaried(int id, bool value)
    {
        if (!value || id < 0)
        {
            return false;
        }

        int c = ClassOf(id);
        if (_varied[c])
        {
            return false;
        }

        _varied[c] = true;
        return true;
    }

    private static int TargetVariable(Expr target) => target is ElementExpr element ? IrWalker.RootVariable(element.Collection) : IrWalker.RootVariable(target);

    private bool IsVaried(Expr expr) => DependsOn(expr, id => _varied[ClassOf(id)]);

    private bool CallInputsVaried(CallExpr call)
    {
        foreach (Argument argument in call.Arguments)
        {
            if (argument.Kind == PassingMode.Out)
            {
                continue;
            }

            if (DependsOn(argument.Value, id => _varied[ClassOf(id)]) ||
                (IrWalker.IsFloatingCollection(argument.Value) && IrWalker.RootVariable(argument.Value) is int root && root >= 0 && _varied[ClassOf(root)]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the value of <paramref name="expr"/> depends differentiably on a variable satisfying
    /// <paramref name="variable"/>: comparisons, integer conversions, piecewise-constant functions and
    /// StopGradient cut the dependence.
    /// </summary>
    public static bool DependsOn(Expr expr, Func<int, bool> variable)
    {
        switch (expr)
        {
            case VariableExpr v:
                return v.Type.IsFloating && variable(v.Id);
            case ElementExpr e:
                return e.Type.IsFloating && IrWalker.RootVariable(e.Collection) is int root && root >= 0 && variable(root);
            case UnaryExpr u:
                return u.Type.IsFloating && u.Op == UnaryOp.Negate && DependsOn(u.Operand, variable);
            case BinaryExpr b:
                return b.Type.IsFloating && b.Op is BinaryOp.Add or BinaryOp.Subtract or BinaryOp.Multiply or BinaryOp.Divide or BinaryOp.Remainder &&
                    (DependsOn(b.Left, variable) || DependsOn(b.Right, variable));
            case ConditionalExpr c:
                return c.Type.IsFloating && (DependsOn(c.WhenTrue, variable) || DependsOn(c.WhenFalse, variable));
            case ConvertExpr c:
                return c.Type.IsFloating && DependsOn(c.Operand, variable);
            case MathCallExpr m:
                return m.Type.IsFloating && !DerivativeIsZero(m.Function) && m.Arguments.Any(a => DependsOn(a, variable));
            case CallExpr call:
                return call.Type.IsFloating && call.Arguments.Any(a => a.Kind != PassingMode.Out &&
                    (DependsOn(a.Value, variable) || (IrWalker.IsFloatingCollection(a.Value) && IrWalker.RootVariable(a.Value) is int r && r >= 0 && variable(r))));
            case ReduceExpr reduce:
                return reduce.Type.IsFloating && reduce.Sources.Any(s => IrWalker.RootVariable(s) is int reduced && reduced >= 0 && variable(reduced));
            case SpanViewExpr s:
                return DependsOn(s.Source, variable);
            case NewArrayExpr n:
                return n.Initializer.Any(e => DependsOn(e, variable));
            case CopyArrayExpr c:
                return IrWalker.RootVariable(c.Source) is int copied && copied >= 0 && variable(copied);
            default:
                return false;
        }
    }

    public static bool DerivativeIsZero(MathFunction function) =>
        function is MathFunction.Floor or MathFunction.Ceiling or MathFunction.Round or MathFunction.Truncate or MathFunction.Sign or
            MathFunction.IsNaN or MathFunction.IsInfinity or MathFunction.IsFinite;

    // ---- useful ---------------------------------------------------------------------------------------------

    private void ComputeUseful(bool isRoot)
    {
        foreach (Stmt stmt in IrWalker.AllStatements(_function.Body))
        {
            if (stmt is ReturnStmt { Value: not null } ret)
            {
                MarkReadsUseful(ret.Value);
            }
        }

        if (!isRoot)
        {
            foreach (int id in _function.ParameterIds)
            {
                VariableModel parameter = _function.Variables[id];
                if (parameter.Type.IsFloating && (parameter.RefKind is PassingMode.Ref or PassingMode.Out || parameter.Type.IsCollection))
                {
                    _useful[ClassOf(id)] = true;
                }
            }
        }

        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (Stmt stmt in IrWalker.AllStatements(_function.Body))
            {
                switch (stmt)
                {
                    case DeclareStmt { Initializer: not null } d when _useful[ClassOf(d.VariableId)]:
                        changed |= MarkReadsUseful(d.Initializer);
                        break;
                    case AssignStmt a when TargetVariable(a.Target) is int target && target >= 0 && _useful[ClassOf(target)]:
                        changed |= MarkReadsUseful(a.Value);
                        if (a.Kind != AssignKind.Simple)
                        {
                            changed |= MarkReadsUseful(a.Target);
                        }

                        break;
                    case BulkStmt { Input: not null } b when IrWalker.RootVariable(b.Target) is int target && target >= 0 && _useful[ClassOf(target)]:
                        changed |= b.Kind == BulkKind.Copy
                            ? IrWalker.RootVariable(b.Input) is int source && source >= 0 && MarkUseful(source)
                            : MarkReadsUseful(b.Input);
                        break;
                }

                foreach (Expr expr in IrWalker.OwnExpressions(stmt))
                {
                    foreach (Expr node in IrWalker.Descendants(expr))
                    {
                        if (node is CallExpr call)
                        {
                            var written = new HashSet<int>();
                            IrWalker.CollectCallWrites(call, written);
                            if (written.Any(id => _useful[ClassOf(id)]))
                            {
                                foreach (Argument argument in call.Arguments)
                                {
                                    changed |= MarkReadsUseful(argument.Value);
                                    if (IrWalker.IsFloatingCollection(argument.Value) && IrWalker.RootVariable(argument.Value) is int root && root >= 0)
                                    {
                                        changed |= MarkUseful(root);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private bool MarkUseful(int id)
    {
        int c = ClassOf(id);
        if (_useful[c])
        {
            return false;
        }

        _useful[c] = true;
        return true;
    }

    /// <summary>Marks useful every variable whose value flows differentiably into <paramref name="expr"/>.</summary>
    private bool MarkReadsUseful(Expr expr)
    {
        bool changed = false;
        DependsOn(expr, id =>
        {
            changed |= MarkUseful(id);
            return false;
        });
        return changed;
    }
}
