using System;
using System.Collections.Generic;

namespace AutoDiffGen;

/// <summary>Something a trace must notify when it releases its records (a captured variable read).</summary>
internal interface ICapture
{
    void ReleaseCapture();
}

/// <summary>
/// One recording of a <see cref="GradientTape"/> (TensorFlow's internal tape): the recorded nodes in execution order,
/// the tensor ids, and the watched variables. Tensor ids index the gradient slots of a backward pass; an op output's
/// id is assigned when its node is appended, a watched tensor's or variable's when it is watched.
/// </summary>
internal sealed class Trace
{
    private const int IndexThreshold = 8;

    internal readonly bool WatchAccessedVariables;

    /// <summary>On some thread's active list.</summary>
    internal bool IsRecording;

    /// <summary>Released: consumed by a non-persistent gradient call, or discarded by <see cref="GradientTape.Reset"/>.</summary>
    internal bool IsReleased;

    internal Node[] Nodes = new Node[16];
    internal int NodeCount;
    internal int IdCount;

    private VariableEntry[] _variables = [];
    private int _variableCount;
    private Dictionary<object, int>? _variableIndex;

    private ICapture[] _captures = [];
    private int _captureCount;

    internal Trace(bool watchAccessedVariables) => WatchAccessedVariables = watchAccessedVariables;

    /// <summary>A membership on this trace is no longer useful.</summary>
    internal bool IsStale(bool dropIdle) => IsReleased || (dropIdle && !IsRecording);

    internal int NewLeafId() => IdCount++;

    internal int AddNode(Node node)
    {
        int id = IdCount++;
        node.OutId = id;
        if (NodeCount == Nodes.Length)
        {
            Array.Resize(ref Nodes, NodeCount * 2);
        }

        Nodes[NodeCount++] = node;
        return id;
    }

    /// <summary>The id of a watched variable, or -1.</summary>
    internal int VariableId(object variable)
    {
        if (_variableIndex is not null)
        {
            return _variableIndex.TryGetValue(variable, out int id) ? id : -1;
        }

        for (int i = 0; i < _variableCount; i++)
        {
            if (ReferenceEquals(_variables[i].Variable, variable))
            {
                return _variables[i].Id;
            }
        }

        return -1;
    }

    /// <summary>Watches a variable (idempotent) and returns its id.</summary>
    internal int WatchVariable(IVariable variable, long creationIndex)
    {
        int id = VariableId(variable);
        if (id >= 0)
        {
            return id;
        }

        id = NewLeafId();
        if (_variableCount == _variables.Length)
        {
            Array.Resize(ref _variables, Math.Max(4, _variableCount * 2));
        }

        _variables[_variableCount++] = new VariableEntry(variable, creationIndex, id);
        if (_variableIndex is not null)
        {
            _variableIndex.Add(variable, id);
        }
        else if (_variableCount > IndexThreshold)
        {
            _variableIndex = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
            for (int i = 0; i < _variableCount; i++)
            {
                _variableIndex.Add(_variables[i].Variable, _variables[i].Id);
            }
        }

        return id;
    }

    /// <summary>The watched variables in creation order (TensorFlow's <c>watched_variables()</c>).</summary>
    internal IVariable[] WatchedVariables()
    {
        var entries = new VariableEntry[_variableCount];
        Array.Copy(_variables, entries, _variableCount);
        Array.Sort(entries, static (x, y) => x.CreationIndex.CompareTo(y.CreationIndex));
        var result = new IVariable[entries.Length];
        for (int i = 0; i < entries.Length; i++)
        {
            result[i] = entries[i].Variable;
        }

        return result;
    }

    internal void Capture(ICapture capture)
    {
        if (_captureCount == _captures.Length)
        {
            Array.Resize(ref _captures, Math.Max(4, _captureCount * 2));
        }

        _captures[_captureCount++] = capture;
    }

    /// <summary>Drops every record (memory is freed even while tensors still refer to this trace).</summary>
    internal void Release()
    {
        if (IsReleased)
        {
            return;
        }

        IsReleased = true;
        Nodes = [];
        NodeCount = 0;
        _variables = [];
        _variableCount = 0;
        _variableIndex = null;
        for (int i = 0; i < _captureCount; i++)
        {
            _captures[i].ReleaseCapture();
        }

        _captures = [];
        _captureCount = 0;
    }

    private readonly record struct VariableEntry(IVariable Variable, long CreationIndex, int Id);
}
