using System;
using System.Runtime.CompilerServices;

namespace AutoDiffGen.Benchmarks.Generator;

/// <summary>An objective evaluated on parameters that <see cref="FiniteDifferences"/> perturbs in place.</summary>
public interface IObjective
{
    /// <summary>Evaluates the primal at the current parameter values.</summary>
    double Evaluate();
}

/// <summary>
/// Central finite differences: <c>g_i = (f(p + h e_i) - f(p - h e_i)) / (2h)</c> with <c>h = cbrt(eps) * max(1, |p_i|)</c>,
/// which balances the O(h^2) truncation error against the O(eps |f| / h) rounding error. Costs two primal
/// evaluations per parameter: for an objective costing O(n) with n parameters, O(n^2) per gradient.
/// </summary>
public static class FiniteDifferences
{
    private static readonly double s_relativeStep = Math.Cbrt(Math.BitIncrement(1.0) - 1.0);

    /// <summary>Writes the central-difference gradient of <paramref name="objective"/> with respect to <paramref name="parameters"/> into <paramref name="gradient"/>.</summary>
    /// <remarks>Generic over a struct so that the objective is called without a delegate or an allocation.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Central<TObjective>(ref TObjective objective, double[] parameters, Span<double> gradient)
        where TObjective : struct, IObjective
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            gradient[i] = Component(ref objective, parameters, i);
        }
    }

    /// <summary>One component of the central-difference gradient.</summary>
    public static double Component<TObjective>(ref TObjective objective, double[] parameters, int index)
        where TObjective : struct, IObjective
    {
        double original = parameters[index];
        double h = s_relativeStep * Math.Max(1.0, Math.Abs(original));
        double plus = original + h;
        double minus = original - h;
        parameters[index] = plus;
        double fPlus = objective.Evaluate();
        parameters[index] = minus;
        double fMinus = objective.Evaluate();
        parameters[index] = original;

        // Divide by the step actually taken (plus - minus is exact in floating point), not by 2h.
        return (fPlus - fMinus) / (plus - minus);
    }
}
