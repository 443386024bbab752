using AutoDiffGen.Generator.Tests.Infrastructure;

namespace AutoDiffGen.Generator.Tests;

/// <summary>The generated source for representative methods, read by people: keep it readable.</summary>
public class SnapshotTests
{
    private static void VerifyGenerated(string source, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        var (result, output) = GeneratorHarness.Run(source);
        Assert.Empty(GeneratorHarness.CompilationProblems(output));
        Snapshot.Verify(result, testMethod: test);
    }

    [Fact]
    public void Straight_line_scalar_code() => VerifyGenerated("""
        using System;
        using AutoDiffGen;

        namespace Demo;

        public static partial class Losses
        {
            [Differentiable]
            public static double SquaredError(double w, double b, double x, double y)
            {
                double prediction = w * x + b;
                double error = y - prediction;
                return error * error;
            }
        }
        """);

    [Fact]
    public void Branches_and_conditional_expressions() => VerifyGenerated("""
        using System;
        using AutoDiffGen;

        public static partial class Functions
        {
            [Differentiable]
            public static double Huber(double residual, [NoDerivative] double delta)
            {
                double a = Math.Abs(residual);
                if (a <= delta)
                {
                    return 0.5 * residual * residual;
                }

                return delta * (a - 0.5 * delta);
            }

            [Differentiable]
            public static double Relu(double x) => x > 0 ? x : 0.01 * x;
        }
        """);

    [Fact]
    public void Loop_over_an_array() => VerifyGenerated("""
        using AutoDiffGen;

        public static partial class Functions
        {
            [Differentiable]
            public static double Rosenbrock(double[] x)
            {
                double sum = 0;
                for (int i = 0; i < x.Length - 1; i++)
                {
                    double t = x[i + 1] - x[i] * x[i];
                    double u = 1 - x[i];
                    sum += 100 * t * t + u * u;
                }

                return sum;
            }
        }
        """);

    [Fact]
    public void Convergence_loop_with_break_and_overwritten_state() => VerifyGenerated("""
        using System;
        using AutoDiffGen;

        public static partial class Functions
        {
            [Differentiable]
            public static double SquareRoot(double a)
            {
                double x = a;
                for (int i = 0; i < 100; i++)
                {
                    double next = 0.5 * (x + a / x);
                    if (Math.Abs(next - x) < 1e-15)
                    {
                        break;
                    }

                    x = next;
                }

                return x;
            }
        }
        """);

    [Fact]
    public void Helpers_with_ref_and_out() => VerifyGenerated("""
        using System;
        using AutoDiffGen;

        public static partial class Physics
        {
            [Differentiable]
            public static double Energy(double x, double v, double k)
            {
                Step(ref x, ref v, k, 0.1);
                Split(x, out double potential, out double kinetic);
                return k * potential + kinetic * v;
            }

            static void Step(ref double x, ref double v, double k, double dt)
            {
                v -= k * x * dt;
                x += v * dt;
            }

            static void Split(double x, out double square, out double cube)
            {
                square = x * x;
                cube = square * x;
            }
        }
        """);

    [Fact]
    public void Nested_loops_with_continue_and_early_return() => VerifyGenerated("""
        using AutoDiffGen;

        namespace Demo.Nested;

        internal partial class Outer<T>
        {
            internal static partial class Inner
            {
                [Differentiable]
                internal static float Search(float[] values, float scale)
                {
                    float total = 0;
                    for (int i = 0; i < values.Length; i++)
                    {
                        if (values[i] < 0)
                        {
                            continue;
                        }

                        for (int j = 0; j < 2; j++)
                        {
                            total += values[i] * scale;
                            if (total > 10)
                            {
                                return total * total;
                            }
                        }
                    }

                    return total;
                }
            }
        }
        """);

    [Fact]
    public void Local_arrays_and_swaps() => VerifyGenerated("""
        using AutoDiffGen;

        public static partial class Sorting
        {
            [Differentiable]
            public static double WeightedSorted(double[] values)
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
                        (a[j], a[j - 1]) = (a[j - 1], a[j]);
                    }
                }

                double s = 0;
                foreach (double v in a)
                {
                    s = 0.5 * s + v;
                }

                return s;
            }
        }
        """);
}
