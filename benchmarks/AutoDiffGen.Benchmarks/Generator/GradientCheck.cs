using System;
using System.Globalization;

namespace AutoDiffGen.Benchmarks.Generator;

/// <summary>
/// Agreement checks run in every benchmark's [GlobalSetup]: a benchmark of a wrong gradient is worthless, so a
/// disagreement throws and the benchmark does not run.
/// </summary>
/// <remarks>
/// The error of component i is <c>|actual_i - expected_i| / max(|expected_i|, 1e-3 * max_j |expected_j|)</c>: relative,
/// with a floor at a thousandth of the gradient's largest component so that components that are zero or nearly so
/// (where a relative error means nothing) are judged on the gradient's own scale.
/// </remarks>
public static class GradientCheck
{
    /// <summary>Tolerance of a gradient against central finite differences.</summary>
    public const double FiniteDifferenceTolerance = 1e-6;

    /// <summary>Tolerance of the generated gradient against the hand-written one.</summary>
    public const double ExactTolerance = 1e-10;

    /// <summary>Tolerance of two evaluations of the same value by different code.</summary>
    public const double ValueTolerance = 1e-12;

    /// <summary>Largest scaled error over all components (see the class remarks).</summary>
    public static double MaxError(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected)
    {
        if (actual.Length != expected.Length)
        {
            throw new ArgumentException("Lengths differ.", nameof(actual));
        }

        double scale = 0;
        foreach (double e in expected)
        {
            scale = Math.Max(scale, Math.Abs(e));
        }

        double floor = Math.Max(1e-3 * scale, double.Epsilon);
        double worst = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]) / Math.Max(Math.Abs(expected[i]), floor);
            if (double.IsNaN(error))
            {
                return double.PositiveInfinity;
            }

            worst = Math.Max(worst, error);
        }

        return worst;
    }

    /// <summary>Throws unless <paramref name="actual"/> agrees with <paramref name="expected"/> within <paramref name="tolerance"/>.</summary>
    public static void Require(string what, ReadOnlySpan<double> actual, ReadOnlySpan<double> expected, double tolerance)
    {
        double error = MaxError(actual, expected);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// check {what}: max scaled error {error:E2} (tolerance {tolerance:E0})"));
        if (!(error <= tolerance))
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"Gradient check failed: {what}: max scaled error {error:E3} exceeds {tolerance:E0}."));
        }
    }

    /// <summary>Throws unless two values agree within <paramref name="tolerance"/> (relative).</summary>
    public static void RequireValue(string what, double actual, double expected, double tolerance)
    {
        double error = Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), double.Epsilon);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// check {what}: {actual:R} vs {expected:R}, relative error {error:E2}"));
        if (!(error <= tolerance))
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"Value check failed: {what}: {actual:R} vs {expected:R} (relative error {error:E3} exceeds {tolerance:E0})."));
        }
    }

    /// <summary>Concatenates gradient parts into one vector (for checks only, so allocation does not matter).</summary>
    public static double[] Concat(params double[][] parts)
    {
        int length = 0;
        foreach (double[] p in parts)
        {
            length += p.Length;
        }

        double[] all = new double[length];
        int offset = 0;
        foreach (double[] p in parts)
        {
            p.CopyTo(all, offset);
            offset += p.Length;
        }

        return all;
    }
}
