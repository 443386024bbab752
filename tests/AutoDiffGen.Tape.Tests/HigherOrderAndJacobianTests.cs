using System;

namespace AutoDiffGen.Tape.Tests;

/// <summary>Spec sections 8 (nested tapes, higher order) and 9 (jacobian, batch_jacobian).</summary>
public class HigherOrderAndJacobianTests
{
    [Fact]
    public void Nested_tapes_give_the_second_derivative()
    {
        // API docstring: x = 5, y = x*x: dy_dx = 10, d2y_dx2 = 2
        var x = new Tensor<double>(5.0);
        Tensor<double>? dyDx;
        GradientTape g, gg;
        using (g = new GradientTape())
        {
            g.Watch(x);
            using (gg = new GradientTape())
            {
                gg.Watch(x);
                Tensor<double> y = x * x;
                dyDx = gg.Gradient(y, x);
            }
        }

        Tensor<double>? d2 = g.Gradient(dyDx!, x);
        Check.Scalar(10, dyDx);
        Check.Scalar(2, d2);
    }

    [Fact]
    public void Nested_tapes_on_a_variable_cube()
    {
        // Guide-2: x = Variable(1.0), y = x*x*x -> 3.0 and 6.0
        var x = new Variable<double>(1.0);
        Tensor<double>? dy;
        GradientTape t2;
        using (t2 = new GradientTape())
        {
            using var t1 = new GradientTape();
            Tensor<double> y = x * x * x;
            dy = t1.Gradient(y, x);
        }

        Check.Scalar(3, dy);
        Check.Scalar(6, t2.Gradient(dy!, x));
    }

    [Fact]
    public void Third_order_through_three_nested_tapes_of_composite_functions()
    {
        // f(x) = sin(x) * exp(x): f''' = 2 e^x (cos x - sin x)
        double xv = 0.7;
        var x = new Tensor<double>(xv);
        Tensor<double>? d1, d2;
        GradientTape t3;
        using (t3 = new GradientTape())
        {
            t3.Watch(x);
            using (var t2 = new GradientTape())
            {
                t2.Watch(x);
                using (var t1 = new GradientTape())
                {
                    t1.Watch(x);
                    Tensor<double> f = Tensor.Sin(x) * Tensor.Exp(x);
                    d1 = t1.Gradient(f, x);
                }

                d2 = t2.Gradient(d1!, x);
            }
        }

        Tensor<double>? d3 = t3.Gradient(d2!, x);
        double e = Math.Exp(xv), s = Math.Sin(xv), c = Math.Cos(xv);
        Check.Scalar(e * (s + c), d1, 1e-12);
        Check.Scalar(2 * e * c, d2, 1e-12);
        Check.Scalar(2 * e * (c - s), d3, 1e-12);
    }

    [Fact]
    public void Inner_tape_can_watch_an_intermediate_of_the_outer_tape()
    {
        // testPersistentNestedTape-like: outer sees x, inner watches y = x*x
        var x = new Tensor<double>(3.0);
        Tensor<double>? dzDy;
        GradientTape outer;
        using (outer = new GradientTape(persistent: true))
        {
            outer.Watch(x);
            Tensor<double> y = x * x;
            using var inner = new GradientTape();
            inner.Watch(y);
            Tensor<double> z = y * y;
            dzDy = inner.Gradient(z, y); // 2y = 2x^2
        }

        Check.Scalar(18, dzDy);
        Check.Scalar(12, outer.Gradient(dzDy!, x)); // d(2x^2)/dx = 4x
    }

    [Fact]
    public void Higher_order_through_broadcasting_reductions_and_matmul()
    {
        // d/dW of ||grad_x sum(tanh(x W))||^2 checked against finite differences of the first derivative.
        var rng = new Random(7);
        Tensor<double> x = Rand.Tensor(rng, 2, 3);
        Tensor<double> w0 = Rand.Tensor(rng, 3, 2);

        static Tensor<double> InnerGradNorm(Tensor<double> x, Tensor<double> w, out Tensor<double>? gradW, bool outer)
        {
            GradientTape? o = outer ? new GradientTape() : null;
            o?.Watch(w);
            Tensor<double> norm;
            using (var inner = new GradientTape())
            {
                inner.Watch(x);
                Tensor<double> y = Tensor.Sum(Tensor.Tanh(Tensor.MatMul(x, w)) * 2.0 + 1.0);
                Tensor<double> gx = inner.Gradient(y, x)!;
                norm = Tensor.Sum(Tensor.Square(gx));
            }

            gradW = o?.Gradient(norm, w);
            o?.Dispose();
            return norm;
        }

        InnerGradNorm(x, w0, out Tensor<double>? analytic, outer: true);
        double[] wv = w0.ToArray();
        const double H = 1e-6;
        for (int i = 0; i < wv.Length; i++)
        {
            double o = wv[i];
            wv[i] = o + H;
            double p = InnerGradNorm(x, new Tensor<double>(wv, 3, 2), out _, false).ToScalar();
            wv[i] = o - H;
            double m = InnerGradNorm(x, new Tensor<double>(wv, 3, 2), out _, false).ToScalar();
            wv[i] = o;
            Assert.Equal((p - m) / (2 * H), analytic!.ToArray()[i], 6);
        }
    }

    [Fact]
    public void Jacobian_of_an_elementwise_square()
    {
        // API: x = [1, 2], y = x*x -> [[2, 0], [0, 4]]
        var x = new Tensor<double>(new[] { 1.0, 2.0 });
        Tensor<double> y;
        GradientTape g;
        using (g = new GradientTape())
        {
            g.Watch(x);
            y = x * x;
        }

        Tensor<double>? j = g.Jacobian(y, x);
        Check.Shape([2, 2], j);
        Check.Values([2, 0, 0, 4], j);
    }

    [Fact]
    public void Jacobian_shapes_and_sum_over_target_axes_equals_gradient()
    {
        // Guide-2: Dense layer output (7, 10) w.r.t. kernel (5, 10) -> (7, 10, 5, 10); scalar source -> target's shape
        var rng = new Random(3);
        Tensor<double> x = Rand.Tensor(rng, 7, 5);
        var kernel = new Variable<double>(Rand.Tensor(rng, 5, 10));
        var bias = new Variable<double>(Rand.Tensor(rng, 10));
        var scale = new Variable<double>(0.5);
        Tensor<double> y;
        GradientTape tape;
        using (tape = new GradientTape(persistent: true))
        {
            y = Tensor.Sigmoid((Tensor.MatMul(x, kernel) + bias) * scale);
        }

        Tensor<double>?[] j = tape.Jacobian(y, [kernel, scale]);
        Check.Shape([7, 10, 5, 10], j[0]);
        Check.Shape([7, 10], j[1]);
        Tensor<double>? g = tape.Gradient(y, kernel);
        Tensor<double> summed = Tensor.Sum(Tensor.Sum(j[0]!, 0), 0);
        Check.Values(g!.ToArray(), summed, 1e-12);
    }

    [Fact]
    public void Jacobian_through_operations_that_pass_the_gradient_through()
    {
        // Reshape and Add hand the upstream gradient (the one-hot seed) through unchanged.
        var x = new Tensor<double>(new[] { 1.0, 2.0, 3.0 });
        Tensor<double> r, s;
        GradientTape g;
        using (g = new GradientTape(persistent: true))
        {
            g.Watch(x);
            r = Tensor.Reshape(x, 3, 1);
            s = x + 5.0;
        }

        double[] identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];
        Check.Values(identity, g.Jacobian(r, x));
        Check.Shape([3, 1, 3], g.Jacobian(r, x));
        Check.Values(identity, g.Jacobian(s, x));
        Check.Values(identity, g.Jacobian(x, x));
        Tensor<double> bj = g.BatchJacobian(r, r);
        Check.Shape([3, 1, 1], bj);
        Check.Values([1, 1, 1], bj);
    }

    [Fact]
    public void Jacobian_unconnected_is_null_or_zeros()
    {
        var x = new Tensor<double>(new[] { 1.0, 2.0 });
        var u = new Tensor<double>(new[] { 1.0, 2.0, 3.0 });
        Tensor<double> y;
        GradientTape g;
        using (g = new GradientTape(persistent: true))
        {
            g.Watch(x);
            g.Watch(u);
            y = x * 3.0;
        }

        Assert.Null(g.Jacobian(y, u));
        Tensor<double>? z = g.Jacobian(y, u, UnconnectedGradients.Zero);
        Check.Shape([2, 3], z);
        Check.Values(new double[6], z);
    }

    [Fact]
    public void Jacobian_inside_a_non_persistent_scope_works()
    {
        // testJacobianInsideGradientTapeScope
        var x = new Tensor<double>(new[] { 1.0, 2.0 });
        using var g = new GradientTape();
        g.Watch(x);
        Tensor<double> y = x * x;
        Check.Values([2, 0, 0, 4], g.Jacobian(y, x));
    }

    [Fact]
    public void Hessian_as_jacobian_of_a_gradient()
    {
        // f(x) = x0^2 x1 + sin(x1): H = [[2 x1, 2 x0], [2 x0, -sin x1]]
        var x = new Variable<double>(new[] { 1.5, -0.5 });
        Tensor<double>? grad;
        GradientTape outer;
        using (outer = new GradientTape())
        {
            using var inner = new GradientTape();
            Tensor<double> x0 = Tensor.Sum(x * new Tensor<double>(new[] { 1.0, 0.0 }));
            Tensor<double> x1 = Tensor.Sum(x * new Tensor<double>(new[] { 0.0, 1.0 }));
            Tensor<double> f = (x0 * x0 * x1) + Tensor.Sin(x1);
            grad = inner.Gradient(f, x);
        }

        Tensor<double>? h = outer.Jacobian(grad!, x);
        Check.Shape([2, 2], h);
        Check.Values([2 * -0.5, 2 * 1.5, 2 * 1.5, -Math.Sin(-0.5)], h, 1e-12);
    }

    [Fact]
    public void Batch_jacobian_example()
    {
        // API: x = [[1, 2], [3, 4]], y = x*x -> [[[2, 0], [0, 4]], [[6, 0], [0, 8]]]
        var x = new Tensor<double>(new[] { 1.0, 2.0, 3.0, 4.0 }, 2, 2);
        Tensor<double> y;
        GradientTape g;
        using (g = new GradientTape())
        {
            g.Watch(x);
            y = x * x;
        }

        Tensor<double> j = g.BatchJacobian(y, x);
        Check.Shape([2, 2, 2], j);
        Check.Values([2, 0, 0, 4, 6, 0, 0, 8], j);
    }

    [Fact]
    public void Batch_jacobian_of_a_dense_layer_matches_jacobian_blocks()
    {
        var rng = new Random(11);
        Tensor<double> x = Rand.Tensor(rng, 4, 3);
        Tensor<double> w = Rand.Tensor(rng, 3, 2);
        Tensor<double> y;
        GradientTape g;
        using (g = new GradientTape(persistent: true))
        {
            g.Watch(x);
            y = Tensor.Tanh(Tensor.MatMul(x, w));
        }

        Tensor<double> bj = g.BatchJacobian(y, x);
        Check.Shape([4, 2, 3], bj);
        Tensor<double> full = g.Jacobian(y, x)!; // (4, 2, 4, 3)
        for (int b = 0; b < 4; b++)
        {
            for (int i = 0; i < 2; i++)
            {
                for (int k = 0; k < 3; k++)
                {
                    Assert.Equal(full[b, i, b, k], bj[b, i, k], 12);
                }
            }
        }
    }

    [Fact]
    public void Batch_jacobian_errors_use_tensorflow_wording()
    {
        var x = new Tensor<double>(new[] { 1.0, 2.0 });
        var m = new Tensor<double>(new double[6], 2, 3);
        var m4 = new Tensor<double>(new double[12], 4, 3);
        using var g = new GradientTape(persistent: true);
        g.Watch(x);
        g.Watch(m);
        var rank = Assert.Throws<ArgumentException>(() => g.BatchJacobian(x * x, m));
        Assert.Contains("must have rank at least 2", rank.Message, StringComparison.Ordinal);
        var rank2 = Assert.Throws<ArgumentException>(() => g.BatchJacobian(m, x));
        Assert.Contains("must have rank at least 2", rank2.Message, StringComparison.Ordinal);
        var first = Assert.Throws<ArgumentException>(() => g.BatchJacobian(m4, m));
        Assert.Equal("Need first dimension of target shape (4, 3) and source shape (2, 3) to match.", first.Message);
    }

    [Fact]
    public void Batch_jacobian_unconnected_gives_zeros_and_degenerate_shapes_work()
    {
        // test_zeros_type_correct, test_degenerate_shape: x = zeros([1, 0]), y = x**2 -> shape [1, 0, 0]
        var x = new Tensor<double>(new double[6], 2, 3);
        var u = new Tensor<double>(new double[4], 2, 2);
        Tensor<double> y;
        GradientTape g;
        using (g = new GradientTape(persistent: true))
        {
            g.Watch(x);
            g.Watch(u);
            y = x * 2.0;
        }

        Tensor<double> z = g.BatchJacobian(y, u);
        Check.Shape([2, 3, 2], z);
        Check.Values(new double[12], z);

        var e = Tensor.Zeros<double>(1, 0);
        Tensor<double> ye;
        GradientTape ge;
        using (ge = new GradientTape())
        {
            ge.Watch(e);
            ye = Tensor.Pow(e, 2.0);
        }

        Check.Shape([1, 0, 0], ge.BatchJacobian(ye, e));
    }

    [Fact]
    public void Batch_jacobian_inside_an_outer_tape_is_differentiable()
    {
        // d/dx of sum(batch_jacobian(x^3, x)) = d/dx sum(3 x^2) = 6x
        var x = new Tensor<double>(new[] { 1.0, 2.0, 3.0, 4.0 }, 2, 2);
        Tensor<double> s;
        GradientTape outer;
        using (outer = new GradientTape())
        {
            outer.Watch(x);
            using var inner = new GradientTape();
            inner.Watch(x);
            Tensor<double> y = Tensor.Pow(x, 3.0);
            s = Tensor.Sum(inner.BatchJacobian(y, x));
        }

        Check.Values([6, 12, 18, 24], outer.Gradient(s, x));
    }
}
