using BenchmarkDotNet.Attributes;

namespace AutoDiffGen.Benchmarks.Tape;

/// <summary>
/// Per-operation cost of the tape: a chain of <see cref="ChainLength"/> scalar operations (Multiply, Add with a variable,
/// Tanh, Multiply by a constant, in turn), recorded and differentiated. Reported per operation
/// (<c>OperationsPerInvoke</c>). <see cref="ForwardOnly"/> runs the same chain with no tape (the value computation
/// alone). Target: record + backward at most 200 ns per op (PyTorch 1.13's autograd: about 5 us per op).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 8)]
public class TapeOverheadBenchmarks
{
    private const int ChainLength = 1000;

    private Variable<double> _x = null!;
    private Tensor<double> _c = null!;
    private Variable<float> _xf = null!;
    private Tensor<float> _cf = null!;

    [GlobalSetup]
    public void Setup()
    {
        _x = new Variable<double>(0.3);
        _c = new Tensor<double>(0.9);
        _xf = new Variable<float>(0.3f);
        _cf = new Tensor<float>(0.9f);
    }

    /// <summary>The chain's values without any tape.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = ChainLength)]
    public double ForwardOnly() => Chain(_x, _c).ToScalar();

    /// <summary>Record the chain on a tape and compute d(result)/dx.</summary>
    [Benchmark(OperationsPerInvoke = ChainLength)]
    public double RecordAndBackward()
    {
        Tensor<double> y;
        GradientTape tape;
        using (tape = new GradientTape())
        {
            y = Chain(_x, _c);
        }

        return tape.Gradient(y, _x)!.ToScalar();
    }

    /// <summary>The same in float.</summary>
    [Benchmark(OperationsPerInvoke = ChainLength)]
    public float RecordAndBackwardFloat()
    {
        Tensor<float> y;
        GradientTape tape;
        using (tape = new GradientTape())
        {
            y = Chain(_xf, _cf);
        }

        return tape.Gradient(y, _xf)!.ToScalar();
    }

    /// <summary>Record on a persistent tape and differentiate twice through a nested tape (recorded backward pass).</summary>
    [Benchmark(OperationsPerInvoke = ChainLength)]
    public double SecondOrder()
    {
        Tensor<double>? dy;
        GradientTape outer;
        using (outer = new GradientTape())
        {
            using var inner = new GradientTape();
            dy = inner.Gradient(Chain(_x, _c), _x);
        }

        return outer.Gradient(dy!, _x)!.ToScalar();
    }

    private static Tensor<T> Chain<T>(Variable<T> x, Tensor<T> c)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        Tensor<T> y = x;
        T half = T.CreateTruncating(0.5);
        for (int i = 0; i < ChainLength; i += 4)
        {
            y = y * c;
            y = y + x;
            y = Tensor.Tanh(y);
            y = y * half;
        }

        return y;
    }
}
