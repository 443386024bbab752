using System;
using System.Buffers;
using System.ComponentModel;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace AutoDiffGen;

/// <summary>
/// The storage that generated adjoint methods use between their forward and reverse sweeps: values that are
/// overwritten but needed later, branch decisions inside loops, and trip counts. One instance per thread, so
/// generated methods are reentrant and thread-safe; its arrays grow by doubling and are kept, so steady-state
/// calls allocate nothing. This type supports generated code and is not meant to be used directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class AdjointStorage
{
    private const int InitialCapacity = 256;

    [ThreadStatic]
    private static AdjointStorage? t_current;

    private double[] _doubles = new double[InitialCapacity];
    private float[] _singles = new float[InitialCapacity];
    private int[] _ints = new int[InitialCapacity];
    private object?[] _objects = new object?[16];
    private int _doubleCount;
    private int _singleCount;
    private int _intCount;
    private int _objectCount;

    private AdjointStorage()
    {
    }

    /// <summary>The stack of the calling thread.</summary>
    public static AdjointStorage Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_current ?? CreateForThread();
    }

    /// <summary>Number of values currently stored, over all element types (for tests and diagnostics).</summary>
    public int Count => _doubleCount + _singleCount + _intCount + _objectCount;

    /// <summary>Capacity currently reserved, in elements over all element types (for tests and diagnostics).</summary>
    public long Capacity => (long)_doubles.Length + _singles.Length + _ints.Length + _objects.Length;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static AdjointStorage CreateForThread() => t_current = new AdjointStorage();

    /// <summary>Returns a mark to which <see cref="Release"/> rewinds the stack, for exception safety.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public AdjointStorageMark GetMark() => new(_doubleCount, _singleCount, _intCount, _objectCount);

    /// <summary>Discards everything pushed since <paramref name="mark"/> was taken.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Release(AdjointStorageMark mark)
    {
        _doubleCount = mark.Doubles;
        _singleCount = mark.Singles;
        _intCount = mark.Ints;
        if (_objectCount != mark.Objects)
        {
            ReleaseObjects(mark.Objects);
        }
    }

    private void ReleaseObjects(int count)
    {
        Array.Clear(_objects, count, _objectCount - count);
        _objectCount = count;
    }

    /// <summary>Frees the calling thread's storage (it is re-created on next use).</summary>
    public static void TrimCurrentThread() => t_current = null;

    // ---- double -------------------------------------------------------------------------------------------

    /// <summary>Pushes a value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(double value)
    {
        double[] items = _doubles;
        int n = _doubleCount;
        if ((uint)n < (uint)items.Length)
        {
            items[n] = value;
            _doubleCount = n + 1;
        }
        else
        {
            PushSlow(value);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PushSlow(double value)
    {
        Array.Resize(ref _doubles, Grow(_doubles.Length, 1));
        _doubles[_doubleCount++] = value;
    }

    /// <summary>Pops the last pushed <see cref="double"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double PopDouble() => _doubles[--_doubleCount];

    /// <summary>Pushes a copy of <paramref name="values"/> (a snapshot of an array or span).</summary>
    public void PushSpan(ReadOnlySpan<double> values)
    {
        if (_doubleCount + values.Length > _doubles.Length)
        {
            Array.Resize(ref _doubles, Grow(_doubles.Length, _doubleCount + values.Length - _doubles.Length));
        }

        values.CopyTo(_doubles.AsSpan(_doubleCount));
        _doubleCount += values.Length;
    }

    /// <summary>Copies the last snapshot pushed by <see cref="PushSpan(ReadOnlySpan{double})"/> into <paramref name="destination"/> and keeps it.</summary>
    public void PeekSpan(Span<double> destination) => PeekSpan(destination, 0);

    /// <summary>Copies a snapshot that lies <paramref name="depth"/> values below the top into <paramref name="destination"/> and keeps it.</summary>
    public void PeekSpan(Span<double> destination, int depth) =>
        _doubles.AsSpan(_doubleCount - depth - destination.Length, destination.Length).CopyTo(destination);

    /// <summary>Reads the value <paramref name="depth"/> values below the top without removing it.</summary>
    public double PeekDouble(int depth) => _doubles[_doubleCount - 1 - depth];

    /// <summary>Copies the last snapshot pushed by <see cref="PushSpan(ReadOnlySpan{double})"/> into <paramref name="destination"/> and removes it.</summary>
    public void PopSpan(Span<double> destination)
    {
        PeekSpan(destination);
        _doubleCount -= destination.Length;
    }

    // ---- float --------------------------------------------------------------------------------------------

    /// <summary>Pushes a value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(float value)
    {
        float[] items = _singles;
        int n = _singleCount;
        if ((uint)n < (uint)items.Length)
        {
            items[n] = value;
            _singleCount = n + 1;
        }
        else
        {
            PushSlow(value);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PushSlow(float value)
    {
        Array.Resize(ref _singles, Grow(_singles.Length, 1));
        _singles[_singleCount++] = value;
    }

    /// <summary>Pops the last pushed <see cref="float"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float PopSingle() => _singles[--_singleCount];

    /// <summary>Pushes a copy of <paramref name="values"/> (a snapshot of an array or span).</summary>
    public void PushSpan(ReadOnlySpan<float> values)
    {
        if (_singleCount + values.Length > _singles.Length)
        {
            Array.Resize(ref _singles, Grow(_singles.Length, _singleCount + values.Length - _singles.Length));
        }

        values.CopyTo(_singles.AsSpan(_singleCount));
        _singleCount += values.Length;
    }

    /// <summary>Copies the last snapshot pushed by <see cref="PushSpan(ReadOnlySpan{float})"/> into <paramref name="destination"/> and keeps it.</summary>
    public void PeekSpan(Span<float> destination) => PeekSpan(destination, 0);

    /// <summary>Copies a snapshot that lies <paramref name="depth"/> values below the top into <paramref name="destination"/> and keeps it.</summary>
    public void PeekSpan(Span<float> destination, int depth) =>
        _singles.AsSpan(_singleCount - depth - destination.Length, destination.Length).CopyTo(destination);

    /// <summary>Reads the value <paramref name="depth"/> values below the top without removing it.</summary>
    public float PeekSingle(int depth) => _singles[_singleCount - 1 - depth];

    /// <summary>Copies the last snapshot pushed by <see cref="PushSpan(ReadOnlySpan{float})"/> into <paramref name="destination"/> and removes it.</summary>
    public void PopSpan(Span<float> destination)
    {
        PeekSpan(destination);
        _singleCount -= destination.Length;
    }

    // ---- int (trip counts, branch decisions, integer values) -----------------------------------------------

    /// <summary>Pushes a value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(int value)
    {
        int[] items = _ints;
        int n = _intCount;
        if ((uint)n < (uint)items.Length)
        {
            items[n] = value;
            _intCount = n + 1;
        }
        else
        {
            PushSlow(value);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PushSlow(int value)
    {
        Array.Resize(ref _ints, Grow(_ints.Length, 1));
        _ints[_intCount++] = value;
    }

    /// <summary>Pops the last pushed <see cref="int"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int PopInt32() => _ints[--_intCount];

    /// <summary>Reads the value <paramref name="depth"/> values below the top without removing it.</summary>
    public int PeekInt32(int depth) => _ints[_intCount - 1 - depth];

    /// <summary>Reads the decision <paramref name="depth"/> values below the top without removing it.</summary>
    public bool PeekBoolean(int depth) => PeekInt32(depth) != 0;

    /// <summary>Pushes a branch decision.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(bool value) => Push(value ? 1 : 0);

    /// <summary>Pops the last pushed branch decision.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool PopBoolean() => PopInt32() != 0;

    /// <summary>Pushes a <see cref="long"/> value (two slots).</summary>
    public void Push(long value)
    {
        Push((int)value);
        Push((int)(value >> 32));
    }

    /// <summary>Pops the last pushed <see cref="long"/>.</summary>
    public long PopInt64()
    {
        long high = PopInt32();
        long low = (uint)PopInt32();
        return (high << 32) | low;
    }

    /// <summary>Reads the <see cref="long"/> whose high half is <paramref name="depth"/> slots below the top, without removing it.</summary>
    public long PeekInt64(int depth)
    {
        long high = PeekInt32(depth);
        long low = (uint)PeekInt32(depth + 1);
        return (high << 32) | low;
    }

    // ---- references (arrays re-allocated inside loops) -----------------------------------------------------

    /// <summary>Pushes a reference.</summary>
    public void PushReference(object? value)
    {
        if (_objectCount == _objects.Length)
        {
            Array.Resize(ref _objects, Grow(_objects.Length, 1));
        }

        _objects[_objectCount++] = value;
    }

    /// <summary>Pops the last pushed reference (or boxed value).</summary>
    public T PopReference<T>()
    {
        object? value = _objects[--_objectCount];
        _objects[_objectCount] = null;
        return (T)value!;
    }

    /// <summary>Reads the reference (or boxed value) <paramref name="depth"/> values below the top without removing it.</summary>
    public T PeekReference<T>(int depth) => (T)_objects[_objectCount - 1 - depth]!;

    // ---- adjoint buffers ------------------------------------------------------------------------------------

    /// <summary>Rents a zeroed buffer of at least <paramref name="length"/> elements from the shared pool.</summary>
    public static T[] RentZeroed<T>(int length)
    {
        T[] array = ArrayPool<T>.Shared.Rent(length);
        Array.Clear(array, 0, length);
        return array;
    }

    /// <summary>Returns a buffer obtained from <see cref="RentZeroed{T}(int)"/>.</summary>
    public static void Return<T>(T[]? array)
    {
        if (array is not null)
        {
            ArrayPool<T>.Shared.Return(array);
        }
    }

    /// <summary>Copies <paramref name="values"/> into a pooled buffer (see <see cref="RestoreAndReturn{T}(T[], Span{T})"/>).</summary>
    public static T[] RentCopy<T>(ReadOnlySpan<T> values)
    {
        T[] array = ArrayPool<T>.Shared.Rent(values.Length);
        values.CopyTo(array);
        return array;
    }

    /// <summary>Copies a buffer from <see cref="RentCopy{T}(ReadOnlySpan{T})"/> back into <paramref name="destination"/> and returns it to the pool.</summary>
    public static void RestoreAndReturn<T>(T[] copy, Span<T> destination)
    {
        copy.AsSpan(0, destination.Length).CopyTo(destination);
        ArrayPool<T>.Shared.Return(copy);
    }

    /// <summary>Adds <paramref name="source"/> element-wise into <paramref name="destination"/>.</summary>
    public static void AddInto(Span<double> destination, ReadOnlySpan<double> source) =>
        TensorPrimitives.Add(destination, source, destination);

    /// <summary>Adds <paramref name="source"/> element-wise into <paramref name="destination"/>.</summary>
    public static void AddInto(Span<float> destination, ReadOnlySpan<float> source) =>
        TensorPrimitives.Add(destination, source, destination);

    /// <summary>The adjoint of a sum: adds <paramref name="value"/> to every element of <paramref name="adjoint"/>.</summary>
    public static void AddScalar(Span<double> adjoint, double value) => TensorPrimitives.Add(adjoint, value, adjoint);

    /// <summary>The adjoint of a sum: adds <paramref name="value"/> to every element of <paramref name="adjoint"/>.</summary>
    public static void AddScalar(Span<float> adjoint, float value) => TensorPrimitives.Add(adjoint, value, adjoint);

    /// <summary>Adds <paramref name="scale"/> times <paramref name="values"/> into <paramref name="adjoint"/> (dot products, sums of squares).</summary>
    public static void AddScaled(Span<double> adjoint, ReadOnlySpan<double> values, double scale) =>
        TensorPrimitives.MultiplyAdd(values, scale, adjoint, adjoint);

    /// <summary>Adds <paramref name="scale"/> times <paramref name="values"/> into <paramref name="adjoint"/> (dot products, sums of squares).</summary>
    public static void AddScaled(Span<float> adjoint, ReadOnlySpan<float> values, float scale) =>
        TensorPrimitives.MultiplyAdd(values, scale, adjoint, adjoint);

    /// <summary>
    /// The adjoint of a copy: adds the target's adjoint into the source's and clears the target's. The two may overlap
    /// (a copy within one array): the target's adjoint is taken before it is cleared.
    /// </summary>
    public static void AddIntoAndClear(Span<double> destination, Span<double> source)
    {
        if (!destination.Overlaps(source))
        {
            TensorPrimitives.Add(destination, source, destination);
            source.Clear();
            return;
        }

        double[] taken = RentCopy<double>(source);
        source.Clear();
        TensorPrimitives.Add(destination, taken.AsSpan(0, source.Length), destination);
        ArrayPool<double>.Shared.Return(taken);
    }

    /// <summary>
    /// The adjoint of a copy: adds the target's adjoint into the source's and clears the target's. The two may overlap
    /// (a copy within one array): the target's adjoint is taken before it is cleared.
    /// </summary>
    public static void AddIntoAndClear(Span<float> destination, Span<float> source)
    {
        if (!destination.Overlaps(source))
        {
            TensorPrimitives.Add(destination, source, destination);
            source.Clear();
            return;
        }

        float[] taken = RentCopy<float>(source);
        source.Clear();
        TensorPrimitives.Add(destination, taken.AsSpan(0, source.Length), destination);
        ArrayPool<float>.Shared.Return(taken);
    }

    /// <summary>The adjoint of a fill: the filled value's adjoint is the sum of the target's, which is then cleared.</summary>
    public static double SumAndClear(Span<double> adjoint)
    {
        double sum = TensorPrimitives.Sum<double>(adjoint);
        adjoint.Clear();
        return sum;
    }

    /// <summary>The adjoint of a fill: the filled value's adjoint is the sum of the target's, which is then cleared.</summary>
    public static float SumAndClear(Span<float> adjoint)
    {
        float sum = TensorPrimitives.Sum<float>(adjoint);
        adjoint.Clear();
        return sum;
    }

    /// <summary>Clears an adjoint (the adjoint of overwritten values).</summary>
    public static void Clear(Span<double> adjoint) => adjoint.Clear();

    /// <summary>Clears an adjoint (the adjoint of overwritten values).</summary>
    public static void Clear(Span<float> adjoint) => adjoint.Clear();

    /// <summary>Throws when a gradient span's length differs from its input's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckLength(int inputLength, int gradientLength, string inputName, string gradientName)
    {
        if (inputLength != gradientLength)
        {
            ThrowLengthMismatch(inputLength, gradientLength, inputName, gradientName);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLengthMismatch(int inputLength, int gradientLength, string inputName, string gradientName) =>
        throw new ArgumentException(
            $"The gradient span '{gradientName}' must have the same length as '{inputName}' ({inputLength}), but its length is {gradientLength}.",
            gradientName);

    /// <summary>
    /// Where <paramref name="view"/> starts inside <paramref name="container"/>, in elements (0 for an empty view): the
    /// generated code records a span variable's binding this way, so that the reverse sweep can rebuild it.
    /// </summary>
    public static int OffsetOf<T>(ReadOnlySpan<T> container, ReadOnlySpan<T> view)
    {
        if (view.IsEmpty)
        {
            return 0;
        }

        if (!container.Overlaps(view, out int offset) || offset < 0 || offset + view.Length > container.Length)
        {
            throw new InvalidOperationException("A span variable does not lie inside the array or span it was taken from.");
        }

        return offset;
    }

    /// <summary>
    /// Throws when a gradient span shares memory with an input (or with another gradient span): the generated code
    /// writes gradients while it still reads the inputs, so overlapping buffers would give wrong numbers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckDisjoint<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> gradient, string inputName, string gradientName)
    {
        if (!input.IsEmpty && !gradient.IsEmpty && input.Overlaps(gradient))
        {
            ThrowOverlap(inputName, gradientName);
        }
    }

    /// <summary>
    /// Throws when an array the method writes shares memory with another array parameter: the derivative treats them
    /// as different arrays, so it would be wrong.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckDisjointInputs<T>(ReadOnlySpan<T> written, ReadOnlySpan<T> other, string writtenName, string otherName)
    {
        if (!written.IsEmpty && !other.IsEmpty && written.Overlaps(other))
        {
            ThrowInputOverlap(writtenName, otherName);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowInputOverlap(string writtenName, string otherName) =>
        throw new ArgumentException(
            $"'{writtenName}', which the method writes, shares memory with '{otherName}'; the derivative treats them as different arrays: pass a copy for one of them.",
            otherName);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowOverlap(string inputName, string gradientName) =>
        throw new ArgumentException(
            $"The gradient span '{gradientName}' shares memory with '{inputName}'; pass a separate buffer for the gradient.",
            gradientName);

    private static int Grow(int capacity, int needed)
    {
        long target = Math.Max((long)capacity * 2, (long)capacity + needed);
        if (target > Array.MaxLength)
        {
            target = Math.Max(Array.MaxLength, capacity + (long)needed);
            if (target > Array.MaxLength)
            {
                throw new InvalidOperationException("The adjoint stack cannot grow beyond Array.MaxLength elements of one type.");
            }
        }

        return (int)target;
    }
}

/// <summary>A position in an <see cref="AdjointStorage"/> (see <see cref="AdjointStorage.GetMark"/>).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct AdjointStorageMark(int Doubles, int Singles, int Ints, int Objects);
