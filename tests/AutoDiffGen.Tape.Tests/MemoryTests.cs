using System;
using System.Linq;
using System.Runtime.CompilerServices;

namespace AutoDiffGen.Tape.Tests;

[CollectionDefinition(nameof(MemoryTests), DisableParallelization = true)]
public class MemoryTestsDefinition;

/// <summary>Runs alone (other tests allocating in parallel would disturb the heap measurements).</summary>
[Collection(nameof(MemoryTests))]
public class MemoryTests
{
    [Fact]
    public void A_non_persistent_tape_releases_its_records_after_gradient()
    {
        var x = new Variable<double>(new double[1000]);
        (GradientTape tape, Tensor<double> y, WeakReference weak) = Record(x);
        Assert.True(weak.IsAlive);
        tape.Gradient(y, x);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(weak.IsAlive);
        GC.KeepAlive(tape);
        GC.KeepAlive(y);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (GradientTape, Tensor<double>, WeakReference) Record(Variable<double> x)
    {
        var tape = new GradientTape();
        Tensor<double> big = x * 2.0; // an intermediate referenced only by recorded nodes
        Tensor<double> y = Tensor.Sum(big * big);
        tape.Dispose();
        return (tape, y, new WeakReference(big));
    }

    [Fact]
    public void A_hundred_thousand_step_training_loop_holds_steady_memory()
    {
        // Scalar linear regression y = 3x + 1 with SGD, 10^5 steps, one tape per step.
        float[] xs = Enumerable.Range(0, 10).Select(i => (i / 5f) - 1).ToArray();
        var w = new Variable<float>(-1f);
        var b = new Variable<float>(-1f);
        Variable<float>[] vars = [w, b];
        var sgd = new Sgd(0.01);

        void Step(int i)
        {
            float xv = xs[i % xs.Length];
            Tensor<float> loss;
            GradientTape tape;
            using (tape = new GradientTape())
            {
                loss = Tensor.Square((w * xv) + b - ((3 * xv) + 1));
            }

            sgd.ApplyGradients(tape.Gradient(loss, [w, b]).Zip(vars));
        }

        // Warm up (JIT tiering, first-use allocations), then measure the live heap after each quarter of 10^5 steps.
        for (int i = 0; i < 5_000; i++)
        {
            Step(i);
        }

        const int Quarter = 25_000;
        var live = new long[5];
        live[0] = GC.GetTotalMemory(forceFullCollection: true);
        for (int q = 1; q <= 4; q++)
        {
            for (int i = 0; i < Quarter; i++)
            {
                Step(i);
            }

            live[q] = GC.GetTotalMemory(forceFullCollection: true);
        }

        // Leaking one small object (24 bytes) per step would add 2.4 MB in total and 1.2 MB in the second half. The test
        // host itself retains a few hundred KB once during the first quarters (a standalone run stays within 15 KB).
        string trace = string.Join(", ", live.Select(m => m - live[0]));
        Assert.True(live[4] - live[0] < 1024 * 1024, $"live heap growth after each quarter: {trace}");
        Assert.True(live[4] - live[2] < 64 * 1024, $"live heap growth after each quarter: {trace}");
        Assert.Equal(3f, w.ToScalar(), 1e-3f);
        Assert.Equal(1f, b.ToScalar(), 1e-3f);
    }
}
