using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace AutoDiffGen;

/// <summary>
/// The shape of a <see cref="Tensor{T}"/>: a read-only list of dimension sizes, outermost first (row-major).
/// A scalar has an empty shape. <see cref="ToString"/> prints it as Python/TensorFlow print shapes:
/// <c>()</c>, <c>(3,)</c>, <c>(2, 3)</c>.
/// </summary>
/// <remarks>
/// This is a small read-only struct over the tensor's own (never mutated) dimension array, so reading
/// <see cref="Tensor{T}.Shape"/> allocates nothing. It is an <see cref="IReadOnlyList{T}"/> of <see cref="int"/>,
/// so it works with LINQ and with <c>Assert.Equal(new[] { 2, 3 }, tensor.Shape)</c>; <see cref="AsSpan"/> gives a span
/// and <see cref="ToArray"/> a copy.
/// </remarks>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "A shape is not a general-purpose collection; 'TensorShape' is the established name (TensorFlow).")]
public readonly struct TensorShape : IReadOnlyList<int>, IEquatable<TensorShape>
{
    private readonly int[]? _dims;

    internal TensorShape(int[] dims) => _dims = dims;

    internal int[] Dims => _dims ?? [];

    /// <summary>The number of dimensions (the rank).</summary>
    public int Count => Dims.Length;

    /// <summary>The number of dimensions (the rank); the same as <see cref="Count"/>, as on a span.</summary>
    public int Length => Dims.Length;

    /// <summary>The size of dimension <paramref name="index"/>.</summary>
    /// <param name="index">The dimension, 0 for the outermost.</param>
    public int this[int index] => Dims[index];

    /// <summary>A read-only span over the dimension sizes (no copy).</summary>
    /// <returns>The dimension sizes.</returns>
    public ReadOnlySpan<int> AsSpan() => Dims;

    /// <summary>A copy of the dimension sizes.</summary>
    /// <returns>A new array.</returns>
    public int[] ToArray() => (int[])Dims.Clone();

    /// <summary>Returns an enumerator over the dimension sizes.</summary>
    /// <returns>The enumerator.</returns>
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)Dims).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Whether both shapes have the same dimensions.</summary>
    /// <param name="other">The other shape.</param>
    /// <returns><see langword="true"/> if the dimensions are equal.</returns>
    public bool Equals(TensorShape other) => Dims.AsSpan().SequenceEqual(other.Dims);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TensorShape other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (int d in Dims)
        {
            hash.Add(d);
        }

        return hash.ToHashCode();
    }

    /// <summary>Formats the shape as Python does: <c>()</c>, <c>(3,)</c>, <c>(2, 3)</c>.</summary>
    /// <returns>The formatted shape.</returns>
    public override string ToString() => Shapes.Format(Dims);

    /// <summary>Whether both shapes have the same dimensions.</summary>
    /// <param name="left">The first shape.</param>
    /// <param name="right">The second shape.</param>
    /// <returns><see langword="true"/> if the dimensions are equal.</returns>
    public static bool operator ==(TensorShape left, TensorShape right) => left.Equals(right);

    /// <summary>Whether the shapes differ.</summary>
    /// <param name="left">The first shape.</param>
    /// <param name="right">The second shape.</param>
    /// <returns><see langword="true"/> if the dimensions differ.</returns>
    public static bool operator !=(TensorShape left, TensorShape right) => !left.Equals(right);
}

/// <summary>Shape arithmetic shared by the operations.</summary>
internal static class Shapes
{
    internal static readonly int[] Scalar = [];

    internal static string Format(ReadOnlySpan<int> dims)
    {
        if (dims.Length == 0)
        {
            return "()";
        }

        if (dims.Length == 1)
        {
            return "(" + dims[0].ToString(CultureInfo.InvariantCulture) + ",)";
        }

        var sb = new StringBuilder("(");
        for (int i = 0; i < dims.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(dims[i].ToString(CultureInfo.InvariantCulture));
        }

        return sb.Append(')').ToString();
    }

    internal static bool Equal(int[] a, int[] b) => ReferenceEquals(a, b) || a.AsSpan().SequenceEqual(b);

    /// <summary>The number of elements of a shape; throws on negative dimensions or overflow.</summary>
    internal static int Size(ReadOnlySpan<int> dims, string operation)
    {
        long size = 1;
        foreach (int d in dims)
        {
            if (d < 0)
            {
                throw new ArgumentException($"{operation}: shape {Format(dims)} has a negative dimension.");
            }

            size *= d;
            if (size > Array.MaxLength)
            {
                throw new ArgumentException($"{operation}: shape {Format(dims)} has more than {Array.MaxLength} elements.");
            }
        }

        return (int)size;
    }

    /// <summary>NumPy broadcasting of two shapes.</summary>
    internal static int[] Broadcast(string operation, ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        if (a.SequenceEqual(b))
        {
            return a.ToArray();
        }

        int rank = Math.Max(a.Length, b.Length);
        int[] result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da == db || db == 1)
            {
                result[i] = da;
            }
            else if (da == 1)
            {
                result[i] = db;
            }
            else
            {
                throw new ArgumentException($"{operation}: shapes {Format(a)} and {Format(b)} are not broadcastable.");
            }
        }

        return result;
    }

    /// <summary>Broadcast shape of two tensors' shapes, reusing an input's array when it is the result.</summary>
    internal static int[] BroadcastShared(string operation, int[] a, int[] b)
    {
        if (ReferenceEquals(a, b))
        {
            return a;
        }

        if (a.Length == b.Length && a.AsSpan().SequenceEqual(b))
        {
            return a;
        }

        int[] r = Broadcast(operation, a, b);
        if (r.AsSpan().SequenceEqual(a))
        {
            return a;
        }

        return r.AsSpan().SequenceEqual(b) ? b : r;
    }

    /// <summary>Whether <paramref name="from"/> can be broadcast to exactly <paramref name="to"/>.</summary>
    internal static bool CanBroadcastTo(ReadOnlySpan<int> from, ReadOnlySpan<int> to)
    {
        if (from.Length > to.Length)
        {
            return false;
        }

        int offset = to.Length - from.Length;
        for (int i = 0; i < from.Length; i++)
        {
            if (from[i] != 1 && from[i] != to[i + offset])
            {
                return false;
            }
        }

        return true;
    }

    internal static int NormalizeAxis(int axis, int rank, string operation)
    {
        if (axis < -rank || axis >= rank)
        {
            throw new ArgumentOutOfRangeException(
                nameof(axis),
                axis,
                $"{operation}: axis {axis} is out of range for a tensor of rank {rank} (expected -{rank} <= axis < {rank}).");
        }

        return axis < 0 ? axis + rank : axis;
    }

    /// <summary>Splits a shape around <paramref name="axis"/> into (outer, length, inner) element counts.</summary>
    internal static (int Outer, int Length, int Inner) SplitAtAxis(int[] shape, int axis)
    {
        int outer = 1;
        for (int i = 0; i < axis; i++)
        {
            outer *= shape[i];
        }

        int inner = 1;
        for (int i = axis + 1; i < shape.Length; i++)
        {
            inner *= shape[i];
        }

        return (outer, shape[axis], inner);
    }

    internal static int[] RemoveAxis(int[] shape, int axis, bool keepDims)
    {
        int[] r;
        if (keepDims)
        {
            r = (int[])shape.Clone();
            r[axis] = 1;
            return r;
        }

        r = new int[shape.Length - 1];
        for (int i = 0, j = 0; i < shape.Length; i++)
        {
            if (i != axis)
            {
                r[j++] = shape[i];
            }
        }

        return r;
    }
}
