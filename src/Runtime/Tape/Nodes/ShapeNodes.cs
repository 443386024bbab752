using System;
using System.Numerics;

namespace AutoDiffGen;

/// <summary>Sum or mean over all elements or along one axis: the gradient is broadcast back (divided by the count for a mean).</summary>
internal sealed class ReduceNode<T> : UnaryNodeBase<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly bool _mean;
    private readonly int _axis;

    // axis: the normalized axis, or -1 for all elements.
    internal ReduceNode(bool mean, int axis, Tensor<T> x, Tensor<T> y, int inX)
        : base(x, y, inX)
    {
        _mean = mean;
        _axis = axis;
    }

    internal override void Backward(Backprop<T> bp, T[] g)
    {
        var r = new T[X._data.Length];
        if (_axis < 0)
        {
            T v = _mean ? g[0] / T.CreateTruncating(r.Length) : g[0];
            r.AsSpan().Fill(v);
        }
        else
        {
            (int outer, int length, int inner) = Shapes.SplitAtAxis(X._shape, _axis);
            ArrayKernels.ExpandAxis<T>(g, outer, length, inner, _mean ? T.CreateTruncating(length) : T.One, r);
        }

        bp.Add(InX, r, fresh: true);
    }

    internal override void BackwardRecorded(Backprop<T> bp, Tensor<T> g)
    {
        Tensor<T> r;
        if (_axis < 0)
        {
            r = Tensor.BroadcastTo(_mean ? Tensor.Divide(g, T.CreateTruncating(X._data.Length)) : g, X._shape);
        }
        else
        {
            Tensor<T> kept = Tensor.Reshape(g, Shapes.RemoveAxis(X._shape, _axis, keepDims: true));
            if (_mean)
            {
                kept = Tensor.Divide(kept, T.CreateTruncating(X._shape[_axis]));
            }

            r = Tensor.BroadcastTo(kept, X._shape);
        }

        bp.Add(InX, r);
    }
}

/// <summary>Reshape: the gradient is reshaped back.</summary>
internal sealed class ReshapeNode<T> : UnaryNodeBase<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    internal ReshapeNode(Tensor<T> x, Tensor<T> y, int inX)
        : base(x, y, inX)
    {
    }

    internal override void Backward(Backprop<T> bp, T[] g) => bp.Add(InX, g, fresh: false);

    internal override void BackwardRecorded(Backprop<T> bp, Tensor<T> g) => bp.Add(InX, Tensor.Reshape(g, X._shape));
}

/// <summary>Transpose: the gradient is transposed by the inverse permutation.</summary>
internal sealed class TransposeNode<T> : UnaryNodeBase<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _inverse;

    internal TransposeNode(int[] perm, Tensor<T> x, Tensor<T> y, int inX)
        : base(x, y, inX) => _inverse = ArrayKernels.InversePermutation(perm);

    internal override void Backward(Backprop<T> bp, T[] g)
    {
        var r = new T[g.Length];
        ArrayKernels.Transpose<T>(g, Y._shape, _inverse, r);
        bp.Add(InX, r, fresh: true);
    }

    internal override void BackwardRecorded(Backprop<T> bp, Tensor<T> g) => bp.Add(InX, Tensor.Transpose(g, _inverse));
}

/// <summary>BroadcastTo: the gradient is summed back over the broadcast axes.</summary>
internal sealed class BroadcastToNode<T> : UnaryNodeBase<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    internal BroadcastToNode(Tensor<T> x, Tensor<T> y, int inX)
        : base(x, y, inX)
    {
    }

    internal override void Backward(Backprop<T> bp, T[] g) => RawGrad.AddReduced(bp, InX, g, Y._shape, X._shape, fresh: false);

    internal override void BackwardRecorded(Backprop<T> bp, Tensor<T> g) => bp.Add(InX, Tensor.SumTo(g, X._shape));
}

/// <summary>SumTo (the gradient of broadcasting): the gradient is broadcast back.</summary>
internal sealed class SumToNode<T> : UnaryNodeBase<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    internal SumToNode(Tensor<T> x, Tensor<T> y, int inX)
        : base(x, y, inX)
    {
    }

    internal override void Backward(Backprop<T> bp, T[] g) =>
        bp.Add(InX, Broadcasting.BroadcastTo(g, Y._shape, X._shape), fresh: true);

    internal override void BackwardRecorded(Backprop<T> bp, Tensor<T> g) => bp.Add(InX, Tensor.BroadcastTo(g, X._shape));
}

/// <summary>Selects x[..., index, ...] along an axis (the gradient of Stack).</summary>
internal sealed class TakeNode<T> : UnaryNodeBase<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _axis;
    private readonly int _index;

    internal TakeNode(int axis, int index, Tensor<T> x, Tensor<T> y, int inX)
        : base(x, y, inX)
    {
        _axis = axis;
        _index = index;
    }

    internal override void Backward(Backprop<T> bp, T[] g)
    {
        var r = new T[X._data.Length];
        (int outer, int length, int inner) = Shapes.SplitAtAxis(X._shape, _axis);
        for (int o = 0; o < outer; o++)
        {
            g.AsSpan(o * inner, inner).CopyTo(r.AsSpan(((o * length) + _index) * inner, inner));
        }

        bp.Add(InX, r, fresh: true);
    }

    internal override void BackwardRecorded(Backprop<T> bp, Tensor<T> g)
    {
        int n = X._shape[_axis];
        var parts = new Tensor<T>[n];
        Tensor<T> zeros = Tensor.ZerosLike(g);
        for (int i = 0; i < n; i++)
        {
            parts[i] = i == _index ? g : zeros;
        }

        bp.Add(InX, Tensor.Stack(parts, _axis));
    }
}

/// <summary>Stack along an axis: each input gets its slice of the gradient.</summary>
internal sealed class StackNode<T> : MultiNodeBase<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _axis;

    internal StackNode(int axis, Tensor<T>[] inputs, int[] inIds, Tensor<T> y)
        : base(inputs, inIds, y) => _axis = axis;

    internal override void Backward(Backprop<T> bp, T[] g)
    {
        (int outer, int n, int inner) = Shapes.SplitAtAxis(Y._shape, _axis);
        for (int i = 0; i < InIds.Length; i++)
        {
            if (!bp.Wants(InIds[i]))
            {
                continue;
            }

            var r = new T[outer * inner];
            for (int o = 0; o < outer; o++)
            {
                g.AsSpan(((o * n) + i) * inner, inner).CopyTo(r.AsSpan(o * inner, inner));
            }

            bp.Add(InIds[i], r, fresh: true);
        }
    }

    internal override void BackwardRecorded(Backprop<T> bp, Tensor<T> g)
    {
        for (int i = 0; i < InIds.Length; i++)
        {
            if (bp.Wants(InIds[i]))
            {
                bp.Add(InIds[i], Tensor.Take(g, _axis, i));
            }
        }
    }
}

/// <summary>where(mask, a, b) with a constant mask (TensorFlow's SelectV2 gradient: where(mask, g, 0), where(mask, 0, g)).</summary>
internal sealed class SelectNode<T> : BinaryNodeBase<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly bool[] _mask;

    internal SelectNode(bool[] mask, Tensor<T> a, Tensor<T> b, Tensor<T> y, int inA, int inB)
        : base(a, b, y, inA, inB) => _mask = mask;

    internal override void Backward(Backprop<T> bp, T[] g)
    {
        if (bp.Wants(InA))
        {
            bp.Add(InA, ArrayKernels.Select<T>(g, _mask, invert: false), fresh: true);
        }

        if (bp.Wants(InB))
        {
            bp.Add(InB, ArrayKernels.Select<T>(g, _mask, invert: true), fresh: true);
        }
    }

    internal override void BackwardRecorded(Backprop<T> bp, Tensor<T> g)
    {
        Tensor<T> zeros = Tensor.ZerosLike(g);
        if (bp.Wants(InA))
        {
            bp.Add(InA, Tensor.Select(_mask, g, zeros));
        }

        if (bp.Wants(InB))
        {
            bp.Add(InB, Tensor.Select(_mask, zeros, g));
        }
    }
}
