using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace AutoDiffGen;

/// <summary>What a tensor object is, for the tape (variables and their recorded snapshots have mutable buffers).</summary>
internal enum TensorKind : byte
{
    /// <summary>An immutable tensor.</summary>
    Plain,

    /// <summary>A <see cref="Variable{T}"/>: its buffer changes on assignment.</summary>
    Variable,

    /// <summary>A recorded read of a variable (internal to the tape).</summary>
    Snapshot,
}

/// <summary>The recording of a tensor on one trace: the trace and the tensor's id in it.</summary>
internal struct TraceMembership
{
    public Trace? Trace;
    public int Id;
}

/// <summary>
/// An immutable n-dimensional array of <see cref="float"/> or <see cref="double"/> values in row-major order, the value
/// type of <see cref="GradientTape"/> computations (the role of TensorFlow's <c>tf.Tensor</c>).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>. Other types are rejected at compile time by the
/// constraint, or at run time with <see cref="NotSupportedException"/> (for example <see cref="Half"/>).</typeparam>
/// <remarks>
/// <para>
/// Operations are the operators <c>+ - * /</c> and unary <c>-</c> (with NumPy broadcasting, also with a scalar of
/// <typeparamref name="T"/> on either side) and the static methods of <see cref="Tensor"/>. Every operation returns a new
/// tensor and is recorded by the active <see cref="GradientTape"/>s that watch one of its inputs.
/// </para>
/// <para>
/// The class name clashes with <c>System.Numerics.Tensors.Tensor&lt;T&gt;</c>: import <c>AutoDiffGen</c> without
/// <c>System.Numerics.Tensors</c>, or use an alias.
/// </para>
/// </remarks>
public class Tensor<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    // The values (exactly Size elements). Never mutated for a plain tensor; a Variable replaces or updates it.
    internal T[] _data;

    // The dimensions; never mutated, so tensors share shape arrays.
    internal readonly int[] _shape;

    internal readonly TensorKind _kind;

    // Tape membership: the first trace that recorded this tensor inline, further ones in _more.
    internal Trace? _trace0;
    internal int _id0;
    internal TraceMembership[]? _more;

    /// <summary>Creates a scalar (rank 0) tensor.</summary>
    /// <param name="value">The value.</param>
    public Tensor(T value)
        : this(Shapes.Scalar, [value], TensorKind.Plain)
    {
    }

    /// <summary>Creates a vector (rank 1) tensor from a copy of <paramref name="values"/>.</summary>
    /// <param name="values">The values.</param>
    public Tensor(T[] values)
        : this(VectorShapeOf(values), CopyOfValues(values), TensorKind.Plain)
    {
    }

    /// <summary>Creates a tensor of the given shape from a copy of <paramref name="values"/> (row-major).</summary>
    /// <param name="values">The values, row-major; their count must be the product of <paramref name="shape"/>.</param>
    /// <param name="shape">The dimensions, outermost first; none for a scalar.</param>
    /// <exception cref="ArgumentException">The number of values does not match the shape, or a dimension is negative.</exception>
    public Tensor(T[] values, params int[] shape)
        : this(ShapeOf(values, shape), CopyOfValues(values), TensorKind.Plain)
    {
    }

    /// <summary>Wraps <paramref name="data"/> without copying (the caller gives up the array).</summary>
    internal Tensor(int[] shape, T[] data, TensorKind kind = TensorKind.Plain)
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            ThrowUnsupportedType();
        }

        _shape = shape;
        _data = data;
        _kind = kind;
    }

    /// <summary>The dimensions, outermost first (empty for a scalar). Reading it allocates nothing.</summary>
    public TensorShape Shape => new(_shape);

    /// <summary>The number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements (the product of the dimensions; 1 for a scalar).</summary>
    public int Size => _data.Length;

    /// <summary>Reads one element.</summary>
    /// <param name="indices">One index per dimension.</param>
    /// <exception cref="ArgumentException">The number of indices differs from <see cref="Rank"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public T this[params int[] indices]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(indices);
            if (indices.Length != _shape.Length)
            {
                throw new ArgumentException(
                    $"A tensor of shape {Shapes.Format(_shape)} needs {_shape.Length} indices, but {indices.Length} were given.",
                    nameof(indices));
            }

            int offset = 0;
            for (int i = 0; i < indices.Length; i++)
            {
                if ((uint)indices[i] >= (uint)_shape[i])
                {
                    throw new ArgumentOutOfRangeException(
                        nameof(indices),
                        $"Index {indices[i]} is out of range for dimension {i} of a tensor of shape {Shapes.Format(_shape)}.");
                }

                offset = (offset * _shape[i]) + indices[i];
            }

            return _data[offset];
        }
    }

    /// <summary>A read-only view of the values in row-major order, without copying.</summary>
    /// <returns>The values.</returns>
    /// <remarks>For a <see cref="Variable{T}"/> the view shows the buffer as it is now; a later assignment may or may
    /// not be visible through it, so do not keep it across assignments.</remarks>
    public ReadOnlySpan<T> AsSpan() => _data;

    /// <summary>A copy of the values in row-major order (flattened).</summary>
    /// <returns>A new array.</returns>
    public T[] ToArray() => (T[])_data.Clone();

    /// <summary>The single value of a tensor with one element (TensorFlow's <c>numpy()</c> on a scalar).</summary>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidOperationException">The tensor does not have exactly one element.</exception>
    public T ToScalar()
    {
        if (_data.Length != 1)
        {
            throw new InvalidOperationException(
                $"ToScalar needs a tensor with one element, but the shape is {Shapes.Format(_shape)}.");
        }

        return _data[0];
    }

    /// <summary>Formats the tensor as TensorFlow prints it, e.g. <c>tf.Tensor([10. 20. 30.], shape=(3,), dtype=float32)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => TensorFormatter.Format("tf.Tensor(", _data, _shape);

    /// <summary>Adds two tensors elementwise with broadcasting (<see cref="Tensor.Add{T}(Tensor{T}, Tensor{T})"/>).</summary>
    /// <param name="left">The first operand.</param>
    /// <param name="right">The second operand.</param>
    /// <returns>The sum.</returns>
    public static Tensor<T> operator +(Tensor<T> left, Tensor<T> right) => Tensor.Add(left, right);

    /// <summary>Adds a scalar to every element.</summary>
    /// <param name="left">The tensor.</param>
    /// <param name="right">The scalar.</param>
    /// <returns>The sum.</returns>
    public static Tensor<T> operator +(Tensor<T> left, T right) => Tensor.Add(left, right);

    /// <summary>Adds a scalar to every element.</summary>
    /// <param name="left">The scalar.</param>
    /// <param name="right">The tensor.</param>
    /// <returns>The sum.</returns>
    public static Tensor<T> operator +(T left, Tensor<T> right) => Tensor.Add(right, left);

    /// <summary>Subtracts elementwise with broadcasting.</summary>
    /// <param name="left">The minuend.</param>
    /// <param name="right">The subtrahend.</param>
    /// <returns>The difference.</returns>
    public static Tensor<T> operator -(Tensor<T> left, Tensor<T> right) => Tensor.Subtract(left, right);

    /// <summary>Subtracts a scalar from every element.</summary>
    /// <param name="left">The tensor.</param>
    /// <param name="right">The scalar.</param>
    /// <returns>The difference.</returns>
    public static Tensor<T> operator -(Tensor<T> left, T right) => Tensor.Subtract(left, right);

    /// <summary>Subtracts every element from a scalar.</summary>
    /// <param name="left">The scalar.</param>
    /// <param name="right">The tensor.</param>
    /// <returns>The difference.</returns>
    public static Tensor<T> operator -(T left, Tensor<T> right) => Tensor.Subtract(left, right);

    /// <summary>Multiplies elementwise with broadcasting.</summary>
    /// <param name="left">The first factor.</param>
    /// <param name="right">The second factor.</param>
    /// <returns>The product.</returns>
    public static Tensor<T> operator *(Tensor<T> left, Tensor<T> right) => Tensor.Multiply(left, right);

    /// <summary>Multiplies every element by a scalar.</summary>
    /// <param name="left">The tensor.</param>
    /// <param name="right">The scalar.</param>
    /// <returns>The product.</returns>
    public static Tensor<T> operator *(Tensor<T> left, T right) => Tensor.Multiply(left, right);

    /// <summary>Multiplies every element by a scalar.</summary>
    /// <param name="left">The scalar.</param>
    /// <param name="right">The tensor.</param>
    /// <returns>The product.</returns>
    public static Tensor<T> operator *(T left, Tensor<T> right) => Tensor.Multiply(right, left);

    /// <summary>Divides elementwise with broadcasting.</summary>
    /// <param name="left">The dividend.</param>
    /// <param name="right">The divisor.</param>
    /// <returns>The quotient.</returns>
    public static Tensor<T> operator /(Tensor<T> left, Tensor<T> right) => Tensor.Divide(left, right);

    /// <summary>Divides every element by a scalar.</summary>
    /// <param name="left">The tensor.</param>
    /// <param name="right">The scalar.</param>
    /// <returns>The quotient.</returns>
    public static Tensor<T> operator /(Tensor<T> left, T right) => Tensor.Divide(left, right);

    /// <summary>Divides a scalar by every element.</summary>
    /// <param name="left">The scalar.</param>
    /// <param name="right">The tensor.</param>
    /// <returns>The quotient.</returns>
    public static Tensor<T> operator /(T left, Tensor<T> right) => Tensor.Divide(left, right);

    /// <summary>Negates every element.</summary>
    /// <param name="value">The tensor.</param>
    /// <returns>The negation.</returns>
    public static Tensor<T> operator -(Tensor<T> value) => Tensor.Negate(value);

    // ---- tape membership ---------------------------------------------------------------------------------

    /// <summary>This tensor's id on <paramref name="trace"/>, or -1 if the trace does not know it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int IdOn(Trace trace)
    {
        if (ReferenceEquals(_trace0, trace))
        {
            return _id0;
        }

        return _more is null ? -1 : IdOnSlow(trace);
    }

    private int IdOnSlow(Trace trace)
    {
        foreach (TraceMembership m in _more!)
        {
            if (ReferenceEquals(m.Trace, trace))
            {
                return m.Id;
            }
        }

        return -1;
    }

    /// <summary>
    /// Records that this tensor has id <paramref name="id"/> on <paramref name="trace"/>. Entries of released traces
    /// (and, when <paramref name="dropIdle"/>, of traces that are not recording) are reused, so long-lived tensors
    /// such as variable reads do not accumulate memberships.
    /// </summary>
    internal void AddMembership(Trace trace, int id, bool dropIdle = false)
    {
        if (_trace0 is null || _trace0.IsStale(dropIdle))
        {
            _trace0 = trace;
            _id0 = id;
            return;
        }

        TraceMembership[]? more = _more;
        if (more is null)
        {
            _more = [new TraceMembership { Trace = trace, Id = id }];
            return;
        }

        for (int i = 0; i < more.Length; i++)
        {
            if (more[i].Trace is null || more[i].Trace!.IsStale(dropIdle))
            {
                more[i].Trace = trace;
                more[i].Id = id;
                return;
            }
        }

        Array.Resize(ref _more, more.Length * 2);
        _more[more.Length].Trace = trace;
        _more[more.Length].Id = id;
    }

    internal static T[] CopyOfValues(T[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return (T[])values.Clone();
    }

    internal static T[] CopyOfValues(Tensor<T> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return (T[])tensor._data.Clone();
    }

    internal static int[] VectorShapeOf(T[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return [values.Length];
    }

    internal static int[] ShapeOf(Tensor<T> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor._shape;
    }

    internal static int[] ShapeOf(T[] values, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(shape);
        int size = Shapes.Size(shape, "Tensor");
        if (size != values.Length)
        {
            throw new ArgumentException(
                $"Tensor: {values.Length} values cannot have shape {Shapes.Format(shape)} ({size} elements).",
                nameof(shape));
        }

        return shape.Length == 0 ? Shapes.Scalar : (int[])shape.Clone();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowUnsupportedType() =>
        throw new NotSupportedException(
            $"Tensor<{typeof(T).Name}> is not supported: the element type must be float (System.Single) or double (System.Double).");
}
