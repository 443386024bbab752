using System;

namespace AutoDiffGen.Tests.Functions;

/// <summary>Values of every kind saved and restored by the reverse sweep (once internal errors).</summary>
public static partial class StorageFunctions
{
    /// <summary>A copy within one array, the views overlapping (a shift) and apart.</summary>
    [Differentiable]
    public static double ShiftWithinArray(double[] a, double x)
    {
        a[0] *= x;
        a.AsSpan(0, 3).CopyTo(a.AsSpan(1, 3));
        a.AsSpan(3, 1).CopyTo(a.AsSpan(0, 1));
        return (a[0] * a[1]) + (a[2] * a[3] * x);
    }

    private static void Step(ref long counter, ref ulong mask, ref Direction direction, ref double value, double x)
    {
        counter += 3;
        mask = (mask << 1) | 1UL;
        direction = direction == Direction.Up ? Direction.Down : Direction.Up;
        value = direction == Direction.Up ? value * x : value + (x * counter);
    }

    /// <summary>A helper that writes long, ulong and enum arguments, called in a loop.</summary>
    [Differentiable]
    public static double WideAndEnumArguments(double x, int steps)
    {
        long counter = long.MaxValue - 4;
        ulong mask = 1UL << 62;
        Direction direction = Direction.Up;
        double value = x;
        for (int i = 0; i < steps; i++)
        {
            Step(ref counter, ref mask, ref direction, ref value, x);
        }

        return value + (mask == 0 ? 1 : 0);
    }

    /// <summary>Which way <see cref="Step"/> goes.</summary>
    public enum Direction
    {
        Up,
        Down,
    }
}
