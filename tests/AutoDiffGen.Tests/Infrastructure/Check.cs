using System;

namespace AutoDiffGen.Tests.Infrastructure;

/// <summary>Gradient checks: exact references and central finite differences.</summary>
internal static class Check
{
    /// <summary>Relative tolerance for comparisons against exact (analytic) derivatives in double.</summary>
    public const double Exact = 1e-10;

    /// <summary>Relative tolerance for float.</summary>
    public const double ExactSingle = 1e-5;

    /// <summary>Asserts |actual - expected| &lt;= tolerance * max(1, |expected|).</summary>
    public static void Close(double expected, double actual, double tolerance, string what = "value")
    {
        double scale = Math.Max(1.0, Math.Abs(expected));
        if (double.IsNaN(expected) && double.IsNaN(actual))
        {
            return;
        }

        if (!(Math.Abs(actual - expected) <= tolerance * scale))
        {
            Assert.Fail($"{what}: expected {expected:R}, actual {actual:R} (difference {actual - expected:E3}, tolerance {tolerance * scale:E3})");
        }
    }

    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance, string what = "gradient")
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Close(expected[i], actual[i], tolerance, $"{what}[{i}]");
        }
    }

    /// <summary>Central finite-difference gradient of f at x (step scaled to each coordinate).</summary>
    public static double[] FiniteDifference(Func<double[], double> f, double[] x)
    {
        var gradient = new double[x.Length];
        var probe = (double[])x.Clone();
        for (int i = 0; i < x.Length; i++)
        {
            double h = 1e-6 * Math.Max(1.0, Math.Abs(x[i]));
            probe[i] = x[i] + h;
            double plus = f((double[])probe.Clone());
            probe[i] = x[i] - h;
            double minus = f((double[])probe.Clone());
            probe[i] = x[i];
            gradient[i] = (plus - minus) / (2 * h);
        }

        return gradient;
    }

    /// <summary>Asserts a gradient agrees with central finite differences (to finite-difference accuracy).</summary>
    public static void AgainstFiniteDifferences(Func<double[], double> f, double[] x, ReadOnlySpan<double> gradient, double tolerance = 1e-6)
    {
        double[] reference = FiniteDifference(f, x);
        for (int i = 0; i < x.Length; i++)
        {
            Close(reference[i], gradient[i], tolerance, $"d/dx[{i}] vs finite differences at x = [{string.Join(", ", x)}]");
        }
    }

    /// <summary>Seeded random points in [low, high]^n.</summary>
    public static double[][] Points(int seed, int count, int dimension, double low = -2, double high = 2)
    {
        var random = new Random(seed);
        var points = new double[count][];
        for (int p = 0; p < count; p++)
        {
            points[p] = new double[dimension];
            for (int i = 0; i < dimension; i++)
            {
                points[p][i] = low + ((high - low) * random.NextDouble());
            }
        }

        return points;
    }
}
