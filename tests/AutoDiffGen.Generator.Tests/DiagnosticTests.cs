using System.Linq;
using AutoDiffGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace AutoDiffGen.Generator.Tests;

/// <summary>One test per diagnostic: its ID, severity and exact location (marked [| |] in the source).</summary>
public class DiagnosticTests
{
    private static Diagnostic Expect(string id, string markup, DiagnosticSeverity severity = DiagnosticSeverity.Error)
    {
        (string source, Microsoft.CodeAnalysis.Text.TextSpan span) = Markup.Parse(markup);
        var diagnostics = GeneratorHarness.GeneratorDiagnostics(source);
        Diagnostic diagnostic = Assert.Single(diagnostics, d => d.Id == id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        Assert.Equal("Test.cs", diagnostic.Location.SourceTree!.FilePath);
        Assert.StartsWith("https://github.com/AutoDiffGen/AutoDiffGen/blob/main/docs/diagnostics.md#" + id.ToLowerInvariant(), diagnostic.Descriptor.HelpLinkUri, System.StringComparison.Ordinal);
        return diagnostic;
    }

    private const string Usings = "using System;\nusing AutoDiffGen;\n";

    [Fact]
    public void AD0001_containing_type_not_partial()
    {
        Diagnostic d = Expect("AD0001", Usings + """
            public static partial class Outer
            {
                public static class [|Inner|]
                {
                    [Differentiable]
                    public static double F(double x) => x * x;
                }
            }
            """);
        Assert.Contains("'Inner' must be declared 'partial'", d.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void AD0002_return_type_not_floating_point() => Expect("AD0002", Usings + """
        static partial class C
        {
            [Differentiable]
            static [|int|] F(double x) => (int)x;
        }
        """);

    [Fact]
    public void AD0003_instance_method() => Expect("AD0003", Usings + """
        partial class C
        {
            [Differentiable]
            double [|F|](double x) => x;
        }
        """);

    [Fact]
    public void AD0004_unsupported_statement()
    {
        Diagnostic d = Expect("AD0004", Usings + """
            static partial class C
            {
                [Differentiable]
                static double F(double x)
                {
                    [|try
                    {
                        x = x * x;
                    }
                    finally
                    {
                    }|]

                    return x;
                }
            }
            """);
        Assert.Contains("try/catch/finally", d.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void AD0004_goto() => Expect("AD0004", Usings + """
        static partial class C
        {
            [Differentiable]
            static double F(double x)
            {
                [|goto end;|]
            end:
                return x;
            }
        }
        """);

    [Fact]
    public void AD0005_unsupported_expression_stackalloc()
    {
        Diagnostic d = Expect("AD0005", Usings + """
            static partial class C
            {
                [Differentiable]
                static double F(double x)
                {
                    Span<double> t = [|stackalloc double[2]|];
                    t[0] = x;
                    return t[0];
                }
            }
            """);
        Assert.Contains("stackalloc", d.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void AD0006_call_without_source_or_derivative()
    {
        Diagnostic d = Expect("AD0006", Usings + """
            static partial class C
            {
                [Differentiable]
                static double F(double x, double y) => 2 * [|Math.CopySign(x, y)|];
            }
            """);
        string message = d.GetMessage();
        Assert.Contains("'Math.CopySign'", message, System.StringComparison.Ordinal);
        Assert.Contains("[DerivativeOf(typeof(Math), nameof(Math.CopySign))]", message, System.StringComparison.Ordinal);
        Assert.Contains("static double CopySignAdjoint(double x, double y, double seed, ref double dX, ref double dY)", message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void AD0006_array_passed_through_an_interface_conversion_is_not_silently_dropped()
    {
        Diagnostic d = Expect("AD0006", Usings + """
            using System.Linq;

            static partial class C
            {
                [Differentiable]
                static double F(double[] x) => 2 * [|x.Max()|];
            }
            """);
        Assert.Contains("'Enumerable.Max'", d.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void AD0005_helper_returning_a_tuple_of_differentiable_values()
    {
        Diagnostic d = Expect("AD0005", Usings + """
            static partial class C
            {
                [Differentiable]
                static double F(double x)
                {
                    var t = [|SinCos(x)|];
                    return t.Item1;
                }

                static (double, double) SinCos(double x) => (Math.Sin(x), Math.Cos(x));
            }
            """);
        Assert.Contains("returns '(double, double)'", d.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void AD0005_object_created_from_differentiable_values() => Expect("AD0005", Usings + """
        static partial class C
        {
            [Differentiable]
            static double F(double x)
            {
                var v = [|new System.Numerics.Vector2((float)x, 1)|];
                return v.X;
            }
        }
        """);

    [Fact]
    public void AD0005_differentiable_value_passed_to_an_instance_method() => Expect("AD0005", Usings + """
        static partial class C
        {
            [Differentiable]
            static double F(double x, [NoDerivative] System.Collections.Generic.List<double> log)
            {
                [|log.Add(x)|];
                return x;
            }
        }
        """);

    [Fact]
    public void AD0007_writes_to_a_static_field() => Expect("AD0007", Usings + """
        static partial class C
        {
            static double s_total;

            [Differentiable]
            static double F(double x)
            {
                [|s_total|] = x;
                return x;
            }
        }
        """);

    [Fact]
    public void AD0008_pointers() => Expect("AD0008", Usings + """
        static unsafe partial class C
        {
            [Differentiable]
            static double F(double x)
            {
                double* [|p = &x|];
                return *p;
            }
        }
        """);

    [Fact]
    public void AD0009_async_method() => Expect("AD0009", Usings + """
        static partial class C
        {
            [Differentiable]
            static [|async|] System.Threading.Tasks.Task<double> F(double x) => x;
        }
        """);

    [Fact]
    public void AD0010_recursion_through_an_unmarked_helper() => Expect("AD0010", Usings + """
        static partial class C
        {
            [Differentiable]
            static double F(double x) => Power(x, 3);

            static double Power(double x, int n) => n == 0 ? 1 : x * [|Power(x, n - 1)|];
        }
        """);

    [Fact]
    public void A_recursive_helper_called_only_with_constant_arguments_is_not_an_error()
    {
        var (result, output) = GeneratorHarness.Run(Usings + """
            static partial class C
            {
                [Differentiable]
                static double F(double[] w, int m)
                {
                    double c = Special.LogGamma(0.5 * (m + 3));
                    double s = 0;
                    for (int i = 0; i < w.Length; i++)
                    {
                        s += w[i] * w[i];
                    }

                    return s - c;
                }
            }

            static class Special
            {
                public static double LogGamma(double x) =>
                    x < 0.5 ? Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x) : (x - 0.5) * Math.Log(x + 7) - x;
            }
            """);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilationProblems(output));
    }

    [Fact]
    public void AD0011_generated_member_name_taken() => Expect("AD0011", Usings + """
        static partial class C
        {
            [Differentiable]
            static double F(double x) => x * x;

            static double [|FGradient|](double x) => 2 * x;
        }
        """);

    [Fact]
    public void AD0012_no_differentiable_parameter() => Expect("AD0012", Usings + """
        static partial class C
        {
            [Differentiable]
            static double [|F|](int n, [NoDerivative] double scale) => n * scale;
        }
        """, DiagnosticSeverity.Warning);

    [Fact]
    public void AD0013_result_independent_of_parameters() => Expect("AD0013", Usings + """
        static partial class C
        {
            [Differentiable]
            static double [|F|](double x) => AutoDiff.StopGradient(x) * 2;
        }
        """, DiagnosticSeverity.Warning);

    [Fact]
    public void AD0013_can_be_suppressed_with_a_pragma()
    {
        var diagnostics = GeneratorHarness.Run(Usings + """
            static partial class C
            {
            #pragma warning disable AD0013
                [Differentiable]
                static double F(double x) => 3;
            #pragma warning restore AD0013
            }
            """).Output.GetDiagnostics();
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0013");
    }

    [Fact]
    public void AD0015_ref_parameter() => Expect("AD0015", Usings + """
        static partial class C
        {
            [Differentiable]
            static double F(ref double [|x|]) => x * x;
        }
        """);

    [Fact]
    public void AD0016_jagged_array() => Expect("AD0016", Usings + """
        static partial class C
        {
            [Differentiable]
            static double F(double[][] [|rows|]) => 0;
        }
        """);

    [Fact]
    public void AD0016_multidimensional_array_creation() => Expect("AD0016", Usings + """
        static partial class C
        {
            [Differentiable]
            static double F(double x)
            {
                var [|m = new double[2, 2]|];
                return x;
            }
        }
        """);

    [Fact]
    public void AD0017_invalid_derivative_of()
    {
        Diagnostic d = Expect("AD0017", Usings + """
            static class Lib
            {
                public static double Erf(double x) => x;
            }

            static class Derivatives
            {
                [DerivativeOf(typeof(Lib), nameof(Lib.Erf))]
                public static double [|ErfAdjoint|](double x, double seed, out double dX)
                {
                    dX = seed;
                    return x;
                }
            }
            """);
        Assert.Contains("'static double ErfAdjoint(double x, double seed, ref double dX)'", d.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void AD0018_differentiable_value_passed_to_NoDerivative_parameter() => Expect("AD0018", Usings + """
        static partial class C
        {
            [Differentiable]
            static double Scale(double x, [NoDerivative] double k) => k * x;

            [Differentiable]
            static double F(double x) => [|Scale(x, x * 2)|];
        }
        """, DiagnosticSeverity.Warning);

    [Fact]
    public void AD0019_lambda() => Expect("AD0019", Usings + """
        static partial class C
        {
            [Differentiable]
            static double F(double x)
            {
                Func<double, double> twice = [|v => 2 * v|];
                return twice(x);
            }
        }
        """);

    [Fact]
    public void AD0019_local_function_marked_differentiable() => Expect("AD0019", Usings + """
        static partial class C
        {
            static double G(double x)
            {
                [Differentiable]
                static double [|Local|](double y) => y * y;
                return Local(x);
            }
        }
        """);

    [Fact]
    public void AD0020_generic_method() => Expect("AD0020", Usings + """
        static partial class C
        {
            [Differentiable]
            static double F[|<T>|](double x) => x;
        }
        """);

    [Fact]
    public void AD0021_parameter_named_like_a_gradient_output() => Expect("AD0021", Usings + """
        static partial class C
        {
            [Differentiable]
            static double F(double x, double [|dX|]) => x * dX;
        }
        """);

    [Fact]
    public void Every_diagnostic_is_documented_and_release_tracked()
    {
        string root = System.IO.Path.GetFullPath(System.IO.Path.Combine(typeof(DiagnosticTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().First(a => a.Key == "ProjectDirectory").Value!, "..", ".."));
        string docs = System.IO.File.ReadAllText(System.IO.Path.Combine(root, "docs", "diagnostics.md"));
        string unshipped = System.IO.File.ReadAllText(System.IO.Path.Combine(root, "src", "Generator", "AnalyzerReleases.Unshipped.md"));
        var ids = typeof(DifferentiableGenerator).Assembly.GetType("AutoDiffGen.Generator.Diagnostics.Descriptors")!
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)
            .ToList();
        Assert.NotEmpty(ids);
        foreach (string id in ids)
        {
            Assert.Contains("## " + id, docs, System.StringComparison.Ordinal);
            Assert.Contains(id + " |", unshipped, System.StringComparison.Ordinal);
        }
    }
}
