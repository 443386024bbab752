using System;
using BenchmarkDotNet.Attributes;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace AutoDiffGen.Benchmarks.Bridge;

/// <summary>
/// Why the bridge's cost per element is what it is: a scalar Math call against TensorPrimitives' SIMD kernel, and the
/// generated scalar method and gradient the bridge runs per element, over 4096 values.
/// </summary>
[SimpleJob(warmupCount: 3, iterationCount: 8)]
public class ElementCostBenchmarks
{
    private readonly double[] _x = new double[4096];
    private readonly double[] _y = new double[4096];
    private readonly double[] _g = new double[4096];

    /// <summary>Values in [-3, 3], seeded.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        for (int i = 0; i < _x.Length; i++)
        {
            _x[i] = (random.NextDouble() * 6) - 3;
        }
    }

    /// <summary>Math.Exp per element.</summary>
    [Benchmark]
    public void MathExp()
    {
        for (int i = 0; i < _x.Length; i++)
        {
            _y[i] = Math.Exp(_x[i]);
        }
    }

    /// <summary>TensorPrimitives.Exp over the span.</summary>
    [Benchmark]
    public void SimdExp() => TP.Exp(_x, _y);

    /// <summary>Math.Tanh per element.</summary>
    [Benchmark]
    public void MathTanh()
    {
        for (int i = 0; i < _x.Length; i++)
        {
            _y[i] = Math.Tanh(_x[i]);
        }
    }

    /// <summary>TensorPrimitives.Tanh over the span.</summary>
    [Benchmark]
    public void SimdTanh() => TP.Tanh(_x, _y);

    /// <summary>The GELU method per element.</summary>
    [Benchmark]
    public void Gelu()
    {
        for (int i = 0; i < _x.Length; i++)
        {
            _y[i] = Activations.Gelu(_x[i]);
        }
    }

    /// <summary>The generated GeluGradient per element (what the bridge runs while a tape records).</summary>
    [Benchmark]
    public void GeluGradient()
    {
        for (int i = 0; i < _x.Length; i++)
        {
            _y[i] = Activations.GeluGradient(_x[i], out _g[i]);
        }
    }
}
