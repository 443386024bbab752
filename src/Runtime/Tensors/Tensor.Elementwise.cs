using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiffGen;

/// <summary>
/// Operations on <see cref="Tensor{T}"/>, named as System.Numerics.Tensors names them. Every operation returns a new
/// tensor and is recorded by the active <see cref="GradientTape"/>s that watch one of its inputs; gradients follow
/// TensorFlow's registered gradient functions.
/// </summary>
/// <remarks>
/// Elementwise binary operations broadcast as NumPy does (shapes aligned on the right, dimensions of size 1
/// stretched); shapes that do not broadcast throw <see cref="ArgumentException"/> naming the operation and both shapes,
/// e.g. <c>Add: shapes (2, 3) and (4,) are not broadcastable.</c> NaN and infinities propagate as IEEE 754 says.
/// </remarks>
public static partial class Tensor
{
    // ---- creation -----------------------------------------------------------------------------------------

    /// <summary>A tensor of zeros (<c>tf.zeros</c>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="shape">The dimensions; none for a scalar.</param>
    /// <returns>The tensor.</returns>
    public static Tensor<T> Zeros<T>(params int[] shape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(shape);
        int[] s = CopyShape(shape);
        return new Tensor<T>(s, new T[Shapes.Size(s, nameof(Zeros))]);
    }

    /// <summary>A tensor of ones (<c>tf.ones</c>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="shape">The dimensions; none for a scalar.</param>
    /// <returns>The tensor.</returns>
    public static Tensor<T> Ones<T>(params int[] shape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(shape);
        int[] s = CopyShape(shape);
        return new Tensor<T>(s, ArrayKernels.Filled(Shapes.Size(s, nameof(Ones)), T.One));
    }

    /// <summary>Zeros with the shape of <paramref name="x"/> (<c>tf.zeros_like</c>); not connected to <paramref name="x"/> on any tape.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor whose shape is used.</param>
    /// <returns>The tensor.</returns>
    public static Tensor<T> ZerosLike<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        return new Tensor<T>(x._shape, new T[x._data.Length]);
    }

    /// <summary>Ones with the shape of <paramref name="x"/> (<c>tf.ones_like</c>); not connected to <paramref name="x"/> on any tape.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor whose shape is used.</param>
    /// <returns>The tensor.</returns>
    public static Tensor<T> OnesLike<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        return new Tensor<T>(x._shape, ArrayKernels.Filled(x._data.Length, T.One));
    }

    /// <summary>A constant over an array the caller gives up.</summary>
    internal static Tensor<T> Constant<T>(int[] shape, T[] data)
        where T : unmanaged, IFloatingPointIeee754<T>
        => new(shape, data);

    private static int[] CopyShape(int[] shape) => shape.Length == 0 ? Shapes.Scalar : (int[])shape.Clone();

    // ---- binary, tensor with tensor --------------------------------------------------------------------------

    /// <summary>Elementwise sum with broadcasting (the <c>+</c> operator; <c>tf.add</c>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="left">The first operand.</param>
    /// <param name="right">The second operand.</param>
    /// <returns>The sum.</returns>
    /// <exception cref="ArgumentException">The shapes are not broadcastable.</exception>
    public static Tensor<T> Add<T>(Tensor<T> left, Tensor<T> right)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Binary<AddOp<T>, T>(BinaryKind.Add, left, right, nameof(Add));

    /// <summary>Elementwise difference with broadcasting (the <c>-</c> operator; <c>tf.subtract</c>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="left">The minuend.</param>
    /// <param name="right">The subtrahend.</param>
    /// <returns>The difference.</returns>
    /// <exception cref="ArgumentException">The shapes are not broadcastable.</exception>
    public static Tensor<T> Subtract<T>(Tensor<T> left, Tensor<T> right)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Binary<SubtractOp<T>, T>(BinaryKind.Subtract, left, right, nameof(Subtract));

    /// <summary>Elementwise product with broadcasting (the <c>*</c> operator; <c>tf.multiply</c>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="left">The first factor.</param>
    /// <param name="right">The second factor.</param>
    /// <returns>The product.</returns>
    /// <exception cref="ArgumentException">The shapes are not broadcastable.</exception>
    public static Tensor<T> Multiply<T>(Tensor<T> left, Tensor<T> right)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Binary<MultiplyOp<T>, T>(BinaryKind.Multiply, left, right, nameof(Multiply));

    /// <summary>Elementwise quotient with broadcasting (the <c>/</c> operator; <c>tf.divide</c>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="left">The dividend.</param>
    /// <param name="right">The divisor.</param>
    /// <returns>The quotient.</returns>
    /// <exception cref="ArgumentException">The shapes are not broadcastable.</exception>
    public static Tensor<T> Divide<T>(Tensor<T> left, Tensor<T> right)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Binary<DivideOp<T>, T>(BinaryKind.Divide, left, right, nameof(Divide));

    /// <summary>
    /// Elementwise power <c>x^y</c> with broadcasting (<c>tf.pow</c>). The gradient with respect to <paramref name="y"/>
    /// is <c>g · x^y · log(x)</c> where <c>x &gt; 0</c> and 0 elsewhere (TensorFlow's rule, no NaN for <c>x &lt;= 0</c>).
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The base.</param>
    /// <param name="y">The exponent.</param>
    /// <returns>The power.</returns>
    /// <exception cref="ArgumentException">The shapes are not broadcastable.</exception>
    public static Tensor<T> Pow<T>(Tensor<T> x, Tensor<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Binary<PowOp<T>, T>(BinaryKind.Pow, x, y, nameof(Pow));

    /// <summary>
    /// Elementwise maximum with broadcasting (<c>tf.maximum</c>); NaN if either is NaN. Where the values are equal the
    /// gradient goes to <paramref name="x"/>.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The first operand.</param>
    /// <param name="y">The second operand.</param>
    /// <returns>The maximum.</returns>
    /// <exception cref="ArgumentException">The shapes are not broadcastable.</exception>
    public static Tensor<T> Maximum<T>(Tensor<T> x, Tensor<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Binary<MaxOp<T>, T>(BinaryKind.Maximum, x, y, nameof(Maximum));

    /// <summary>
    /// Elementwise minimum with broadcasting (<c>tf.minimum</c>); NaN if either is NaN. Where the values are equal the
    /// gradient goes to <paramref name="x"/>.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The first operand.</param>
    /// <param name="y">The second operand.</param>
    /// <returns>The minimum.</returns>
    /// <exception cref="ArgumentException">The shapes are not broadcastable.</exception>
    public static Tensor<T> Minimum<T>(Tensor<T> x, Tensor<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Binary<MinOp<T>, T>(BinaryKind.Minimum, x, y, nameof(Minimum));

    private static Tensor<T> Binary<TOp, T>(BinaryKind kind, Tensor<T> a, Tensor<T> b, string name)
        where TOp : IBinaryOp<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        T[] ad = a._data;
        T[] bd = b._data;
        int[] shape;
        T[] r;
        if (ReferenceEquals(a._shape, b._shape) || (ad.Length == bd.Length && Shapes.Equal(a._shape, b._shape)))
        {
            shape = a._shape;
            r = ArrayKernels.Uninitialized<T>(ad.Length);
            if (r.Length == 1)
            {
                r[0] = TOp.Apply(ad[0], bd[0]);
            }
            else
            {
                TOp.Apply(ad, bd, r);
            }
        }
        else
        {
            shape = Shapes.BroadcastShared(name, a._shape, b._shape);
            r = Broadcasting.Binary<TOp, T>(ad, a._shape, bd, b._shape, shape);
        }

        var y = new Tensor<T>(shape, r);
        TapeContext? context = TapeContext.Recording;
        if (context is not null)
        {
            Recorder.Record2(context, a, b, y, kind, static (sa, sb, y, ia, ib, k) => new BinaryNode<T>(k, sa, sb, y, ia, ib));
        }

        return y;
    }

    // ---- binary, tensor with scalar -----------------------------------------------------------------------

    /// <summary>Adds a scalar to every element.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <param name="scalar">The scalar.</param>
    /// <returns>The sum.</returns>
    public static Tensor<T> Add<T>(Tensor<T> x, T scalar)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ScalarRight<AddOp<T>, T>(ScalarKind.Add, x, scalar);

    /// <summary>Adds a scalar to every element.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scalar">The scalar.</param>
    /// <param name="x">The tensor.</param>
    /// <returns>The sum.</returns>
    public static Tensor<T> Add<T>(T scalar, Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ScalarRight<AddOp<T>, T>(ScalarKind.Add, x, scalar);

    /// <summary>Subtracts a scalar from every element.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <param name="scalar">The scalar.</param>
    /// <returns>The difference.</returns>
    public static Tensor<T> Subtract<T>(Tensor<T> x, T scalar)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ScalarRight<SubtractOp<T>, T>(ScalarKind.Subtract, x, scalar);

    /// <summary>Subtracts every element from a scalar.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scalar">The scalar.</param>
    /// <param name="x">The tensor.</param>
    /// <returns>The difference.</returns>
    public static Tensor<T> Subtract<T>(T scalar, Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ScalarLeft<SubtractOp<T>, T>(ScalarKind.SubtractFrom, scalar, x);

    /// <summary>Multiplies every element by a scalar.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <param name="scalar">The scalar.</param>
    /// <returns>The product.</returns>
    public static Tensor<T> Multiply<T>(Tensor<T> x, T scalar)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ScalarRight<MultiplyOp<T>, T>(ScalarKind.Multiply, x, scalar);

    /// <summary>Multiplies every element by a scalar.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scalar">The scalar.</param>
    /// <param name="x">The tensor.</param>
    /// <returns>The product.</returns>
    public static Tensor<T> Multiply<T>(T scalar, Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ScalarRight<MultiplyOp<T>, T>(ScalarKind.Multiply, x, scalar);

    /// <summary>Divides every element by a scalar.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <param name="scalar">The scalar.</param>
    /// <returns>The quotient.</returns>
    public static Tensor<T> Divide<T>(Tensor<T> x, T scalar)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ScalarRight<DivideOp<T>, T>(ScalarKind.Divide, x, scalar);

    /// <summary>Divides a scalar by every element.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scalar">The scalar.</param>
    /// <param name="x">The tensor.</param>
    /// <returns>The quotient.</returns>
    public static Tensor<T> Divide<T>(T scalar, Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ScalarLeft<DivideOp<T>, T>(ScalarKind.DivideInto, scalar, x);

    /// <summary>Raises every element to a constant power (<c>x ** p</c>); the gradient is <c>g · p · x^(p-1)</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The base.</param>
    /// <param name="exponent">The exponent.</param>
    /// <returns>The power.</returns>
    public static Tensor<T> Pow<T>(Tensor<T> x, T exponent)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ScalarRight<PowOp<T>, T>(ScalarKind.Pow, x, exponent);

    /// <summary>Elementwise maximum with a scalar; where equal, the gradient goes to <paramref name="x"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <param name="scalar">The scalar.</param>
    /// <returns>The maximum.</returns>
    public static Tensor<T> Maximum<T>(Tensor<T> x, T scalar)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ScalarRight<MaxOp<T>, T>(ScalarKind.Maximum, x, scalar);

    /// <summary>Elementwise minimum with a scalar; where equal, the gradient goes to <paramref name="x"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <param name="scalar">The scalar.</param>
    /// <returns>The minimum.</returns>
    public static Tensor<T> Minimum<T>(Tensor<T> x, T scalar)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ScalarRight<MinOp<T>, T>(ScalarKind.Minimum, x, scalar);

    private static Tensor<T> ScalarRight<TOp, T>(ScalarKind kind, Tensor<T> x, T s)
        where TOp : IBinaryOp<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        T[] d = x._data;
        T[] r = ArrayKernels.Uninitialized<T>(d.Length);
        if (r.Length == 1)
        {
            r[0] = TOp.Apply(d[0], s);
        }
        else
        {
            TOp.Apply(d, s, r);
        }

        return RecordScalar(kind, s, x, new Tensor<T>(x._shape, r));
    }

    private static Tensor<T> ScalarLeft<TOp, T>(ScalarKind kind, T s, Tensor<T> x)
        where TOp : IBinaryOp<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        T[] d = x._data;
        T[] r = ArrayKernels.Uninitialized<T>(d.Length);
        if (r.Length == 1)
        {
            r[0] = TOp.Apply(s, d[0]);
        }
        else
        {
            TOp.Apply(s, d, r);
        }

        return RecordScalar(kind, s, x, new Tensor<T>(x._shape, r));
    }

    private static Tensor<T> RecordScalar<T>(ScalarKind kind, T s, Tensor<T> x, Tensor<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TapeContext? context = TapeContext.Recording;
        if (context is not null)
        {
            Recorder.Record1(context, x, y, (kind, s), static (sx, y, ix, st) => new ScalarNode<T>(st.kind, st.s, sx, y, ix));
        }

        return y;
    }

    // ---- unary ------------------------------------------------------------------------------------------

    /// <summary>Elementwise negation (the unary <c>-</c> operator; <c>tf.negative</c>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <returns>The negation.</returns>
    public static Tensor<T> Negate<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Unary(UnaryKind.Negate, x);

    /// <summary>Elementwise <c>e^x</c>; the gradient is <c>g · y</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <returns>The exponential.</returns>
    public static Tensor<T> Exp<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Unary(UnaryKind.Exp, x);

    /// <summary>Elementwise natural logarithm; the gradient is <c>g / x</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <returns>The logarithm.</returns>
    public static Tensor<T> Log<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Unary(UnaryKind.Log, x);

    /// <summary>Elementwise square root; the gradient is <c>g · 0.5 / y</c> (+inf at 0).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <returns>The square root.</returns>
    public static Tensor<T> Sqrt<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Unary(UnaryKind.Sqrt, x);

    /// <summary>Elementwise square; the gradient is <c>g · 2x</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <returns>The square.</returns>
    public static Tensor<T> Square<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Unary(UnaryKind.Square, x);

    /// <summary>Elementwise sine.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor (radians).</param>
    /// <returns>The sine.</returns>
    public static Tensor<T> Sin<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Unary(UnaryKind.Sin, x);

    /// <summary>Elementwise cosine.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor (radians).</param>
    /// <returns>The cosine.</returns>
    public static Tensor<T> Cos<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Unary(UnaryKind.Cos, x);

    /// <summary>Elementwise hyperbolic tangent; the gradient is <c>g · (1 - y²)</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <returns>The hyperbolic tangent.</returns>
    public static Tensor<T> Tanh<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Unary(UnaryKind.Tanh, x);

    /// <summary>Elementwise logistic function <c>1 / (1 + e^-x)</c>; the gradient is <c>g · y · (1 - y)</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <returns>The sigmoid.</returns>
    public static Tensor<T> Sigmoid<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Unary(UnaryKind.Sigmoid, x);

    /// <summary>Elementwise <c>max(x, 0)</c> (<c>tf.nn.relu</c>); the gradient is <c>g</c> where <c>y &gt; 0</c>, so 0 at <c>x = 0</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <returns>The rectified tensor.</returns>
    public static Tensor<T> Relu<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Unary(UnaryKind.Relu, x);

    /// <summary>Elementwise absolute value; the gradient is <c>g · sign(x)</c>, 0 at <c>x = 0</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The tensor.</param>
    /// <returns>The absolute value.</returns>
    public static Tensor<T> Abs<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Unary(UnaryKind.Abs, x);

    /// <summary>A recorded copy (<c>tf.identity</c>; also a variable's <c>read_value</c>).</summary>
    internal static Tensor<T> Identity<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Unary(UnaryKind.Identity, x);

    private static Tensor<T> Unary<T>(UnaryKind kind, Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        T[] d = x._data;
        T[] r = ArrayKernels.Uninitialized<T>(d.Length);
        switch (kind)
        {
            case UnaryKind.Identity:
                d.AsSpan().CopyTo(r);
                break;
            case UnaryKind.Negate:
                TensorPrimitives.Negate(d, r);
                break;
            case UnaryKind.Exp:
                TensorPrimitives.Exp(d, r);
                break;
            case UnaryKind.Log:
                TensorPrimitives.Log(d, r);
                break;
            case UnaryKind.Sqrt:
                TensorPrimitives.Sqrt(d, r);
                break;
            case UnaryKind.Square:
                TensorPrimitives.Multiply(d, d, r);
                break;
            case UnaryKind.Sin:
                TensorPrimitives.Sin(d, r);
                break;
            case UnaryKind.Cos:
                TensorPrimitives.Cos(d, r);
                break;
            case UnaryKind.Tanh:
                TensorPrimitives.Tanh(d, r);
                break;
            case UnaryKind.Sigmoid:
                TensorPrimitives.Sigmoid(d, r);
                break;
            case UnaryKind.Relu:
                TensorPrimitives.Max(d, T.Zero, r);
                break;
            case UnaryKind.Abs:
                TensorPrimitives.Abs(d, r);
                break;
        }

        var y = new Tensor<T>(x._shape, r);
        TapeContext? context = TapeContext.Recording;
        if (context is not null)
        {
            Recorder.Record1(context, x, y, kind, static (sx, y, ix, k) => new UnaryNode<T>(k, sx, y, ix));
        }

        return y;
    }

    /// <summary>where(mask, a, b) for a constant mask and equal shapes (internal; used by recorded gradients).</summary>
    internal static Tensor<T> Select<T>(bool[] mask, Tensor<T> a, Tensor<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] ad = a._data;
        T[] bd = b._data;
        var r = new T[mask.Length];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = mask[i] ? ad[i] : bd[i];
        }

        var y = new Tensor<T>(a._shape, r);
        TapeContext? context = TapeContext.Recording;
        if (context is not null)
        {
            Recorder.Record2(context, a, b, y, mask, static (sa, sb, y, ia, ib, m) => new SelectNode<T>(m, sa, sb, y, ia, ib));
        }

        return y;
    }
}
