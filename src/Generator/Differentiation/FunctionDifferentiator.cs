using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;
using AutoDiffGen.Generator.Parsing;

namespace AutoDiffGen.Generator.Differentiation;

/// <summary>
/// Builds the adjoint of one function: a forward sweep that runs the original code and records what the reverse
/// sweep needs (overwritten values, branch decisions, trip counts), then a reverse sweep that walks the
/// statements backwards, restoring values and accumulating adjoints.
/// </summary>
/// <remarks>
/// Storage follows the to-be-recorded rule: a value is saved only when it is overwritten and some statement
/// executed earlier needs it in the reverse sweep. Outside loops it is saved in a local; inside loops on the
/// per-thread <c>AdjointStorage</c>. Integer updates such as <c>i++</c> are inverted instead of saved.
/// </remarks>
internal sealed partial class FunctionDifferentiator
{
    private const string Storage = "global::AutoDiffGen.AdjointStorage";
    private const string Memory = "global::System.MemoryExtensions";

    private readonly FunctionModel _function;
    private readonly bool _isRoot;
    private readonly IReadOnlyList<string> _helperAdjoints;
    private readonly DifferentiationOptions _options;
    private readonly NameAllocator _names;
    private readonly string?[] _adjointNames;
    private readonly TypeRef?[] _adjointTypes;
    private readonly List<CodeStmt> _localDeclarations = [];
    private readonly List<CodeStmt> _adjointDeclarations = [];
    private readonly string _seedName;
    private readonly string _resultName;
    private string? _tapeName;
    private string? _exitName;
    private string? _reverseLabel;

    /// <summary>Root parameters whose adjoint is accumulated in a local (scalar reassigned) or a rented buffer (array written).</summary>
    private readonly Dictionary<int, string> _workingAdjoints = [];
    private readonly HashSet<int> _registerAdjoints = [];

    /// <param name="helperAdjoints">Qualified names of the helpers' adjoints, by helper index.</param>
    /// <param name="options">The speed-ups to apply.</param>
    /// <param name="fusionExcluded">Loops not to fuse with their reverse (see <see cref="RejectedFusions"/>).</param>
    public FunctionDifferentiator(FunctionModel function, bool isRoot, IReadOnlyList<string> helperAdjoints, DifferentiationOptions options, IEnumerable<int>? fusionExcluded = null)
    {
        _options = options;
        _fusionExcluded = new HashSet<int>(fusionExcluded ?? []);
        if (options.Has(SpeedUp.GuardClauses))
        {
            function = function with { Body = Restructure(function.Body) };
        }

        _function = options.Has(SpeedUp.KeepTranscendentals) ? KeepTranscendentalValues(function) : function;
        _isRoot = isRoot;
        _helperAdjoints = helperAdjoints;
        _names = new NameAllocator(_function.Variables.Select(v => v.BaseName));
        _adjointNames = new string?[_function.Variables.Count];
        _adjointTypes = new TypeRef?[_function.Variables.Count];

        foreach (int id in _function.ParameterIds)
        {
            VariableModel parameter = _function.Variables[id];
            if (HasAdjointParameter(parameter))
            {
                _adjointNames[id] = "d" + NameAllocator.Capitalize(parameter.BaseName);
                _names.Reserve(_adjointNames[id]!);
            }
        }

        _seedName = _names.Allocate("seed");
        _resultName = _names.Allocate("result");
        AnalyzeStructure();
        if (options.Has(SpeedUp.Recompute))
        {
            PlanRecomputation();
        }

        if (options.Has(SpeedUp.CountedLoops))
        {
            PlanCountedLoops();
        }

        if (options.Has(SpeedUp.FuseReductions))
        {
            PlanFusion();
        }
    }

    private FunctionModel Function => _function;

    /// <summary>Whether the generated adjoint has an adjoint parameter for <paramref name="parameter"/>.</summary>
    public bool HasAdjointParameter(VariableModel parameter) =>
        parameter.Type.IsFloating && !parameter.NoDerivative && (!_isRoot || parameter.RefKind is PassingMode.Value or PassingMode.In);

    private VariableModel Variable(int id) => _function.Variables[id];

    private bool IsActiveVariable(int id) => Variable(id).IsActive;

    private int ClassOf(int id) => Variable(id).AliasClass;

    /// <summary>The local holding the thread's AdjointStorage; using it makes the method acquire it.</summary>
    private string Tape
    {
        get
        {
            _tapeUsed = true;
            return _tapeName ?? throw new System.InvalidOperationException("The storage name is allocated when the body is built.");
        }
    }

    // ---- adjoint variables -----------------------------------------------------------------------------------

    /// <summary>The name of the adjoint of variable <paramref name="id"/> (declared on first use).</summary>
    private NameExpr AdjointOf(int id)
    {
        VariableModel variable = Variable(id);
        if (_currentAdjoints.TryGetValue(id, out string? current))
        {
            return new NameExpr(HasArrayAdjoint(id) ? TypeRef.ArrayOf(variable.Type.ElementType) : TypeRef.SpanOf(variable.Type.ElementType), current);
        }

        if (_workingAdjoints.TryGetValue(id, out string? working))
        {
            return new NameExpr(variable.Type.IsCollection ? TypeRef.ArrayOf(variable.Type.ElementType) : variable.Type, working);
        }

        if (_adjointNames[id] is null)
        {
            string name = _names.Allocate("d" + NameAllocator.Capitalize(variable.BaseName));
            _adjointNames[id] = name;
            TypeRef type = AdjointTypeOf(variable);
            _adjointTypes[id] = type;
            if (variable.Kind != VariableKind.Parameter)
            {
                _adjointDeclarations.Add(new CodeDeclare(type, name, DefaultValue(type)));
            }
        }

        return new NameExpr(_adjointTypes[id] ?? AdjointTypeOf(variable), _adjointNames[id]!);
    }

    private TypeRef AdjointTypeOf(VariableModel variable)
    {
        if (!variable.Type.IsCollection)
        {
            return variable.Type;
        }

        if (variable.Kind == VariableKind.Parameter)
        {
            return TypeRef.SpanOf(variable.Type.ElementType);
        }

        return HasArrayAdjoint(variable.Id) ? TypeRef.ArrayOf(variable.Type.ElementType) : TypeRef.SpanOf(variable.Type.ElementType);
    }

    /// <summary>The adjoint array of an array expression whose variables all have array adjoints: <c>dA</c>, <c>c ? dA : dB</c>.</summary>
    private Expr AdjointArray(Expr array) => array switch
    {
        VariableExpr v => AdjointOf(v.Id),
        ConvertExpr c => AdjointArray(c.Operand),
        ConditionalExpr c => new ConditionalExpr(TypeRef.ArrayOf(c.Type.ElementType), c.Condition, AdjointArray(c.WhenTrue), AdjointArray(c.WhenFalse)),
        _ => throw new System.InvalidOperationException("No adjoint array for the expression " + array.GetType().Name),
    };

    /// <summary>An exact-length span over the adjoint of an array or span expression.</summary>
    private Expr AdjointSpan(Expr collection)
    {
        switch (collection)
        {
            case VariableExpr v:
            {
                NameExpr adjoint = AdjointOf(v.Id);
                return adjoint.Type.Shape == ShapeKind.Array
                    ? new SpanViewExpr(TypeRef.SpanOf(v.Type.ElementType), adjoint, "AsSpan", EquatableArray.Create<Expr>(Literals.Zero(TypeRef.Int32), new LengthExpr(v)))
                    : adjoint;
            }

            case SpanViewExpr { Arguments.Count: 0 } whole:
                return AdjointSpan(whole.Source);
            case SpanViewExpr view:
                return new SpanViewExpr(TypeRef.SpanOf(view.Type.ElementType), AdjointSpan(view.Source), "Slice", view.Arguments);
            case ConvertExpr c:
                return AdjointSpan(c.Operand);
            default:
                throw new System.InvalidOperationException("No adjoint for the collection expression " + collection.GetType().Name);
        }
    }

    /// <summary>The adjoint of an element: <c>dA[i]</c>.</summary>
    private Expr AdjointElement(ElementExpr element)
    {
        Expr collection = element.Collection is VariableExpr v ? AdjointOf(v.Id) : AdjointSpan(element.Collection);
        return new ElementExpr(element.Type, collection, element.Index);
    }

    private static EquatableArray<Argument> Args(params Expr[] values) => values.Select(v => new Argument(v, PassingMode.Value)).ToEquatableArray();

    public static Expr DefaultValue(TypeRef type) => type.Shape switch
    {
        ShapeKind.Array => new LiteralExpr(type, "null!"),
        ShapeKind.Span or ShapeKind.ReadOnlySpan => new LiteralExpr(type, "default"),
        _ => type.Element switch
        {
            ValueKind.Double or ValueKind.Single or ValueKind.Integer => Literals.Zero(type),
            ValueKind.Boolean => new LiteralExpr(type, "false"),
            _ => new LiteralExpr(type, "default!"),
        },
    };

    // ---- tape operations ---------------------------------------------------------------------------------------

    /// <summary>Integer types that take the 64-bit path (two int slots) on the storage.</summary>
    private static bool IsWide(TypeRef type) => type.Element == ValueKind.Integer && type.Name is "long" or "ulong" or "nint" or "nuint";

    private CodeStmt Push(Expr value)
    {
        string method = value.Type.Element switch
        {
            ValueKind.Double or ValueKind.Single or ValueKind.Boolean when value.Type.Shape == ShapeKind.Scalar => "Push",
            ValueKind.Integer when value.Type.Shape == ShapeKind.Scalar => "Push",
            _ => "PushReference",
        };
        Expr pushed = value;
        if (value.Type.Element == ValueKind.Integer && value.Type.Shape == ShapeKind.Scalar && value.Type.Name is not ("int" or "long"))
        {
            // Smaller integers fit an int slot; unsigned and native 64-bit ones go through long (bit patterns kept).
            pushed = new ConvertExpr(IsWide(value.Type) ? new TypeRef("long", ShapeKind.Scalar, ValueKind.Integer) : TypeRef.Int32, value, true);
        }

        return new CodeExpression(new InvokeExpr(TypeRef.Void, Tape + "." + method, Args(pushed)));
    }

    private Expr Pop(TypeRef type)
    {
        if (type.Shape == ShapeKind.Scalar)
        {
            switch (type.Element)
            {
                case ValueKind.Double:
                    return new InvokeExpr(type, Tape + ".PopDouble", EquatableArray<Argument>.Empty);
                case ValueKind.Single:
                    return new InvokeExpr(type, Tape + ".PopSingle", EquatableArray<Argument>.Empty);
                case ValueKind.Boolean:
                    return new InvokeExpr(type, Tape + ".PopBoolean", EquatableArray<Argument>.Empty);
                case ValueKind.Integer when type.Name == "long":
                    return new InvokeExpr(type, Tape + ".PopInt64", EquatableArray<Argument>.Empty);
                case ValueKind.Integer when IsWide(type):
                    return new ConvertExpr(type, new InvokeExpr(new TypeRef("long", ShapeKind.Scalar, ValueKind.Integer), Tape + ".PopInt64", EquatableArray<Argument>.Empty), true);
                case ValueKind.Integer when type.Name == "int":
                    return new InvokeExpr(type, Tape + ".PopInt32", EquatableArray<Argument>.Empty);
                case ValueKind.Integer:
                    return new ConvertExpr(type, new InvokeExpr(TypeRef.Int32, Tape + ".PopInt32", EquatableArray<Argument>.Empty), true);
            }
        }

        return new NameExpr(type, Tape + ".PopReference<" + type.Name + ">()!");
    }
}
