using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using AutoDiffGen.Generator.Analysis;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;

namespace AutoDiffGen.Generator.Differentiation;

internal sealed partial class FunctionDifferentiator
{
    /// <summary>How the reverse sweep learns how an iteration of a loop ended.</summary>
    private enum ExitMode
    {
        /// <summary>Every iteration runs to its end.</summary>
        None,

        /// <summary>Only the last iteration can end early (break or return): one code per loop execution.</summary>
        LastIteration,

        /// <summary>Any iteration can end early (continue): one code per iteration.</summary>
        EveryIteration,
    }

    private sealed class LoopInfo
    {
        public LoopInfo(LoopStmt loop, int depth)
        {
            Loop = loop;
            Depth = depth;
        }

        public LoopStmt Loop { get; }

        /// <summary>Number of loops around this one (0: not nested in a loop).</summary>
        public int Depth { get; }

        public List<int> ExitIds { get; } = [];

        public List<int> ContinueIds { get; } = [];

        public ExitMode Mode => !ExitCodeUsed ? ExitMode.None : ContinueIds.Count > 0 ? ExitMode.EveryIteration : ExitIds.Count > 0 ? ExitMode.LastIteration : ExitMode.None;

        /// <summary>Whether the reverse sweep needs to know how iterations ended (decided when it is generated).</summary>
        public bool ExitCodeUsed { get; set; } = true;

        public bool NeedsCount { get; set; }

        public string CountName { get; set; } = string.Empty;

        public string ExitName { get; set; } = string.Empty;

        public string StepName { get; set; } = string.Empty;

        /// <summary>Declarations in the body recomputed at the start of each reverse iteration.</summary>
        public List<Stmt> Recomputed { get; } = [];

        /// <summary>For simple counted loops: the counter variable (else -1), its start and its step.</summary>
        public int Counter { get; set; } = -1;

        public Expr? CounterStart { get; set; }

        public int CounterStep { get; set; }

        /// <summary>For counted loops with a bound the loop does not change: the trip count, computed in the reverse sweep.</summary>
        public Expr? TripCount { get; set; }

        /// <summary>The variables the computed trip count reads.</summary>
        public HashSet<int> TripCountReads { get; } = [];
    }

    private enum JumpKind
    {
        Break,
        Continue,
        Return,
    }

    private readonly record struct Jump(int Id, JumpKind Kind, int LoopId);

    private readonly Dictionary<int, LoopInfo> _loops = [];
    private readonly Dictionary<object, int> _depth = new(ReferenceComparer.Instance);
    private readonly Dictionary<object, Jump> _jumps = new(ReferenceComparer.Instance);
    private readonly Dictionary<object, List<Jump>> _jumpsInside = new(ReferenceComparer.Instance);
    private readonly HashSet<int> _allocated = [];
    private readonly HashSet<int> _aliased = [];
    private readonly HashSet<int> _assignedParameters = [];
    private readonly HashSet<int> _arrayShadowClasses = [];
    private int _jumpCount;

    private bool IsAllocatedHere(int id) => _allocated.Contains(id);

    private int DepthOf(Stmt stmt) => _depth.TryGetValue(stmt, out int depth) ? depth : 0;

    /// <summary>
    /// Moves the statements that follow an <c>if</c> whose branch ends with <c>return</c> into its other branch, so that
    /// guard clauses need no jump bookkeeping: <c>if (c) { return a; } b; return d;</c> becomes
    /// <c>if (c) { return a; } else { b; return d; }</c>.
    /// </summary>
    private static BlockStmt Restructure(BlockStmt block)
    {
        var statements = new List<Stmt>();
        for (int k = 0; k < block.Statements.Count; k++)
        {
            Stmt stmt = RestructureNested(block.Statements[k]);
            bool hasRest = k < block.Statements.Count - 1;
            if (hasRest && stmt is IfStmt s)
            {
                var rest = new BlockStmt(block.Source, block.Statements.Skip(k + 1).ToEquatableArray());
                if (EndsWithReturn(s.Then) && (s.Else is null || CanCompleteNormally(s.Else)))
                {
                    BlockStmt otherwise = s.Else is null ? rest : new BlockStmt(s.Else.Source, s.Else.Statements.Concat(rest.Statements).ToEquatableArray());
                    statements.Add(s with { Else = Restructure(otherwise) });
                    return new BlockStmt(block.Source, statements.ToEquatableArray());
                }

                if (s.Else is not null && EndsWithReturn(s.Else) && CanCompleteNormally(s.Then))
                {
                    statements.Add(s with { Then = Restructure(new BlockStmt(s.Then.Source, s.Then.Statements.Concat(rest.Statements).ToEquatableArray())) });
                    return new BlockStmt(block.Source, statements.ToEquatableArray());
                }
            }

            statements.Add(stmt);
        }

        return new BlockStmt(block.Source, statements.ToEquatableArray());
    }

    private static Stmt RestructureNested(Stmt stmt) => stmt switch
    {
        BlockStmt b => Restructure(b),
        IfStmt s => s with { Then = Restructure(s.Then), Else = s.Else is null ? null : Restructure(s.Else) },
        LoopStmt s => s with { Body = Restructure(s.Body) },
        _ => stmt,
    };

    private static bool EndsWithReturn(BlockStmt block) =>
        !block.Statements.IsEmpty && block.Statements[block.Statements.Count - 1] switch
        {
            ReturnStmt => true,
            IfStmt { Else: not null } s => EndsWithReturn(s.Then) && EndsWithReturn(s.Else),
            BlockStmt inner => EndsWithReturn(inner),
            _ => false,
        };

    /// <summary>Numbers the jumps, finds tail returns, records loop nesting and how arrays are created.</summary>
    private void AnalyzeStructure()
    {
        Walk(_function.Body, [], isTail: true);
        foreach (LoopInfo loop in _loops.Values)
        {
            string baseName = LoopVariableName(loop.Loop) ?? "loop";
            loop.CountName = _names.Allocate(baseName + "Count");
            loop.StepName = _names.Allocate(baseName + "Step");
            loop.ExitName = _names.Allocate(baseName + "Exit");
        }

        foreach (Stmt stmt in IrWalker.AllStatements(_function.Body))
        {
            (int target, Expr? value) = stmt switch
            {
                DeclareStmt d => (d.VariableId, d.Initializer),
                AssignStmt { Target: VariableExpr v, Kind: AssignKind.Simple } a => (v.Id, a.Value),
                _ => (-1, null),
            };
            if (target >= 0 && value is not null && Variable(target).Type.IsCollection)
            {
                (value is NewArrayExpr or CopyArrayExpr ? _allocated : _aliased).Add(target);
                if (Variable(target).Kind == VariableKind.Parameter)
                {
                    _assignedParameters.Add(target);
                }
            }
        }

        // Classes where an array variable is re-bound to another array (b = a; cur = next): there, every array's adjoint
        // is an array too (parameters get a working buffer), so that a binding and its adjoint are saved and restored
        // together as references.
        foreach (VariableModel variable in _function.Variables)
        {
            if (variable.Type.Shape == ShapeKind.Array && (_aliased.Contains(variable.Id) || _assignedParameters.Contains(variable.Id)))
            {
                _arrayShadowClasses.Add(variable.AliasClass);
            }
        }
    }

    /// <summary>Whether the adjoint of array variable <paramref name="id"/> is itself an array (not a span).</summary>
    private bool HasArrayAdjoint(int id) =>
        Variable(id).Type.Shape == ShapeKind.Array && (IsAllocatedHere(id) || _arrayShadowClasses.Contains(ClassOf(id)));

    /// <summary>A readable base for a loop's bookkeeping names: its counter (i), or the foreach element.</summary>
    private string? LoopVariableName(LoopStmt loop)
    {
        if (loop.Kind == LoopKind.ForEach && loop.Body.Statements.Count > 0 && loop.Body.Statements[0] is DeclareStmt element)
        {
            return Variable(element.VariableId).BaseName;
        }

        foreach (Stmt init in loop.Initializers)
        {
            switch (init)
            {
                case DeclareStmt d:
                    return Variable(d.VariableId).BaseName;
                case AssignStmt { Target: VariableExpr v }:
                    return Variable(v.Id).BaseName;
            }
        }

        return null;
    }

    private List<Jump> Walk(Stmt stmt, List<LoopInfo> loops, bool isTail)
    {
        _depth[stmt] = loops.Count;
        var inside = new List<Jump>();
        switch (stmt)
        {
            case BlockStmt block:
                for (int i = 0; i < block.Statements.Count; i++)
                {
                    inside.AddRange(Walk(block.Statements[i], loops, isTail && i == block.Statements.Count - 1));
                }

                break;
            case IfStmt s:
                inside.AddRange(Walk(s.Then, loops, isTail));
                if (s.Else is not null)
                {
                    inside.AddRange(Walk(s.Else, loops, isTail));
                }

                break;
            case LoopStmt s:
            {
                var info = new LoopInfo(s, loops.Count);
                _loops[s.LoopId] = info;
                foreach (Stmt init in s.Initializers)
                {
                    inside.AddRange(Walk(init, loops, false));
                }

                var nested = new List<LoopInfo>(loops) { info };
                inside.AddRange(Walk(s.Body, nested, false));
                foreach (Stmt increment in s.Increments)
                {
                    inside.AddRange(Walk(increment, nested, false));
                }

                break;
            }

            case BreakStmt s:
                inside.Add(NewJump(s, JumpKind.Break, s.LoopId));
                _loops[s.LoopId].ExitIds.Add(_jumps[s].Id);
                break;
            case ContinueStmt s:
                inside.Add(NewJump(s, JumpKind.Continue, s.LoopId));
                _loops[s.LoopId].ExitIds.Add(_jumps[s].Id);
                _loops[s.LoopId].ContinueIds.Add(_jumps[s].Id);
                break;
            case ReturnStmt s when !isTail:
                Jump jump = NewJump(s, JumpKind.Return, -1);
                inside.Add(jump);
                foreach (LoopInfo loop in loops)
                {
                    loop.ExitIds.Add(jump.Id);
                }

                _exitName ??= _names.Allocate("exitPoint");
                _reverseLabel ??= _names.Allocate("reverseSweep");
                break;
        }

        _jumpsInside[stmt] = inside;
        return inside;
    }

    private Jump NewJump(Stmt stmt, JumpKind kind, int loopId)
    {
        var jump = new Jump(++_jumpCount, kind, loopId);
        _jumps[stmt] = jump;
        return jump;
    }

    /// <summary>The jumps inside <paramref name="stmt"/> that leave the frame (the loop <paramref name="frameLoop"/>'s iteration, or the method for -1).</summary>
    private IEnumerable<int> ExitsOfFrame(Stmt stmt, int frameLoop)
    {
        foreach (Jump jump in _jumpsInside[stmt])
        {
            if (jump.Kind == JumpKind.Return || (frameLoop >= 0 && jump.LoopId == frameLoop))
            {
                yield return jump.Id;
            }
        }
    }

    /// <summary>Whether control can reach the end of <paramref name="block"/> (it does not end with a jump or throw).</summary>
    private static bool CanCompleteNormally(BlockStmt block)
    {
        if (block.Statements.IsEmpty)
        {
            return true;
        }

        return block.Statements[block.Statements.Count - 1] switch
        {
            BreakStmt or ContinueStmt or ThrowStmt => false,
            ReturnStmt => false,
            IfStmt { Else: not null } s => CanCompleteNormally(s.Then) || CanCompleteNormally(s.Else),
            BlockStmt inner => CanCompleteNormally(inner),
            _ => true,
        };
    }

    private static string Id(int value) => value.ToString(CultureInfo.InvariantCulture);
}
