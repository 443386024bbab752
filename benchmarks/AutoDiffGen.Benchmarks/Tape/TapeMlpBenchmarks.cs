using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace AutoDiffGen.Benchmarks.Tape;

/// <summary>
/// One SGD training step of a 784-128-10 MLP (tanh hidden layer, softmax cross-entropy, mean over a batch of 64,
/// float): the GradientTape version against a hand-written backward pass with the same math on preallocated raw
/// arrays and the same kernels (<see cref="TensorKernels.MatMul{T}"/>, TensorPrimitives).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 8)]
public class TapeMlpBenchmarks
{
    private const int Batch = 64;
    private const int Inputs = 784;
    private const int Hidden = 128;
    private const int Outputs = 10;
    private const float LearningRate = 0.01f;

    // Shared data.
    private float[] _x = null!;
    private float[] _y = null!;

    // Tape version.
    private Tensor<float> _xt = null!;
    private Tensor<float> _yt = null!;
    private Variable<float> _w1 = null!, _b1 = null!, _w2 = null!, _b2 = null!;
    private Variable<float>[] _variables = null!;
    private Sgd _sgd = null!;

    // Hand-written version: parameters and every intermediate preallocated.
    private float[] _hw1 = null!, _hb1 = null!, _hw2 = null!, _hb2 = null!;
    private float[] _h = null!, _z2 = null!, _dz2 = null!, _dh = null!, _dw1 = null!, _db1 = null!, _dw2 = null!, _db2 = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _x = Enumerable.Range(0, Batch * Inputs).Select(_ => (float)rng.NextDouble()).ToArray();
        _y = new float[Batch * Outputs];
        for (int s = 0; s < Batch; s++)
        {
            _y[(s * Outputs) + rng.Next(Outputs)] = 1f;
        }

        float[] w1 = Glorot(rng, Inputs, Hidden), w2 = Glorot(rng, Hidden, Outputs);
        _xt = new Tensor<float>(_x, Batch, Inputs);
        _yt = new Tensor<float>(_y, Batch, Outputs);
        _w1 = new Variable<float>(w1, Inputs, Hidden);
        _b1 = new Variable<float>(new float[Hidden]);
        _w2 = new Variable<float>(w2, Hidden, Outputs);
        _b2 = new Variable<float>(new float[Outputs]);
        _variables = [_w1, _b1, _w2, _b2];
        _sgd = new Sgd(LearningRate);

        _hw1 = (float[])w1.Clone();
        _hb1 = new float[Hidden];
        _hw2 = (float[])w2.Clone();
        _hb2 = new float[Outputs];
        _h = new float[Batch * Hidden];
        _z2 = new float[Batch * Outputs];
        _dz2 = new float[Batch * Outputs];
        _dh = new float[Batch * Hidden];
        _dw1 = new float[Inputs * Hidden];
        _db1 = new float[Hidden];
        _dw2 = new float[Hidden * Outputs];
        _db2 = new float[Outputs];
    }

    private static float[] Glorot(Random rng, int fanIn, int fanOut)
    {
        double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        return Enumerable.Range(0, fanIn * fanOut).Select(_ => (float)(((2 * rng.NextDouble()) - 1) * limit)).ToArray();
    }

    /// <summary>Hand-written forward and backward pass, then the SGD update, with no allocation.</summary>
    [Benchmark(Baseline = true)]
    public float HandWritten()
    {
        // Forward: h = tanh(x W1 + b1), z2 = h W2 + b2.
        TensorKernels.MatMul<float>(_x, _hw1, _h, Batch, Inputs, Hidden);
        for (int s = 0; s < Batch; s++)
        {
            Span<float> row = _h.AsSpan(s * Hidden, Hidden);
            TP.Add(row, _hb1, row);
            TP.Tanh(row, row);
        }

        TensorKernels.MatMul<float>(_h, _hw2, _z2, Batch, Hidden, Outputs);

        // Softmax cross-entropy, mean over the batch; dz2 = (softmax - y) / batch.
        float loss = 0;
        for (int s = 0; s < Batch; s++)
        {
            Span<float> z = _z2.AsSpan(s * Outputs, Outputs);
            Span<float> d = _dz2.AsSpan(s * Outputs, Outputs);
            ReadOnlySpan<float> y = _y.AsSpan(s * Outputs, Outputs);
            TP.Add(z, _hb2, z);
            float max = TP.Max(z);
            TP.Subtract(z, max, d);
            TP.Exp(d, d);
            float sum = TP.Sum(d);
            loss += (MathF.Log(sum) * TP.Sum(y)) - TP.Dot(y, z) + (max * TP.Sum(y));
            TP.Divide(d, sum, d);
            TP.Subtract(d, y, d);
            TP.Divide(d, Batch, d);
        }

        loss /= Batch;

        // Backward: dW2 = hᵀ dz2, db2 = column sums, dh = dz2 W2ᵀ, dz1 = dh (1 - h²), dW1 = xᵀ dz1, db1 = column sums.
        TensorKernels.MatMul<float>(_h, _dz2, _dw2, Hidden, Batch, Outputs, transposeA: true);
        ColumnSums(_dz2, Outputs, _db2);
        TensorKernels.MatMul<float>(_dz2, _hw2, _dh, Batch, Outputs, Hidden, transposeB: true);
        TP.Multiply(_h, _h, _h);
        TP.Subtract(1f, _h, _h);
        TP.Multiply(_dh, _h, _dh);
        TensorKernels.MatMul<float>(_x, _dh, _dw1, Inputs, Batch, Hidden, transposeA: true);
        ColumnSums(_dh, Hidden, _db1);

        // SGD.
        TP.MultiplyAdd(_dw1, -LearningRate, _hw1, _hw1);
        TP.MultiplyAdd(_db1, -LearningRate, _hb1, _hb1);
        TP.MultiplyAdd(_dw2, -LearningRate, _hw2, _hw2);
        TP.MultiplyAdd(_db2, -LearningRate, _hb2, _hb2);
        return loss;
    }

    /// <summary>The same step with GradientTape and <see cref="Sgd"/>.</summary>
    [Benchmark]
    public float Tape()
    {
        Tensor<float> loss;
        GradientTape tape;
        using (tape = new GradientTape())
        {
            Tensor<float> h = Tensor.Tanh(Tensor.MatMul(_xt, _w1) + _b1);
            Tensor<float> logits = Tensor.MatMul(h, _w2) + _b2;
            loss = Tensor.Mean(Tensor.SoftmaxCrossEntropyWithLogits(_yt, logits));
        }

        Tensor<float>?[] grads = tape.Gradient(loss, [_w1, _b1, _w2, _b2]);
        _sgd.ApplyGradients(grads.Zip(_variables));
        return loss.ToScalar();
    }

    private static void ColumnSums(ReadOnlySpan<float> m, int columns, Span<float> destination)
    {
        destination.Clear();
        for (int r = 0; r < Batch; r++)
        {
            TP.Add(destination, m.Slice(r * columns, columns), destination);
        }
    }
}
