using System.Collections.Generic;
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
        List<IOperation> arguments = [];
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            arguments.Add(argument.Value);
        }

        (BulkKind Kind, IOperation Target, IOperation? Input, IOperation? Start, IOperation? Length, IOperation? InputStart)? shape = (type, method.Name, arguments.Count, invocation.Instance is null) switch
        {
            ("System.Array", "Copy", 3, true) when IsInt32(method, 2) => (BulkKind.Copy, arguments[1], arguments[0], null, arguments[2], null),
            ("System.Array", "Copy", 5, true) when IsInt32(method, 4) => (BulkKind.Copy, arguments[2], arguments[0], arguments[3], arguments[4], arguments[1]),
            ("System.Array", "CopyTo", 2, false) when IsInt32(method, 1) => (BulkKind.Copy, arguments[0], invocation.Instance!, arguments[1], null, null),
            ("System.MemoryExtensions", "CopyTo", 2, true) => (BulkKind.Copy, arguments[1], arguments[0], null, null, null),
            (_, "CopyTo", 1, false) when isSpan => (BulkKind.Copy, arguments[0], invocation.Instance!, null, null, null),
            ("System.Array", "Fill", 2, true) => (BulkKind.Fill, arguments[0], arguments[1], null, null, null),
            ("System.Array", "Fill", 4, true) => (BulkKind.Fill, arguments[0], arguments[1], arguments[2], arguments[3], null),
            (_, "Fill", 1, false) when isSpan => (BulkKind.Fill, invocation.Instance!, arguments[0], null, null, null),
            ("System.Array", "Clear", 1, true) => (BulkKind.Clear, arguments[0], null, null, null, null),
            ("System.Array", "Clear", 3, true) => (BulkKind.Clear, arguments[0], null, arguments[1], arguments[2], null),
            (_, "Clear", 0, false) when isSpan => (BulkKind.Clear, invocation.Instance!, null, null, null, null),
            _ => null,
        };
        if (shape is not { } bulk)
        {
            return null;
        }

        Expr target = LowerExpr(Unwrap(bulk.Target));
        Expr? input = bulk.Input is null ? null : LowerExpr(bulk.Kind == BulkKind.Copy ? Unwrap(bulk.Input) : bulk.Input);
        if (!target.Type.IsCollection || (bulk.Kind == BulkKind.Copy && input is not { Type.IsCollection: true }) ||
            Analysis.IrWalker.RootVariable(target) < 0 || (bulk.Kind == BulkKind.Copy && Analysis.IrWalker.RootVariable(input!) < 0))
        {
            return null;
        }

        static Expr View(Expr collection, Expr start, Expr length) =>
            new SpanViewExpr(TypeRef.SpanOf(collection.Type.ElementType), collection, collection.Type.Shape == ShapeKind.Array ? "AsSpan" : "Slice", EquatableArray.Create(start, length));

        Expr? start = bulk.Start is null ? null : LowerExpr(bulk.Start);
        Expr? length = bulk.Length is null ? null : LowerExpr(bulk.Length);
        Expr? inputStart = bulk.InputStart is null ? null : LowerExpr(bulk.InputStart);
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

        var call = new CallExpr(TypeRef.Void, ResolveTarget(method, invocation.Instance is not null), invocation.Instance is null ? null : LowerExpr(invocation.Instance), LowerArguments(invocation.Arguments).ToEquatableArray());
        return new BulkStmt(_source, bulk.Kind, target, input, call);
    }

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

        var sources = new List<Expr>();
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            Expr source = LowerExpr(Unwrap(argument.Value));
            if (!source.Type.IsFloatingCollection || source.Type.Element != type.Element || Analysis.IrWalker.RootVariable(source) < 0)
            {
                return null;
            }

            sources.Add(source);
        }

        return new ReduceExpr(type, kind.Value, sources.ToEquatableArray(), LowerCallForPrinting(invocation));
    }

    private CallExpr LowerCallForPrinting(IInvocationOperation invocation) =>
        new(TypeMapper.Map(invocation.Type) ?? new TypeRef("object", ShapeKind.Scalar, ValueKind.Other), ResolveTarget(invocation.TargetMethod, invocation.Instance is not null),
            invocation.Instance is null ? null : LowerExpr(invocation.Instance), LowerArguments(invocation.Arguments).ToEquatableArray());
}
