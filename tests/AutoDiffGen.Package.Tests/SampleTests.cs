using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace AutoDiffGen.Package.Tests;

/// <summary>Every sample runs from the repository and prints the numbers the documentation promises.</summary>
[Collection("Samples")]
public class SampleTests(JitOutputFixture jit)
{
    [Theory]
    [InlineData("dL/dw: tf.Tensor(-4.0, shape=(), dtype=float32)")]
    [InlineData("dL/db: tf.Tensor(-2.0, shape=(), dtype=float32)")]
    [InlineData("dt3/dt1: tf.Tensor([10. 20. 30.], shape=(3,), dtype=float32)")]
    [InlineData("dt3/dt2: tf.Tensor([1. 2. 3.], shape=(3,), dtype=float32)")]
    [InlineData("dt4/dt1: tf.Tensor([10. 20. 30.], shape=(3,), dtype=float32)")]
    [InlineData("dt4/dt2: tf.Tensor([2. 3. 4.], shape=(3,), dtype=float32)")]
    [InlineData("dt4/dt3: tf.Tensor([1. 1. 1.], shape=(3,), dtype=float32)")]
    [InlineData("dt3/dconstant: null")]
    [InlineData("dz/dx: tf.Tensor(108.0, shape=(), dtype=float32)")]
    [InlineData("dy/dx: tf.Tensor(6.0, shape=(), dtype=float32)")]
    [InlineData("second call: InvalidOperationException: A non-persistent GradientTape can only be used to compute one set of gradients")]
    [InlineData("dL/dw: tf.Tensor(-8.75, shape=(), dtype=float32)")]
    [InlineData("dL/db: tf.Tensor(-8.5, shape=(), dtype=float32)")]
    public void GradientTapeBasics_prints_what_TensorFlow_prints(string line) =>
        Assert.Contains(line, jit.Output, StringComparison.Ordinal);

    [Fact]
    public void LinearRegression_learns_w_3_and_b_1_both_ways_and_draws_the_traces()
    {
        string folder = DotNet.NewTemporaryDirectory("linear-regression");
        string artifacts = DotNet.NewTemporaryDirectory("linear-regression-artifacts");
        string project = Path.Combine(DotNet.RepositoryRoot, "samples", "LinearRegression");
        string output = DotNet.Cli(folder, $"run --project \"{project}\" --artifacts-path \"{artifacts}\"").EnsureSuccess("the LinearRegression sample").Output;

        foreach (string method in new[] { "GradientTape + Sgd.ApplyGradients", "[Differentiable] LossGradient" })
        {
            Match match = Regex.Match(output, Regex.Escape(method) + @" *: w = (?<w>[-0-9.]+), b = (?<b>[-0-9.]+) +\((?<ms>[0-9.]+) ms\)");
            Assert.True(match.Success, $"no result line for {method} in:\n{output}");
            Assert.Equal(3, double.Parse(match.Groups["w"].Value, CultureInfo.InvariantCulture), 4);
            Assert.Equal(1, double.Parse(match.Groups["b"].Value, CultureInfo.InvariantCulture), 4);
        }

        // Both ways take the same steps.
        Match difference = Regex.Match(output, @"Largest difference between the two traces: (?<d>[-+0-9.E]+)");
        Assert.True(difference.Success, output);
        Assert.True(double.Parse(difference.Groups["d"].Value, CultureInfo.InvariantCulture) < 1e-12, output);

        string picture = Path.Combine(folder, "linear-regression.svg");
        Assert.True(File.Exists(picture), "the traces are drawn into the working directory");
        string svg = File.ReadAllText(picture);
        Assert.StartsWith("<svg", svg.TrimStart(), StringComparison.Ordinal);
        Assert.True(Regex.Count(svg, "<polyline") >= 2, "one line for w and one for b");
    }

    [Fact]
    public void GeneratedCode_prints_the_gradient_and_the_generated_adjoint()
    {
        string artifacts = DotNet.NewTemporaryDirectory("generated-code-artifacts");
        string output = DotNet.Cli(DotNet.RepositoryRoot, $"run --project samples/GeneratedCode --artifacts-path \"{artifacts}\"")
            .EnsureSuccess("the GeneratedCode sample").Output;

        Match gradient = Regex.Match(output, @"d/dk = (?<dk>[-0-9.]+)");
        Match fd = Regex.Match(output, @"d/dk by finite differences = (?<fd>[-0-9.]+)");
        Assert.True(gradient.Success && fd.Success, output);
        Assert.Equal(double.Parse(fd.Groups["fd"].Value, CultureInfo.InvariantCulture), double.Parse(gradient.Groups["dk"].Value, CultureInfo.InvariantCulture), 5);
        Assert.Contains("public static double FinalEnergyAdjoint(double x, double v, double k, int steps, double seed, ref double dX, ref double dV, ref double dK)", output, StringComparison.Ordinal);
        Assert.Contains("// x += v * Dt;", output, StringComparison.Ordinal);
    }

    [Fact]
    public void GeneratedCode_with_the_unsupported_method_fails_with_AD0004_on_the_goto()
    {
        string artifacts = DotNet.NewTemporaryDirectory("unsupported-artifacts");
        DotNet.Result build = DotNet.Cli(DotNet.RepositoryRoot, $"build samples/GeneratedCode -p:ShowUnsupported=true --artifacts-path \"{artifacts}\"");
        Assert.NotEqual(0, build.ExitCode);

        // Unsupported.cs line 16: "            goto again;".
        string line = build.Output.Split('\n').First(l => l.Contains("error AD0004", StringComparison.Ordinal));
        Assert.Matches(@"Unsupported\.cs\(16,13\): error AD0004: .*goto", line);
        Assert.Contains("docs/diagnostics.md#ad0004", line, StringComparison.Ordinal);
    }
}
