using System;
using AutoDiffGen.Tests.Functions;
using AutoDiffGen.Tests.Infrastructure;

namespace AutoDiffGen.Tests;

/// <summary>Throw expressions and integer side effects in conditions and indices, against analytic derivatives.</summary>
public class SideEffectTests
{
    private static readonly double[][] Points = Check.Points(seed: 77, count: 30, dimension: 3, low: 0.2, high: 1.6);

    [Fact]
    public void Switch_expression_with_a_throwing_last_arm()
    {
        foreach (double[] p in Points)
        {
            double x = p[0];
            Check.Close(x * x, SideEffectFunctions.ByShapeGradient(x, CurveShape.Square, out double dX), 1e-15);
            Check.Close(2 * x, dX, Check.Exact);
            SideEffectFunctions.ByShapeGradient(x, CurveShape.Cube, out dX);
            Check.Close(3 * x * x, dX, Check.Exact);
            SideEffectFunctions.ByShapeGradient(x, CurveShape.Sine, out dX);
            Check.Close(Math.Cos(x), dX, Check.Exact);
            SideEffectFunctions.ByCodeGradient(x, 1, out dX);
            Check.Close(Math.Exp(x), dX, Check.Exact);
        }

        var thrown = Assert.Throws<ArgumentOutOfRangeException>(() => SideEffectFunctions.ByShapeGradient(1, (CurveShape)7, out _));
        Assert.Equal("shape", thrown.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => SideEffectFunctions.ByCodeGradient(1, 2, out _));
    }

    [Fact]
    public void Conditional_with_a_throw_expression()
    {
        foreach (double[] p in Points)
        {
            (double x, double y) = (p[0], p[1]);
            Check.Close(Math.Log(x), SideEffectFunctions.SafeLogGradient(x, out double dX), 1e-15);
            Check.Close(1 / x, dX, Check.Exact);
            double r = (x * x) + y;
            Check.Close(Math.Log(r) * x, SideEffectFunctions.SafeLogOfSquareGradient(x, y, out dX, out double dY), 1e-15);
            Check.Close((2 * x * x / r) + Math.Log(r), dX, Check.Exact);
            Check.Close(x / r, dY, Check.Exact);
        }

        Assert.Equal("x", Assert.Throws<ArgumentOutOfRangeException>(() => SideEffectFunctions.SafeLogGradient(-1, out _)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => SideEffectFunctions.SafeLogOfSquareGradient(1, -2, out _, out _)).ParamName);
    }

    [Fact]
    public void Post_decrement_in_a_loop_condition()
    {
        foreach (double[] p in Points)
        {
            for (int n = -2; n <= 5; n++)
            {
                double x = p[0];
                double value = SideEffectFunctions.CountDownGradient(x, n, out double dX);
                int steps = Math.Max(0, n);
                int final = Math.Min(n, 0) - 1;
                double[] reference = Dual.Gradient(v => { Dual y = v[0]; for (int s = 0; s < steps; s++) { y = (y * v[0]) + 1; } return y + final; }, [x]);
                Check.Close(SideEffectFunctions.CountDown(x, n), value, 1e-15);
                Check.Close(reference[0], dX, Check.Exact, $"n = {n}");
            }
        }
    }

    [Fact]
    public void Post_decrement_in_a_loop_condition_with_break()
    {
        foreach (double[] p in Points)
        {
            for (int n = 0; n <= 12; n++)
            {
                double x = 3 * p[0];
                double value = SideEffectFunctions.CountDownWithBreakGradient(x, n, out double dX);
                double[] reference = Dual.Gradient(
                    v =>
                    {
                        Dual s = 0;
                        int jj = n;
                        while (jj-- > 0)
                        {
                            s += v[0] * jj;
                            if (s > 10)
                            {
                                break;
                            }
                        }

                        return s + jj;
                    },
                    [x]);
                Check.Close(SideEffectFunctions.CountDownWithBreak(x, n), value, 1e-15);
                Check.Close(reference[0], dX, Check.Exact, $"n = {n}");
            }
        }
    }

    [Fact]
    public void Post_increment_in_an_element_index()
    {
        foreach (double[] p in Points)
        {
            double[] a = [p[0] - 0.9, p[1] - 0.9, p[2] - 0.9, -p[0]];
            double x = p[1];
            var dA = new double[4];
            double value = SideEffectFunctions.CompactGradient(a, x, dA, out double dX);
            double squares = 0;
            for (int i = 0; i < 4; i++)
            {
                squares += a[i] > 0 ? a[i] * a[i] : 0;
                Check.Close(a[i] > 0 ? 2 * a[i] * x * x : 0, dA[i], Check.Exact, $"dA[{i}]");
            }

            Check.Close(squares * x * x, value, 1e-14);
            Check.Close(2 * x * squares, dX, Check.Exact);
        }
    }

    [Fact]
    public void Pre_increment_in_a_loop_condition()
    {
        foreach (double[] p in Points)
        {
            double[] a = [p[0], p[1], p[2]];
            var dA = new double[3];
            double value = SideEffectFunctions.PrefixInConditionGradient(a, p[1], dA, out double dX);
            Check.Close((p[0] + p[1] + p[2]) * p[1] * 3, value, 1e-14);
            Check.Close(3 * (p[0] + p[1] + p[2]), dX, Check.Exact);
            Check.Close(new[] { 3 * p[1], 3 * p[1], 3 * p[1] }, dA, Check.Exact);
        }
    }

    [Fact]
    public void Pre_decrement_in_a_do_while_condition()
    {
        foreach (double[] p in Points)
        {
            for (int n = -1; n <= 5; n++)
            {
                int power = Math.Max(n, 1);
                Check.Close(Math.Pow(p[0], power), SideEffectFunctions.DoWhileCountDownGradient(p[0], n, out double dX), 1e-14);
                Check.Close(power * Math.Pow(p[0], power - 1), dX, Check.Exact, $"n = {n}");
            }
        }
    }

    [Fact]
    public void Post_increment_in_a_for_condition()
    {
        for (int n = -1; n <= 6; n++)
        {
            double triangle = n <= 0 ? 0 : n * (n + 1) / 2.0;
            Check.Close(0.7 * triangle, SideEffectFunctions.ForWithTestingIncrementGradient(0.7, n, out double dX), 1e-14);
            Check.Close(triangle, dX, Check.Exact, $"n = {n}");
        }
    }

    [Fact]
    public void Reads_before_and_after_an_increment_in_one_expression()
    {
        foreach (double[] p in Points)
        {
            double[] a = [p[0], p[1], p[2]];
            var dA = new double[3];
            double x = p[1] - 1;
            double value = SideEffectFunctions.ReadsBeforeAndAfterIncrementGradient(a, x, dA, out double dX);
            Check.Close(p[0] + (p[0] * x) + p[1] + (p[2] * p[2]), value, 1e-14);
            Check.Close(new[] { 1 + x, 1, 2 * p[2] }, dA, Check.Exact);
            Check.Close(p[0], dX, Check.Exact);
        }
    }
}
