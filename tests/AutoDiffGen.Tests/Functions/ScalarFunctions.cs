using System;

namespace AutoDiffGen.Tests.Functions;

/// <summary>Straight-line code: arithmetic, locals, assignments, constants.</summary>
public static partial class ScalarFunctions
{
    /// <summary>The Huber loss of the GradientTape guide's bridge example.</summary>
    [Differentiable]
    public static double Huber(double residual, [NoDerivative] double delta) =>
        Math.Abs(residual) <= delta ? 0.5 * residual * residual : delta * (Math.Abs(residual) - 0.5 * delta);

    [Differentiable]
    public static double Arithmetic(double x, double y) => -(x + 2.5) * (y - x) / (1 + y * y) - (-x);

    [Differentiable]
    public static double Locals(double x, double y)
    {
        const double Scale = 3;
        double a = x * y, b = a + 1, c;
        c = a * b;
        c = c - Scale * x;
        return c;
    }

    [Differentiable]
    public static double ReassignParameters(double x, double y)
    {
        x = x * x;
        y = y + x;
        x = x * y;
        return x + y;
    }

    [Differentiable]
    public static double CompoundAssignments(double x, double y)
    {
        double s = x;
        s += y;
        s *= x;
        s -= y * 2;
        s /= 1 + x * x;
        s++;
        ++s;
        s--;
        return s * s;
    }

    [Differentiable]
    public static float SinglePrecision(float x, float y)
    {
        float a = MathF.Sin(x) * y;
        double widened = a * 2.0;
        return (float)(widened + MathF.Exp(y) + x * y);
    }

    [Differentiable]
    public static double MixedPrecision(double x, float f)
    {
        float g = f * f;
        g += (float)x;
        return g * x;
    }

    [Differentiable]
    public static double NoDerivativeParameter(double x, [NoDerivative] double k, int n) => k * x * x + n;

    [Differentiable]
    public static double StopGradient(double x, double y) => x * AutoDiff.StopGradient(x * y) + y;

    [Differentiable]
    public static double IntegerCasts(double x)
    {
        int n = (int)(x * 10);
        long m = (long)x;
        return x * n + m + Math.Floor(x) + Math.Ceiling(x) + Math.Round(x) + Math.Truncate(x) + Math.Sign(x);
    }
}
