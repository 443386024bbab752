using System;
using BenchmarkDotNet.Attributes;

namespace AutoDiffGen.Benchmarks.Generator;

/// <summary>
/// Logistic regression: mean negative log-likelihood of labels y in {0, 1} under p_i = sigmoid(w . x_i + b).
/// Data row-major, <c>x[i * features + j]</c>.
/// </summary>
public static partial class LogisticRegressionObjective
{
    /// <summary>
    /// The primal, as a user would write it (textbook form). The generator adds
    /// <c>LogisticLossGradient(w, b, x, y, Span&lt;double&gt; dW, out double dB)</c>.
    /// </summary>
    [Differentiable]
    public static double LogisticLoss(double[] w, double b, [NoDerivative] double[] x, [NoDerivative] double[] y)
    {
        int features = w.Length;
        int samples = y.Length;
        double total = 0;
        for (int i = 0; i < samples; i++)
        {
            double z = b;
            for (int j = 0; j < features; j++)
            {
                z += w[j] * x[i * features + j];
            }

            double p = 1 / (1 + Math.Exp(-z));
            total -= y[i] * Math.Log(p) + (1 - y[i]) * Math.Log(1 - p);
        }

        return total / samples;
    }

    /// <summary>
    /// Expert hand-written gradient: one pass over the data, <c>dL/dz_i = (p_i - y_i) / N</c> folded into the weights as
    /// each row is read (the row is still in L1). The value is computed with the same expression as the primal, so
    /// that the comparison measures the cost of the derivative, not a cheaper rewrite of the loss.
    /// </summary>
    public static double LogisticLossGradientByHand(ReadOnlySpan<double> w, double b, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> dW, out double dB)
    {
        int features = w.Length;
        int samples = y.Length;
        if (dW.Length != features || x.Length != samples * features)
        {
            throw new ArgumentException("Inconsistent lengths.", nameof(dW));
        }

        dW.Clear();
        double total = 0;
        double bias = 0;
        double inverseSamples = 1.0 / samples;
        for (int i = 0; i < samples; i++)
        {
            ReadOnlySpan<double> row = x.Slice(i * features, features);
            double z = b;
            for (int j = 0; j < row.Length; j++)
            {
                z += w[j] * row[j];
            }

            double p = 1 / (1 + Math.Exp(-z));
            double label = y[i];
            total -= label * Math.Log(p) + (1 - label) * Math.Log(1 - p);
            double g = (p - label) * inverseSamples;
            bias += g;
            for (int j = 0; j < row.Length; j++)
            {
                dW[j] += g * row[j];
            }
        }

        dB = bias;
        return total / samples;
    }

    /// <summary>Central finite differences over (w, b): 2 (features + 1) evaluations. Writes dW and returns dL/db.</summary>
    public static double LogisticLossFiniteDifferences(double[] parameters, double[] x, double[] y, Span<double> dWAndB)
    {
        var objective = new Objective(parameters, x, y);
        FiniteDifferences.Central(ref objective, parameters, dWAndB);
        return dWAndB[^1];
    }

    /// <summary>The primal over (w, b) packed in one array (b last), which finite differences perturb in place.</summary>
    public readonly struct Objective : IObjective
    {
        private readonly double[] _weightsAndBias;
        private readonly double[] _w;
        private readonly double[] _x;
        private readonly double[] _y;

        /// <summary>Creates the objective.</summary>
        public Objective(double[] weightsAndBias, double[] x, double[] y)
        {
            _weightsAndBias = weightsAndBias;
            _w = new double[weightsAndBias.Length - 1];
            _x = x;
            _y = y;
        }

        /// <inheritdoc/>
        public double Evaluate()
        {
            Array.Copy(_weightsAndBias, _w, _w.Length);
            return LogisticLoss(_w, _weightsAndBias[^1], _x, _y);
        }
    }
}

/// <summary>Logistic regression, 10^4 samples x 10 features, seeded random data.</summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 8)]
public class GeneratorLogisticRegressionBenchmarks
{
    /// <summary>Samples.</summary>
    public const int Samples = 10_000;

    /// <summary>Features.</summary>
    public const int Features = 10;

    private double[] _w = [];
    private double _b;
    private double[] _x = [];
    private double[] _y = [];
    private double[] _packed = [];
    private double[] _dW = [];
    private double[] _dPacked = [];

    /// <summary>Builds the data and checks the gradients.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_w, _b, _x, _y) = LogisticRegressionData.Create(Samples, Features);
        _dW = new double[Features];
        _packed = [.. _w, _b];
        _dPacked = new double[Features + 1];
        LogisticRegressionData.Verify(_w, _b, _x, _y);
    }

    /// <summary>The primal.</summary>
    [Benchmark(Baseline = true)]
    public double Primal() => LogisticRegressionObjective.LogisticLoss(_w, _b, _x, _y);

    /// <summary>The generated gradient.</summary>
    [Benchmark]
    public double Generated() => LogisticRegressionObjective.LogisticLossGradient(_w, _b, _x, _y, _dW, out _);

    /// <summary>The hand-written gradient.</summary>
    [Benchmark]
    public double HandWritten() => LogisticRegressionObjective.LogisticLossGradientByHand(_w, _b, _x, _y, _dW, out _);

    /// <summary>Central finite differences (22 primal evaluations).</summary>
    [Benchmark]
    public double FiniteDifferences() => LogisticRegressionObjective.LogisticLossFiniteDifferences(_packed, _x, _y, _dPacked);
}

/// <summary>Data and checks for logistic regression.</summary>
public static class LogisticRegressionData
{
    /// <summary>
    /// Features ~ N(0, 1); labels drawn from the model with true weights ~ N(0, 0.5^2) and bias 0.3; the evaluation
    /// point is a different random (w, b), so that the gradient is far from zero.
    /// </summary>
    public static (double[] W, double B, double[] X, double[] Y) Create(int samples, int features)
    {
        double[] x = SeededData.Normal(11, samples * features, 1.0);
        double[] trueW = SeededData.Normal(12, features, 0.5);
        double[] u = SeededData.Uniform(13, samples, 0, 1);
        double[] y = new double[samples];
        for (int i = 0; i < samples; i++)
        {
            double z = 0.3;
            for (int j = 0; j < features; j++)
            {
                z += trueW[j] * x[i * features + j];
            }

            y[i] = u[i] < 1 / (1 + Math.Exp(-z)) ? 1.0 : 0.0;
        }

        double[] w = SeededData.Normal(14, features, 0.3);
        return (w, -0.2, x, y);
    }

    /// <summary>Throws unless the generated, hand-written and finite-difference gradients agree.</summary>
    public static void Verify(double[] w, double b, double[] x, double[] y)
    {
        int features = w.Length;
        double value = LogisticRegressionObjective.LogisticLoss(w, b, x, y);

        // An independent evaluation in the numerically stable form log(1 + e^z) - y z.
        double reference = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double z = b;
            for (int j = 0; j < features; j++)
            {
                z += w[j] * x[i * features + j];
            }

            reference += Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z))) - y[i] * z;
        }

        reference /= y.Length;
        GradientCheck.RequireValue("Logistic primal vs stable reference", value, reference, 1e-12);

        double[] generatedW = new double[features];
        double[] handW = new double[features];
        double generatedValue = LogisticRegressionObjective.LogisticLossGradient(w, b, x, y, generatedW, out double generatedB);
        double handValue = LogisticRegressionObjective.LogisticLossGradientByHand(w, b, x, y, handW, out double handB);
        GradientCheck.RequireValue("Logistic generated value", generatedValue, value, GradientCheck.ValueTolerance);
        GradientCheck.RequireValue("Logistic hand-written value", handValue, value, GradientCheck.ValueTolerance);

        double[] generated = [.. generatedW, generatedB];
        double[] byHand = [.. handW, handB];
        GradientCheck.Require("Logistic generated vs hand-written", generated, byHand, GradientCheck.ExactTolerance);

        double[] packed = [.. w, b];
        double[] fd = new double[features + 1];
        LogisticRegressionObjective.LogisticLossFiniteDifferences(packed, x, y, fd);
        GradientCheck.Require("Logistic generated vs finite differences", generated, fd, GradientCheck.FiniteDifferenceTolerance);
        GradientCheck.Require("Logistic hand-written vs finite differences", byHand, fd, GradientCheck.FiniteDifferenceTolerance);
    }
}
