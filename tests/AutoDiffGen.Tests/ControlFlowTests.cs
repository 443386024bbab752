using System;
using AutoDiffGen.Tests.Functions;
using AutoDiffGen.Tests.Infrastructure;

namespace AutoDiffGen.Tests;

public class ControlFlowTests
{
    private static readonly double[][] Points = Check.Points(seed: 7, count: 60, dimension: 2, low: -3, high: 3);

    [Fact]
    public void If_else_chains()
    {
        foreach (double[] p in Points)
        {
            (double x, double y) = (p[0], p[1]);
            ControlFlowFunctions.IfElseGradient(x, y, out double dx, out double dy);
            double ex, ey;
            if (x > y)
            {
                (ex, ey) = (2 * x * y, x * x);
            }
            else if (x < -1)
            {
                (ex, ey) = (y * y, 2 * x * y);
            }
            else
            {
                double c = Math.Cos(x + y), s = Math.Sin(x + y);
                (ex, ey) = (c * y, (c * y) + s);
            }

            Check.Close(ex, dx, Check.Exact);
            Check.Close(ey, dy, Check.Exact);
        }
    }

    [Fact]
    public void Nested_conditional_expressions()
    {
        foreach (double[] p in Points)
        {
            (double x, double y) = (p[0], p[1]);
            ControlFlowFunctions.NestedConditionalGradient(x, y, out double dx, out double dy);
            (double ex, double ey) = x > 0 ? (y > 0 ? (y, x) : (1.0, -1.0)) : (y > 1 ? (0.0, 2 * y) : (-y, -x));
            Check.Close(ex, dx, Check.Exact);
            Check.Close(ey, dy, Check.Exact);
        }
    }

    [Fact]
    public void Conditional_expressions_inside_arithmetic()
    {
        foreach (double[] p in Points)
        {
            (double x, double y) = (p[0], p[1]);
            ControlFlowFunctions.ConditionalInsideExpressionGradient(x, y, out double dx, out double dy);
            double ex = (x > y ? 2 : 0) + ((x < 0 ? -1 : 1) * y);
            double ey = (x > y ? 0 : 2) + Math.Abs(x);
            Check.Close(ex, dx, Check.Exact);
            Check.Close(ey, dy, Check.Exact);
        }
    }

    [Theory]
    [InlineData(0, 2 * 1.3 + 1)]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(11, -1)]
    [InlineData(5, 4)]
    public void Switch_statement(int kind, double expected)
    {
        const double X = 1.3;
        ControlFlowFunctions.SwitchGradient(X, kind, out double dx);
        if (kind is 1 or 2)
        {
            expected = Math.Exp(X) + 1;
        }

        Check.Close(expected, dx, Check.Exact);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(6)]
    [InlineData(4)]
    public void Switch_expression(int kind)
    {
        const double X = 0.7;
        ControlFlowFunctions.SwitchExpressionGradient(X, kind, out double dx);
        double expected = kind switch { 0 => 2 * X, 1 or 2 => Math.Cos(X), > 5 => 7, _ => 1 };
        Check.Close(expected, dx, Check.Exact);
    }

    [Fact]
    public void Several_and_early_returns()
    {
        foreach (double[] p in Points)
        {
            (double x, double y) = (p[0], p[1]);
            double value = ControlFlowFunctions.EarlyReturnsGradient(x, y, out double dx, out double dy);
            Check.Close(ControlFlowFunctions.EarlyReturns(x, y), value, 0);
            double ex, ey;
            if (x < -1)
            {
                (ex, ey) = (y, x);
            }
            else if (x * x > 2)
            {
                (ex, ey) = (2 * x * y, x * x);
            }
            else
            {
                double t = (x * x) + y;
                (ex, ey) = (2 * t * 2 * x, 2 * t);
            }

            Check.Close(ex, dx, Check.Exact);
            Check.Close(ey, dy, Check.Exact);
        }
    }
}
