using System;
using System.Linq;
using AutoDiffGen.Tests.Functions;
using AutoDiffGen.Tests.Infrastructure;

namespace AutoDiffGen.Tests;

/// <summary>The generated overload that records a [Differentiable] method as one GradientTape operation.</summary>
public class TensorBridgeTests
{
    [Fact]
    public void Scalar_parameters_map_elementwise_with_broadcasting()
    {
        var x = new Tensor<double>([0.5, -1.2, 2.0, 0.1, 0.0, 1.5], 2, 3);
        var y = new Tensor<double>([0.3, -0.7, 1.1], 3);
        Tensor<double> value, loss;
        var tape = new GradientTape();
        using (tape)
        {
            tape.Watch(x);
            value = ScalarFunctions.Arithmetic(x, y);
            loss = Tensor.Sum(value);
        }

        Tensor<double>? dx = tape.Gradient(loss, x);

        Assert.Equal(new[] { 2, 3 }, value.Shape);
        double[] xs = x.ToArray(), ys = y.ToArray(), values = value.ToArray(), gx = dx!.ToArray();
        for (int e = 0; e < 6; e++)
        {
            double expected = ScalarFunctions.ArithmeticGradient(xs[e], ys[e % 3], out double ex, out _);
            Assert.Equal(expected, values[e]);
            Check.Close(ex, gx[e], 1e-15);
        }
    }

    [Fact]
    public void Broadcast_gradient_is_summed_back_to_the_parameter_shape()
    {
        var x = new Tensor<double>([0.5, -1.2, 2.0, 0.1, 0.0, 1.5], 2, 3);
        var y = new Tensor<double>(0.25);
        Tensor<double> loss;
        var tape = new GradientTape();
        using (tape)
        {
            tape.Watch(x);
            tape.Watch(y);
            loss = Tensor.Sum(ScalarFunctions.Arithmetic(x, y));
        }

        Tensor<double>?[] gradients = tape.Gradient(loss, [x, y]);

        Assert.Empty(gradients[1]!.Shape);
        double expected = x.ToArray().Sum(v =>
        {
            ScalarFunctions.ArithmeticGradient(v, 0.25, out _, out double g);
            return g;
        });
        Check.Close(expected, gradients[1]!.ToArray()[0], 1e-14);
    }

    [Fact]
    public void Array_parameters_take_one_dimensional_tensors()
    {
        var a = new Tensor<double>([1.0, 2, 3]);
        var b = new Tensor<double>([4.0, -5, 6]);
        Tensor<double> dot;
        var tape = new GradientTape();
        using (tape)
        {
            tape.Watch(a);
            tape.Watch(b);
            dot = LoopFunctions.Dot(a, b);
        }

        Tensor<double>?[] gradients = tape.Gradient(dot, [a, b]);
        Assert.Equal(12, dot.ToArray()[0]);
        Assert.Empty(dot.Shape);
        Assert.Equal(new[] { 4.0, -5, 6 }, gradients[0]!.ToArray());
        Assert.Equal(new[] { 1.0, 2, 3 }, gradients[1]!.ToArray());
    }

    [Fact]
    public void A_bridged_method_composes_with_tape_operations_and_variables()
    {
        var w = new Variable<double>([0.4, -0.3, 1.1]);
        var x = new Tensor<double>(0.7);
        Tensor<double> loss;
        var tape = new GradientTape();
        using (tape)
        {
            // loss = sum(2 * ForEachSum(w, x) * sin(w)): w is a trainable variable, watched automatically.
            Tensor<double> s = LoopFunctions.ForEachSum(w, x);
            loss = Tensor.Sum(s * 2.0 * Tensor.Sin(w));
        }

        Tensor<double>? dw = tape.Gradient(loss, w);

        double[] wv = [0.4, -0.3, 1.1];
        double sum = wv.Sum(v => v * v * 0.7);
        double[] expected = wv.Select(v => (2 * 2 * v * 0.7 * wv.Sum(Math.Sin)) + (2 * sum * Math.Cos(v))).ToArray();
        Check.Close(expected, dw!.ToArray(), 1e-14);
    }

    [Fact]
    public void A_method_that_writes_its_array_sees_a_fresh_copy_per_element()
    {
        var a = new Tensor<double>([0.5, 1.5, -1.0]);
        var x = new Tensor<double>([1.1, 0.9]);
        Tensor<double> value, total;
        var tape = new GradientTape();
        using (tape)
        {
            tape.Watch(a);
            tape.Watch(x);
            value = LoopFunctions.WritesParameter(a, x);
            total = Tensor.Sum(value);
        }

        Tensor<double>?[] gradients = tape.Gradient(total, [a, x]);
        double[] expectedValues = new[] { 1.1, 0.9 }.Select(xe => LoopFunctions.WritesParameter([0.5, 1.5, -1.0], xe)).ToArray();
        Assert.Equal(expectedValues, value.ToArray());
        var expectedA = new double[3];
        foreach (double xe in new[] { 1.1, 0.9 })
        {
            var g = new double[3];
            LoopFunctions.WritesParameterGradient([0.5, 1.5, -1.0], xe, g, out _);
            for (int i = 0; i < 3; i++)
            {
                expectedA[i] += g[i];
            }
        }

        Check.Close(expectedA, gradients[0]!.ToArray(), 1e-14);
        Assert.Equal(new[] { 0.5, 1.5, -1.0 }, a.ToArray());
    }

    [Fact]
    public void Incompatible_shapes_name_the_method_and_both_shapes()
    {
        var x = new Tensor<double>([1.0, 2, 3]);
        var y = new Tensor<double>([1.0, 2]);
        var exception = Assert.Throws<ArgumentException>(() => ScalarFunctions.Arithmetic(x, y));
        Assert.Contains("Arithmetic", exception.Message, StringComparison.Ordinal);
        Assert.Contains("(3,)", exception.Message, StringComparison.Ordinal);
        Assert.Contains("(2,)", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_array_parameter_rejects_a_matrix()
    {
        var m = new Tensor<double>([1.0, 2, 3, 4], 2, 2);
        var exception = Assert.Throws<ArgumentException>(() => LoopFunctions.Dot(m, m));
        Assert.Contains("Dot: parameter 'a' takes a 1-D tensor", exception.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 2)", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Float_methods_bridge_to_float_tensors()
    {
        var x = new Tensor<float>([0.5f, -0.25f]);
        var y = new Tensor<float>(2f);
        Tensor<float> loss;
        var tape = new GradientTape();
        using (tape)
        {
            tape.Watch(x);
            loss = Tensor.Sum(ScalarFunctions.SinglePrecision(x, y));
        }

        Tensor<float>? dx = tape.Gradient(loss, x);

        float[] xs = x.ToArray();
        for (int e = 0; e < 2; e++)
        {
            ScalarFunctions.SinglePrecisionGradient(xs[e], 2f, out float expected, out _);
            Check.Close(expected, dx!.ToArray()[e], 1e-6);
        }
    }

    [Fact]
    public void The_backward_pass_uses_the_value_a_variable_had_when_it_was_recorded()
    {
        var w = new Variable<double>([0.5, -1.5]);
        Tensor<double> loss;
        var tape = new GradientTape();
        using (tape)
        {
            loss = Tensor.Sum(ScalarFunctions.Arithmetic(w, new Tensor<double>(0.3)));
        }

        w.Assign(new Tensor<double>([10.0, 20.0]));
        Tensor<double>? dw = tape.Gradient(loss, w);

        double[] expected = new[] { 0.5, -1.5 }.Select(v =>
        {
            ScalarFunctions.ArithmeticGradient(v, 0.3, out double g, out _);
            return g;
        }).ToArray();
        Check.Close(expected, dw!.ToArray(), 1e-15);
    }

    [Fact]
    public void A_gradient_taken_inside_a_persistent_tape_block_is_exact()
    {
        var x = new Tensor<double>([0.5, -1.2, 2.0]);
        using var tape = new GradientTape(persistent: true);
        tape.Watch(x);
        Tensor<double> loss = Tensor.Sum(ScalarFunctions.Arithmetic(x, new Tensor<double>(0.7)));

        // The backward pass runs while the tape records, as TensorFlow allows inside a `with` block.
        Tensor<double>? dx = tape.Gradient(loss, x);

        double[] expected = x.ToArray().Select(v =>
        {
            ScalarFunctions.ArithmeticGradient(v, 0.7, out double g, out _);
            return g;
        }).ToArray();
        Check.Close(expected, dx!.ToArray(), 1e-15);
    }

    [Fact]
    public void A_second_derivative_through_a_bridged_method_is_an_error_not_a_wrong_number()
    {
        var x = new Tensor<double>([0.5, -1.2]);
        Tensor<double>? dx;
        var outer = new GradientTape();
        using (outer)
        {
            outer.Watch(x);
            var inner = new GradientTape();
            using (inner)
            {
                inner.Watch(x);
                Tensor<double> y = Tensor.Sum(ScalarFunctions.Arithmetic(x, new Tensor<double>(0.7)));
                dx = inner.Gradient(y, x);
            }
        }

        // The first derivative is exact; its own derivative would need the adjoint's derivative, which does not exist.
        double[] expected = x.ToArray().Select(v =>
        {
            ScalarFunctions.ArithmeticGradient(v, 0.7, out double g, out _);
            return g;
        }).ToArray();
        Check.Close(expected, dx!.ToArray(), 1e-15);
        var exception = Assert.Throws<NotSupportedException>(() => outer.Gradient(dx, x));
        Assert.StartsWith("Arithmetic: a higher-order derivative through a bridged [Differentiable] method is not supported.", exception.Message, StringComparison.Ordinal);
        Assert.Contains("ArithmeticAdjoint", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_guide_example_gives_the_documented_gradient()
    {
        var r = new Variable<double>([0.3, -2.0, 1.5]);
        Tensor<double> loss;
        var tape = new GradientTape();
        using (tape)
        {
            loss = Tensor.Mean(ScalarFunctions.Huber(r, 1.0));
        }

        Tensor<double>? dr = tape.Gradient(loss, r);

        Check.Close([0.1, -1.0 / 3, 1.0 / 3], dr!.ToArray(), 1e-15);
        Check.Close((0.045 + 1.5 + 1.0) / 3, loss.ToScalar(), 1e-15);
    }
}
