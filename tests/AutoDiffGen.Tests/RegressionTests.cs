using System;
using AutoDiffGen.Tests.Functions;
using AutoDiffGen.Tests.Infrastructure;

namespace AutoDiffGen.Tests;

/// <summary>
/// Named regression tests for gradients that were once silently wrong (see RegressionFunctions), against dual-number
/// references written independently here, at seeded points and at the points where the errors were first seen.
/// This project's MGradient also checks every speed-up against the plain form on each call.
/// </summary>
public class RegressionTests
{
    private static readonly double[][] Points = Check.Points(seed: 8, count: 60, dimension: 3, low: 0.3, high: 2.5);

    private static void Agrees(Func<Dual[], Dual> reference, double[] point, double value, params double[] gradient)
    {
        Check.Close(reference(Array.ConvertAll(point, v => new Dual(v, 0))).Value, value, 1e-13, "value");
        Check.Close(Dual.Gradient(reference, point), gradient, Check.Exact);
    }

    [Fact]
    public void Kept_quotient_reassigned_later_wrap()
    {
        double value = RegressionFunctions.WrapGradient(7.3, 1.7, out double dT, out double dPeriod);
        Check.Close(4.34331, dPeriod, 1e-5, "dPeriod at the reported point");
        Agrees(v => Wrap(v[0], v[1]), [7.3, 1.7], value, dT, dPeriod);
        foreach (double[] p in Points)
        {
            value = RegressionFunctions.WrapGradient(p[0] * 3, p[1], out dT, out dPeriod);
            Agrees(v => Wrap(v[0], v[1]), [p[0] * 3, p[1]], value, dT, dPeriod);
        }

        static Dual Wrap(Dual t, Dual period)
        {
            Dual m = t / period;
            m -= Dual.Floor(m);
            return Dual.Sin(2.0 * Math.PI * m);
        }
    }

    [Fact]
    public void Kept_results_reassigned_later()
    {
        foreach (double[] p in Points)
        {
            double value = RegressionFunctions.QuotientThenShiftGradient(p[0], p[1], out double d0, out double d1);
            Agrees(v => { Dual m = v[0] / v[1]; m -= 0.5; return m * m * v[1]; }, [p[0], p[1]], value, d0, d1);
            value = RegressionFunctions.ExpThenShiftGradient(p[0], p[1], out d0, out d1);
            Agrees(v => (Dual.Exp(v[0] * v[1]) - 0.5) * v[0], [p[0], p[1]], value, d0, d1);
            value = RegressionFunctions.SqrtThenShiftGradient(p[0], p[1], out d0, out d1);
            Agrees(v => { Dual m = Dual.Sqrt(v[0] * v[1]) + 1; return m * m * m; }, [p[0], p[1]], value, d0, d1);
            value = RegressionFunctions.TanhThenScaleGradient(p[0], p[1], out d0, out d1);
            Agrees(v => Dual.Tanh(v[0] * v[1]) * 2 * v[1], [p[0], p[1]], value, d0, d1);
        }
    }

    [Fact]
    public void Epsilon_after_a_square_root()
    {
        // Off by only 1e-4 relative when it was wrong: the worst kind.
        foreach (double[] p in Points)
        {
            double value = RegressionFunctions.NormWithEpsilonGradient(p[0] - 1, p[1], out double dA, out double dP);
            Agrees(v => v[0] / (Dual.Sqrt((v[0] * v[0]) + (v[1] * v[1])) + 1e-3), [p[0] - 1, p[1]], value, dA, dP);
        }
    }

    [Fact]
    public void Kept_result_of_an_element_reassigned_later()
    {
        foreach (double[] p in Points)
        {
            for (int c = 0; c < 3; c++)
            {
                double[] w = [p[0], p[1], p[2]];
                var dW = new double[3];
                double value = RegressionFunctions.ElementSqrtThenShiftGradient(w, p[2] - 1, c, dW, out double dZ);
                double[] full = Dual.Gradient(v => Reference(v, c), [p[0], p[1], p[2], p[2] - 1]);
                Check.Close(Reference(Array.ConvertAll([p[0], p[1], p[2], p[2] - 1], x => new Dual(x, 0)), c).Value, value, 1e-13);
                Check.Close(full.AsSpan(0, 3), dW, Check.Exact);
                Check.Close(full[3], dZ, Check.Exact);
                Check.Close(Math.Sqrt(((p[2] - 1) * (p[2] - 1)) + 1) + 0.5, w[c], 1e-15, "w[c] after the call");
            }
        }

        static Dual Reference(Dual[] v, int c)
        {
            Dual[] w = [v[0], v[1], v[2]];
            Dual z = v[3];
            w[c] = Dual.Sqrt((z * z) + 1);
            w[c] += 0.5;
            return (w[c] * w[c] * z) + w[0];
        }
    }

    [Fact]
    public void Kept_results_in_loops()
    {
        foreach (double[] p in Points)
        {
            double value = RegressionFunctions.QuotientInLoopGradient(p[0], p[1] + 0.5, 5, out double dX, out double dP);
            Agrees(v => { Dual x = v[0]; for (int i = 0; i < 5; i++) { x = x / v[1]; x -= 0.1; } return x; }, [p[0], p[1] + 0.5], value, dX, dP);

            double[] w = [p[0] - 1, p[1] - 1, p[2] - 1];
            var dW = new double[3];
            value = RegressionFunctions.ElementExpInLoopGradient(w, 0.7, dW, out double dQ);
            double[] reference = Dual.Gradient(ElementExp, [p[0] - 1, p[1] - 1, p[2] - 1, 0.7]);
            Check.Close(ElementExp([p[0] - 1, p[1] - 1, p[2] - 1, 0.7]).Value, value, 1e-13);
            Check.Close(reference.AsSpan(0, 3), dW, Check.Exact);
            Check.Close(reference[3], dQ, Check.Exact);
        }

        static Dual ElementExp(Dual[] v)
        {
            Dual total = 0;
            for (int i = 0; i < 3; i++)
            {
                Dual e = Dual.Exp(v[i] * v[3]) - 1;
                total += e * e;
            }

            return total;
        }
    }

    [Fact]
    public void Compound_assignment_reading_its_target()
    {
        RegressionFunctions.SelfQuotientGradient(0.73, 1.7, out _, out double dP);
        Check.Close(19.09525, dP, 1e-6, "dP at the reported point");
        foreach (double[] p in Points)
        {
            double value = RegressionFunctions.SelfQuotientGradient(p[0], p[1], out double dA, out dP);
            Agrees(v => { Dual x = v[1]; x += x / v[0]; return x * x; }, [p[0], p[1]], value, dA, dP);
        }
    }

    [Fact]
    public void Euler_steps_of_a_logistic_population()
    {
        double[][] points = [[0.7, 450, 12], .. Array.ConvertAll(Points, p => new[] { p[0], 100 * p[1], 10 * p[2] })];
        foreach (double[] p in points)
        {
            double value = RegressionFunctions.LogisticEulerGradient(p[0], p[1], p[2], out double dR, out double dK, out double dN0);
            Agrees(
                v =>
                {
                    Dual n = v[2];
                    for (int s = 0; s < 10; s++)
                    {
                        n += 0.05 * v[0] * n * (1.0 - (n / v[1]));
                    }

                    return n;
                },
                p,
                value,
                dR,
                dK,
                dN0);
        }
    }

    [Fact]
    public void Compound_assignment_to_an_element_reading_elements()
    {
        foreach (double[] p in Points)
        {
            double[] a = [p[0], p[1]];
            var dA = new double[2];
            double value = RegressionFunctions.SelfProductElementGradient(a, p[2], dA, out double dX);
            double[] reference = Dual.Gradient(Reference, [p[0], p[1], p[2]]);
            Check.Close(Reference([p[0], p[1], p[2]]).Value, value, 1e-13);
            Check.Close(reference.AsSpan(0, 2), dA, Check.Exact);
            Check.Close(reference[2], dX, Check.Exact);
        }

        static Dual Reference(Dual[] v)
        {
            Dual a0 = v[0], a1 = v[1];
            a1 -= a1 * v[2];
            a0 += a1 * a0;
            return a0 + a1;
        }
    }

    [Fact]
    public void Helper_that_sums_then_updates_its_array_in_place()
    {
        for (int n = 1; n <= 4; n++)
        {
            double[] arr = [1, 2, 3, 4];
            var dArr = new double[4];
            double value = RegressionFunctions.CallsMutatingArrayGradient(arr, n, dArr);

            // SumAndScaleFirst returns S = arr0 + ... + arr(n-1) and makes arr0 = 11 arr0; the loop doubles each element
            // and adds it: value = S + 22 arr0 + 2 (S - arr0); d/darr0 = 1 + 22 = 23; d/darr_i = 1 + 2 = 3 for 0 < i < n.
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                s += i + 1;
            }

            Check.Close(s + 22 + (2 * (s - 1)), value, 1e-13);
            Check.Close(23, dArr[0], 1e-13, "d/darr[0]");
            for (int i = 1; i < 4; i++)
            {
                Check.Close(i < n ? 3 : 0, dArr[i], 1e-13, $"d/darr[{i}]");
            }
        }
    }

    [Fact]
    public void New_arrays_and_copies_passed_to_a_helper()
    {
        foreach (double[] p in Points)
        {
            (double x, double y) = (p[0], p[1]);
            double value = RegressionFunctions.ArrayCreatedInCallGradient(x, y, out double dX, out double dY);
            Check.Close((x * x) + (2 * y) + (3 * x * y), value, 1e-14);
            Check.Close((2 * x) + (3 * y), dX, Check.Exact);
            Check.Close(2 + (3 * x), dY, Check.Exact);

            double[] a = [p[0], p[1], p[2]];
            var dA = new double[3];
            value = RegressionFunctions.CopyPassedToHelperGradient(a, p[2], dA, out dX);
            double z = p[2];
            Check.Close(((a[0] + (2 * a[1]) + (3 * a[2])) * z) + a[1] + (2 * a[2]), value, 1e-14);
            Check.Close(new[] { z, (2 * z) + 1, (3 * z) + 2 }, dA, Check.Exact);
            Check.Close(a[0] + (2 * a[1]) + (3 * a[2]), dX, Check.Exact);
        }
    }

    [Fact]
    public void Named_and_optional_arguments_reach_the_right_parameters()
    {
        foreach (double[] p in Points)
        {
            (double x, double y) = (p[0], p[1]);
            double value = RegressionFunctions.NamedArgumentsGradient(x, y, out double dX, out double dY);
            Check.Close(y * y * x, value, 1e-15);
            Check.Close(y * y, dX, Check.Exact);
            Check.Close(2 * y * x, dY, Check.Exact);

            value = RegressionFunctions.OptionalAndNamedGradient(x, y, out dX, out dY);
            Check.Close((y * 3.0) + (x * x * y), value, 1e-15);
            Check.Close(2 * x * y, dX, Check.Exact);
            Check.Close(3.0 + (x * x), dY, Check.Exact);

            value = RegressionFunctions.NamedMathArgumentsGradient(x, y, out dX, out dY);
            Check.Close(Math.Pow(x, 3.0) + Math.Atan2(y, x), value, 1e-15);
            Check.Close((3 * x * x) - (y / ((x * x) + (y * y))), dX, Check.Exact);
            Check.Close(x / ((x * x) + (y * y)), dY, Check.Exact);
        }
    }

    [Fact]
    public void An_array_the_method_writes_passed_again_for_another_parameter_is_refused()
    {
        double[] w = [1, 2, 3];
        var exception = Assert.Throws<ArgumentException>(() => RegressionFunctions.ScaleIntoGradient(w, w, 2.0, new double[3], new double[3], out _));
        Assert.Contains("'target', which the method writes, shares memory with 'source'", exception.Message, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], w);

        // Separate arrays are fine: s = sum x source^2.
        double[] source = [1, 2, 3];
        var dTarget = new double[3];
        var dSource = new double[3];
        double value = RegressionFunctions.ScaleIntoGradient(new double[3], source, 2.0, dTarget, dSource, out double dX);
        Check.Close(28, value, 1e-15);
        Check.Close(new[] { 4.0, 8, 12 }, dSource, Check.Exact);
        Check.Close(new[] { 0.0, 0, 0 }, dTarget, Check.Exact);
        Check.Close(14, dX, Check.Exact);
    }

    [Fact]
    public void A_gradient_buffer_that_is_also_an_input_is_refused()
    {
        double[] w = [1, 2, 3];
        var exception = Assert.Throws<ArgumentException>(() => LoopFunctions.WritesParameterGradient(w, 2.0, w, out _));
        Assert.Contains("shares memory with 'a'", exception.Message, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], w);

        double[] dW = new double[4];
        exception = Assert.Throws<ArgumentException>(() => LoopFunctions.DotGradient(w, w, dW.AsSpan(0, 3), dW.AsSpan(1, 3)));
        Assert.Contains("'dB' shares memory with 'dA'", exception.Message, StringComparison.Ordinal);

        double dX = 0;
        exception = Assert.Throws<ArgumentException>(() => LoopFunctions.WritesParameterAdjoint(w, 2.0, 1.0, w.AsSpan(), ref dX));
        Assert.Contains("shares memory", exception.Message, StringComparison.Ordinal);
    }
}
