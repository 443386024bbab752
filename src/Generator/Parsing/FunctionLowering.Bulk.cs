using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AutoDiffGen.Generator.Parsing;

internal sealed partial class FunctionLowering
{
    /// <summary>
    /// Array.Copy, CopyTo, Fill and Clear on arrays and spans: differentiated as whole-view operations
    /// (the adjoint of a copy moves the target's adjoint into the source's).
    /// </summary>
    private BulkStmt? TryLowerBulk(IInvocationOperation invocation)
    {
        IMethodSymbol method = invocation.TargetMethod;
        string type = method.ContainingType.OriginalDefinition.ToDisplayString();
        bool isSpan = method.ContainingType is INamedTypeSymbol named && TypeMapper.IsSpan(named.OriginalDefinition, out _);
        // Arguments in parameter order (named arguments may be written in any order).
        List<IOperation> arguments = invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? int.MaxValue).Select(a => a.Value).ToList();

        // Positions in 'arguments' (-1: the instance) of the target, input, start, length and input start.
        (BulkKind Kind, int Target, int Input, int Start, int Length, int InputStart)? shape = (type, method.Name, arguments.Count, invocation.Instance is null) switch
        {
            ("System.Array", "Copy", 3, true) when IsInt32(method, 2) => (BulkKind.Copy, 1, 0, None, 2, None),
            ("System.Array", "Copy", 5, true) when IsInt32(method, 4) => (BulkKind.Copy, 2, 0, 3, 4, 1),
            ("System.Array", "CopyTo", 2, false) when IsInt32(method, 1) => (BulkKind.Copy, 0, Instance, 1, None, None),
            ("System.MemoryExtensions", "CopyTo", 2, true) => (BulkKind.Copy, 1, 0, None, None, None),
            (_, "CopyTo", 1, false) when isSpan => (BulkKind.Copy, 0, Instance, None, None, None),
            ("System.Array", "Fill", 2, true) => (BulkKind.Fill, 0, 1, None, None, None),
            ("System.Array", "Fill", 4, true) => (BulkKind.Fill, 0, 1, 2, 3, None),
            (_, "Fill", 1, false) when isSpan => (BulkKind.Fill, Instance, 0, None, None, None),
            ("System.Array", "Clear", 1, true) => (BulkKind.Clear, 0, None, None, None, None),
            ("System.Array", "Clear", 3, true) => (BulkKind.Clear, 0, None, 1, 2, None),
            (_, "Clear", 0, false) when isSpan => (BulkKind.Clear, Instance, None, None, None, None),
            _ => null,
        };
        if (shape is not { } bulk)
        {
            return null;
        }

        // Every argument is lowered once (a hoisted call in one must run once), then used for the views and the call.
        Expr? instance = invocation.Instance is null ? null : LowerExpr(invocation.Instance);
        List<Argument> lowered = LowerArguments(invocation.Arguments);
        Expr? At(int position) => position switch
        {
            None => null,
            Instance => instance,
            _ => lowered[position].Value,
        };

        Expr target = Analysis.IrWalker.StripConversions(At(bulk.Target)!);
        Expr? input = At(bulk.Input) is { } inputValue ? (bulk.Kind == BulkKind.Copy ? Analysis.IrWalker.StripConversions(inputValue) : inputValue) : null;
        if (!target.Type.IsCollection || (bulk.Kind == BulkKind.Copy && input is not { Type.IsCollection: true }) ||
            Analysis.IrWalker.RootVariable(target) < 0 || (bulk.Kind == BulkKind.Copy && Analysis.IrWalker.RootVariable(input!) < 0))
        {
            return null;
        }

        static Expr View(Expr collection, Expr start, Expr length) =>
            new SpanViewExpr(TypeRef.SpanOf(collection.Type.ElementType), collection, collection.Type.Shape == ShapeKind.Array ? "AsSpan" : "Slice", EquatableArray.Create(start, length));

        Expr? start = At(bulk.Start);
        Expr? length = At(bulk.Length);
        Expr? inputStart = At(bulk.InputStart);
        if (bulk.Kind == BulkKind.Copy)
        {
            // The copied range: [inputStart, inputStart + length) of the input into [start, start + length) of the target.
            Expr count = length ?? new LengthExpr(input!);
            if (inputStart is not null || length is not null)
            {
                input = View(input!, inputStart ?? Literals.Zero(TypeRef.Int32), count);
            }

            target = View(target, start ?? Literals.Zero(TypeRef.Int32), count);
        }
        else if (start is not null && length is not null)
        {
            target = View(target, start, length);
        }

        var call = new CallExpr(TypeRef.Void, ResolveTarget(method, invocation.Instance is not null), instance, lowered.ToEquatableArray());
        return new BulkStmt(_source, bulk.Kind, target, input, call);
    }

    private const int None = -2;
    private const int Instance = -1;

    private static bool IsInt32(IMethodSymbol method, int parameter) => method.Parameters[parameter].Type.SpecialType == SpecialType.System_Int32;

    private static IOperation Unwrap(IOperation operation) =>
        operation is IConversionOperation { IsImplicit: true } conversion ? Unwrap(conversion.Operand) : operation;

    /// <summary><c>(double[])a.Clone()</c>, <c>span.ToArray()</c>, <c>a.ToArray()</c>: a new array holding a copy.</summary>
    private CopyArrayExpr? TryLowerArrayCopy(IOperation operation, TypeRef type)
    {
        IInvocationOperation? invocation = operation switch
        {
            IConversionOperation { Operand: IInvocationOperation inner } => inner,
            IInvocationOperation direct => direct,
            _ => null,
        };
        if (invocation is null || !type.IsCollection || type.Shape != ShapeKind.Array)
        {
            return null;
        }

        IMethodSymbol method = invocation.TargetMethod;
        IOperation? source = method.Name switch
        {
            "Clone" when invocation.Instance?.Type is IArrayTypeSymbol => invocation.Instance,
            "ToArray" when invocation.Instance is not null && method.ContainingType is INamedTypeSymbol span && TypeMapper.IsSpan(span.OriginalDefinition, out _) => invocation.Instance,
            "ToArray" when invocation.Instance is null && method.ContainingType.ToDisplayString() == "System.Linq.Enumerable" && invocation.Arguments.Length == 1 => invocation.Arguments[0].Value,
            _ => null,
        };
        if (source is null)
        {
            return null;
        }

        // The source is a variable or a view of one (checked before lowering: nothing may be hoisted twice).
        if (!IsViewOfVariable(Unwrap(source)))
        {
            return null;
        }

        Expr sourceExpr = LowerExpr(Unwrap(source));
        if (!sourceExpr.Type.IsCollection || Analysis.IrWalker.RootVariable(sourceExpr) < 0 || sourceExpr.Type.Element != type.Element)
        {
            return null;
        }

        Expr call = LowerCallForPrinting(invocation);
        return new CopyArrayExpr(type, sourceExpr, operation is IConversionOperation ? new ConvertExpr(type, call, true) : call);
    }

    /// <summary>LINQ Sum/Average and TensorPrimitives Sum/SumOfSquares/Dot over arrays and spans of float or double.</summary>
    private ReduceExpr? TryLowerReduction(IInvocationOperation invocation, TypeRef type)
    {
        IMethodSymbol method = invocation.TargetMethod;
        if (!type.IsFloatingScalar || invocation.Instance is not null)
        {
            return null;
        }

        ReduceKind? kind = (method.ContainingType.ToDisplayString(), method.Name, invocation.Arguments.Length) switch
        {
            ("System.Linq.Enumerable", "Sum", 1) => ReduceKind.Sum,
            ("System.Linq.Enumerable", "Average", 1) => ReduceKind.Average,
            ("System.Numerics.Tensors.TensorPrimitives", "Sum", 1) => ReduceKind.Sum,
            ("System.Numerics.Tensors.TensorPrimitives", "SumOfSquares", 1) => ReduceKind.SumOfSquares,
            ("System.Numerics.Tensors.TensorPrimitives", "Dot", 2) => ReduceKind.Dot,
            _ => null,
        };
        if (kind is null)
        {
            return null;
        }

        // Arguments are lowered once: a hoisted call in one must run once (and not at all if this is not a reduction).
        int mark = _pre.Count;
        List<Argument> lowered = LowerArguments(invocation.Arguments);
        var sources = new List<Expr>();
        foreach (Argument argument in lowered)
        {
            Expr source = Analysis.IrWalker.StripConversions(argument.Value);
            if (!source.Type.IsFloatingCollection || source.Type.Element != type.Element || Analysis.IrWalker.RootVariable(source) < 0)
            {
                _pre.RemoveRange(mark, _pre.Count - mark);
                return null;
            }

            sources.Add(source);
        }

        var call = new CallExpr(TypeMapper.Map(invocation.Type) ?? new TypeRef("object", ShapeKind.Scalar, ValueKind.Other), ResolveTarget(method, false), null, lowered.ToEquatableArray());
        return new ReduceExpr(type, kind.Value, sources.ToEquatableArray(), call);
    }

    /// <summary>A local or parameter, possibly through AsSpan/Slice with constant or variable arguments: lowering it hoists nothing.</summary>
    private static bool IsViewOfVariable(IOperation operation) => operation switch
    {
        ILocalReferenceOperation or IParameterReferenceOperation => true,
        IConversionOperation conversion => IsViewOfVariable(conversion.Operand),
        IInvocationOperation { TargetMethod.Name: "AsSpan" or "Slice" } view =>
            (view.Instance is null || IsViewOfVariable(view.Instance)) &&
            view.Arguments.All(a => !a.Value.DescendantsAndSelf().Any(o => o is IInvocationOperation or IAssignmentOperation or IIncrementOrDecrementOperation)),
        _ => false,
    };

    private CallExpr LowerCallForPrinting(IInvocationOperation invocation) =>
        new(TypeMapper.Map(invocation.Type) ?? new TypeRef("object", ShapeKind.Scalar, ValueKind.Other), ResolveTarget(invocation.TargetMethod, invocation.Instance is not null),
            invocation.Instance is null ? null : LowerExpr(invocation.Instance), LowerArguments(invocation.Arguments).ToEquatableArray());
}
