using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiffGen;

/// <summary>
/// Stochastic gradient descent with optional (Nesterov) momentum, with Keras's update rule and defaults
/// (<c>keras.optimizers.SGD(learning_rate=0.01, momentum=0.0, nesterov=False)</c>):
/// <c>w -= lr · g</c>; with momentum <c>v = momentum · v - lr · g; w += v</c>; with Nesterov <c>w += momentum · v - lr · g</c>.
/// </summary>
public sealed class Sgd : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">The learning rate (default 0.01).</param>
    /// <param name="momentum">The momentum, between 0 and 1 (default 0).</param>
    /// <param name="nesterov">Use Nesterov momentum (default <see langword="false"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="momentum"/> is not between 0 and 1.</exception>
    public Sgd(double learningRate = 0.01, double momentum = 0.0, bool nesterov = false)
        : base(learningRate)
    {
        if (!(momentum >= 0 && momentum <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "`momentum` must be a float between [0, 1].");
        }

        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>The momentum.</summary>
    public double Momentum { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    private protected override void Update<T>(ReadOnlySpan<T> gradient, Variable<T> variable, long step)
    {
        T lr = T.CreateTruncating(LearningRate);
        if (Momentum == 0)
        {
            // w = w - g * lr
            Span<T> w = variable.BeginUpdate(out ReadOnlySpan<T> current);
            TensorPrimitives.MultiplyAdd(gradient, -lr, current, w);
            return;
        }

        T momentum = T.CreateTruncating(Momentum);
        Slots<T> s = Slot(variable, gradient.Length, static n => new Slots<T>(n));

        // velocity = velocity * momentum - g * lr
        TensorPrimitives.Multiply(s.Velocity, momentum, s.Velocity);
        TensorPrimitives.MultiplyAdd(gradient, -lr, s.Velocity, s.Velocity);
        Span<T> weights = variable.BeginUpdate(out ReadOnlySpan<T> now);
        if (Nesterov)
        {
            // w = w + (velocity * momentum - g * lr)
            TensorPrimitives.Multiply(s.Velocity, momentum, s.Temp);
            TensorPrimitives.MultiplyAdd(gradient, -lr, s.Temp, s.Temp);
            TensorPrimitives.Add(now, s.Temp, weights);
        }
        else
        {
            TensorPrimitives.Add(now, s.Velocity, weights);
        }
    }

    private sealed class Slots<T>(int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T[] Velocity { get; } = new T[length];

        public T[] Temp { get; } = new T[length];
    }
}
