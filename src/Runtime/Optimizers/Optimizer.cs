using System;
using System.Collections.Generic;
using System.Numerics;

namespace AutoDiffGen;

/// <summary>
/// Base of the optimizers (<see cref="Sgd"/>, <see cref="Adam"/>): Keras's <c>apply_gradients</c> contract. Variables are
/// updated in place; per-variable state (slots) is kept per variable object.
/// </summary>
public abstract class Optimizer
{
    private readonly Dictionary<object, object> _slots = new(ReferenceEqualityComparer.Instance);

    private protected Optimizer(double learningRate) => LearningRate = learningRate;

    /// <summary>The learning rate (may be changed between steps).</summary>
    public double LearningRate { get; set; }

    /// <summary>The number of <see cref="ApplyGradients{T}"/> calls that updated variables (Keras's <c>iterations</c>).</summary>
    public long Iterations { get; private set; }

    /// <summary>
    /// Applies one update step (Keras's <c>apply_gradients</c>): pairs whose gradient is <see langword="null"/> are skipped,
    /// every other variable is updated in place, and <see cref="Iterations"/> grows by one. Works directly with
    /// <c>optimizer.ApplyGradients(grads.Zip(variables))</c>.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="gradsAndVars">(gradient, variable) pairs.</param>
    /// <exception cref="ArgumentException">Every gradient is null ("No gradients provided for any variable."), a variable is null, or a gradient's shape differs from its variable's.</exception>
    public void ApplyGradients<T>(IEnumerable<(Tensor<T>? Gradient, Variable<T> Variable)> gradsAndVars)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(gradsAndVars);
        List<(Tensor<T> Gradient, Variable<T> Variable)> pairs = Scratch<T>.Take();
        try
        {
            foreach ((Tensor<T>? gradient, Variable<T> variable) in gradsAndVars)
            {
                if (variable is null)
                {
                    throw new ArgumentException("ApplyGradients: a (gradient, variable) pair has a null variable.", nameof(gradsAndVars));
                }

                if (gradient is null)
                {
                    continue;
                }

                if (!Shapes.Equal(gradient._shape, variable._shape))
                {
                    throw new ArgumentException(
                        $"ApplyGradients: a gradient of shape {Shapes.Format(gradient._shape)} does not match its variable's shape {Shapes.Format(variable._shape)}.",
                        nameof(gradsAndVars));
                }

                pairs.Add((gradient, variable));
            }

            if (pairs.Count == 0)
            {
                throw new ArgumentException("No gradients provided for any variable.", nameof(gradsAndVars));
            }

            long step = Iterations + 1;
            foreach ((Tensor<T> gradient, Variable<T> variable) in pairs)
            {
                Update(gradient._data, variable, step);
            }

            Iterations = step;
        }
        finally
        {
            pairs.Clear();
        }
    }

    /// <summary>Updates one variable in place for step <paramref name="step"/> (1 on the first call).</summary>
    private protected abstract void Update<T>(ReadOnlySpan<T> gradient, Variable<T> variable, long step)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The variable's state, created on first use.</summary>
    private protected TSlot Slot<TSlot>(object variable, int length, Func<int, TSlot> create)
        where TSlot : class
    {
        if (!_slots.TryGetValue(variable, out object? slot))
        {
            slot = create(length);
            _slots.Add(variable, slot);
        }

        return (TSlot)slot;
    }

    private static class Scratch<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic]
        private static List<(Tensor<T> Gradient, Variable<T> Variable)>? t_list;

        internal static List<(Tensor<T> Gradient, Variable<T> Variable)> Take() => t_list ??= [];
    }
}
