using System;

namespace AutoDiffGen.Tests.Functions;

/// <summary>Constructs not covered elsewhere.</summary>
public static partial class MoreFunctions
{
    [Differentiable]
    public static double GenericMathStatics(double x) => double.Sin(x) * double.Exp(x) + double.Sqrt(x * x + 1) + double.Hypot(x, 2);

    [Differentiable]
    public static double ForEachOverSpan(ReadOnlySpan<double> values, double scale)
    {
        double s = 0;
        foreach (double v in values)
        {
            s += Math.Sin(v * scale);
        }

        return s;
    }

    [Differentiable]
    public static double WritesSpan(Span<double> state, double rate)
    {
        for (int step = 0; step < 3; step++)
        {
            for (int i = 0; i < state.Length; i++)
            {
                state[i] -= rate * state[i] * state[i];
            }
        }

        double s = 0;
        for (int i = 0; i < state.Length; i++)
        {
            s += state[i];
        }

        return s;
    }

    [Differentiable]
    public static double ElementIncrements(double[] a, double x)
    {
        double[] b = new double[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            b[i] = a[i] * x;
            b[i]++;
            b[i] *= b[i];
            b[i]--;
            b[i] /= 1 + x * x;
        }

        return b[0] + b[a.Length - 1];
    }

    [Differentiable]
    public static double SwitchWithPatterns(double x, int n)
    {
        switch (n)
        {
            case < 0:
                return -x;
            case 0 or 1:
                return x * x;
            case var k when k > 10:
                return x * 10;
            default:
                return Math.Pow(x, n);
        }
    }
}
