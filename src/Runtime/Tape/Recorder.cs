using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace AutoDiffGen;

/// <summary>
/// Offers a computed operation to every active trace of the calling thread: a trace records it (appends a node) if
/// one of the inputs is on it (TensorFlow's <c>ShouldRecord</c>). Variables read by the operation are watched on
/// the traces that watch accessed variables, and the node keeps a snapshot of their value.
/// </summary>
internal static class Recorder
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int InputId<T>(Trace trace, Tensor<T> x, out Tensor<T> stored)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x._kind == TensorKind.Variable)
        {
            return ((Variable<T>)x).ReadOn(trace, out stored);
        }

        stored = x;
        int id = x.IdOn(trace);
        return id < 0 ? -1 : id;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Capture<T>(Trace trace, Tensor<T> stored)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (stored._kind == TensorKind.Snapshot)
        {
            ((VariableSnapshot<T>)stored).CaptureBy(trace);
        }
    }

    internal static void Record1<T, TState>(TapeContext context, Tensor<T> x, Tensor<T> y, TState state, Func<Tensor<T>, Tensor<T>, int, TState, Node<T>> create)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Trace[] active = context.Active;
        int count = context.Count;
        for (int i = 0; i < count; i++)
        {
            Trace trace = active[i];
            int ix = InputId(trace, x, out Tensor<T> sx);
            if (ix < 0)
            {
                continue;
            }

            Capture(trace, sx);
            int id = trace.AddNode(create(sx, y, ix, state));
            y.AddMembership(trace, id);
        }
    }

    internal static void Record2<T, TState>(TapeContext context, Tensor<T> a, Tensor<T> b, Tensor<T> y, TState state, Func<Tensor<T>, Tensor<T>, Tensor<T>, int, int, TState, Node<T>> create)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Trace[] active = context.Active;
        int count = context.Count;
        for (int i = 0; i < count; i++)
        {
            Trace trace = active[i];
            int ia = InputId(trace, a, out Tensor<T> sa);
            int ib = InputId(trace, b, out Tensor<T> sb);
            if (ia < 0 && ib < 0)
            {
                continue;
            }

            Capture(trace, sa);
            Capture(trace, sb);
            int id = trace.AddNode(create(sa, sb, y, ia, ib, state));
            y.AddMembership(trace, id);
        }
    }

    internal static void RecordN<T, TState>(TapeContext context, IReadOnlyList<Tensor<T>> inputs, Tensor<T> y, TState state, Func<Tensor<T>[], int[], Tensor<T>, TState, Node<T>> create)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Trace[] active = context.Active;
        int count = context.Count;
        int n = inputs.Count;
        for (int i = 0; i < count; i++)
        {
            Trace trace = active[i];
            var stored = new Tensor<T>[n];
            var ids = new int[n];
            bool any = false;
            for (int j = 0; j < n; j++)
            {
                ids[j] = InputId(trace, inputs[j], out stored[j]);
                any |= ids[j] >= 0;
            }

            if (!any)
            {
                continue;
            }

            for (int j = 0; j < n; j++)
            {
                Capture(trace, stored[j]);
            }

            int id = trace.AddNode(create(stored, ids, y, state));
            y.AddMembership(trace, id);
        }
    }
}
