using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace AutoDiffGen.Generator.Helpers;

/// <summary>Compares by object identity (records compare by value, and equal nodes can sit at different places).</summary>
internal sealed class ReferenceComparer : IEqualityComparer<object>
{
    public static readonly ReferenceComparer Instance = new();

    public new bool Equals(object? x, object? y) => ReferenceEquals(x, y);

    public int GetHashCode(object obj) => RuntimeHelpers.GetHashCode(obj);
}
