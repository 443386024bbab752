using System;
using System.Numerics;

namespace AutoDiffGen;

/// <summary>
/// Low-level kernels on spans, for hand-written gradient code and generated adjoints that want the same SIMD kernels
/// the tape uses.
/// </summary>
public static class TensorKernels
{
    /// <summary>
    /// Matrix product <c>destination = op(a) · op(b)</c> (or <c>+=</c> when <paramref name="accumulate"/>), where
    /// <c>op(a)</c> is m x k and <c>op(b)</c> is k x n, all row-major. <paramref name="a"/> is stored m x k, or k x m when
    /// <paramref name="transposeA"/>; <paramref name="b"/> is stored k x n, or n x k when <paramref name="transposeB"/>.
    /// Uses a cache-blocked, packed SIMD kernel for all but tiny sizes.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="a">The left matrix.</param>
    /// <param name="b">The right matrix.</param>
    /// <param name="destination">The m x n result.</param>
    /// <param name="m">Rows of the result.</param>
    /// <param name="k">The inner dimension.</param>
    /// <param name="n">Columns of the result.</param>
    /// <param name="transposeA">Use aᵀ (a stored k x m).</param>
    /// <param name="transposeB">Use bᵀ (b stored n x k).</param>
    /// <param name="accumulate">Add to <paramref name="destination"/> instead of overwriting it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its matrix.</exception>
    public static void MatMul<T>(
        ReadOnlySpan<T> a,
        ReadOnlySpan<T> b,
        Span<T> destination,
        int m,
        int k,
        int n,
        bool transposeA = false,
        bool transposeB = false,
        bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (a.Length < (long)m * k || b.Length < (long)k * n || destination.Length < (long)m * n)
        {
            throw new ArgumentException(
                $"MatMul: spans of lengths {a.Length}, {b.Length} and {destination.Length} are too short for a ({m} x {k}) by ({k} x {n}) product.");
        }

        Gemm.Run(transposeA, transposeB, m, n, k, a, b, destination, accumulate);
    }
}
