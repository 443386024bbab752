using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiffGen;

/// <summary>
/// Adam with Keras's update rule and defaults (<c>keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9,
/// beta_2=0.999, epsilon=1e-7)</c>). With <c>t</c> the step (1 first):
/// <c>alpha = lr · sqrt(1 - beta2^t) / (1 - beta1^t)</c>, <c>m += (g - m)(1 - beta1)</c>, <c>v += (g² - v)(1 - beta2)</c>,
/// <c>w -= alpha · m / (sqrt(v) + epsilon)</c>. Epsilon is "epsilon hat", added to the uncorrected <c>sqrt(v)</c>, as Keras
/// does (not the paper's or PyTorch's form).
/// </summary>
public sealed class Adam : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">The learning rate (default 0.001).</param>
    /// <param name="beta1">Decay of the first-moment estimate (default 0.9).</param>
    /// <param name="beta2">Decay of the second-moment estimate (default 0.999).</param>
    /// <param name="epsilon">Added to the denominator for stability (default 1e-7).</param>
    public Adam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7)
        : base(learningRate)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>Decay of the first-moment estimate.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second-moment estimate.</summary>
    public double Beta2 { get; }

    /// <summary>The epsilon-hat added to <c>sqrt(v)</c>.</summary>
    public double Epsilon { get; }

    private protected override void Update<T>(ReadOnlySpan<T> gradient, Variable<T> variable, long step)
    {
        Slots<T> s = Slot(variable, gradient.Length, static n => new Slots<T>(n));
        T t = T.CreateTruncating(step);
        T lr = T.CreateTruncating(LearningRate);
        T beta1Power = T.Pow(T.CreateTruncating(Beta1), t);
        T beta2Power = T.Pow(T.CreateTruncating(Beta2), t);
        T alpha = lr * T.Sqrt(T.One - beta2Power) / (T.One - beta1Power);

        // m += (g - m) * (1 - beta1)
        TensorPrimitives.Subtract(gradient, s.M, s.Temp);
        TensorPrimitives.MultiplyAdd(s.Temp, T.CreateTruncating(1 - Beta1), s.M, s.M);

        // v += (g^2 - v) * (1 - beta2)
        TensorPrimitives.Multiply(gradient, gradient, s.Temp);
        TensorPrimitives.Subtract(s.Temp, s.V, s.Temp);
        TensorPrimitives.MultiplyAdd(s.Temp, T.CreateTruncating(1 - Beta2), s.V, s.V);

        // w -= (m * alpha) / (sqrt(v) + epsilon)
        TensorPrimitives.Sqrt(s.V, s.Temp);
        TensorPrimitives.Add(s.Temp, T.CreateTruncating(Epsilon), s.Temp);
        TensorPrimitives.Multiply(s.M, alpha, s.Step);
        TensorPrimitives.Divide(s.Step, s.Temp, s.Step);
        Span<T> w = variable.BeginUpdate(out ReadOnlySpan<T> current);
        TensorPrimitives.Subtract(current, s.Step, w);
    }

    private sealed class Slots<T>(int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T[] M { get; } = new T[length];

        public T[] V { get; } = new T[length];

        public T[] Temp { get; } = new T[length];

        public T[] Step { get; } = new T[length];
    }
}
