using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using GeneratedCode;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// 1. The generated gradient.
double energy = Spring.FinalEnergyGradient(0.5, 0.0, 4.0, 200, out double dX, out double dV, out double dK);
Console.WriteLine($"FinalEnergy(x: 0.5, v: 0, k: 4, steps: 200) = {energy:F6}");
Console.WriteLine($"  d/dx = {dX:F6}   d/dv = {dV:F6}   d/dk = {dK:F6}");

// A central finite difference, for comparison (it costs two extra evaluations per input and is approximate).
const double H = 1e-6;
double fd = (Spring.FinalEnergy(0.5, 0.0, 4.0 + H, 200) - Spring.FinalEnergy(0.5, 0.0, 4.0 - H, 200)) / (2 * H);
Console.WriteLine($"  d/dk by finite differences = {fd:F6}");
Console.WriteLine();

// 2. The generated source, as the compiler wrote it (EmitCompilerGeneratedFiles=true in the project).
string folder = typeof(Spring).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "GeneratedFiles").Value!;
string? file = Directory.Exists(folder)
    ? Directory.EnumerateFiles(folder, "GeneratedCode.Spring.FinalEnergy.g.cs", SearchOption.AllDirectories).FirstOrDefault()
    : null;
if (file is null)
{
    Console.WriteLine($"The generated file is not under {folder}; build the project first.");
    return 1;
}

Console.WriteLine($"Generated file: {Path.GetRelativePath(Environment.CurrentDirectory, file)}");
Console.WriteLine(new string('-', 100));
string source = File.ReadAllText(file);
int end = source.IndexOf("        /// <summary>Records", StringComparison.Ordinal);
Console.WriteLine(end > 0 ? source[..end].TrimEnd() + Environment.NewLine + "        // (the GradientTape overload follows)" : source);
Console.WriteLine(new string('-', 100));
Console.WriteLine("To see the compile-time error for code the generator cannot differentiate, run:");
Console.WriteLine("  dotnet build samples/GeneratedCode -p:ShowUnsupported=true");
return 0;
