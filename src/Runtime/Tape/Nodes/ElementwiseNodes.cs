using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiffGen;

internal enum BinaryKind : byte
{
    Add,
    Subtract,
    Multiply,
    Divide,
    Pow,
    Maximum,
    Minimum,
}

internal enum ScalarKind : byte
{
    /// <summary>x + s.</summary>
    Add,

    /// <summary>x - s.</summary>
    Subtract,

    /// <summary>s - x.</summary>
    SubtractFrom,

    /// <summary>x * s.</summary>
    Multiply,

    /// <summary>x / s.</summary>
    Divide,

    /// <summary>s / x.</summary>
    DivideInto,

    /// <summary>x ^ s.</summary>
    Pow,

    /// <summary>max(x, s).</summary>
    Maximum,

    /// <summary>min(x, s).</summary>
    Minimum,
}

internal enum UnaryKind : byte
{
    Identity,
    Negate,
    Exp,
    Log,
    Sqrt,
    Square,
    Sin,
    Cos,
    Tanh,
    Sigmoid,
    Relu,
    Abs,
}

/// <summary>Raw-array helpers shared by backward functions.</summary>
internal static class RawGrad
{
    /// <summary>Adds <paramref name="full"/> (of <paramref name="fullShape"/>) to slot <paramref name="id"/>, summed down to <paramref name="target"/>.</summary>
    internal static void AddReduced<T>(Backprop<T> bp, int id, T[] full, int[] fullShape, int[] target, bool fresh)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] r = Broadcasting.SumTo(full, fullShape, target, out bool reduced);
        bp.Add(id, r, fresh || reduced);
    }

    internal static T[] Negated<T>(T[] g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var r = new T[g.Length];
        TensorPrimitives.Negate(g, r);
        return r;
    }

    internal static T[] Binary<TOp, T>(T[] a, int[] aShape, T[] b, int[] bShape, int[] outShape)
        where TOp : IBinaryOp<T>
        where T : unmanaged, IFloatingPointIeee754<T>
        => Broadcasting.Binary<TOp, T>(a, aShape, b, bShape, outShape);

    /// <summary>mask[i] = a[i] &gt;= b[i] (or &lt;=), with a and b broadcast to <paramref name="outShape"/>.</summary>
    internal static bool[] CompareMask<T>(Tensor<T> a, Tensor<T> b, int[] outShape, bool greaterEqual)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = Shapes.Size(outShape, "Compare");
        T[] av = a._data.Length == n ? a._data : Broadcasting.BroadcastTo(a._data, a._shape, outShape);
        T[] bv = b._data.Length == n ? b._data : Broadcasting.BroadcastTo(b._data, b._shape, outShape);
        var mask = new bool[n];
        for (int i = 0; i < n; i++)
        {
            mask[i] = greaterEqual ? av[i] >= bv[i] : av[i] <= bv[i];
        }

        return mask;
    }

    internal static bool[] CompareMask<T>(T[] x, T s, bool greaterEqual)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var mask = new bool[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            mask[i] = greaterEqual ? x[i] >= s : x[i] <= s;
        }

        return mask;
    }

    internal static bool[] PositiveMask<T>(T[] x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var mask = new bool[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            mask[i] = x[i] > T.Zero;
        }

        return mask;
    }

    /// <summary>sign(x) with sign(0) = 0 and sign(NaN) = NaN (TensorFlow's <c>sign</c>).</summary>
    internal static T[] Sign<T>(T[] x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var r = new T[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            T v = x[i];
            r[i] = v > T.Zero ? T.One : v < T.Zero ? -T.One : v == T.Zero ? T.Zero : v;
        }

        return r;
    }

    /// <summary>log(x) where x &gt; 0, else 0 (the exponent gradient of Pow).</summary>
    internal static T[] LogWherePositive<T>(T[] x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var r = new T[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            r[i] = x[i] > T.Zero ? T.Log(x[i]) : T.Zero;
        }

        return r;
    }
}

/// <summary>Recorded-mode helpers: the same rules built from tensor operations.</summary>
internal static class RecordedGrad
{
    /// <summary>Differentiable log(x) where x &gt; 0, else 0: where(x &gt; 0, log(where(x &gt; 0, x, 1)), 0).</summary>
    internal static Tensor<T> LogWherePositive<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool[] mask = RawGrad.PositiveMask(x._data);
        Tensor<T> ones = Tensor.OnesLike(x);
        Tensor<T> safe = Tensor.Select(mask, x, ones);
        return Tensor.Select(mask, Tensor.Log(safe), Tensor.ZerosLike(x));
    }
}

/// <summary>Broadcasting binary operations: gradients are reduced back to each input's shape.</summary>
internal sealed class BinaryNode<T> : BinaryNodeBase<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly BinaryKind _kind;

    internal BinaryNode(BinaryKind kind, Tensor<T> a, Tensor<T> b, Tensor<T> y, int inA, int inB)
        : base(a, b, y, inA, inB) => _kind = kind;

    internal override void Backward(Backprop<T> bp, T[] g)
    {
        int[] ys = Y._shape;
        bool wantA = bp.Wants(InA);
        bool wantB = bp.Wants(InB);
        switch (_kind)
        {
            case BinaryKind.Add:
                if (wantA)
                {
                    RawGrad.AddReduced(bp, InA, g, ys, A._shape, fresh: false);
                }

                if (wantB)
                {
                    RawGrad.AddReduced(bp, InB, g, ys, B._shape, fresh: false);
                }

                break;
            case BinaryKind.Subtract:
                if (wantA)
                {
                    RawGrad.AddReduced(bp, InA, g, ys, A._shape, fresh: false);
                }

                if (wantB)
                {
                    RawGrad.AddReduced(bp, InB, RawGrad.Negated(g), ys, B._shape, fresh: true);
                }

                break;
            case BinaryKind.Multiply:
                if (wantA)
                {
                    RawGrad.AddReduced(bp, InA, RawGrad.Binary<MultiplyOp<T>, T>(g, ys, B._data, B._shape, ys), ys, A._shape, fresh: true);
                }

                if (wantB)
                {
                    RawGrad.AddReduced(bp, InB, RawGrad.Binary<MultiplyOp<T>, T>(A._data, A._shape, g, ys, ys), ys, B._shape, fresh: true);
                }

                break;
            case BinaryKind.Divide:
                if (wantA)
                {
                    RawGrad.AddReduced(bp, InA, RawGrad.Binary<DivideOp<T>, T>(g, ys, B._data, B._shape, ys), ys, A._shape, fresh: true);
                }

                if (wantB)
                {
                    // g * (-a / b) / b, with a / b = y.
                    T[] t = new T[g.Length];
                    TensorPrimitives.Multiply(g, Y._data, t);
                    TensorPrimitives.Negate(t, t);
                    Broadcasting.Binary<DivideOp<T>, T>(t, ys, B._data, B._shape, t, ys);
                    RawGrad.AddReduced(bp, InB, t, ys, B._shape, fresh: true);
                }

                break;
            case BinaryKind.Pow:
                if (wantA)
                {
                    // g * b * a^(b - 1)
                    T[] bm1 = new T[B._data.Length];
                    TensorPrimitives.Subtract(B._data, T.One, bm1);
                    T[] t = RawGrad.Binary<PowOp<T>, T>(A._data, A._shape, bm1, B._shape, ys);
                    Broadcasting.Binary<MultiplyOp<T>, T>(t, ys, B._data, B._shape, t, ys);
                    TensorPrimitives.Multiply(t, g, t);
                    RawGrad.AddReduced(bp, InA, t, ys, A._shape, fresh: true);
                }

                if (wantB)
                {
                    // g * y * log(a) where a > 0, else 0
                    T[] logA = RawGrad.LogWherePositive(A._data);
                    T[] t = RawGrad.Binary<MultiplyOp<T>, T>(Y._data, ys, logA, A._shape, ys);
                    TensorPrimitives.Multiply(t, g, t);
                    RawGrad.AddReduced(bp, InB, t, ys, B._shape, fresh: true);
                }

                break;
            case BinaryKind.Maximum:
            case BinaryKind.Minimum:
                {
                    bool[] mask = RawGrad.CompareMask(A, B, ys, greaterEqual: _kind == BinaryKind.Maximum);
                    if (wantA)
                    {
                        RawGrad.AddReduced(bp, InA, ArrayKernels.Select<T>(g, mask, invert: false), ys, A._shape, fresh: true);
                    }

                    if (wantB)
                    {
                        RawGrad.AddReduced(bp, InB, ArrayKernels.Select<T>(g, mask, invert: true), ys, B._shape, fresh: true);
                    }

                    break;
                }
        }
    }

    internal override void BackwardRecorded(Backprop<T> bp, Tensor<T> g)
    {
        bool wantA = bp.Wants(InA);
        bool wantB = bp.Wants(InB);
        switch (_kind)
        {
            case BinaryKind.Add:
                if (wantA)
                {
                    bp.Add(InA, Tensor.SumTo(g, A._shape));
                }

                if (wantB)
                {
                    bp.Add(InB, Tensor.SumTo(g, B._shape));
                }

                break;
            case BinaryKind.Subtract:
                if (wantA)
                {
                    bp.Add(InA, Tensor.SumTo(g, A._shape));
                }

                if (wantB)
                {
                    bp.Add(InB, Tensor.SumTo(Tensor.Negate(g), B._shape));
                }

                break;
            case BinaryKind.Multiply:
                if (wantA)
                {
                    bp.Add(InA, Tensor.SumTo(Tensor.Multiply(g, B), A._shape));
                }

                if (wantB)
                {
                    bp.Add(InB, Tensor.SumTo(Tensor.Multiply(A, g), B._shape));
                }

                break;
            case BinaryKind.Divide:
                if (wantA)
                {
                    bp.Add(InA, Tensor.SumTo(Tensor.Divide(g, B), A._shape));
                }

                if (wantB)
                {
                    Tensor<T> t = Tensor.Divide(Tensor.Multiply(g, Tensor.Divide(Tensor.Negate(A), B)), B);
                    bp.Add(InB, Tensor.SumTo(t, B._shape));
                }

                break;
            case BinaryKind.Pow:
                if (wantA)
                {
                    Tensor<T> t = Tensor.Multiply(Tensor.Multiply(g, B), Tensor.Pow(A, Tensor.Subtract(B, T.One)));
                    bp.Add(InA, Tensor.SumTo(t, A._shape));
                }

                if (wantB)
                {
                    Tensor<T> t = Tensor.Multiply(Tensor.Multiply(g, Y), RecordedGrad.LogWherePositive(A));
                    bp.Add(InB, Tensor.SumTo(t, B._shape));
                }

                break;
            case BinaryKind.Maximum:
            case BinaryKind.Minimum:
                {
                    bool[] mask = RawGrad.CompareMask(A, B, Y._shape, greaterEqual: _kind == BinaryKind.Maximum);
                    Tensor<T> zeros = Tensor.ZerosLike(g);
                    if (wantA)
                    {
                        bp.Add(InA, Tensor.SumTo(Tensor.Select(mask, g, zeros), A._shape));
                    }

                    if (wantB)
                    {
                        bp.Add(InB, Tensor.SumTo(Tensor.Select(mask, zeros, g), B._shape));
                    }

                    break;
                }
        }
    }
}

/// <summary>An operation between a tensor and a constant scalar.</summary>
internal sealed class ScalarNode<T> : UnaryNodeBase<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ScalarKind _kind;
    private readonly T _scalar;

    internal ScalarNode(ScalarKind kind, T scalar, Tensor<T> x, Tensor<T> y, int inX)
        : base(x, y, inX)
    {
        _kind = kind;
        _scalar = scalar;
    }

    internal override void Backward(Backprop<T> bp, T[] g)
    {
        T s = _scalar;
        T[] r;
        switch (_kind)
        {
            case ScalarKind.Add:
            case ScalarKind.Subtract:
                bp.Add(InX, g, fresh: false);
                return;
            case ScalarKind.SubtractFrom:
                r = RawGrad.Negated(g);
                break;
            case ScalarKind.Multiply:
                r = new T[g.Length];
                TensorPrimitives.Multiply(g, s, r);
                break;
            case ScalarKind.Divide:
                r = new T[g.Length];
                TensorPrimitives.Divide(g, s, r);
                break;
            case ScalarKind.DivideInto:
                // g * (-s / x) / x
                r = new T[g.Length];
                TensorPrimitives.Divide(-s, X._data, r);
                TensorPrimitives.Multiply(r, g, r);
                TensorPrimitives.Divide(r, X._data, r);
                break;
            case ScalarKind.Pow:
                // g * s * x^(s - 1)
                r = new T[g.Length];
                TensorPrimitives.Pow(X._data, s - T.One, r);
                TensorPrimitives.Multiply(r, s, r);
                TensorPrimitives.Multiply(r, g, r);
                break;
            default:
                r = ArrayKernels.Select<T>(g, RawGrad.CompareMask(X._data, s, greaterEqual: _kind == ScalarKind.Maximum), invert: false);
                break;
        }

        bp.Add(InX, r, fresh: true);
    }

    internal override void BackwardRecorded(Backprop<T> bp, Tensor<T> g)
    {
        T s = _scalar;
        Tensor<T> r = _kind switch
        {
            ScalarKind.Add or ScalarKind.Subtract => g,
            ScalarKind.SubtractFrom => Tensor.Negate(g),
            ScalarKind.Multiply => Tensor.Multiply(g, s),
            ScalarKind.Divide => Tensor.Divide(g, s),
            ScalarKind.DivideInto => Tensor.Divide(Tensor.Multiply(g, Tensor.Divide(-s, X)), X),
            ScalarKind.Pow => Tensor.Multiply(g, Tensor.Multiply(Tensor.Pow(X, s - T.One), s)),
            _ => Tensor.Select(RawGrad.CompareMask(X._data, s, greaterEqual: _kind == ScalarKind.Maximum), g, Tensor.ZerosLike(g)),
        };
        bp.Add(InX, r);
    }
}

/// <summary>Elementwise functions of one tensor; Exp, Sqrt, Tanh, Sigmoid and Relu use their output.</summary>
internal sealed class UnaryNode<T> : UnaryNodeBase<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly UnaryKind _kind;

    internal UnaryNode(UnaryKind kind, Tensor<T> x, Tensor<T> y, int inX)
        : base(x, y, inX) => _kind = kind;

    internal override void Backward(Backprop<T> bp, T[] g)
    {
        if (_kind == UnaryKind.Identity)
        {
            bp.Add(InX, g, fresh: false);
            return;
        }

        T[] x = X._data;
        T[] y = Y._data;
        T[] r = ArrayKernels.Uninitialized<T>(g.Length);
        switch (_kind)
        {
            case UnaryKind.Negate:
                TensorPrimitives.Negate(g, r);
                break;
            case UnaryKind.Exp:
                TensorPrimitives.Multiply(g, y, r);
                break;
            case UnaryKind.Log:
                TensorPrimitives.Divide(g, x, r);
                break;
            case UnaryKind.Sqrt:
                // g * 0.5 / y
                TensorPrimitives.Multiply(g, T.CreateTruncating(0.5), r);
                TensorPrimitives.Divide(r, y, r);
                break;
            case UnaryKind.Square:
                // g * (2 * x)
                TensorPrimitives.Multiply(x, T.CreateTruncating(2), r);
                TensorPrimitives.Multiply(g, r, r);
                break;
            case UnaryKind.Sin:
                TensorPrimitives.Cos(x, r);
                TensorPrimitives.Multiply(g, r, r);
                break;
            case UnaryKind.Cos:
                // -g * sin(x)
                TensorPrimitives.Sin(x, r);
                TensorPrimitives.Multiply(r, g, r);
                TensorPrimitives.Negate(r, r);
                break;
            case UnaryKind.Tanh:
                // g * (1 - y^2)
                TensorPrimitives.Multiply(y, y, r);
                TensorPrimitives.Subtract(T.One, r, r);
                TensorPrimitives.Multiply(g, r, r);
                break;
            case UnaryKind.Sigmoid:
                // g * y * (1 - y)
                TensorPrimitives.Subtract(T.One, y, r);
                TensorPrimitives.Multiply(r, y, r);
                TensorPrimitives.Multiply(g, r, r);
                break;
            case UnaryKind.Relu:
                for (int i = 0; i < r.Length; i++)
                {
                    r[i] = y[i] > T.Zero ? g[i] : T.Zero;
                }

                break;
            case UnaryKind.Abs:
                for (int i = 0; i < r.Length; i++)
                {
                    T v = x[i];
                    r[i] = v > T.Zero ? g[i] : v < T.Zero ? -g[i] : v == T.Zero ? T.Zero : v;
                }

                break;
        }

        bp.Add(InX, r, fresh: true);
    }

    internal override void BackwardRecorded(Backprop<T> bp, Tensor<T> g)
    {
        Tensor<T> r = _kind switch
        {
            UnaryKind.Identity => g,
            UnaryKind.Negate => Tensor.Negate(g),
            UnaryKind.Exp => Tensor.Multiply(g, Y),
            UnaryKind.Log => Tensor.Divide(g, X),
            UnaryKind.Sqrt => Tensor.Divide(Tensor.Multiply(g, T.CreateTruncating(0.5)), Y),
            UnaryKind.Square => Tensor.Multiply(g, Tensor.Multiply(X, T.CreateTruncating(2))),
            UnaryKind.Sin => Tensor.Multiply(g, Tensor.Cos(X)),
            UnaryKind.Cos => Tensor.Multiply(Tensor.Negate(g), Tensor.Sin(X)),
            UnaryKind.Tanh => Tensor.Multiply(g, Tensor.Subtract(T.One, Tensor.Multiply(Y, Y))),
            UnaryKind.Sigmoid => Tensor.Multiply(g, Tensor.Multiply(Y, Tensor.Subtract(T.One, Y))),
            UnaryKind.Relu => Tensor.Select(RawGrad.PositiveMask(Y._data), g, Tensor.ZerosLike(g)),
            _ => Tensor.Multiply(g, Tensor.Constant(X._shape, RawGrad.Sign(X._data))),
        };
        bp.Add(InX, r);
    }
}
