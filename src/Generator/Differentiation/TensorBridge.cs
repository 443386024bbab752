using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;

namespace AutoDiffGen.Generator.Differentiation;

/// <summary>
/// The overload of a [Differentiable] method that takes <c>Tensor&lt;T&gt;</c>: it computes the values with the original
/// method and records ONE operation on the active GradientTapes whose backward pass calls the generated MAdjoint.
/// Scalar parameters map elementwise with NumPy broadcasting; array and span parameters take 1-D tensors; other
/// parameters pass through. No reflection and no run-time code generation.
/// </summary>
internal static class TensorBridge
{
    private const string Tensor = "global::AutoDiffGen.Tensor";
    private const string Marshal = "global::AutoDiffGen.TensorMarshal";

    public static CodeMethod? Build(MethodModel model, FunctionDifferentiator differentiator)
    {
        FunctionModel f = model.Function;
        List<VariableModel> parameters = f.ParameterIds.Select(id => f.Variables[id]).ToList();
        List<VariableModel> inputs = parameters.Where(p => differentiator.AdjointParameterName(p.Id) is not null).ToList();
        string t = f.ReturnType.Name;
        string tensor = $"{Tensor}<{t}>";

        // One tensor element type per operation; pass-through parameters are captured by the backward function,
        // so they cannot be ref structs or passed by reference.
        if (inputs.Count == 0 || inputs.Any(p => p.Type.Element != f.ReturnType.Element) ||
            parameters.Except(inputs).Any(p => p.RefKind != PassingMode.Value || p.Type.IsCollection && p.Type.Shape != ShapeKind.Array))
        {
            return null;
        }

        // A method that writes its array parameter gets a fresh copy for every element.
        var written = new HashSet<int>();
        foreach (Stmt stmt in Analysis.IrWalker.AllStatements(f.Body))
        {
            Analysis.IrWalker.CollectWrites(stmt, written);
        }

        written = new HashSet<int>(f.Variables.Where(v => written.Any(w => f.Variables[w].AliasClass == v.AliasClass)).Select(v => v.Id));
        var names = new NameAllocator(parameters.Select(p => p.BaseName));
        string N(string preferred) => names.Allocate(preferred);
        string shape = N("shape"), count = N("count"), values = N("values"), element = N("element"), upstream = N("upstream"),
            recorded = N("recorded"), gradient = N("gradient"), axis = N("axis");
        var lines = new List<string>();
        foreach (VariableModel p in inputs)
        {
            lines.Add($"global::System.ArgumentNullException.ThrowIfNull({p.Name});");
        }

        // The result's shape: the broadcast of the scalar parameters' shapes.
        lines.Add($"int[] {shape} = global::System.Array.Empty<int>();");
        List<VariableModel> scalars = inputs.Where(p => !p.Type.IsCollection).ToList();
        foreach (VariableModel p in scalars)
        {
            lines.Add($"{shape} = {Tensor}.BroadcastShape({Literal(f.Name)}, {shape}, {p.Name}.Shape.AsSpan());");
        }

        foreach (VariableModel p in scalars)
        {
            lines.Add($"{p.Name} = {Tensor}.BroadcastTo({p.Name}, {shape});");
        }

        foreach (VariableModel p in inputs.Where(p => p.Type.IsCollection))
        {
            lines.Add($"if ({p.Name}.Rank != 1)");
            lines.Add("{");
            lines.Add($"    throw new global::System.ArgumentException($\"{f.Name}: parameter '{p.BaseName}' takes a 1-D tensor (an array), but the tensor has shape {{{p.Name}.Shape}}.\", {Literal(p.BaseName)});");
            lines.Add("}");
        }

        lines.Add($"int {count} = 1;");
        lines.Add($"for (int {axis} = 0; {axis} < {shape}.Length; {axis}++)");
        lines.Add("{");
        lines.Add($"    {count} *= {shape}[{axis}];");
        lines.Add("}");
        lines.Add(string.Empty);

        // Values: the original method, element by element.
        lines.Add($"var {values} = new {t}[{count}];");
        var sources = new Dictionary<int, string>();
        foreach (VariableModel p in inputs)
        {
            sources[p.Id] = N(p.BaseName + "Values");
            lines.Add(p.Type.IsCollection
                ? $"{t}[] {sources[p.Id]} = {p.Name}.AsSpan().ToArray();"
                : $"global::System.ReadOnlySpan<{t}> {sources[p.Id]} = {p.Name}.AsSpan();");
        }

        if (inputs.All(p => !p.Type.IsCollection))
        {
            // Elementwise: without a recording tape only the values are needed; with one, each element's value and
            // local partial derivatives come from one generated gradient sweep, and the backward pass scales them.
            lines.Add($"if (!{Marshal}.IsRecording)");
            lines.Add("{");
            lines.Add($"    for (int {element} = 0; {element} < {count}; {element}++)");
            lines.Add("    {");
            lines.Add($"        {values}[{element}] = {Escape(f.Name)}({Arguments(parameters, inputs, sources, element, written)});");
            lines.Add("    }");
            lines.Add(string.Empty);
            lines.Add($"    return {Marshal}.CreateTensorUnsafe({values}, {shape});");
            lines.Add("}");
            lines.Add(string.Empty);
            var partials = inputs.ToDictionary(p => p.Id, p => N(p.BaseName + "Partials"));
            foreach (VariableModel p in inputs)
            {
                lines.Add($"var {partials[p.Id]} = new {t}[{count}];");
            }

            string outputs = string.Join(", ", inputs.Select(p => $"out {partials[p.Id]}[{element}]"));
            lines.Add($"for (int {element} = 0; {element} < {count}; {element}++)");
            lines.Add("{");
            lines.Add($"    {values}[{element}] = {Escape(f.Name + "Gradient")}({Arguments(parameters, inputs, sources, element, written)}, {outputs});");
            lines.Add("}");
            lines.Add(string.Empty);
            string all = N("partials");
            lines.Add($"var {all} = new {t}[][] {{ {string.Join(", ", inputs.Select(p => partials[p.Id]))} }};");
            lines.Add($"return {Tensor}.CustomGradient<{t}>({Literal(f.Name)}, new {tensor}[] {{ {string.Join(", ", inputs.Select(p => p.Name))} }}, {Marshal}.CreateTensorUnsafe({values}, {shape}), ({upstream}, {recorded}) => {Marshal}.GradientsFromPartials({Literal(f.Name)}, {upstream}, {recorded}, {all}));");
            return Finish(model, parameters, inputs, tensor, lines);
        }

        lines.Add($"for (int {element} = 0; {element} < {count}; {element}++)");
        lines.Add("{");
        lines.Add($"    {values}[{element}] = {Escape(f.Name)}({Arguments(parameters, inputs, sources, element, written)});");
        lines.Add("}");
        lines.Add(string.Empty);

        // One recorded operation; its backward pass runs the generated adjoint on the recorded inputs.
        lines.Add($"return {Tensor}.CustomGradient<{t}>({Literal(f.Name)}, new {tensor}[] {{ {string.Join(", ", inputs.Select(p => p.Name))} }}, {Marshal}.CreateTensorUnsafe({values}, {shape}), ({upstream}, {recorded}) =>");
        lines.Add("{");
        var body = new List<string> { $"global::System.ReadOnlySpan<{t}> {gradient} = {upstream}.AsSpan();" };
        var recordedNames = new Dictionary<int, string>();
        for (int i = 0; i < inputs.Count; i++)
        {
            VariableModel p = inputs[i];
            recordedNames[p.Id] = N(p.BaseName + "Recorded");
            body.Add(p.Type.IsCollection
                ? $"{t}[] {recordedNames[p.Id]} = {recorded}[{i}].AsSpan().ToArray();"
                : $"global::System.ReadOnlySpan<{t}> {recordedNames[p.Id]} = {recorded}[{i}].AsSpan();");
        }

        var adjoints = new Dictionary<int, string>();
        foreach (VariableModel p in inputs)
        {
            adjoints[p.Id] = N("d" + NameAllocator.Capitalize(p.BaseName));
            body.Add($"var {adjoints[p.Id]} = new {t}[{(p.Type.IsCollection ? recordedNames[p.Id] + ".Length" : count)}];");
        }

        body.Add($"for (int {element} = 0; {element} < {count}; {element}++)");
        body.Add("{");
        string adjointArguments = string.Join(", ", inputs.Select(p => p.Type.IsCollection ? adjoints[p.Id] : $"ref {adjoints[p.Id]}[{element}]"));
        body.Add($"    {Escape(f.Name + "Adjoint")}({Arguments(parameters, inputs, recordedNames, element, written)}, {gradient}[{element}], {adjointArguments});");
        body.Add("}");
        body.Add(string.Empty);
        string results = string.Join(", ", inputs.Select(p => p.Type.IsCollection
            ? $"{Marshal}.CreateTensorUnsafe({adjoints[p.Id]}, {adjoints[p.Id]}.Length)"
            : $"{Marshal}.CreateTensorUnsafe({adjoints[p.Id]}, {shape})"));
        body.Add($"return {Marshal}.GradientsFromGeneratedAdjoint({Literal(f.Name)}, {upstream}, {recorded}, new {tensor}?[] {{ {results} }});");
        lines.AddRange(body.Select(line => line.Length == 0 ? line : "    " + line));
        lines.Add("});");
        return Finish(model, parameters, inputs, tensor, lines);
    }

    private static CodeMethod Finish(MethodModel model, List<VariableModel> parameters, List<VariableModel> inputs, string tensor, List<string> lines)
    {
        FunctionModel f = model.Function;
        var docs = new List<string>
        {
            $"<summary>Records <c>{f.Name}</c> as one operation on the active <see cref=\"global::AutoDiffGen.GradientTape\"/>s: scalar parameters map elementwise with broadcasting, array parameters take 1-D tensors, and the backward pass is the generated <c>{f.Name}Adjoint</c> (or, for an elementwise method, the partial derivatives its <c>{f.Name}Gradient</c> computed with the values).</summary>",
        };
        foreach (VariableModel p in parameters)
        {
            docs.Add($"<param name=\"{p.BaseName}\">As for <c>{f.Name}</c>{(inputs.Contains(p) ? p.Type.IsCollection ? ", as a 1-D tensor" : ", elementwise" : string.Empty)}.</param>");
        }

        docs.Add($"<returns>A tensor of <c>{f.Name}</c>'s values, with the broadcast shape of the scalar parameters.</returns>");
        IEnumerable<CodeParameter> signature = parameters.Select(p => inputs.Contains(p) ? new CodeParameter(string.Empty, tensor, p.Name) : new CodeParameter(string.Empty, p.Type.Name, p.Name));
        return new CodeMethod(docs.ToEquatableArray(), model.Accessibility + " static", tensor, Escape(f.Name), signature.ToEquatableArray(),
            new CodeBlock(EquatableArray.Create<CodeStmt>(new CodeRaw(lines.ToEquatableArray()))));
    }

    /// <summary>The original method's arguments for one element: scalars indexed, arrays whole, the rest as they are.</summary>
    private static string Arguments(List<VariableModel> parameters, List<VariableModel> inputs, Dictionary<int, string> sources, string element, HashSet<int> written) =>
        string.Join(", ", parameters.Select(p =>
            !inputs.Contains(p) ? p.Name
            : p.Type.IsCollection ? (written.Contains(p.Id) ? $"({p.Type.ElementName}[]){sources[p.Id]}.Clone()" : sources[p.Id])
            : $"{sources[p.Id]}[{element}]"));

    private static string Literal(string text) => Parsing.Literals.String(text);

    private static string Escape(string name) => NameAllocator.Escape(name);
}
