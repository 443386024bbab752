using AutoDiffGen.Generator.Helpers;

namespace AutoDiffGen.Generator.Model;

/// <summary>
/// A statement of the differentiable subset. <see cref="Source"/> is the original statement's text (one line),
/// which the generated reverse sweep quotes in comments.
/// </summary>
internal abstract record Stmt(string Source);

internal sealed record BlockStmt(string Source, EquatableArray<Stmt> Statements) : Stmt(Source)
{
    public static readonly BlockStmt Empty = new(string.Empty, EquatableArray<Stmt>.Empty);
}

/// <summary>A local's declaration (declarations are hoisted by the emitter; this assigns the initial value).</summary>
internal sealed record DeclareStmt(string Source, int VariableId, Expr? Initializer) : Stmt(Source);

internal enum AssignKind
{
    /// <summary><c>t = v</c>.</summary>
    Simple,

    /// <summary><c>t op= v</c>.</summary>
    Compound,

    /// <summary><c>t++</c> (Op = Add, Value = 1).</summary>
    Increment,

    /// <summary><c>t--</c> (Op = Subtract, Value = 1).</summary>
    Decrement,
}

/// <summary><c>Target = Value</c>, or <c>Target Op= Value</c> for compound forms.</summary>
internal sealed record AssignStmt(string Source, Expr Target, Expr Value, AssignKind Kind, BinaryOp Op) : Stmt(Source);

/// <summary>A call whose result is not used (void helpers, helpers that write their ref/array arguments).</summary>
internal sealed record CallStmt(string Source, CallExpr Call) : Stmt(Source);

internal sealed record IfStmt(string Source, Expr Condition, BlockStmt Then, BlockStmt? Else) : Stmt(Source);

internal enum LoopKind
{
    For,
    While,
    DoWhile,
    ForEach,
}

/// <summary>
/// Every loop form. <c>for (Init; Condition; Increments) Body</c>; while and do-while have no Init/Increments;
/// foreach is lowered to an index loop (Init assigns the hidden index, Body starts with the element's assignment).
/// </summary>
internal sealed record LoopStmt(
    string Source,
    int LoopId,
    LoopKind Kind,
    EquatableArray<Stmt> Initializers,
    Expr? Condition,
    EquatableArray<Stmt> Increments,
    BlockStmt Body) : Stmt(Source);

/// <summary><c>break</c> out of the loop <see cref="LoopId"/>.</summary>
internal sealed record BreakStmt(string Source, int LoopId) : Stmt(Source);

/// <summary><c>continue</c> with the next iteration of the loop <see cref="LoopId"/>.</summary>
internal sealed record ContinueStmt(string Source, int LoopId) : Stmt(Source);

internal sealed record ReturnStmt(string Source, Expr? Value) : Stmt(Source);

internal sealed record ThrowStmt(string Source, Expr Exception) : Stmt(Source);

/// <summary>What a <see cref="BulkStmt"/> does to its target view.</summary>
internal enum BulkKind
{
    /// <summary><c>Input</c> (a view) is copied into <c>Target</c>.</summary>
    Copy,

    /// <summary>Every element of <c>Target</c> is set to <c>Input</c> (a scalar).</summary>
    Fill,

    /// <summary>Every element of <c>Target</c> is set to zero.</summary>
    Clear,
}

/// <summary>
/// <c>Array.Copy</c>, <c>CopyTo</c>, <c>Fill</c>, <c>Clear</c> on arrays and spans: <see cref="Target"/> and a
/// copy's <see cref="Input"/> are views (a variable, or AsSpan/Slice of one); <see cref="Call"/> is the original call.
/// </summary>
internal sealed record BulkStmt(string Source, BulkKind Kind, Expr Target, Expr? Input, Expr Call) : Stmt(Source);
