using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace AutoDiffGen.Generator.Tests.Infrastructure;

/// <summary>
/// Snapshot testing with Verify's file conventions (Verify is not available here; a switch to it stays mechanical):
/// <c>_snapshots/{TestClass}.{TestMethod}#{HintName}.verified.cs</c> holds <c>//HintName: {hint}</c> and the
/// generated source; diagnostics go to <c>{TestClass}.{TestMethod}.verified.txt</c>. On a mismatch a
/// <c>.received.</c> file is written beside the verified one (git-ignored) and the test fails with a short diff.
/// Set AUTODIFFGEN_ACCEPT=1 to accept received files; it is ignored when CI=true.
/// </summary>
internal static partial class Snapshot
{
    public const string AcceptVariable = "AUTODIFFGEN_ACCEPT";

    public static void Verify(GeneratorDriverRunResult result, [CallerFilePath] string callerFile = "", [CallerMemberName] string testMethod = "")
    {
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        string testClass = Path.GetFileNameWithoutExtension(callerFile);
        string folder = SnapshotFolder(callerFile);
        var failures = new List<string>();
        var expectedFiles = new HashSet<string>(StringComparer.Ordinal);

        foreach (GeneratedSourceResult source in result.Results.SelectMany(r => r.GeneratedSources).OrderBy(s => s.HintName, StringComparer.Ordinal))
        {
            string name = $"{testClass}.{testMethod}#{Path.GetFileNameWithoutExtension(source.HintName)}";
            expectedFiles.Add(name + ".verified.cs");
            string content = $"//HintName: {source.HintName}\n{source.SourceText}";
            Compare(folder, name, ".cs", content, failures);
        }

        ImmutableDiagnostics(result, out string? diagnostics);
        if (diagnostics is not null)
        {
            string name = $"{testClass}.{testMethod}";
            expectedFiles.Add(name + ".verified.txt");
            Compare(folder, name, ".txt", diagnostics, failures);
        }

        // Verified files of this test that no longer correspond to any output are stale.
        foreach (string stale in Directory.EnumerateFiles(folder, $"{testClass}.{testMethod}*.verified.*").Select(f => Path.GetFileName(f)).Where(f => !expectedFiles.Contains(f)))
        {
            failures.Add($"Stale snapshot {stale}: the generator no longer produces it; delete it.");
        }

        if (failures.Count > 0)
        {
            Assert.Fail(string.Join("\n\n", failures));
        }
    }

    private static void ImmutableDiagnostics(GeneratorDriverRunResult result, out string? text)
    {
        var lines = result.Diagnostics
            .Select(d =>
            {
                FileLinePositionSpan span = d.Location.GetLineSpan();
                return $"{d.Id} {d.Severity} ({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})-({span.EndLinePosition.Line + 1},{span.EndLinePosition.Character + 1}): {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
            })
            .OrderBy(l => l, StringComparer.Ordinal)
            .ToList();
        text = lines.Count == 0 ? null : string.Join("\n", lines);
    }

    private static void Compare(string folder, string name, string extension, string actual, List<string> failures)
    {
        string verifiedPath = Path.Combine(folder, name + ".verified" + extension);
        string receivedPath = Path.Combine(folder, name + ".received" + extension);
        string normalizedActual = Normalize(actual);
        string? verified = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
        if (verified == normalizedActual)
        {
            File.Delete(receivedPath);
            return;
        }

        bool accept = Environment.GetEnvironmentVariable(AcceptVariable) == "1" && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (accept)
        {
            Write(verifiedPath, normalizedActual);
            File.Delete(receivedPath);
            return;
        }

        Write(receivedPath, normalizedActual);
        failures.Add(verified is null
            ? $"Missing snapshot {Path.GetFileName(verifiedPath)}. Review {Path.GetFileName(receivedPath)}, then accept with: {AcceptVariable}=1 dotnet test"
            : $"Snapshot {Path.GetFileName(verifiedPath)} differs (received file written beside it):\n{Diff(verified, normalizedActual)}\nAccept with: {AcceptVariable}=1 dotnet test");
    }

    /// <summary>LF line endings, no BOM, one trailing newline, generator version scrubbed.</summary>
    public static string Normalize(string text)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\uFEFF');
        text = VersionPattern().Replace(text, "GeneratedCode(\"AutoDiffGen\", \"VERSION\")");
        return text.TrimEnd('\n') + "\n";
    }

    [GeneratedRegex("GeneratedCode\\(\"AutoDiffGen\", \"[^\"]*\"\\)")]
    private static partial Regex VersionPattern();

    private static void Write(string path, string text) => File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

    /// <summary>A compact diff: the first differing lines with a little context.</summary>
    private static string Diff(string expected, string actual)
    {
        string[] left = expected.Split('\n');
        string[] right = actual.Split('\n');
        var builder = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < Math.Max(left.Length, right.Length) && shown < 40; i++)
        {
            string? l = i < left.Length ? left[i] : null;
            string? r = i < right.Length ? right[i] : null;
            if (l == r)
            {
                continue;
            }

            if (l is not null)
            {
                builder.Append("  line ").Append(i + 1).Append(" - ").AppendLine(l);
                shown++;
            }

            if (r is not null)
            {
                builder.Append("  line ").Append(i + 1).Append(" + ").AppendLine(r);
                shown++;
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// The _snapshots folder next to the test file. Under deterministic/CI builds caller paths are mapped to /_/...,
    /// so the project directory recorded in the assembly's metadata is the fallback.
    /// </summary>
    private static string SnapshotFolder(string callerFile)
    {
        string? directory = Path.GetDirectoryName(callerFile);
        if (directory is null || !Directory.Exists(directory))
        {
            directory = typeof(Snapshot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "ProjectDirectory").Value!;
        }

        string folder = Path.Combine(directory, "_snapshots");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
