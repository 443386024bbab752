using System;

namespace AutoDiffGen;

/// <summary>
/// Supplies the derivative of a method yourself. The generator then calls the marked method instead of
/// differentiating the original, which is how methods whose source it cannot see (other assemblies, native
/// wrappers) become differentiable, and how a numerically better derivative replaces a generated one.
/// </summary>
/// <remarks>
/// <para>
/// The marked method is an adjoint with exactly the shape of a generated <c>MAdjoint</c>: the original's
/// parameters, then <c>seed</c> (of the original's return type), then one adjoint per differentiable parameter,
/// in order: <c>ref E dName</c> for a scalar, <c>Span&lt;E&gt; dName</c> for an array or span. It returns the
/// original's value and <em>adds</em> <c>seed * d(original)/d(parameter)</c> into each adjoint.
/// </para>
/// <code>
/// static partial class MyDerivatives
/// {
///     [DerivativeOf(typeof(SpecialFunctions), nameof(SpecialFunctions.Erf))]
///     public static double ErfAdjoint(double x, double seed, ref double dX)
///     {
///         dX += seed * 2 / Math.Sqrt(Math.PI) * Math.Exp(-x * x);
///         return SpecialFunctions.Erf(x);
///     }
/// }
/// </code>
/// <para>The marked method must be static and accessible (internal or public) to the code that calls the original.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class DerivativeOfAttribute : Attribute
{
    /// <summary>Declares the marked method as the adjoint of <paramref name="type"/>.<paramref name="methodName"/>.</summary>
    /// <param name="type">The type that declares the original method.</param>
    /// <param name="methodName">The original method's name; use <see langword="nameof"/>.</param>
    public DerivativeOfAttribute(Type type, string methodName)
    {
        Type = type;
        MethodName = methodName;
    }

    /// <summary>The type that declares the original method.</summary>
    public Type Type { get; }

    /// <summary>The original method's name.</summary>
    public string MethodName { get; }
}
