using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;
using AutoDiffGen.Generator.Parsing;

namespace AutoDiffGen.Generator.Differentiation;

/// <summary>The differentiate stage's output: the file to emit, or the internal error that prevented it.</summary>
internal sealed record DifferentiationResult(GeneratedFile? File, LocationInfo? ErrorLocation, string ErrorMethod, string? Error);

/// <summary>
/// Differentiate stage: from a <see cref="MethodModel"/> to the generated program (<see cref="GeneratedFile"/>):
/// <c>MGradient</c>, <c>MAdjoint</c>, the GradientTape overload, and private adjoints of the helpers it calls.
/// </summary>
internal static class Differentiator
{
    public static DifferentiationResult Run(MethodModel model, DifferentiationOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return new DifferentiationResult(Build(model, options, cancellationToken), null, model.Function.Name, null);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
#pragma warning disable CA1031 // Any failure must surface as a diagnostic, never as a lost generator run (CS8785).
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return new DifferentiationResult(null, model.Location, model.Function.Name, exception.GetType().Name + ": " + exception.Message);
        }
    }

    /// <summary>Lets tests make the differentiator fail, to check that failures surface as AD0014.</summary>
    [ThreadStatic]
    internal static Action<MethodModel>? FaultForTests;

    private static GeneratedFile Build(MethodModel model, DifferentiationOptions options, CancellationToken cancellationToken)
    {
        FaultForTests?.Invoke(model);
        FunctionModel root = model.Function;
        string helperClass = root.Name + "Adjoints";
        List<string> helperNames = HelperNames(model, string.Empty);
        (FunctionDifferentiator rootDifferentiator, CodeBlock rootBody, List<CodeMethod> helperMethods) =
            BuildAdjoints(model, helperClass, helperNames, options, cancellationToken);

        var methods = new List<CodeMethod>
        {
            Gradient(model, rootDifferentiator),
            Adjoint(model, rootDifferentiator, rootBody),
        };
        if (model.TensorOverload && TensorBridge.Build(model, rootDifferentiator) is { } bridge)
        {
            methods.Add(bridge);
        }

        if (options.VerifySpeedUps && options.SpeedUps != SpeedUp.None && SpeedUpCheck.CanVerify(root))
        {
            // Test mode: MGradient also runs the adjoint built without speed-ups and compares.
            List<string> plainNames = HelperNames(model, SpeedUpCheck.Suffix);
            (FunctionDifferentiator plainDifferentiator, CodeBlock plainBody, List<CodeMethod> plainHelpers) =
                BuildAdjoints(model, helperClass, plainNames, DifferentiationOptions.Plain, cancellationToken);
            CodeMethod plain = Adjoint(model, plainDifferentiator, plainBody);
            plain = plain with { Name = root.Name + "Adjoint" + SpeedUpCheck.Suffix, Modifiers = "private static" };
            methods[0] = SpeedUpCheck.Gradient(model, methods[0], plain.Name, rootDifferentiator);
            methods.Insert(2, plain);
            helperMethods.AddRange(plainHelpers);
        }

        CodeClass? helpers = helperMethods.Count == 0
            ? null
            : new CodeClass("private static", helperClass, helperMethods.ToEquatableArray());
        return new GeneratedFile(model.HintName, model.Namespace, model.ContainingTypes, methods.ToEquatableArray(), helpers);
    }

    private static List<string> HelperNames(MethodModel model, string suffix)
    {
        var helperNames = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (FunctionModel helper in model.Helpers)
        {
            string name = helper.Name + "Adjoint";
            for (int i = 2; !used.Add(name); i++)
            {
                name = helper.Name + "Adjoint" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            helperNames.Add(name + suffix);
        }

        return helperNames;
    }

    /// <summary>The root's adjoint body and the private adjoints of the helpers it reaches through calls with derivatives.</summary>
    private static (FunctionDifferentiator Root, CodeBlock Body, List<CodeMethod> Helpers) BuildAdjoints(
        MethodModel model, string helperClass, List<string> helperNames, DifferentiationOptions options, CancellationToken cancellationToken)
    {
        var qualifiedHelpers = helperNames.Select(n => helperClass + "." + n).ToList();
        (FunctionDifferentiator rootDifferentiator, CodeBlock rootBody) = Differentiate(model.Function, isRoot: true, qualifiedHelpers, options);

        var helperMethods = new SortedDictionary<int, CodeMethod>();
        var pending = new Queue<int>(rootDifferentiator.UsedHelpers);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int index = pending.Dequeue();
            if (helperMethods.ContainsKey(index))
            {
                continue;
            }

            FunctionModel helper = model.Helpers[index];
            (FunctionDifferentiator differentiator, CodeBlock body) = Differentiate(helper, isRoot: false, qualifiedHelpers, options);
            helperMethods[index] = HelperAdjoint(helper, helperNames[index], differentiator, body);
            foreach (int next in differentiator.UsedHelpers)
            {
                pending.Enqueue(next);
            }
        }

        return (rootDifferentiator, rootBody, helperMethods.Values.ToList());
    }

    /// <summary>Builds an adjoint; loops planned for fusion that the generated code does not allow are built again unfused.</summary>
    private static (FunctionDifferentiator Differentiator, CodeBlock Body) Differentiate(FunctionModel function, bool isRoot, IReadOnlyList<string> helperAdjoints, DifferentiationOptions options)
    {
        var excluded = new HashSet<int>();
        while (true)
        {
            var differentiator = new FunctionDifferentiator(function, isRoot, helperAdjoints, options, excluded);
            CodeBlock body = differentiator.BuildBody();
            if (differentiator.RejectedFusions.Count == 0 || excluded.IsSupersetOf(differentiator.RejectedFusions))
            {
                return (differentiator, body);
            }

            excluded.UnionWith(differentiator.RejectedFusions);
        }
    }

    private static IEnumerable<VariableModel> Parameters(FunctionModel function) => function.ParameterIds.Select(id => function.Variables[id]);

    private static string Modifier(PassingMode kind) => kind switch
    {
        PassingMode.Ref => "ref ",
        PassingMode.Out => "out ",
        PassingMode.In => "in ",
        _ => string.Empty,
    };

    private static IEnumerable<CodeParameter> OriginalParameters(FunctionModel function) =>
        Parameters(function).Select(p => new CodeParameter(Modifier(p.RefKind), p.Type.Name, p.Name));

    private static string One(TypeRef type) => type.Element == ValueKind.Single ? "1f" : "1.0";

    private static CodeMethod Gradient(MethodModel model, FunctionDifferentiator differentiator)
    {
        FunctionModel f = model.Function;
        var parameters = OriginalParameters(f).ToList();
        var body = new List<CodeStmt>();
        var arguments = Parameters(f).Select(p => new Argument(new NameExpr(p.Type, p.Name), PassingMode.Value)).ToList();
        arguments.Add(new Argument(new LiteralExpr(f.ReturnType, One(f.ReturnType)), PassingMode.Value));
        var docs = new List<string>
        {
            $"<summary>Computes <c>{f.Name}</c> and its gradient: one output per differentiable parameter (generated by AutoDiffGen).</summary>",
        };
        foreach (VariableModel p in Parameters(f))
        {
            docs.Add($"<param name=\"{p.BaseName}\">As for <c>{f.Name}</c>.</param>");
        }

        foreach (VariableModel p in Parameters(f))
        {
            string? output = differentiator.AdjointParameterName(p.Id);
            if (output is null)
            {
                continue;
            }

            var outputExpr = new NameExpr(p.Type.IsCollection ? TypeRef.SpanOf(p.Type.ElementType) : p.Type, output);
            if (p.Type.IsCollection)
            {
                parameters.Add(new CodeParameter(string.Empty, TypeRef.SpanOf(p.Type.ElementType).Name, output));
                body.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, "global::AutoDiffGen.AdjointStorage.CheckLength", EquatableArray.Create(
                    new Argument(new LengthExpr(new NameExpr(p.Type, p.Name)), PassingMode.Value),
                    new Argument(new LengthExpr(outputExpr), PassingMode.Value),
                    new Argument(new LiteralExpr(TypeRef.String, Literals.String(p.BaseName)), PassingMode.Value),
                    new Argument(new LiteralExpr(TypeRef.String, Literals.String(output)), PassingMode.Value)))));
                body.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, output + ".Clear", EquatableArray<Argument>.Empty)));
                arguments.Add(new Argument(outputExpr, PassingMode.Value));
                docs.Add($"<param name=\"{output}\">Receives d{f.Name}/d{p.BaseName}; its length must equal <paramref name=\"{p.BaseName}\"/>'s.</param>");
            }
            else
            {
                parameters.Add(new CodeParameter("out ", p.Type.Name, output));
                body.Add(new CodeAssign(outputExpr, "=", Literals.Zero(p.Type)));
                arguments.Add(new Argument(outputExpr, PassingMode.Ref));
                docs.Add($"<param name=\"{output}\">Receives d{f.Name}/d{p.BaseName}.</param>");
            }
        }

        docs.Add($"<returns>The value of <c>{f.Name}</c>.</returns>");

        // Before anything is cleared: a gradient buffer that shares memory with an input or another gradient would be
        // overwritten while it is read.
        var outputs = Parameters(f).Where(p => p.Type.IsCollection && differentiator.AdjointParameterName(p.Id) is not null).ToList();
        int firstClear = body.FindIndex(s => s is CodeExpression { Expression: InvokeExpr { Method: var m } } && m.EndsWith(".Clear", StringComparison.Ordinal));
        var disjoint = new List<CodeStmt>();
        foreach (VariableModel output in outputs)
        {
            string outputName = differentiator.AdjointParameterName(output.Id)!;
            foreach (VariableModel input in Parameters(f).Where(p => p.Type.IsCollection && p.Type.ElementName == output.Type.ElementName))
            {
                disjoint.Add(CheckDisjoint(input.Type, input.Name, input.BaseName, outputName));
            }

            foreach (VariableModel other in outputs.TakeWhile(o => o.Id != output.Id).Where(o => o.Type.ElementName == output.Type.ElementName))
            {
                disjoint.Add(CheckDisjoint(output.Type, differentiator.AdjointParameterName(other.Id)!, differentiator.AdjointParameterName(other.Id)!, outputName));
            }
        }

        body.InsertRange(firstClear < 0 ? body.Count : firstClear, disjoint);
        body.Add(new CodeReturn(new InvokeExpr(f.ReturnType, NameAllocator.Escape(f.Name + "Adjoint"), arguments.ToEquatableArray())));
        return new CodeMethod(docs.ToEquatableArray(), model.Accessibility + " static", f.ReturnType.Name, f.Name + "Gradient",
            parameters.ToEquatableArray(), new CodeBlock(body.ToEquatableArray()));
    }

    /// <summary><c>AdjointStorage.CheckDisjoint&lt;T&gt;(input, gradient, "input", "gradient")</c>.</summary>
    internal static CodeStmt CheckDisjoint(TypeRef collection, string input, string inputDisplay, string gradient) =>
        new CodeExpression(new InvokeExpr(TypeRef.Void, "global::AutoDiffGen.AdjointStorage.CheckDisjoint<" + collection.ElementName + ">", EquatableArray.Create(
            new Argument(new NameExpr(collection, input), PassingMode.Value),
            new Argument(new NameExpr(TypeRef.SpanOf(collection.ElementType), gradient), PassingMode.Value),
            new Argument(new LiteralExpr(TypeRef.String, Literals.String(inputDisplay)), PassingMode.Value),
            new Argument(new LiteralExpr(TypeRef.String, Literals.String(gradient)), PassingMode.Value))));

    private static CodeMethod Adjoint(MethodModel model, FunctionDifferentiator differentiator, CodeBlock body)
    {
        FunctionModel f = model.Function;
        var parameters = OriginalParameters(f).ToList();
        parameters.Add(new CodeParameter(string.Empty, f.ReturnType.Name, differentiator.SeedName));
        var docs = new List<string>
        {
            $"<summary>Computes <c>{f.Name}</c> and adds <paramref name=\"{differentiator.SeedName}\"/> times its gradient into the adjoints (reverse-mode building block, generated by AutoDiffGen).</summary>",
        };
        foreach (VariableModel p in Parameters(f))
        {
            docs.Add($"<param name=\"{p.BaseName}\">As for <c>{f.Name}</c>.</param>");
        }

        docs.Add($"<param name=\"{differentiator.SeedName}\">The adjoint of the result: the gradient is scaled by it.</param>");
        AddAdjointParameters(f, differentiator, parameters, docs, f.Name);
        docs.Add($"<returns>The value of <c>{f.Name}</c>.</returns>");
        return new CodeMethod(docs.ToEquatableArray(), model.Accessibility + " static", f.ReturnType.Name, f.Name + "Adjoint", parameters.ToEquatableArray(), body);
    }

    private static void AddAdjointParameters(FunctionModel f, FunctionDifferentiator differentiator, List<CodeParameter> parameters, List<string>? docs, string name)
    {
        foreach (VariableModel p in Parameters(f))
        {
            string? output = differentiator.AdjointParameterName(p.Id);
            if (output is null)
            {
                continue;
            }

            parameters.Add(p.Type.IsCollection
                ? new CodeParameter(string.Empty, TypeRef.SpanOf(p.Type.ElementType).Name, output)
                : new CodeParameter("ref ", p.Type.Name, output));
            docs?.Add($"<param name=\"{output}\">Adjoint of <paramref name=\"{p.BaseName}\"/>: seed * d{name}/d{p.BaseName} is added to it.</param>");
        }
    }

    private static CodeMethod HelperAdjoint(FunctionModel helper, string name, FunctionDifferentiator differentiator, CodeBlock body)
    {
        var parameters = OriginalParameters(helper).ToList();
        if (helper.ReturnType.Element != ValueKind.Void)
        {
            parameters.Add(new CodeParameter(string.Empty, helper.ReturnType.Name, differentiator.SeedName));
        }

        AddAdjointParameters(helper, differentiator, parameters, null, helper.Name);
        var docs = EquatableArray.Create($"<summary>Adjoint of <c>{helper.Method}</c>, differentiated because the [Differentiable] method calls it.</summary>");
        return new CodeMethod(docs, "internal static", helper.ReturnType.Name, name, parameters.ToEquatableArray(), body);
    }
}
