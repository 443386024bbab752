using System;
using BenchmarkDotNet.Attributes;

namespace AutoDiffGen.Benchmarks.Generator;

/// <summary>
/// Loss of a 2-layer MLP: <c>h = tanh(W1 x + b1)</c>, <c>o = W2 h + b2</c>, mean over the batch of <c>||o - y||^2</c>.
/// Weights row-major: <c>w1[j * inputs + i]</c>, <c>w2[k * hidden + j]</c>; data <c>x[s * inputs + i]</c>, <c>y[s * outputs + k]</c>.
/// </summary>
public static partial class MlpObjective
{
    /// <summary>
    /// The primal, as a user would write it. The generator adds
    /// <c>MlpLossGradient(w1, b1, w2, b2, x, y, Span&lt;double&gt; dW1, dB1, dW2, dB2)</c>.
    /// </summary>
    [Differentiable]
    public static double MlpLoss(double[] w1, double[] b1, double[] w2, double[] b2, [NoDerivative] double[] x, [NoDerivative] double[] y)
    {
        int hidden = b1.Length;
        int outputs = b2.Length;
        int inputs = w1.Length / hidden;
        int batch = y.Length / outputs;
        double[] h = new double[hidden];
        double loss = 0;
        for (int s = 0; s < batch; s++)
        {
            for (int j = 0; j < hidden; j++)
            {
                double a = b1[j];
                for (int i = 0; i < inputs; i++)
                {
                    a += w1[j * inputs + i] * x[s * inputs + i];
                }

                h[j] = Math.Tanh(a);
            }

            for (int k = 0; k < outputs; k++)
            {
                double o = b2[k];
                for (int j = 0; j < hidden; j++)
                {
                    o += w2[k * hidden + j] * h[j];
                }

                double e = o - y[s * outputs + k];
                loss += e * e;
            }
        }

        return loss / batch;
    }

    /// <summary>
    /// Expert hand-written gradient (backpropagation), fused per sample: forward into stack buffers, then the
    /// backward pass for that sample while its activations are in L1. tanh' = 1 - h^2 reuses the stored activation.
    /// </summary>
    public static double MlpLossGradientByHand(
        ReadOnlySpan<double> w1, ReadOnlySpan<double> b1, ReadOnlySpan<double> w2, ReadOnlySpan<double> b2, ReadOnlySpan<double> x, ReadOnlySpan<double> y,
        Span<double> dW1, Span<double> dB1, Span<double> dW2, Span<double> dB2)
    {
        int hidden = b1.Length;
        int outputs = b2.Length;
        int inputs = w1.Length / hidden;
        int batch = y.Length / outputs;
        if (dW1.Length != w1.Length || dB1.Length != hidden || dW2.Length != w2.Length || dB2.Length != outputs || hidden > 256 || outputs > 64)
        {
            throw new ArgumentException("Inconsistent lengths (or layers too wide for the stack buffers).", nameof(dW1));
        }

        dW1.Clear();
        dB1.Clear();
        dW2.Clear();
        dB2.Clear();
        Span<double> h = stackalloc double[hidden];
        Span<double> dA = stackalloc double[hidden];
        Span<double> dO = stackalloc double[outputs];
        double scale = 2.0 / batch;
        double loss = 0;
        for (int s = 0; s < batch; s++)
        {
            ReadOnlySpan<double> xs = x.Slice(s * inputs, inputs);
            for (int j = 0; j < hidden; j++)
            {
                ReadOnlySpan<double> row = w1.Slice(j * inputs, inputs);
                double a = b1[j];
                for (int i = 0; i < row.Length; i++)
                {
                    a += row[i] * xs[i];
                }

                h[j] = Math.Tanh(a);
            }

            dA.Clear();
            for (int k = 0; k < outputs; k++)
            {
                ReadOnlySpan<double> row = w2.Slice(k * hidden, hidden);
                double o = b2[k];
                for (int j = 0; j < row.Length; j++)
                {
                    o += row[j] * h[j];
                }

                double e = o - y[s * outputs + k];
                loss += e * e;
                double g = scale * e;
                dB2[k] += g;
                Span<double> dRow = dW2.Slice(k * hidden, hidden);
                for (int j = 0; j < row.Length; j++)
                {
                    dRow[j] += g * h[j];
                    dA[j] += g * row[j];
                }
            }

            for (int j = 0; j < hidden; j++)
            {
                double hj = h[j];
                double g = dA[j] * (1 - hj * hj);
                dB1[j] += g;
                Span<double> dRow = dW1.Slice(j * inputs, inputs);
                for (int i = 0; i < dRow.Length; i++)
                {
                    dRow[i] += g * xs[i];
                }
            }
        }

        return loss / batch;
    }

    /// <summary>Central finite differences over all weights packed in one array: 2 (number of weights) evaluations.</summary>
    public static void MlpLossFiniteDifferences(double[] packed, Layout layout, double[] x, double[] y, Span<double> gradient)
    {
        var objective = new Objective(packed, layout, x, y);
        FiniteDifferences.Central(ref objective, packed, gradient);
    }

    /// <summary>Layer sizes.</summary>
    public readonly record struct Layout(int Inputs, int Hidden, int Outputs)
    {
        /// <summary>Number of weights: W1, b1, W2, b2.</summary>
        public int Count => (Hidden * Inputs) + Hidden + (Outputs * Hidden) + Outputs;

        /// <summary>Packs the four arrays into one, in the order W1, b1, W2, b2.</summary>
        public static double[] Pack(double[] w1, double[] b1, double[] w2, double[] b2) => GradientCheck.Concat(w1, b1, w2, b2);

        /// <summary>Unpacks into the four arrays.</summary>
        public void Unpack(ReadOnlySpan<double> packed, double[] w1, double[] b1, double[] w2, double[] b2)
        {
            int o = 0;
            packed.Slice(o, w1.Length).CopyTo(w1);
            o += w1.Length;
            packed.Slice(o, b1.Length).CopyTo(b1);
            o += b1.Length;
            packed.Slice(o, w2.Length).CopyTo(w2);
            o += w2.Length;
            packed.Slice(o, b2.Length).CopyTo(b2);
        }
    }

    /// <summary>The primal over packed weights, which finite differences perturb in place.</summary>
    public readonly struct Objective : IObjective
    {
        private readonly double[] _packed;
        private readonly Layout _layout;
        private readonly double[] _w1, _b1, _w2, _b2, _x, _y;

        /// <summary>Creates the objective.</summary>
        public Objective(double[] packed, Layout layout, double[] x, double[] y)
        {
            _packed = packed;
            _layout = layout;
            _w1 = new double[layout.Hidden * layout.Inputs];
            _b1 = new double[layout.Hidden];
            _w2 = new double[layout.Outputs * layout.Hidden];
            _b2 = new double[layout.Outputs];
            _x = x;
            _y = y;
        }

        /// <inheritdoc/>
        public double Evaluate()
        {
            _layout.Unpack(_packed, _w1, _b1, _w2, _b2);
            return MlpLoss(_w1, _b1, _w2, _b2, _x, _y);
        }
    }
}

/// <summary>2-layer tanh MLP, 10 inputs, 32 hidden units, 1 output, squared error over a batch of 256.</summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 8)]
public class GeneratorMlpBenchmarks
{
    /// <summary>Layer sizes.</summary>
    public static readonly MlpObjective.Layout Sizes = new(Inputs: 10, Hidden: 32, Outputs: 1);

    /// <summary>Batch size.</summary>
    public const int Batch = 256;

    private MlpData _data = null!;
    private double[] _dW1 = [], _dB1 = [], _dW2 = [], _dB2 = [], _packed = [], _dPacked = [];

    /// <summary>Builds the data and checks the gradients.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _data = MlpData.Create(Sizes, Batch);
        _dW1 = new double[_data.W1.Length];
        _dB1 = new double[_data.B1.Length];
        _dW2 = new double[_data.W2.Length];
        _dB2 = new double[_data.B2.Length];
        _packed = MlpObjective.Layout.Pack(_data.W1, _data.B1, _data.W2, _data.B2);
        _dPacked = new double[_packed.Length];
        _data.Verify();
    }

    /// <summary>The primal.</summary>
    [Benchmark(Baseline = true)]
    public double Primal() => MlpObjective.MlpLoss(_data.W1, _data.B1, _data.W2, _data.B2, _data.X, _data.Y);

    /// <summary>The generated gradient.</summary>
    [Benchmark]
    public double Generated() => MlpObjective.MlpLossGradient(_data.W1, _data.B1, _data.W2, _data.B2, _data.X, _data.Y, _dW1, _dB1, _dW2, _dB2);

    /// <summary>The hand-written gradient.</summary>
    [Benchmark]
    public double HandWritten() => MlpObjective.MlpLossGradientByHand(_data.W1, _data.B1, _data.W2, _data.B2, _data.X, _data.Y, _dW1, _dB1, _dW2, _dB2);

    /// <summary>Central finite differences (2 x 385 primal evaluations).</summary>
    [Benchmark]
    public void FiniteDifferences() => MlpObjective.MlpLossFiniteDifferences(_packed, Sizes, _data.X, _data.Y, _dPacked);
}

/// <summary>Weights and data for the MLP, and its checks.</summary>
public sealed class MlpData
{
    private MlpData(MlpObjective.Layout layout, double[] w1, double[] b1, double[] w2, double[] b2, double[] x, double[] y)
    {
        Layout = layout;
        W1 = w1;
        B1 = b1;
        W2 = w2;
        B2 = b2;
        X = x;
        Y = y;
    }

    /// <summary>Layer sizes.</summary>
    public MlpObjective.Layout Layout { get; }

    /// <summary>First-layer weights.</summary>
    public double[] W1 { get; }

    /// <summary>First-layer biases.</summary>
    public double[] B1 { get; }

    /// <summary>Second-layer weights.</summary>
    public double[] W2 { get; }

    /// <summary>Second-layer biases.</summary>
    public double[] B2 { get; }

    /// <summary>Inputs.</summary>
    public double[] X { get; }

    /// <summary>Targets.</summary>
    public double[] Y { get; }

    /// <summary>Glorot-scaled random weights, N(0, 1) inputs, targets from a smooth function of the inputs.</summary>
    public static MlpData Create(MlpObjective.Layout layout, int batch)
    {
        double[] w1 = SeededData.Normal(21, layout.Hidden * layout.Inputs, Math.Sqrt(1.0 / layout.Inputs));
        double[] b1 = SeededData.Normal(22, layout.Hidden, 0.1);
        double[] w2 = SeededData.Normal(23, layout.Outputs * layout.Hidden, Math.Sqrt(1.0 / layout.Hidden));
        double[] b2 = SeededData.Normal(24, layout.Outputs, 0.1);
        double[] x = SeededData.Normal(25, batch * layout.Inputs, 1.0);
        double[] y = new double[batch * layout.Outputs];
        for (int s = 0; s < batch; s++)
        {
            for (int k = 0; k < layout.Outputs; k++)
            {
                y[s * layout.Outputs + k] = Math.Sin(x[s * layout.Inputs] + k) + 0.5 * x[s * layout.Inputs + 1];
            }
        }

        return new MlpData(layout, w1, b1, w2, b2, x, y);
    }

    /// <summary>Throws unless the generated, hand-written and finite-difference gradients agree.</summary>
    public void Verify()
    {
        double value = MlpObjective.MlpLoss(W1, B1, W2, B2, X, Y);
        double[] gW1 = new double[W1.Length], gB1 = new double[B1.Length], gW2 = new double[W2.Length], gB2 = new double[B2.Length];
        double[] hW1 = new double[W1.Length], hB1 = new double[B1.Length], hW2 = new double[W2.Length], hB2 = new double[B2.Length];
        double generatedValue = MlpObjective.MlpLossGradient(W1, B1, W2, B2, X, Y, gW1, gB1, gW2, gB2);
        double handValue = MlpObjective.MlpLossGradientByHand(W1, B1, W2, B2, X, Y, hW1, hB1, hW2, hB2);
        GradientCheck.RequireValue("MLP generated value", generatedValue, value, GradientCheck.ValueTolerance);
        GradientCheck.RequireValue("MLP hand-written value", handValue, value, GradientCheck.ValueTolerance);
        double[] generated = GradientCheck.Concat(gW1, gB1, gW2, gB2);
        double[] byHand = GradientCheck.Concat(hW1, hB1, hW2, hB2);
        GradientCheck.Require("MLP generated vs hand-written", generated, byHand, GradientCheck.ExactTolerance);

        double[] packed = MlpObjective.Layout.Pack(W1, B1, W2, B2);
        double[] fd = new double[packed.Length];
        MlpObjective.MlpLossFiniteDifferences(packed, Layout, X, Y, fd);
        GradientCheck.Require("MLP generated vs finite differences", generated, fd, GradientCheck.FiniteDifferenceTolerance);
        GradientCheck.Require("MLP hand-written vs finite differences", byHand, fd, GradientCheck.FiniteDifferenceTolerance);
    }
}
