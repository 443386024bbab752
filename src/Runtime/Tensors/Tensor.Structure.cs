using System;
using System.Collections.Generic;
using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiffGen;

public static partial class Tensor
{
    // ---- reductions -------------------------------------------------------------------------------------

    /// <summary>The sum of all elements, a scalar (<c>tf.reduce_sum</c>); the gradient broadcasts back.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <returns>A scalar tensor.</returns>
    public static Tensor<T> Sum<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        return RecordReduce(false, -1, x, new Tensor<T>(Shapes.Scalar, [TensorPrimitives.Sum<T>(x._data)]));
    }

    /// <summary>The sum along one axis (<c>tf.reduce_sum(x, axis, keepdims)</c>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <param name="axis">The axis; negative values count from the end.</param>
    /// <param name="keepDims">Keep the reduced axis with size 1.</param>
    /// <returns>The reduced tensor.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is out of range.</exception>
    public static Tensor<T> Sum<T>(Tensor<T> x, int axis, bool keepDims = false)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ReduceAxis(x, axis, keepDims, mean: false, nameof(Sum));

    /// <summary>The mean of all elements, a scalar (<c>tf.reduce_mean</c>); NaN for an empty tensor.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <returns>A scalar tensor.</returns>
    public static Tensor<T> Mean<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        T mean = TensorPrimitives.Sum<T>(x._data) / T.CreateTruncating(x._data.Length);
        return RecordReduce(true, -1, x, new Tensor<T>(Shapes.Scalar, [mean]));
    }

    /// <summary>The mean along one axis (<c>tf.reduce_mean(x, axis, keepdims)</c>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <param name="axis">The axis; negative values count from the end.</param>
    /// <param name="keepDims">Keep the reduced axis with size 1.</param>
    /// <returns>The reduced tensor.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is out of range.</exception>
    public static Tensor<T> Mean<T>(Tensor<T> x, int axis, bool keepDims = false)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ReduceAxis(x, axis, keepDims, mean: true, nameof(Mean));

    private static Tensor<T> ReduceAxis<T>(Tensor<T> x, int axis, bool keepDims, bool mean, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        int ax = Shapes.NormalizeAxis(axis, x.Rank, name);
        (int outer, int length, int inner) = Shapes.SplitAtAxis(x._shape, ax);
        var r = new T[outer * inner];
        ArrayKernels.SumAxis<T>(x._data, outer, length, inner, r);
        if (mean)
        {
            TensorPrimitives.Divide(r, T.CreateTruncating(length), r);
        }

        return RecordReduce(mean, ax, x, new Tensor<T>(Shapes.RemoveAxis(x._shape, ax, keepDims), r));
    }

    private static Tensor<T> RecordReduce<T>(bool mean, int axis, Tensor<T> x, Tensor<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TapeContext? context = TapeContext.Recording;
        if (context is not null)
        {
            Recorder.Record1(context, x, y, (mean, axis), static (sx, y, ix, st) => new ReduceNode<T>(st.mean, st.axis, sx, y, ix));
        }

        return y;
    }

    // ---- shape ------------------------------------------------------------------------------------------

    /// <summary>
    /// The same values with another shape (<c>tf.reshape</c>). One dimension may be -1: it is inferred from the
    /// number of elements. The gradient is reshaped back.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <param name="shape">The new dimensions.</param>
    /// <returns>The reshaped tensor.</returns>
    /// <exception cref="ArgumentException">The number of elements differs, or the shape has more than one -1 or another negative dimension.</exception>
    public static Tensor<T> Reshape<T>(Tensor<T> x, params int[] shape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(shape);
        int[] s = ResolveShape(shape, x._data.Length, x._shape);
        var y = new Tensor<T>(s, SharedOrCopy(x));
        TapeContext? context = TapeContext.Recording;
        if (context is not null)
        {
            Recorder.Record1(context, x, y, 0, static (sx, y, ix, _) => new ReshapeNode<T>(sx, y, ix));
        }

        return y;
    }

    private static int[] ResolveShape(int[] shape, int size, int[] original)
    {
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (inferred >= 0)
                {
                    throw new ArgumentException($"Reshape: the shape {Shapes.Format(shape)} has more than one -1.", nameof(shape));
                }

                inferred = i;
            }
            else if (shape[i] < 0)
            {
                throw new ArgumentException($"Reshape: the shape {Shapes.Format(shape)} has a negative dimension.", nameof(shape));
            }
            else
            {
                known *= shape[i];
            }
        }

        int[] result = CopyShape(shape);
        if (inferred >= 0)
        {
            if (known == 0 || size % known != 0)
            {
                throw new ArgumentException(
                    $"Reshape: cannot reshape a tensor of shape {Shapes.Format(original)} ({size} elements) into shape {Shapes.Format(shape)}.",
                    nameof(shape));
            }

            result[inferred] = (int)(size / known);
        }
        else if (known != size)
        {
            throw new ArgumentException(
                $"Reshape: cannot reshape a tensor of shape {Shapes.Format(original)} ({size} elements) into shape {Shapes.Format(shape)}.",
                nameof(shape));
        }

        return result;
    }

    /// <summary>An immutable tensor may share its buffer; a variable's (or a recorded read's) buffer must be copied.</summary>
    private static T[] SharedOrCopy<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => x._kind == TensorKind.Plain ? x._data : (T[])x._data.Clone();

    /// <summary>Reverses the dimensions (<c>tf.transpose</c> without <c>perm</c>): a matrix's transpose for rank 2.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <returns>The transposed tensor.</returns>
    public static Tensor<T> Transpose<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        var perm = new int[x.Rank];
        for (int i = 0; i < perm.Length; i++)
        {
            perm[i] = perm.Length - 1 - i;
        }

        return Transpose(x, perm);
    }

    /// <summary>Permutes the dimensions: output dimension <c>i</c> is input dimension <c>perm[i]</c> (<c>tf.transpose(x, perm)</c>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <param name="perm">A permutation of 0 .. rank-1.</param>
    /// <returns>The transposed tensor.</returns>
    /// <exception cref="ArgumentException"><paramref name="perm"/> is not a permutation of the dimensions.</exception>
    public static Tensor<T> Transpose<T>(Tensor<T> x, params int[] perm)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(perm);
        int r = x.Rank;
        bool valid = perm.Length == r;
        var seen = new bool[r];
        for (int i = 0; valid && i < r; i++)
        {
            valid = perm[i] >= 0 && perm[i] < r && !seen[perm[i]];
            if (valid)
            {
                seen[perm[i]] = true;
            }
        }

        if (!valid)
        {
            throw new ArgumentException(
                $"Transpose: {Shapes.Format(perm)} is not a permutation of the dimensions of a tensor of shape {Shapes.Format(x._shape)}.",
                nameof(perm));
        }

        int[] p = (int[])perm.Clone();
        var shape = new int[r];
        for (int i = 0; i < r; i++)
        {
            shape[i] = x._shape[p[i]];
        }

        var data = new T[x._data.Length];
        ArrayKernels.Transpose<T>(x._data, x._shape, p, data);
        var y = new Tensor<T>(r == 0 ? Shapes.Scalar : shape, data);
        TapeContext? context = TapeContext.Recording;
        if (context is not null)
        {
            Recorder.Record1(context, x, y, p, static (sx, y, ix, pp) => new TransposeNode<T>(pp, sx, y, ix));
        }

        return y;
    }

    /// <summary>
    /// Broadcasts <paramref name="x"/> to <paramref name="shape"/> (<c>tf.broadcast_to</c>); returns <paramref name="x"/>
    /// itself when the shape already matches. The gradient is summed back over the broadcast axes.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <param name="shape">The target dimensions.</param>
    /// <returns>The broadcast tensor.</returns>
    /// <exception cref="ArgumentException"><paramref name="x"/> cannot be broadcast to <paramref name="shape"/>.</exception>
    public static Tensor<T> BroadcastTo<T>(Tensor<T> x, params int[] shape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(shape);
        if (Shapes.Equal(x._shape, shape))
        {
            return x;
        }

        if (!Shapes.CanBroadcastTo(x._shape, shape))
        {
            throw new ArgumentException(
                $"BroadcastTo: a tensor of shape {Shapes.Format(x._shape)} cannot be broadcast to shape {Shapes.Format(shape)}.",
                nameof(shape));
        }

        int[] s = CopyShape(shape);
        _ = Shapes.Size(s, nameof(BroadcastTo));
        var y = new Tensor<T>(s, Broadcasting.BroadcastTo(x._data, x._shape, s));
        TapeContext? context = TapeContext.Recording;
        if (context is not null)
        {
            Recorder.Record1(context, x, y, 0, static (sx, y, ix, _) => new BroadcastToNode<T>(sx, y, ix));
        }

        return y;
    }

    /// <summary>
    /// The shape two shapes broadcast to under NumPy's rules (aligned on the right; each pair of dimensions equal or
    /// one of them 1).
    /// </summary>
    /// <param name="operation">The operation's name, for the error message.</param>
    /// <param name="a">The first shape.</param>
    /// <param name="b">The second shape.</param>
    /// <returns>A new array with the broadcast shape.</returns>
    /// <exception cref="ArgumentException">The shapes are not broadcastable; the message names the operation and both shapes.</exception>
    public static int[] BroadcastShape(string operation, ReadOnlySpan<int> a, ReadOnlySpan<int> b) =>
        Shapes.Broadcast(operation ?? "Broadcast", a, b);

    /// <summary>Sums <paramref name="x"/> down to <paramref name="shape"/> (the adjoint of broadcasting); returns <paramref name="x"/> when equal.</summary>
    internal static Tensor<T> SumTo<T>(Tensor<T> x, int[] shape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Shapes.Equal(x._shape, shape))
        {
            return x;
        }

        var data = new T[Shapes.Size(shape, nameof(SumTo))];
        Broadcasting.SumTo<T>(x._data, x._shape, data, shape);
        var y = new Tensor<T>(shape, data);
        TapeContext? context = TapeContext.Recording;
        if (context is not null)
        {
            Recorder.Record1(context, x, y, 0, static (sx, y, ix, _) => new SumToNode<T>(sx, y, ix));
        }

        return y;
    }

    /// <summary>
    /// Stacks tensors of equal shape along a new axis (<c>tf.stack</c>); each input's gradient is its slice of the
    /// upstream gradient.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="tensors">The tensors (at least one), all of the same shape.</param>
    /// <param name="axis">Where the new axis goes, from -(rank+1) to rank.</param>
    /// <returns>The stacked tensor.</returns>
    /// <exception cref="ArgumentException">The list is empty or the shapes differ.</exception>
    public static Tensor<T> Stack<T>(IReadOnlyList<Tensor<T>> tensors, int axis = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(tensors);
        int n = tensors.Count;
        if (n == 0)
        {
            throw new ArgumentException("Stack: at least one tensor is needed.", nameof(tensors));
        }

        Tensor<T> first = tensors[0] ?? throw new ArgumentException("Stack: tensors[0] is null.", nameof(tensors));
        int[] itemShape = first._shape;
        for (int i = 1; i < n; i++)
        {
            Tensor<T> t = tensors[i] ?? throw new ArgumentException($"Stack: tensors[{i}] is null.", nameof(tensors));
            if (!Shapes.Equal(t._shape, itemShape))
            {
                throw new ArgumentException(
                    $"Stack: shapes {Shapes.Format(itemShape)} and {Shapes.Format(t._shape)} differ (tensors 0 and {i}).",
                    nameof(tensors));
            }
        }

        int ax = Shapes.NormalizeAxis(axis, itemShape.Length + 1, nameof(Stack));
        var shape = new int[itemShape.Length + 1];
        for (int i = 0, j = 0; i < shape.Length; i++)
        {
            shape[i] = i == ax ? n : itemShape[j++];
        }

        (int outer, _, int inner) = Shapes.SplitAtAxis(shape, ax);
        var data = new T[outer * n * inner];
        for (int i = 0; i < n; i++)
        {
            T[] src = tensors[i]._data;
            for (int o = 0; o < outer; o++)
            {
                src.AsSpan(o * inner, inner).CopyTo(data.AsSpan(((o * n) + i) * inner, inner));
            }
        }

        var y = new Tensor<T>(shape, data);
        TapeContext? context = TapeContext.Recording;
        if (context is not null)
        {
            Recorder.RecordN(context, tensors, y, ax, static (st, ids, y, a) => new StackNode<T>(a, st, ids, y));
        }

        return y;
    }

    /// <summary>x[..., index, ...] along <paramref name="axis"/>, removing it (internal; the gradient of Stack).</summary>
    internal static Tensor<T> Take<T>(Tensor<T> x, int axis, int index)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (int outer, int length, int inner) = Shapes.SplitAtAxis(x._shape, axis);
        var data = new T[outer * inner];
        for (int o = 0; o < outer; o++)
        {
            x._data.AsSpan(((o * length) + index) * inner, inner).CopyTo(data.AsSpan(o * inner, inner));
        }

        var y = new Tensor<T>(Shapes.RemoveAxis(x._shape, axis, keepDims: false), data);
        TapeContext? context = TapeContext.Recording;
        if (context is not null)
        {
            Recorder.Record1(context, x, y, (axis, index), static (sx, y, ix, st) => new TakeNode<T>(st.axis, st.index, sx, y, ix));
        }

        return y;
    }

    /// <summary>
    /// The same values with no gradient flowing through (<c>tf.stop_gradient</c>): the result is not recorded, so
    /// it is a constant for every tape.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <returns>A new tensor with the same values.</returns>
    public static Tensor<T> StopGradient<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        return new Tensor<T>(x._shape, SharedOrCopy(x));
    }
}
