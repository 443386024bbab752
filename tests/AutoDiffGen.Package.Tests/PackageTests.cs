using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;

namespace AutoDiffGen.Package.Tests;

/// <summary>Packs the AutoDiffGen package once, into a local feed, with a version unique to this run.</summary>
public sealed class PackageFixture
{
    public PackageFixture()
    {
        Version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        Feed = DotNet.NewTemporaryDirectory("feed");
        // Its own artifacts folder: nothing shared with other builds that may run at the same time.
        string artifacts = DotNet.NewTemporaryDirectory("pack-artifacts");
        DotNet.Cli(DotNet.RepositoryRoot, $"pack src/Runtime/AutoDiffGen.csproj -c Release -o \"{Feed}\" --artifacts-path \"{artifacts}\" -p:Version={Version}").EnsureSuccess("dotnet pack");
        Package = Path.Combine(Feed, $"AutoDiffGen.{Version}.nupkg");
    }

    public string Version { get; }

    public string Feed { get; }

    public string Package { get; }
}

public class PackageTests(PackageFixture fixture) : IClassFixture<PackageFixture>
{
    [Fact]
    public void One_package_holds_the_runtime_for_both_frameworks_the_generator_and_the_metadata()
    {
        Assert.True(File.Exists(fixture.Package));
        Assert.True(File.Exists(Path.ChangeExtension(fixture.Package, ".snupkg")), "symbols package");
        using ZipArchive zip = ZipFile.OpenRead(fixture.Package);
        string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
        Assert.Contains("lib/net8.0/AutoDiffGen.dll", entries);
        Assert.Contains("lib/net10.0/AutoDiffGen.dll", entries);
        Assert.Contains("lib/net8.0/AutoDiffGen.xml", entries);
        Assert.Contains("analyzers/dotnet/cs/AutoDiffGen.Generator.dll", entries);
        Assert.Contains("README.md", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/netstandard2.0", StringComparison.Ordinal));

        using Stream nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        XElement metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Get(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        Assert.Equal("AutoDiffGen", Get("id"));
        Assert.Equal("MIT", Get("license"));
        Assert.Equal("README.md", Get("readme"));
        Assert.Contains("github.com/AutoDiffGen", metadata.Elements().Single(e => e.Name.LocalName == "repository").Attribute("url")!.Value, StringComparison.Ordinal);
        Assert.Contains("automatic-differentiation", Get("tags"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_fresh_project_referencing_the_package_builds_runs_and_prints_the_gradient()
    {
        string project = DotNet.NewTemporaryDirectory("consumer");
        File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{fixture.Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(project, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="AutoDiffGen" Version="{fixture.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "Program.cs"), """
            using System;
            using AutoDiffGen;

            double loss = Model.LossGradient(0.5, 1, 2, 3, out double dW, out double dB);
            Console.WriteLine($"loss={loss} dW={dW} dB={dB}");

            public static partial class Model
            {
                [Differentiable]
                public static double Loss(double w, double b, [NoDerivative] double x, [NoDerivative] double y)
                {
                    double error = y - (w * x + b);
                    return error * error;
                }
            }
            """);

        DotNet.Result run = DotNet.Cli(project, "run -c Release").EnsureSuccess("dotnet run of a fresh project");
        Assert.Contains("loss=1 dW=-4 dB=-2", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("warning", run.Output, StringComparison.OrdinalIgnoreCase);
        Directory.Delete(project, recursive: true);
    }
}
