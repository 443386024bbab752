using System.Numerics;

namespace AutoDiffGen;

/// <summary>A recorded operation (one output). Nodes are appended to a <see cref="Trace"/> in execution order.</summary>
internal abstract class Node
{
    /// <summary>The id of the output tensor.</summary>
    internal int OutId;

    /// <summary>Whether an input id is marked in <paramref name="relevant"/> (connection to a source).</summary>
    internal abstract bool DependsOn(byte[] relevant);
}

/// <summary>A recorded operation on tensors of <typeparamref name="T"/>.</summary>
internal abstract class Node<T> : Node
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Raw backward pass (no tape is recording): adds the input gradients for upstream <paramref name="g"/>.</summary>
    internal abstract void Backward(Backprop<T> bp, T[] g);

    /// <summary>Recorded backward pass: the same, built from tensor operations so that outer tapes record it.</summary>
    internal abstract void BackwardRecorded(Backprop<T> bp, Tensor<T> g);
}

/// <summary>A node with one tensor input.</summary>
internal abstract class UnaryNodeBase<T> : Node<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    internal readonly Tensor<T> X;
    internal readonly Tensor<T> Y;
    internal readonly int InX;

    protected UnaryNodeBase(Tensor<T> x, Tensor<T> y, int inX)
    {
        X = x;
        Y = y;
        InX = inX;
    }

    internal sealed override bool DependsOn(byte[] relevant) => InX >= 0 && relevant[InX] != 0;
}

/// <summary>A node with two tensor inputs.</summary>
internal abstract class BinaryNodeBase<T> : Node<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    internal readonly Tensor<T> A;
    internal readonly Tensor<T> B;
    internal readonly Tensor<T> Y;
    internal readonly int InA;
    internal readonly int InB;

    protected BinaryNodeBase(Tensor<T> a, Tensor<T> b, Tensor<T> y, int inA, int inB)
    {
        A = a;
        B = b;
        Y = y;
        InA = inA;
        InB = inB;
    }

    internal sealed override bool DependsOn(byte[] relevant) =>
        (InA >= 0 && relevant[InA] != 0) || (InB >= 0 && relevant[InB] != 0);
}

/// <summary>A node with any number of tensor inputs.</summary>
internal abstract class MultiNodeBase<T> : Node<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    internal readonly Tensor<T>[] Inputs;
    internal readonly int[] InIds;
    internal readonly Tensor<T> Y;

    protected MultiNodeBase(Tensor<T>[] inputs, int[] inIds, Tensor<T> y)
    {
        Inputs = inputs;
        InIds = inIds;
        Y = y;
    }

    internal sealed override bool DependsOn(byte[] relevant)
    {
        foreach (int id in InIds)
        {
            if (id >= 0 && relevant[id] != 0)
            {
                return true;
            }
        }

        return false;
    }
}
