using AutoDiffGen.Tests.Functions;
using AutoDiffGen.Tests.Infrastructure;

namespace AutoDiffGen.Tests;

/// <summary>What the reverse sweep saves and restores, of every kind, against finite differences.</summary>
public class StorageTests
{
    private static readonly double[][] Points = Check.Points(seed: 31, count: 16, dimension: 5, low: -1.5, high: 1.5);

    [Fact]
    public void Copy_within_one_array()
    {
        foreach (double[] p in Points)
        {
            double[] a = p[0..4];
            var dA = new double[4];
            double value = StorageFunctions.ShiftWithinArrayGradient(a, p[4], dA, out double dX);
            Check.Close(StorageFunctions.ShiftWithinArray(p[0..4], p[4]), value, 1e-15);
            Check.AgainstFiniteDifferences(v => StorageFunctions.ShiftWithinArray(v[0..4], v[4]), p, [.. dA, dX]);
        }
    }

    [Fact]
    public void Helper_writing_long_ulong_and_enum_arguments_in_a_loop()
    {
        foreach (double[] p in Points)
        {
            for (int steps = 0; steps < 6; steps++)
            {
                double value = StorageFunctions.WideAndEnumArgumentsGradient(p[0], steps, out double dX);
                Check.Close(StorageFunctions.WideAndEnumArguments(p[0], steps), value, 1e-15);
                Check.AgainstFiniteDifferences(v => StorageFunctions.WideAndEnumArguments(v[0], steps), [p[0]], [dX], 1e-5);
            }
        }
    }
}
