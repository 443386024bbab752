using System;
using System.Collections.Generic;

namespace AutoDiffGen.Tape.Tests;

/// <summary>Gradients of every operation: central finite differences at seeded random points, and analytic rules (spec 16).</summary>
public class OpGradientTests
{
    public static TheoryData<string> UnaryOps => new() { "Neg", "Exp", "Log", "Sqrt", "Square", "Sin", "Cos", "Tanh", "Sigmoid", "Relu", "Abs" };

    private static Tensor<double> ApplyUnary(string op, Tensor<double> x) => op switch
    {
        "Neg" => -x,
        "Exp" => Tensor.Exp(x),
        "Log" => Tensor.Log(x),
        "Sqrt" => Tensor.Sqrt(x),
        "Square" => Tensor.Square(x),
        "Sin" => Tensor.Sin(x),
        "Cos" => Tensor.Cos(x),
        "Tanh" => Tensor.Tanh(x),
        "Sigmoid" => Tensor.Sigmoid(x),
        "Relu" => Tensor.Relu(x),
        "Abs" => Tensor.Abs(x),
        _ => throw new ArgumentException(op),
    };

    [Theory]
    [MemberData(nameof(UnaryOps))]
    public void Unary_op_gradients_match_finite_differences(string op)
    {
        var rng = new Random(op.Length * 31);
        bool positive = op is "Log" or "Sqrt";
        double[] v = Rand.Doubles(rng, 12, positive ? 0.2 : -2, 2);
        if (op is "Relu" or "Abs")
        {
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = Math.Abs(v[i]) < 0.05 ? 0.5 : v[i]; // keep away from the kink
            }
        }

        var x = new Tensor<double>(v, 3, 4);
        Tensor<double> w = Rand.Tensor(rng, 3, 4); // random weights so the loss is not symmetric
        FiniteDifference.Verify(xs => ApplyUnary(op, xs[0]) * w, [x]);
    }

    [Theory]
    [MemberData(nameof(UnaryOps))]
    public void Unary_op_gradients_match_analytic_formulas(string op)
    {
        double[] xs = op is "Log" or "Sqrt" ? [0.25, 1.0, 2.5] : [-1.5, 0.3, 2.0];
        var x = new Tensor<double>(xs);
        Tensor<double>? g;
        using (var t = new GradientTape())
        {
            t.Watch(x);
            g = t.Gradient(ApplyUnary(op, x), x);
        }

        var expected = new double[xs.Length];
        for (int i = 0; i < xs.Length; i++)
        {
            double a = xs[i];
            double s = 1 / (1 + Math.Exp(-a));
            expected[i] = op switch
            {
                "Neg" => -1,
                "Exp" => Math.Exp(a),
                "Log" => 1 / a,
                "Sqrt" => 0.5 / Math.Sqrt(a),
                "Square" => 2 * a,
                "Sin" => Math.Cos(a),
                "Cos" => -Math.Sin(a),
                "Tanh" => 1 - (Math.Tanh(a) * Math.Tanh(a)),
                "Sigmoid" => s * (1 - s),
                "Relu" => a > 0 ? 1 : 0,
                "Abs" => Math.Sign(a),
                _ => double.NaN,
            };
        }

        Check.Values(expected, g, 1e-12);
    }

    public static TheoryData<string, int[], int[]> BinaryCases()
    {
        var data = new TheoryData<string, int[], int[]>();
        foreach (string op in new[] { "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min" })
        {
            data.Add(op, [2, 3], [2, 3]);
            data.Add(op, [2, 3], [3]);
            data.Add(op, [2, 1], [1, 3]);
            data.Add(op, [], [2, 3]);
            data.Add(op, [4, 1, 3], [2, 1]);
        }

        return data;
    }

    private static Tensor<double> ApplyBinary(string op, Tensor<double> a, Tensor<double> b) => op switch
    {
        "Add" => a + b,
        "Sub" => a - b,
        "Mul" => a * b,
        "Div" => a / b,
        "Pow" => Tensor.Pow(a, b),
        "Max" => Tensor.Maximum(a, b),
        "Min" => Tensor.Minimum(a, b),
        _ => throw new ArgumentException(op),
    };

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void Broadcasting_binary_op_gradients_match_finite_differences(string op, int[] shapeA, int[] shapeB)
    {
        var rng = new Random((op.GetHashCode(StringComparison.Ordinal) & 0xffff) + shapeA.Length);
        int na = Size(shapeA), nb = Size(shapeB);
        double lo = op is "Pow" or "Div" ? 0.5 : -2;
        var a = new Tensor<double>(Rand.Doubles(rng, na, lo, 2), shapeA);
        var b = new Tensor<double>(Rand.Doubles(rng, nb, op == "Div" ? 0.5 : -2, 2), shapeB);
        int[] outShape = Tensor.BroadcastShape(op, shapeA, shapeB);
        var w = new Tensor<double>(Rand.Doubles(rng, Size(outShape)), outShape);
        FiniteDifference.Verify(xs => ApplyBinary(op, xs[0], xs[1]) * w, [a, b]);
    }

    private static int Size(int[] s)
    {
        int n = 1;
        foreach (int d in s)
        {
            n *= d;
        }

        return n;
    }

    [Fact]
    public void Scalar_operand_overloads_match_finite_differences()
    {
        var rng = new Random(5);
        var x = new Tensor<double>(Rand.Doubles(rng, 6, 0.3, 2), 2, 3);
        FiniteDifference.Verify(
            xs => (xs[0] + 1.5) + (2.5 + xs[0]) + (xs[0] - 0.5) + (3.0 - xs[0]) + (xs[0] * 1.7) + (0.3 * xs[0]) + (xs[0] / 4.0)
                + (2.0 / xs[0]) + Tensor.Pow(xs[0], 2.5) + Tensor.Maximum(xs[0], 1.0) + Tensor.Minimum(xs[0], 1.0)
                + Tensor.Add(0.5, xs[0]) + Tensor.Multiply(2.0, xs[0]),
            [x]);
    }

    [Fact]
    public void Broadcast_gradient_is_reduced_to_the_input_shape()
    {
        // x (2,3), b (3): L = sum(x * b) -> dL/db = column sums of x, dL/dx = b broadcast
        var x = new Tensor<double>(new[] { 1.0, 2, 3, 4, 5, 6 }, 2, 3);
        var b = new Tensor<double>(new[] { 10.0, 20, 30 });
        Tensor<double>?[] g;
        using (var t = new GradientTape())
        {
            t.Watch(x);
            t.Watch(b);
            g = t.Gradient(Tensor.Sum(x * b), [x, b]);
        }

        Check.Shape([2, 3], g[0]);
        Check.Values([10, 20, 30, 10, 20, 30], g[0]);
        Check.Shape([3], g[1]);
        Check.Values([5, 7, 9], g[1]);
    }

    [Fact]
    public void Relu_and_abs_gradients_are_zero_at_zero()
    {
        var x = new Tensor<double>(new[] { -1.0, 0.0, 2.0 });
        Tensor<double>?[] g = new Tensor<double>?[2];
        using (var t = new GradientTape(persistent: true))
        {
            t.Watch(x);
            g[0] = t.Gradient(Tensor.Relu(x), x);
            g[1] = t.Gradient(Tensor.Abs(x), x);
        }

        Check.Values([0, 0, 1], g[0]);
        Check.Values([-1, 0, 1], g[1]);
    }

    [Fact]
    public void Maximum_and_minimum_ties_go_to_the_first_argument()
    {
        var a = new Tensor<double>(new[] { 1.0, 2.0, 3.0 });
        var b = new Tensor<double>(new[] { 1.0, 5.0, 0.0 });
        Tensor<double>?[] gmax, gmin, gs;
        using (var t = new GradientTape(persistent: true))
        {
            t.Watch(a);
            t.Watch(b);
            gmax = t.Gradient(Tensor.Maximum(a, b), [a, b]);
            gmin = t.Gradient(Tensor.Minimum(a, b), [a, b]);
            gs = t.Gradient(Tensor.Maximum(a, 2.0) + Tensor.Minimum(a, 2.0), [a]);
        }

        Check.Values([1, 0, 1], gmax[0]);
        Check.Values([0, 1, 0], gmax[1]);
        Check.Values([1, 1, 0], gmin[0]);
        Check.Values([0, 0, 1], gmin[1]);
        Check.Values([1, 2, 1], gs[0]); // at the tie a == 2 both the max and the min pass the gradient to a
    }

    [Fact]
    public void Pow_exponent_gradient_is_zero_where_the_base_is_not_positive()
    {
        var x = new Tensor<double>(new[] { -2.0, 0.0, 2.0 });
        var y = new Tensor<double>(new[] { 2.0, 2.0, 3.0 });
        Tensor<double>?[] g;
        using (var t = new GradientTape())
        {
            t.Watch(x);
            t.Watch(y);
            g = t.Gradient(Tensor.Pow(x, y), [x, y]);
        }

        Check.Values([-4, 0, 12], g[0]);
        Check.Values([0, 0, 8 * Math.Log(2)], g[1]);
        Assert.False(double.IsNaN(g[1]!.ToArray()[0]));
    }

    [Fact]
    public void Sqrt_gradient_is_infinite_at_zero_and_nan_propagates()
    {
        var x = new Tensor<double>(new[] { 0.0, double.NaN, 4.0 });
        Tensor<double>? g;
        Tensor<double> y;
        using (var t = new GradientTape())
        {
            t.Watch(x);
            y = Tensor.Sqrt(x);
            g = t.Gradient(y, x);
        }

        Check.Values([double.PositiveInfinity, double.NaN, 0.25], g);
        Check.Values([0, double.NaN, 2], y);
        Assert.True(double.IsNaN((new Tensor<double>(double.NaN) + 1.0).ToScalar()));
        Assert.True(double.IsPositiveInfinity((new Tensor<double>(1.0) / 0.0).ToScalar()));
        Assert.True(double.IsNaN(Tensor.Maximum(new Tensor<double>(double.NaN), new Tensor<double>(1.0)).ToScalar()));
        Assert.True(double.IsNaN(Tensor.Relu(new Tensor<double>(double.NaN)).ToScalar()));
    }

    [Fact]
    public void Reductions_along_axes_match_finite_differences()
    {
        var rng = new Random(9);
        Tensor<double> x = Rand.Tensor(rng, 2, 3, 4);
        foreach (int axis in new[] { 0, 1, 2, -1, -3 })
        {
            foreach (bool keep in new[] { false, true })
            {
                int[] outShape = Tensor.Sum(x, axis, keep).Shape.ToArray();
                var w = new Tensor<double>(Rand.Doubles(rng, Size(outShape)), outShape);
                FiniteDifference.Verify(xs => (Tensor.Sum(xs[0], axis, keep) * w) + (Tensor.Mean(xs[0], axis, keep) * (w * w)), [x]);
            }
        }

        FiniteDifference.Verify(xs => Tensor.Sum(xs[0] * xs[0]) + Tensor.Mean(Tensor.Exp(xs[0])), [x]);
    }

    [Fact]
    public void Reduction_values_shapes_and_mean_gradient()
    {
        var x = new Tensor<double>(new[] { 1.0, 2, 3, 4, 5, 6 }, 2, 3);
        Check.Values([5, 7, 9], Tensor.Sum(x, 0));
        Check.Values([6, 15], Tensor.Sum(x, -1));
        Check.Shape([2, 1], Tensor.Sum(x, 1, keepDims: true));
        Check.Shape([], Tensor.Sum(x));
        Check.Values([2, 5], Tensor.Mean(x, 1));
        Check.Scalar(3.5, Tensor.Mean(x));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Sum(x, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Mean(x, -3));

        // Full mean of (2, 3) -> 1/6 each.
        Tensor<double>? g;
        using (var t = new GradientTape())
        {
            t.Watch(x);
            g = t.Gradient(Tensor.Mean(x), x);
        }

        Check.Values([1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0], g);
    }

    [Fact]
    public void Reshape_transpose_broadcast_and_stack_gradients_match_finite_differences()
    {
        var rng = new Random(13);
        Tensor<double> x = Rand.Tensor(rng, 2, 3, 4);
        Tensor<double> w24 = Rand.Tensor(rng, 4, 6);
        FiniteDifference.Verify(xs => Tensor.Reshape(xs[0], 4, -1) * w24, [x]);
        Tensor<double> wt = Rand.Tensor(rng, 4, 2, 3);
        FiniteDifference.Verify(xs => Tensor.Transpose(xs[0], 2, 0, 1) * wt, [x]);
        Tensor<double> m = Rand.Tensor(rng, 3, 5);
        Tensor<double> wm = Rand.Tensor(rng, 5, 3);
        FiniteDifference.Verify(xs => Tensor.Transpose(xs[0]) * wm, [m]);
        Tensor<double> v = Rand.Tensor(rng, 3, 1);
        Tensor<double> wb = Rand.Tensor(rng, 2, 3, 4);
        FiniteDifference.Verify(xs => Tensor.BroadcastTo(xs[0], 2, 3, 4) * wb, [v]);
        Tensor<double> a = Rand.Tensor(rng, 2, 3), b = Rand.Tensor(rng, 2, 3);
        Tensor<double> ws = Rand.Tensor(rng, 2, 2, 3);
        FiniteDifference.Verify(xs => Tensor.Stack([xs[0], xs[1]], 1) * ws, [a, b]);
        FiniteDifference.Verify(xs => Tensor.Stack([xs[0], xs[1] * xs[0]], -1) * Tensor.Transpose(ws, 1, 2, 0), [a, b]);
    }

    [Fact]
    public void Transpose_and_reshape_values()
    {
        var x = new Tensor<double>(new[] { 1.0, 2, 3, 4, 5, 6 }, 2, 3);
        Tensor<double> t = Tensor.Transpose(x);
        Check.Shape([3, 2], t);
        Check.Values([1, 4, 2, 5, 3, 6], t);
        Tensor<double> p = Tensor.Transpose(Tensor.Reshape(x, 1, 2, 3), 2, 0, 1);
        Check.Shape([3, 1, 2], p);
        Check.Values([1, 4, 2, 5, 3, 6], p);
        Check.Shape([6], Tensor.Reshape(x, -1));
        Check.Shape([3, 2], Tensor.Reshape(x, -1, 2));
        Check.Values([1, 2, 3, 4, 5, 6], Tensor.Reshape(x, 6));
        Assert.Throws<ArgumentException>(() => Tensor.Reshape(x, 4));
        Assert.Throws<ArgumentException>(() => Tensor.Reshape(x, -1, -1));
        Assert.Throws<ArgumentException>(() => Tensor.Reshape(x, -1, 4));
        Assert.Throws<ArgumentException>(() => Tensor.Transpose(x, 0, 0));
        Assert.Throws<ArgumentException>(() => Tensor.Transpose(x, 0, 1, 2));
    }

    [Fact]
    public void Broadcast_to_values_and_identity_when_shape_matches()
    {
        var x = new Tensor<double>(new[] { 1.0, 2.0 }, 2, 1);
        Tensor<double> b = Tensor.BroadcastTo(x, 2, 3);
        Check.Values([1, 1, 1, 2, 2, 2], b);
        Assert.Same(x, Tensor.BroadcastTo(x, 2, 1));
        var e = Assert.Throws<ArgumentException>(() => Tensor.BroadcastTo(x, 3, 3));
        Assert.Contains("(2, 1)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(3, 3)", e.Message, StringComparison.Ordinal);
        Assert.Equal(new[] { 4, 2, 3 }, Tensor.BroadcastShape("Op", [2, 1], [4, 1, 3]));
        Assert.Equal(new[] { 5 }, Tensor.BroadcastShape("Op", [], [5]));
    }

    [Fact]
    public void Matmul_gradients_match_finite_differences_including_batched()
    {
        var rng = new Random(17);
        FiniteDifference.Verify(xs => Tensor.MatMul(xs[0], xs[1]), [Rand.Tensor(rng, 3, 4), Rand.Tensor(rng, 4, 2)]);
        FiniteDifference.Verify(xs => Tensor.MatMul(xs[0], xs[1]) * xs[2], [Rand.Tensor(rng, 2, 3, 4), Rand.Tensor(rng, 4, 5), Rand.Tensor(rng, 2, 3, 5)]);
        FiniteDifference.Verify(xs => Tensor.MatMul(xs[0], xs[1]), [Rand.Tensor(rng, 2, 3, 4), Rand.Tensor(rng, 2, 4, 2)]);
        FiniteDifference.Verify(xs => Tensor.MatMul(xs[0], xs[1]) * xs[2], [Rand.Tensor(rng, 3, 4), Rand.Tensor(rng, 2, 4, 2), Rand.Tensor(rng, 2, 3, 2)]);

        // Large enough for the packed kernel (transposed products in the backward pass).
        FiniteDifference.Verify(xs => Tensor.Tanh(Tensor.MatMul(xs[0], xs[1])), [Rand.Tensor(rng, 9, 33), Rand.Tensor(rng, 33, 17)], 1e-5);
    }

    [Fact]
    public void Matmul_gradient_rules_g_bt_and_at_g()
    {
        var a = new Tensor<double>(new[] { 1.0, 2, 3, 4, 5, 6 }, 2, 3);
        var b = new Tensor<double>(new[] { 1.0, 0, -1, 2, 0.5, 1 }, 3, 2);
        var g = new Tensor<double>(new[] { 1.0, 2, 3, 4 }, 2, 2);
        Tensor<double>?[] grads;
        using (var t = new GradientTape())
        {
            t.Watch(a);
            t.Watch(b);
            grads = t.Gradient(Tensor.MatMul(a, b), [a, b], outputGradients: g);
        }

        Check.Values(Tensor.MatMul(g, Tensor.Transpose(b)).ToArray(), grads[0]);
        Check.Values(Tensor.MatMul(Tensor.Transpose(a), g).ToArray(), grads[1]);
        Check.Values([1 * 1 + 2 * -1 + 3 * 0.5, 0 + 4 + 3, 4 - 5 + 3, 0 + 10 + 6], Tensor.MatMul(a, b));
    }

    [Fact]
    public void Softmax_log_softmax_and_cross_entropy_gradients_match_finite_differences()
    {
        var rng = new Random(21);
        Tensor<double> x = Rand.Tensor(rng, 3, 4);
        Tensor<double> w = Rand.Tensor(rng, 3, 4);
        FiniteDifference.Verify(xs => Tensor.Softmax(xs[0]) * w, [x]);
        FiniteDifference.Verify(xs => Tensor.LogSoftmax(xs[0]) * w, [x]);
        FiniteDifference.Verify(xs => Tensor.Softmax(xs[0], 0) * w, [x]);
        FiniteDifference.Verify(xs => Tensor.LogSoftmax(xs[0], 0) * w, [x]);
        Tensor<double> x3 = Rand.Tensor(rng, 2, 3, 2);
        Tensor<double> w3 = Rand.Tensor(rng, 2, 3, 2);
        FiniteDifference.Verify(xs => Tensor.Softmax(xs[0], 1) * w3, [x3]);
        FiniteDifference.Verify(xs => Tensor.LogSoftmax(xs[0], 1) * w3, [x3]);

        var labels = new Tensor<double>(new[] { 0.2, 0.3, 0.5, 0, 0, 0, 1, 0, 0.7, 0.1, 0.1, 0.1 }, 3, 4);
        Tensor<double> wr = Rand.Tensor(rng, 3);
        FiniteDifference.Verify(xs => Tensor.SoftmaxCrossEntropyWithLogits(xs[0], xs[1]) * wr, [labels, x]);
        var unnormalised = new Tensor<double>(Rand.Doubles(rng, 12, 0, 1), 3, 4);
        FiniteDifference.Verify(xs => Tensor.SoftmaxCrossEntropyWithLogits(xs[0], xs[1]) * wr, [unnormalised, x]);
    }

    [Fact]
    public void Softmax_is_stable_for_large_logits_and_cross_entropy_matches_the_definition()
    {
        var logits = new Tensor<float>(new[] { 1000f, 1000f, 0f, -1000f, 0f, 1000f }, 2, 3);
        Tensor<float> p = Tensor.Softmax(logits);
        Check.Values([0.5f, 0.5f, 0f, 0f, 0f, 1f], p);
        Tensor<float> lsm = Tensor.LogSoftmax(logits);
        Assert.Equal(-MathF.Log(2), lsm[0, 0], 5);
        Assert.Equal(-1000f - MathF.Log(2), lsm[0, 2], 3);
        var labels = new Tensor<float>(new[] { 1f, 0f, 0f, 0f, 0f, 1f }, 2, 3);
        Tensor<float> loss = Tensor.SoftmaxCrossEntropyWithLogits(labels, logits);
        Check.Shape([2], loss);
        Check.Values([MathF.Log(2), 0f], loss, 1e-5f);

        // Fused gradient: softmax - labels per row.
        Tensor<float>? g;
        using (var t = new GradientTape())
        {
            t.Watch(logits);
            g = t.Gradient(Tensor.SoftmaxCrossEntropyWithLogits(labels, logits), logits);
        }

        Check.Values([-0.5f, 0.5f, 0f, 0f, 0f, 0f], g);
        Assert.Throws<ArgumentException>(() => Tensor.SoftmaxCrossEntropyWithLogits(labels, Tensor.Zeros<float>(2, 4)));
    }

    [Fact]
    public void Second_derivatives_of_every_op_match_finite_differences_of_the_first()
    {
        // For each op f, check d/dx sum(grad_x sum(f(x) * w)) numerically: exercises the recorded backward functions.
        var rng = new Random(23);
        var ops = new List<Func<Tensor<double>, Tensor<double>>>
        {
            x => Tensor.Exp(x), x => Tensor.Log(x), x => Tensor.Sqrt(x), x => Tensor.Square(x), x => Tensor.Sin(x),
            x => Tensor.Cos(x), x => Tensor.Tanh(x), x => Tensor.Sigmoid(x), x => Tensor.Relu(x) * x, x => Tensor.Abs(x) * x,
            x => Tensor.Pow(x, 3.0), x => 2.0 / x, x => Tensor.Pow(x, x), x => x / (x + 1.0), x => Tensor.Maximum(x, x * x),
            x => Tensor.Softmax(x) * x, x => Tensor.LogSoftmax(x, 0) * x, x => Tensor.Mean(x * x, 1, keepDims: true) * x,
            x => Tensor.MatMul(x, Tensor.Transpose(x)), x => Tensor.Reshape(x * x, 3, 2), x => Tensor.BroadcastTo(Tensor.Sum(x * x, 0), 4, 3),
            x => Tensor.SoftmaxCrossEntropyWithLogits(Tensor.Softmax(x), x),
            x => Tensor.Stack([x, x * x]), x => Tensor.MatMul(Tensor.Reshape(x, 1, 2, 3), Tensor.Reshape(x * x, 1, 3, 2)),
        };
        foreach (var f in ops)
        {
            Tensor<double> x0 = new(Rand.Doubles(rng, 6, 0.3, 1.5), 2, 3);
            Tensor<double> w = Rand.Tensor(rng, Tensor.Sum(f(x0)) is var _ ? f(x0).Shape.ToArray() : []);
            Tensor<double> FirstGradSum(Tensor<double> x, GradientTape? outer)
            {
                outer?.Watch(x);
                using var inner = new GradientTape();
                inner.Watch(x);
                Tensor<double> gx = inner.Gradient(Tensor.Sum(f(x) * w), x)!;
                return Tensor.Sum(gx * gx);
            }

            Tensor<double> s;
            GradientTape outerTape;
            using (outerTape = new GradientTape())
            {
                s = FirstGradSum(x0, outerTape);
            }

            Tensor<double>? second = outerTape.Gradient(s, x0);
            double[] xv = x0.ToArray();
            for (int i = 0; i < xv.Length; i++)
            {
                double o = xv[i];
                const double H = 1e-6;
                xv[i] = o + H;
                double p = FirstGradSum(new Tensor<double>(xv, 2, 3), null).ToScalar();
                xv[i] = o - H;
                double m = FirstGradSum(new Tensor<double>(xv, 2, 3), null).ToScalar();
                xv[i] = o;
                double numeric = (p - m) / (2 * H);
                Assert.True(
                    Check.Close(numeric, second!.ToArray()[i], 1e-5),
                    $"op {ops.IndexOf(f)} element {i}: recorded {second.ToArray()[i]:R}, numeric {numeric:R}");
            }
        }
    }

    [Fact]
    public void Float_gradients_work_like_double()
    {
        var x = new Variable<float>(new[] { 0.5f, -1f, 2f });
        Tensor<float>? g;
        GradientTape t;
        using (t = new GradientTape())
        {
            Tensor<float> y = Tensor.Sum(Tensor.Tanh(x) * Tensor.Exp(x) + Tensor.Pow(x, 2f));
            g = t.Gradient(y, x);
        }

        float[] xs = x.ToArray();
        var expected = new float[3];
        for (int i = 0; i < 3; i++)
        {
            float th = MathF.Tanh(xs[i]);
            expected[i] = ((1 - (th * th)) * MathF.Exp(xs[i])) + (th * MathF.Exp(xs[i])) + (2 * xs[i]);
        }

        Check.Values(expected, g, 1e-5f);
    }

    [Fact]
    public void Shape_mismatch_errors_name_the_operation_and_both_shapes()
    {
        var a = Tensor.Zeros<double>(2, 3);
        var b = Tensor.Zeros<double>(4);
        Assert.Equal("Add: shapes (2, 3) and (4,) are not broadcastable.", Assert.Throws<ArgumentException>(() => a + b).Message);
        Assert.StartsWith("Subtract: shapes (2, 3) and (4,)", Assert.Throws<ArgumentException>(() => a - b).Message, StringComparison.Ordinal);
        Assert.StartsWith("Multiply: shapes (2, 3) and (4,)", Assert.Throws<ArgumentException>(() => a * b).Message, StringComparison.Ordinal);
        Assert.StartsWith("Divide: shapes (2, 3) and (4,)", Assert.Throws<ArgumentException>(() => a / b).Message, StringComparison.Ordinal);
        Assert.StartsWith("Pow: shapes", Assert.Throws<ArgumentException>(() => Tensor.Pow(a, b)).Message, StringComparison.Ordinal);
        Assert.StartsWith("Maximum: shapes", Assert.Throws<ArgumentException>(() => Tensor.Maximum(a, b)).Message, StringComparison.Ordinal);
        Assert.StartsWith("Minimum: shapes", Assert.Throws<ArgumentException>(() => Tensor.Minimum(a, b)).Message, StringComparison.Ordinal);
        string mm = Assert.Throws<ArgumentException>(() => Tensor.MatMul(a, a)).Message;
        Assert.Contains("MatMul", mm, StringComparison.Ordinal);
        Assert.Contains("(2, 3) and (2, 3)", mm, StringComparison.Ordinal);
        Assert.Contains("rank at least 2", Assert.Throws<ArgumentException>(() => Tensor.MatMul(b, a)).Message, StringComparison.Ordinal);
        Assert.Contains("batch", Assert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Zeros<double>(2, 2, 3), Tensor.Zeros<double>(3, 3, 2))).Message, StringComparison.Ordinal);
        var e = Assert.Throws<ArgumentException>(() => Tensor.BroadcastShape("MyOp", [2, 3], [4]));
        Assert.Equal("MyOp: shapes (2, 3) and (4,) are not broadcastable.", e.Message);
        Assert.Throws<ArgumentNullException>(() => Tensor.Exp<double>(null!));
        Assert.Throws<ArgumentNullException>(() => a + null!);
    }
}
