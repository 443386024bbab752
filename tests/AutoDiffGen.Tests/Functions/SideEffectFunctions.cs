using System;

namespace AutoDiffGen.Tests.Functions;

/// <summary>The kind of curve <see cref="SideEffectFunctions.ByShape"/> evaluates.</summary>
public enum CurveShape
{
    Square,
    Cube,
    Sine,
}

/// <summary>Throw expressions, and side effects on integers inside conditions and indices.</summary>
public static partial class SideEffectFunctions
{
    [Differentiable]
    public static double ByShape(double x, CurveShape shape) => shape switch
    {
        CurveShape.Square => x * x,
        CurveShape.Cube => x * x * x,
        CurveShape.Sine => Math.Sin(x),
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, "Unknown shape."),
    };

    [Differentiable]
    public static double ByCode(double x, int code) => code switch
    {
        0 => x * x,
        1 => Math.Exp(x),
        _ => throw new ArgumentOutOfRangeException(nameof(code)),
    };

    [Differentiable]
    public static double SafeLog(double x) => x > 0 ? Math.Log(x) : throw new ArgumentOutOfRangeException(nameof(x), "x must be positive.");

    [Differentiable]
    public static double SafeLogOfSquare(double x, double y)
    {
        double r = (x * x) + y;
        double l = r <= 0 ? throw new ArgumentException("x * x + y must be positive.", nameof(y)) : Math.Log(r);
        return l * x;
    }

    [Differentiable]
    public static double CountDown(double x, int counter)
    {
        double y = x;
        while (counter-- > 0)
        {
            y = (y * x) + 1;
        }

        return y + counter;
    }

    [Differentiable]
    public static double CountDownWithBreak(double x, int jj)
    {
        double s = 0;
        while (jj-- > 0)
        {
            s += x * jj;
            if (s > 10)
            {
                break;
            }
        }

        return s + jj;
    }

    [Differentiable]
    public static double Compact(double[] a, double x)
    {
        var b = new double[a.Length];
        int k = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] > 0)
            {
                b[k++] = a[i] * x;
            }
        }

        double s = 0;
        for (int i = 0; i < k; i++)
        {
            s += b[i] * b[i];
        }

        return s;
    }

    [Differentiable]
    public static double PrefixInCondition(double[] a, double x)
    {
        int k = -1;
        double s = 0;
        while (++k < a.Length)
        {
            s += a[k] * x;
        }

        return s * k;
    }

    [Differentiable]
    public static double DoWhileCountDown(double x, int n)
    {
        double y = 1;
        do
        {
            y *= x;
        }
        while (--n > 0);

        return y;
    }

    [Differentiable]
    public static double ForWithTestingIncrement(double x, int n)
    {
        double y = 0;
        for (int i = 0; i++ < n;)
        {
            y += x * i;
        }

        return y;
    }

    [Differentiable]
    public static double ReadsBeforeAndAfterIncrement(double[] a, double x)
    {
        int k = 0;
        double s = a[k] + (a[k++] * x) + a[k];
        s += a[++k] * a[k];
        return s;
    }
}
