using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AutoDiffGen.Generator.Tests.Infrastructure;

/// <summary>Checks that the pipeline caches: an unrelated edit leaves every tracked step Cached or Unchanged.</summary>
internal static class IncrementalAssert
{
    public static IReadOnlyList<string> StepNames { get; } = typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToList();

    /// <summary>Runs the generator, applies <paramref name="edit"/>, runs again, and returns both run results.</summary>
    public static (GeneratorDriverRunResult First, GeneratorDriverRunResult Second) RunTwice(string source, Func<Compilation, Compilation> edit)
    {
        Compilation compilation = GeneratorHarness.Compile(source);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        GeneratorDriverRunResult first = driver.GetRunResult();
        driver = driver.RunGenerators(edit(compilation));
        return (first, driver.GetRunResult());
    }

    public static void AllStepsCachedOrUnchanged(GeneratorDriverRunResult second, params string[] stepsThatMayBeNew)
    {
        GeneratorRunResult result = Assert.Single(second.Results);
        foreach (string step in StepNames)
        {
            if (!result.TrackedSteps.TryGetValue(step, out var runs))
            {
                continue;
            }

            foreach (IncrementalGeneratorRunStep run in runs)
            {
                foreach ((object _, IncrementalStepRunReason reason) in run.Outputs)
                {
                    Assert.True(
                        reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged || stepsThatMayBeNew.Contains(step),
                        $"Step '{step}' produced an output with reason {reason} after an unrelated edit.");
                }
            }
        }

        foreach (KeyValuePair<string, System.Collections.Immutable.ImmutableArray<IncrementalGeneratorRunStep>> output in result.TrackedOutputSteps)
        {
            foreach (IncrementalGeneratorRunStep run in output.Value)
            {
                Assert.All(run.Outputs, o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
            }
        }
    }

    /// <summary>Fails if a step's output holds anything from Roslyn that would defeat caching or pin a compilation.</summary>
    public static void ModelsHoldNoRoslynObjects(GeneratorDriverRunResult run, params string[] steps)
    {
        GeneratorRunResult result = Assert.Single(run.Results);
        foreach (string step in steps)
        {
            Assert.True(result.TrackedSteps.ContainsKey(step), $"Step '{step}' did not run.");
            foreach (IncrementalGeneratorRunStep stepRun in result.TrackedSteps[step])
            {
                foreach ((object value, _) in stepRun.Outputs)
                {
                    Walk(value, step, new HashSet<object>(ReferenceEqualityComparer.Instance), "output");
                }
            }
        }
    }

    private static void Walk(object? value, string step, HashSet<object> seen, string path)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || value is Microsoft.CodeAnalysis.Text.TextSpan or Microsoft.CodeAnalysis.Text.LinePositionSpan)
        {
            return;
        }

        Assert.False(
            value is Compilation or ISymbol or SyntaxNode or SemanticModel or Location or SyntaxTree,
            $"Step '{step}' holds a {value.GetType().Name} at {path}: models must be free of Roslyn objects.");
        if (!value.GetType().IsValueType && !seen.Add(value))
        {
            return;
        }

        if (value is IEnumerable sequence)
        {
            int index = 0;
            foreach (object? item in sequence)
            {
                Walk(item, step, seen, $"{path}[{index++}]");
            }

            return;
        }

        foreach (FieldInfo field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            Walk(field.GetValue(value), step, seen, path + "." + field.Name);
        }
    }
}
