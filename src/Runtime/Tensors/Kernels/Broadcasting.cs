using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiffGen;

/// <summary>
/// Broadcasting loops. Shapes are aligned on the right; output dimensions of size 1 are dropped, and neighbouring
/// dimensions in which each input is either full or broadcast in the same way are merged. The innermost merged
/// dimension is processed as one contiguous row with a <see cref="TensorPrimitives"/> call, the outer ones by an
/// odometer that advances each input's offset by its stride (0 along broadcast dimensions).
/// </summary>
internal static class Broadcasting
{
    /// <summary>
    /// Merges the dimensions of <paramref name="outShape"/> for inputs of shapes <paramref name="aShape"/> and
    /// <paramref name="bShape"/> (both broadcastable to it). Writes merged sizes and per-input element strides
    /// (0 when broadcast) and returns the number of merged dimensions.
    /// </summary>
    private static int Merge(int[] aShape, int[] bShape, int[] outShape, Span<int> sizes, Span<int> strideA, Span<int> strideB)
    {
        int r = outShape.Length;
        int m = 0;
        int lastPattern = -1;
        for (int d = 0; d < r; d++)
        {
            int od = outShape[d];
            if (od == 1)
            {
                continue;
            }

            int ai = d - (r - aShape.Length);
            int bi = d - (r - bShape.Length);
            bool fa = ai >= 0 && aShape[ai] != 1;
            bool fb = bi >= 0 && bShape[bi] != 1;
            int pattern = (fa ? 1 : 0) | (fb ? 2 : 0);
            if (pattern == lastPattern)
            {
                sizes[m - 1] *= od;
            }
            else
            {
                sizes[m] = od;
                strideA[m] = fa ? 1 : 0;
                strideB[m] = fb ? 1 : 0;
                m++;
                lastPattern = pattern;
            }
        }

        // Turn the full/broadcast flags into element strides, innermost first.
        int accA = 1;
        int accB = 1;
        for (int k = m - 1; k >= 0; k--)
        {
            if (strideA[k] != 0)
            {
                strideA[k] = accA;
                accA *= sizes[k];
            }

            if (strideB[k] != 0)
            {
                strideB[k] = accB;
                accB *= sizes[k];
            }
        }

        return m;
    }

    /// <summary>destination = a (op) b with NumPy broadcasting; destination has <paramref name="outShape"/>.</summary>
    internal static void Binary<TOp, T>(ReadOnlySpan<T> a, int[] aShape, ReadOnlySpan<T> b, int[] bShape, Span<T> destination, int[] outShape)
        where TOp : IBinaryOp<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (destination.IsEmpty)
        {
            return;
        }

        if (a.Length == destination.Length && b.Length == destination.Length)
        {
            TOp.Apply(a, b, destination);
            return;
        }

        if (b.Length == 1)
        {
            TOp.Apply(a, b[0], destination);
            return;
        }

        if (a.Length == 1)
        {
            TOp.Apply(a[0], b, destination);
            return;
        }

        int r = outShape.Length;
        Span<int> sizes = stackalloc int[r];
        Span<int> sa = stackalloc int[r];
        Span<int> sb = stackalloc int[r];
        Span<int> index = stackalloc int[r];
        int m = Merge(aShape, bShape, outShape, sizes, sa, sb);
        int inner = sizes[m - 1];
        bool fullA = sa[m - 1] != 0;
        bool fullB = sb[m - 1] != 0;
        int aOff = 0;
        int bOff = 0;
        index.Clear();
        for (int oOff = 0; oOff < destination.Length; oOff += inner)
        {
            Span<T> row = destination.Slice(oOff, inner);
            if (fullA && fullB)
            {
                TOp.Apply(a.Slice(aOff, inner), b.Slice(bOff, inner), row);
            }
            else if (fullA)
            {
                TOp.Apply(a.Slice(aOff, inner), b[bOff], row);
            }
            else
            {
                TOp.Apply(a[aOff], b.Slice(bOff, inner), row);
            }

            for (int k = m - 2; k >= 0; k--)
            {
                aOff += sa[k];
                bOff += sb[k];
                if (++index[k] < sizes[k])
                {
                    break;
                }

                aOff -= sa[k] * sizes[k];
                bOff -= sb[k] * sizes[k];
                index[k] = 0;
            }
        }
    }

    /// <summary>Allocating form of <see cref="Binary{TOp, T}(ReadOnlySpan{T}, int[], ReadOnlySpan{T}, int[], Span{T}, int[])"/>.</summary>
    internal static T[] Binary<TOp, T>(T[] a, int[] aShape, T[] b, int[] bShape, int[] outShape)
        where TOp : IBinaryOp<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] result = ArrayKernels.Uninitialized<T>(Shapes.Size(outShape, "Broadcast"));
        Binary<TOp, T>(a, aShape, b, bShape, result, outShape);
        return result;
    }

    /// <summary>
    /// Sums <paramref name="source"/> (of <paramref name="sourceShape"/>) over the axes along which
    /// <paramref name="targetShape"/> was broadcast, into <paramref name="destination"/> (of <paramref name="targetShape"/>,
    /// overwritten). TensorFlow's <c>reshape(reduce_sum(g, broadcast_axes), shape)</c>.
    /// </summary>
    internal static void SumTo<T>(ReadOnlySpan<T> source, int[] sourceShape, Span<T> destination, int[] targetShape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        destination.Clear();
        if (source.IsEmpty)
        {
            return;
        }

        if (destination.Length == 1)
        {
            destination[0] = TensorPrimitives.Sum(source);
            return;
        }

        int r = sourceShape.Length;
        Span<int> sizes = stackalloc int[r];
        Span<int> st = stackalloc int[r];
        Span<int> ss = stackalloc int[r];
        Span<int> index = stackalloc int[r];
        int m = Merge(targetShape, sourceShape, sourceShape, sizes, st, ss);
        int inner = sizes[m - 1];
        bool fullT = st[m - 1] != 0;
        int tOff = 0;
        index.Clear();
        for (int sOff = 0; sOff < source.Length; sOff += inner)
        {
            ReadOnlySpan<T> row = source.Slice(sOff, inner);
            if (fullT)
            {
                Span<T> acc = destination.Slice(tOff, inner);
                TensorPrimitives.Add(acc, row, acc);
            }
            else
            {
                destination[tOff] += TensorPrimitives.Sum(row);
            }

            for (int k = m - 2; k >= 0; k--)
            {
                tOff += st[k];
                if (++index[k] < sizes[k])
                {
                    break;
                }

                tOff -= st[k] * sizes[k];
                index[k] = 0;
            }
        }
    }

    /// <summary>Returns <paramref name="source"/> summed down to <paramref name="targetShape"/>, or itself when the shapes are equal.</summary>
    internal static T[] SumTo<T>(T[] source, int[] sourceShape, int[] targetShape, out bool fresh)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Shapes.Equal(sourceShape, targetShape))
        {
            fresh = false;
            return source;
        }

        var result = new T[Shapes.Size(targetShape, "SumTo")];
        SumTo<T>(source, sourceShape, result, targetShape);
        fresh = true;
        return result;
    }

    /// <summary>Copies <paramref name="source"/> broadcast to <paramref name="targetShape"/> into <paramref name="destination"/>.</summary>
    internal static void BroadcastTo<T>(ReadOnlySpan<T> source, int[] sourceShape, Span<T> destination, int[] targetShape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (destination.IsEmpty)
        {
            return;
        }

        if (source.Length == destination.Length)
        {
            source.CopyTo(destination);
            return;
        }

        if (source.Length == 1)
        {
            destination.Fill(source[0]);
            return;
        }

        int r = targetShape.Length;
        Span<int> sizes = stackalloc int[r];
        Span<int> ss = stackalloc int[r];
        Span<int> st = stackalloc int[r];
        Span<int> index = stackalloc int[r];
        int m = Merge(sourceShape, targetShape, targetShape, sizes, ss, st);
        int inner = sizes[m - 1];
        bool fullS = ss[m - 1] != 0;
        int sOff = 0;
        index.Clear();
        for (int dOff = 0; dOff < destination.Length; dOff += inner)
        {
            Span<T> row = destination.Slice(dOff, inner);
            if (fullS)
            {
                source.Slice(sOff, inner).CopyTo(row);
            }
            else
            {
                row.Fill(source[sOff]);
            }

            for (int k = m - 2; k >= 0; k--)
            {
                sOff += ss[k];
                if (++index[k] < sizes[k])
                {
                    break;
                }

                sOff -= ss[k] * sizes[k];
                index[k] = 0;
            }
        }
    }

    internal static T[] BroadcastTo<T>(T[] source, int[] sourceShape, int[] targetShape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] result = ArrayKernels.Uninitialized<T>(Shapes.Size(targetShape, "BroadcastTo"));
        BroadcastTo<T>(source, sourceShape, result, targetShape);
        return result;
    }
}
