using System;
using System.Collections.Generic;
using System.Numerics;

namespace AutoDiffGen;

/// <summary>
/// Reverse accumulation over one trace for fixed targets and sources: ids are looked up and relevance computed once,
/// then <see cref="Raw"/> or <see cref="Recorded"/> runs one sweep per set of seeds (one for a gradient, one per
/// target element for a Jacobian).
/// </summary>
internal sealed class GradientRun<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Node[] _nodes;
    private readonly int _nodeCount;
    private readonly int _idCount;
    private readonly IReadOnlyList<Tensor<T>> _targets;
    private readonly IReadOnlyList<Tensor<T>> _sources;
    private readonly int[] _targetIds;
    private readonly int[] _sourceIds;
    private readonly Backprop<T> _template;

    internal GradientRun(Trace trace, IReadOnlyList<Tensor<T>> targets, IReadOnlyList<Tensor<T>> sources, bool recorded)
    {
        _nodes = trace.Nodes;
        _nodeCount = trace.NodeCount;
        _idCount = trace.IdCount;
        _targets = targets;
        _sources = sources;
        _targetIds = new int[targets.Count];
        for (int j = 0; j < _targetIds.Length; j++)
        {
            _targetIds[j] = IdOf(trace, targets[j]);
        }

        _sourceIds = new int[sources.Count];
        _template = new Backprop<T>(_idCount, recorded);
        bool any = false;
        for (int i = 0; i < _sourceIds.Length; i++)
        {
            int id = IdOf(trace, sources[i]);
            _sourceIds[i] = id;
            if (id >= 0)
            {
                _template.MarkSource(id);
                any = true;
            }
        }

        if (any)
        {
            _template.PropagateRelevance(_nodes, _nodeCount);
        }
    }

    internal static int IdOf(Trace trace, Tensor<T> t) => t._kind == TensorKind.Variable
        ? trace.VariableId(t)
        : Math.Max(t.IdOn(trace), -1);

    /// <summary>One raw sweep; a null seed means ones. Seeds are only read.</summary>
    internal T[]?[] Raw(T[]?[] seeds)
    {
        var bp = new Backprop<T>(_idCount, recorded: false);
        bp.CopyFlagsFrom(_template);
        for (int j = 0; j < _targetIds.Length; j++)
        {
            int id = _targetIds[j];
            if (bp.IsRelevant(id))
            {
                T[]? seed = seeds[j];
                bp.Add(id, seed ?? ArrayKernels.Filled(_targets[j]._data.Length, T.One), fresh: seed is null);
            }
        }

        bp.Run(_nodes, _nodeCount);
        var result = new T[]?[_sourceIds.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = bp.Raw(_sourceIds[i]);
            for (int j = 0; j < _targetIds.Length; j++)
            {
                if (_targetIds[j] < 0 && ReferenceEquals(_targets[j], _sources[i]))
                {
                    // A target that is also a source contributes its seed directly (TensorFlow seeds it even if unwatched).
                    T[] seed = seeds[j] ?? ArrayKernels.Filled(_targets[j]._data.Length, T.One);
                    result[i] = result[i] is null ? seed : Sum(result[i]!, seed);
                }
            }
        }

        return result;
    }

    /// <summary>One recorded sweep; a null seed means ones.</summary>
    internal Tensor<T>?[] Recorded(Tensor<T>?[] seeds)
    {
        var bp = new Backprop<T>(_idCount, recorded: true);
        bp.CopyFlagsFrom(_template);
        for (int j = 0; j < _targetIds.Length; j++)
        {
            int id = _targetIds[j];
            if (bp.IsRelevant(id))
            {
                bp.Add(id, seeds[j] ?? Tensor.OnesLike(_targets[j]));
            }
        }

        bp.Run(_nodes, _nodeCount);
        var result = new Tensor<T>?[_sourceIds.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = bp.RecordedGradient(_sourceIds[i]);
            for (int j = 0; j < _targetIds.Length; j++)
            {
                if (_targetIds[j] < 0 && ReferenceEquals(_targets[j], _sources[i]))
                {
                    Tensor<T> seed = seeds[j] ?? Tensor.OnesLike(_targets[j]);
                    result[i] = result[i] is null ? seed : Tensor.Add(result[i]!, seed);
                }
            }

            if (result[i] is { } r && r._kind != TensorKind.Plain)
            {
                result[i] = Tensor.Identity(r);
            }
        }

        return result;
    }

    private static T[] Sum(T[] a, T[] b)
    {
        var r = new T[a.Length];
        System.Numerics.Tensors.TensorPrimitives.Add(a, b, r);
        return r;
    }
}
