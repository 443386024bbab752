using System;

namespace AutoDiffGen.Tests.Functions;

/// <summary>Calls to [Differentiable] methods, to unmarked helpers (differentiated transitively) and to custom derivatives.</summary>
public static partial class CallFunctions
{
    [Differentiable]
    public static double Square(double x) => x * x;

    [Differentiable]
    public static double CallsDifferentiable(double x, double y) => Square(x) * y + Square(x + y);

    [Differentiable]
    public static double CallsHelpers(double x, double y) => Helpers.Sigmoid(x * y) + Helpers.Poly(x, 3);

    [Differentiable]
    public static double NestedCalls(double x) => Helpers.Sigmoid(Square(Helpers.Poly(x, 2)));

    [Differentiable]
    public static double RefAndOut(double x, double y)
    {
        double a = x;
        double b = y;
        Helpers.Rotate(ref a, ref b, 0.3);
        Helpers.SplitSquares(a, out double s, out double t);
        double r = Helpers.ScaleAndReturn(ref b, x);
        return a * s + t * b + r;
    }

    [Differentiable]
    public static double IntegerHelper(double x, int n) => x * Helpers.Triangle(n);

    [Differentiable]
    public static double Recursive(double x, int n) => n == 0 ? x : x * Recursive(x, n - 1);

    [Differentiable]
    public static double UsesCustomDerivative(double x) => 2 * External.SoftPlus(x) + External.SoftPlus(-x);
}

/// <summary>Unmarked helpers: the generator differentiates them because [Differentiable] methods call them.</summary>
internal static class Helpers
{
    public static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    public static double Poly(double x, int degree)
    {
        double result = 1;
        for (int i = 0; i < degree; i++)
        {
            result = result * x + i;
        }

        return result;
    }

    public static void Rotate(ref double a, ref double b, double angle)
    {
        double c = Math.Cos(angle), s = Math.Sin(angle);
        double na = c * a - s * b;
        b = s * a + c * b;
        a = na;
    }

    public static void SplitSquares(double v, out double square, out double cube)
    {
        square = v * v;
        cube = square * v;
    }

    public static double ScaleAndReturn(ref double value, double factor)
    {
        double old = value;
        value *= factor;
        return old * value;
    }

    public static int Triangle(int n) => n * (n + 1) / 2;
}

/// <summary>Stands in for a library whose source the generator cannot see.</summary>
public static class External
{
    public static double SoftPlus(double x) => Math.Log(1 + Math.Exp(x));
}

/// <summary>A user-supplied derivative for External.SoftPlus.</summary>
public static class ExternalDerivatives
{
    [DerivativeOf(typeof(External), nameof(External.SoftPlus))]
    public static double SoftPlusAdjoint(double x, double seed, ref double dX)
    {
        dX += seed / (1 + Math.Exp(-x));
        return External.SoftPlus(x);
    }
}
