namespace AutoDiffGen;

/// <summary>What a gradient is when the source is not connected to the target (<c>tf.UnconnectedGradients</c>).</summary>
public enum UnconnectedGradients
{
    /// <summary>The gradient is <see langword="null"/> (TensorFlow's <c>None</c>); the default.</summary>
    None = 0,

    /// <summary>The gradient is a tensor of zeros with the source's shape.</summary>
    Zero = 1,
}
