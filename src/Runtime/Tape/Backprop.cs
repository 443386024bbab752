using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiffGen;

/// <summary>
/// One reverse sweep over a trace. Gradient slots are indexed by tensor id. Only ids connected to a source are
/// "relevant" (TensorFlow prunes the same way), so no work is spent on inputs nobody asked about.
/// </summary>
/// <remarks>
/// Raw mode (no tape recording on the thread) keeps gradients as arrays: a slot either owns its array (created
/// during this sweep, so it may be accumulated into in place) or borrows it (an upstream gradient passed through,
/// the caller's output gradient). Recorded mode keeps gradients as tensors and sums them with recorded additions,
/// so outer tapes can differentiate the gradient computation.
/// </remarks>
internal sealed class Backprop<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private const byte RelevantFlag = 1;
    private const byte SourceFlag = 2;

    private readonly byte[] _flags;
    private readonly T[]?[] _raw;
    private readonly bool[] _owned;
    private readonly Tensor<T>?[] _recorded;

    internal Backprop(int idCount, bool recorded)
    {
        Recorded = recorded;
        _flags = new byte[idCount];
        if (recorded)
        {
            _raw = [];
            _owned = [];
            _recorded = new Tensor<T>?[idCount];
        }
        else
        {
            _raw = new T[]?[idCount];
            _owned = new bool[idCount];
            _recorded = [];
        }
    }

    internal bool Recorded { get; }

    internal byte[] Flags => _flags;

    internal void MarkSource(int id) => _flags[id] = RelevantFlag | SourceFlag;

    /// <summary>Marks every node output that depends on a source (nodes are in execution order).</summary>
    internal void PropagateRelevance(Node[] nodes, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Node node = nodes[i];
            if (_flags[node.OutId] == 0 && node.DependsOn(_flags))
            {
                _flags[node.OutId] = RelevantFlag;
            }
        }
    }

    internal void CopyFlagsFrom(Backprop<T> other) => Array.Copy(other._flags, _flags, _flags.Length);

    internal bool IsRelevant(int id) => id >= 0 && _flags[id] != 0;

    /// <summary>Whether a gradient should be produced for input <paramref name="id"/>.</summary>
    internal bool Wants(int id) => id >= 0 && _flags[id] != 0;

    /// <summary>Adds a raw gradient contribution; <paramref name="fresh"/> means the array may be taken over.</summary>
    internal void Add(int id, T[] g, bool fresh)
    {
        T[]? existing = _raw[id];
        if (existing is null)
        {
            _raw[id] = g;
            _owned[id] = fresh;
        }
        else if (_owned[id])
        {
            TensorPrimitives.Add(existing, g, existing);
        }
        else if (fresh)
        {
            TensorPrimitives.Add(g, existing, g);
            _raw[id] = g;
            _owned[id] = true;
        }
        else
        {
            var sum = new T[g.Length];
            TensorPrimitives.Add(existing, g, sum);
            _raw[id] = sum;
            _owned[id] = true;
        }
    }

    /// <summary>Adds a recorded gradient contribution (summed with a recorded addition).</summary>
    internal void Add(int id, Tensor<T> g)
    {
        Tensor<T>? existing = _recorded[id];
        _recorded[id] = existing is null ? g : Tensor.Add(existing, g);
    }

    internal T[]? Raw(int id) => id >= 0 ? _raw[id] : null;

    internal Tensor<T>? RecordedGradient(int id) => id >= 0 ? _recorded[id] : null;

    /// <summary>Walks the first <paramref name="count"/> nodes backwards, calling each reached node's backward function.</summary>
    internal void Run(Node[] nodes, int count)
    {
        for (int i = count - 1; i >= 0; i--)
        {
            if (nodes[i] is not Node<T> node)
            {
                continue;
            }

            int o = node.OutId;
            byte flags = _flags[o];
            if (flags == 0)
            {
                continue;
            }

            if (Recorded)
            {
                Tensor<T>? g = _recorded[o];
                if (g is not null)
                {
                    node.BackwardRecorded(this, g);
                    if ((flags & SourceFlag) == 0)
                    {
                        _recorded[o] = null;
                    }
                }
            }
            else
            {
                T[]? g = _raw[o];
                if (g is not null)
                {
                    node.Backward(this, g);
                    if ((flags & SourceFlag) == 0)
                    {
                        _raw[o] = null;
                    }
                }
            }
        }
    }
}
