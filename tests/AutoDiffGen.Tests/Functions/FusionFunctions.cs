using System;

namespace AutoDiffGen.Tests.Functions;

/// <summary>
/// Reduction loops, whose reverse the generator may run inside the forward sweep, and near misses that must not be
/// fused (the generated code is the same either way as far as values and gradients go).
/// </summary>
public static partial class FusionFunctions
{
    /// <summary>Fused: the accumulator is returned.</summary>
    [Differentiable]
    public static double SumOfSquares(double[] x, double w)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double t = w * x[i];
            sum += t * t;
        }

        return sum;
    }

    /// <summary>Fused: the accumulator's adjoint reads a value computed before the loop.</summary>
    [Differentiable]
    public static double MeanLogisticLoss(double[] x, [NoDerivative] double[] y, double w, double b)
    {
        int n = x.Length;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            double z = (w * x[i]) + b;
            double p = 1 / (1 + Math.Exp(-z));
            total -= (y[i] * Math.Log(p)) + ((1 - y[i]) * Math.Log(1 - p));
        }

        return total / n;
    }

    /// <summary>Not fused: the accumulator's adjoint depends on its final value.</summary>
    [Differentiable]
    public static double SquaredSum(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += Math.Sin(x[i]);
        }

        return s * s;
    }

    /// <summary>The first loop is not fused (its accumulator is divided afterwards); the second is, and reads the first's result.</summary>
    [Differentiable]
    public static double Variance(double[] x)
    {
        double mean = 0;
        for (int i = 0; i < x.Length; i++)
        {
            mean += x[i];
        }

        mean /= x.Length;
        double v = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double d = x[i] - mean;
            v += d * d;
        }

        return v / x.Length;
    }

    /// <summary>Not fused: code before the loop reads the accumulator.</summary>
    [Differentiable]
    public static double AccumulatorReadBefore(double[] x, double a)
    {
        double s = a * a;
        double t = s * 3;
        for (int i = 0; i < x.Length; i++)
        {
            s += x[i] * a;
        }

        return s + t;
    }

    /// <summary>Fused, with values overwritten inside an iteration, a branch and a nested loop.</summary>
    [Differentiable]
    public static double BusyIterations(double[] x, double c)
    {
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double t = x[i] * c;
            t = Math.Sin(t) * t;
            if (t > 0)
            {
                t = t * t;
            }

            for (int k = 0; k < 3; k++)
            {
                t = Math.Cos(t) + c;
            }

            total += t;
            total -= 0.5 * x[i];
        }

        return (2 * total) + c;
    }

    /// <summary>Fused, with a helper called in the loop and foreach.</summary>
    [Differentiable]
    public static double SoftplusSum(double[] x, double w)
    {
        double s = 0;
        foreach (double v in x)
        {
            s += Softplus(w * v);
        }

        return s;
    }

    private static double Softplus(double z) => Math.Log(1 + Math.Exp(z));

    /// <summary>Two accumulators in one loop, one of them subtracted afterwards.</summary>
    [Differentiable]
    public static double TwoAccumulators(double[] x, double w)
    {
        double even = 0, odd = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (i % 2 == 0)
            {
                even += Math.Exp(w * x[i]);
            }
            else
            {
                odd += x[i] * x[i] * w;
            }
        }

        return even - (3 * odd);
    }

    /// <summary>Fused, in float.</summary>
    [Differentiable]
    public static float SumOfCubes(float[] x, float w)
    {
        float s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += x[i] * x[i] * x[i] * w;
        }

        return s;
    }
}
