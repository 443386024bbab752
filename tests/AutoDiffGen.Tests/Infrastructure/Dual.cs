using System;

namespace AutoDiffGen.Tests.Infrastructure;

/// <summary>
/// Forward-mode dual numbers: an independent, exact (to rounding) reference for derivatives of code that is
/// awkward to differentiate by hand. Value and derivative along one seeded direction.
/// </summary>
internal readonly record struct Dual(double Value, double Derivative)
{
    public static Dual Constant(double value) => new(value, 0);

    public static Dual Variable(double value) => new(value, 1);

    public static implicit operator Dual(double value) => new(value, 0);

    public static Dual operator +(Dual a, Dual b) => new(a.Value + b.Value, a.Derivative + b.Derivative);

    public static Dual operator -(Dual a, Dual b) => new(a.Value - b.Value, a.Derivative - b.Derivative);

    public static Dual operator -(Dual a) => new(-a.Value, -a.Derivative);

    public static Dual operator *(Dual a, Dual b) => new(a.Value * b.Value, (a.Derivative * b.Value) + (a.Value * b.Derivative));

    public static Dual operator /(Dual a, Dual b) => new(a.Value / b.Value, ((a.Derivative * b.Value) - (a.Value * b.Derivative)) / (b.Value * b.Value));

    public static bool operator <(Dual a, Dual b) => a.Value < b.Value;

    public static bool operator >(Dual a, Dual b) => a.Value > b.Value;

    public static bool operator <=(Dual a, Dual b) => a.Value <= b.Value;

    public static bool operator >=(Dual a, Dual b) => a.Value >= b.Value;

    public static Dual Sin(Dual a) => new(Math.Sin(a.Value), Math.Cos(a.Value) * a.Derivative);

    public static Dual Cos(Dual a) => new(Math.Cos(a.Value), -Math.Sin(a.Value) * a.Derivative);

    public static Dual Exp(Dual a) => new(Math.Exp(a.Value), Math.Exp(a.Value) * a.Derivative);

    public static Dual Log(Dual a) => new(Math.Log(a.Value), a.Derivative / a.Value);

    public static Dual Sqrt(Dual a) => new(Math.Sqrt(a.Value), 0.5 * a.Derivative / Math.Sqrt(a.Value));

    public static Dual Tanh(Dual a) => new(Math.Tanh(a.Value), (1 - (Math.Tanh(a.Value) * Math.Tanh(a.Value))) * a.Derivative);

    /// <summary>Piecewise constant: derivative zero.</summary>
    public static Dual Floor(Dual a) => new(Math.Floor(a.Value), 0);

    public static Dual Abs(Dual a) => a.Value > 0 ? a : a.Value < 0 ? -a : new Dual(0, 0);

    public static Dual Pow(Dual a, int n) => n == 0 ? new Dual(1, 0) : new(Math.Pow(a.Value, n), n * Math.Pow(a.Value, n - 1) * a.Derivative);

    /// <summary>The gradient of f at x, one forward pass per coordinate.</summary>
    public static double[] Gradient(Func<Dual[], Dual> f, double[] x)
    {
        var gradient = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            var input = new Dual[x.Length];
            for (int j = 0; j < x.Length; j++)
            {
                input[j] = new Dual(x[j], i == j ? 1 : 0);
            }

            gradient[i] = f(input).Derivative;
        }

        return gradient;
    }
}
