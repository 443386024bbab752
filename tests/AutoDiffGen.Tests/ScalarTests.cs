using System;
using AutoDiffGen.Tests.Functions;
using AutoDiffGen.Tests.Infrastructure;

namespace AutoDiffGen.Tests;

/// <summary>Straight-line code against analytic derivatives and finite differences at seeded random points.</summary>
public class ScalarTests
{
    private static readonly double[][] Points = Check.Points(seed: 20261122, count: 40, dimension: 2);

    [Fact]
    public void Arithmetic()
    {
        foreach (double[] p in Points)
        {
            (double x, double y) = (p[0], p[1]);
            double value = ScalarFunctions.ArithmeticGradient(x, y, out double dx, out double dy);
            Check.Close(ScalarFunctions.Arithmetic(x, y), value, 0);
            // f = -(x + 2.5)(y - x)/(1 + y^2) + x
            double q = 1 + (y * y);
            Check.Close((-(y - x) + (x + 2.5)) / q + 1, dx, Check.Exact);
            Check.Close(-(x + 2.5) / q + ((x + 2.5) * (y - x) * 2 * y / (q * q)), dy, Check.Exact);
            Check.AgainstFiniteDifferences(v => ScalarFunctions.Arithmetic(v[0], v[1]), p, new[] { dx, dy });
        }
    }

    [Fact]
    public void Locals_with_several_declarators_and_const()
    {
        foreach (double[] p in Points)
        {
            (double x, double y) = (p[0], p[1]);
            ScalarFunctions.LocalsGradient(x, y, out double dx, out double dy);
            // c = xy(xy + 1) - 3x
            Check.Close((y * ((2 * x * y) + 1)) - 3, dx, Check.Exact);
            Check.Close(x * ((2 * x * y) + 1), dy, Check.Exact);
        }
    }

    [Fact]
    public void Reassigned_parameters()
    {
        foreach (double[] p in Points)
        {
            (double x, double y) = (p[0], p[1]);
            ScalarFunctions.ReassignParametersGradient(x, y, out double dx, out double dy);
            // x1 = x^2, y1 = y + x^2, x2 = x^2 (y + x^2); f = x2 + y1
            Check.Close((2 * x * (y + (x * x))) + (x * x * 2 * x) + (2 * x), dx, Check.Exact);
            Check.Close((x * x) + 1, dy, Check.Exact);
        }
    }

    [Fact]
    public void Compound_assignments_and_increments()
    {
        foreach (double[] p in Points)
        {
            double[] g = new double[2];
            ScalarFunctions.CompoundAssignmentsGradient(p[0], p[1], out g[0], out g[1]);
            Check.Close(Dual.Gradient(v => CompoundReference(v[0], v[1]), p), g, Check.Exact);
        }
    }

    private static Dual CompoundReference(Dual x, Dual y)
    {
        Dual s = x + y;
        s = s * x;
        s = s - (y * 2);
        s = s / (1 + (x * x));
        s = s + 1;
        return s * s;
    }

    [Fact]
    public void Single_precision()
    {
        foreach (double[] p in Points)
        {
            (float x, float y) = ((float)p[0], (float)p[1]);
            ScalarFunctions.SinglePrecisionGradient(x, y, out float dx, out float dy);
            // f = 2 sin(x) y + e^y + xy
            Check.Close((2 * Math.Cos(x) * y) + y, dx, Check.ExactSingle);
            Check.Close((2 * Math.Sin(x)) + Math.Exp(y) + x, dy, Check.ExactSingle);
        }
    }

    [Fact]
    public void Mixed_precision()
    {
        foreach (double[] p in Points)
        {
            (double x, float f) = (p[0], (float)p[1]);
            ScalarFunctions.MixedPrecisionGradient(x, f, out double dx, out float df);
            // g = (float)(f^2 + (float)x); result = g * x
            float g = (f * f) + (float)x;
            Check.Close(g + x, dx, Check.ExactSingle);
            Check.Close(2 * f * x, df, Check.ExactSingle);
        }
    }

    [Fact]
    public void NoDerivative_parameters_get_no_output_and_pass_through()
    {
        double value = ScalarFunctions.NoDerivativeParameterGradient(3, 2, 5, out double dx);
        Assert.Equal(23, value);
        Assert.Equal(12, dx);
    }

    [Fact]
    public void StopGradient_blocks_the_derivative()
    {
        ScalarFunctions.StopGradientGradient(2, 3, out double dx, out double dy);
        Assert.Equal(6, dx);
        Assert.Equal(1, dy);
    }

    [Fact]
    public void Piecewise_constant_functions_and_integer_casts_have_zero_derivative()
    {
        foreach (double x in new[] { -1.7, -0.2, 0.3, 2.6 })
        {
            ScalarFunctions.IntegerCastsGradient(x, out double dx);
            Check.Close((int)(x * 10), dx, 0);
        }
    }

    [Fact]
    public void Adjoint_accumulates_seed_times_gradient()
    {
        double dx = 10, dy = 20;
        double value = ScalarFunctions.ArithmeticAdjoint(0.5, -1.5, 3, ref dx, ref dy);
        ScalarFunctions.ArithmeticGradient(0.5, -1.5, out double gx, out double gy);
        Assert.Equal(ScalarFunctions.Arithmetic(0.5, -1.5), value);
        Check.Close(10 + (3 * gx), dx, 1e-15);
        Check.Close(20 + (3 * gy), dy, 1e-15);
    }
}
