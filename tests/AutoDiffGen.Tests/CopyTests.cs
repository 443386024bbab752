using System;
using System.Linq;
using AutoDiffGen.Tests.Functions;
using AutoDiffGen.Tests.Infrastructure;

namespace AutoDiffGen.Tests;

public class CopyTests
{
    [Fact]
    public void Clone_ToArray_ArrayCopy_Fill_and_Clear()
    {
        foreach (double[] p in Check.Points(21, 10, 5))
        {
            double[] x = p[..4];
            var g = new double[5];
            double value = CopyFunctions.CloneAndCopyGradient(x, p[4], g.AsSpan(0, 4), out g[4]);
            Check.Close(CopyFunctions.CloneAndCopy(x, p[4]), value, 0);
            Check.Close(Dual.Gradient(v => CloneAndCopyReference(v[..4], v[4]), p), g, Check.Exact);
        }
    }

    private static Dual CloneAndCopyReference(Dual[] x, Dual s)
    {
        Dual[] a = (Dual[])x.Clone();
        Dual[] b = (Dual[])a.Clone();
        for (int i = 1; i < b.Length; i++)
        {
            b[i] = s * s;
        }

        Dual[] c = (Dual[])x.Clone();
        c[0] = 0;
        Dual r = 0;
        for (int i = 0; i < x.Length; i++)
        {
            a[i] = a[i] * 2;
            r = r + (a[i] * b[i]) + (c[i] * c[i]);
        }

        return r;
    }

    [Fact]
    public void Copies_of_ranges()
    {
        foreach (double[] p in Check.Points(22, 5, 7))
        {
            double[] x = p[..4], y = p[4..];
            var dx = new double[4];
            var dy = new double[3];
            CopyFunctions.CopyRangesGradient(x, y, dx, dy);
            double[] reference = Dual.Gradient(v => CopyRangesReference(v[..4], v[4..]), p);
            Check.Close(reference[..4], dx, Check.Exact);
            Check.Close(reference[4..], dy, Check.Exact);
        }
    }

    private static Dual CopyRangesReference(Dual[] x, Dual[] y)
    {
        var work = new Dual[x.Length + y.Length];
        Array.Copy(x, 0, work, 1, x.Length - 1);
        y.CopyTo(work.AsSpan(x.Length));
        x.CopyTo(work, y.Length);
        Dual r = 0;
        for (int i = 0; i < work.Length; i++)
        {
            r = r + (work[i] * (i + 1));
        }

        foreach (Dual v in x)
        {
            r = r + (v * v);
        }

        return r;
    }

    [Fact]
    public void Reductions_Sum_Average_Dot_SumOfSquares()
    {
        foreach (double[] p in Check.Points(23, 5, 6))
        {
            double[] x = p[..3], y = p[3..];
            var dx = new double[3];
            var dy = new double[3];
            ReductionFunctions.LinqAndTensorPrimitivesGradient(x, y, dx, dy);
            double[] reference = Dual.Gradient(v =>
            {
                Dual[] a = v[..3], b = v[3..];
                Dual mean = (a[0] + a[1] + a[2]) / 3, total = b[0] + b[1] + b[2];
                Dual dot = (a[0] * b[0]) + (a[1] * b[1]) + (a[2] * b[2]);
                Dual squares = (a[0] * a[0]) + (a[1] * a[1]) + (a[2] * a[2]);
                return (mean * total) + (dot * dot) + squares + ((a[0] + a[1] + a[2]) * 0.5);
            }, p);
            Check.Close(reference[..3], dx, Check.Exact);
            Check.Close(reference[3..], dy, Check.Exact);
        }
    }
}
