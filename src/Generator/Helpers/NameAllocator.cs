using System.Collections.Generic;
using Microsoft.CodeAnalysis.CSharp;

namespace AutoDiffGen.Generator.Helpers;

/// <summary>Hands out identifiers that are unique within one generated method.</summary>
internal sealed class NameAllocator
{
    private readonly HashSet<string> _used;

    public NameAllocator(IEnumerable<string>? reserved = null) =>
        _used = reserved is null ? new HashSet<string>() : new HashSet<string>(reserved);

    /// <summary>The names handed out so far, to undo allocations made by a trial run.</summary>
    public HashSet<string> Snapshot() => new(_used);

    public void Restore(HashSet<string> snapshot)
    {
        _used.Clear();
        _used.UnionWith(snapshot);
    }

    public void Reserve(string name) => _used.Add(Unescape(name));

    public bool IsUsed(string name) => _used.Contains(Unescape(name));

    /// <summary>Returns <paramref name="preferred"/>, or <c>preferred2</c>, <c>preferred3</c>, ... if taken; escaped if a keyword.</summary>
    public string Allocate(string preferred)
    {
        string candidate = preferred;
        for (int suffix = 2; _used.Contains(candidate) || IsReservedWord(candidate); suffix++)
        {
            candidate = preferred + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        _used.Add(candidate);
        return candidate;
    }

    /// <summary>Upper-cases the first letter: <c>x</c> becomes <c>X</c>.</summary>
    public static string Capitalize(string name)
    {
        name = Unescape(name);
        return name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);
    }

    /// <summary>Lower-cases the first letter: <c>Square</c> becomes <c>square</c>.</summary>
    public static string Decapitalize(string name)
    {
        name = Unescape(name);
        return name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name.Substring(1);
    }

    /// <summary>Escapes a C# keyword with @.</summary>
    public static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None
            ? "@" + name
            : name;

    public static string Unescape(string name) => name.Length > 0 && name[0] == '@' ? name.Substring(1) : name;

    private static bool IsReservedWord(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None;
}
