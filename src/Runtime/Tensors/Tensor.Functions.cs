using System;
using System.Collections.Generic;
using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiffGen;

public static partial class Tensor
{
    // ---- linear algebra ---------------------------------------------------------------------------------

    /// <summary>
    /// Matrix product (<c>tf.matmul</c>): <c>a [..., m, k]</c> times <c>b [..., k, n]</c>. Both rank 2; or <paramref name="a"/>
    /// batched and <paramref name="b"/> rank 2 (the leading dimensions fold into m); or equal batch dimensions; or
    /// <paramref name="a"/> rank 2 shared by every batch of <paramref name="b"/>. The gradients are <c>g · bᵀ</c> and <c>aᵀ · g</c>.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="a">The left matrix (or batch of matrices).</param>
    /// <param name="b">The right matrix (or batch of matrices).</param>
    /// <returns>The product.</returns>
    /// <exception cref="ArgumentException">A rank is below 2, the inner dimensions differ, or the batch dimensions differ.</exception>
    public static Tensor<T> MatMul<T>(Tensor<T> a, Tensor<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        MatMulPlan plan = MatMulPlan.Create(a._shape, b._shape);
        T[] data = ArrayKernels.Uninitialized<T>(Shapes.Size(plan.OutShape, nameof(MatMul)));
        plan.Forward<T>(a._data, b._data, data);
        var y = new Tensor<T>(plan.OutShape, data);
        TapeContext? context = TapeContext.Recording;
        if (context is not null)
        {
            Recorder.Record2(context, a, b, y, plan, static (sa, sb, y, ia, ib, p) => new MatMulNode<T>(p, sa, sb, y, ia, ib));
        }

        return y;
    }

    // ---- neural-network functions -----------------------------------------------------------------------

    /// <summary>Softmax along an axis (<c>tf.nn.softmax</c>), computed with the maximum subtracted so large logits do not overflow.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The logits.</param>
    /// <param name="axis">The axis (default the last).</param>
    /// <returns>The probabilities.</returns>
    public static Tensor<T> Softmax<T>(Tensor<T> x, int axis = -1)
        where T : unmanaged, IFloatingPointIeee754<T>
        => SoftmaxCore(x, axis, log: false, nameof(Softmax));

    /// <summary>Log-softmax along an axis (<c>tf.nn.log_softmax</c>): <c>x - max - log(sum(exp(x - max)))</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The logits.</param>
    /// <param name="axis">The axis (default the last).</param>
    /// <returns>The log-probabilities.</returns>
    public static Tensor<T> LogSoftmax<T>(Tensor<T> x, int axis = -1)
        where T : unmanaged, IFloatingPointIeee754<T>
        => SoftmaxCore(x, axis, log: true, nameof(LogSoftmax));

    private static Tensor<T> SoftmaxCore<T>(Tensor<T> x, int axis, bool log, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        int ax = Shapes.NormalizeAxis(axis, x.Rank, name);
        (int outer, int length, int inner) = Shapes.SplitAtAxis(x._shape, ax);
        T[] data = ArrayKernels.Uninitialized<T>(x._data.Length);
        ArrayKernels.Softmax<T>(x._data, outer, length, inner, data, log);
        var y = new Tensor<T>(x._shape, data);
        TapeContext? context = TapeContext.Recording;
        if (context is not null)
        {
            Recorder.Record1(context, x, y, (ax, log), static (sx, y, ix, st) => new SoftmaxNode<T>(st.ax, st.log, sx, y, ix));
        }

        return y;
    }

    /// <summary>
    /// Softmax cross-entropy per row (<c>tf.nn.softmax_cross_entropy_with_logits</c>): <c>-sum(labels · log_softmax(logits))</c>
    /// over the last axis, computed stably. The logits gradient is fused (<c>softmax · sum(labels) - labels</c>, which
    /// is TensorFlow's <c>softmax - labels</c> for labels that sum to one); labels get <c>-log_softmax(logits)</c>.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">The target distributions, e.g. one-hot rows; the same shape as <paramref name="logits"/>.</param>
    /// <param name="logits">Unnormalised log-probabilities [..., classes].</param>
    /// <returns>The loss per row: the logits' shape without the last axis.</returns>
    /// <exception cref="ArgumentException">The shapes differ or the rank is 0.</exception>
    public static Tensor<T> SoftmaxCrossEntropyWithLogits<T>(Tensor<T> labels, Tensor<T> logits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.Rank == 0 || !Shapes.Equal(labels._shape, logits._shape))
        {
            throw new ArgumentException(
                $"SoftmaxCrossEntropyWithLogits: labels of shape {Shapes.Format(labels._shape)} and logits of shape {Shapes.Format(logits._shape)} must have the same shape of rank at least 1.");
        }

        int classes = logits._shape[^1];
        int rows = classes == 0 ? 0 : logits._data.Length / classes;
        int[] lossShape = logits._shape.AsSpan(0, logits.Rank - 1).ToArray();
        var loss = new T[Shapes.Size(lossShape, nameof(SoftmaxCrossEntropyWithLogits))];
        TapeContext? context = TapeContext.Recording;
        T[] lsm = new T[logits._data.Length];
        T[] l = labels._data;
        for (int r = 0; r < rows; r++)
        {
            Span<T> row = lsm.AsSpan(r * classes, classes);
            ArrayKernels.SoftmaxRow<T>(logits._data.AsSpan(r * classes, classes), row, log: true);
            loss[r] = -TensorPrimitives.Dot(l.AsSpan(r * classes, classes), row);
        }

        var y = new Tensor<T>(lossShape, loss);
        if (context is not null)
        {
            // backprop = softmax * sum(labels) - labels, computed in place over the log-softmax buffer.
            T[] backprop = lsm;
            for (int r = 0; r < rows; r++)
            {
                Span<T> row = backprop.AsSpan(r * classes, classes);
                ReadOnlySpan<T> lr = l.AsSpan(r * classes, classes);
                TensorPrimitives.Exp(row, row);
                TensorPrimitives.Multiply(row, TensorPrimitives.Sum(lr), row);
                TensorPrimitives.Subtract(row, lr, row);
            }

            Recorder.Record2(context, labels, logits, y, backprop, static (sa, sb, y, ia, ib, bp) => new SoftmaxCrossEntropyNode<T>(bp, sa, sb, y, ia, ib));
        }

        return y;
    }

    // ---- custom gradients ---------------------------------------------------------------------------------

    /// <summary>
    /// Defines an operation with its own gradient (<c>tf.custom_gradient</c>). <paramref name="f"/> runs with recording
    /// paused and returns the value and a gradient function; tapes record one operation whose backward pass calls
    /// that function with the upstream gradient. Operations inside the gradient function are recorded by tapes that
    /// are recording at that time, so custom gradients can define higher-order behaviour.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The input.</param>
    /// <param name="f">Computes <c>(value, upstream =&gt; gradient with respect to x)</c>; the gradient must have <paramref name="x"/>'s shape (or be null for none).</param>
    /// <returns>The value, as a new tensor recorded on the active tapes that watch <paramref name="x"/>.</returns>
    public static Tensor<T> CustomGradient<T>(Tensor<T> x, Func<Tensor<T>, (Tensor<T> Value, Func<Tensor<T>, Tensor<T>> Gradient)> f)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(f);
        Tensor<T> value;
        Func<Tensor<T>, Tensor<T>> gradient;
        using (TapeContext.PauseAll())
        {
            (value, gradient) = f(x);
        }

        CheckCustomResult(value, gradient);
        return CustomGradient(nameof(CustomGradient), [x], value, upstream => [gradient(upstream)]);
    }

    /// <summary>
    /// Defines an operation of two inputs with its own gradient (<c>tf.custom_gradient</c>); see
    /// <see cref="CustomGradient{T}(Tensor{T}, Func{Tensor{T}, ValueTuple{Tensor{T}, Func{Tensor{T}, Tensor{T}}}})"/>.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="f">Computes <c>(value, upstream =&gt; (gradient for x, gradient for y))</c>; a null gradient means none.</param>
    /// <returns>The value, as a new tensor recorded on the active tapes that watch an input.</returns>
    public static Tensor<T> CustomGradient<T>(
        Tensor<T> x,
        Tensor<T> y,
        Func<Tensor<T>, Tensor<T>, (Tensor<T> Value, Func<Tensor<T>, (Tensor<T>? X, Tensor<T>? Y)> Gradient)> f)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(f);
        Tensor<T> value;
        Func<Tensor<T>, (Tensor<T>? X, Tensor<T>? Y)> gradient;
        using (TapeContext.PauseAll())
        {
            (value, gradient) = f(x, y);
        }

        CheckCustomResult(value, gradient);
        return CustomGradient(
            nameof(CustomGradient),
            [x, y],
            value,
            upstream =>
            {
                (Tensor<T>? gx, Tensor<T>? gy) = gradient(upstream);
                return [gx, gy];
            });
    }

    /// <summary>
    /// Records one operation with the given inputs, value and gradient function: the low-level form used by
    /// generated <c>[Differentiable]</c> bridges (TensorFlow's <c>record_operation</c>). The value is computed by the
    /// caller (not recorded); the backward pass calls <paramref name="gradient"/> with the upstream gradient, which
    /// must return one gradient per input, each <see langword="null"/> or of that input's shape.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="name">The operation's name, used in error messages.</param>
    /// <param name="inputs">The differentiable inputs.</param>
    /// <param name="value">The operation's value.</param>
    /// <param name="gradient">Maps the upstream gradient (the value's shape) to the input gradients.</param>
    /// <returns>A new tensor with <paramref name="value"/>'s values, recorded on the active tapes that watch an input.</returns>
    /// <exception cref="InvalidOperationException">(During a gradient computation) the function returned the wrong number of gradients or a gradient of the wrong shape.</exception>
    public static Tensor<T> CustomGradient<T>(string name, IReadOnlyList<Tensor<T>> inputs, Tensor<T> value, Func<Tensor<T>, Tensor<T>?[]> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(gradient);
        return RecordCustom(name, inputs, value, gradient, null);
    }

    /// <summary>
    /// Records one operation with a gradient function that also receives the recorded inputs: the values the inputs
    /// had when the operation was recorded (for a <see cref="Variable{T}"/>, its value at that time even if it is
    /// assigned before the backward pass), as tensors that outer tapes track. Generated bridges use this form so that
    /// they need not copy their inputs. The input tensors are valid for the duration of the call.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="name">The operation's name, used in error messages.</param>
    /// <param name="inputs">The differentiable inputs.</param>
    /// <param name="value">The operation's value.</param>
    /// <param name="gradient">Maps (upstream gradient, recorded inputs) to one gradient (or <see langword="null"/>) per input.</param>
    /// <returns>A new tensor with <paramref name="value"/>'s values, recorded on the active tapes that watch an input.</returns>
    /// <exception cref="InvalidOperationException">(During a gradient computation) the function returned the wrong number of gradients or a gradient of the wrong shape.</exception>
    public static Tensor<T> CustomGradient<T>(string name, IReadOnlyList<Tensor<T>> inputs, Tensor<T> value, Func<Tensor<T>, IReadOnlyList<Tensor<T>>, Tensor<T>?[]> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(gradient);
        return RecordCustom(name, inputs, value, null, gradient);
    }

    private static Tensor<T> RecordCustom<T>(
        string name,
        IReadOnlyList<Tensor<T>> inputs,
        Tensor<T> value,
        Func<Tensor<T>, Tensor<T>?[]>? gradient,
        Func<Tensor<T>, IReadOnlyList<Tensor<T>>, Tensor<T>?[]>? gradientWithInputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(value);
        for (int i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is null)
            {
                throw new ArgumentException($"{name}: inputs[{i}] is null.", nameof(inputs));
            }
        }

        var y = new Tensor<T>(value._shape, SharedOrCopy(value));
        TapeContext? context = TapeContext.Recording;
        if (context is not null)
        {
            Recorder.RecordN(
                context,
                inputs,
                y,
                (name, gradient, gradientWithInputs),
                static (st, ids, y, s) => new CustomNode<T>(s.name, s.gradient, s.gradientWithInputs, st, ids, y));
        }

        return y;
    }

    private static void CheckCustomResult(object? value, object? gradient)
    {
        if (value is null || gradient is null)
        {
            throw new InvalidOperationException("CustomGradient: the function must return a value and a gradient function, not null.");
        }
    }
}
