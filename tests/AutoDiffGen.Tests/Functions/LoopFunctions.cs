using System;

namespace AutoDiffGen.Tests.Functions;

/// <summary>Loops, arrays and spans.</summary>
public static partial class LoopFunctions
{
    [Differentiable]
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }

    [Differentiable]
    public static double ForEachSum(double[] a, double x)
    {
        double s = 0;
        foreach (double v in a)
        {
            s += v * v * x;
        }

        return s;
    }

    [Differentiable]
    public static double WhileAndDo(double x, int n)
    {
        double p = x;
        int k = 0;
        while (k < n)
        {
            p = p * x + 1;
            k++;
        }

        do
        {
            p = Math.Sqrt(p * p + 1);
            k--;
        }
        while (k > 0);
        return p;
    }

    [Differentiable]
    public static double BreakContinue(double[] a, double limit)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] < 0)
            {
                continue;
            }

            s += a[i] * a[i];
            if (s > limit)
            {
                break;
            }

            s *= 1.5;
        }

        return s * limit;
    }

    [Differentiable]
    public static double ReturnInsideLoop(double[] a, double x)
    {
        double s = x;
        for (int i = 0; i < a.Length; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                s = s * a[i] + j;
                if (s > 100)
                {
                    return s * x;
                }
            }
        }

        return -s;
    }

    [Differentiable]
    public static double MatrixVector(double[] m, double[] v, int rows)
    {
        int columns = v.Length;
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            double row = 0;
            for (int c = 0; c < columns; c++)
            {
                row += m[r * columns + c] * v[c];
            }

            total += row * row;
        }

        return total;
    }

    [Differentiable]
    public static double LocalArrays(double[] x)
    {
        int n = x.Length;
        double[] y = new double[n];
        double[] weights = { x[0], 2 * x[0], 3.0 };
        for (int i = 0; i < n; i++)
        {
            y[i] = x[i] * weights[i % 3];
        }

        double s = 0;
        for (int i = 0; i < n; i++)
        {
            y[i] *= y[(i + 1) % n];
            s += y[i];
        }

        return s;
    }

    [Differentiable]
    public static double TimeStepping(double x0, double v0, double k, int steps)
    {
        double x = x0, v = v0;
        double dt = 0.01;
        for (int i = 0; i < steps; i++)
        {
            double a = -k * Math.Sin(x);
            v += a * dt;
            x += v * dt;
        }

        return x * x + v;
    }

    [Differentiable]
    public static double InPlaceSort(double[] values)
    {
        double[] a = new double[values.Length];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = values[i];
        }

        for (int i = 1; i < a.Length; i++)
        {
            for (int j = i; j > 0 && a[j - 1] > a[j]; j--)
            {
                double t = a[j];
                a[j] = a[j - 1];
                a[j - 1] = t;
            }
        }

        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += (i + 1) * a[i];
        }

        return s;
    }

    [Differentiable]
    public static double WritesParameter(double[] a, double x)
    {
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = a[i] * x + 1;
            a[i] *= a[i];
        }

        return a[0] + a[a.Length - 1];
    }

    [Differentiable]
    public static double RefLocalElements(double[] a)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ref double e = ref a[i];
            e = e * e;
            s += e;
        }

        return s;
    }

    [Differentiable]
    public static double IntegerPowers(double x, int n)
    {
        double s = 0;
        for (int i = -n; i <= n; i++)
        {
            s += Math.Pow(x, i);
        }

        return s;
    }

    [Differentiable]
    public static double Convergence(double a)
    {
        // Fixed-point iteration x = cos(a x) until it settles.
        double x = 1, delta = 1;
        int iterations = 0;
        while (Math.Abs(delta) > 1e-13 && iterations < 1000)
        {
            double next = Math.Cos(a * x);
            delta = next - x;
            x = next;
            iterations++;
        }

        return x;
    }

    [Differentiable]
    public static double HelperWritesArray(double[] x)
    {
        double[] y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = x[i];
        }

        ArrayHelpers.Normalize(y);
        ArrayHelpers.Swap(ref y[0], ref y[y.Length - 1]);
        return y[0] * 3 + y[1];
    }

    [Differentiable]
    public static double Triangular(double[] l, int n)
    {
        // Lower triangle packed row by row: element (r, c), c <= r, at r * (r + 1) / 2 + c.
        double s = 0;
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c <= r; c++)
            {
                s += l[r * (r + 1) / 2 + c] * (r - c + 1);
            }
        }

        return s * s;
    }

    [Differentiable]
    public static double SpanSlices(double[] a)
    {
        Span<double> head = a.AsSpan(0, 2);
        ReadOnlySpan<double> tail = a.AsSpan(2);
        return head[0] * head[1] + Dot(tail, tail);
    }
}

internal static class ArrayHelpers
{
    public static void Normalize(double[] v)
    {
        double norm = 0;
        for (int i = 0; i < v.Length; i++)
        {
            norm += v[i] * v[i];
        }

        norm = Math.Sqrt(norm);
        for (int i = 0; i < v.Length; i++)
        {
            v[i] /= norm;
        }
    }

    public static void Swap(ref double a, ref double b)
    {
        double t = a;
        a = b;
        b = t;
    }
}
