using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using AutoDiffGen.Generator.Analysis;
using AutoDiffGen.Generator.Diagnostics;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using LoopKind = AutoDiffGen.Generator.Model.LoopKind;

namespace AutoDiffGen.Generator.Parsing;

/// <summary>
/// Lowers one method body from Roslyn's IOperation tree to the equatable IR (<see cref="FunctionModel"/>).
/// Whatever falls outside the differentiable subset is reported with its exact location.
/// </summary>
/// <remarks>
/// Lowering normalizes the code just enough for the differentiator: calls to user methods that appear inside
/// larger expressions are hoisted into their own statements (so their adjoints run at a well-defined point and
/// are never re-evaluated), foreach becomes an index loop, switch becomes an if/else chain, compound assignments
/// with mixed types become simple ones, and ref locals to elements become an index variable.
/// </remarks>
internal sealed partial class FunctionLowering
{
    private readonly ParseContext _context;
    private readonly IMethodSymbol _method;
    private readonly SemanticModel _semanticModel;
    private readonly BaseMethodDeclarationSyntax _declaration;
    private readonly int _functionIndex;
    private readonly List<VariableModel> _variables = [];
    private readonly Dictionary<ISymbol, int> _ids = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ISymbol, Expr> _aliases = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ILabelSymbol, int> _loopExitLabels = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ILabelSymbol, int> _loopContinueLabels = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ILabelSymbol> _switchExitLabels = new(SymbolEqualityComparer.Default);
    private readonly NameAllocator _names;
    private readonly HashSet<string> _localNames = [];
    private readonly HashSet<string> _reservedForOutputs = [];
    private int _loopCount;
    private List<Stmt> _pre = [];
    private string _source = string.Empty;
    private int _conditionDepth;

    /// <param name="functionIndex">-1 for the [Differentiable] method, otherwise the helper's index.</param>
    public FunctionLowering(ParseContext context, IMethodSymbol method, BaseMethodDeclarationSyntax declaration, int functionIndex)
    {
        _context = context;
        _method = method;
        _declaration = declaration;
        _functionIndex = functionIndex;
        _semanticModel = context.Compilation.GetSemanticModel(declaration.SyntaxTree);

        // Generated names must not collide with any identifier the user wrote, nor with the gradient outputs.
        // Locals keep their own names (the first local of a name gets it; later ones with the same name get a suffix).
        _names = new NameAllocator(declaration.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
    }

    private bool IsRoot => _functionIndex < 0;

    public FunctionModel? Lower()
    {
        var parameterIds = new List<int>();
        foreach (IParameterSymbol parameter in _method.Parameters)
        {
            parameterIds.Add(DeclareParameter(parameter));
        }

        // Gradient outputs are named dX after parameter x; user locals must not take those names.
        foreach (IParameterSymbol parameter in _method.Parameters)
        {
            _names.Reserve("d" + NameAllocator.Capitalize(parameter.Name));
            _reservedForOutputs.Add("d" + NameAllocator.Capitalize(parameter.Name));
            _localNames.Add(parameter.Name);
        }

        IOperation? bodyOperation = _semanticModel.GetOperation(_declaration, _context.CancellationToken);
        IBlockOperation? block = bodyOperation switch
        {
            IMethodBodyOperation body => body.BlockBody ?? body.ExpressionBody,
            IBlockOperation b => b,
            _ => null,
        };
        if (block is null)
        {
            Report(Descriptors.UnsupportedStatement, _declaration.GetLocation(), _method.Name, "a method without a body", string.Empty);
            return null;
        }

        TypeRef returnType = TypeMapper.Map(_method.ReturnType) ?? new TypeRef(_method.ReturnType.ToDisplayString(TypeMapper.FullyQualified), ShapeKind.Scalar, ValueKind.Other);
        BlockStmt bodyStmt = LowerBlock(block);

        return new FunctionModel(
            CalleeResolver.KeyOf(_method),
            _method.Name,
            CalleeResolver.QualifiedName(_method),
            returnType,
            parameterIds.ToEquatableArray(),
            _variables.ToEquatableArray(),
            bodyStmt,
            _loopCount);
    }

    // ---- variables -------------------------------------------------------------------------------------------

    private int DeclareParameter(IParameterSymbol parameter)
    {
        Location location = parameter.Locations.FirstOrDefault() ?? _declaration.GetLocation();
        TypeRef type = TypeFor(parameter.Type, location, parameter.Name);
        bool noDerivative = CalleeResolver.HasAttribute(parameter, CalleeResolver.NoDerivativeAttributeName);
        PassingMode kind = parameter.RefKind switch
        {
            RefKind.Ref => PassingMode.Ref,
            RefKind.Out => PassingMode.Out,
            RefKind.In or RefKind.RefReadOnlyParameter => PassingMode.In,
            _ => PassingMode.Value,
        };
        if (IsRoot && type.IsFloating && !noDerivative && kind is PassingMode.Ref or PassingMode.Out)
        {
            Report(Descriptors.UnsupportedParameter, location, parameter.Name, _method.Name, $"passed by '{parameter.RefKind.ToString().ToLowerInvariant()}'",
                "pass it by value, return the result, or move the code into a helper method (helpers may take ref and out parameters)");
        }

        string name = NameAllocator.Escape(parameter.Name);
        _names.Reserve(parameter.Name);
        int id = _variables.Count;
        _variables.Add(new VariableModel(id, name, parameter.Name, type, VariableKind.Parameter, kind, noDerivative, null, false, id));
        _ids[parameter] = id;
        return id;
    }

    private int DeclareLocal(ILocalSymbol local, Location location)
    {
        if (_ids.TryGetValue(local, out int existing))
        {
            return existing;
        }

        TypeRef type = TypeFor(local.Type, location, local.Name);
        string name = NameAllocator.Escape(_localNames.Add(local.Name) && !_reservedForOutputs.Contains(local.Name) ? local.Name : _names.Allocate(local.Name));
        _names.Reserve(name);
        string? constant = null;
        if (local.IsConst && local.HasConstantValue)
        {
            constant = Literals.Format(local.ConstantValue, type);
        }

        int id = _variables.Count;
        _variables.Add(new VariableModel(id, name, NameAllocator.Unescape(name), type, VariableKind.Local, PassingMode.Value, false, constant, false, id));
        _ids[local] = id;
        return id;
    }

    private int NewTemporary(string baseName, TypeRef type)
    {
        string name = _names.Allocate(baseName);
        int id = _variables.Count;
        _variables.Add(new VariableModel(id, name, name, type, VariableKind.Temporary, PassingMode.Value, false, null, false, id));
        return id;
    }

    private VariableExpr Var(int id) => new(_variables[id].Type, id);

    /// <summary>Maps a type, reporting it at <paramref name="location"/> when differentiable code cannot hold it.</summary>
    private TypeRef TypeFor(ITypeSymbol? type, Location location, string what)
    {
        TypeRef? mapped = TypeMapper.Map(type);
        if (mapped is not null)
        {
            return mapped;
        }

        if (type is IPointerTypeSymbol or IFunctionPointerTypeSymbol)
        {
            Report(Descriptors.UnsafeCode, location, what);
        }
        else if (type is IArrayTypeSymbol or INamedTypeSymbol { IsGenericType: true } || type?.SpecialType == SpecialType.System_Decimal)
        {
            string hint = type is IArrayTypeSymbol { Rank: > 1 } or IArrayTypeSymbol { ElementType: IArrayTypeSymbol }
                ? "; flatten multi-dimensional and jagged arrays into one array and index it as [row * columns + column]"
                : string.Empty;
            if (type is IArrayTypeSymbol || TypeIsFloatingLike(type))
            {
                Report(Descriptors.UnsupportedType, location, what, type?.ToDisplayString() ?? "?", hint);
            }
            else
            {
                return new TypeRef(type!.ToDisplayString(TypeMapper.FullyQualified), ShapeKind.Scalar, ValueKind.Other);
            }
        }
        else if (type is not null)
        {
            return new TypeRef(type.ToDisplayString(TypeMapper.FullyQualified), ShapeKind.Scalar, ValueKind.Other);
        }

        return new TypeRef(type?.ToDisplayString(TypeMapper.FullyQualified) ?? "object", ShapeKind.Scalar, ValueKind.Other);
    }

    private static bool TypeIsFloatingLike(ITypeSymbol? type) =>
        type is INamedTypeSymbol { IsGenericType: true } named && named.TypeArguments.Any(a => a.SpecialType is SpecialType.System_Double or SpecialType.System_Single);

    private void Report(DiagnosticDescriptor descriptor, Location? location, params object?[] arguments) =>
        _context.Report(descriptor, location, arguments);

    // ---- statements ----------------------------------------------------------------------------------------

    private BlockStmt LowerBlock(IOperation? operation)
    {
        var statements = new List<Stmt>();
        if (operation is IBlockOperation block)
        {
            foreach (IOperation statement in block.Operations)
            {
                LowerStatement(statement, statements);
            }
        }
        else if (operation is not null)
        {
            LowerStatement(operation, statements);
        }

        return new BlockStmt(operation is null ? string.Empty : StatementText.Of(operation.Syntax), statements.ToEquatableArray());
    }

    private void LowerStatement(IOperation operation, List<Stmt> output)
    {
        _context.CancellationToken.ThrowIfCancellationRequested();
        string previousSource = _source;
        List<Stmt> previousPre = _pre;
        _source = StatementText.Of(operation.Syntax);
        _pre = [];
        try
        {
            Stmt? lowered = LowerStatementCore(operation, output);
            output.AddRange(_pre);
            if (lowered is not null)
            {
                output.Add(lowered);
            }
        }
        finally
        {
            _source = previousSource;
            _pre = previousPre;
        }
    }

    private Stmt? LowerStatementCore(IOperation operation, List<Stmt> output)
    {
        switch (operation)
        {
            case IBlockOperation { Syntax: var blockSyntax } block when (blockSyntax as CheckedStatementSyntax ?? blockSyntax.Parent as CheckedStatementSyntax) is { } checkedBlock &&
                block.Descendants().Any(InOtherOverflowContext):
                // The generated code runs in the project's overflow context: integer arithmetic that a checked (or
                // unchecked) block makes behave differently cannot be reproduced there.
                Report(Descriptors.UnsupportedStatement, checkedBlock.Keyword.GetLocation(), _source, $"a '{checkedBlock.Keyword.ValueText}' block around integer arithmetic",
                    "; move the integer arithmetic out of the differentiated method, or make overflow checking the project's setting (CheckForOverflowUnderflow)");
                return null;

            case IBlockOperation block:
                foreach (IOperation statement in block.Operations)
                {
                    LowerStatement(statement, output);
                }

                return null;

            case IEmptyOperation:
                return null;

            case IVariableDeclarationGroupOperation group:
                foreach (IVariableDeclarationOperation declaration in group.Declarations)
                {
                    foreach (IVariableDeclaratorOperation declarator in declaration.Declarators)
                    {
                        LowerDeclarator(declarator, output);
                    }
                }

                return null;

            case IExpressionStatementOperation expressionStatement:
                return LowerExpressionStatement(expressionStatement.Operation);

            case IConditionalOperation conditional:
                return LowerIf(conditional);

            case IWhileLoopOperation or IForLoopOperation or IForEachLoopOperation:
                return LowerLoop((ILoopOperation)operation);

            case IBranchOperation branch:
                return LowerBranch(branch);

            case IReturnOperation { Kind: OperationKind.Return } ret:
                return new ReturnStmt(_source, ret.ReturnedValue is null ? null : LowerExpr(ret.ReturnedValue, topLevel: true));

            case IReturnOperation:
                Report(Descriptors.AsyncOrIterator, operation.Syntax.GetLocation(), _method.Name, "an iterator");
                return null;

            case ISwitchOperation switchOperation:
                return LowerSwitch(switchOperation);

            case IThrowOperation throwOperation when throwOperation.Exception is not null:
                return new ThrowStmt(_source, LowerExpr(throwOperation.Exception));

            case ILocalFunctionOperation:
                Report(Descriptors.DifferentiableLocalFunction, operation.Syntax.GetLocation(), _source, "local functions");
                return null;

            case ILabeledOperation labeled:
                // The goto that targets it is what gets reported; the labelled statement itself is fine.
                return labeled.Operation is null ? null : LowerStatementCore(labeled.Operation, output);

            default:
                ReportUnsupportedStatement(operation);
                return null;
        }
    }

    /// <summary>
    /// Integer arithmetic or an integer conversion whose overflow checking differs from the project's (inside a
    /// <c>checked</c> or <c>unchecked</c> block or expression): generated code could not reproduce it.
    /// </summary>
    private bool InOtherOverflowContext(IOperation operation)
    {
        bool? isChecked = operation switch
        {
            IBinaryOperation b => b.IsChecked,
            IUnaryOperation u => u.IsChecked,
            IConversionOperation c => c.IsChecked,
            ICompoundAssignmentOperation c => c.IsChecked,
            IIncrementOrDecrementOperation i => i.IsChecked,
            _ => null,
        };
        bool integral = operation.Type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Int16 or SpecialType.System_SByte or
            SpecialType.System_UInt32 or SpecialType.System_UInt64 or SpecialType.System_UInt16 or SpecialType.System_Byte or SpecialType.System_Char or
            SpecialType.System_IntPtr or SpecialType.System_UIntPtr;
        return isChecked is bool value && integral && value != _context.Compilation.Options.CheckOverflow;
    }

    private void ReportUnsupportedStatement(IOperation operation)
    {
        string kind = operation.Syntax switch
        {
            TryStatementSyntax => "try/catch/finally",
            UsingStatementSyntax or LocalDeclarationStatementSyntax { UsingKeyword.RawKind: not 0 } => "a using statement",
            LockStatementSyntax => "a lock statement",
            FixedStatementSyntax or UnsafeStatementSyntax => "unsafe code",
            CheckedStatementSyntax => "a checked/unchecked block",
            YieldStatementSyntax => "yield",
            GotoStatementSyntax => "goto",
            _ => $"a statement of kind '{operation.Kind}'",
        };
        if (operation.Syntax is FixedStatementSyntax or UnsafeStatementSyntax)
        {
            Report(Descriptors.UnsafeCode, operation.Syntax.GetLocation(), _source);
            return;
        }

        Report(Descriptors.UnsupportedStatement, operation.Syntax.GetLocation(), _source, kind, string.Empty);
    }

    private void LowerDeclarator(IVariableDeclaratorOperation declarator, List<Stmt> output)
    {
        ILocalSymbol local = declarator.Symbol;
        Location location = declarator.Syntax.GetLocation();
        IVariableInitializerOperation? initializer = declarator.GetVariableInitializer();
        if (local.RefKind != RefKind.None)
        {
            LowerRefLocal(local, initializer?.Value, location);
            return;
        }

        int id = DeclareLocal(local, location);
        if (local.IsConst)
        {
            return;
        }

        Expr? value = initializer is null ? null : LowerExpr(initializer.Value, topLevel: true);
        output.AddRange(_pre);
        _pre.Clear();
        output.Add(new DeclareStmt(_source, id, value));
    }

    /// <summary><c>ref double e = ref a[i];</c> becomes an index variable; later uses of e read and write a[index].</summary>
    private void LowerRefLocal(ILocalSymbol local, IOperation? target, Location location)
    {
        switch (target)
        {
            case ILocalReferenceOperation or IParameterReferenceOperation:
                _aliases[local] = LowerLValue(target);
                return;
            case IArrayElementReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: true }:
                Expr element = LowerLValue(target);
                if (element is ElementExpr { Collection: VariableExpr } elementExpr)
                {
                    if (elementExpr.Index is LiteralExpr)
                    {
                        _aliases[local] = elementExpr;
                        return;
                    }

                    int index = NewTemporary(local.Name + "Index", elementExpr.Index.Type);
                    _pre.Add(new DeclareStmt(_source, index, elementExpr.Index));
                    _aliases[local] = elementExpr with { Index = Var(index) };
                    return;
                }

                break;
        }

        Report(Descriptors.UnsupportedStatement, location, _source, "this ref local", "; ref locals may refer to a local, a parameter, or an element of an array or span variable");
    }

    private Stmt? LowerExpressionStatement(IOperation operation)
    {
        if (operation is ICompoundAssignmentOperation or IIncrementOrDecrementOperation && InOtherOverflowContext(operation))
        {
            string keyword = _context.Compilation.Options.CheckOverflow ? "unchecked" : "checked";
            Report(Descriptors.UnsupportedExpression, operation.Syntax.GetLocation(), _source, $"integer arithmetic in a '{keyword}' context (the generated code runs in the project's overflow context)",
                "; move it out of the differentiated method, or make overflow checking the project's setting (CheckForOverflowUnderflow)");
            return null;
        }

        switch (operation)
        {
            case ISimpleAssignmentOperation { IsRef: true }:
                Report(Descriptors.UnsupportedStatement, operation.Syntax.GetLocation(), _source, "ref reassignment", string.Empty);
                return null;

            case ISimpleAssignmentOperation { Target: IDiscardOperation } discard:
                Expr discarded = LowerExpr(discard.Value, topLevel: true);
                return discarded is CallExpr discardedCall ? new CallStmt(_source, discardedCall) : null;

            case ISimpleAssignmentOperation assignment:
            {
                Expr target = LowerLValue(assignment.Target);
                Expr value = LowerExpr(assignment.Value, topLevel: true);
                return new AssignStmt(_source, target, value, AssignKind.Simple, BinaryOp.Add);
            }

            case ICompoundAssignmentOperation compound:
                return LowerCompoundAssignment(compound);

            case IIncrementOrDecrementOperation increment:
            {
                Expr target = LowerLValue(increment.Target);
                bool isIncrement = increment.Kind == OperationKind.Increment;
                return new AssignStmt(_source, target, Literals.One(target.Type), isIncrement ? AssignKind.Increment : AssignKind.Decrement, isIncrement ? BinaryOp.Add : BinaryOp.Subtract);
            }

            case IInvocationOperation invocation:
            {
                if (TryLowerBulk(invocation) is { } bulk)
                {
                    return bulk;
                }

                Expr result = LowerExpr(invocation, topLevel: true);
                return result is CallExpr call ? new CallStmt(_source, call) : null;
            }

            case IDeconstructionAssignmentOperation deconstruction:
                LowerDeconstruction(deconstruction);
                return null;

            case IThrowOperation { Exception: not null } throwOperation:
                return new ThrowStmt(_source, LowerExpr(throwOperation.Exception));

            default:
                Report(Descriptors.UnsupportedStatement, operation.Syntax.GetLocation(), _source, $"an expression statement of kind '{operation.Kind}'", string.Empty);
                return null;
        }
    }

    private Stmt? LowerCompoundAssignment(ICompoundAssignmentOperation compound)
    {
        Location location = compound.Syntax.GetLocation();
        if (!TryMapBinary(compound.OperatorKind, out BinaryOp op))
        {
            Report(Descriptors.UnsupportedExpression, location, _source, $"the operator '{compound.OperatorKind}'", string.Empty);
            return null;
        }

        Expr target = LowerLValue(compound.Target);
        Expr value = LowerExpr(compound.Value);
        if (compound.OperatorMethod is not null && (target.Type.IsFloating || value.Type.IsFloating))
        {
            Report(Descriptors.UnsupportedExpression, location, _source, "a user-defined operator", string.Empty);
            return null;
        }

        if (value.Type != target.Type && target.Type.IsFloating && value.Type.IsFloating)
        {
            // f += d where the operation is done in double and narrowed back.
            Expr widened = new ConvertExpr(value.Type, target, false);
            return new AssignStmt(_source, target, new ConvertExpr(target.Type, new BinaryExpr(value.Type, op, widened, value), true), AssignKind.Simple, BinaryOp.Add);
        }

        return new AssignStmt(_source, target, value, AssignKind.Compound, op);
    }

    /// <summary><c>(a[i], a[j]) = (a[j], a[i])</c>: values first, into temporaries, then the assignments.</summary>
    private void LowerDeconstruction(IDeconstructionAssignmentOperation deconstruction)
    {
        IOperation valueOperation = deconstruction.Value;
        while (valueOperation is IConversionOperation { Operand: var operand })
        {
            valueOperation = operand;
        }

        if (deconstruction.Target is not ITupleOperation targets || valueOperation is not ITupleOperation values ||
            targets.Elements.Length != values.Elements.Length)
        {
            Report(Descriptors.UnsupportedStatement, deconstruction.Syntax.GetLocation(), _source, "deconstruction of a value that is not a tuple literal", string.Empty);
            return;
        }

        var lvalues = new List<Expr>();
        foreach (IOperation target in targets.Elements)
        {
            lvalues.Add(target is IDeclarationExpressionOperation { Expression: ILocalReferenceOperation declared }
                ? Var(DeclareLocal(declared.Local, declared.Syntax.GetLocation()))
                : LowerLValue(target));
        }

        var temporaries = new List<int>();
        for (int i = 0; i < values.Elements.Length; i++)
        {
            Expr value = LowerExpr(values.Elements[i]);
            int temporary = NewTemporary("swap" + i.ToString(CultureInfo.InvariantCulture), value.Type);
            _pre.Add(new DeclareStmt(_source, temporary, value));
            temporaries.Add(temporary);
        }

        for (int i = 0; i < lvalues.Count; i++)
        {
            Expr value = Var(temporaries[i]);
            if (value.Type != lvalues[i].Type)
            {
                value = new ConvertExpr(lvalues[i].Type, value, false);
            }

            _pre.Add(lvalues[i] is VariableExpr v && _variables[v.Id].Kind == VariableKind.Local && IsDeclaredHere(targets.Elements[i])
                ? new DeclareStmt(_source, v.Id, value)
                : new AssignStmt(_source, lvalues[i], value, AssignKind.Simple, BinaryOp.Add));
        }
    }

    private static bool IsDeclaredHere(IOperation target) => target is IDeclarationExpressionOperation;

    private Stmt LowerIf(IConditionalOperation conditional)
    {
        Expr condition = LowerCondition(conditional.Condition);
        BlockStmt then = LowerBlock(conditional.WhenTrue);
        BlockStmt? otherwise = conditional.WhenFalse is null ? null : LowerBlock(conditional.WhenFalse);
        return new IfStmt(_source, condition, then, otherwise);
    }

    private Expr LowerCondition(IOperation condition)
    {
        _conditionDepth++;
        try
        {
            return LowerExpr(condition);
        }
        finally
        {
            _conditionDepth--;
        }
    }

    private Stmt? LowerLoop(ILoopOperation loop)
    {
        int loopId = _loopCount++;
        _loopExitLabels[loop.ExitLabel] = loopId;
        _loopContinueLabels[loop.ContinueLabel] = loopId;
        string source = _source;

        switch (loop)
        {
            case IWhileLoopOperation whileLoop:
            {
                if (whileLoop.ConditionIsUntil)
                {
                    Report(Descriptors.UnsupportedStatement, loop.Syntax.GetLocation(), source, "an until loop", string.Empty);
                    return null;
                }

                (Expr? condition, List<Stmt> conditionStatements) = whileLoop.Condition is null ? (null, []) : LowerLoopHeaderCondition(whileLoop.Condition);
                BlockStmt body = LowerBlock(whileLoop.Body);
                LoopKind kind = whileLoop.ConditionIsTop ? LoopKind.While : LoopKind.DoWhile;
                if (conditionStatements.Count > 0)
                {
                    if (kind == LoopKind.DoWhile && IrWalker.AllStatements(body).Any(s => s is ContinueStmt c && c.LoopId == loopId))
                    {
                        Report(Descriptors.UnsupportedExpression, whileLoop.Condition!.Syntax.GetLocation(), StatementText.Of(whileLoop.Condition.Syntax),
                            "a do-while condition with side effects in a loop whose body uses 'continue'", "; test the condition at the end of the body and use 'break'");
                        return null;
                    }

                    // The condition's side effects (counter-- > 0) run each time it is tested: the loop becomes
                    // while (true) { effects; if (!condition) break; body } (or the test at the end of a do-while body).
                    (condition, body) = (null, WithConditionInBody(body, condition!, conditionStatements, loopId, atEnd: kind == LoopKind.DoWhile, StatementText.Of(whileLoop.Condition!.Syntax)));
                }

                return new LoopStmt(source, loopId, kind, EquatableArray<Stmt>.Empty, condition, EquatableArray<Stmt>.Empty, body);
            }

            case IForLoopOperation forLoop:
            {
                var initializers = new List<Stmt>();
                foreach (IOperation before in forLoop.Before)
                {
                    LowerStatement(before, initializers);
                }

                (Expr? condition, List<Stmt> conditionStatements) = forLoop.Condition is null ? (null, []) : LowerLoopHeaderCondition(forLoop.Condition);
                var increments = new List<Stmt>();
                foreach (IOperation after in forLoop.AtLoopBottom)
                {
                    LowerStatement(after, increments);
                }

                BlockStmt body = LowerBlock(forLoop.Body);
                if (conditionStatements.Count > 0)
                {
                    // continue runs the increments, then the test: both orders agree.
                    (condition, body) = (null, WithConditionInBody(body, condition!, conditionStatements, loopId, atEnd: false, StatementText.Of(forLoop.Condition!.Syntax)));
                }

                return new LoopStmt(source, loopId, LoopKind.For, initializers.ToEquatableArray(), condition, increments.ToEquatableArray(), body);
            }

            case IForEachLoopOperation forEach:
                return LowerForEach(forEach, loopId, source);

            default:
                ReportUnsupportedStatement(loop);
                return null;
        }
    }

    /// <summary>A loop's condition, and the statements its side effects and hoisted calls became (run before each test).</summary>
    private (Expr Condition, List<Stmt> Statements) LowerLoopHeaderCondition(IOperation condition)
    {
        List<Stmt> outer = _pre;
        _pre = [];
        Expr lowered = LowerCondition(condition);
        List<Stmt> statements = _pre;
        _pre = outer;
        return (lowered, statements);
    }

    /// <summary>The loop body with the condition's statements and an <c>if (!condition) break;</c> before it (or after it).</summary>
    private static BlockStmt WithConditionInBody(BlockStmt body, Expr condition, List<Stmt> conditionStatements, int loopId, bool atEnd, string conditionText)
    {
        string source = "the loop condition " + conditionText;
        var test = new List<Stmt>(conditionStatements)
        {
            new IfStmt(source, new UnaryExpr(TypeRef.Boolean, UnaryOp.Not, condition), new BlockStmt(source, EquatableArray.Create<Stmt>(new BreakStmt(source, loopId))), null),
        };
        var statements = atEnd ? body.Statements.Concat(test) : test.Concat(body.Statements);
        return new BlockStmt(body.Source, statements.ToEquatableArray());
    }

    /// <summary><c>foreach (var v in a) body</c> becomes <c>for (index = 0; index &lt; a.Length; index++) { v = a[index]; body }</c>.</summary>
    private Stmt? LowerForEach(IForEachLoopOperation forEach, int loopId, string source)
    {
        IOperation collectionOperation = forEach.Collection;
        while (collectionOperation is IConversionOperation { IsImplicit: true } conversion && TypeMapper.Map(collectionOperation.Type) is not { IsCollection: true })
        {
            collectionOperation = conversion.Operand;
        }

        Expr collection = LowerExpr(collectionOperation);
        if (!collection.Type.IsCollection || forEach.LoopControlVariable is not IVariableDeclaratorOperation declarator)
        {
            Report(Descriptors.UnsupportedStatement, forEach.Syntax.GetLocation(), source, "foreach over anything but an array or span, or with deconstruction", string.Empty);
            return null;
        }

        if (collection is not VariableExpr)
        {
            int collectionTemp = NewTemporary("items", collection.Type);
            _pre.Add(new DeclareStmt(source, collectionTemp, collection));
            collection = Var(collectionTemp);
        }

        int element = DeclareLocal(declarator.Symbol, declarator.Syntax.GetLocation());
        int index = NewTemporary(_variables[element].BaseName + "Index", TypeRef.Int32);
        var init = EquatableArray.Create<Stmt>(new DeclareStmt(source, index, Literals.Zero(TypeRef.Int32)));
        var condition = new BinaryExpr(TypeRef.Boolean, BinaryOp.Less, Var(index), new LengthExpr(collection));
        var increment = EquatableArray.Create<Stmt>(new AssignStmt(source, Var(index), Literals.One(TypeRef.Int32), AssignKind.Increment, BinaryOp.Add));

        Expr read = new ElementExpr(collection.Type.ElementType, collection, Var(index));
        if (read.Type != _variables[element].Type)
        {
            read = new ConvertExpr(_variables[element].Type, read, true);
        }

        BlockStmt body = LowerBlock(forEach.Body);
        var statements = new List<Stmt> { new DeclareStmt(source, element, read) };
        statements.AddRange(body.Statements);
        return new LoopStmt(source, loopId, LoopKind.ForEach, init, condition, increment, new BlockStmt(body.Source, statements.ToEquatableArray()));
    }

    private Stmt? LowerBranch(IBranchOperation branch)
    {
        switch (branch.BranchKind)
        {
            case BranchKind.Break when _loopExitLabels.TryGetValue(branch.Target, out int breakLoop):
                return new BreakStmt(_source, breakLoop);
            case BranchKind.Continue when _loopContinueLabels.TryGetValue(branch.Target, out int continueLoop):
                return new ContinueStmt(_source, continueLoop);
            case BranchKind.Break when _switchExitLabels.Contains(branch.Target):
                Report(Descriptors.UnsupportedStatement, branch.Syntax.GetLocation(), _source, "a 'break' that leaves a switch section before its end",
                    "; restructure the section with if/else so that 'break' is its last statement");
                return null;
            default:
                Report(Descriptors.UnsupportedStatement, branch.Syntax.GetLocation(), _source, branch.BranchKind == BranchKind.GoTo ? "goto" : $"this {branch.BranchKind.ToString().ToLowerInvariant()}",
                    "; use loops with break and continue");
                return null;
        }
    }

    /// <summary>A switch statement becomes an if/else chain over its sections (default last).</summary>
    private Stmt? LowerSwitch(ISwitchOperation switchOperation)
    {
        _switchExitLabels.Add(switchOperation.ExitLabel);
        Expr value = StableValue(LowerExpr(switchOperation.Value), "switchValue");

        var sections = new List<(Expr? Condition, BlockStmt Body, string Source)>();
        (Expr? Condition, BlockStmt Body, string Source)? defaultSection = null;
        foreach (ISwitchCaseOperation section in switchOperation.Cases)
        {
            string sectionSource = StatementText.Of(section.Syntax);
            bool isDefault = section.Clauses.Any(c => c.CaseKind == CaseKind.Default);
            Expr? condition = null;
            if (!isDefault)
            {
                foreach (ICaseClauseOperation clause in section.Clauses)
                {
                    int mark = _pre.Count;
                    Expr? clauseCondition = ClauseCondition(clause, value);
                    if (clauseCondition is null)
                    {
                        return null;
                    }

                    // Pattern bindings may be evaluated up front; a guard's side effects may not (it runs only when
                    // the labels before it did not match).
                    if (_pre.Skip(mark).Any(s => !IsPureBinding(s)))
                    {
                        Report(Descriptors.UnsupportedStatement, clause.Syntax.GetLocation(), StatementText.Of(clause.Syntax),
                            "a 'when' clause with side effects or calls that change their arguments", "; compute the value before the switch");
                        return null;
                    }

                    condition = condition is null ? clauseCondition : new BinaryExpr(TypeRef.Boolean, BinaryOp.ConditionalOr, condition, clauseCondition);
                }
            }

            var statements = new List<Stmt>();
            ImmutableArray<IOperation> body = section.Body;
            int count = body.Length;
            if (count > 0 && body[count - 1] is IBranchOperation { BranchKind: BranchKind.Break } last && SymbolEqualityComparer.Default.Equals(last.Target, switchOperation.ExitLabel))
            {
                count--;
            }

            for (int i = 0; i < count; i++)
            {
                LowerStatement(body[i], statements);
            }

            var block = new BlockStmt(sectionSource, statements.ToEquatableArray());
            if (isDefault)
            {
                defaultSection = (null, block, sectionSource);
            }
            else
            {
                sections.Add((condition, block, sectionSource));
            }
        }

        BlockStmt? tail = defaultSection?.Body;
        Stmt? chain = null;
        for (int i = sections.Count - 1; i >= 0; i--)
        {
            chain = new IfStmt(sections[i].Source, sections[i].Condition!, sections[i].Body, tail);
            tail = new BlockStmt(sections[i].Source, EquatableArray.Create(chain));
        }

        if (chain is null && tail is not null)
        {
            return tail;
        }

        return chain;
    }

    private Expr? ClauseCondition(ICaseClauseOperation clause, Expr value)
    {
        Expr? condition = clause switch
        {
            ISingleValueCaseClauseOperation single => new BinaryExpr(TypeRef.Boolean, BinaryOp.Equals, value, LowerExpr(single.Value)),
            IPatternCaseClauseOperation pattern => PatternCondition(pattern.Pattern, value),
            _ => null,
        };
        if (condition is null)
        {
            Report(Descriptors.UnsupportedStatement, clause.Syntax.GetLocation(), StatementText.Of(clause.Syntax), "this case label", "; use constant or relational patterns");
            return null;
        }

        if (clause is IPatternCaseClauseOperation { Guard: not null } guarded)
        {
            condition = new BinaryExpr(TypeRef.Boolean, BinaryOp.ConditionalAnd, condition, LowerCondition(guarded.Guard));
        }

        return condition;
    }

    /// <summary>The condition under which <paramref name="value"/> matches a pattern.</summary>
    private Expr? PatternCondition(IPatternOperation pattern, Expr value)
    {
        switch (pattern)
        {
            case IConstantPatternOperation constant:
            {
                Expr operand = LowerExpr(constant.Value);
                if (constant.Value.ConstantValue is { HasValue: true, Value: double d } && double.IsNaN(d))
                {
                    return new MathCallExpr(TypeRef.Boolean, MathFunction.IsNaN, "double", EquatableArray.Create<Expr>(value));
                }

                return new BinaryExpr(TypeRef.Boolean, BinaryOp.Equals, value, operand);
            }

            case IRelationalPatternOperation relational when TryMapBinary(relational.OperatorKind, out BinaryOp op):
                return new BinaryExpr(TypeRef.Boolean, op, value, LowerExpr(relational.Value));
            case IBinaryPatternOperation binary:
            {
                Expr? left = PatternCondition(binary.LeftPattern, value);
                Expr? right = PatternCondition(binary.RightPattern, value);
                return left is null || right is null
                    ? null
                    : new BinaryExpr(TypeRef.Boolean, binary.OperatorKind == BinaryOperatorKind.And ? BinaryOp.ConditionalAnd : BinaryOp.ConditionalOr, left, right);
            }

            case INegatedPatternOperation negated:
                Expr? inner = PatternCondition(negated.Pattern, value);
                return inner is null ? null : new UnaryExpr(TypeRef.Boolean, UnaryOp.Not, inner);
            case IDiscardPatternOperation:
                return new LiteralExpr(TypeRef.Boolean, "true");
            case IDeclarationPatternOperation { DeclaredSymbol: ILocalSymbol local } declaration
                when declaration.MatchesNull || SymbolEqualityComparer.Default.Equals(declaration.MatchedType, declaration.InputType):
                // 'var k' (or the value's own type) always matches: it binds the value, and the guard may use it.
                int bound = DeclareLocal(local, declaration.Syntax.GetLocation());
                _pre.Add(new DeclareStmt(_source, bound, value.Type == _variables[bound].Type ? value : new ConvertExpr(_variables[bound].Type, value, false)));
                return new LiteralExpr(TypeRef.Boolean, "true");
            default:
                return null;
        }
    }

    /// <summary>Returns <paramref name="value"/> if it can be evaluated repeatedly, otherwise a temporary holding it.</summary>
    private Expr StableValue(Expr value, string name)
    {
        if (value is VariableExpr or LiteralExpr or MemberExpr { Receiver: null })
        {
            return value;
        }

        int temporary = NewTemporary(name, value.Type);
        _pre.Add(new DeclareStmt(_source, temporary, value));
        return Var(temporary);
    }
}
