using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;

namespace AutoDiffGen.Generator.Differentiation;

/// <summary>
/// Test mode (<c>AutoDiffGen_VerifySpeedUps</c>): the generated <c>MGradient</c> also runs the adjoint built without
/// any speed-up, on copies of the inputs, and throws if the value, the final contents of written arrays or any
/// gradient component differ (values and arrays exactly; gradients to 1e-12 relative in double, 1e-5 in float).
/// A speed-up may change time, never a number: every test that calls <c>MGradient</c> checks it at its own points.
/// </summary>
internal static class SpeedUpCheck
{
    public const string Suffix = "WithoutSpeedUps";

    /// <summary>
    /// Only methods whose inputs can be copied and passed twice: parameters by value or <c>in</c>, of numeric, bool or
    /// string type, or arrays and spans (copied). Objects could carry state that a second run changes.
    /// </summary>
    public static bool CanVerify(FunctionModel function) => function.ParameterIds.Select(id => function.Variables[id]).All(p =>
        p.RefKind is PassingMode.Value or PassingMode.In &&
        (p.Type.IsCollection || p.Type.Element is ValueKind.Double or ValueKind.Single or ValueKind.Integer or ValueKind.Boolean or ValueKind.String));

    public static CodeMethod Gradient(MethodModel model, CodeMethod gradient, string plainAdjoint, FunctionDifferentiator differentiator)
    {
        FunctionModel f = model.Function;
        List<VariableModel> parameters = f.ParameterIds.Select(id => f.Variables[id]).ToList();
        var names = new NameAllocator(parameters.Select(p => p.BaseName).Concat(gradient.Parameters.Select(p => NameAllocator.Unescape(p.Name))));
        string t = f.ReturnType.Name;
        string tolerance = f.ReturnType.Element == ValueKind.Single ? "1e-5" : "1e-12";
        string same = names.Allocate("Same");
        string result = names.Allocate("result");
        string plainResult = names.Allocate("resultPlain");
        var lines = new List<string>
        {
            "// Speed-up check (AutoDiffGen_VerifySpeedUps): the same gradient without speed-ups, on copies of the inputs.",
            $"static bool {same}(double a, double b, double tolerance) => a == b || (double.IsNaN(a) && double.IsNaN(b)) ||",
            $"    global::System.Math.Abs(a - b) <= tolerance * global::System.Math.Max(1.0, global::System.Math.Max(global::System.Math.Abs(a), global::System.Math.Abs(b)));",
        };

        var arguments = new List<string>();
        var copies = new List<(VariableModel Parameter, string Copy)>();
        foreach (VariableModel p in parameters)
        {
            if (p.Type.Shape == ShapeKind.Array)
            {
                string copy = names.Allocate(p.BaseName + "Plain");
                lines.Add($"{p.Type.Name} {copy} = ({p.Type.Name}){p.Name}.Clone();");
                copies.Add((p, copy));
                arguments.Add(copy);
            }
            else if (p.Type.Shape == ShapeKind.Span)
            {
                string copy = names.Allocate(p.BaseName + "Plain");
                lines.Add($"{p.Type.Name} {copy} = {p.Name}.ToArray();");
                copies.Add((p, copy));
                arguments.Add(copy);
            }
            else
            {
                arguments.Add(p.Name);
            }
        }

        arguments.Add(f.ReturnType.Element == ValueKind.Single ? "1f" : "1.0");
        var outputs = new List<(VariableModel Parameter, string Output, string Plain)>();
        foreach (VariableModel p in parameters)
        {
            if (differentiator.AdjointParameterName(p.Id) is not { } output)
            {
                continue;
            }

            string plain = names.Allocate(NameAllocator.Unescape(output) + "Plain");
            outputs.Add((p, output, plain));
            if (p.Type.IsCollection)
            {
                lines.Add($"{p.Type.ElementName}[] {plain} = new {p.Type.ElementName}[{p.Name}.Length];");
                arguments.Add(plain);
            }
            else
            {
                lines.Add($"{p.Type.Name} {plain} = default;");
                arguments.Add("ref " + plain);
            }
        }

        lines.Add($"{t} {plainResult} = {plainAdjoint}({string.Join(", ", arguments)});");

        // The gradient as usual, its result kept for the comparison.
        var statements = new List<CodeStmt> { new CodeRaw(lines.ToEquatableArray()) };
        foreach (CodeStmt stmt in gradient.Body.Statements)
        {
            statements.Add(stmt is CodeReturn { Value: not null } ret ? new CodeDeclare(f.ReturnType, result, ret.Value) : stmt);
        }

        string method = Literal(f.Name);
        var checks = new List<string>
        {
            $"if (!({result} == {plainResult} || ({t}.IsNaN({result}) && {t}.IsNaN({plainResult}))))",
            "{",
            $"    throw new global::System.InvalidOperationException(\"Speed-ups changed the value of \" + {method} + \": \" + {Text(result)} + \" instead of \" + {Text(plainResult)});",
            "}",
        };
        foreach ((VariableModel p, string copy) in copies.Where(c => c.Parameter.Type.Shape != ShapeKind.ReadOnlySpan))
        {
            string span = $"global::System.ReadOnlySpan<{p.Type.ElementName}>";
            checks.Add($"if (!global::System.MemoryExtensions.SequenceEqual(({span}){p.Name}, ({span}){copy}))");
            checks.Add("{");
            checks.Add($"    throw new global::System.InvalidOperationException(\"Speed-ups changed what \" + {method} + \" leaves in {p.BaseName}\");");
            checks.Add("}");
        }

        foreach ((VariableModel p, string output, string plain) in outputs)
        {
            if (p.Type.IsCollection)
            {
                string i = names.Allocate("i");
                checks.Add($"for (int {i} = 0; {i} < {plain}.Length; {i}++)");
                checks.Add("{");
                checks.Add($"    if (!{same}({output}[{i}], {plain}[{i}], {tolerance}))");
                checks.Add("    {");
                checks.Add($"        throw new global::System.InvalidOperationException(\"Speed-ups changed d\" + {method} + \"/d{p.BaseName}[\" + {i}.ToString(global::System.Globalization.CultureInfo.InvariantCulture) + \"]: \" + {Text($"{output}[{i}]")} + \" instead of \" + {Text($"{plain}[{i}]")});");
                checks.Add("    }");
                checks.Add("}");
            }
            else
            {
                checks.Add($"if (!{same}({output}, {plain}, {tolerance}))");
                checks.Add("{");
                checks.Add($"    throw new global::System.InvalidOperationException(\"Speed-ups changed d\" + {method} + \"/d{p.BaseName}: \" + {Text(output)} + \" instead of \" + {Text(plain)});");
                checks.Add("}");
            }
        }

        checks.Add($"return {result};");
        statements.Add(new CodeRaw(checks.ToEquatableArray()));
        return gradient with { Body = new CodeBlock(statements.ToEquatableArray()) };
    }

    private static string Literal(string text) => Parsing.Literals.String(text);

    private static string Text(string value) => $"{value}.ToString(\"R\", global::System.Globalization.CultureInfo.InvariantCulture)";
}
