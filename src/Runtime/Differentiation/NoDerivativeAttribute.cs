using System;

namespace AutoDiffGen;

/// <summary>
/// Excludes a floating-point parameter of a <see cref="DifferentiableAttribute"/> method from differentiation:
/// the generated gradient methods get no output for it, and its value is treated as a constant.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class NoDerivativeAttribute : Attribute
{
}
