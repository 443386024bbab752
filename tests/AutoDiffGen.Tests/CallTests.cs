using System;
using AutoDiffGen.Tests.Functions;
using AutoDiffGen.Tests.Infrastructure;

namespace AutoDiffGen.Tests;

public class CallTests
{
    private static readonly double[][] Points = Check.Points(seed: 99, count: 40, dimension: 2, low: -1.5, high: 1.5);

    [Fact]
    public void Calls_to_differentiable_methods()
    {
        foreach (double[] p in Points)
        {
            (double x, double y) = (p[0], p[1]);
            CallFunctions.CallsDifferentiableGradient(x, y, out double dx, out double dy);
            Check.Close((2 * x * y) + (2 * (x + y)), dx, Check.Exact);
            Check.Close((x * x) + (2 * (x + y)), dy, Check.Exact);
        }
    }

    [Fact]
    public void Unmarked_helpers_are_differentiated_transitively()
    {
        foreach (double[] p in Points)
        {
            (double x, double y) = (p[0], p[1]);
            CallFunctions.CallsHelpersGradient(x, y, out double dx, out double dy);
            double s = 1 / (1 + Math.Exp(-x * y));
            double ds = s * (1 - s);
            // Poly(x, 3) = ((1 x + 0) x + 1) x + 2 = x^3 + x + 2
            Check.Close((ds * y) + (3 * x * x) + 1, dx, Check.Exact);
            Check.Close(ds * x, dy, Check.Exact);
        }
    }

    [Fact]
    public void Calls_nested_as_arguments()
    {
        foreach (double[] p in Points)
        {
            double x = p[0];
            CallFunctions.NestedCallsGradient(x, out double dx);
            // Poly(x, 2) = x^2 + 1; Square -> (x^2 + 1)^2; Sigmoid of that.
            double inner = (x * x) + 1;
            double s = 1 / (1 + Math.Exp(-inner * inner));
            Check.Close(s * (1 - s) * 2 * inner * 2 * x, dx, Check.Exact);
        }
    }

    [Fact]
    public void Helpers_with_ref_and_out_parameters()
    {
        foreach (double[] p in Points)
        {
            var g = new double[2];
            double value = CallFunctions.RefAndOutGradient(p[0], p[1], out g[0], out g[1]);
            Check.Close(CallFunctions.RefAndOut(p[0], p[1]), value, 0);
            Check.Close(Dual.Gradient(v => RefAndOutReference(v[0], v[1]), p), g, Check.Exact);
        }
    }

    private static Dual RefAndOutReference(Dual x, Dual y)
    {
        double c = Math.Cos(0.3), s = Math.Sin(0.3);
        Dual a = (c * x) - (s * y);
        Dual b = (s * x) + (c * y);
        Dual square = a * a, cube = square * a;
        Dual old = b;
        b = b * x;
        Dual r = old * b;
        return (a * square) + (cube * b) + r;
    }

    [Fact]
    public void Helper_with_only_integer_inputs_needs_no_derivative()
    {
        CallFunctions.IntegerHelperGradient(2, 4, out double dx);
        Assert.Equal(10, dx);
    }

    [Fact]
    public void Recursion_through_a_differentiable_method()
    {
        foreach (int n in new[] { 0, 1, 3, 6 })
        {
            CallFunctions.RecursiveGradient(1.1, n, out double dx);
            Check.Close((n + 1) * Math.Pow(1.1, n), dx, Check.Exact);
        }
    }

    [Fact]
    public void Custom_derivative_replaces_the_missing_source()
    {
        foreach (double[] p in Points)
        {
            double x = p[0];
            CallFunctions.UsesCustomDerivativeGradient(x, out double dx);
            double s = 1 / (1 + Math.Exp(-x));
            Check.Close((2 * s) - (1 - s), dx, Check.Exact);
        }
    }
}
