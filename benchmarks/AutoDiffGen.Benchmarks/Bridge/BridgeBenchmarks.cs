using System;
using System.Linq;
using BenchmarkDotNet.Attributes;

namespace AutoDiffGen.Benchmarks.Bridge;

/// <summary>Elementwise activations written once as scalar C#; the generator adds the Tensor overloads that the tape records as one node.</summary>
public static partial class Activations
{
    /// <summary>SiLU, x * sigmoid(x): two tape operations.</summary>
    [Differentiable]
    public static double Silu(double x) => x / (1 + Math.Exp(-x));

    /// <summary>Pseudo-Huber loss with delta = 1, sqrt(1 + r^2) - 1: four tape operations, no transcendental function.</summary>
    [Differentiable]
    public static double PseudoHuber(double r) => Math.Sqrt(1 + (r * r)) - 1;

    /// <summary>GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))): eight tape operations.</summary>
    [Differentiable]
    public static double Gelu(double x) => 0.5 * x * (1 + Math.Tanh(0.7978845608028654 * (x + (0.044715 * x * x * x))));
}

/// <summary>
/// Issue 4's bridge goal: a [Differentiable] elementwise function used through its generated Tensor overload (one
/// recorded node, backward = the generated adjoint) against the same formula built from tape operations.
/// Each benchmark records loss = sum(f(x)) for a watched variable and takes the gradient.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 8)]
public class BridgeBenchmarks
{
    private Variable<double> _x = null!;

    /// <summary>Number of elements.</summary>
    [Params(1, 64, 4096)]
    public int Size { get; set; }

    /// <summary>Values in [-3, 3], seeded.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _x = new Variable<double>(Enumerable.Range(0, Size).Select(_ => (random.NextDouble() * 6) - 3).ToArray());

        // Both forms must compute the same gradient, or the comparison means nothing.
        Check("SiLU", Gradient(x => x * Tensor.Sigmoid(x)), Gradient(Activations.Silu));
        Check("PseudoHuber", Gradient(x => Tensor.Sqrt(1.0 + (x * x)) - 1.0), Gradient(Activations.PseudoHuber));
        Check("GELU", Gradient(x => 0.5 * x * (1.0 + Tensor.Tanh(0.7978845608028654 * (x + (0.044715 * x * x * x))))), Gradient(Activations.Gelu));
    }

    private double[] Gradient(Func<Tensor<double>, Tensor<double>> f)
    {
        Tensor<double> loss;
        GradientTape tape;
        using (tape = new GradientTape())
        {
            loss = Tensor.Sum(f(_x));
        }

        return tape.Gradient(loss, _x)!.ToArray();
    }

    private static void Check(string name, double[] tapeOps, double[] bridge)
    {
        for (int i = 0; i < tapeOps.Length; i++)
        {
            if (Math.Abs(tapeOps[i] - bridge[i]) > 1e-12 * Math.Max(1, Math.Abs(tapeOps[i])))
            {
                throw new InvalidOperationException($"{name}: the bridge's gradient {bridge[i]} differs from the tape operations' {tapeOps[i]} at element {i}.");
            }
        }
    }

    /// <summary>SiLU from tape operations: x * Sigmoid(x).</summary>
    [Benchmark]
    public double SiluTapeOps()
    {
        Tensor<double> loss;
        GradientTape tape;
        using (tape = new GradientTape())
        {
            loss = Tensor.Sum(_x * Tensor.Sigmoid(_x));
        }

        return tape.Gradient(loss, _x)!.AsSpan()[0];
    }

    /// <summary>SiLU through the generated bridge: one node.</summary>
    [Benchmark]
    public double SiluBridge()
    {
        Tensor<double> loss;
        GradientTape tape;
        using (tape = new GradientTape())
        {
            loss = Tensor.Sum(Activations.Silu(_x));
        }

        return tape.Gradient(loss, _x)!.AsSpan()[0];
    }

    /// <summary>Pseudo-Huber from tape operations.</summary>
    [Benchmark]
    public double PseudoHuberTapeOps()
    {
        Tensor<double> loss;
        GradientTape tape;
        using (tape = new GradientTape())
        {
            loss = Tensor.Sum(Tensor.Sqrt(1.0 + (_x * _x)) - 1.0);
        }

        return tape.Gradient(loss, _x)!.AsSpan()[0];
    }

    /// <summary>Pseudo-Huber through the generated bridge: one node.</summary>
    [Benchmark]
    public double PseudoHuberBridge()
    {
        Tensor<double> loss;
        GradientTape tape;
        using (tape = new GradientTape())
        {
            loss = Tensor.Sum(Activations.PseudoHuber(_x));
        }

        return tape.Gradient(loss, _x)!.AsSpan()[0];
    }

    /// <summary>GELU from tape operations.</summary>
    [Benchmark]
    public double GeluTapeOps()
    {
        Tensor<double> loss;
        GradientTape tape;
        using (tape = new GradientTape())
        {
            Tensor<double> inner = 0.7978845608028654 * (_x + (0.044715 * _x * _x * _x));
            loss = Tensor.Sum(0.5 * _x * (1.0 + Tensor.Tanh(inner)));
        }

        return tape.Gradient(loss, _x)!.AsSpan()[0];
    }

    /// <summary>GELU through the generated bridge: one node.</summary>
    [Benchmark]
    public double GeluBridge()
    {
        Tensor<double> loss;
        GradientTape tape;
        using (tape = new GradientTape())
        {
            loss = Tensor.Sum(Activations.Gelu(_x));
        }

        return tape.Gradient(loss, _x)!.AsSpan()[0];
    }
}
