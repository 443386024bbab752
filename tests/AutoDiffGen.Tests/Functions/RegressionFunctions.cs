using System;

namespace AutoDiffGen.Tests.Functions;

/// <summary>
/// Programs that once got a silently wrong gradient, each named for its class. Their tests compare with an
/// independent dual-number reference at seeded points (RegressionTests).
/// </summary>
public static partial class RegressionFunctions
{
    // ---- A kept result (quotient, Exp, Sqrt, Tanh) reassigned later: the reverse sweep read the new value. ----

    [Differentiable]
    public static double Wrap(double t, double period)
    {
        double m = t / period;
        m -= Math.Floor(m);
        return Math.Sin(2.0 * Math.PI * m);
    }

    [Differentiable]
    public static double QuotientThenShift(double t, double p)
    {
        double m = t / p;
        m = m - 0.5;
        return m * m * p;
    }

    [Differentiable]
    public static double ExpThenShift(double a, double p)
    {
        double m = Math.Exp(a * p);
        m -= 0.5;
        return m * a;
    }

    [Differentiable]
    public static double SqrtThenShift(double a, double p)
    {
        double m = Math.Sqrt(a * p);
        m += 1;
        return m * m * m;
    }

    [Differentiable]
    public static double TanhThenScale(double a, double p)
    {
        double m = Math.Tanh(a * p);
        m *= 2;
        return m * p;
    }

    [Differentiable]
    public static double ElementSqrtThenShift(double[] w, double z, int c)
    {
        w[c] = Math.Sqrt((z * z) + 1);
        w[c] += 0.5;
        return (w[c] * w[c] * z) + w[0];
    }

    [Differentiable]
    public static double QuotientInLoop(double x, double p, int n)
    {
        for (int i = 0; i < n; i++)
        {
            x = x / p;
            x -= 0.1;
        }

        return x;
    }

    [Differentiable]
    public static double ElementExpInLoop(double[] w, double p)
    {
        double total = 0;
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = Math.Exp(w[i] * p);
            w[i] -= 1;
            total += w[i] * w[i];
        }

        return total;
    }

    [Differentiable]
    public static double NormWithEpsilon(double a, double p)
    {
        double norm = Math.Sqrt((a * a) + (p * p));
        norm += 1e-3;
        return a / norm;
    }

    // ---- A compound assignment whose right-hand side reads its own target. ----

    [Differentiable]
    public static double SelfQuotient(double a, double p)
    {
        double x = p;
        x += x / a;
        return x * x;
    }

    [Differentiable]
    public static double LogisticEuler(double r, double k, double n0)
    {
        double n = n0;
        for (int s = 0; s < 10; s++)
        {
            n += 0.05 * r * n * (1.0 - (n / k));
        }

        return n;
    }

    [Differentiable]
    public static double SelfProductElement(double[] a, double x)
    {
        a[1] -= a[1] * x;
        a[0] += a[1] * a[0];
        return a[0] + a[1];
    }

    // ---- A helper that sums an array and then updates it in place, followed by a ref helper on each element. ----

    private static double SumAndScaleFirst(double[] arr, int n)
    {
        double res = 0;
        for (int i = 0; i < n; ++i)
        {
            res += arr[i];
        }

        arr[0] += 10 * arr[0];
        return res;
    }

    private static void Twice(ref double d) => d = 2 * d;

    [Differentiable]
    public static double CallsMutatingArray(double[] arr, int n)
    {
        double res = 0;
        res += SumAndScaleFirst(arr, n);
        for (int i = 0; i < n; ++i)
        {
            Twice(ref arr[i]);
            res += arr[i];
        }

        return res;
    }

    // ---- A new array or a copy passed straight to a helper: its derivative was dropped. ----

    private static double SumOf(double[] values)
    {
        double s = 0;
        for (int i = 0; i < values.Length; i++)
        {
            s += values[i] * (i + 1);
        }

        return s;
    }

    [Differentiable]
    public static double ArrayCreatedInCall(double x, double y) => SumOf(new[] { x * x, y, x * y });

    [Differentiable]
    public static double CopyPassedToHelper(double[] a, double x) => SumOf((double[])a.Clone()) * x + SumOf(a.AsSpan(1).ToArray());

    // ---- The same array passed for a parameter the method writes and for another one. ----

    [Differentiable]
    public static double ScaleInto(double[] target, double[] source, double x)
    {
        double s = 0;
        for (int i = 0; i < target.Length; i++)
        {
            target[i] = source[i] * x;
            s += target[i] * source[i];
        }

        return s;
    }

    // ---- Named and optional arguments. ----

    private static double H(double a, double b) => a * a * b;

    private static double Scaled(double a, double k = 3.0, double shift = 0.5) => (a * k) + (shift * shift * a);

    [Differentiable]
    public static double NamedArguments(double x, double y) => H(b: x, a: y);

    [Differentiable]
    public static double OptionalAndNamed(double x, double y) => Scaled(y, shift: x);

    [Differentiable]
    public static double NamedMathArguments(double x, double y) => Math.Pow(y: 3.0, x: x) + Math.Atan2(x: x, y: y);
}
