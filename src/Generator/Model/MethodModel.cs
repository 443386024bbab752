using AutoDiffGen.Generator.Helpers;

namespace AutoDiffGen.Generator.Model;

internal enum VariableKind
{
    Parameter,
    Local,

    /// <summary>A local introduced by lowering (a hoisted call result, a foreach index, a ref-local's index).</summary>
    Temporary,
}

/// <summary>A parameter or local of a function, with the results of activity analysis.</summary>
/// <param name="Id">Index into <see cref="FunctionModel.Variables"/>.</param>
/// <param name="Name">The unique name used in generated code (C# keywords escaped with @).</param>
/// <param name="BaseName">The name without @, from which derived names (dName) are formed.</param>
/// <param name="ConstantText">For const locals: the initializer as generated code spells it.</param>
/// <param name="IsActive">Depends on a differentiable input and influences the result (activity analysis).</param>
/// <param name="AliasClass">Variables holding views of the same array share a class (see ActivityAnalysis).</param>
internal sealed record VariableModel(
    int Id,
    string Name,
    string BaseName,
    TypeRef Type,
    VariableKind Kind,
    PassingMode RefKind,
    bool NoDerivative,
    string? ConstantText,
    bool IsActive,
    int AliasClass);

/// <summary>One function: the [Differentiable] method itself, or a helper it calls.</summary>
/// <param name="Key">Signature key, unique in the compilation.</param>
/// <param name="Name">The method's name.</param>
/// <param name="Method">How generated code calls the original, e.g. <c>global::N.C.Helper</c>.</param>
/// <param name="ParameterIds">Variable ids of the parameters, in order.</param>
/// <param name="LoopCount">Number of loops (loop ids are 0..LoopCount-1).</param>
internal sealed record FunctionModel(
    string Key,
    string Name,
    string Method,
    TypeRef ReturnType,
    EquatableArray<int> ParameterIds,
    EquatableArray<VariableModel> Variables,
    BlockStmt Body,
    int LoopCount);

/// <summary>A type that contains the [Differentiable] method, outermost first.</summary>
/// <param name="Keyword">class, struct, record, record struct or interface.</param>
/// <param name="Name">The name with type parameters, e.g. <c>Outer&lt;T&gt;</c>.</param>
internal sealed record ContainingType(string Keyword, string Name, bool IsStatic);

/// <summary>
/// Everything the generator needs to write the adjoints of one [Differentiable] method. Equatable and free
/// of Roslyn symbols, syntax nodes and compilations, so the pipeline caches it.
/// </summary>
/// <param name="HintName">The generated file's name.</param>
/// <param name="Accessibility">The method's accessibility as C# spells it.</param>
/// <param name="Helpers">Methods called by the function that are differentiated transitively (private adjoints).</param>
/// <param name="TensorOverload">Whether to emit the GradientTape bridge overload taking Tensor&lt;T&gt;.</param>
/// <param name="Location">The method's name, for reporting internal errors after parsing.</param>
internal sealed record MethodModel(
    string HintName,
    string? Namespace,
    EquatableArray<ContainingType> ContainingTypes,
    string Accessibility,
    FunctionModel Function,
    EquatableArray<FunctionModel> Helpers,
    bool TensorOverload,
    LocationInfo? Location);
