using System;

namespace AutoDiffGen.Benchmarks.Generator;

/// <summary>Reproducible random inputs (System.Random with a fixed seed).</summary>
public static class SeededData
{
    /// <summary>Uniform values in [low, high).</summary>
    public static double[] Uniform(int seed, int length, double low, double high)
    {
        var random = new Random(seed);
        double[] values = new double[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = low + (high - low) * random.NextDouble();
        }

        return values;
    }

    /// <summary>Standard normal values times <paramref name="scale"/> (Box-Muller).</summary>
    public static double[] Normal(int seed, int length, double scale)
    {
        var random = new Random(seed);
        double[] values = new double[length];
        for (int i = 0; i < length; i += 2)
        {
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            double radius = scale * Math.Sqrt(-2.0 * Math.Log(u1));
            values[i] = radius * Math.Cos(2 * Math.PI * u2);
            if (i + 1 < length)
            {
                values[i + 1] = radius * Math.Sin(2 * Math.PI * u2);
            }
        }

        return values;
    }
}
