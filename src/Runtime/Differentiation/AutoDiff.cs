using System.Runtime.CompilerServices;

namespace AutoDiffGen;

/// <summary>
/// Functions with a special meaning inside <see cref="DifferentiableAttribute"/> methods.
/// </summary>
public static class AutoDiff
{
    /// <summary>
    /// Returns <paramref name="value"/> unchanged, but no derivative flows through it: inside a
    /// <see cref="DifferentiableAttribute"/> method the result is treated as a constant
    /// (TensorFlow's <c>tf.stop_gradient</c>, Swift's <c>withoutDerivative(at:)</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double StopGradient(double value) => value;

    /// <inheritdoc cref="StopGradient(double)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float StopGradient(float value) => value;
}
