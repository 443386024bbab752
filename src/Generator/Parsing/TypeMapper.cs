using AutoDiffGen.Generator.Model;
using Microsoft.CodeAnalysis;

namespace AutoDiffGen.Generator.Parsing;

/// <summary>Maps Roslyn types to <see cref="TypeRef"/>s.</summary>
internal static class TypeMapper
{
    public static readonly SymbolDisplayFormat FullyQualified = SymbolDisplayFormat.FullyQualifiedFormat
        .WithMiscellaneousOptions(
            SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers |
            SymbolDisplayMiscellaneousOptions.UseSpecialTypes |
            SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>Maps a type, or returns null when values of it cannot appear in differentiable code.</summary>
    public static TypeRef? Map(ITypeSymbol? type)
    {
        switch (type)
        {
            case null:
                return null;
            case IArrayTypeSymbol array:
                if (array.Rank != 1 || array.ElementType is IArrayTypeSymbol || array.ElementType.TypeKind == TypeKind.Pointer)
                {
                    return null;
                }

                TypeRef? element = Map(array.ElementType);
                return element is null || element.IsCollection ? null : TypeRef.ArrayOf(element);
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                return null;
            case INamedTypeSymbol named when named.IsGenericType && named.Arity == 1 && IsSpan(named, out bool readOnly):
                TypeRef? spanElement = Map(named.TypeArguments[0]);
                if (spanElement is null || spanElement.IsCollection)
                {
                    return null;
                }

                return readOnly ? TypeRef.ReadOnlySpanOf(spanElement) : TypeRef.SpanOf(spanElement);
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_Double:
                return TypeRef.Double;
            case SpecialType.System_Single:
                return TypeRef.Single;
            case SpecialType.System_Boolean:
                return TypeRef.Boolean;
            case SpecialType.System_String:
                return TypeRef.String;
            case SpecialType.System_Void:
                return TypeRef.Void;
            case SpecialType.System_Int32:
            case SpecialType.System_Int64:
            case SpecialType.System_Int16:
            case SpecialType.System_Byte:
            case SpecialType.System_SByte:
            case SpecialType.System_UInt16:
            case SpecialType.System_UInt32:
            case SpecialType.System_UInt64:
            case SpecialType.System_Char:
            case SpecialType.System_IntPtr:
            case SpecialType.System_UIntPtr:
                return new TypeRef(type.ToDisplayString(FullyQualified), ShapeKind.Scalar, ValueKind.Integer);
        }

        if (type.TypeKind == TypeKind.Dynamic || type.IsRefLikeType || type is ITypeParameterSymbol)
        {
            return null;
        }

        if (type is INamedTypeSymbol { IsGenericType: true } nullable && nullable.ConstructedFrom.SpecialType == SpecialType.System_Nullable_T)
        {
            // double? and friends would need lifted arithmetic.
            TypeRef? underlying = Map(nullable.TypeArguments[0]);
            if (underlying is null || underlying.IsFloating)
            {
                return null;
            }
        }

        return new TypeRef(type.ToDisplayString(FullyQualified), ShapeKind.Scalar, ValueKind.Other);
    }

    public static bool IsSpan(INamedTypeSymbol type, out bool readOnly)
    {
        readOnly = false;
        if (type.ContainingNamespace is not { Name: "System", ContainingNamespace.IsGlobalNamespace: true })
        {
            return false;
        }

        if (type.MetadataName == "Span`1")
        {
            return true;
        }

        readOnly = true;
        return type.MetadataName == "ReadOnlySpan`1";
    }
}
