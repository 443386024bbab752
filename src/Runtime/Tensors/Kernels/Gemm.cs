using System;
using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AutoDiffGen;

/// <summary>
/// Matrix multiplication C = op(A) · op(B) (+ C): a cache-blocked, packed kernel in the GotoBLAS style. Blocks of
/// B (KC x NC) and A (MC x KC) are copied into contiguous panels (which also handles the transposed layouts), and a
/// register-blocked micro-kernel computes 4 x (2 · Vector&lt;T&gt;.Count) tiles of C with SIMD multiply-adds.
/// </summary>
internal static class Gemm
{
    private const int MR = 4;
    private const int KC = 256;
    private const int MC = 128;
    private const int NC = 2048;
    private const long SmallWork = 4096;

    internal static void Run<T>(bool transA, bool transB, int m, int n, int k, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0)
        {
            if (!accumulate)
            {
                c.Slice(0, m * n).Clear();
            }

            return;
        }

        if ((long)m * n * k <= SmallWork || !Vector.IsHardwareAccelerated)
        {
            Naive(transA, transB, m, n, k, a, b, c, accumulate);
            return;
        }

        Packed(transA, transB, m, n, k, a, b, c, accumulate);
    }

    private static void Naive<T>(bool transA, bool transB, int m, int n, int k, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    T av = transA ? a[(p * m) + i] : a[(i * k) + p];
                    T bv = transB ? b[(j * k) + p] : b[(p * n) + j];
                    sum += av * bv;
                }

                int idx = (i * n) + j;
                c[idx] = accumulate ? c[idx] + sum : sum;
            }
        }
    }

    private static void Packed<T>(bool transA, bool transB, int m, int n, int k, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int nr = 2 * Vector<T>.Count;
        int bCols = RoundUp(Math.Min(NC, n), nr);
        int aRows = RoundUp(Math.Min(MC, m), MR);
        T[] bp = ArrayPool<T>.Shared.Rent(KC * bCols);
        T[] ap = ArrayPool<T>.Shared.Rent(KC * aRows);
        try
        {
            for (int jc = 0; jc < n; jc += NC)
            {
                int nc = Math.Min(NC, n - jc);
                for (int pc = 0; pc < k; pc += KC)
                {
                    int kc = Math.Min(KC, k - pc);
                    PackB(b, transB, n, k, pc, jc, kc, nc, nr, bp);
                    bool acc = accumulate || pc > 0;
                    for (int ic = 0; ic < m; ic += MC)
                    {
                        int mc = Math.Min(MC, m - ic);
                        PackA(a, transA, m, k, ic, pc, mc, kc, ap);
                        for (int jr = 0; jr < nc; jr += nr)
                        {
                            int nrEff = Math.Min(nr, nc - jr);
                            ReadOnlySpan<T> bPanel = bp.AsSpan(jr * kc, kc * nr);
                            for (int ir = 0; ir < mc; ir += MR)
                            {
                                int mrEff = Math.Min(MR, mc - ir);
                                ReadOnlySpan<T> aPanel = ap.AsSpan(ir * kc, kc * MR);
                                Micro(kc, aPanel, bPanel, c, ((ic + ir) * n) + jc + jr, n, mrEff, nrEff, acc);
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(ap);
            ArrayPool<T>.Shared.Return(bp);
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>Packs op(B)[pc.., jc..] into panels of nr columns: panel j holds kc rows of nr values.</summary>
    private static void PackB<T>(ReadOnlySpan<T> b, bool transB, int n, int k, int pc, int jc, int kc, int nc, int nr, Span<T> bp)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int j0 = 0; j0 < nc; j0 += nr)
        {
            int cols = Math.Min(nr, nc - j0);
            Span<T> panel = bp.Slice(j0 * kc, kc * nr);
            for (int p = 0; p < kc; p++)
            {
                Span<T> dst = panel.Slice(p * nr, nr);
                if (!transB)
                {
                    b.Slice(((pc + p) * n) + jc + j0, cols).CopyTo(dst);
                }
                else
                {
                    int col0 = jc + j0;
                    for (int jj = 0; jj < cols; jj++)
                    {
                        dst[jj] = b[((col0 + jj) * k) + pc + p];
                    }
                }

                if (cols < nr)
                {
                    dst.Slice(cols).Clear();
                }
            }
        }
    }

    /// <summary>Packs op(A)[ic.., pc..] into panels of MR rows: panel i holds kc columns of MR values.</summary>
    private static void PackA<T>(ReadOnlySpan<T> a, bool transA, int m, int k, int ic, int pc, int mc, int kc, Span<T> ap)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i0 = 0; i0 < mc; i0 += MR)
        {
            int rows = Math.Min(MR, mc - i0);
            Span<T> panel = ap.Slice(i0 * kc, kc * MR);
            if (rows < MR)
            {
                panel.Clear();
            }

            if (!transA)
            {
                for (int ii = 0; ii < rows; ii++)
                {
                    ReadOnlySpan<T> src = a.Slice(((ic + i0 + ii) * k) + pc, kc);
                    for (int p = 0; p < kc; p++)
                    {
                        panel[(p * MR) + ii] = src[p];
                    }
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    a.Slice(((pc + p) * m) + ic + i0, rows).CopyTo(panel.Slice(p * MR, rows));
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> MultiplyAdd<T>(Vector<T> a, Vector<T> b, Vector<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
#if NET9_0_OR_GREATER
        if (typeof(T) == typeof(float))
        {
            return Vector.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            return Vector.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        }
#endif
        return (a * b) + c;
    }

    /// <summary>C tile (mr x nr, at cOff with row stride ldc) (+)= A panel (MR x kc) · B panel (kc x NR).</summary>
    private static void Micro<T>(int kc, ReadOnlySpan<T> ap, ReadOnlySpan<T> bp, Span<T> c, int cOff, int ldc, int mr, int nr, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int v = Vector<T>.Count;
        ref T aRef = ref MemoryMarshal.GetReference(ap);
        ref T bRef = ref MemoryMarshal.GetReference(bp);
        Vector<T> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector<T> c20 = default, c21 = default, c30 = default, c31 = default;
        nuint bStep = (nuint)(2 * v);
        nuint bOff = 0;
        nuint aOff = 0;
        for (int p = 0; p < kc; p++)
        {
            Vector<T> b0 = Vector.LoadUnsafe(ref bRef, bOff);
            Vector<T> b1 = Vector.LoadUnsafe(ref bRef, bOff + (nuint)v);
            var a0 = new Vector<T>(Unsafe.Add(ref aRef, aOff));
            c00 = MultiplyAdd(a0, b0, c00);
            c01 = MultiplyAdd(a0, b1, c01);
            var a1 = new Vector<T>(Unsafe.Add(ref aRef, aOff + 1));
            c10 = MultiplyAdd(a1, b0, c10);
            c11 = MultiplyAdd(a1, b1, c11);
            var a2 = new Vector<T>(Unsafe.Add(ref aRef, aOff + 2));
            c20 = MultiplyAdd(a2, b0, c20);
            c21 = MultiplyAdd(a2, b1, c21);
            var a3 = new Vector<T>(Unsafe.Add(ref aRef, aOff + 3));
            c30 = MultiplyAdd(a3, b0, c30);
            c31 = MultiplyAdd(a3, b1, c31);
            bOff += bStep;
            aOff += MR;
        }

        if (mr == MR && nr == 2 * v)
        {
            Store(c, cOff, c00, c01, v, accumulate);
            Store(c, cOff + ldc, c10, c11, v, accumulate);
            Store(c, cOff + (2 * ldc), c20, c21, v, accumulate);
            Store(c, cOff + (3 * ldc), c30, c31, v, accumulate);
            return;
        }

        Span<T> tile = stackalloc T[MR * 2 * v];
        int w = 2 * v;
        c00.CopyTo(tile);
        c01.CopyTo(tile.Slice(v));
        c10.CopyTo(tile.Slice(w));
        c11.CopyTo(tile.Slice(w + v));
        c20.CopyTo(tile.Slice(2 * w));
        c21.CopyTo(tile.Slice((2 * w) + v));
        c30.CopyTo(tile.Slice(3 * w));
        c31.CopyTo(tile.Slice((3 * w) + v));
        for (int r = 0; r < mr; r++)
        {
            Span<T> dst = c.Slice(cOff + (r * ldc), nr);
            ReadOnlySpan<T> src = tile.Slice(r * w, nr);
            if (accumulate)
            {
                for (int j = 0; j < nr; j++)
                {
                    dst[j] += src[j];
                }
            }
            else
            {
                src.CopyTo(dst);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(Span<T> c, int offset, Vector<T> lo, Vector<T> hi, int v, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> row = c.Slice(offset, 2 * v);
        ref T r = ref MemoryMarshal.GetReference(row);
        if (accumulate)
        {
            lo += Vector.LoadUnsafe(ref r);
            hi += Vector.LoadUnsafe(ref r, (nuint)v);
        }

        lo.StoreUnsafe(ref r);
        hi.StoreUnsafe(ref r, (nuint)v);
    }
}
