using System;
using System.Collections.Generic;
using System.Numerics;

namespace AutoDiffGen;

/// <summary>
/// Records operations for automatic differentiation, with the semantics of TensorFlow's <c>tf.GradientTape</c>.
/// </summary>
/// <remarks>
/// <para>
/// The constructor starts recording on the calling thread and <see cref="Dispose"/> stops it, so a <c>using</c> block
/// plays the role of Python's <c>with</c> block; gradients are normally taken after the block:
/// </para>
/// <code>
/// var w = new Variable&lt;float&gt;(new[] { 1f, 2f, 3f });
/// Tensor&lt;float&gt; loss;
/// using (var tape = new GradientTape())
/// {
///     loss = Tensor.Sum(w * w);
/// }
/// Tensor&lt;float&gt;? dw = tape.Gradient(loss, w);   // [2, 4, 6]
/// </code>
/// <para>
/// Operations are recorded if one of their inputs is watched (<see cref="Watch{T}(Tensor{T})"/>), is a trainable
/// <see cref="Variable{T}"/> read while recording (unless <c>watchAccessedVariables</c> is false), or was produced by a
/// recorded operation. Any number of tapes may record at once (nesting gives higher-order derivatives). Recording is
/// per thread. A tape object is not thread-safe.
/// </para>
/// <para>
/// A non-persistent tape (the default) computes one set of gradients (<see cref="Gradient{T}(Tensor{T}, Tensor{T}, Tensor{T}?, UnconnectedGradients)"/>,
/// <see cref="Jacobian{T}(Tensor{T}, Tensor{T}, UnconnectedGradients)"/> or <see cref="BatchJacobian{T}(Tensor{T}, Tensor{T}, UnconnectedGradients)"/>)
/// and then releases its records; a persistent tape keeps them for any number of calls.
/// </para>
/// </remarks>
public sealed class GradientTape : IDisposable
{
    /// <summary>The message of the error for a second gradient computation on a non-persistent tape.</summary>
    internal const string NonPersistentMessage =
        "A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)";

    private readonly bool _persistent;
    private readonly bool _watchAccessedVariables;
    private Trace? _trace;
    private TapeContext? _context;
    private bool _recording;
    private IVariable[] _watchedVariables = [];

    /// <summary>Creates a tape and starts recording on the calling thread (TensorFlow's <c>__enter__</c>).</summary>
    /// <param name="persistent">Allow any number of gradient computations (default: one).</param>
    /// <param name="watchAccessedVariables">Watch trainable variables automatically when they are read while recording (default <see langword="true"/>).</param>
    public GradientTape(bool persistent = false, bool watchAccessedVariables = true)
    {
        _persistent = persistent;
        _watchAccessedVariables = watchAccessedVariables;
        Push();
    }

    /// <summary>Whether the tape allows more than one gradient computation.</summary>
    public bool Persistent => _persistent;

    /// <summary>Whether trainable variables read while recording are watched automatically.</summary>
    public bool WatchAccessedVariables => _watchAccessedVariables;

    /// <summary>Whether the tape is currently recording (between the constructor or <see cref="Resume"/> and the end of the block).</summary>
    public bool IsRecording => _recording;

    /// <summary>
    /// Stops recording (TensorFlow's <c>__exit__</c>): the end of the <c>using</c> block. The records stay available for
    /// gradient computations; calling it when the tape is not recording does nothing.
    /// </summary>
    public void Dispose()
    {
        if (_recording)
        {
            Pop();
        }
    }

    /// <summary>
    /// Re-enters the tape (a second Python <c>with tape:</c> block): recording continues on the same records, or on new
    /// ones if a non-persistent tape's records were consumed by a gradient computation. Dispose the result to stop.
    /// </summary>
    /// <returns>A scope whose disposal stops recording.</returns>
    /// <exception cref="InvalidOperationException">The tape is already recording: "Tape is still recording, This can happen if you try to re-enter an already-active tape."</exception>
    public IDisposable Resume()
    {
        Push();
        return new Scope(this, resumeOnDispose: false);
    }

    /// <summary>
    /// Pauses recording on this tape until the returned scope is disposed (TensorFlow's <c>stop_recording()</c>). Other
    /// tapes keep recording; variables read meanwhile are not watched by this tape.
    /// </summary>
    /// <returns>A scope whose disposal resumes recording.</returns>
    /// <exception cref="InvalidOperationException">"Trying to stop recording a tape which is not recording." when the records were consumed; "Tape is not recording." when the tape is not recording.</exception>
    public IDisposable StopRecording()
    {
        if (_trace is null)
        {
            throw new InvalidOperationException("Trying to stop recording a tape which is not recording.");
        }

        Pop();
        return new Scope(this, resumeOnDispose: true);
    }

    /// <summary>
    /// Discards everything recorded and watched so far and continues recording from scratch (TensorFlow's <c>reset()</c>):
    /// the same as leaving the block and entering a new tape.
    /// </summary>
    /// <exception cref="InvalidOperationException">"Tape is not recording." when the tape is not recording.</exception>
    public void Reset()
    {
        Pop();
        _trace?.Release();
        _trace = null;
        Push();
    }

    /// <summary>Watches a tensor or a variable, so that operations on it are recorded and it can be a gradient source.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="tensor">The tensor or variable; a variable is watched even if it is not trainable.</param>
    /// <exception cref="InvalidOperationException">The tape's records were consumed by a gradient computation.</exception>
    public void Watch<T>(Tensor<T> tensor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Trace trace = _trace ?? throw new InvalidOperationException(
            "Cannot watch a tensor on a GradientTape whose records were consumed by a gradient computation; enter it again with Resume() or create a new tape.");
        if (tensor._kind == TensorKind.Variable)
        {
            ((Variable<T>)tensor).WatchOn(trace);
        }
        else if (tensor.IdOn(trace) < 0)
        {
            tensor.AddMembership(trace, trace.NewLeafId());
        }
    }

    /// <summary>Watches several tensors or variables.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="tensors">The tensors or variables.</param>
    public void Watch<T>(params Tensor<T>[] tensors)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Watch((IEnumerable<Tensor<T>>)tensors);

    /// <summary>Watches several tensors or variables.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="tensors">The tensors or variables.</param>
    public void Watch<T>(IEnumerable<Tensor<T>> tensors)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(tensors);
        foreach (Tensor<T> t in tensors)
        {
            Watch(t);
        }
    }

    /// <summary>
    /// The variables this tape watches, in creation order (TensorFlow's <c>watched_variables()</c>). Cleared by
    /// <see cref="Reset"/>; still available after a non-persistent tape computed its gradients.
    /// </summary>
    /// <returns>The variables.</returns>
    public IReadOnlyList<IVariable> WatchedVariables()
    {
        if (_trace is not null)
        {
            _watchedVariables = _trace.WatchedVariables();
        }

        return _watchedVariables;
    }

    /// <summary>
    /// The gradient of <paramref name="target"/> (of its sum if it is not a scalar) with respect to <paramref name="source"/>
    /// (TensorFlow's <c>gradient</c>). Called inside the block of a non-persistent tape it stops the recording; inside the
    /// block of a persistent tape the gradient computation is itself recorded (for higher-order derivatives).
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="target">The value to differentiate.</param>
    /// <param name="source">A watched tensor, a variable, or any tensor computed while recording.</param>
    /// <param name="outputGradients">The upstream gradient of <paramref name="target"/> (its shape), instead of ones.</param>
    /// <param name="unconnectedGradients">What to return when <paramref name="source"/> is not connected to <paramref name="target"/>.</param>
    /// <returns>The gradient, with <paramref name="source"/>'s shape, or <see langword="null"/> when unconnected (with <see cref="UnconnectedGradients.None"/>).</returns>
    /// <exception cref="InvalidOperationException">A non-persistent tape was already used ("A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)").</exception>
    public Tensor<T>? Gradient<T>(Tensor<T> target, Tensor<T> source, Tensor<T>? outputGradients = null, UnconnectedGradients unconnectedGradients = UnconnectedGradients.None)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Trace trace = BeginGradient();
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        return Compute(trace, [target], [outputGradients], [source], unconnectedGradients)[0];
    }

    /// <summary>
    /// The gradients of <paramref name="target"/> with respect to each of <paramref name="sources"/>; see
    /// <see cref="Gradient{T}(Tensor{T}, Tensor{T}, Tensor{T}?, UnconnectedGradients)"/>. Repeated sources each get the full gradient.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="target">The value to differentiate.</param>
    /// <param name="sources">The sources, e.g. <c>[w, b]</c>.</param>
    /// <param name="outputGradients">The upstream gradient of <paramref name="target"/>, instead of ones.</param>
    /// <param name="unconnectedGradients">What to return for unconnected sources.</param>
    /// <returns>One gradient (or <see langword="null"/>) per source, in order.</returns>
    public Tensor<T>?[] Gradient<T>(Tensor<T> target, IReadOnlyList<Tensor<T>> sources, Tensor<T>? outputGradients = null, UnconnectedGradients unconnectedGradients = UnconnectedGradients.None)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Trace trace = BeginGradient();
        ArgumentNullException.ThrowIfNull(target);
        return Compute(trace, [target], [outputGradients], CheckedList(sources, nameof(sources)), unconnectedGradients);
    }

    /// <summary>The gradient of the sum of several targets with respect to <paramref name="source"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="targets">The values to differentiate (their gradients are summed).</param>
    /// <param name="source">The source.</param>
    /// <param name="outputGradients">One upstream gradient (or <see langword="null"/> for ones) per target.</param>
    /// <param name="unconnectedGradients">What to return when unconnected.</param>
    /// <returns>The gradient or <see langword="null"/>.</returns>
    public Tensor<T>? Gradient<T>(IReadOnlyList<Tensor<T>> targets, Tensor<T> source, IReadOnlyList<Tensor<T>?>? outputGradients = null, UnconnectedGradients unconnectedGradients = UnconnectedGradients.None)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Trace trace = BeginGradient();
        ArgumentNullException.ThrowIfNull(source);
        Tensor<T>[] t = CheckedList(targets, nameof(targets));
        return Compute(trace, t, OutputGradients(outputGradients, t.Length), [source], unconnectedGradients)[0];
    }

    /// <summary>The gradients of the sum of several targets with respect to each source.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="targets">The values to differentiate (their gradients are summed).</param>
    /// <param name="sources">The sources.</param>
    /// <param name="outputGradients">One upstream gradient (or <see langword="null"/> for ones) per target.</param>
    /// <param name="unconnectedGradients">What to return for unconnected sources.</param>
    /// <returns>One gradient (or <see langword="null"/>) per source.</returns>
    public Tensor<T>?[] Gradient<T>(IReadOnlyList<Tensor<T>> targets, IReadOnlyList<Tensor<T>> sources, IReadOnlyList<Tensor<T>?>? outputGradients = null, UnconnectedGradients unconnectedGradients = UnconnectedGradients.None)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Trace trace = BeginGradient();
        Tensor<T>[] t = CheckedList(targets, nameof(targets));
        return Compute(trace, t, OutputGradients(outputGradients, t.Length), CheckedList(sources, nameof(sources)), unconnectedGradients);
    }

    /// <summary>
    /// The Jacobian of <paramref name="target"/> with respect to <paramref name="source"/> (TensorFlow's <c>jacobian</c>):
    /// shape = target's shape followed by source's shape. Computed with one backward sweep per target element.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="target">The value to differentiate.</param>
    /// <param name="source">The source.</param>
    /// <param name="unconnectedGradients">What to return when unconnected (<see langword="null"/> or zeros of the full shape).</param>
    /// <returns>The Jacobian or <see langword="null"/>.</returns>
    public Tensor<T>? Jacobian<T>(Tensor<T> target, Tensor<T> source, UnconnectedGradients unconnectedGradients = UnconnectedGradients.None)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Trace trace = BeginGradient();
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        return JacobianCore(trace, target, [source], unconnectedGradients)[0];
    }

    /// <summary>The Jacobians of <paramref name="target"/> with respect to each source; see <see cref="Jacobian{T}(Tensor{T}, Tensor{T}, UnconnectedGradients)"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="target">The value to differentiate.</param>
    /// <param name="sources">The sources.</param>
    /// <param name="unconnectedGradients">What to return for unconnected sources.</param>
    /// <returns>One Jacobian (or <see langword="null"/>) per source.</returns>
    public Tensor<T>?[] Jacobian<T>(Tensor<T> target, IReadOnlyList<Tensor<T>> sources, UnconnectedGradients unconnectedGradients = UnconnectedGradients.None)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Trace trace = BeginGradient();
        ArgumentNullException.ThrowIfNull(target);
        return JacobianCore(trace, target, CheckedList(sources, nameof(sources)), unconnectedGradients);
    }

    /// <summary>
    /// Per-example Jacobians (TensorFlow's <c>batch_jacobian</c>): for <paramref name="target"/> <c>[b, y...]</c> and
    /// <paramref name="source"/> <c>[b, x...]</c>, the result <c>[b, y..., x...]</c> holds the Jacobian of row <c>i</c> of
    /// the target with respect to row <c>i</c> of the source, assuming rows do not interact. Unconnected gives zeros.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="target">The value to differentiate, rank at least 2.</param>
    /// <param name="source">The source, rank at least 2, with the same first dimension.</param>
    /// <param name="unconnectedGradients">Accepted for parity with TensorFlow; an unconnected source gives zeros either way.</param>
    /// <returns>The batch Jacobian.</returns>
    /// <exception cref="ArgumentException">A rank is below 2 or the first dimensions differ.</exception>
    public Tensor<T> BatchJacobian<T>(Tensor<T> target, Tensor<T> source, UnconnectedGradients unconnectedGradients = UnconnectedGradients.None)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Trace trace = BeginGradient();
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        CheckUnconnected(unconnectedGradients);
        foreach (Tensor<T> t in new[] { target, source })
        {
            if (t.Rank < 2)
            {
                throw new ArgumentException($"Shape {Shapes.Format(t._shape)} must have rank at least 2");
            }
        }

        if (target._shape[0] != source._shape[0])
        {
            throw new ArgumentException(
                $"Need first dimension of target shape {Shapes.Format(target._shape)} and source shape {Shapes.Format(source._shape)} to match.");
        }

        int batch = target._shape[0];
        int ny = Shapes.Size(target._shape.AsSpan(1), nameof(BatchJacobian));
        int nx = Shapes.Size(source._shape.AsSpan(1), nameof(BatchJacobian));
        var shape = new int[target.Rank + source.Rank - 1];
        target._shape.CopyTo(shape, 0);
        source._shape.AsSpan(1).CopyTo(shape.AsSpan(target.Rank));
        bool recorded = TapeContext.AnyRecording;
        var run = new GradientRun<T>(trace, [target], [source], recorded);
        Tensor<T> result;
        if (!recorded)
        {
            var data = new T[Shapes.Size(shape, nameof(BatchJacobian))];
            var seed = new T[target._data.Length];
            for (int j = 0; j < ny; j++)
            {
                for (int b = 0; b < batch; b++)
                {
                    seed[(b * ny) + j] = T.One;
                }

                T[]? g = run.Raw([seed])[0];
                if (g is not null)
                {
                    for (int b = 0; b < batch; b++)
                    {
                        g.AsSpan(b * nx, nx).CopyTo(data.AsSpan(((b * ny) + j) * nx, nx));
                    }
                }

                for (int b = 0; b < batch; b++)
                {
                    seed[(b * ny) + j] = T.Zero;
                }
            }

            result = new Tensor<T>(shape, data);
        }
        else
        {
            var rows = new Tensor<T>[ny];
            for (int j = 0; j < ny; j++)
            {
                var seed = new T[target._data.Length];
                for (int b = 0; b < batch; b++)
                {
                    seed[(b * ny) + j] = T.One;
                }

                rows[j] = run.Recorded([new Tensor<T>(target._shape, seed)])[0] ?? Tensor.ZerosLike(source);
            }

            result = ny == 0
                ? Tensor.Zeros<T>(shape)
                : Tensor.Reshape(Tensor.Stack(rows, 1), shape);
        }

        EndGradient(trace);
        return result;
    }

    private Tensor<T>?[] JacobianCore<T>(Trace trace, Tensor<T> target, Tensor<T>[] sources, UnconnectedGradients unconnected)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckUnconnected(unconnected);
        bool recorded = TapeContext.AnyRecording;
        var run = new GradientRun<T>(trace, [target], sources, recorded);
        int n = target._data.Length;
        var results = new Tensor<T>?[sources.Length];
        if (!recorded)
        {
            // Each sweep's gradients are copied out at once: a gradient may be the seed array itself (e.g. through
            // Reshape or Add), and the seed is reused for the next row.
            var data = new T[sources.Length][];
            var connected = new bool[sources.Length];
            for (int i = 0; i < sources.Length; i++)
            {
                data[i] = new T[n * sources[i]._data.Length];
            }

            var seed = new T[n];
            for (int k = 0; k < n; k++)
            {
                seed[k] = T.One;
                T[]?[] row = run.Raw([seed]);
                for (int i = 0; i < sources.Length; i++)
                {
                    if (row[i] is { } g)
                    {
                        connected[i] = true;
                        g.AsSpan().CopyTo(data[i].AsSpan(k * g.Length, g.Length));
                    }
                }

                seed[k] = T.Zero;
            }

            for (int i = 0; i < sources.Length; i++)
            {
                if (connected[i] || n == 0 || unconnected == UnconnectedGradients.Zero)
                {
                    results[i] = new Tensor<T>(JacobianShape(target, sources[i]), data[i]);
                }
            }
        }
        else
        {
            var rows = new Tensor<T>?[n][];
            for (int k = 0; k < n; k++)
            {
                var seed = new T[n];
                seed[k] = T.One;
                rows[k] = run.Recorded([new Tensor<T>(target._shape, seed)]);
            }

            for (int i = 0; i < sources.Length; i++)
            {
                int[] shape = JacobianShape(target, sources[i]);
                var parts = new Tensor<T>[n];
                bool any = false;
                for (int k = 0; k < n; k++)
                {
                    Tensor<T>? g = rows[k][i];
                    any |= g is not null;
                    parts[k] = g ?? Tensor.ZerosLike(sources[i]);
                }

                if (n == 0)
                {
                    results[i] = Tensor.Zeros<T>(shape);
                }
                else if (any || unconnected == UnconnectedGradients.Zero)
                {
                    results[i] = Tensor.Reshape(Tensor.Stack(parts), shape);
                }
            }
        }

        EndGradient(trace);
        return results;
    }

    private static int[] JacobianShape<T>(Tensor<T> target, Tensor<T> source)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shape = new int[target.Rank + source.Rank];
        target._shape.CopyTo(shape, 0);
        source._shape.CopyTo(shape, target.Rank);
        return shape;
    }

    private Tensor<T>?[] Compute<T>(Trace trace, Tensor<T>[] targets, Tensor<T>?[] outputGradients, Tensor<T>[] sources, UnconnectedGradients unconnected)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckUnconnected(unconnected);
        for (int j = 0; j < targets.Length; j++)
        {
            Tensor<T>? og = outputGradients[j];
            if (og is not null && !Shapes.Equal(og._shape, targets[j]._shape))
            {
                throw new ArgumentException(
                    $"outputGradients: shape {Shapes.Format(og._shape)} does not match the shape {Shapes.Format(targets[j]._shape)} of its target.",
                    nameof(outputGradients));
            }
        }

        bool recorded = TapeContext.AnyRecording;
        var run = new GradientRun<T>(trace, targets, sources, recorded);
        var results = new Tensor<T>?[sources.Length];
        if (recorded)
        {
            var seeds = new Tensor<T>?[targets.Length];
            for (int j = 0; j < seeds.Length; j++)
            {
                Tensor<T>? og = outputGradients[j];
                seeds[j] = og is null || og._kind == TensorKind.Plain ? og : Tensor.Identity(og);
            }

            Tensor<T>?[] grads = run.Recorded(seeds);
            for (int i = 0; i < results.Length; i++)
            {
                results[i] = grads[i];
            }
        }
        else
        {
            var seeds = new T[]?[targets.Length];
            for (int j = 0; j < seeds.Length; j++)
            {
                Tensor<T>? og = outputGradients[j];
                seeds[j] = og is null ? null : og._kind == TensorKind.Plain ? og._data : og.ToArray();
            }

            T[]?[] grads = run.Raw(seeds);
            for (int i = 0; i < results.Length; i++)
            {
                if (grads[i] is { } g)
                {
                    results[i] = new Tensor<T>(sources[i]._shape, g);
                }
            }
        }

        if (unconnected == UnconnectedGradients.Zero)
        {
            for (int i = 0; i < results.Length; i++)
            {
                results[i] ??= Tensor.ZerosLike(sources[i]);
            }
        }

        EndGradient(trace);
        return results;
    }

    private Trace BeginGradient()
    {
        Trace trace = _trace ?? throw new InvalidOperationException(NonPersistentMessage);
        if (_recording && !_persistent)
        {
            // TensorFlow: calling gradient() inside a non-persistent tape's block silently stops recording.
            Pop();
        }

        return trace;
    }

    private void EndGradient(Trace trace)
    {
        if (!_persistent)
        {
            _watchedVariables = trace.WatchedVariables();
            trace.Release();
            _trace = null;
        }
    }

    private static void CheckUnconnected(UnconnectedGradients value)
    {
        if (value is not UnconnectedGradients.None and not UnconnectedGradients.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"Unknown value for unconnected_gradients: '{(int)value}'");
        }
    }

    private static Tensor<T>[] CheckedList<T>(IReadOnlyList<Tensor<T>> list, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(list, name);
        var result = new Tensor<T>[list.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = list[i] ?? throw new ArgumentException($"{name}[{i}] is null.", name);
        }

        return result;
    }

    private static Tensor<T>?[] OutputGradients<T>(IReadOnlyList<Tensor<T>?>? outputGradients, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new Tensor<T>?[count];
        if (outputGradients is null)
        {
            return result;
        }

        if (outputGradients.Count != count)
        {
            throw new ArgumentException(
                $"outputGradients has {outputGradients.Count} entries but there are {count} targets.", nameof(outputGradients));
        }

        for (int i = 0; i < count; i++)
        {
            result[i] = outputGradients[i];
        }

        return result;
    }

    private void Push()
    {
        if (_recording)
        {
            throw new InvalidOperationException("Tape is still recording, This can happen if you try to re-enter an already-active tape.");
        }

        _trace ??= new Trace(_watchAccessedVariables);
        _context = TapeContext.Current;
        _context.Push(_trace);
        _recording = true;
    }

    private void Pop()
    {
        if (!_recording)
        {
            throw new InvalidOperationException("Tape is not recording.");
        }

        _context!.Remove(_trace!);
        _recording = false;
    }

    /// <summary>The scope of <see cref="Resume"/> (pops on dispose) or <see cref="StopRecording"/> (pushes on dispose).</summary>
    private sealed class Scope : IDisposable
    {
        private readonly GradientTape _tape;
        private readonly bool _resumeOnDispose;
        private bool _disposed;

        internal Scope(GradientTape tape, bool resumeOnDispose)
        {
            _tape = tape;
            _resumeOnDispose = resumeOnDispose;
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_resumeOnDispose)
            {
                if (!_tape._recording)
                {
                    _tape.Push();
                }
            }
            else if (_tape._recording)
            {
                _tape.Pop();
            }
        }
    }
}
