using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Numerics;

namespace AutoDiffGen;

/// <summary>
/// Unchecked-ownership helpers for generated code and kernels (in the spirit of <c>CollectionsMarshal</c>): they avoid
/// the copy that <see cref="Tensor{T}"/>'s constructors make to guarantee immutability.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public static class TensorMarshal
{
    /// <summary>
    /// Creates a tensor over <paramref name="values"/> without copying. The caller gives the array up: modifying it
    /// afterwards breaks the tensor's immutability and any gradient recorded from it.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="values">The values, row-major; their count must be the product of <paramref name="shape"/>.</param>
    /// <param name="shape">The dimensions, outermost first; none for a scalar.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="ArgumentException">The number of values does not match the shape.</exception>
    public static Tensor<T> CreateTensorUnsafe<T>(T[] values, params int[] shape)
        where T : unmanaged, IFloatingPointIeee754<T>
        => new(Tensor<T>.ShapeOf(values, shape), values);

    /// <summary>
    /// Creates a tensor over <paramref name="values"/> without copying, with a shape taken from another tensor
    /// (e.g. <c>input.Shape</c>; the shape's storage is shared, not copied). The caller gives the array up.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="values">The values, row-major; their count must be the shape's number of elements.</param>
    /// <param name="shape">The shape.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="ArgumentException">The number of values does not match the shape.</exception>
    public static Tensor<T> CreateTensorUnsafe<T>(T[] values, TensorShape shape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(values);
        int[] dims = shape.Dims;
        int size = Shapes.Size(dims, "Tensor");
        if (size != values.Length)
        {
            throw new ArgumentException(
                $"Tensor: {values.Length} values cannot have shape {Shapes.Format(dims)} ({size} elements).",
                nameof(values));
        }

        return new Tensor<T>(dims.Length == 0 ? Shapes.Scalar : dims, values);
    }

    /// <summary>
    /// Returns the gradients a generated <c>[Differentiable]</c> bridge computed with its adjoint. The adjoint runs on
    /// raw arrays, outside any tape, so it has no derivative of its own: when a tape records the backward pass (a
    /// higher-order derivative) and tracks the upstream gradient or an input, each gradient is recorded as an operation
    /// whose gradient throws <see cref="NotSupportedException"/>, so the higher-order result is an error, never a
    /// silently missing term.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="name">The bridged method's name.</param>
    /// <param name="upstream">The upstream gradient the backward pass received.</param>
    /// <param name="recorded">The recorded inputs the backward pass received.</param>
    /// <param name="gradients">One gradient (or <see langword="null"/>) per input.</param>
    /// <returns><paramref name="gradients"/>, recorded where a tape tracks the backward pass.</returns>
    public static Tensor<T>?[] GradientsFromGeneratedAdjoint<T>(string name, Tensor<T> upstream, IReadOnlyList<Tensor<T>> recorded, Tensor<T>?[] gradients)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(gradients);
        if (!TapeContext.AnyRecording)
        {
            return gradients;
        }

        var inputs = new Tensor<T>[recorded.Count + 1];
        inputs[0] = upstream;
        for (int i = 0; i < recorded.Count; i++)
        {
            inputs[i + 1] = recorded[i];
        }

        string adjoint = name + "Adjoint";
        for (int i = 0; i < gradients.Length; i++)
        {
            if (gradients[i] is { } g)
            {
                gradients[i] = Tensor.CustomGradient(adjoint, inputs, g, (_, _) => throw new NotSupportedException(
                    $"{name}: a higher-order derivative through a bridged [Differentiable] method is not supported. Its backward pass is the generated {adjoint}, which runs outside the tape and has no derivative of its own. Build the function from Tensor operations to differentiate it twice, or write its derivative as a [Differentiable] method and differentiate that."));
            }
        }

        return gradients;
    }

    /// <summary>
    /// Whether a <see cref="GradientTape"/> records on the calling thread. Generated bridges compute the local
    /// derivatives of an elementwise method together with its values only when one does.
    /// </summary>
    public static bool IsRecording => TapeContext.AnyRecording;

    /// <summary>
    /// The backward pass of a generated elementwise bridge: each input's gradient is the upstream gradient times that
    /// input's local partial derivatives, which the bridge computed with the values (one generated gradient sweep per
    /// element). Like <see cref="GradientsFromGeneratedAdjoint{T}"/>, a tape that tracks this backward pass gets an
    /// error, not a wrong number, if it is asked for a higher-order derivative.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="name">The bridged method's name.</param>
    /// <param name="upstream">The upstream gradient (the value's shape).</param>
    /// <param name="recorded">The recorded inputs.</param>
    /// <param name="partials">Per input, d(value)/d(input) element by element, of the value's size.</param>
    /// <returns>One gradient per input, of the value's shape.</returns>
    public static Tensor<T>?[] GradientsFromPartials<T>(string name, Tensor<T> upstream, IReadOnlyList<Tensor<T>> recorded, T[][] partials)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(partials);
        ReadOnlySpan<T> seed = upstream.AsSpan();
        var gradients = new Tensor<T>?[partials.Length];
        for (int i = 0; i < partials.Length; i++)
        {
            var gradient = new T[seed.Length];
            System.Numerics.Tensors.TensorPrimitives.Multiply(seed, partials[i], gradient);
            gradients[i] = CreateTensorUnsafe(gradient, upstream.Shape);
        }

        return GradientsFromGeneratedAdjoint(name, upstream, recorded, gradients);
    }
}
