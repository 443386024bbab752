using System;
using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AutoDiffGen.Generator.Parsing;

/// <summary>What a call is, as far as differentiation is concerned.</summary>
internal enum CalleeCategory
{
    /// <summary>A System.Math / MathF / double / float function with a built-in derivative rule.</summary>
    Math,

    /// <summary>AutoDiff.StopGradient.</summary>
    StopGradient,

    /// <summary>AsSpan / Slice: a view of an array or span.</summary>
    SpanView,

    /// <summary>A method with a CallTarget (helper, [Differentiable], custom, external).</summary>
    Target,
}

/// <summary>Classifies the methods that differentiable code calls.</summary>
internal sealed class CalleeResolver
{
    public const string DifferentiableAttributeName = "AutoDiffGen.DifferentiableAttribute";
    public const string NoDerivativeAttributeName = "AutoDiffGen.NoDerivativeAttribute";
    public const string DerivativeOfAttributeName = "AutoDiffGen.DerivativeOfAttribute";
    public const string AutoDiffTypeName = "AutoDiffGen.AutoDiff";

    private static readonly Dictionary<string, MathFunction> MathNames = Enum.GetValues(typeof(MathFunction))
        .Cast<MathFunction>()
        .ToDictionary(f => f.ToString(), f => f, StringComparer.Ordinal);

    private readonly Compilation _compilation;
    private readonly Dictionary<IMethodSymbol, IMethodSymbol?> _customAdjoints = new(SymbolEqualityComparer.Default);

    public CalleeResolver(Compilation compilation) => _compilation = compilation;

    public static CalleeCategory Categorize(IMethodSymbol method, out MathFunction function, out string receiver)
    {
        function = default;
        receiver = string.Empty;
        INamedTypeSymbol type = method.ContainingType;
        if (IsMathType(type, out receiver) && MathNames.TryGetValue(method.Name, out function) && IsSupportedMathOverload(method, function))
        {
            return CalleeCategory.Math;
        }

        if (type.ToDisplayString() == AutoDiffTypeName && method.Name == "StopGradient")
        {
            return CalleeCategory.StopGradient;
        }

        if (IsSpanView(method))
        {
            return CalleeCategory.SpanView;
        }

        return CalleeCategory.Target;
    }

    private static bool IsMathType(INamedTypeSymbol type, out string receiver)
    {
        receiver = type.SpecialType switch
        {
            SpecialType.System_Double => "double",
            SpecialType.System_Single => "float",
            _ => type.ToDisplayString() switch
            {
                "System.Math" => "global::System.Math",
                "System.MathF" => "global::System.MathF",
                _ => string.Empty,
            },
        };
        return receiver.Length > 0;
    }

    private static bool IsSupportedMathOverload(IMethodSymbol method, MathFunction function)
    {
        if (method.Parameters.Length == 0 || method.IsGenericMethod)
        {
            return false;
        }

        // Every argument must be a scalar number; Round(x, digits) and Round(x, mode) are piecewise constant anyway.
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (parameter.RefKind != RefKind.None || TypeMapper.Map(parameter.Type) is not { Shape: ShapeKind.Scalar, Element: ValueKind.Double or ValueKind.Single or ValueKind.Integer or ValueKind.Other })
            {
                return false;
            }
        }

        return function switch
        {
            MathFunction.Log => method.Parameters.Length is 1 or 2,
            MathFunction.Atan2 or MathFunction.Pow or MathFunction.Max or MathFunction.Min or MathFunction.Hypot => method.Parameters.Length == 2,
            MathFunction.Clamp or MathFunction.FusedMultiplyAdd => method.Parameters.Length == 3,
            MathFunction.Round => true,
            _ => method.Parameters.Length == 1,
        };
    }

    private static bool IsSpanView(IMethodSymbol method)
    {
        if (method.Name == "AsSpan" && method.ContainingType.ToDisplayString() == "System.MemoryExtensions")
        {
            // AsSpan(T[]), AsSpan(T[], int), AsSpan(T[], int, int) on arrays.
            return method.Parameters.Length is >= 1 and <= 3 &&
                method.Parameters[0].Type is IArrayTypeSymbol &&
                method.Parameters.Skip(1).All(p => p.Type.SpecialType == SpecialType.System_Int32);
        }

        return method.Name == "Slice" &&
            method.ContainingType is INamedTypeSymbol span && TypeMapper.IsSpan(span.OriginalDefinition, out _) &&
            method.Parameters.All(p => p.Type.SpecialType == SpecialType.System_Int32);
    }

    public static bool HasAttribute(ISymbol symbol, string attributeName) =>
        symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == attributeName);

    /// <summary>The signature key of a method, e.g. <c>global::N.C.M(double, double[])</c>.</summary>
    public static string KeyOf(IMethodSymbol method) =>
        method.ContainingType.ToDisplayString(TypeMapper.FullyQualified) + "." + method.Name + "(" +
        string.Join(", ", method.Parameters.Select(p => (p.RefKind == RefKind.None ? string.Empty : p.RefKind.ToString().ToLowerInvariant() + " ") + p.Type.ToDisplayString(TypeMapper.FullyQualified))) + ")";

    /// <summary>How the generated code names a method: <c>global::N.C.M</c>.</summary>
    public static string QualifiedName(IMethodSymbol method) =>
        method.ContainingType.ToDisplayString(TypeMapper.FullyQualified) + "." + NameAllocator.Escape(method.Name);

    /// <summary>A user-supplied adjoint: a method named <c>{Name}Adjoint</c> marked [DerivativeOf] for this method.</summary>
    public IMethodSymbol? FindCustomAdjoint(IMethodSymbol method)
    {
        if (_customAdjoints.TryGetValue(method, out IMethodSymbol? cached))
        {
            return cached;
        }

        IMethodSymbol? found = null;
        foreach (ISymbol candidate in _compilation.GetSymbolsWithName(method.Name + "Adjoint", SymbolFilter.Member))
        {
            if (candidate is IMethodSymbol adjoint && adjoint.IsStatic && DerivativeOfTarget(adjoint) is var (type, name) &&
                name == method.Name && SymbolEqualityComparer.Default.Equals(type, method.ContainingType.OriginalDefinition) &&
                LeadingParametersMatch(adjoint, method))
            {
                found = adjoint;
                break;
            }
        }

        _customAdjoints[method] = found;
        return found;
    }

    /// <summary>The (type, method name) a [DerivativeOf] attribute on <paramref name="adjoint"/> names.</summary>
    public static (INamedTypeSymbol Type, string Name)? DerivativeOfTarget(IMethodSymbol adjoint)
    {
        foreach (AttributeData attribute in adjoint.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == DerivativeOfAttributeName &&
                attribute.ConstructorArguments.Length == 2 &&
                attribute.ConstructorArguments[0].Value is INamedTypeSymbol type &&
                attribute.ConstructorArguments[1].Value is string name)
            {
                return ((INamedTypeSymbol)type.OriginalDefinition, name);
            }
        }

        return null;
    }

    private static bool LeadingParametersMatch(IMethodSymbol adjoint, IMethodSymbol original)
    {
        if (adjoint.Parameters.Length <= original.Parameters.Length)
        {
            return false;
        }

        for (int i = 0; i < original.Parameters.Length; i++)
        {
            if (!SymbolEqualityComparer.Default.Equals(adjoint.Parameters[i].Type, original.Parameters[i].Type) ||
                adjoint.Parameters[i].RefKind != original.Parameters[i].RefKind)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The source declaration of a method with a body in this compilation, if any.</summary>
    public static BaseMethodDeclarationSyntax? SourceDeclaration(IMethodSymbol method, out IMethodSymbol implementation)
    {
        implementation = method.PartialImplementationPart ?? method;
        foreach (SyntaxReference reference in implementation.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is MethodDeclarationSyntax { Body: not null } or MethodDeclarationSyntax { ExpressionBody: not null })
            {
                return (BaseMethodDeclarationSyntax)reference.GetSyntax();
            }
        }

        return null;
    }

    /// <summary>
    /// Conservatively decides whether a method writes the contents of its array/span parameter (assigns an element,
    /// passes it on to a call that may write it, or creates a view or alias of it).
    /// </summary>
    public bool MayWriteParameter(IMethodSymbol method, int parameterIndex)
    {
        IParameterSymbol parameter = method.Parameters[parameterIndex];
        if (parameter.RefKind is RefKind.Ref or RefKind.Out)
        {
            return true;
        }

        TypeRef? type = TypeMapper.Map(parameter.Type);
        if (type is null || !type.IsCollection)
        {
            return false;
        }

        if (type.Shape == ShapeKind.ReadOnlySpan)
        {
            return false;
        }

        BaseMethodDeclarationSyntax? declaration = SourceDeclaration(method, out IMethodSymbol implementation);
        if (declaration is null)
        {
            return true;
        }

        SemanticModel model = _compilation.GetSemanticModel(declaration.SyntaxTree);
        IOperation? body = model.GetOperation(declaration);
        if (body is null)
        {
            return true;
        }

        IParameterSymbol target = implementation.Parameters[parameterIndex];
        foreach (IOperation operation in body.Descendants())
        {
            if (operation is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, target) &&
                IsWritingUse(reference))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsWritingUse(IParameterReferenceOperation reference)
    {
        IOperation? parent = reference.Parent;
        while (parent is IConversionOperation)
        {
            parent = parent.Parent;
        }

        switch (parent)
        {
            case IArrayElementReferenceOperation or IPropertyReferenceOperation:
                // a[i] or span[i]: written when the element is the target of an assignment or passed by ref.
                IOperation element = parent;
                return element.Parent switch
                {
                    IAssignmentOperation assignment => assignment.Target == element,
                    IIncrementOrDecrementOperation => true,
                    IArgumentOperation argument => argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out,
                    IVariableInitializerOperation => element.Parent.Parent is IVariableDeclaratorOperation d && d.Symbol.RefKind != RefKind.None,
                    _ => false,
                };
            case IArgumentOperation argument:
                // Passed on to a call: written unless it goes to a ReadOnlySpan parameter or a Math function.
                if (argument.Parameter?.Type is INamedTypeSymbol named && TypeMapper.IsSpan(named.OriginalDefinition, out bool readOnly) && readOnly)
                {
                    return false;
                }

                return argument.Parent is not IInvocationOperation call || Categorize(call.TargetMethod, out _, out _) != CalleeCategory.Math;
            case IInvocationOperation invocation when invocation.Instance == reference || invocation.Instance == reference.Parent:
                return invocation.TargetMethod.Name is not ("CopyTo" or "ToArray" or "IndexOf");
            case IVariableInitializerOperation or ISimpleAssignmentOperation:
                // Aliased into another variable.
                return true;
            default:
                return parent is IForEachLoopOperation ? false : parent is not (IBinaryOperation or IReturnOperation);
        }
    }
}
