using System;
using AutoDiffGen.Tests.Functions;
using AutoDiffGen.Tests.Infrastructure;

namespace AutoDiffGen.Tests;

/// <summary>Every Math function against its analytic derivative, and TensorFlow's conventions at the kinks.</summary>
public class MathTests
{
    public delegate double Gradient1(double x, out double dx);

    public static TheoryData<string> Unary => new() { "Sin", "Cos", "Tan", "Atan", "Sinh", "Cosh", "Tanh", "Exp", "Asinh", "Constants" };

    private static (Gradient1 Gradient, Func<double, double> Derivative) Lookup(string name) => name switch
    {
        "Sin" => (MathFunctions.SinGradient, Math.Cos),
        "Cos" => (MathFunctions.CosGradient, x => -Math.Sin(x)),
        "Tan" => (MathFunctions.TanGradient, x => 1 / (Math.Cos(x) * Math.Cos(x))),
        "Atan" => (MathFunctions.AtanGradient, x => 1 / (1 + (x * x))),
        "Sinh" => (MathFunctions.SinhGradient, Math.Cosh),
        "Cosh" => (MathFunctions.CoshGradient, Math.Sinh),
        "Tanh" => (MathFunctions.TanhGradient, x => 1 - (Math.Tanh(x) * Math.Tanh(x))),
        "Exp" => (MathFunctions.ExpGradient, Math.Exp),
        "Asinh" => (MathFunctions.AsinhGradient, x => 1 / Math.Sqrt((x * x) + 1)),
        "Constants" => (MathFunctions.ConstantsGradient, x => Math.PI + (2 * Math.E * x)),
        "Log" => (MathFunctions.LogGradient, x => 1 / x),
        "Log10" => (MathFunctions.Log10Gradient, x => 1 / (x * Math.Log(10))),
        "Log2" => (MathFunctions.Log2Gradient, x => 1 / (x * Math.Log(2))),
        "Sqrt" => (MathFunctions.SqrtGradient, x => 0.5 / Math.Sqrt(x)),
        "Cbrt" => (MathFunctions.CbrtGradient, x => 1 / (3 * Math.Cbrt(x) * Math.Cbrt(x))),
        "Asin" => (MathFunctions.AsinGradient, x => 1 / Math.Sqrt(1 - (x * x))),
        "Acos" => (MathFunctions.AcosGradient, x => -1 / Math.Sqrt(1 - (x * x))),
        "Atanh" => (MathFunctions.AtanhGradient, x => 1 / (1 - (x * x))),
        "Acosh" => (MathFunctions.AcoshGradient, x => 1 / Math.Sqrt((x * x) - 1)),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Unary))]
    public void Unary_functions_on_the_whole_line(string name) => CheckOn(name, -1.4, 1.4);

    [Theory]
    [InlineData("Log")]
    [InlineData("Log10")]
    [InlineData("Log2")]
    [InlineData("Sqrt")]
    [InlineData("Cbrt")]
    public void Unary_functions_on_positive_numbers(string name) => CheckOn(name, 0.1, 5);

    [Theory]
    [InlineData("Asin")]
    [InlineData("Acos")]
    [InlineData("Atanh")]
    public void Unary_functions_on_the_unit_interval(string name) => CheckOn(name, -0.95, 0.95);

    [Fact]
    public void Acosh() => CheckOn("Acosh", 1.1, 6);

    private static void CheckOn(string name, double low, double high)
    {
        (Gradient1 gradient, Func<double, double> derivative) = Lookup(name);
        foreach (double[] p in Check.Points(name.Length, 30, 1, low, high))
        {
            gradient(p[0], out double dx);
            Check.Close(derivative(p[0]), dx, Check.Exact, $"{name}'({p[0]})");
        }
    }

    [Fact]
    public void Binary_functions()
    {
        foreach (double[] p in Check.Points(3, 30, 2, 0.2, 3))
        {
            (double a, double b) = (p[0], p[1]);
            MathFunctions.Atan2Gradient(a, b, out double dy, out double dx);
            Check.Close(b / ((a * a) + (b * b)), dy, Check.Exact);
            Check.Close(-a / ((a * a) + (b * b)), dx, Check.Exact);

            MathFunctions.LogBaseGradient(a, b + 1, out double dv, out double db);
            Check.Close(1 / (a * Math.Log(b + 1)), dv, Check.Exact);
            Check.Close(-Math.Log(a) / ((b + 1) * Math.Log(b + 1) * Math.Log(b + 1)), db, Check.Exact);

            MathFunctions.PowGradient(a, b, out double dBase, out double dExponent);
            Check.Close(b * Math.Pow(a, b - 1), dBase, Check.Exact);
            Check.Close(Math.Pow(a, b) * Math.Log(a), dExponent, Check.Exact);

            MathFunctions.FmaGradient(a, b, 3, out double fa, out double fb, out double fc);
            Assert.Equal((b, a, 1.0), (fa, fb, fc));
        }
    }

    [Fact]
    public void Pow_with_constant_and_integer_exponents_has_no_log_term()
    {
        foreach (double x in new[] { -2.5, -1, 0, 0.5, 3 })
        {
            MathFunctions.PowConstantGradient(x, out double dx);
            Check.Close((3 * x * x) + (2 * x), dx, Check.Exact, $"x = {x}");
            foreach (int n in new[] { -3, -1, 0, 1, 2, 5 })
            {
                if (x == 0 && n < 0)
                {
                    continue;
                }

                MathFunctions.PowIntegerGradient(x, n, out double dn);
                double expected = n == 0 ? 0 : n * Math.Pow(x, n - 1);
                Check.Close(expected, dn, Check.Exact, $"d/dx x^{n} at {x}");
            }
        }

        // Pow(0, 0): derivative 0, not NaN. Negative bases with integer exponents stay finite.
        MathFunctions.PowIntegerGradient(0, 0, out double zero);
        Assert.Equal(0, zero);
        MathFunctions.PowGradient(-2, 3, out double negativeBase, out double exponentAtNegativeBase);
        Assert.Equal(12, negativeBase);
        Assert.Equal(0, exponentAtNegativeBase);
    }

    [Fact]
    public void Kinks_follow_TensorFlow()
    {
        MathFunctions.AbsGradient(0, out double abs0);
        MathFunctions.AbsGradient(-2, out double absNegative);
        Assert.Equal((0.0, -1.0), (abs0, absNegative));

        MathFunctions.MaxGradient(1, 1, out double maxFirst, out double maxSecond);
        Assert.Equal((1.0, 0.0), (maxFirst, maxSecond));
        MathFunctions.MinGradient(1, 1, out double minFirst, out double minSecond);
        Assert.Equal((1.0, 0.0), (minFirst, minSecond));
        MathFunctions.MaxGradient(1, 2, out maxFirst, out maxSecond);
        Assert.Equal((0.0, 1.0), (maxFirst, maxSecond));

        MathFunctions.ClampGradient(0.5, 0, 1, out double inside, out double low, out double high);
        Assert.Equal((1.0, 0.0, 0.0), (inside, low, high));
        MathFunctions.ClampGradient(-3, 0, 1, out inside, out low, out high);
        Assert.Equal((0.0, 1.0, 0.0), (inside, low, high));
        MathFunctions.ClampGradient(3, 0, 1, out inside, out low, out high);
        Assert.Equal((0.0, 0.0, 1.0), (inside, low, high));
    }

    [Fact]
    public void MathF_functions_in_single_precision()
    {
        foreach (double[] p in Check.Points(4, 30, 1, -2, 2))
        {
            float x = (float)p[0];
            MathFunctions.SinFGradient(x, out float dx);
            double expected = (Math.Cos(x) * Math.Sqrt((x * x) + 1)) + (Math.Sin(x) * x / Math.Sqrt((x * x) + 1)) + (3 * x * x) + (Math.Sign(x) / (Math.Abs(x) + 1));
            Check.Close(expected, dx, Check.ExactSingle);
        }
    }
}
