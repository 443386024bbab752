using AutoDiffGen.Generator.Helpers;

namespace AutoDiffGen.Generator.Model;

// The generated program: a small C# syntax tree that the differentiator builds and the emitter prints.
// Expressions reuse the IR's Expr records (plus NameExpr and InvokeExpr for generated names and calls).

internal abstract record CodeStmt;

internal sealed record CodeBlock(EquatableArray<CodeStmt> Statements) : CodeStmt
{
    public static readonly CodeBlock Empty = new(EquatableArray<CodeStmt>.Empty);

    public bool IsEmpty => Statements.IsEmpty;
}

/// <summary>A <c>//</c> comment line.</summary>
internal sealed record CodeComment(string Text) : CodeStmt;

internal sealed record CodeBlankLine : CodeStmt;

/// <summary><c>Type Name = Value;</c> (or <c>const</c>).</summary>
/// <param name="CopiesResult">A copy of the value a statement just assigned, taken before the statement's old value is
/// restored: it reads the new value, which never needs saving.</param>
internal sealed record CodeDeclare(TypeRef Type, string Name, Expr? Value, bool IsConst = false, bool UseVar = false, bool CopiesResult = false) : CodeStmt;

/// <summary><c>Target Operator Value;</c> with Operator <c>=</c>, <c>+=</c>, <c>-=</c>, ...</summary>
internal sealed record CodeAssign(Expr Target, string Operator, Expr Value) : CodeStmt;

/// <summary><c>Target++;</c> or <c>Target--;</c>.</summary>
internal sealed record CodeIncrement(Expr Target, bool Decrement) : CodeStmt;

/// <summary>An expression statement (a call).</summary>
internal sealed record CodeExpression(Expr Expression) : CodeStmt;

internal sealed record CodeIf(Expr Condition, CodeBlock Then, CodeBlock? Else) : CodeStmt;

/// <summary><c>for (Initializers; Condition; Steps) Body</c>; initializers and steps are simple statements.</summary>
internal sealed record CodeFor(EquatableArray<CodeStmt> Initializers, Expr? Condition, EquatableArray<CodeStmt> Steps, CodeBlock Body) : CodeStmt;

internal sealed record CodeWhile(Expr Condition, CodeBlock Body, bool IsDoWhile) : CodeStmt;

internal sealed record CodeBreak : CodeStmt;

internal sealed record CodeContinue : CodeStmt;

internal sealed record CodeReturn(Expr? Value) : CodeStmt;

internal sealed record CodeThrow(Expr Exception) : CodeStmt;

internal sealed record CodeGoto(string Label) : CodeStmt;

internal sealed record CodeLabel(string Label) : CodeStmt;

internal sealed record CodeTryFinally(CodeBlock Body, CodeBlock Finally) : CodeStmt;

/// <summary>Lines of code written as they are (template-like code such as the GradientTape bridge).</summary>
internal sealed record CodeRaw(EquatableArray<string> Lines) : CodeStmt;

/// <summary>A parameter: <c>Modifier Type Name</c>.</summary>
internal sealed record CodeParameter(string Modifier, string Type, string Name);

/// <summary>A generated method.</summary>
/// <param name="Documentation">XML documentation lines, without the <c>///</c> prefix.</param>
internal sealed record CodeMethod(
    EquatableArray<string> Documentation,
    string Modifiers,
    string ReturnType,
    string Name,
    EquatableArray<CodeParameter> Parameters,
    CodeBlock Body);

/// <summary>A generated nested class holding the private adjoints of helpers.</summary>
internal sealed record CodeClass(string Modifiers, string Name, EquatableArray<CodeMethod> Methods);

/// <summary>One generated file: the adjoints of one [Differentiable] method.</summary>
internal sealed record GeneratedFile(
    string HintName,
    string? Namespace,
    EquatableArray<ContainingType> ContainingTypes,
    EquatableArray<CodeMethod> Methods,
    CodeClass? Helpers);
