using System;
using System.Linq;
using AutoDiffGen.Tests.Functions;
using AutoDiffGen.Tests.Infrastructure;

namespace AutoDiffGen.Tests;

/// <summary>
/// Reduction loops whose reverse runs inside the forward sweep, and the near misses that must keep the ordinary
/// reverse loop: gradients against forward-mode (dual number) references at seeded points.
/// </summary>
public class FusionTests
{
    [Fact]
    public void Sum_of_squares()
    {
        foreach (double[] p in Check.Points(101, 20, 7))
        {
            double[] x = p[..6];
            var dx = new double[6];
            double value = FusionFunctions.SumOfSquaresGradient(x, p[6], dx, out double dw);
            Check.Close(FusionFunctions.SumOfSquares(x, p[6]), value, 0);
            double[] reference = Dual.Gradient(v => SumOfSquares(v[..6], v[6]), p);
            Check.Close(reference[..6], dx, Check.Exact);
            Check.Close(reference[6], dw, Check.Exact);
        }
    }

    private static Dual SumOfSquares(Dual[] x, Dual w)
    {
        Dual sum = 0;
        foreach (Dual v in x)
        {
            Dual t = w * v;
            sum += t * t;
        }

        return sum;
    }

    [Fact]
    public void Mean_logistic_loss_divides_by_a_count_known_before_the_loop()
    {
        foreach (double[] p in Check.Points(102, 20, 7))
        {
            double[] x = p[..5];
            double[] y = x.Select((v, i) => i % 2 == 0 ? 1.0 : 0.0).ToArray();
            var dx = new double[5];
            FusionFunctions.MeanLogisticLossGradient(x, y, p[5], p[6], dx, out double dw, out double db);
            double[] reference = Dual.Gradient(v => MeanLogisticLoss(v[..5], y, v[5], v[6]), p);
            Check.Close(reference, [.. dx, dw, db], Check.Exact);
        }
    }

    private static Dual MeanLogisticLoss(Dual[] x, double[] y, Dual w, Dual b)
    {
        Dual total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            Dual p = 1 / (1 + Dual.Exp(-((w * x[i]) + b)));
            total -= (y[i] * Dual.Log(p)) + ((1 - y[i]) * Dual.Log(1 - p));
        }

        return total / x.Length;
    }

    [Fact]
    public void An_accumulator_used_nonlinearly_afterwards()
    {
        foreach (double[] p in Check.Points(103, 20, 5))
        {
            var dx = new double[5];
            FusionFunctions.SquaredSumGradient(p, dx);
            double[] reference = Dual.Gradient(v =>
            {
                Dual s = 0;
                foreach (Dual e in v)
                {
                    s += Dual.Sin(e);
                }

                return s * s;
            }, p);
            Check.Close(reference, dx, Check.Exact);
        }
    }

    [Fact]
    public void Variance_from_two_loops()
    {
        foreach (double[] p in Check.Points(104, 20, 6))
        {
            var dx = new double[6];
            double value = FusionFunctions.VarianceGradient(p, dx);
            double mean = p.Average();
            Check.Close(p.Sum(v => (v - mean) * (v - mean)) / 6, value, 1e-14);

            // d/dx_i of (1/n) sum (x - mean)^2 is 2 (x_i - mean) / n.
            Check.Close(p.Select(v => 2 * (v - mean) / 6).ToArray(), dx, Check.Exact);
        }
    }

    [Fact]
    public void An_accumulator_read_before_the_loop()
    {
        foreach (double[] p in Check.Points(105, 20, 5))
        {
            double[] x = p[..4];
            var dx = new double[4];
            FusionFunctions.AccumulatorReadBeforeGradient(x, p[4], dx, out double da);
            double[] reference = Dual.Gradient(v =>
            {
                Dual a = v[4];
                Dual s = a * a;
                Dual t = s * 3;
                for (int i = 0; i < 4; i++)
                {
                    s += v[i] * a;
                }

                return s + t;
            }, p);
            Check.Close(reference, [.. dx, da], Check.Exact);
        }
    }

    [Fact]
    public void Iterations_that_overwrite_branch_and_loop()
    {
        foreach (double[] p in Check.Points(106, 40, 6, -1.5, 1.5))
        {
            double[] x = p[..5];
            var dx = new double[5];
            double value = FusionFunctions.BusyIterationsGradient(x, p[5], dx, out double dc);
            Check.Close(FusionFunctions.BusyIterations(x, p[5]), value, 0);
            double[] reference = Dual.Gradient(v => BusyIterations(v[..5], v[5]), p);
            Check.Close(reference, [.. dx, dc], Check.Exact);
        }
    }

    private static Dual BusyIterations(Dual[] x, Dual c)
    {
        Dual total = 0;
        foreach (Dual v in x)
        {
            Dual t = v * c;
            t = Dual.Sin(t) * t;
            if (t > 0)
            {
                t = t * t;
            }

            for (int k = 0; k < 3; k++)
            {
                t = Dual.Cos(t) + c;
            }

            total += t;
            total -= 0.5 * v;
        }

        return (2 * total) + c;
    }

    [Fact]
    public void A_helper_called_in_a_foreach()
    {
        foreach (double[] p in Check.Points(107, 20, 5))
        {
            double[] x = p[..4];
            var dx = new double[4];
            FusionFunctions.SoftplusSumGradient(x, p[4], dx, out double dw);
            double[] reference = Dual.Gradient(v => v[..4].Aggregate((Dual)0, (s, e) => s + Dual.Log(1 + Dual.Exp(v[4] * e))), p);
            Check.Close(reference, [.. dx, dw], Check.Exact);
        }
    }

    [Fact]
    public void Two_accumulators_in_branches()
    {
        foreach (double[] p in Check.Points(108, 20, 6))
        {
            double[] x = p[..5];
            var dx = new double[5];
            FusionFunctions.TwoAccumulatorsGradient(x, p[5], dx, out double dw);
            double[] reference = Dual.Gradient(v =>
            {
                Dual even = 0, odd = 0;
                for (int i = 0; i < 5; i++)
                {
                    if (i % 2 == 0)
                    {
                        even += Dual.Exp(v[5] * v[i]);
                    }
                    else
                    {
                        odd += v[i] * v[i] * v[5];
                    }
                }

                return even - (3 * odd);
            }, p);
            Check.Close(reference, [.. dx, dw], Check.Exact);
        }
    }

    [Fact]
    public void Float_sum_of_cubes()
    {
        foreach (double[] p in Check.Points(109, 20, 5))
        {
            float[] x = p[..4].Select(v => (float)v).ToArray();
            float w = (float)p[4];
            var dx = new float[4];
            FusionFunctions.SumOfCubesGradient(x, w, dx, out float dw);
            Check.Close(x.Select(v => 3.0 * v * v * w).ToArray(), dx.Select(v => (double)v).ToArray(), Check.ExactSingle);
            Check.Close(x.Sum(v => (double)v * v * v), dw, Check.ExactSingle);
        }
    }

    [Fact]
    public void Fused_loops_allocate_nothing_and_agree_across_threads()
    {
        double[] x = Check.Points(110, 1, 200)[0];
        var dx = new double[200];
        // The adjoint itself (MGradient in this test project also runs a check without speed-ups, on copies).
        double dk = 0;
        FusionFunctions.BusyIterationsAdjoint(x, 0.3, 1.0, dx, ref dk);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 100; k++)
        {
            FusionFunctions.BusyIterationsAdjoint(x, 0.3, 1.0, dx, ref dk);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        FusionFunctions.BusyIterationsGradient(x, 0.3, dx, out _);
        double[] expected = (double[])dx.Clone();
        System.Threading.Tasks.Parallel.For(0, 64, call =>
        {
            var local = new double[200];
            FusionFunctions.BusyIterationsGradient(x, 0.3, local, out _);
            Assert.Equal(expected, local);
        });
    }
}
