using AutoDiffGen.Generator.Helpers;

namespace AutoDiffGen.Generator.Model;

internal enum UnaryOp
{
    Negate,
    Plus,
    Not,
    BitwiseNot,
}

internal enum BinaryOp
{
    Add,
    Subtract,
    Multiply,
    Divide,
    Remainder,
    Equals,
    NotEquals,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    ConditionalAnd,
    ConditionalOr,
    And,
    Or,
    ExclusiveOr,
    LeftShift,
    RightShift,
}

/// <summary>How an argument is passed.</summary>
internal enum PassingMode
{
    Value,
    Ref,
    Out,
    In,
}

/// <summary>The functions of System.Math and System.MathF the differentiator knows.</summary>
internal enum MathFunction
{
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Atan2,
    Sinh,
    Cosh,
    Tanh,
    Asinh,
    Acosh,
    Atanh,
    Exp,
    Log,
    Log10,
    Log2,
    Sqrt,
    Cbrt,
    Pow,
    Abs,
    Max,
    Min,
    Clamp,
    FusedMultiplyAdd,
    Hypot,

    // Piecewise constant: derivative zero.
    Floor,
    Ceiling,
    Round,
    Truncate,
    Sign,
    IsNaN,
    IsInfinity,
    IsFinite,
}

/// <summary>An expression of the differentiable subset of C#. Every node knows its type.</summary>
internal abstract record Expr(TypeRef Type);

/// <summary>A literal, spelled as the generated code spells it (invariant culture).</summary>
internal sealed record LiteralExpr(TypeRef Type, string Text) : Expr(Type);

/// <summary>A parameter or local of the function (see <see cref="VariableModel"/>).</summary>
internal sealed record VariableExpr(TypeRef Type, int Id) : Expr(Type);

/// <summary><c>a[i]</c> on an array or span.</summary>
internal sealed record ElementExpr(TypeRef Type, Expr Collection, Expr Index) : Expr(Type);

/// <summary><c>a.Length</c>.</summary>
internal sealed record LengthExpr(Expr Collection) : Expr(TypeRef.Int32);

internal sealed record UnaryExpr(TypeRef Type, UnaryOp Op, Expr Operand) : Expr(Type);

internal sealed record BinaryExpr(TypeRef Type, BinaryOp Op, Expr Left, Expr Right) : Expr(Type);

/// <summary><c>c ? a : b</c>.</summary>
internal sealed record ConditionalExpr(TypeRef Type, Expr Condition, Expr WhenTrue, Expr WhenFalse) : Expr(Type);

/// <summary>A numeric (or array-to-span) conversion; <see cref="IsExplicit"/> ones are printed as casts.</summary>
internal sealed record ConvertExpr(TypeRef Type, Expr Operand, bool IsExplicit) : Expr(Type);

/// <summary>A call to a function of System.Math, System.MathF, double or float.</summary>
internal sealed record MathCallExpr(TypeRef Type, MathFunction Function, string Receiver, EquatableArray<Expr> Arguments) : Expr(Type);

/// <summary>A call to a user method (helper, [Differentiable], custom derivative or external).</summary>
/// <param name="Receiver">The instance for instance calls (external only).</param>
internal sealed record CallExpr(TypeRef Type, CallTarget Target, Expr? Receiver, EquatableArray<Argument> Arguments) : Expr(Type);

/// <summary>A read of a field or property that is constant as far as differentiation goes.</summary>
internal sealed record MemberExpr(TypeRef Type, Expr? Receiver, string Member) : Expr(Type);

/// <summary><c>new double[n]</c> or <c>new[] { ... }</c>.</summary>
internal sealed record NewArrayExpr(TypeRef Type, Expr? Length, EquatableArray<Expr> Initializer) : Expr(Type);

/// <summary><c>AutoDiff.StopGradient(x)</c>: value of x, no derivative.</summary>
internal sealed record StopGradientExpr(TypeRef Type, Expr Operand) : Expr(Type);

/// <summary><c>a.AsSpan(...)</c>, <c>s.Slice(...)</c>: a view whose adjoint is the same view of the adjoint.</summary>
internal sealed record SpanViewExpr(TypeRef Type, Expr Source, string Method, EquatableArray<Expr> Arguments) : Expr(Type);

internal enum ReduceKind
{
    Sum,
    Average,
    SumOfSquares,
    Dot,
}

/// <summary>
/// A reduction over arrays or spans with a built-in derivative: LINQ's Sum and Average, TensorPrimitives' Sum,
/// SumOfSquares and Dot. <see cref="Sources"/> are the views reduced; <see cref="Call"/> is the original call.
/// </summary>
internal sealed record ReduceExpr(TypeRef Type, ReduceKind Kind, EquatableArray<Expr> Sources, Expr Call) : Expr(Type);

/// <summary>A new array holding a copy of a view: <c>(double[])a.Clone()</c>, <c>span.ToArray()</c>.</summary>
internal sealed record CopyArrayExpr(TypeRef Type, Expr Source, Expr Call) : Expr(Type);

/// <summary><c>new T(args)</c> for non-differentiable objects (exceptions).</summary>
internal sealed record ObjectCreationExpr(TypeRef Type, EquatableArray<Argument> Arguments) : Expr(Type);

/// <summary>An interpolated string (exception messages).</summary>
internal sealed record InterpolatedStringExpr(EquatableArray<InterpolationPart> Parts) : Expr(TypeRef.String);

internal sealed record InterpolationPart(string? Text, Expr? Value, string? Alignment, string? Format);

internal sealed record DefaultExpr(TypeRef Type) : Expr(Type);

// ---- nodes that only generated code contains ---------------------------------------------------------------

/// <summary>A generated local (adjoint, temporary, flag) referred to by name.</summary>
internal sealed record NameExpr(TypeRef Type, string Name) : Expr(Type);

/// <summary>A call written out by the differentiator: <c>Method(args)</c>, where Method is already qualified.</summary>
internal sealed record InvokeExpr(TypeRef Type, string Method, EquatableArray<Argument> Arguments) : Expr(Type);

/// <summary>An argument with its passing mode.</summary>
internal sealed record Argument(Expr Value, PassingMode Kind);

/// <summary>Which kind of callee a <see cref="CallExpr"/> refers to.</summary>
internal enum CallKind
{
    /// <summary>A method whose source is in this compilation; differentiated transitively into a private adjoint.</summary>
    Helper,

    /// <summary>A [Differentiable] method: its generated public <c>MAdjoint</c> is called.</summary>
    Differentiable,

    /// <summary>A method with a user-supplied adjoint ([DerivativeOf]).</summary>
    Custom,

    /// <summary>A method without derivative; only valid when none of its inputs is differentiable.</summary>
    External,
}

/// <summary>A parameter of a callee, as the call site needs it.</summary>
internal sealed record CalleeParameter(string Name, TypeRef Type, PassingMode Kind, bool HasAdjoint, bool IsWritten);

/// <summary>The method a <see cref="CallExpr"/> calls and how to call its adjoint.</summary>
/// <param name="Key">Unique signature key, e.g. <c>global::N.C.M(double,double[])</c>.</param>
/// <param name="Method">The qualified name used to call the primal, e.g. <c>global::N.C.M</c>.</param>
/// <param name="Adjoint">The qualified name of the adjoint to call in the reverse sweep (null for External).</param>
/// <param name="HelperIndex">For <see cref="CallKind.Helper"/>: index into <see cref="MethodModel.Helpers"/>.</param>
internal sealed record CallTarget(
    string Key,
    string DisplayName,
    string Method,
    CallKind Kind,
    string? Adjoint,
    int HelperIndex,
    TypeRef ReturnType,
    EquatableArray<CalleeParameter> Parameters);
