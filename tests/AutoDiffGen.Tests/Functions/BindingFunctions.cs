using System;

namespace AutoDiffGen.Tests.Functions;

/// <summary>Array and span variables re-bound to other arrays or views: their adjoints follow their bindings.</summary>
public static partial class BindingFunctions
{
    /// <summary>Once gave d/da to c (the alias's adjoint was not restored with it).</summary>
    [Differentiable]
    public static double Alias(double[] a, double[] c, double x)
    {
        double[] b = a;
        double s = b[0] + x;
        b = c;
        s += b[1] * x * x;
        return s;
    }

    /// <summary>Double buffering: two arrays swapped every step.</summary>
    [Differentiable]
    public static double PingPong(double[] a, double x, int steps)
    {
        int n = a.Length;
        double[] cur = new double[n];
        double[] next = new double[n];
        for (int i = 0; i < n; i++)
        {
            cur[i] = a[i];
        }

        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < n; i++)
            {
                next[i] = (cur[i] * x) + (cur[(i + 1) % n] * cur[i]);
            }

            (cur, next) = (next, cur);
        }

        double s = 0;
        for (int i = 0; i < n; i++)
        {
            s += cur[i];
        }

        return s;
    }

    /// <summary>A row view declared in a loop (once an internal error).</summary>
    [Differentiable]
    public static double Rows(double[] m, int rows, int cols, double x)
    {
        double s = 0;
        for (int i = 0; i < rows; i++)
        {
            Span<double> row = m.AsSpan(i * cols, cols);
            row[0] *= x;
            s += row[0] * row[1];
        }

        return s;
    }

    /// <summary>A span parameter that walks forward over itself.</summary>
    [Differentiable]
    public static double WalkingSpan(Span<double> p, double x)
    {
        double s = 0;
        while (p.Length > 1)
        {
            s += p[0] * p[1] * x;
            p[1] += s * 0.1;
            p = p.Slice(1);
        }

        return s + p[0];
    }

    /// <summary>A view chosen by a condition, and a view of that view.</summary>
    [Differentiable]
    public static double ChosenViews(double[] m, double x)
    {
        double s = 0;
        for (int i = 0; i < 3; i++)
        {
            Span<double> half = i % 2 == 0 ? m.AsSpan(0, 3) : m.AsSpan(3, 3);
            ReadOnlySpan<double> tail = half.Slice(1);
            s += (tail[0] * x) + (half[0] * tail[1]);
            half[2] *= x;
        }

        return s;
    }

    /// <summary>An array parameter written, then re-bound to a new array: the caller's array keeps what was written.</summary>
    [Differentiable]
    public static double ReboundParameter(double[] a, double x)
    {
        a[0] *= x;
        double s = a[0] * a[1];
        a = new double[2];
        a[1] = x * s;
        return a[1] + a[0];
    }

    /// <summary>A switch expression choosing between arrays.</summary>
    [Differentiable]
    public static double SwitchOfArrays(double[] a, double[] b, double x, int which)
    {
        double[] chosen = which switch
        {
            0 => a,
            1 => b,
            _ => a,
        };
        chosen[0] *= x;
        return (chosen[0] * a[1]) + b[1];
    }
}
