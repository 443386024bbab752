using System;
using System.IO;

namespace AutoDiffGen.Package.Tests;

/// <summary>The output of the GradientTapeBasics sample run normally (JIT, net10.0), computed once.</summary>
public sealed class JitOutputFixture
{
    public JitOutputFixture()
    {
        string artifacts = DotNet.NewTemporaryDirectory("jit-artifacts");
        Output = DotNet.Cli(DotNet.RepositoryRoot, $"run --project samples/GradientTapeBasics -c Release -f net10.0 --artifacts-path \"{artifacts}\"")
            .EnsureSuccess("dotnet run of the sample").Output;
        Assert.Contains("dL/dw: tf.Tensor(-4.0, shape=(), dtype=float32)", Output, StringComparison.Ordinal);
    }

    public string Output { get; }
}

/// <summary>The samples' tests share one JIT run of GradientTapeBasics.</summary>
[CollectionDefinition("Samples")]
public sealed class SamplesDefinition : ICollectionFixture<JitOutputFixture>;

/// <summary>NativeAOT and trimming: publish with zero warnings and print exactly what the JIT run prints.</summary>
[Collection("Samples")]
public class PublishTests(JitOutputFixture jit)
{
    [Fact]
    public void NativeAot_publish_for_net8_has_no_warnings_and_prints_what_the_jit_run_prints()
    {
        string output = DotNet.NewTemporaryDirectory("aot");
        string artifacts = DotNet.NewTemporaryDirectory("aot-artifacts");
        DotNet.Result publish = DotNet.Cli(DotNet.RepositoryRoot,
            $"publish samples/GradientTapeBasics -c Release -f net8.0 -r linux-x64 --artifacts-path \"{artifacts}\" -o \"{output}\"")
            .EnsureSuccess("NativeAOT publish");
        Assert.DoesNotContain("warning", publish.Output, StringComparison.OrdinalIgnoreCase);

        string program = Path.Combine(output, "GradientTapeBasics");
        Assert.True(File.Exists(program), "the native executable");
        Assert.False(File.Exists(Path.Combine(output, "GradientTapeBasics.dll")), "a NativeAOT publish has no IL assembly");
        DotNet.Result run = DotNet.Run(output, program, string.Empty).EnsureSuccess("the NativeAOT program");
        Assert.Equal(jit.Output, run.Output);
    }

    [Fact]
    public void Trimmed_self_contained_publish_has_no_warnings_and_prints_what_the_jit_run_prints()
    {
        string output = DotNet.NewTemporaryDirectory("trimmed");
        string artifacts = DotNet.NewTemporaryDirectory("trimmed-artifacts");
        DotNet.Result publish = DotNet.Cli(DotNet.RepositoryRoot,
            $"publish samples/GradientTapeBasics -c Release -f net10.0 -r linux-x64 --self-contained -p:PublishTrimmed=true --artifacts-path \"{artifacts}\" -o \"{output}\"")
            .EnsureSuccess("trimmed publish");
        Assert.DoesNotContain("warning", publish.Output, StringComparison.OrdinalIgnoreCase);

        DotNet.Result run = DotNet.Run(output, Path.Combine(output, "GradientTapeBasics"), string.Empty).EnsureSuccess("the trimmed program");
        Assert.Equal(jit.Output, run.Output);
    }
}
