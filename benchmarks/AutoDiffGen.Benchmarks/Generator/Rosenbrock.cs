using System;
using BenchmarkDotNet.Attributes;

namespace AutoDiffGen.Benchmarks.Generator;

/// <summary>The extended Rosenbrock function: <c>sum_i (1 - x_i)^2 + 100 (x_{i+1} - x_i^2)^2</c>, i = 0..n-2.</summary>
public static partial class RosenbrockObjective
{
    /// <summary>The primal, as a user would write it. The generator adds <c>RosenbrockGradient(double[] x, Span&lt;double&gt; dX)</c>.</summary>
    [Differentiable]
    public static double Rosenbrock(double[] x)
    {
        double sum = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double a = 1 - x[i];
            double b = x[i + 1] - x[i] * x[i];
            sum += a * a + 100 * b * b;
        }

        return sum;
    }

    /// <summary>Expert hand-written gradient: one fused pass, each element read once, the coupling term carried in a register.</summary>
    public static double RosenbrockGradientByHand(ReadOnlySpan<double> x, Span<double> dX)
    {
        int n = x.Length;
        if (dX.Length != n)
        {
            throw new ArgumentException("dX must have the length of x.", nameof(dX));
        }

        if (n == 0)
        {
            return 0;
        }

        double sum = 0;
        double carry = 0; // d/dx_i of the previous term, 200 (x_i - x_{i-1}^2)
        double xi = x[0];
        for (int i = 0; i < n - 1; i++)
        {
            double next = x[i + 1];
            double a = 1 - xi;
            double b = next - xi * xi;
            sum += a * a + 100 * b * b;
            dX[i] = carry - 2 * a - 400 * b * xi;
            carry = 200 * b;
            xi = next;
        }

        dX[n - 1] = carry;
        return sum;
    }

    /// <summary>Central finite differences of <see cref="Rosenbrock"/>: 2n evaluations, O(n^2).</summary>
    public static void RosenbrockFiniteDifferences(double[] x, Span<double> dX)
    {
        var objective = new Objective(x);
        FiniteDifferences.Central(ref objective, x, dX);
    }

    /// <summary>The primal over parameters that finite differences perturb in place.</summary>
    public readonly struct Objective : IObjective
    {
        private readonly double[] _x;

        /// <summary>Creates the objective.</summary>
        public Objective(double[] x) => _x = x;

        /// <inheritdoc/>
        public double Evaluate() => Rosenbrock(_x);
    }
}

/// <summary>Rosenbrock: primal, generated gradient and hand-written gradient, n = 10 .. 10^6.</summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 8)]
public class GeneratorRosenbrockBenchmarks
{
    private double[] _x = [];
    private double[] _gradient = [];

    /// <summary>Number of variables.</summary>
    [Params(10, 1_000, 100_000, 1_000_000)]
    public int N { get; set; }

    /// <summary>Builds the input and checks the gradients against each other and against finite differences.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _x = SeededData.Uniform(1, N, -1.5, 1.5);
        _gradient = new double[N];
        RosenbrockChecks.Verify(_x);
    }

    /// <summary>The primal.</summary>
    [Benchmark(Baseline = true)]
    public double Primal() => RosenbrockObjective.Rosenbrock(_x);

    /// <summary>The generated gradient.</summary>
    [Benchmark]
    public double Generated() => RosenbrockObjective.RosenbrockGradient(_x, _gradient);

    /// <summary>The hand-written gradient.</summary>
    [Benchmark]
    public double HandWritten() => RosenbrockObjective.RosenbrockGradientByHand(_x, _gradient);
}

/// <summary>Rosenbrock: central finite differences, only at sizes where they finish (O(n^2): 2n primal evaluations).</summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 8)]
public class GeneratorRosenbrockFiniteDifferenceBenchmarks
{
    private double[] _x = [];
    private double[] _gradient = [];

    /// <summary>Number of variables.</summary>
    [Params(10, 1_000, 10_000)]
    public int N { get; set; }

    /// <summary>Builds the input and runs the checks.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _x = SeededData.Uniform(1, N, -1.5, 1.5);
        _gradient = new double[N];
        RosenbrockChecks.Verify(_x);
    }

    /// <summary>The primal.</summary>
    [Benchmark(Baseline = true)]
    public double Primal() => RosenbrockObjective.Rosenbrock(_x);

    /// <summary>Central finite differences.</summary>
    [Benchmark]
    public void FiniteDifferences() => RosenbrockObjective.RosenbrockFiniteDifferences(_x, _gradient);
}

/// <summary>Agreement checks for Rosenbrock.</summary>
public static class RosenbrockChecks
{
    /// <summary>Largest n at which the finite-difference gradient of the whole sum is checked (above it, rounding in the sum dominates).</summary>
    public const int FullFiniteDifferenceLimit = 1_000;

    /// <summary>Throws unless the generated, hand-written and finite-difference gradients agree.</summary>
    public static void Verify(double[] x)
    {
        int n = x.Length;
        double[] generated = new double[n];
        double[] byHand = new double[n];
        double value = RosenbrockObjective.Rosenbrock(x);
        double generatedValue = RosenbrockObjective.RosenbrockGradient(x, generated);
        double handValue = RosenbrockObjective.RosenbrockGradientByHand(x, byHand);
        GradientCheck.RequireValue($"Rosenbrock n={n} generated value", generatedValue, value, GradientCheck.ValueTolerance);
        GradientCheck.RequireValue($"Rosenbrock n={n} hand-written value", handValue, value, GradientCheck.ValueTolerance);
        GradientCheck.Require($"Rosenbrock n={n} generated vs hand-written", generated, byHand, GradientCheck.ExactTolerance);

        // The adjoint companion adds seed * gradient.
        double[] adjoint = new double[n];
        Array.Fill(adjoint, 1.0);
        RosenbrockObjective.RosenbrockAdjoint(x, 0.5, adjoint);
        for (int i = 0; i < n; i++)
        {
            adjoint[i] = (adjoint[i] - 1.0) * 2.0;
        }

        GradientCheck.Require($"Rosenbrock n={n} adjoint(seed 0.5) vs hand-written", adjoint, byHand, 1e-9);

        if (n <= FullFiniteDifferenceLimit)
        {
            double[] fd = new double[n];
            RosenbrockObjective.RosenbrockFiniteDifferences(x, fd);
            GradientCheck.Require($"Rosenbrock n={n} generated vs finite differences", generated, fd, GradientCheck.FiniteDifferenceTolerance);
            GradientCheck.Require($"Rosenbrock n={n} hand-written vs finite differences", byHand, fd, GradientCheck.FiniteDifferenceTolerance);
        }

        // Every component against central differences of the terms that involve x_i, i.e. the primal on the window
        // x[i-1..i+1]. The other n - 3 terms cancel exactly in f(x + h e_i) - f(x - h e_i) in exact arithmetic, but in
        // floating point they add a rounding error of about eps |f| / h: with |f| ~ 2e7 at n = 10^5 that is already
        // ~1e-3 absolute, so differences of the full sum cannot reach 1e-6 at large n (measured: 5e-6 at n = 10^5).
        double[] windowed = new double[n];
        double[] window3 = new double[Math.Min(3, n)];
        double[] window2 = new double[Math.Min(2, n)];
        for (int i = 0; i < n; i++)
        {
            int lo = Math.Max(0, i - 1);
            int hi = Math.Min(n, i + 2);
            double[] window = hi - lo == window3.Length ? window3 : window2;
            Array.Copy(x, lo, window, 0, hi - lo);
            var objective = new RosenbrockObjective.Objective(window);
            windowed[i] = FiniteDifferences.Component(ref objective, window, i - lo);
        }

        GradientCheck.Require($"Rosenbrock n={n} generated vs windowed finite differences (all components)", generated, windowed, GradientCheck.FiniteDifferenceTolerance);
        GradientCheck.Require($"Rosenbrock n={n} hand-written vs windowed finite differences (all components)", byHand, windowed, GradientCheck.FiniteDifferenceTolerance);
    }
}
