using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using AutoDiffGen.Generator.Diagnostics;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AutoDiffGen.Generator.Parsing;

/// <summary>Checks methods marked [DerivativeOf]: a wrong signature would otherwise be silently ignored.</summary>
internal static class DerivativeOfParser
{
    public static ImmutableArray<Diagnostic> Validate(GeneratorAttributeSyntaxContext context)
    {
        if (context.TargetSymbol is not IMethodSymbol adjoint || context.TargetNode is not MethodDeclarationSyntax declaration)
        {
            return ImmutableArray<Diagnostic>.Empty;
        }

        Location location = declaration.Identifier.GetLocation();
        Diagnostic Invalid(string reason) => Diagnostic.Create(Descriptors.InvalidDerivativeOf, location, adjoint.Name, reason);

        if (CalleeResolver.DerivativeOfTarget(adjoint) is not var (type, name))
        {
            return ImmutableArray.Create(Invalid("the attribute needs a type and a method name, e.g. [DerivativeOf(typeof(MyMath), nameof(MyMath.Erf))]"));
        }

        if (!adjoint.IsStatic)
        {
            return ImmutableArray.Create(Invalid("it must be static"));
        }

        if (adjoint.Name != name + "Adjoint")
        {
            return ImmutableArray.Create(Invalid($"it must be named '{name}Adjoint', after the method it differentiates"));
        }

        var candidates = type.GetMembers(name).OfType<IMethodSymbol>().ToList();
        if (candidates.Count == 0)
        {
            return ImmutableArray.Create(Invalid($"type '{type.ToDisplayString()}' has no method named '{name}'"));
        }

        var expected = new List<string>();
        foreach (IMethodSymbol original in candidates)
        {
            string signature = ExpectedSignature(original);
            expected.Add(signature);
            if (Matches(adjoint, original))
            {
                return ImmutableArray<Diagnostic>.Empty;
            }
        }

        return ImmutableArray.Create(Invalid("its signature must be " + string.Join(" or ", expected.Select(e => "'" + e + "'"))));
    }

    private static IEnumerable<(TypeRef Type, string Name, RefKind RefKind)> ExpectedParameters(IMethodSymbol original)
    {
        foreach (IParameterSymbol parameter in original.Parameters)
        {
            yield return (TypeMapper.Map(parameter.Type) ?? new TypeRef(parameter.Type.ToDisplayString(), ShapeKind.Scalar, ValueKind.Other), parameter.Name, parameter.RefKind);
        }

        TypeRef? returnType = TypeMapper.Map(original.ReturnType);
        if (returnType is not null && returnType.Element != ValueKind.Void)
        {
            yield return (returnType, "seed", RefKind.None);
        }

        foreach (IParameterSymbol parameter in original.Parameters)
        {
            TypeRef? type = TypeMapper.Map(parameter.Type);
            if (type is { IsFloating: true } && parameter.RefKind is RefKind.None or RefKind.In &&
                !CalleeResolver.HasAttribute(parameter, CalleeResolver.NoDerivativeAttributeName))
            {
                yield return type.IsCollection
                    ? (TypeRef.SpanOf(type.ElementType), "d" + NameAllocator.Capitalize(parameter.Name), RefKind.None)
                    : (type, "d" + NameAllocator.Capitalize(parameter.Name), RefKind.Ref);
            }
        }
    }

    private static bool Matches(IMethodSymbol adjoint, IMethodSymbol original)
    {
        var expected = ExpectedParameters(original).ToList();
        if (adjoint.Parameters.Length != expected.Count ||
            !SymbolEqualityComparer.Default.Equals(adjoint.ReturnType, original.ReturnType))
        {
            return false;
        }

        for (int i = 0; i < expected.Count; i++)
        {
            IParameterSymbol actual = adjoint.Parameters[i];
            TypeRef? actualType = i < original.Parameters.Length ? null : TypeMapper.Map(actual.Type);
            bool typeMatches = i < original.Parameters.Length
                ? SymbolEqualityComparer.Default.Equals(actual.Type, original.Parameters[i].Type)
                : actualType == expected[i].Type;
            if (!typeMatches || actual.RefKind != expected[i].RefKind)
            {
                return false;
            }
        }

        return true;
    }

    private static string ExpectedSignature(IMethodSymbol original)
    {
        string Short(TypeRef type) => type.Name.Replace("global::System.", string.Empty).Replace("global::", string.Empty);
        string parameters = string.Join(", ", ExpectedParameters(original).Select(p =>
            (p.RefKind == RefKind.Ref ? "ref " : p.RefKind == RefKind.Out ? "out " : p.RefKind == RefKind.In ? "in " : string.Empty) + Short(p.Type) + " " + p.Name));
        return $"static {original.ReturnType.ToDisplayString()} {original.Name}Adjoint({parameters})";
    }
}
