using AutoDiffGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace AutoDiffGen.Generator.Tests;

/// <summary>
/// Code whose derivative cannot be made exact is rejected with a diagnostic at its exact location, never
/// differentiated approximately: the overflow context of integer arithmetic, arguments that alias, guards with side
/// effects.
/// </summary>
public class SoundnessDiagnosticTests
{
    private const string Usings = "using System;\nusing AutoDiffGen;\n";

    private static Diagnostic Expect(string id, string markup, params string[] messageParts)
    {
        (string source, Microsoft.CodeAnalysis.Text.TextSpan span) = Markup.Parse(markup);
        Diagnostic diagnostic = Assert.Single(GeneratorHarness.GeneratorDiagnostics(source), d => d.Id == id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        foreach (string part in messageParts)
        {
            Assert.Contains(part, diagnostic.GetMessage(), System.StringComparison.Ordinal);
        }

        return diagnostic;
    }

    [Fact]
    public void Checked_block_around_integer_arithmetic() => Expect("AD0004", Usings + """
        static partial class C
        {
            [Differentiable]
            static double F(double x, int n)
            {
                [|checked|]
                {
                    int m = n * 2;
                    x = x * m;
                }

                return x;
            }
        }
        """, "'checked' block around integer arithmetic");

    [Fact]
    public void Checked_expression() => Expect("AD0005", Usings + """
        static partial class C
        {
            [Differentiable]
            static double F(double x, int n) => x * checked([|n * 2|]);
        }
        """, "integer arithmetic in a 'checked' context");

    [Fact]
    public void Checked_block_without_integer_arithmetic_is_fine()
    {
        var diagnostics = GeneratorHarness.GeneratorDiagnostics(Usings + """
            static partial class C
            {
                [Differentiable]
                static double F(double x)
                {
                    checked
                    {
                        x = x * 2.5;
                    }

                    return x;
                }
            }
            """);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void Same_variable_passed_twice_by_reference() => Expect("AD0005", Usings + """
        static partial class C
        {
            static void Mix(ref double a, ref double b) { a = a * b; b = a + b; }

            [Differentiable]
            static double F(double x)
            {
                double y = x;
                [|Mix(ref y, ref y)|];
                return y;
            }
        }
        """, "passing 'y' to two parameters");

    [Fact]
    public void Same_array_passed_twice_to_a_helper_that_writes_it() => Expect("AD0005", Usings + """
        static partial class C
        {
            static void AddSquares(double[] destination, double[] source)
            {
                for (int i = 0; i < destination.Length; i++) { destination[i] += source[i] * source[i]; }
            }

            [Differentiable]
            static double F(double[] a)
            {
                [|AddSquares(a, a)|];
                return a[0];
            }
        }
        """, "passing 'a' to two parameters");

    [Fact]
    public void Different_elements_of_one_array_by_reference_are_fine()
    {
        var diagnostics = GeneratorHarness.GeneratorDiagnostics(Usings + """
            static partial class C
            {
                static void Swap(ref double a, ref double b) { double t = a; a = b; b = t; }

                [Differentiable]
                static double F(double[] a, int i, int j)
                {
                    Swap(ref a[i], ref a[j]);
                    return a[0] * a[1];
                }
            }
            """);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void Guard_with_a_side_effect() => Expect("AD0005", Usings + """
        static partial class C
        {
            [Differentiable]
            static double F(double x, int k) => k switch
            {
                0 => x,
                [|_ when k++ > 3 => x * x|],
                _ => x * k,
            };
        }
        """, "'when' clause with side effects");
}
