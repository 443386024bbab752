namespace AutoDiffGen.Generator.Model;

/// <summary>The element kind of a value: what the differentiator needs to know about a type.</summary>
internal enum ValueKind
{
    /// <summary><see cref="double"/>: differentiable.</summary>
    Double,

    /// <summary><see cref="float"/>: differentiable.</summary>
    Single,

    /// <summary>Any integral type (int, long, short, byte, char, ...): derivative zero.</summary>
    Integer,

    /// <summary><see cref="bool"/>.</summary>
    Boolean,

    /// <summary><see cref="string"/>.</summary>
    String,

    /// <summary>Anything else (enums, other structs and classes), passed through.</summary>
    Other,

    /// <summary>The return type of a method that returns nothing.</summary>
    Void,
}

/// <summary>How values of a type are laid out.</summary>
internal enum ShapeKind
{
    Scalar,
    Array,
    Span,
    ReadOnlySpan,
}

/// <summary>
/// A type as the generated code spells it (<see cref="Name"/>, <c>global::</c>-qualified) plus its
/// classification. Holds no Roslyn symbol.
/// </summary>
internal sealed record TypeRef(string Name, ShapeKind Shape, ValueKind Element)
{
    public static readonly TypeRef Double = new("double", ShapeKind.Scalar, ValueKind.Double);
    public static readonly TypeRef Single = new("float", ShapeKind.Scalar, ValueKind.Single);
    public static readonly TypeRef Int32 = new("int", ShapeKind.Scalar, ValueKind.Integer);
    public static readonly TypeRef Boolean = new("bool", ShapeKind.Scalar, ValueKind.Boolean);
    public static readonly TypeRef String = new("string", ShapeKind.Scalar, ValueKind.String);
    public static readonly TypeRef Void = new("void", ShapeKind.Scalar, ValueKind.Void);

    /// <summary>float or double elements.</summary>
    public bool IsFloating => Element is ValueKind.Double or ValueKind.Single;

    /// <summary>A float or double scalar.</summary>
    public bool IsFloatingScalar => IsFloating && Shape == ShapeKind.Scalar;

    /// <summary>An array or span (of any element).</summary>
    public bool IsCollection => Shape != ShapeKind.Scalar;

    /// <summary>An array or span of float or double.</summary>
    public bool IsFloatingCollection => IsFloating && IsCollection;

    /// <summary>The scalar type of the elements (for collections) or the type itself.</summary>
    public TypeRef ElementType => Shape == ShapeKind.Scalar ? this : ScalarOf(Element, ElementName);

    /// <summary>The element's C# name, for collections.</summary>
    public string ElementName => Shape switch
    {
        ShapeKind.Array => Name.Substring(0, Name.Length - 2),
        ShapeKind.Span => Name.Substring("global::System.Span<".Length, Name.Length - "global::System.Span<".Length - 1),
        ShapeKind.ReadOnlySpan => Name.Substring("global::System.ReadOnlySpan<".Length, Name.Length - "global::System.ReadOnlySpan<".Length - 1),
        _ => Name,
    };

    public static TypeRef ScalarOf(ValueKind kind, string name) => kind switch
    {
        ValueKind.Double => Double,
        ValueKind.Single => Single,
        ValueKind.Boolean => Boolean,
        _ => new TypeRef(name, ShapeKind.Scalar, kind),
    };

    public static TypeRef ArrayOf(TypeRef element) => new(element.Name + "[]", ShapeKind.Array, element.Element);

    public static TypeRef SpanOf(TypeRef element) => new("global::System.Span<" + element.Name + ">", ShapeKind.Span, element.Element);

    public static TypeRef ReadOnlySpanOf(TypeRef element) => new("global::System.ReadOnlySpan<" + element.Name + ">", ShapeKind.ReadOnlySpan, element.Element);

    public override string ToString() => Name;
}
