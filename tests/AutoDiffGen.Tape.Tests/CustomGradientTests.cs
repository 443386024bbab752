using System;

namespace AutoDiffGen.Tape.Tests;

/// <summary>Spec section 11: tf.custom_gradient and record_operation.</summary>
public class CustomGradientTests
{
    private static Tensor<float> Log1PExpNaive(Tensor<float> x) => Tensor.Log(1f + Tensor.Exp(x));

    private static Tensor<float> Log1PExp(Tensor<float> x) => Tensor.CustomGradient(x, v =>
    {
        Tensor<float> e = Tensor.Exp(v);
        return (Tensor.Log(1f + e), upstream => upstream * (1f - (1f / (1f + e))));
    });

    [Fact]
    public void Log1pexp_at_100_gives_1_where_the_naive_gradient_is_nan()
    {
        // docs: naive gradient NaN (float32 exp overflow), custom upstream*(1 - 1/(1+e)) -> 1.0
        var x = new Tensor<float>(100f);
        Tensor<float> naive, custom;
        GradientTape tape;
        using (tape = new GradientTape(persistent: true))
        {
            tape.Watch(x);
            naive = Log1PExpNaive(x);
            custom = Log1PExp(x);
        }

        Assert.True(float.IsNaN(tape.Gradient(naive, x)!.ToScalar()));
        Check.Scalar(1f, tape.Gradient(custom, x));
        Assert.True(float.IsPositiveInfinity(custom.ToScalar())); // the value itself overflows, as in the docs
    }

    [Fact]
    public void Clip_gradients_example()
    {
        // Guide-2: backward(dy) = clip_by_norm(dy, 0.5) on v*v, v = 2 -> 2.0
        static Tensor<double> ClipGradients(Tensor<double> y) => Tensor.CustomGradient(y, v => (v, dy =>
        {
            double norm = Math.Sqrt(Tensor.Sum(Tensor.Square(dy)).ToScalar());
            return norm > 0.5 ? dy * (0.5 / norm) : dy;
        }));

        var v = new Variable<double>(2.0);
        Tensor<double> output;
        GradientTape g;
        using (g = new GradientTape())
        {
            output = ClipGradients(v * v);
        }

        Check.Scalar(2.0, g.Gradient(output, v)); // 0.5 * 2v
    }

    [Fact]
    public void Custom_gradient_identity_doubles_the_gradient()
    {
        // testCustomGradientIdentity: y = x, grad = 2 * dresult -> 2.0
        var x = new Tensor<double>(1.0);
        Tensor<double> y;
        GradientTape g;
        using (g = new GradientTape())
        {
            g.Watch(x);
            y = Tensor.CustomGradient(x, v => (v, dr => 2.0 * dr));
        }

        Assert.NotSame(x, y);
        Check.Scalar(2.0, g.Gradient(y, x));
    }

    [Fact]
    public void Custom_gradient_in_eager_mode()
    {
        // testCustomGradientInEagerAndGraph: y = x*x, grad 4*dy -> 4.0
        var x = new Tensor<double>(3.0);
        Tensor<double> y;
        GradientTape g;
        using (g = new GradientTape())
        {
            g.Watch(x);
            y = Tensor.CustomGradient(x, v => (v * v, dy => 4.0 * dy));
        }

        Check.Scalar(4.0, g.Gradient(y, x));
        Check.Scalar(9.0, y);
    }

    [Fact]
    public void Custom_gradient_closing_over_the_input()
    {
        // testImplicitGradientsCustomGradientAndCachedVariableValue: grad 2*dr*x + 1 at x = 3 -> 7
        var x = new Variable<double>(3.0);
        Tensor<double> y;
        GradientTape g;
        using (g = new GradientTape())
        {
            y = Tensor.CustomGradient<double>(x, v => (v * v, dr => (2.0 * dr * v) + 1.0));
        }

        Check.Scalar(7.0, g.Gradient(y, x));
    }

    [Fact]
    public void Forward_of_f_is_not_recorded()
    {
        var x = new Variable<double>(2.0);
        var other = new Variable<double>(5.0);
        Tensor<double> y;
        GradientTape g;
        using (g = new GradientTape())
        {
            y = Tensor.CustomGradient<double>(x, v => (v * other, dy => dy));
        }

        Assert.Equal(new IVariable[] { x }, g.WatchedVariables()); // 'other' was read while recording was paused
        Tensor<double>?[] grads = g.Gradient(y, [x, other]);
        Check.Scalar(1.0, grads[0]);
        Assert.Null(grads[1]);
    }

    [Fact]
    public void Grad_fn_operations_are_recorded_by_outer_tapes_for_second_order()
    {
        // testOverrideSecondOrderWithCustomGradient-like: f(x) = x^3 with a custom first derivative 3x^2 built from ops.
        static Tensor<double> Cube(Tensor<double> x) => Tensor.CustomGradient(x, v => (v * v * v, dy => dy * 3.0 * v * v));

        var x = new Tensor<double>(2.0);
        Tensor<double>? d1;
        GradientTape outer;
        using (outer = new GradientTape())
        {
            outer.Watch(x);
            using var inner = new GradientTape();
            inner.Watch(x);
            d1 = inner.Gradient(Cube(x), x);
        }

        Check.Scalar(12.0, d1);
        Check.Scalar(12.0, outer.Gradient(d1!, x)); // 6x

        // A custom gradient that overrides the second order: the grad fn uses another custom op.
        static Tensor<double> Square(Tensor<double> x) => Tensor.CustomGradient(x, v => (v * v, dy => dy * Twice(v)));
        static Tensor<double> Twice(Tensor<double> x) => Tensor.CustomGradient(x, v => (v * 2.0, dy => dy * 100.0));
        Tensor<double>? s1;
        using (outer = new GradientTape())
        {
            outer.Watch(x);
            using var inner = new GradientTape();
            inner.Watch(x);
            s1 = inner.Gradient(Square(x), x);
        }

        Check.Scalar(4.0, s1);
        Check.Scalar(100.0, outer.Gradient(s1!, x));
    }

    [Fact]
    public void Two_input_custom_gradient()
    {
        var a = new Tensor<double>(new[] { 1.0, 2.0 });
        var b = new Tensor<double>(new[] { 3.0, 4.0 });
        Tensor<double> y;
        GradientTape g;
        using (g = new GradientTape())
        {
            g.Watch(a);
            g.Watch(b);
            y = Tensor.CustomGradient(a, b, (x1, x2) => (x1 * x2, dy => (dy * x2 * 10.0, null)));
        }

        Tensor<double>?[] grads = g.Gradient(y, [a, b]);
        Check.Values([30, 40], grads[0]);
        Assert.Null(grads[1]);
    }

    [Fact]
    public void Low_level_record_operation_with_several_inputs()
    {
        // f(x, y) = x * sin(y), recorded as one node with a hand-written backward pass.
        var x = new Variable<double>(new[] { 1.0, 2.0 });
        var y = new Variable<double>(new[] { 0.5, 1.5 });
        Tensor<double> f;
        GradientTape g;
        using (g = new GradientTape())
        {
            double[] xv = x.ToArray(), yv = y.ToArray();
            var value = new Tensor<double>(new[] { xv[0] * Math.Sin(yv[0]), xv[1] * Math.Sin(yv[1]) });
            f = Tensor.CustomGradient<double>("XSinY", [x, y], value, up =>
            [
                up * new Tensor<double>(new[] { Math.Sin(yv[0]), Math.Sin(yv[1]) }),
                up * new Tensor<double>(new[] { xv[0] * Math.Cos(yv[0]), xv[1] * Math.Cos(yv[1]) }),
            ]);
            f = f * 2.0;
        }

        Tensor<double>?[] grads = g.Gradient(f, [x, y]);
        Check.Values([2 * Math.Sin(0.5), 2 * Math.Sin(1.5)], grads[0]);
        Check.Values([2 * 1.0 * Math.Cos(0.5), 2 * 2.0 * Math.Cos(1.5)], grads[1]);
    }

    [Fact]
    public void Wrong_gradient_count_or_shape_is_reported_with_the_op_name()
    {
        // testInvalidRecordOperationMessage
        var x = new Tensor<double>(new[] { 1.0, 2.0 });
        var y = new Tensor<double>(3.0);
        Tensor<double> few, many, shape;
        GradientTape g;
        using (g = new GradientTape(persistent: true))
        {
            g.Watch(x);
            g.Watch(y);
            few = Tensor.CustomGradient<double>("Few", [x, y], new Tensor<double>(1.0), up => [up]);
            many = Tensor.CustomGradient<double>("Many", [x], new Tensor<double>(1.0), up => [up, up]);
            shape = Tensor.CustomGradient<double>("Shape", [x], new Tensor<double>(1.0), up => [up]);
        }

        var e1 = Assert.Throws<InvalidOperationException>(() => g.Gradient(few, x));
        Assert.Equal("Recorded operation 'Few' returned too few gradients. Expected 2 but received 1", e1.Message);
        var e2 = Assert.Throws<InvalidOperationException>(() => g.Gradient(many, x));
        Assert.Equal("Recorded operation 'Many' returned too many gradients. Expected 1 but received 2", e2.Message);
        var e3 = Assert.Throws<InvalidOperationException>(() => g.Gradient(shape, x));
        Assert.Contains("'Shape'", e3.Message, StringComparison.Ordinal);
        Assert.Contains("(2,)", e3.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Custom_gradient_with_an_empty_gradient_list_is_an_error()
    {
        // testCustomGradientEmptyError
        var x = new Tensor<double>(1.0);
        Tensor<double> y;
        GradientTape g;
        using (g = new GradientTape())
        {
            g.Watch(x);
            y = Tensor.CustomGradient<double>("Empty", [x], x * 2.0, _ => []);
        }

        Assert.Throws<InvalidOperationException>(() => g.Gradient(y, x));
    }

    [Fact]
    public void Custom_gradient_training_loop_losses()
    {
        // testCustomGradient: F(x) = x with gradient 2*dy? Here: loss = v (value), custom grad 1, lr = 0.25 -> [4,3,2,1,0] over 5 steps of v -= lr*4
        var v = new Variable<double>(4.0);
        var losses = new double[5];
        for (int i = 0; i < 5; i++)
        {
            Tensor<double> loss;
            GradientTape t;
            using (t = new GradientTape())
            {
                loss = Tensor.CustomGradient<double>(v, x => (x * 1.0, dy => dy * 4.0));
            }

            losses[i] = loss.ToScalar();
            v.AssignSub(0.25 * t.Gradient(loss, v)!);
        }

        Assert.Equal(new[] { 4.0, 3.0, 2.0, 1.0, 0.0 }, losses);
    }

    [Fact]
    public void Record_operation_with_inputs_sees_the_recorded_values_of_variables()
    {
        // f(w) = sum(w^2) recorded as one node; w is assigned before the backward pass.
        var w = new Variable<double>(new[] { 1.0, 2.0 });
        Tensor<double> f;
        GradientTape g;
        using (g = new GradientTape(persistent: true))
        {
            var value = new Tensor<double>(w.AsSpan()[0] * w.AsSpan()[0] + (w.AsSpan()[1] * w.AsSpan()[1]));
            f = Tensor.CustomGradient<double>("SumSquares", [w], value, (up, inputs) => [up * 2.0 * inputs[0]]);
        }

        w.Assign(new Tensor<double>(new[] { 10.0, 20.0 }));
        Check.Values([2, 4], g.Gradient(f, w));
    }

    [Fact]
    public void Record_operation_with_inputs_supports_higher_order()
    {
        // f(x) = x^3 with backward 3 x^2 built from the recorded input: d2f/dx2 = 6x.
        var x = new Tensor<double>(2.0);
        Tensor<double>? d1;
        GradientTape outer;
        using (outer = new GradientTape())
        {
            outer.Watch(x);
            using var inner = new GradientTape();
            inner.Watch(x);
            Tensor<double> f = Tensor.CustomGradient<double>("Cube", [x], new Tensor<double>(8.0), (up, inputs) => [up * 3.0 * inputs[0] * inputs[0]]);
            d1 = inner.Gradient(f, x);
        }

        Check.Scalar(12, d1);
        Check.Scalar(12, outer.Gradient(d1!, x));
    }

    [Fact]
    public void Tensor_marshal_wraps_without_copying()
    {
        double[] values = [1, 2, 3, 4];
        Tensor<double> t = TensorMarshal.CreateTensorUnsafe(values, 2, 2);
        Assert.Equal(new[] { 2, 2 }, t.Shape);
        Assert.True(t.AsSpan() == values.AsSpan());
        Assert.Throws<ArgumentException>(() => TensorMarshal.CreateTensorUnsafe(values, 3));
        Tensor<double> u = TensorMarshal.CreateTensorUnsafe(new double[4], t.Shape);
        Assert.Equal(new[] { 2, 2 }, u.Shape);
        Assert.Throws<ArgumentException>(() => TensorMarshal.CreateTensorUnsafe(new double[3], t.Shape));
    }
}
