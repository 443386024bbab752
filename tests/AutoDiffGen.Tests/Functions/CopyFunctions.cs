using System;
using System.Linq;

namespace AutoDiffGen.Tests.Functions;

/// <summary>Copies of arrays: Clone, ToArray, Array.Copy, CopyTo, Fill, Clear.</summary>
public static partial class CopyFunctions
{
    [Differentiable]
    public static double CloneAndCopy(double[] x, double s)
    {
        double[] a = (double[])x.Clone();
        double[] b = new double[x.Length];
        Array.Copy(a, b, x.Length);
        b.AsSpan(1).Fill(s * s);
        double[] c = x.AsSpan().ToArray();
        c.AsSpan(0, 1).Clear();
        double r = 0;
        for (int i = 0; i < x.Length; i++)
        {
            a[i] *= 2;
            r += a[i] * b[i] + c[i] * c[i];
        }

        return r;
    }

    [Differentiable]
    public static double CopyRanges(double[] x, ReadOnlySpan<double> y)
    {
        double[] work = new double[x.Length + y.Length];
        Array.Copy(x, 0, work, 1, x.Length - 1);
        y.CopyTo(work.AsSpan(x.Length));
        x.CopyTo(work, y.Length);
        double[] squares = x.ToArray();
        for (int i = 0; i < squares.Length; i++)
        {
            squares[i] *= squares[i];
        }

        double r = 0;
        for (int i = 0; i < work.Length; i++)
        {
            r += work[i] * (i + 1);
        }

        return r + squares.Sum();
    }
}

/// <summary>Reductions with built-in derivatives.</summary>
public static partial class ReductionFunctions
{
    [Differentiable]
    public static double LinqAndTensorPrimitives(double[] x, double[] y)
    {
        double mean = x.Average();
        double total = y.Sum();
        double dot = System.Numerics.Tensors.TensorPrimitives.Dot<double>(x, y);
        double squares = System.Numerics.Tensors.TensorPrimitives.SumOfSquares<double>(x);
        return mean * total + dot * dot + squares + System.Numerics.Tensors.TensorPrimitives.Sum<double>(x) * 0.5;
    }
}
