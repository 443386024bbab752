using System;
using AutoDiffGen;

namespace GeneratedCode;

public static partial class Spring
{
    /// <summary>A damped spring integrated with explicit Euler; the result depends on where it ends up.</summary>
    [Differentiable]
    public static double FinalEnergy(double x, double v, double k, int steps)
    {
        const double Dt = 0.01;
        for (int i = 0; i < steps; i++)
        {
            double force = -k * x - 0.1 * v;
            v += force * Dt;
            x += v * Dt;
        }

        return x > 0 ? x * x : Math.Exp(x);
    }
}
