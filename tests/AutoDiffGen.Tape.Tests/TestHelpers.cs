using System;
using System.Collections.Generic;

namespace AutoDiffGen.Tape.Tests;

internal static class Check
{
    public static void Values(double[] expected, Tensor<double>? actual, double tolerance = 1e-12)
    {
        Assert.NotNull(actual);
        double[] a = actual!.ToArray();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Close(expected[i], a[i], tolerance), $"element {i}: expected {expected[i]:R}, actual {a[i]:R} (all: [{string.Join(", ", a)}])");
        }
    }

    public static void Values(float[] expected, Tensor<float>? actual, float tolerance = 1e-6f)
    {
        Assert.NotNull(actual);
        float[] a = actual!.ToArray();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Close(expected[i], a[i], tolerance), $"element {i}: expected {expected[i]:R}, actual {a[i]:R} (all: [{string.Join(", ", a)}])");
        }
    }

    public static void Scalar(double expected, Tensor<double>? actual, double tolerance = 1e-12) => Values([expected], actual, tolerance);

    public static void Scalar(float expected, Tensor<float>? actual, float tolerance = 1e-6f) => Values([expected], actual, tolerance);

    public static void Shape(int[] expected, Tensor<double>? t)
    {
        Assert.NotNull(t);
        Assert.Equal(expected, t!.Shape);
    }

    public static void Shape(int[] expected, Tensor<float>? t)
    {
        Assert.NotNull(t);
        Assert.Equal(expected, t!.Shape);
    }

    public static bool Close(double expected, double actual, double tolerance)
    {
        if (double.IsNaN(expected))
        {
            return double.IsNaN(actual);
        }

        if (double.IsInfinity(expected))
        {
            return expected == actual;
        }

        return Math.Abs(expected - actual) <= tolerance * Math.Max(1.0, Math.Abs(expected));
    }
}

/// <summary>Seeded random tensors.</summary>
internal static class Rand
{
    public static double[] Doubles(Random rng, int n, double lo = -2, double hi = 2)
    {
        var r = new double[n];
        for (int i = 0; i < n; i++)
        {
            r[i] = lo + ((hi - lo) * rng.NextDouble());
        }

        return r;
    }

    public static float[] Floats(Random rng, int n, double lo = -1, double hi = 1)
    {
        var r = new float[n];
        for (int i = 0; i < n; i++)
        {
            r[i] = (float)(lo + ((hi - lo) * rng.NextDouble()));
        }

        return r;
    }

    public static Tensor<double> Tensor(Random rng, params int[] shape)
    {
        int n = 1;
        foreach (int d in shape)
        {
            n *= d;
        }

        return new Tensor<double>(Doubles(rng, n), shape);
    }
}

/// <summary>Central finite differences of a scalar function of several tensors.</summary>
internal static class FiniteDifference
{
    public static double[] Gradient(Func<IReadOnlyList<Tensor<double>>, Tensor<double>> f, IReadOnlyList<Tensor<double>> inputs, int which, double h = 1e-6)
    {
        double[] x = inputs[which].ToArray();
        int[] shape = inputs[which].Shape.ToArray();
        var grad = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double orig = x[i];
            x[i] = orig + h;
            double plus = Eval(f, inputs, which, x, shape);
            x[i] = orig - h;
            double minus = Eval(f, inputs, which, x, shape);
            x[i] = orig;
            grad[i] = (plus - minus) / (2 * h);
        }

        return grad;
    }

    private static double Eval(Func<IReadOnlyList<Tensor<double>>, Tensor<double>> f, IReadOnlyList<Tensor<double>> inputs, int which, double[] x, int[] shape)
    {
        var list = new List<Tensor<double>>(inputs);
        list[which] = new Tensor<double>(x, shape);
        return AutoDiffGen.Tensor.Sum(f(list)).ToScalar();
    }

    /// <summary>Checks the tape gradient of sum(f(inputs)) with respect to every input against central differences.</summary>
    public static void Verify(Func<IReadOnlyList<Tensor<double>>, Tensor<double>> f, IReadOnlyList<Tensor<double>> inputs, double tolerance = 1e-6)
    {
        Tensor<double>?[] tape;
        using (var t = new GradientTape())
        {
            foreach (Tensor<double> x in inputs)
            {
                t.Watch(x);
            }

            Tensor<double> y = f(inputs);
            tape = t.Gradient(y, inputs);
        }

        for (int k = 0; k < inputs.Count; k++)
        {
            double[] numeric = Gradient(f, inputs, k);
            Assert.NotNull(tape[k]);
            Assert.Equal(inputs[k].Shape, tape[k]!.Shape);
            double[] analytic = tape[k]!.ToArray();
            for (int i = 0; i < numeric.Length; i++)
            {
                double scale = Math.Max(1.0, Math.Abs(numeric[i]));
                Assert.True(
                    Math.Abs(numeric[i] - analytic[i]) <= tolerance * scale,
                    $"input {k} element {i}: tape {analytic[i]:R}, finite difference {numeric[i]:R}");
            }
        }
    }
}
