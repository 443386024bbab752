using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;

namespace AutoDiffGen.Package.Tests;

/// <summary>Runs the dotnet CLI (and built programs) and captures their output.</summary>
internal static class DotNet
{
    public static string RepositoryRoot { get; } = typeof(DotNet).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "RepositoryRoot").Value!;

    public sealed record Result(int ExitCode, string Output)
    {
        public Result EnsureSuccess(string what)
        {
            Assert.True(ExitCode == 0, $"{what} failed with exit code {ExitCode}:\n{Tail(Output)}");
            return this;
        }
    }

    public static Result Run(string workingDirectory, string fileName, string arguments, int timeoutMinutes = 15)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(timeoutMinutes)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{fileName} {arguments}' did not finish in {timeoutMinutes} minutes:\n{Tail(output.ToString())}");
        }

        process.WaitForExit();
        return new Result(process.ExitCode, output.ToString());
    }

    public static Result Cli(string workingDirectory, string arguments, int timeoutMinutes = 15) =>
        Run(workingDirectory, "dotnet", arguments, timeoutMinutes);

    public static string NewTemporaryDirectory(string name)
    {
        string path = Path.Combine(Path.GetTempPath(), "autodiffgen-" + name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    private static string Tail(string text) => text.Length <= 6000 ? text : "..." + text[^6000..];
}
