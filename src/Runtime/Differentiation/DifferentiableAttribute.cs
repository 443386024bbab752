using System;

namespace AutoDiffGen;

/// <summary>
/// Marks a static method whose reverse-mode derivative is generated at build time.
/// </summary>
/// <remarks>
/// <para>
/// For a method <c>static double M(double x, double[] w, int n)</c> declared in a <see langword="partial"/> type,
/// the AutoDiffGen source generator adds to that type, with the same accessibility:
/// </para>
/// <list type="bullet">
/// <item><description><c>static double MGradient(double x, double[] w, int n, out double dX, Span&lt;double&gt; dW)</c>:
/// returns <c>M</c>'s value and writes the whole gradient.</description></item>
/// <item><description><c>static double MAdjoint(double x, double[] w, int n, double seed, ref double dX, Span&lt;double&gt; dW)</c>:
/// returns <c>M</c>'s value and adds <c>seed * dM/dp</c> into each adjoint.</description></item>
/// <item><description>An overload <c>M(Tensor&lt;double&gt; x, Tensor&lt;double&gt; w, int n)</c> that records one
/// operation on the active <c>GradientTape</c>s.</description></item>
/// </list>
/// <para>
/// Differentiable parameters are <see cref="float"/> and <see cref="double"/> scalars, arrays and spans of them, unless
/// marked <see cref="NoDerivativeAttribute"/>. Anything the generator cannot differentiate is reported as a compile-time
/// error (IDs <c>AD0001</c> and up, see docs/diagnostics.md).
/// </para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class DifferentiableAttribute : Attribute
{
}
