using System;
using System.Collections.Generic;
using System.Linq;

namespace AutoDiffGen.Tape.Tests;

/// <summary>Spec section 15: Keras SGD and Adam.</summary>
public class OptimizerTests
{
    [Fact]
    public void Defaults_match_keras()
    {
        var sgd = new Sgd();
        Assert.Equal(0.01, sgd.LearningRate);
        Assert.Equal(0.0, sgd.Momentum);
        Assert.False(sgd.Nesterov);
        var adam = new Adam();
        Assert.Equal(0.001, adam.LearningRate);
        Assert.Equal(0.9, adam.Beta1);
        Assert.Equal(0.999, adam.Beta2);
        Assert.Equal(1e-7, adam.Epsilon);
        Assert.Equal(0, adam.Iterations);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(momentum: 1.5));
    }

    [Fact]
    public void Sgd_single_step_matches_keras_test()
    {
        // sgd_test.test_single_step: lr = 0.5, w = [1,2,3,4], g = [1,6,7,2] -> [0.5, -1.0, -0.5, 3.0]
        var w = new Variable<float>(new[] { 1f, 2f, 3f, 4f });
        var g = new Tensor<float>(new[] { 1f, 6f, 7f, 2f });
        var sgd = new Sgd(learningRate: 0.5);
        Tensor<float>?[] grads = [g];
        Variable<float>[] vars = [w];
        sgd.ApplyGradients(grads.Zip(vars));
        Check.Values([0.5f, -1f, -0.5f, 3f], w);
        Assert.Equal(1, sgd.Iterations);
    }

    [Fact]
    public void Sgd_momentum_and_nesterov_follow_the_keras_rules()
    {
        const double Lr = 0.1, M = 0.9;
        var plain = new Variable<double>(new[] { 1.0, -2.0 });
        var mom = new Variable<double>(new[] { 1.0, -2.0 });
        var nes = new Variable<double>(new[] { 1.0, -2.0 });
        var sgdMom = new Sgd(Lr, M);
        var sgdNes = new Sgd(Lr, M, nesterov: true);
        double[] vM = [0, 0], vN = [0, 0], wM = [1, -2], wN = [1, -2];
        double[][] gs = [[0.5, -1.0], [0.25, 2.0], [-1.0, 0.5]];
        foreach (double[] gv in gs)
        {
            var g = new Tensor<double>(gv);
            sgdMom.ApplyGradients(new[] { ((Tensor<double>?)g, mom) });
            sgdNes.ApplyGradients(new List<(Tensor<double>?, Variable<double>)> { (g, nes) });
            for (int i = 0; i < 2; i++)
            {
                vM[i] = (M * vM[i]) - (Lr * gv[i]);
                wM[i] += vM[i];
                vN[i] = (M * vN[i]) - (Lr * gv[i]);
                wN[i] += (M * vN[i]) - (Lr * gv[i]);
            }
        }

        Check.Values(wM, mom, 1e-14);
        Check.Values(wN, nes, 1e-14);
        Assert.Equal(3, sgdMom.Iterations);
        _ = plain;
    }

    [Fact]
    public void Adam_single_step_matches_keras_test()
    {
        // adam_test.test_single_step: lr = 0.5, w = [1,2,3,4], g = [1,6,7,2] -> approximately [0.5, 1.5, 2.5, 3.5]
        var w = new Variable<float>(new[] { 1f, 2f, 3f, 4f });
        var g = new Tensor<float>(new[] { 1f, 6f, 7f, 2f });
        var adam = new Adam(learningRate: 0.5);
        var vars = new List<Variable<float>> { w };
        Tensor<float>?[] grads = [g];
        adam.ApplyGradients(grads.Zip(vars));
        Check.Values([0.5f, 1.5f, 2.5f, 3.5f], w, 1e-4f);
        Assert.Equal(1, adam.Iterations);
    }

    [Fact]
    public void Adam_matches_the_epsilon_hat_formulation_over_several_steps()
    {
        const double Lr = 0.01, B1 = 0.9, B2 = 0.999, Eps = 1e-7;
        var w = new Variable<double>(new[] { 0.3, -0.7 });
        var adam = new Adam(Lr);
        double[] m = [0, 0], v = [0, 0], wr = [0.3, -0.7];
        var rng = new Random(2);
        for (int t = 1; t <= 5; t++)
        {
            double[] gv = Rand.Doubles(rng, 2);
            adam.ApplyGradients(new[] { ((Tensor<double>?)new Tensor<double>(gv), w) });
            double alpha = Lr * Math.Sqrt(1 - Math.Pow(B2, t)) / (1 - Math.Pow(B1, t));
            for (int i = 0; i < 2; i++)
            {
                m[i] += (gv[i] - m[i]) * (1 - B1);
                v[i] += ((gv[i] * gv[i]) - v[i]) * (1 - B2);
                wr[i] -= alpha * m[i] / (Math.Sqrt(v[i]) + Eps);
            }
        }

        Check.Values(wr, w, 1e-12);
        Assert.Equal(5, adam.Iterations);
    }

    [Fact]
    public void Null_gradients_are_skipped_and_all_null_is_an_error()
    {
        var a = new Variable<double>(1.0);
        var b = new Variable<double>(2.0);
        var sgd = new Sgd(0.5);
        Tensor<double>?[] grads = [null, new Tensor<double>(1.0)];
        Variable<double>[] vars = [a, b];
        sgd.ApplyGradients(grads.Zip(vars));
        Assert.Equal(1.0, a.ToScalar());
        Assert.Equal(1.5, b.ToScalar());
        var e = Assert.Throws<ArgumentException>(() => sgd.ApplyGradients(new Tensor<double>?[] { null, null }.Zip(vars)));
        Assert.Equal("No gradients provided for any variable. (Parameter 'gradsAndVars')", e.Message);
        Assert.Equal(1, sgd.Iterations);
        Assert.Throws<ArgumentException>(() => sgd.ApplyGradients(new Tensor<double>?[] { new Tensor<double>(new[] { 1.0, 2.0 }) }.Zip(vars)));
        Assert.Throws<ArgumentNullException>(() => sgd.ApplyGradients<double>(null!));
    }

    [Fact]
    public void Optimizer_state_is_kept_per_variable()
    {
        var a = new Variable<double>(0.0);
        var b = new Variable<double>(0.0);
        var sgd = new Sgd(1.0, momentum: 0.5);
        sgd.ApplyGradients(new[] { ((Tensor<double>?)new Tensor<double>(1.0), a) }); // va = -1, a = -1
        sgd.ApplyGradients(new[] { ((Tensor<double>?)new Tensor<double>(1.0), b) }); // vb = -1, b = -1
        sgd.ApplyGradients(new[] { ((Tensor<double>?)new Tensor<double>(1.0), a) }); // va = -1.5, a = -2.5
        Assert.Equal(-2.5, a.ToScalar());
        Assert.Equal(-1.0, b.ToScalar());
    }

    [Fact]
    public void Training_a_small_classifier_with_adam_reduces_the_loss()
    {
        var rng = new Random(4);
        var x = new Tensor<float>(Rand.Floats(rng, 32 * 4), 32, 4);
        var labels = new float[32 * 3];
        float[] xv = x.ToArray();
        for (int i = 0; i < 32; i++)
        {
            labels[(i * 3) + (xv[i * 4] > 0 ? 0 : xv[(i * 4) + 1] > 0 ? 1 : 2)] = 1;
        }

        var y = new Tensor<float>(labels, 32, 3);
        var w1 = new Variable<float>(Rand.Floats(rng, 4 * 8, -0.5, 0.5), 4, 8);
        var b1 = new Variable<float>(new float[8]);
        var w2 = new Variable<float>(Rand.Floats(rng, 8 * 3, -0.5, 0.5), 8, 3);
        var b2 = new Variable<float>(new float[3]);
        Variable<float>[] vars = [w1, b1, w2, b2];
        var adam = new Adam(0.05);
        float first = 0, last = 0;
        for (int step = 0; step < 200; step++)
        {
            Tensor<float> loss;
            GradientTape tape;
            using (tape = new GradientTape())
            {
                Tensor<float> h = Tensor.Relu(Tensor.MatMul(x, w1) + b1);
                loss = Tensor.Mean(Tensor.SoftmaxCrossEntropyWithLogits(y, Tensor.MatMul(h, w2) + b2));
            }

            Tensor<float>?[] grads = tape.Gradient(loss, [w1, b1, w2, b2]);
            adam.ApplyGradients(grads.Zip(vars));
            if (step == 0)
            {
                first = loss.ToScalar();
            }

            last = loss.ToScalar();
        }

        Assert.True(last < first * 0.2f, $"loss went from {first} to {last}");
    }
}
