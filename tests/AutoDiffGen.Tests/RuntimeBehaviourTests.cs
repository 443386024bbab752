using System;
using System.Linq;
using System.Threading.Tasks;
using AutoDiffGen.Tests.Functions;
using AutoDiffGen.Tests.Infrastructure;

namespace AutoDiffGen.Tests;

/// <summary>Allocation, thread safety, long loops and argument checks of generated methods.</summary>
public class RuntimeBehaviourTests
{
    [Fact]
    public void Steady_state_calls_allocate_nothing_beyond_the_primal()
    {
        double[] x = Check.Points(1, 1, 64)[0];
        var g = new double[64];
        var h = new double[64];
        double[] values = Check.Points(2, 1, 6)[0];
        var sortGradient = new double[6];
        double[] data = [0.5, 1, -2, 3, 0.25, 4];
        double[] vector = x[..8];
        var dataGradient = new double[6];

        // Warm up: grows the per-thread storage and the pools.
        for (int i = 0; i < 10; i++)
        {
            Run();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            Run();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // InPlaceSort's primal allocates its own copy (new double[6] = 72 bytes per call); nothing else may.
        long primalAllocations = 100 * (24 + (6 * sizeof(double)));
        Assert.Equal(primalAllocations, allocated);

        // The adjoints themselves (MGradient in this test project also runs a check without speed-ups, on copies).
        void Run()
        {
            double d1 = 0, d2 = 0, d3 = 0;
            LoopFunctions.DotAdjoint(x, x, 1.0, g, h);
            LoopFunctions.MatrixVectorAdjoint(x, vector, 8, 1.0, g, h.AsSpan(0, 8));
            ControlFlowFunctions.EarlyReturnsAdjoint(0.5, 0.25, 1.0, ref d1, ref d2);
            LoopFunctions.TimeSteppingAdjoint(0.3, 0.1, 2, 100, 1.0, ref d1, ref d2, ref d3);
            LoopFunctions.InPlaceSortAdjoint(values, 1.0, sortGradient);
            LoopFunctions.WritesParameterAdjoint(data, 1.0001, 1.0, dataGradient.AsSpan(0, 6), ref d1);
        }
    }

    [Fact]
    public void Scalar_gradients_allocate_nothing()
    {
        for (int i = 0; i < 10; i++)
        {
            ScalarFunctions.CompoundAssignmentsGradient(0.3, 0.4, out _, out _);
            CallFunctions.RefAndOutGradient(0.3, 0.4, out _, out _);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            ScalarFunctions.CompoundAssignmentsGradient(0.3, 0.4, out _, out _);
            CallFunctions.RefAndOutGradient(0.3, 0.4, out _, out _);
            ControlFlowFunctions.NestedConditionalGradient(0.3, -0.4, out _, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Generated_methods_are_thread_safe()
    {
        double[][] inputs = Check.Points(3, 64, 7, 0.1, 2);
        double[][] expected = inputs.Select(p =>
        {
            var g = new double[7];
            LoopFunctions.BreakContinueGradient(p[..6], p[6], g.AsSpan(0, 6), out g[6]);
            return g;
        }).ToArray();

        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            double[] p = inputs[k % inputs.Length];
            var g = new double[7];
            LoopFunctions.BreakContinueGradient(p[..6], p[6], g.AsSpan(0, 6), out g[6]);
            Assert.Equal(expected[k % inputs.Length], g);
            LoopFunctions.TimeSteppingGradient(p[0], p[1], p[2], 50, out double dx, out _, out _);
            Assert.True(double.IsFinite(dx));
        });
    }

    [Fact]
    public void A_million_step_time_stepping_loop_works()
    {
        double value = LoopFunctions.TimeSteppingGradient(0.2, 0.1, 1.5, 1_000_000, out double dx, out double dv, out double dk);
        Assert.Equal(LoopFunctions.TimeStepping(0.2, 0.1, 1.5, 1_000_000), value);
        Assert.True(double.IsFinite(dx) && double.IsFinite(dv) && double.IsFinite(dk));

        // Against finite differences of the same discretization (a smooth function of its inputs).
        double h = 1e-6;
        double fd = (LoopFunctions.TimeStepping(0.2, 0.1, 1.5 + h, 1_000_000) - LoopFunctions.TimeStepping(0.2, 0.1, 1.5 - h, 1_000_000)) / (2 * h);
        Check.Close(fd, dk, 1e-4);
    }

    [Fact]
    public void Gradient_span_of_the_wrong_length_throws()
    {
        var exception = Assert.Throws<ArgumentException>(() => LoopFunctions.DotGradient(new double[3], new double[3], new double[2], new double[3]));
        Assert.Equal("dA", exception.ParamName);
        Assert.Contains("'a' (3)", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_is_released_when_the_primal_throws()
    {
        int before = AdjointStorage.Current.Count;
        Assert.Throws<IndexOutOfRangeException>(() => LoopFunctions.MatrixVectorGradient(new double[4], new double[2], 3, new double[4], new double[2]));
        Assert.Equal(before, AdjointStorage.Current.Count);
    }
}
