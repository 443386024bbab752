using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiffGen;

/// <summary>An elementwise binary operation in its four forms (scalar, span-span, span-scalar, scalar-span).</summary>
internal interface IBinaryOp<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    static abstract T Apply(T x, T y);

    static abstract void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination);

    static abstract void Apply(ReadOnlySpan<T> x, T y, Span<T> destination);

    static abstract void Apply(T x, ReadOnlySpan<T> y, Span<T> destination);
}

internal readonly struct AddOp<T> : IBinaryOp<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Apply(T x, T y) => x + y;

    public static void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Add(x, y, destination);

    public static void Apply(ReadOnlySpan<T> x, T y, Span<T> destination) => TensorPrimitives.Add(x, y, destination);

    public static void Apply(T x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Add(y, x, destination);
}

internal readonly struct SubtractOp<T> : IBinaryOp<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Apply(T x, T y) => x - y;

    public static void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Subtract(x, y, destination);

    public static void Apply(ReadOnlySpan<T> x, T y, Span<T> destination) => TensorPrimitives.Subtract(x, y, destination);

    public static void Apply(T x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Subtract(x, y, destination);
}

internal readonly struct MultiplyOp<T> : IBinaryOp<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Apply(T x, T y) => x * y;

    public static void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Multiply(x, y, destination);

    public static void Apply(ReadOnlySpan<T> x, T y, Span<T> destination) => TensorPrimitives.Multiply(x, y, destination);

    public static void Apply(T x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Multiply(y, x, destination);
}

internal readonly struct DivideOp<T> : IBinaryOp<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Apply(T x, T y) => x / y;

    public static void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Divide(x, y, destination);

    public static void Apply(ReadOnlySpan<T> x, T y, Span<T> destination) => TensorPrimitives.Divide(x, y, destination);

    public static void Apply(T x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Divide(x, y, destination);
}

internal readonly struct PowOp<T> : IBinaryOp<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Apply(T x, T y) => T.Pow(x, y);

    public static void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Pow(x, y, destination);

    public static void Apply(ReadOnlySpan<T> x, T y, Span<T> destination) => TensorPrimitives.Pow(x, y, destination);

    public static void Apply(T x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Pow(x, y, destination);
}

/// <summary>IEEE 754:2019 maximum: NaN if either is NaN, +0 over -0 (as <c>tf.maximum</c>).</summary>
internal readonly struct MaxOp<T> : IBinaryOp<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Apply(T x, T y) => T.Max(x, y);

    public static void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Max(x, y, destination);

    public static void Apply(ReadOnlySpan<T> x, T y, Span<T> destination) => TensorPrimitives.Max(x, y, destination);

    public static void Apply(T x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Max(y, x, destination);
}

/// <summary>IEEE 754:2019 minimum: NaN if either is NaN, -0 over +0 (as <c>tf.minimum</c>).</summary>
internal readonly struct MinOp<T> : IBinaryOp<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Apply(T x, T y) => T.Min(x, y);

    public static void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Min(x, y, destination);

    public static void Apply(ReadOnlySpan<T> x, T y, Span<T> destination) => TensorPrimitives.Min(x, y, destination);

    public static void Apply(T x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Min(y, x, destination);
}
