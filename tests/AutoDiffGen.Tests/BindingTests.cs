using System;
using AutoDiffGen.Tests.Functions;
using AutoDiffGen.Tests.Infrastructure;

namespace AutoDiffGen.Tests;

/// <summary>
/// Re-bound array and span variables, against central finite differences at seeded points (and analytic values where
/// they are short). Every MGradient here is also checked against the build without speed-ups.
/// </summary>
public class BindingTests
{
    private static readonly double[][] Points = Check.Points(seed: 4242, count: 12, dimension: 7, low: -1, high: 1);

    private static void AgainstFiniteDifferences(Func<double[], double> f, double[] x, double[] gradient, double tolerance = 1e-6) =>
        Check.AgainstFiniteDifferences(f, x, gradient, tolerance);

    [Fact]
    public void Alias_rebound_to_another_array()
    {
        foreach (double[] p in Points)
        {
            double[] a = p[0..3], c = p[3..6];
            var dA = new double[3];
            var dC = new double[3];
            double value = BindingFunctions.AliasGradient(a, c, p[6], dA, dC, out double dX);
            Check.Close(p[0] + p[6] + (p[4] * p[6] * p[6]), value, 1e-14);
            Check.Close(new[] { 1.0, 0, 0 }, dA, Check.Exact, "dA");
            Check.Close(new[] { 0, p[6] * p[6], 0 }, dC, Check.Exact, "dC");
            Check.Close(1 + (2 * p[4] * p[6]), dX, Check.Exact, "dX");
        }
    }

    [Fact]
    public void Double_buffering_with_a_tuple_swap()
    {
        foreach (double[] p in Points)
        {
            for (int steps = 0; steps <= 3; steps++)
            {
                double[] a = [p[0], p[1], p[2]];
                var dA = new double[3];
                double value = BindingFunctions.PingPongGradient(a, p[3], steps, dA, out double dX);
                Check.Close(BindingFunctions.PingPong([p[0], p[1], p[2]], p[3], steps), value, 1e-14);
                AgainstFiniteDifferences(v => BindingFunctions.PingPong(v[0..3], v[3], steps), p[0..4], [.. dA, dX]);
            }
        }
    }

    [Fact]
    public void Row_views_declared_in_a_loop()
    {
        foreach (double[] p in Points)
        {
            double[] m = p[0..6];
            var dM = new double[6];
            double value = BindingFunctions.RowsGradient(m, 2, 3, p[6], dM, out double dX);
            double x = p[6];
            Check.Close((p[0] * x * p[1]) + (p[3] * x * p[4]), value, 1e-14);
            Check.Close(new[] { x * p[1], p[0] * x, 0, x * p[4], p[3] * x, 0 }, dM, Check.Exact, "dM");
            Check.Close((p[0] * p[1]) + (p[3] * p[4]), dX, Check.Exact, "dX");
            Check.Close(p[0] * x, m[0], 1e-15, "m[0] after the call");
        }
    }

    [Fact]
    public void Span_parameter_walking_over_itself()
    {
        foreach (double[] p in Points)
        {
            double[] buffer = p[0..6];
            var dP = new double[6];
            double value = BindingFunctions.WalkingSpanGradient(buffer, p[6], dP, out double dX);
            Check.Close(BindingFunctions.WalkingSpan(p[0..6], p[6]), value, 1e-14);
            AgainstFiniteDifferences(v => BindingFunctions.WalkingSpan(v[0..6], v[6]), p[0..7], [.. dP, dX]);
        }
    }

    [Fact]
    public void Views_chosen_by_a_condition()
    {
        foreach (double[] p in Points)
        {
            double[] m = p[0..6];
            var dM = new double[6];
            double value = BindingFunctions.ChosenViewsGradient(m, p[6], dM, out double dX);
            Check.Close(BindingFunctions.ChosenViews(p[0..6], p[6]), value, 1e-14);
            AgainstFiniteDifferences(v => BindingFunctions.ChosenViews(v[0..6], v[6]), p[0..7], [.. dM, dX]);
        }
    }

    [Fact]
    public void Parameter_rebound_to_a_new_array()
    {
        foreach (double[] p in Points)
        {
            double[] a = [p[0], p[1]];
            var dA = new double[2];
            double x = p[2];
            double value = BindingFunctions.ReboundParameterGradient(a, x, dA, out double dX);

            // s = a0 x a1; result = x s = a0 a1 x^2.
            Check.Close(p[0] * p[1] * x * x, value, 1e-14);
            Check.Close(new[] { p[1] * x * x, p[0] * x * x }, dA, Check.Exact, "dA");
            Check.Close(2 * p[0] * p[1] * x, dX, Check.Exact, "dX");
            Check.Close(new[] { p[0] * x, p[1] }, a, 1e-15, "the caller's array after the call");
        }
    }

    [Fact]
    public void Switch_expression_choosing_an_array()
    {
        foreach (double[] p in Points)
        {
            for (int which = 0; which <= 2; which++)
            {
                double[] a = p[0..2], b = p[2..4];
                var dA = new double[2];
                var dB = new double[2];
                double value = BindingFunctions.SwitchOfArraysGradient(a, b, p[4], which, dA, dB, out double dX);
                Check.Close(BindingFunctions.SwitchOfArrays(p[0..2], p[2..4], p[4], which), value, 1e-14);
                AgainstFiniteDifferences(v => BindingFunctions.SwitchOfArrays(v[0..2], v[2..4], v[4], which), p[0..5], [.. dA, .. dB, dX]);
            }
        }
    }
}
