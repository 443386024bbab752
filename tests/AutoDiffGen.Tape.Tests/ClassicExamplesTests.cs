using System;
using System.Linq;

namespace AutoDiffGen.Tape.Tests;

/// <summary>The classic examples of the issue and the spec, verbatim.</summary>
public class ClassicExamplesTests
{
    [Fact]
    public void Product_of_two_variables_gives_each_other()
    {
        // t1 = tf.Variable([1,2,3]); t2 = tf.Variable([10,20,30]); with tape: t3 = t1 * t2; tape.gradient(t3, [t1, t2])
        var t1 = new Variable<float>(new[] { 1f, 2f, 3f });
        var t2 = new Variable<float>(new[] { 10f, 20f, 30f });
        Tensor<float> t3;
        GradientTape tape;
        using (tape = new GradientTape())
        {
            t3 = t1 * t2;
        }

        Tensor<float>?[] grads = tape.Gradient(t3, [t1, t2]);
        Check.Values([10f, 20f, 30f], grads[0]);
        Check.Values([1f, 2f, 3f], grads[1]);
    }

    [Fact]
    public void Sum_with_an_intermediate_source()
    {
        // t4 = t3 + t2: gradients [10,20,30], [2,3,4], [1,1,1] for t1, t2, t3
        var t1 = new Variable<float>(new[] { 1f, 2f, 3f });
        var t2 = new Variable<float>(new[] { 10f, 20f, 30f });
        Tensor<float> t3, t4;
        GradientTape tape;
        using (tape = new GradientTape())
        {
            t3 = t1 * t2;
            t4 = t3 + t2;
        }

        Tensor<float>?[] grads = tape.Gradient(t4, [t1, t2, t3]);
        Check.Values([10f, 20f, 30f], grads[0]);
        Check.Values([2f, 3f, 4f], grads[1]);
        Check.Values([1f, 1f, 1f], grads[2]);
    }

    [Fact]
    public void A_constant_that_was_not_watched_gives_null()
    {
        var t1 = new Tensor<float>(new[] { 1f, 2f, 3f });
        var t2 = new Variable<float>(new[] { 10f, 20f, 30f });
        Tensor<float> t3;
        GradientTape tape;
        using (tape = new GradientTape())
        {
            t3 = t1 * t2;
        }

        Tensor<float>?[] grads = tape.Gradient(t3, [t1, t2]);
        Assert.Null(grads[0]);
        Check.Values([1f, 2f, 3f], grads[1]);
    }

    [Fact]
    public void A_second_gradient_call_on_a_non_persistent_tape_throws()
    {
        var x = new Variable<float>(3f);
        Tensor<float> y;
        GradientTape tape;
        using (tape = new GradientTape())
        {
            y = x * x;
        }

        Check.Scalar(6f, tape.Gradient(y, x));
        var e = Assert.Throws<InvalidOperationException>(() => tape.Gradient(y, x));
        Assert.StartsWith("A non-persistent GradientTape can only be used to compute one set of gradients", e.Message);
    }

    [Fact]
    public void Squared_error_gradient_at_the_spec_point()
    {
        // loss = (y - (w*x + b))^2 at x=2, y=3, w=0.5, b=1: dL/dw = -4, dL/db = -2
        var w = new Variable<double>(0.5);
        var b = new Variable<double>(1.0);
        var x = new Tensor<double>(2.0);
        var y = new Tensor<double>(3.0);
        Tensor<double> loss;
        GradientTape tape;
        using (tape = new GradientTape())
        {
            loss = Tensor.Square(y - ((w * x) + b));
        }

        Tensor<double>?[] grads = tape.Gradient(loss, [w, b]);
        Check.Scalar(-4.0, grads[0]);
        Check.Scalar(-2.0, grads[1]);
    }

    [Fact]
    public void Linear_regression_with_per_sample_sgd_converges_to_w3_b1()
    {
        // y = 3x + 1 on x = -1, -0.8, ..., 0.8; w = b = -1; per-sample SGD with learning rate 0.01 for 300 epochs
        // (3000 steps). In exact arithmetic the error after 300 epochs is about 1e-8; float32 rounding limits it to ~1e-6.
        float[] xs = Enumerable.Range(0, 10).Select(i => (i / 5f) - 1).ToArray();
        float[] ys = xs.Select(x => (3 * x) + 1).ToArray();
        var w = new Variable<float>(-1f);
        var b = new Variable<float>(-1f);
        var optimizer = new Sgd(learningRate: 0.01);
        Variable<float>[] variables = [w, b];
        for (int epoch = 0; epoch < 300; epoch++)
        {
            for (int i = 0; i < xs.Length; i++)
            {
                Tensor<float> loss;
                GradientTape tape;
                using (tape = new GradientTape())
                {
                    Tensor<float> prediction = (w * xs[i]) + b;
                    loss = Tensor.Square(prediction - ys[i]);
                }

                Tensor<float>?[] grads = tape.Gradient(loss, [w, b]);
                optimizer.ApplyGradients(grads.Zip(variables));
            }
        }

        Assert.Equal(3f, w.ToScalar(), 1e-5f);
        Assert.Equal(1f, b.ToScalar(), 1e-5f);
        Assert.Equal(3_000, optimizer.Iterations);
    }
}
