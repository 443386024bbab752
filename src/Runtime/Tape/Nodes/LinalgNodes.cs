using System;
using System.Collections.Generic;
using System.Numerics;

namespace AutoDiffGen;

/// <summary>
/// How a MatMul maps onto 2-D products: A [..., m, k] times B [..., k, n]. A rank-2 B folds A's leading dimensions
/// into m; otherwise the batch dimensions must be equal, or one operand is rank 2 and is shared by every batch.
/// </summary>
internal readonly struct MatMulPlan
{
    internal readonly int Batch;
    internal readonly int M;
    internal readonly int K;
    internal readonly int N;
    internal readonly int StrideA;
    internal readonly int StrideB;
    internal readonly int[] OutShape;

    private MatMulPlan(int batch, int m, int k, int n, int strideA, int strideB, int[] outShape)
    {
        Batch = batch;
        M = m;
        K = k;
        N = n;
        StrideA = strideA;
        StrideB = strideB;
        OutShape = outShape;
    }

    internal static MatMulPlan Create(int[] a, int[] b)
    {
        if (a.Length < 2 || b.Length < 2)
        {
            throw new ArgumentException(
                $"MatMul: both operands must have rank at least 2, but the shapes are {Shapes.Format(a)} and {Shapes.Format(b)}.");
        }

        int k = a[^1];
        if (b[^2] != k)
        {
            throw new ArgumentException(
                $"MatMul: shapes {Shapes.Format(a)} and {Shapes.Format(b)} are incompatible: the inner dimensions {k} and {b[^2]} differ.");
        }

        int n = b[^1];
        if (b.Length == 2)
        {
            int m = 1;
            for (int i = 0; i < a.Length - 1; i++)
            {
                m *= a[i];
            }

            int[] outShape = (int[])a.Clone();
            outShape[^1] = n;
            return new MatMulPlan(1, m, k, n, 0, 0, outShape);
        }

        if (a.Length == 2)
        {
            int batch = 1;
            for (int i = 0; i < b.Length - 2; i++)
            {
                batch *= b[i];
            }

            int[] outShape = (int[])b.Clone();
            outShape[^2] = a[0];
            return new MatMulPlan(batch, a[0], k, n, 0, k * n, outShape);
        }

        if (!a.AsSpan(0, a.Length - 2).SequenceEqual(b.AsSpan(0, b.Length - 2)))
        {
            throw new ArgumentException(
                $"MatMul: the batch dimensions of shapes {Shapes.Format(a)} and {Shapes.Format(b)} must be equal (or one operand must have rank 2).");
        }

        int batchCount = 1;
        for (int i = 0; i < a.Length - 2; i++)
        {
            batchCount *= a[i];
        }

        int[] shape = (int[])a.Clone();
        shape[^1] = n;
        return new MatMulPlan(batchCount, a[^2], k, n, a[^2] * k, k * n, shape);
    }

    internal void Forward<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int mn = M * N;
        if (Batch == 0)
        {
            c.Clear();
        }

        for (int i = 0; i < Batch; i++)
        {
            Gemm.Run(false, false, M, N, K, a.Slice(i * StrideA), b.Slice(i * StrideB), c.Slice(i * mn, mn), accumulate: false);
        }
    }

    /// <summary>dA = g · Bᵀ per batch (summed when A is shared).</summary>
    internal void GradA<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> b, Span<T> da)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int mn = M * N;
        if (Batch == 0)
        {
            da.Clear();
        }

        for (int i = 0; i < Batch; i++)
        {
            bool shared = StrideA == 0;
            Gemm.Run(false, true, M, K, N, g.Slice(i * mn, mn), b.Slice(i * StrideB), da.Slice(i * StrideA), accumulate: shared && i > 0);
        }
    }

    /// <summary>dB = Aᵀ · g per batch.</summary>
    internal void GradB<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> g, Span<T> db)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int mn = M * N;
        if (Batch == 0)
        {
            db.Clear();
        }

        for (int i = 0; i < Batch; i++)
        {
            bool shared = StrideB == 0;
            Gemm.Run(true, false, K, N, M, a.Slice(i * StrideA), g.Slice(i * mn, mn), db.Slice(i * StrideB), accumulate: shared && i > 0);
        }
    }
}

/// <summary>MatMul: dA = g · Bᵀ, dB = Aᵀ · g (TensorFlow's _MatMulGrad without transposes).</summary>
internal sealed class MatMulNode<T> : BinaryNodeBase<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly MatMulPlan _plan;

    internal MatMulNode(MatMulPlan plan, Tensor<T> a, Tensor<T> b, Tensor<T> y, int inA, int inB)
        : base(a, b, y, inA, inB) => _plan = plan;

    internal override void Backward(Backprop<T> bp, T[] g)
    {
        if (bp.Wants(InA))
        {
            T[] da = ArrayKernels.Uninitialized<T>(A._data.Length);
            _plan.GradA<T>(g, B._data, da);
            bp.Add(InA, da, fresh: true);
        }

        if (bp.Wants(InB))
        {
            T[] db = ArrayKernels.Uninitialized<T>(B._data.Length);
            _plan.GradB<T>(A._data, g, db);
            bp.Add(InB, db, fresh: true);
        }
    }

    internal override void BackwardRecorded(Backprop<T> bp, Tensor<T> g)
    {
        int[] a = A._shape;
        int[] b = B._shape;
        if (bp.Wants(InA))
        {
            Tensor<T> da = b.Length == 2
                ? Tensor.MatMul(g, Tensor.Transpose(B))
                : Tensor.SumTo(Tensor.MatMul(g, SwapLast(B)), a);
            bp.Add(InA, da);
        }

        if (bp.Wants(InB))
        {
            Tensor<T> db;
            if (b.Length == 2)
            {
                int k = a[^1];
                int n = b[^1];
                db = Tensor.MatMul(Tensor.Transpose(Tensor.Reshape(A, -1, k)), Tensor.Reshape(g, -1, n));
            }
            else
            {
                db = Tensor.MatMul(a.Length == 2 ? Tensor.Transpose(A) : SwapLast(A), g);
            }

            bp.Add(InB, db);
        }
    }

    private static Tensor<T> SwapLast(Tensor<T> x)
    {
        int r = x.Rank;
        var perm = new int[r];
        for (int i = 0; i < r; i++)
        {
            perm[i] = i;
        }

        perm[r - 1] = r - 2;
        perm[r - 2] = r - 1;
        return Tensor.Transpose(x, perm);
    }
}

/// <summary>Softmax / log-softmax along an axis.</summary>
internal sealed class SoftmaxNode<T> : UnaryNodeBase<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _axis;
    private readonly bool _log;

    internal SoftmaxNode(int axis, bool log, Tensor<T> x, Tensor<T> y, int inX)
        : base(x, y, inX)
    {
        _axis = axis;
        _log = log;
    }

    internal override void Backward(Backprop<T> bp, T[] g)
    {
        (int outer, int length, int inner) = Shapes.SplitAtAxis(Y._shape, _axis);
        var r = new T[g.Length];
        if (_log)
        {
            ArrayKernels.LogSoftmaxGrad<T>(g, Y._data, outer, length, inner, r);
        }
        else
        {
            ArrayKernels.SoftmaxGrad<T>(g, Y._data, outer, length, inner, r);
        }

        bp.Add(InX, r, fresh: true);
    }

    internal override void BackwardRecorded(Backprop<T> bp, Tensor<T> g)
    {
        Tensor<T> r = _log
            ? Tensor.Subtract(g, Tensor.Multiply(Tensor.Exp(Y), Tensor.Sum(g, _axis, keepDims: true)))
            : Tensor.Multiply(Y, Tensor.Subtract(g, Tensor.Sum(Tensor.Multiply(g, Y), _axis, keepDims: true)));
        bp.Add(InX, r);
    }
}

/// <summary>
/// Softmax cross-entropy per row (labels A, logits B). The logits gradient is fused: the forward pass keeps
/// softmax · sum(labels) - labels (softmax - labels for proper distributions, TensorFlow's backprop output).
/// </summary>
internal sealed class SoftmaxCrossEntropyNode<T> : BinaryNodeBase<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _backprop;

    internal SoftmaxCrossEntropyNode(T[] backprop, Tensor<T> labels, Tensor<T> logits, Tensor<T> loss, int inLabels, int inLogits)
        : base(labels, logits, loss, inLabels, inLogits) => _backprop = backprop;

    internal override void Backward(Backprop<T> bp, T[] g)
    {
        int rows = g.Length;
        int classes = rows == 0 ? 0 : B._data.Length / rows;
        if (bp.Wants(InB))
        {
            var r = new T[_backprop.Length];
            for (int i = 0; i < rows; i++)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(
                    _backprop.AsSpan(i * classes, classes), g[i], r.AsSpan(i * classes, classes));
            }

            bp.Add(InB, r, fresh: true);
        }

        if (bp.Wants(InA))
        {
            // -g * log_softmax(logits)
            var r = new T[B._data.Length];
            for (int i = 0; i < rows; i++)
            {
                Span<T> row = r.AsSpan(i * classes, classes);
                ArrayKernels.SoftmaxRow<T>(B._data.AsSpan(i * classes, classes), row, log: true);
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, -g[i], row);
            }

            bp.Add(InA, r, fresh: true);
        }
    }

    internal override void BackwardRecorded(Backprop<T> bp, Tensor<T> g)
    {
        int[] expanded = new int[Y._shape.Length + 1];
        Y._shape.CopyTo(expanded, 0);
        expanded[^1] = 1;
        Tensor<T> ge = Tensor.Reshape(g, expanded);
        if (bp.Wants(InB))
        {
            Tensor<T> p = Tensor.Subtract(Tensor.Multiply(Tensor.Softmax(B, -1), Tensor.Sum(A, -1, keepDims: true)), A);
            bp.Add(InB, Tensor.Multiply(ge, p));
        }

        if (bp.Wants(InA))
        {
            bp.Add(InA, Tensor.Multiply(Tensor.Negate(ge), Tensor.LogSoftmax(B, -1)));
        }
    }
}

/// <summary>
/// An operation with a user-supplied gradient (<c>tf.custom_gradient</c>, and the node generated
/// <c>[Differentiable]</c> bridges record): backward calls the function with the upstream gradient.
/// </summary>
internal sealed class CustomNode<T> : MultiNodeBase<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly string _name;
    private readonly Func<Tensor<T>, Tensor<T>?[]>? _gradient;
    private readonly Func<Tensor<T>, IReadOnlyList<Tensor<T>>, Tensor<T>?[]>? _gradientWithInputs;

    internal CustomNode(
        string name,
        Func<Tensor<T>, Tensor<T>?[]>? gradient,
        Func<Tensor<T>, IReadOnlyList<Tensor<T>>, Tensor<T>?[]>? gradientWithInputs,
        Tensor<T>[] inputs,
        int[] inIds,
        Tensor<T> y)
        : base(inputs, inIds, y)
    {
        _name = name;
        _gradient = gradient;
        _gradientWithInputs = gradientWithInputs;
    }

    internal override void Backward(Backprop<T> bp, T[] g)
    {
        Tensor<T>?[] grads = Call(new Tensor<T>(Y._shape, g));
        for (int i = 0; i < InIds.Length; i++)
        {
            Tensor<T>? gi = grads[i];
            if (gi is not null && bp.Wants(InIds[i]))
            {
                bool mutable = gi._kind != TensorKind.Plain;
                bp.Add(InIds[i], mutable ? gi.ToArray() : gi._data, fresh: mutable);
            }
        }
    }

    internal override void BackwardRecorded(Backprop<T> bp, Tensor<T> g)
    {
        Tensor<T>?[] grads = Call(g);
        for (int i = 0; i < InIds.Length; i++)
        {
            Tensor<T>? gi = grads[i];
            if (gi is not null && bp.Wants(InIds[i]))
            {
                bp.Add(InIds[i], gi._kind == TensorKind.Plain ? gi : Tensor.Identity(gi));
            }
        }
    }

    private Tensor<T>?[] Call(Tensor<T> upstream)
    {
        Tensor<T>?[]? grads = _gradient is not null ? _gradient(upstream) : _gradientWithInputs!(upstream, Inputs);
        int expected = Inputs.Length;
        if (grads is null)
        {
            throw new InvalidOperationException(
                $"Recorded operation '{_name}' returned null instead of its gradients. Expected {expected} gradients.");
        }

        if (grads.Length != expected)
        {
            throw new InvalidOperationException(
                $"Recorded operation '{_name}' returned too {(grads.Length < expected ? "few" : "many")} gradients. Expected {expected} but received {grads.Length}");
        }

        for (int i = 0; i < expected; i++)
        {
            Tensor<T>? gi = grads[i];
            if (gi is not null && !Shapes.Equal(gi._shape, Inputs[i]._shape))
            {
                throw new InvalidOperationException(
                    $"Recorded operation '{_name}' returned a gradient of shape {Shapes.Format(gi._shape)} for input {i}, whose shape is {Shapes.Format(Inputs[i]._shape)}.");
            }
        }

        return grads;
    }
}
