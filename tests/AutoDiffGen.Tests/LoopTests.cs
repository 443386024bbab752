using System;
using System.Linq;
using AutoDiffGen.Tests.Functions;
using AutoDiffGen.Tests.Infrastructure;

namespace AutoDiffGen.Tests;

/// <summary>Loops, arrays and spans against forward-mode (dual number) references and finite differences.</summary>
public class LoopTests
{
    [Fact]
    public void Dot_product_over_spans()
    {
        foreach (double[] p in Check.Points(1, 10, 8))
        {
            double[] a = p[..4], b = p[4..];
            var da = new double[4];
            var db = new double[4];
            LoopFunctions.DotGradient(a, b, da, db);
            Check.Close(b, da, 0);
            Check.Close(a, db, 0);
        }
    }

    [Fact]
    public void Foreach_over_an_array()
    {
        foreach (double[] p in Check.Points(2, 10, 5))
        {
            var da = new double[4];
            LoopFunctions.ForEachSumGradient(p[..4], p[4], da, out double dx);
            Check.Close(p[..4].Select(v => 2 * v * p[4]).ToArray(), da, Check.Exact);
            Check.Close(p[..4].Sum(v => v * v), dx, Check.Exact);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void While_and_do_while_with_integer_trip_counts(int n)
    {
        foreach (double[] p in Check.Points(3 + n, 10, 1, 0.2, 1.2))
        {
            LoopFunctions.WhileAndDoGradient(p[0], n, out double dx);
            Check.Close(Dual.Gradient(v => WhileAndDoReference(v[0], n), p)[0], dx, Check.Exact);
        }
    }

    private static Dual WhileAndDoReference(Dual x, int n)
    {
        Dual p = x;
        int k = 0;
        while (k < n)
        {
            p = (p * x) + 1;
            k++;
        }

        do
        {
            p = Dual.Sqrt((p * p) + 1);
            k--;
        }
        while (k > 0);
        return p;
    }

    [Fact]
    public void Break_and_continue()
    {
        foreach (double[] p in Check.Points(4, 40, 7, -1, 2))
        {
            double[] a = p[..6];
            double limit = 1 + p[6];
            var g = new double[7];
            double value = LoopFunctions.BreakContinueGradient(a, limit, g.AsSpan(0, 6), out g[6]);
            Check.Close(LoopFunctions.BreakContinue(a, limit), value, 0);
            double[] reference = Dual.Gradient(v => BreakContinueReference(v[..6], v[6] + 1), p);
            Check.Close(reference, g, Check.Exact);
        }
    }

    private static Dual BreakContinueReference(Dual[] a, Dual limit)
    {
        Dual s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] < 0)
            {
                continue;
            }

            s = s + (a[i] * a[i]);
            if (s > limit)
            {
                break;
            }

            s = s * 1.5;
        }

        return s * limit;
    }

    [Fact]
    public void Return_from_inside_nested_loops()
    {
        foreach (double[] p in Check.Points(5, 40, 5, 0.5, 3))
        {
            double[] a = p[..4];
            var g = new double[5];
            double value = LoopFunctions.ReturnInsideLoopGradient(a, p[4], g.AsSpan(0, 4), out g[4]);
            Check.Close(LoopFunctions.ReturnInsideLoop(a, p[4]), value, 0);
            Check.Close(Dual.Gradient(v => ReturnInsideLoopReference(v[..4], v[4]), p), g, Check.Exact);
        }
    }

    private static Dual ReturnInsideLoopReference(Dual[] a, Dual x)
    {
        Dual s = x;
        for (int i = 0; i < a.Length; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                s = (s * a[i]) + j;
                if (s > 100)
                {
                    return s * x;
                }
            }
        }

        return -s;
    }

    [Fact]
    public void Flattened_matrix_times_vector()
    {
        foreach (double[] p in Check.Points(6, 10, 9))
        {
            double[] m = p[..6], v = p[6..];
            var dm = new double[6];
            var dv = new double[3];
            LoopFunctions.MatrixVectorGradient(m, v, 2, dm, dv);
            double[] reference = Dual.Gradient(x => MatrixVectorReference(x[..6], x[6..], 2), p);
            Check.Close(reference[..6], dm, Check.Exact);
            Check.Close(reference[6..], dv, Check.Exact);
        }
    }

    private static Dual MatrixVectorReference(Dual[] m, Dual[] v, int rows)
    {
        Dual total = 0;
        for (int r = 0; r < rows; r++)
        {
            Dual row = 0;
            for (int c = 0; c < v.Length; c++)
            {
                row = row + (m[(r * v.Length) + c] * v[c]);
            }

            total = total + (row * row);
        }

        return total;
    }

    [Fact]
    public void Local_arrays_with_initializers_and_in_place_updates()
    {
        foreach (double[] p in Check.Points(7, 10, 5))
        {
            var g = new double[5];
            LoopFunctions.LocalArraysGradient(p, g);
            Check.Close(Dual.Gradient(LocalArraysReference, p), g, Check.Exact);
        }
    }

    private static Dual LocalArraysReference(Dual[] x)
    {
        int n = x.Length;
        var y = new Dual[n];
        Dual[] weights = [x[0], 2 * x[0], 3.0];
        for (int i = 0; i < n; i++)
        {
            y[i] = x[i] * weights[i % 3];
        }

        Dual s = 0;
        for (int i = 0; i < n; i++)
        {
            y[i] = y[i] * y[(i + 1) % n];
            s = s + y[i];
        }

        return s;
    }

    [Fact]
    public void Time_stepping_with_overwritten_state()
    {
        foreach (double[] p in Check.Points(8, 5, 3, 0.1, 1))
        {
            var g = new double[3];
            LoopFunctions.TimeSteppingGradient(p[0], p[1], p[2], 500, out g[0], out g[1], out g[2]);
            Check.Close(Dual.Gradient(v => TimeSteppingReference(v[0], v[1], v[2], 500), p), g, Check.Exact);
        }
    }

    private static Dual TimeSteppingReference(Dual x, Dual v, Dual k, int steps)
    {
        const double Dt = 0.01;
        for (int i = 0; i < steps; i++)
        {
            Dual a = -k * Dual.Sin(x);
            v = v + (a * Dt);
            x = x + (v * Dt);
        }

        return (x * x) + v;
    }

    [Fact]
    public void In_place_insertion_sort_swapping_through_temporaries()
    {
        foreach (double[] p in Check.Points(9, 20, 6))
        {
            var g = new double[6];
            double value = LoopFunctions.InPlaceSortGradient(p, g);
            double[] sorted = p.OrderBy(v => v).ToArray();
            Check.Close(sorted.Select((v, i) => (i + 1) * v).Sum(), value, 1e-12);
            // d/dp[j] = rank(p[j]) + 1
            double[] expected = p.Select(v => (double)(sorted.ToList().IndexOf(v) + 1)).ToArray();
            Check.Close(expected, g, 0);
        }
    }

    [Fact]
    public void Writes_into_an_array_parameter_differentiate_with_respect_to_the_entry_values()
    {
        foreach (double[] p in Check.Points(10, 10, 5))
        {
            double[] a = p[..4];
            double[] original = (double[])a.Clone();
            double[] primal = (double[])a.Clone();
            double expectedValue = LoopFunctions.WritesParameter(primal, p[4]);
            var g = new double[5];
            double value = LoopFunctions.WritesParameterGradient(a, p[4], g.AsSpan(0, 4), out g[4]);
            Assert.Equal(expectedValue, value);
            Assert.Equal(primal, a); // the caller sees the array as the original method leaves it
            double[] reference = Dual.Gradient(v => WritesParameterReference(v[..4], v[4]), [.. original, p[4]]);
            Check.Close(reference, g, Check.Exact);
        }
    }

    private static Dual WritesParameterReference(Dual[] a, Dual x)
    {
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (a[i] * x) + 1;
            a[i] = a[i] * a[i];
        }

        return a[0] + a[^1];
    }

    [Fact]
    public void Ref_locals_to_elements()
    {
        double[] a = [1, -2, 3];
        var g = new double[3];
        double value = LoopFunctions.RefLocalElementsGradient(a, g);
        Assert.Equal(14, value);
        Assert.Equal(new double[] { 2, -4, 6 }, g);
    }

    [Theory]
    [InlineData(-2.0)]
    [InlineData(-0.5)]
    [InlineData(0.7)]
    [InlineData(3.0)]
    public void Integer_powers_with_a_loop_counter(double x)
    {
        LoopFunctions.IntegerPowersGradient(x, 3, out double dx);
        double expected = 0;
        for (int i = -3; i <= 3; i++)
        {
            expected += i == 0 ? 0 : i * Math.Pow(x, i - 1);
        }

        Check.Close(expected, dx, Check.Exact);
    }

    [Fact]
    public void Integer_power_at_zero_base()
    {
        LoopFunctions.IntegerPowersGradient(0, 0, out double dx);
        Assert.Equal(0, dx);
    }

    [Fact]
    public void Convergence_loop_with_data_dependent_trip_count()
    {
        foreach (double a in new[] { 0.3, 0.6, 0.9 })
        {
            LoopFunctions.ConvergenceGradient(a, out double da);
            // Fixed point x = cos(a x): dx/da = -x sin(ax) / (1 + a sin(ax))
            double x = LoopFunctions.Convergence(a);
            Check.Close(-x * Math.Sin(a * x) / (1 + (a * Math.Sin(a * x))), da, 1e-9);
        }
    }

    [Fact]
    public void Helpers_that_write_arrays_and_ref_elements()
    {
        foreach (double[] p in Check.Points(11, 10, 4))
        {
            var g = new double[4];
            LoopFunctions.HelperWritesArrayGradient(p, g);
            Check.Close(Dual.Gradient(HelperWritesArrayReference, p), g, Check.Exact);
        }
    }

    private static Dual HelperWritesArrayReference(Dual[] x)
    {
        Dual norm = 0;
        foreach (Dual v in x)
        {
            norm = norm + (v * v);
        }

        norm = Dual.Sqrt(norm);
        Dual[] y = x.Select(v => v / norm).ToArray();
        (y[0], y[^1]) = (y[^1], y[0]);
        return (y[0] * 3) + y[1];
    }

    [Fact]
    public void Triangular_indexing_with_integer_division()
    {
        foreach (double[] p in Check.Points(12, 5, 6))
        {
            var g = new double[6];
            LoopFunctions.TriangularGradient(p, 3, g);
            double s = 0;
            for (int r = 0; r < 3; r++)
            {
                for (int c = 0; c <= r; c++)
                {
                    s += p[(r * (r + 1) / 2) + c] * (r - c + 1);
                }
            }

            var expected = new double[6];
            for (int r = 0; r < 3; r++)
            {
                for (int c = 0; c <= r; c++)
                {
                    expected[(r * (r + 1) / 2) + c] = 2 * s * (r - c + 1);
                }
            }

            Check.Close(expected, g, Check.Exact);
        }
    }

    [Fact]
    public void Span_slices_of_an_array()
    {
        double[] a = [1, 2, 3, 4];
        var g = new double[4];
        double value = LoopFunctions.SpanSlicesGradient(a, g);
        Assert.Equal(2 + 9 + 16, value);
        Assert.Equal(new double[] { 2, 1, 6, 8 }, g);
    }
}
