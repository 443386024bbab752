using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiffGen;

/// <summary>Reductions, transposition, softmax rows and masks on raw arrays (used by operations and backward passes).</summary>
internal static class ArrayKernels
{
    /// <summary>An array the caller overwrites completely: large ones skip zeroing.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static T[] Uninitialized<T>(int length)
        where T : unmanaged
        => length <= 64 ? new T[length] : GC.AllocateUninitializedArray<T>(length);

    internal static T[] Filled<T>(int length, T value)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new T[length];
        if (value != T.Zero)
        {
            result.AsSpan().Fill(value);
        }

        return result;
    }

    /// <summary>Sums along the middle axis of an (outer, length, inner) view into (outer, inner).</summary>
    internal static void SumAxis<T>(ReadOnlySpan<T> x, int outer, int length, int inner, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                destination[o] = TensorPrimitives.Sum(x.Slice(o * length, length));
            }

            return;
        }

        destination.Clear();
        for (int o = 0; o < outer; o++)
        {
            Span<T> acc = destination.Slice(o * inner, inner);
            int baseOffset = o * length * inner;
            for (int a = 0; a < length; a++)
            {
                TensorPrimitives.Add(acc, x.Slice(baseOffset + (a * inner), inner), acc);
            }
        }
    }

    /// <summary>Broadcasts (outer, inner) along a middle axis of <paramref name="length"/>, divided by <paramref name="divisor"/>.</summary>
    internal static void ExpandAxis<T>(ReadOnlySpan<T> g, int outer, int length, int inner, T divisor, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool scaled = divisor != T.One;
        for (int o = 0; o < outer; o++)
        {
            ReadOnlySpan<T> src = g.Slice(o * inner, inner);
            int baseOffset = o * length * inner;
            for (int a = 0; a < length; a++)
            {
                Span<T> dst = destination.Slice(baseOffset + (a * inner), inner);
                if (scaled)
                {
                    TensorPrimitives.Divide(src, divisor, dst);
                }
                else
                {
                    src.CopyTo(dst);
                }
            }
        }
    }

    internal static int[] InversePermutation(int[] perm)
    {
        var inv = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++)
        {
            inv[perm[i]] = i;
        }

        return inv;
    }

    /// <summary>Transposes <paramref name="x"/> of <paramref name="shape"/> by <paramref name="perm"/> (output dim i = input dim perm[i]).</summary>
    internal static void Transpose<T>(ReadOnlySpan<T> x, int[] shape, int[] perm, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int r = shape.Length;
        if (destination.IsEmpty)
        {
            return;
        }

        if (r == 2 && perm[0] == 1)
        {
            Transpose2D(x, shape[0], shape[1], destination);
            return;
        }

        Span<int> inStride = stackalloc int[r];
        int s = 1;
        for (int d = r - 1; d >= 0; d--)
        {
            inStride[d] = s;
            s *= shape[d];
        }

        Span<int> outSize = stackalloc int[r];
        Span<int> stride = stackalloc int[r];
        for (int i = 0; i < r; i++)
        {
            outSize[i] = shape[perm[i]];
            stride[i] = inStride[perm[i]];
        }

        int innerSize = outSize[r - 1];
        int innerStride = stride[r - 1];
        Span<int> index = stackalloc int[r];
        index.Clear();
        int xOff = 0;
        for (int dOff = 0; dOff < destination.Length; dOff += innerSize)
        {
            Span<T> row = destination.Slice(dOff, innerSize);
            if (innerStride == 1)
            {
                x.Slice(xOff, innerSize).CopyTo(row);
            }
            else
            {
                for (int j = 0, p = xOff; j < innerSize; j++, p += innerStride)
                {
                    row[j] = x[p];
                }
            }

            for (int k = r - 2; k >= 0; k--)
            {
                xOff += stride[k];
                if (++index[k] < outSize[k])
                {
                    break;
                }

                xOff -= stride[k] * outSize[k];
                index[k] = 0;
            }
        }
    }

    /// <summary>Cache-blocked transpose of a rows x cols matrix.</summary>
    internal static void Transpose2D<T>(ReadOnlySpan<T> x, int rows, int cols, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int Block = 32;
        for (int i0 = 0; i0 < rows; i0 += Block)
        {
            int i1 = Math.Min(rows, i0 + Block);
            for (int j0 = 0; j0 < cols; j0 += Block)
            {
                int j1 = Math.Min(cols, j0 + Block);
                for (int i = i0; i < i1; i++)
                {
                    for (int j = j0; j < j1; j++)
                    {
                        destination[(j * rows) + i] = x[(i * cols) + j];
                    }
                }
            }
        }
    }

    /// <summary>Numerically stable softmax (or log-softmax) along the middle axis of an (outer, length, inner) view.</summary>
    internal static void Softmax<T>(ReadOnlySpan<T> x, int outer, int length, int inner, Span<T> destination, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (length == 0 || outer == 0 || inner == 0)
        {
            return;
        }

        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                SoftmaxRow(x.Slice(o * length, length), destination.Slice(o * length, length), log);
            }

            return;
        }

        T[] max = new T[inner];
        T[] sum = new T[inner];
        for (int o = 0; o < outer; o++)
        {
            int b = o * length * inner;
            x.Slice(b, inner).CopyTo(max);
            for (int a = 1; a < length; a++)
            {
                TensorPrimitives.Max(max, x.Slice(b + (a * inner), inner), max);
            }

            Array.Clear(sum);
            for (int a = 0; a < length; a++)
            {
                Span<T> d = destination.Slice(b + (a * inner), inner);
                TensorPrimitives.Subtract(x.Slice(b + (a * inner), inner), max, d);
                if (log)
                {
                    for (int i = 0; i < inner; i++)
                    {
                        sum[i] += T.Exp(d[i]);
                    }
                }
                else
                {
                    TensorPrimitives.Exp(d, d);
                    TensorPrimitives.Add(sum, d, sum);
                }
            }

            if (log)
            {
                TensorPrimitives.Log(sum, sum);
            }

            for (int a = 0; a < length; a++)
            {
                Span<T> d = destination.Slice(b + (a * inner), inner);
                if (log)
                {
                    TensorPrimitives.Subtract(d, sum, d);
                }
                else
                {
                    TensorPrimitives.Divide(d, sum, d);
                }
            }
        }
    }

    /// <summary>Softmax or log-softmax of one contiguous row, with the row maximum subtracted first.</summary>
    internal static void SoftmaxRow<T>(ReadOnlySpan<T> x, Span<T> destination, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, destination);
        if (log)
        {
            T sum = T.Zero;
            foreach (T v in destination)
            {
                sum += T.Exp(v);
            }

            TensorPrimitives.Subtract(destination, T.Log(sum), destination);
        }
        else
        {
            TensorPrimitives.Exp(destination, destination);
            T sum = TensorPrimitives.Sum(destination);
            TensorPrimitives.Divide(destination, sum, destination);
        }
    }

    /// <summary>Softmax backward: dx = y * (g - sum(g * y)) along the middle axis.</summary>
    internal static void SoftmaxGrad<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, int outer, int length, int inner, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                ReadOnlySpan<T> gr = g.Slice(o * length, length);
                ReadOnlySpan<T> yr = y.Slice(o * length, length);
                Span<T> d = destination.Slice(o * length, length);
                T dot = TensorPrimitives.Dot(gr, yr);
                TensorPrimitives.Subtract(gr, dot, d);
                TensorPrimitives.Multiply(d, yr, d);
            }

            return;
        }

        T[] sums = new T[inner];
        for (int o = 0; o < outer; o++)
        {
            int b = o * length * inner;
            Array.Clear(sums);
            for (int a = 0; a < length; a++)
            {
                TensorPrimitives.MultiplyAdd(g.Slice(b + (a * inner), inner), y.Slice(b + (a * inner), inner), sums, sums);
            }

            for (int a = 0; a < length; a++)
            {
                Span<T> d = destination.Slice(b + (a * inner), inner);
                TensorPrimitives.Subtract(g.Slice(b + (a * inner), inner), sums, d);
                TensorPrimitives.Multiply(d, y.Slice(b + (a * inner), inner), d);
            }
        }
    }

    /// <summary>Log-softmax backward: dx = g - exp(y) * sum(g) along the middle axis.</summary>
    internal static void LogSoftmaxGrad<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, int outer, int length, int inner, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TensorPrimitives.Exp(y, destination);
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                ReadOnlySpan<T> gr = g.Slice(o * length, length);
                Span<T> d = destination.Slice(o * length, length);
                T sum = TensorPrimitives.Sum(gr);
                TensorPrimitives.Multiply(d, -sum, d);
                TensorPrimitives.Add(d, gr, d);
            }

            return;
        }

        T[] sums = new T[inner];
        for (int o = 0; o < outer; o++)
        {
            int b = o * length * inner;
            SumAxis(g.Slice(b, length * inner), 1, length, inner, sums);
            TensorPrimitives.Negate(sums, sums);
            for (int a = 0; a < length; a++)
            {
                Span<T> d = destination.Slice(b + (a * inner), inner);
                TensorPrimitives.MultiplyAdd(d, sums, g.Slice(b + (a * inner), inner), d);
            }
        }
    }

    /// <summary>destination[i] = mask[i] ? g[i] : 0 (or the reverse when <paramref name="invert"/>).</summary>
    internal static T[] Select<T>(ReadOnlySpan<T> g, ReadOnlySpan<bool> mask, bool invert)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new T[g.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = mask[i] != invert ? g[i] : T.Zero;
        }

        return result;
    }
}
