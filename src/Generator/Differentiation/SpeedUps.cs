using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AutoDiffGen.Generator.Differentiation;

/// <summary>
/// The speed-ups of the differentiator. Each one is a claim that a cheaper form computes the same numbers as the
/// plain form; each is valid only under a precondition that the analysis checks where the speed-up is applied
/// (see the comment at each use), and each can be switched off, so that tests compare the two forms.
/// </summary>
[Flags]
internal enum SpeedUp
{
    None = 0,

    /// <summary>
    /// To-be-recorded analysis: a statement saves the value it overwrites only if the reverse sweep of an earlier
    /// statement (or its own) reads it. Plain form: every overwritten value is saved and restored.
    /// </summary>
    SaveOnlyNeeded = 1 << 0,

    /// <summary>Integer updates <c>i++</c>, <c>i += k</c> are undone by their inverse instead of being saved.</summary>
    InvertIntegerUpdates = 1 << 1,

    /// <summary>
    /// The reverse of <c>y = exp(x)</c>, <c>y = sqrt(x)</c>, <c>y = a / b</c>, ... reads the value just assigned instead
    /// of computing it again.
    /// </summary>
    ReuseResults = 1 << 2,

    /// <summary>
    /// Results of exp, tanh, sqrt, ... nested in a larger expression move to a temporary of their own, so that the
    /// reverse sweep reads them instead of computing them again.
    /// </summary>
    KeepTranscendentals = 1 << 3,

    /// <summary>Cheap values local to one loop iteration are recomputed in that iteration's reverse instead of stored.</summary>
    Recompute = 1 << 4,

    /// <summary>Counted loops rebuild their trip count and final counter instead of storing them.</summary>
    CountedLoops = 1 << 5,

    /// <summary>Reduction loops run each iteration's reverse right after the iteration, in the forward sweep.</summary>
    FuseReductions = 1 << 6,

    /// <summary>Nearby accumulations into one adjoint location merge into one statement.</summary>
    MergeAccumulations = 1 << 7,

    /// <summary>Scalar parameters' adjoints accumulate in a local, added to the output once.</summary>
    RegisterAdjoints = 1 << 8,

    /// <summary>A new value that involves a call is computed before the old value is saved.</summary>
    ComputeBeforeSave = 1 << 9,

    /// <summary>Statements after <c>if (...) return ...;</c> move into the other branch (no jump bookkeeping).</summary>
    GuardClauses = 1 << 10,

    All = SaveOnlyNeeded | InvertIntegerUpdates | ReuseResults | KeepTranscendentals | Recompute | CountedLoops |
        FuseReductions | MergeAccumulations | RegisterAdjoints | ComputeBeforeSave | GuardClauses,
}

/// <summary>
/// How the differentiator runs: which speed-ups it applies, and whether the generated <c>MGradient</c> checks the
/// speed-ups against the plain form on every call (a test mode). Read from the MSBuild properties
/// <c>AutoDiffGen_SpeedUps</c> (<c>all</c>, the default; <c>none</c>; or a comma-separated list of speed-up names,
/// where a leading <c>-</c> removes one from <c>all</c>) and <c>AutoDiffGen_VerifySpeedUps</c> (<c>true</c>/<c>false</c>).
/// </summary>
internal sealed record DifferentiationOptions(SpeedUp SpeedUps, bool VerifySpeedUps)
{
    public const string SpeedUpsProperty = "build_property.AutoDiffGen_SpeedUps";
    public const string VerifyProperty = "build_property.AutoDiffGen_VerifySpeedUps";

    public static readonly DifferentiationOptions Default = new(SpeedUp.All, false);

    public static readonly DifferentiationOptions Plain = new(SpeedUp.None, false);

    public bool Has(SpeedUp speedUp) => (SpeedUps & speedUp) == speedUp;

    public static DifferentiationOptions From(AnalyzerConfigOptions options)
    {
        SpeedUp speedUps = options.TryGetValue(SpeedUpsProperty, out string? text) ? ParseSpeedUps(text) : SpeedUp.All;
        bool verify = options.TryGetValue(VerifyProperty, out string? verifyText) && string.Equals(verifyText?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        return new DifferentiationOptions(speedUps, verify);
    }

    /// <summary><c>all</c>, <c>none</c>, <c>A,B</c> (only those) or <c>-A,-B</c> (all but those). Unknown names are ignored.</summary>
    public static SpeedUp ParseSpeedUps(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return SpeedUp.All;
        }

        List<string> parts = text!.Split(',', ';').Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
        if (parts.Count == 1 && string.Equals(parts[0], "none", StringComparison.OrdinalIgnoreCase))
        {
            return SpeedUp.None;
        }

        bool subtractive = parts.All(p => p[0] == '-' || string.Equals(p, "all", StringComparison.OrdinalIgnoreCase));
        SpeedUp result = subtractive ? SpeedUp.All : SpeedUp.None;
        foreach (string part in parts)
        {
            string name = part.TrimStart('-');
            if (string.Equals(name, "all", StringComparison.OrdinalIgnoreCase) || !Enum.TryParse(name, ignoreCase: true, out SpeedUp value))
            {
                continue;
            }

            result = part[0] == '-' ? result & ~value : result | value;
        }

        return result;
    }
}
