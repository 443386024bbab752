using System;
using System.Linq;
using AutoDiffGen.Tests.Functions;
using AutoDiffGen.Tests.Infrastructure;

namespace AutoDiffGen.Tests;

public class MoreTests
{
    [Fact]
    public void Generic_math_statics_on_double()
    {
        foreach (double[] p in Check.Points(31, 30, 1))
        {
            double x = p[0];
            MoreFunctions.GenericMathStaticsGradient(x, out double dx);
            double expected = (Math.Cos(x) * Math.Exp(x)) + (Math.Sin(x) * Math.Exp(x)) + (x / Math.Sqrt((x * x) + 1)) + (x / Math.Sqrt((x * x) + 4));
            Check.Close(expected, dx, Check.Exact);
        }
    }

    [Fact]
    public void Foreach_over_a_span()
    {
        foreach (double[] p in Check.Points(32, 10, 5))
        {
            var g = new double[4];
            MoreFunctions.ForEachOverSpanGradient(p.AsSpan(0, 4), p[4], g, out double dScale);
            Check.Close(p[..4].Select(v => Math.Cos(v * p[4]) * p[4]).ToArray(), g, Check.Exact);
            Check.Close(p[..4].Sum(v => Math.Cos(v * p[4]) * v), dScale, Check.Exact);
        }
    }

    [Fact]
    public void Writing_through_a_span_parameter()
    {
        foreach (double[] p in Check.Points(33, 10, 4, 0.1, 1))
        {
            double[] state = p[..3];
            double[] primal = (double[])state.Clone();
            double expectedValue = MoreFunctions.WritesSpan(primal, p[3]);
            var g = new double[4];
            double value = MoreFunctions.WritesSpanGradient(state, p[3], g.AsSpan(0, 3), out g[3]);
            Assert.Equal(expectedValue, value);
            Assert.Equal(primal, state);
            double[] reference = Dual.Gradient(v =>
            {
                Dual[] s = v[..3];
                for (int step = 0; step < 3; step++)
                {
                    for (int i = 0; i < s.Length; i++)
                    {
                        s[i] = s[i] - (v[3] * s[i] * s[i]);
                    }
                }

                return s[0] + s[1] + s[2];
            }, p);
            Check.Close(reference, g, Check.Exact);
        }
    }

    [Fact]
    public void Increments_and_compound_operators_on_elements()
    {
        foreach (double[] p in Check.Points(34, 10, 4))
        {
            var g = new double[4];
            MoreFunctions.ElementIncrementsGradient(p[..3], p[3], g.AsSpan(0, 3), out g[3]);
            double[] reference = Dual.Gradient(v =>
            {
                Dual x = v[3];
                Dual F(Dual a) => ((((a * x) + 1) * ((a * x) + 1)) - 1) / (1 + (x * x));
                return F(v[0]) + F(v[2]);
            }, p);
            Check.Close(reference, g, Check.Exact);
        }
    }

    [Theory]
    [InlineData(-2, -1.0)]
    [InlineData(0, 2 * 1.5)]
    [InlineData(1, 2 * 1.5)]
    [InlineData(11, 10.0)]
    [InlineData(3, 3 * 1.5 * 1.5)]
    public void Switch_with_relational_or_and_var_patterns(int n, double expected)
    {
        MoreFunctions.SwitchWithPatternsGradient(1.5, n, out double dx);
        Check.Close(expected, dx, Check.Exact);
    }

    /// <summary>Every two-input scalar function against central finite differences at many seeded points.</summary>
    public delegate double Gradient2(double x, double y, out double dx, out double dy);

    public static TheoryData<string> Functions => new(Table.Select(t => t.Name));

    private static readonly (string Name, Func<double, double, double> F, Gradient2 G, double Low, double High)[] Table =
    [
        ("Arithmetic", ScalarFunctions.Arithmetic, ScalarFunctions.ArithmeticGradient, -2, 2),
        ("Locals", ScalarFunctions.Locals, ScalarFunctions.LocalsGradient, -2, 2),
        ("ReassignParameters", ScalarFunctions.ReassignParameters, ScalarFunctions.ReassignParametersGradient, -2, 2),
        ("CompoundAssignments", ScalarFunctions.CompoundAssignments, ScalarFunctions.CompoundAssignmentsGradient, -2, 2),
        ("StopGradient", ScalarFunctions.StopGradient, (double x, double y, out double dx, out double dy) => { double v = ScalarFunctions.StopGradientGradient(x, y, out dx, out dy); dx += x * y; dy += x * x; return v; }, -2, 2),
        ("IfElse", ControlFlowFunctions.IfElse, ControlFlowFunctions.IfElseGradient, -3, 3),
        ("NestedConditional", ControlFlowFunctions.NestedConditional, ControlFlowFunctions.NestedConditionalGradient, -3, 3),
        ("ConditionalInsideExpression", ControlFlowFunctions.ConditionalInsideExpression, ControlFlowFunctions.ConditionalInsideExpressionGradient, -3, 3),
        ("EarlyReturns", ControlFlowFunctions.EarlyReturns, ControlFlowFunctions.EarlyReturnsGradient, -3, 3),
        ("CallsDifferentiable", CallFunctions.CallsDifferentiable, CallFunctions.CallsDifferentiableGradient, -2, 2),
        ("CallsHelpers", CallFunctions.CallsHelpers, CallFunctions.CallsHelpersGradient, -2, 2),
        ("RefAndOut", CallFunctions.RefAndOut, CallFunctions.RefAndOutGradient, -2, 2),
        ("Atan2", MathFunctions.Atan2, MathFunctions.Atan2Gradient, 0.2, 2),
        ("Pow", MathFunctions.Pow, MathFunctions.PowGradient, 0.2, 2),
        ("LogBase", MathFunctions.LogBase, MathFunctions.LogBaseGradient, 1.2, 4),
        ("Max", MathFunctions.Max, MathFunctions.MaxGradient, -2, 2),
        ("Min", MathFunctions.Min, MathFunctions.MinGradient, -2, 2),
    ];

    [Theory]
    [MemberData(nameof(Functions))]
    public void Gradients_agree_with_central_finite_differences(string name)
    {
        (string _, Func<double, double, double> f, Gradient2 gradient, double low, double high) = Table.Single(t => t.Name == name);
        int compared = 0;
        foreach (double[] p in Check.Points(name.GetHashCode(StringComparison.Ordinal) & 0xFFFF, 100, 2, low, high))
        {
            double value = gradient(p[0], p[1], out double dx, out double dy);
            Assert.Equal(f(p[0], p[1]), value);

            // Skip points within a finite-difference step of a kink or branch boundary: there two step sizes disagree.
            double[] fd = Check.FiniteDifference(v => f(v[0], v[1]), p);
            double[] fdHalf = FiniteDifference(v => f(v[0], v[1]), p, 0.5e-6);
            if (fd.Zip(fdHalf).Any(z => Math.Abs(z.First - z.Second) > 1e-5 * Math.Max(1, Math.Abs(z.First))))
            {
                continue;
            }

            Check.Close(fd[0], dx, 1e-6, $"{name}: d/dx at ({p[0]}, {p[1]})");
            Check.Close(fd[1], dy, 1e-6, $"{name}: d/dy at ({p[0]}, {p[1]})");
            compared++;
        }

        Assert.True(compared >= 90, $"only {compared} of 100 points were away from kinks");
    }

    private static double[] FiniteDifference(Func<double[], double> f, double[] x, double relativeStep)
    {
        var gradient = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double h = relativeStep * Math.Max(1.0, Math.Abs(x[i]));
            double[] plus = (double[])x.Clone(), minus = (double[])x.Clone();
            plus[i] += h;
            minus[i] -= h;
            gradient[i] = (f(plus) - f(minus)) / (2 * h);
        }

        return gradient;
    }
}
