using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Threading;

namespace AutoDiffGen;

/// <summary>A variable of any element type, as listed by <see cref="GradientTape.WatchedVariables"/>.</summary>
public interface IVariable
{
    /// <summary>The dimensions (fixed for the variable's lifetime).</summary>
    TensorShape Shape { get; }

    /// <summary>Whether tapes watch the variable automatically when it is read.</summary>
    bool Trainable { get; }
}

/// <summary>
/// A mutable tensor (the role of <c>tf.Variable</c>): model parameters that optimizers update in place. Reading a
/// trainable variable in an operation while a <see cref="GradientTape"/> records makes the tape watch it.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>
/// Assignments (<see cref="Assign(Tensor{T})"/>, <see cref="AssignAdd(Tensor{T})"/>, <see cref="AssignSub(Tensor{T})"/>)
/// are not differentiable and are not recorded. Recorded computations keep the value the variable had when they
/// read it (TensorFlow's snapshot semantics): an assignment copies the buffer first only while a live recording
/// still holds the current one, and otherwise updates it in place, so optimizer steps do not allocate.
/// </para>
/// <para>A variable is not thread-safe: do not assign it on one thread while another thread reads it.</para>
/// </remarks>
public sealed class Variable<T> : Tensor<T>, IVariable
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private static long s_created;

    private readonly bool _trainable;
    private VariableSnapshot<T>? _snapshot;

    /// <summary>Creates a scalar variable.</summary>
    /// <param name="value">The initial value.</param>
    /// <param name="trainable">Whether tapes watch it automatically (default <see langword="true"/>).</param>
    public Variable(T value, bool trainable = true)
        : base(Shapes.Scalar, [value], TensorKind.Variable)
    {
        _trainable = trainable;
        CreationIndex = Interlocked.Increment(ref s_created);
    }

    /// <summary>Creates a vector variable from a copy of <paramref name="values"/>.</summary>
    /// <param name="values">The initial values.</param>
    /// <param name="trainable">Whether tapes watch it automatically (default <see langword="true"/>).</param>
    public Variable(T[] values, bool trainable = true)
        : base(VectorShapeOf(values), CopyOfValues(values), TensorKind.Variable)
    {
        _trainable = trainable;
        CreationIndex = Interlocked.Increment(ref s_created);
    }

    /// <summary>Creates a trainable variable of the given shape from a copy of <paramref name="values"/> (row-major).</summary>
    /// <param name="values">The initial values; their count must be the product of <paramref name="shape"/>.</param>
    /// <param name="shape">The dimensions, outermost first.</param>
    /// <exception cref="ArgumentException">The number of values does not match the shape.</exception>
    public Variable(T[] values, params int[] shape)
        : this(values, shape, trainable: true)
    {
    }

    /// <summary>Creates a variable of the given shape from a copy of <paramref name="values"/> (row-major).</summary>
    /// <param name="values">The initial values; their count must be the product of <paramref name="shape"/>.</param>
    /// <param name="shape">The dimensions, outermost first.</param>
    /// <param name="trainable">Whether tapes watch it automatically.</param>
    /// <exception cref="ArgumentException">The number of values does not match the shape.</exception>
    public Variable(T[] values, int[] shape, bool trainable)
        : base(ShapeOf(values, shape), CopyOfValues(values), TensorKind.Variable)
    {
        _trainable = trainable;
        CreationIndex = Interlocked.Increment(ref s_created);
    }

    /// <summary>Creates a variable with a copy of <paramref name="initialValue"/>'s values and shape.</summary>
    /// <param name="initialValue">The initial value.</param>
    /// <param name="trainable">Whether tapes watch it automatically (default <see langword="true"/>).</param>
    public Variable(Tensor<T> initialValue, bool trainable = true)
        : base(ShapeOf(initialValue), CopyOfValues(initialValue), TensorKind.Variable)
    {
        _trainable = trainable;
        CreationIndex = Interlocked.Increment(ref s_created);
    }

    /// <summary>Whether tapes watch this variable automatically when it is read (TensorFlow's <c>trainable</c>).</summary>
    public bool Trainable => _trainable;

    /// <summary>Creation order, for <see cref="GradientTape.WatchedVariables"/>.</summary>
    internal long CreationIndex { get; }

    /// <summary>Replaces the value (not recorded, not differentiable).</summary>
    /// <param name="value">The new value; it must have exactly this variable's shape.</param>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public void Assign(Tensor<T> value)
    {
        ReadOnlySpan<T> source = CheckValue(value, nameof(Assign));
        Span<T> destination = BeginUpdate(out _);
        source.CopyTo(destination);
    }

    /// <summary>Replaces the value of a scalar variable.</summary>
    /// <param name="value">The new value.</param>
    /// <exception cref="ArgumentException">The variable is not a scalar.</exception>
    public void Assign(T value)
    {
        CheckScalar(nameof(Assign));
        BeginUpdate(out _)[0] = value;
    }

    /// <summary>Adds <paramref name="value"/> to the value (not recorded).</summary>
    /// <param name="value">The increment; it must have exactly this variable's shape.</param>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public void AssignAdd(Tensor<T> value)
    {
        ReadOnlySpan<T> source = CheckValue(value, nameof(AssignAdd));
        Span<T> destination = BeginUpdate(out ReadOnlySpan<T> current);
        TensorPrimitives.Add(current, source, destination);
    }

    /// <summary>Adds <paramref name="value"/> to a scalar variable.</summary>
    /// <param name="value">The increment.</param>
    /// <exception cref="ArgumentException">The variable is not a scalar.</exception>
    public void AssignAdd(T value)
    {
        CheckScalar(nameof(AssignAdd));
        Span<T> destination = BeginUpdate(out ReadOnlySpan<T> current);
        destination[0] = current[0] + value;
    }

    /// <summary>Subtracts <paramref name="value"/> from the value (not recorded).</summary>
    /// <param name="value">The decrement; it must have exactly this variable's shape.</param>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public void AssignSub(Tensor<T> value)
    {
        ReadOnlySpan<T> source = CheckValue(value, nameof(AssignSub));
        Span<T> destination = BeginUpdate(out ReadOnlySpan<T> current);
        TensorPrimitives.Subtract(current, source, destination);
    }

    /// <summary>Subtracts <paramref name="value"/> from a scalar variable.</summary>
    /// <param name="value">The decrement.</param>
    /// <exception cref="ArgumentException">The variable is not a scalar.</exception>
    public void AssignSub(T value)
    {
        CheckScalar(nameof(AssignSub));
        Span<T> destination = BeginUpdate(out ReadOnlySpan<T> current);
        destination[0] = current[0] - value;
    }

    /// <summary>
    /// Returns the current value as an immutable tensor (TensorFlow's <c>read_value()</c>). The read is recorded as an
    /// identity operation, so the gradient of the result with respect to the variable is one.
    /// </summary>
    /// <returns>A copy of the value.</returns>
    public Tensor<T> ReadValue() => Tensor.Identity(this);

    /// <summary>Formats as TensorFlow prints a variable: <c>&lt;tf.Variable shape=(3,) dtype=float32, numpy=array([1., 2., 3.], dtype=float32)&gt;</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => TensorFormatter.FormatVariable(_data, _shape);

    /// <summary>
    /// Returns a writable buffer for an in-place update and the current values. If a live recording holds the current
    /// buffer, a new one is installed (copy-on-write) and <paramref name="current"/> is the old one; otherwise both are
    /// the same buffer.
    /// </summary>
    internal Span<T> BeginUpdate(out ReadOnlySpan<T> current)
    {
        T[] old = _data;
        current = old;
        VariableSnapshot<T>? s = _snapshot;
        if (s is not null && s.CaptureCount > 0 && ReferenceEquals(s._data, old))
        {
            _data = new T[old.Length];
            _snapshot = null;
        }

        return _data;
    }

    /// <summary>The immutable read of the current value that recorded operations keep.</summary>
    internal VariableSnapshot<T> Snapshot()
    {
        VariableSnapshot<T>? s = _snapshot;
        if (s is null || !ReferenceEquals(s._data, _data))
        {
            s = new VariableSnapshot<T>(this);
            _snapshot = s;
        }

        return s;
    }

    /// <summary>
    /// The variable's id on <paramref name="trace"/> for an operation that reads it, watching it first if the trace
    /// watches accessed trainable variables; <paramref name="read"/> is the snapshot the operation records.
    /// </summary>
    internal int ReadOn(Trace trace, out Tensor<T> read)
    {
        VariableSnapshot<T> s = Snapshot();
        read = s;
        int id = s.IdOn(trace);
        if (id >= 0)
        {
            return id;
        }

        if (id == VariableSnapshot<T>.KnownUnwatched)
        {
            return -1;
        }

        id = trace.VariableId(this);
        if (id < 0 && _trainable && trace.WatchAccessedVariables)
        {
            id = trace.WatchVariable(this, CreationIndex);
        }

        s.AddMembership(trace, id >= 0 ? id : VariableSnapshot<T>.KnownUnwatched, dropIdle: true);
        return id < 0 ? -1 : id;
    }

    /// <summary>Watches this variable on <paramref name="trace"/> explicitly (any trainability).</summary>
    internal int WatchOn(Trace trace)
    {
        int id = trace.WatchVariable(this, CreationIndex);
        Snapshot().SetMembership(trace, id);
        return id;
    }

    private ReadOnlySpan<T> CheckValue(Tensor<T> value, string operation)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!Shapes.Equal(value._shape, _shape))
        {
            throw new ArgumentException(
                $"{operation}: the value's shape {Shapes.Format(value._shape)} does not match the variable's shape {Shapes.Format(_shape)}.",
                nameof(value));
        }

        return value._data;
    }

    private void CheckScalar(string operation)
    {
        if (_shape.Length != 0)
        {
            throw new ArgumentException(
                $"{operation}: the value's shape () does not match the variable's shape {Shapes.Format(_shape)}.");
        }
    }
}

/// <summary>
/// A read of a <see cref="Variable{T}"/> kept by recorded operations: it shares the variable's buffer until the
/// variable is assigned while this read is captured by a live trace, in which case the variable moves to a new buffer.
/// </summary>
internal sealed class VariableSnapshot<T> : Tensor<T>, ICapture
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Membership id meaning "this trace does not watch the variable" (cached negative lookup).</summary>
    internal const int KnownUnwatched = -2;

    internal readonly Variable<T> Owner;
    internal int CaptureCount;
    private Trace? _lastCapturer;

    internal VariableSnapshot(Variable<T> owner)
        : base(owner._shape, owner._data, TensorKind.Snapshot) => Owner = owner;

    internal void CaptureBy(Trace trace)
    {
        if (!ReferenceEquals(_lastCapturer, trace))
        {
            _lastCapturer = trace;
            CaptureCount++;
            trace.Capture(this);
        }
    }

    void ICapture.ReleaseCapture()
    {
        CaptureCount--;
        _lastCapturer = null;
    }

    internal void SetMembership(Trace trace, int id)
    {
        if (ReferenceEquals(_trace0, trace))
        {
            _id0 = id;
            return;
        }

        if (_more is not null)
        {
            for (int i = 0; i < _more.Length; i++)
            {
                if (ReferenceEquals(_more[i].Trace, trace))
                {
                    _more[i].Id = id;
                    return;
                }
            }
        }

        AddMembership(trace, id, dropIdle: true);
    }
}
