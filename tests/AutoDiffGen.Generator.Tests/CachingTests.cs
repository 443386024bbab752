using System.Linq;
using AutoDiffGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AutoDiffGen.Generator.Tests;

/// <summary>The incremental pipeline caches: edits that do not concern a [Differentiable] method regenerate nothing.</summary>
public class CachingTests
{
    private const string Source = """
        using System;
        using AutoDiffGen;

        public static partial class Model
        {
            [Differentiable]
            public static double Loss(double[] w, double x, double y)
            {
                double p = 0;
                for (int i = 0; i < w.Length; i++)
                {
                    p += w[i] * Math.Pow(x, i);
                }

                return (p - y) * (p - y) + Helper(w[0]);
            }

            static double Helper(double v) => v * v;
        }

        static class Lib
        {
            public static double Erf(double x) => x;
        }

        static class Derivatives
        {
            [DerivativeOf(typeof(Lib), nameof(Lib.Erf))]
            public static double ErfAdjoint(double x, double seed, ref double dX) => x;
        }
        """;

    [Fact]
    public void Adding_an_unrelated_file_leaves_every_step_cached_or_unchanged()
    {
        var (first, second) = IncrementalAssert.RunTwice(Source, c => c.AddSyntaxTrees(
            CSharpSyntaxTree.ParseText("class Unrelated { int M() => 1; }", GeneratorHarness.ParseOptions)));
        Assert.NotEmpty(first.GeneratedTrees);
        IncrementalAssert.AllStepsCachedOrUnchanged(second);
    }

    [Fact]
    public void Editing_an_unrelated_method_in_another_file_leaves_every_step_cached_or_unchanged()
    {
        Compilation Edit(Compilation c)
        {
            SyntaxTree other = CSharpSyntaxTree.ParseText("class Other { int M() => 1; }", GeneratorHarness.ParseOptions, path: "Other.cs");
            return c.AddSyntaxTrees(other).ReplaceSyntaxTree(other, CSharpSyntaxTree.ParseText("class Other { int M() => 2; }", GeneratorHarness.ParseOptions, path: "Other.cs"));
        }

        var (_, second) = IncrementalAssert.RunTwice(Source, Edit);
        IncrementalAssert.AllStepsCachedOrUnchanged(second);
    }

    [Fact]
    public void Models_hold_no_symbols_syntax_or_compilations()
    {
        var (first, _) = IncrementalAssert.RunTwice(Source, c => c);
        IncrementalAssert.ModelsHoldNoRoslynObjects(first, TrackingNames.Model, TrackingNames.Differentiate);
    }

    [Fact]
    public void Editing_the_differentiable_method_regenerates_it()
    {
        var (first, second) = IncrementalAssert.RunTwice(Source, c =>
        {
            SyntaxTree tree = c.SyntaxTrees.First();
            return c.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(tree.ToString().Replace("(p - y) * (p - y)", "(p - y) * (p + y)", System.StringComparison.Ordinal))));
        });
        Assert.NotEqual(first.GeneratedTrees.Single().ToString(), second.GeneratedTrees.Single().ToString());
    }

    [Fact]
    public void Every_tracking_name_is_exercised()
    {
        var (first, _) = IncrementalAssert.RunTwice(Source, c => c);
        GeneratorRunResult result = Assert.Single(first.Results);
        foreach (string step in IncrementalAssert.StepNames)
        {
            Assert.True(result.TrackedSteps.ContainsKey(step), $"Step '{step}' has no tracked run.");
        }
    }
}
