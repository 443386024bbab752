using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Analysis;
using AutoDiffGen.Generator.Diagnostics;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;

namespace AutoDiffGen.Generator.Parsing;

internal sealed partial class FunctionLowering
{
    /// <param name="topLevel">The whole right-hand side of an assignment, declaration, return or call statement: a call
    /// there needs no hoisting.</param>
    private Expr LowerExpr(IOperation operation, bool topLevel = false)
    {
        if (InOtherOverflowContext(operation))
        {
            string keyword = _context.Compilation.Options.CheckOverflow ? "unchecked" : "checked";
            return Unsupported(operation, $"integer arithmetic in a '{keyword}' context (the generated code runs in the project's overflow context)",
                "; move it out of the differentiated method, or make overflow checking the project's setting (CheckForOverflowUnderflow)");
        }

        switch (operation)
        {
            case ILiteralOperation literal:
                return Literals.FromLiteral(literal, TypeFor(literal.Type, literal.Syntax.GetLocation(), _source));

            case IConversionOperation conversion:
                return LowerConversion(conversion, topLevel);

            case ILocalReferenceOperation local:
                if (_aliases.TryGetValue(local.Local, out Expr? alias))
                {
                    return alias;
                }

                return Var(DeclareLocal(local.Local, local.Syntax.GetLocation()));

            case IParameterReferenceOperation parameter:
                return _ids.TryGetValue(parameter.Parameter, out int parameterId)
                    ? Var(parameterId)
                    : Unsupported(operation, "a parameter of an enclosing method");

            case IBinaryOperation binary:
                return LowerBinary(binary);

            case IUnaryOperation unary:
                return LowerUnary(unary);

            case IConditionalOperation conditional:
                return LowerConditionalExpression(conditional);

            case IInvocationOperation invocation:
                return LowerInvocation(invocation, topLevel);

            case IArrayElementReferenceOperation element:
                return LowerElement(element);

            case IPropertyReferenceOperation property:
                return LowerPropertyRead(property);

            case IFieldReferenceOperation field:
                return LowerFieldRead(field);

            case IArrayCreationOperation creation:
                return topLevel ? LowerArrayCreation(creation) : BindCollection(LowerArrayCreation(creation), "array");

            case IDefaultValueOperation defaultValue:
                return new DefaultExpr(TypeFor(defaultValue.Type, operation.Syntax.GetLocation(), _source));

            case INameOfOperation nameOf when nameOf.ConstantValue is { HasValue: true, Value: string name }:
                return new LiteralExpr(TypeRef.String, Literals.String(name));

            case IInterpolatedStringOperation interpolated:
                return LowerInterpolatedString(interpolated);

            case IObjectCreationOperation creation:
                return LowerObjectCreation(creation);

            case ISwitchExpressionOperation switchExpression:
                return LowerSwitchExpression(switchExpression);

            case IIsPatternOperation isPattern:
            {
                Expr value = StableValue(LowerExpr(isPattern.Value), "value");
                return PatternCondition(isPattern.Pattern, value) ?? Unsupported(operation, "this pattern", "; use constant and relational patterns");
            }

            case IIncrementOrDecrementOperation increment:
                return LowerEmbeddedIncrement(increment);

            case ISimpleAssignmentOperation { IsRef: false } assignment when assignment.Target is not IDiscardOperation:
            {
                // (x = v) as a value: the assignment becomes a statement (in evaluation order), its value is x.
                Expr target = LowerLValue(assignment.Target);
                Expr value = LowerExpr(assignment.Value, topLevel: true);
                _pre.Add(new AssignStmt(_source, target, value, AssignKind.Simple, BinaryOp.Add));
                return StableTarget(target);
            }

            case ICompoundAssignmentOperation compound:
            {
                if (LowerCompoundAssignment(compound) is not AssignStmt statement)
                {
                    return new DefaultExpr(TypeMapper.Map(operation.Type) ?? TypeRef.Double);
                }

                _pre.Add(statement);
                return StableTarget(statement.Target);
            }

            case IAssignmentOperation:
                return Unsupported(operation, "this assignment inside an expression", "; write it as its own statement");

            case IAnonymousFunctionOperation or IDelegateCreationOperation:
                Report(Descriptors.DifferentiableLocalFunction, operation.Syntax.GetLocation(), _source, "lambdas and delegates");
                return new DefaultExpr(TypeRef.Double);

            case IAddressOfOperation or ISizeOfOperation:
                Report(Descriptors.UnsafeCode, operation.Syntax.GetLocation(), _source);
                return new DefaultExpr(TypeRef.Double);

            default:
                if (operation.Syntax.IsKind(SyntaxKind.PointerIndirectionExpression) || operation.Syntax.IsKind(SyntaxKind.PointerMemberAccessExpression))
                {
                    Report(Descriptors.UnsafeCode, operation.Syntax.GetLocation(), _source);
                    return new DefaultExpr(TypeRef.Double);
                }

                if (operation.Syntax.IsKind(SyntaxKind.StackAllocArrayCreationExpression) || operation.Syntax.IsKind(SyntaxKind.ImplicitStackAllocArrayCreationExpression))
                {
                    return Unsupported(operation, "stackalloc", "; allocate an array with new instead (its adjoint buffer is pooled)");
                }

                return Unsupported(operation, $"an expression of kind '{operation.Kind}'");
        }
    }

    /// <summary>
    /// <c>k++</c>, <c>--k</c> inside an expression (<c>a[k++] = v</c>, <c>while (n-- &gt; 0)</c>): the update becomes a
    /// statement at its place in evaluation order; a postfix form's value is the old value, kept in a temporary. Reads
    /// of the variable evaluated before the update are spilled into temporaries first (see SpillIfClobbered).
    /// </summary>
    private Expr LowerEmbeddedIncrement(IIncrementOrDecrementOperation increment)
    {
        Expr target = LowerLValue(increment.Target);
        bool isIncrement = increment.Kind == OperationKind.Increment;
        Expr? old = null;
        if (increment.IsPostfix)
        {
            int temporary = NewTemporary(TemporaryName(target) + "Before", target.Type);
            _pre.Add(new DeclareStmt(_source, temporary, target));
            old = Var(temporary);
        }

        _pre.Add(new AssignStmt(_source, target, Literals.One(target.Type), isIncrement ? AssignKind.Increment : AssignKind.Decrement, isIncrement ? BinaryOp.Add : BinaryOp.Subtract));
        return old ?? StableTarget(target);
    }

    /// <summary>A read of an assignment's target as the assignment's value: an element's index must not change later.</summary>
    private Expr StableTarget(Expr target)
    {
        if (target is ElementExpr { Index: not (LiteralExpr or VariableExpr) } element)
        {
            int index = NewTemporary("index", element.Index.Type);
            _pre.Insert(_pre.Count - 1, new DeclareStmt(_source, index, element.Index));
            var stable = element with { Index = Var(index) };
            _pre[_pre.Count - 1] = ((AssignStmt)_pre[_pre.Count - 1]) with { Target = stable };
            return stable;
        }

        return target;
    }

    private string TemporaryName(Expr target) => target switch
    {
        VariableExpr v => _variables[v.Id].BaseName,
        ElementExpr { Collection: VariableExpr v } => _variables[v.Id].BaseName + "Element",
        _ => "value",
    };

    /// <summary>
    /// A new array used inside a larger expression (<c>Sum(new[] { x, y })</c>, <c>Helper(a.ToArray())</c>) is bound to
    /// a temporary first: as a variable it has an adjoint buffer of its own, through which derivatives flow.
    /// </summary>
    private Expr BindCollection(Expr collection, string name)
    {
        if (collection is DefaultExpr)
        {
            return collection;
        }

        int temporary = NewTemporary(name, collection.Type);
        _pre.Add(new DeclareStmt(_source, temporary, collection));
        return Var(temporary);
    }

    private Expr Unsupported(IOperation operation, string what, string hint = "")
    {
        Report(Descriptors.UnsupportedExpression, operation.Syntax.GetLocation(), StatementText.OneLine(operation.Syntax.ToString()), what, hint);
        return new DefaultExpr(TypeMapper.Map(operation.Type) ?? TypeRef.Double);
    }

    private Expr LowerConversion(IConversionOperation conversion, bool topLevel)
    {
        if (TryLowerArrayCopy(conversion, TypeMapper.Map(conversion.Type) ?? TypeRef.Void) is { } copy)
        {
            return topLevel ? copy : BindCollection(copy, "copy");
        }

        Expr operand = LowerExpr(conversion.Operand, topLevel && conversion.IsImplicit);
        if (conversion.Type is null)
        {
            return operand;
        }

        Conversion info = conversion.GetConversion();
        TypeRef target = TypeFor(conversion.Type, conversion.Syntax.GetLocation(), _source);
        if (info.IsIdentity || target == operand.Type)
        {
            return operand;
        }

        if (info.IsNumeric || info.IsConstantExpression || info.IsEnumeration)
        {
            return new ConvertExpr(target, operand, !conversion.IsImplicit);
        }

        if (target.IsCollection && operand.Type.IsCollection && target.Element == operand.Type.Element)
        {
            // double[] to Span<double> or ReadOnlySpan<double>, Span<double> to ReadOnlySpan<double>.
            return new ConvertExpr(target, operand, false);
        }

        if ((!operand.Type.IsFloating || operand.Type.IsCollection) && !target.IsFloating)
        {
            // Reference conversions such as double[] to System.Array (arguments of Array.Copy and the like).
            return new ConvertExpr(target, operand, !conversion.IsImplicit);
        }

        return Unsupported(conversion, $"the conversion from '{conversion.Operand.Type?.ToDisplayString()}' to '{conversion.Type.ToDisplayString()}'");
    }

    private Expr LowerBinary(IBinaryOperation binary)
    {
        if (!TryMapBinary(binary.OperatorKind, out BinaryOp op) || binary.IsLifted)
        {
            return Unsupported(binary, binary.IsLifted ? "arithmetic on nullable values" : $"the operator '{binary.OperatorKind}'");
        }

        TypeRef type = TypeFor(binary.Type, binary.Syntax.GetLocation(), _source);
        if (op is BinaryOp.ConditionalAnd or BinaryOp.ConditionalOr)
        {
            return LowerShortCircuit(binary, op);
        }

        Expr left = LowerExpr(binary.LeftOperand);
        int mark = _pre.Count;
        Expr right = LowerExpr(binary.RightOperand);
        left = SpillIfClobbered(left, mark);
        if (binary.OperatorMethod is not null && (type.IsFloating || left.Type.IsFloating || right.Type.IsFloating))
        {
            return Unsupported(binary, "a user-defined operator");
        }

        return new BinaryExpr(type, op, left, right);
    }

    /// <summary>
    /// <c>a &amp;&amp; b</c> and <c>a || b</c>: when b needs statements of its own (a hoisted call), they run only when
    /// b is evaluated: <c>bool t = a; if (t) { ...; t = b; }</c>.
    /// </summary>
    private Expr LowerShortCircuit(IBinaryOperation binary, BinaryOp op)
    {
        Expr left = LowerExpr(binary.LeftOperand);
        List<Stmt> outer = _pre;
        _pre = [];
        Expr right = LowerExpr(binary.RightOperand);
        List<Stmt> rightPre = _pre;
        _pre = outer;
        if (rightPre.Count == 0)
        {
            return new BinaryExpr(TypeRef.Boolean, op, left, right);
        }

        int temporary = NewTemporary("condition", TypeRef.Boolean);
        _pre.Add(new DeclareStmt(_source, temporary, left));
        rightPre.Add(new AssignStmt(_source, Var(temporary), right, AssignKind.Simple, BinaryOp.Add));
        Expr test = op == BinaryOp.ConditionalAnd ? Var(temporary) : new UnaryExpr(TypeRef.Boolean, UnaryOp.Not, Var(temporary));
        _pre.Add(new IfStmt(_source, test, new BlockStmt(_source, rightPre.ToEquatableArray()), null));
        return Var(temporary);
    }

    private Expr LowerUnary(IUnaryOperation unary)
    {
        UnaryOp? op = unary.OperatorKind switch
        {
            UnaryOperatorKind.Minus => UnaryOp.Negate,
            UnaryOperatorKind.Plus => UnaryOp.Plus,
            UnaryOperatorKind.Not => UnaryOp.Not,
            UnaryOperatorKind.BitwiseNegation => UnaryOp.BitwiseNot,
            _ => null,
        };
        if (op is null || unary.IsLifted)
        {
            return Unsupported(unary, $"the operator '{unary.OperatorKind}'");
        }

        Expr operand = LowerExpr(unary.Operand);
        TypeRef type = TypeFor(unary.Type, unary.Syntax.GetLocation(), _source);
        if (unary.OperatorMethod is not null && type.IsFloating)
        {
            return Unsupported(unary, "a user-defined operator");
        }

        return op == UnaryOp.Plus ? operand : new UnaryExpr(type, op.Value, operand);
    }

    /// <summary>
    /// <c>c ? a : b</c>. When a branch needs statements of its own (a hoisted call), the conditional becomes
    /// <c>if (c) { ...; t = a; } else { ...; t = b; }</c> so that only the chosen branch runs.
    /// </summary>
    private Expr LowerConditionalExpression(IConditionalOperation conditional)
    {
        Expr condition = LowerCondition(conditional.Condition);
        List<Stmt> outer = _pre;
        _pre = [];
        Expr? whenTrue = LowerBranchValue(conditional.WhenTrue);
        List<Stmt> truePre = _pre;
        _pre = [];
        Expr? whenFalse = LowerBranchValue(conditional.WhenFalse!);
        List<Stmt> falsePre = _pre;
        _pre = outer;

        TypeRef type = TypeFor(conditional.Type, conditional.Syntax.GetLocation(), _source);

        // A choice between arrays or spans becomes if/else assignments, so that the variable it lands in is bound
        // like any other (its adjoint follows the binding).
        if (truePre.Count == 0 && falsePre.Count == 0 && whenTrue is not null && whenFalse is not null && !type.IsCollection)
        {
            return new ConditionalExpr(type, condition, whenTrue, whenFalse);
        }

        // A branch that needs statements (a hoisted call, a throw expression) runs only when taken.
        int temporary = NewTemporary("choice", type);
        _pre.Add(new DeclareStmt(_source, temporary, null));
        if (whenTrue is not null)
        {
            truePre.Add(new AssignStmt(_source, Var(temporary), whenTrue, AssignKind.Simple, BinaryOp.Add));
        }

        if (whenFalse is not null)
        {
            falsePre.Add(new AssignStmt(_source, Var(temporary), whenFalse, AssignKind.Simple, BinaryOp.Add));
        }

        _pre.Add(new IfStmt(_source, condition, new BlockStmt(_source, truePre.ToEquatableArray()), new BlockStmt(_source, falsePre.ToEquatableArray())));
        return Var(temporary);
    }

    /// <summary>A statement a pattern adds to bind its value (<c>var k</c>): evaluating it early changes nothing.</summary>
    private static bool IsPureBinding(Stmt stmt) =>
        stmt is DeclareStmt { Initializer: var value } && (value is null || !IrWalker.Contains(value, e => e is CallExpr));

    /// <summary>A branch's value, or null for a throw expression (<c>x &gt; 0 ? Math.Log(x) : throw ...</c>), which becomes a throw statement.</summary>
    private Expr? LowerBranchValue(IOperation branch)
    {
        IOperation unwrapped = branch;
        while (unwrapped is IConversionOperation { Operand: var operand })
        {
            unwrapped = operand;
        }

        if (unwrapped is IThrowOperation { Exception: not null } throwOperation)
        {
            _pre.Add(new ThrowStmt(_source, LowerExpr(throwOperation.Exception)));
            return null;
        }

        return LowerExpr(branch);
    }

    private Expr LowerSwitchExpression(ISwitchExpressionOperation switchExpression)
    {
        Expr value = StableValue(LowerExpr(switchExpression.Value), "switchValue");
        TypeRef type = TypeFor(switchExpression.Type, switchExpression.Syntax.GetLocation(), _source);
        var arms = new List<(Expr? Condition, Expr? Value)>();
        bool needsStatements = false;
        List<Stmt> outer = _pre;
        var armStatements = new List<List<Stmt>>();
        foreach (ISwitchExpressionArmOperation arm in switchExpression.Arms)
        {
            _pre = [];
            Expr? condition = arm.Pattern is IDiscardPatternOperation && arm.Guard is null ? null : PatternCondition(arm.Pattern, value);
            if (condition is null && !(arm.Pattern is IDiscardPatternOperation))
            {
                _pre = outer;
                return Unsupported(arm, "this pattern", "; use constant and relational patterns");
            }

            if (arm.Guard is not null)
            {
                Expr guard = LowerCondition(arm.Guard);
                condition = condition is null ? guard : new BinaryExpr(TypeRef.Boolean, BinaryOp.ConditionalAnd, condition, guard);
            }

            // What the pattern binds (var patterns) may be evaluated up front; what a guard changes may not: it runs
            // only when the arms before it did not match.
            if (_pre.Any(s => !IsPureBinding(s)))
            {
                _pre = outer;
                return Unsupported(arm, "a 'when' clause with side effects or calls that change their arguments", "; compute the value before the switch");
            }

            outer.AddRange(_pre);
            _pre = [];
            Expr? armValue = LowerBranchValue(arm.Value);
            needsStatements |= _pre.Count > 0;
            armStatements.Add(_pre);
            arms.Add((condition, armValue));
        }

        _pre = outer;
        if (arms.Count == 0)
        {
            return Unsupported(switchExpression, "an empty switch expression");
        }

        if (arms[arms.Count - 1].Condition is not null)
        {
            if (!switchExpression.IsExhaustive)
            {
                return Unsupported(switchExpression, "a switch expression without a final discard arm '_'", "; add '_ => ...' as the last arm");
            }

            arms[arms.Count - 1] = (null, arms[arms.Count - 1].Value);
        }

        if (!needsStatements && !type.IsCollection)
        {
            Expr result = arms[arms.Count - 1].Value!;
            for (int i = arms.Count - 2; i >= 0; i--)
            {
                result = new ConditionalExpr(type, arms[i].Condition!, arms[i].Value!, result);
            }

            return result;
        }

        int temporary = NewTemporary("choice", type);
        _pre.Add(new DeclareStmt(_source, temporary, null));
        BlockStmt? tail = null;
        for (int i = arms.Count - 1; i >= 0; i--)
        {
            List<Stmt> statements = armStatements[i];
            if (arms[i].Value is { } armValue)
            {
                statements.Add(new AssignStmt(_source, Var(temporary), armValue, AssignKind.Simple, BinaryOp.Add));
            }

            var block = new BlockStmt(_source, statements.ToEquatableArray());
            tail = arms[i].Condition is null ? block : new BlockStmt(_source, EquatableArray.Create<Stmt>(new IfStmt(_source, arms[i].Condition!, block, tail)));
        }

        _pre.AddRange(tail!.Statements);
        return Var(temporary);
    }

    private Expr LowerElement(IArrayElementReferenceOperation element)
    {
        if (element.Indices.Length != 1)
        {
            Report(Descriptors.UnsupportedType, element.Syntax.GetLocation(), _source, element.ArrayReference.Type?.ToDisplayString() ?? "array",
                "; flatten multi-dimensional arrays into one array and index it as [row * columns + column]");
            return new DefaultExpr(TypeRef.Double);
        }

        Expr collection = LowerExpr(element.ArrayReference);
        int mark = _pre.Count;
        Expr index = LowerExpr(element.Indices[0]);
        collection = SpillIfClobbered(collection, mark);
        if (!collection.Type.IsCollection)
        {
            return Unsupported(element, "indexing this value");
        }

        return new ElementExpr(collection.Type.ElementType, collection, index);
    }

    private Expr LowerPropertyRead(IPropertyReferenceOperation property)
    {
        TypeRef? instanceType = property.Instance is null ? null : TypeMapper.Map(property.Instance.Type);
        if (instanceType is { IsCollection: true })
        {
            if (property.Property.IsIndexer && property.Arguments.Length == 1)
            {
                Expr collection = LowerExpr(property.Instance!);
                int mark = _pre.Count;
                Expr index = LowerExpr(property.Arguments[0].Value);
                collection = SpillIfClobbered(collection, mark);
                return new ElementExpr(collection.Type.ElementType, collection, index);
            }

            if (property.Property.Name == "Length")
            {
                return new LengthExpr(LowerExpr(property.Instance!));
            }

            if (property.Property.Name == "IsEmpty")
            {
                return new BinaryExpr(TypeRef.Boolean, BinaryOp.Equals, new LengthExpr(LowerExpr(property.Instance!)), Literals.Zero(TypeRef.Int32));
            }
        }

        if (property.Arguments.Length > 0)
        {
            return Unsupported(property, $"the indexer of '{property.Property.ContainingType.ToDisplayString()}'", "; use arrays or spans");
        }

        TypeRef type = TypeFor(property.Type, property.Syntax.GetLocation(), _source);
        return property.Instance is null
            ? new MemberExpr(type, null, property.Property.ContainingType.ToDisplayString(TypeMapper.FullyQualified) + "." + NameAllocator.Escape(property.Property.Name))
            : new MemberExpr(type, LowerExpr(property.Instance), NameAllocator.Escape(property.Property.Name));
    }

    private Expr LowerFieldRead(IFieldReferenceOperation field)
    {
        TypeRef type = TypeFor(field.Type, field.Syntax.GetLocation(), _source);
        if (type.IsFloatingCollection)
        {
            return Unsupported(field, $"reading the array field '{field.Field.Name}'", "; pass the array as a parameter (mark it [NoDerivative] if it is constant)");
        }

        return field.Instance is null || field.Field.IsStatic
            ? new MemberExpr(type, null, field.Field.ContainingType.ToDisplayString(TypeMapper.FullyQualified) + "." + NameAllocator.Escape(field.Field.Name))
            : new MemberExpr(type, LowerExpr(field.Instance), NameAllocator.Escape(field.Field.Name));
    }

    private Expr LowerArrayCreation(IArrayCreationOperation creation)
    {
        if (creation.DimensionSizes.Length != 1 || creation.Type is IArrayTypeSymbol { Rank: > 1 })
        {
            Report(Descriptors.UnsupportedType, creation.Syntax.GetLocation(), _source, creation.Type?.ToDisplayString() ?? "array",
                "; flatten multi-dimensional and jagged arrays into one array and index it as [row * columns + column]");
            return new DefaultExpr(TypeRef.Double);
        }

        TypeRef type = TypeFor(creation.Type, creation.Syntax.GetLocation(), _source);
        Expr length = LowerExpr(creation.DimensionSizes[0]);
        var elements = new List<Expr>();
        if (creation.Initializer is not null)
        {
            foreach (IOperation value in creation.Initializer.ElementValues)
            {
                int mark = _pre.Count;
                Expr lowered = LowerExpr(value);
                for (int i = 0; i < elements.Count && _pre.Count > mark; i++)
                {
                    elements[i] = SpillIfClobbered(elements[i], mark);
                }

                elements.Add(lowered);
            }

            return new NewArrayExpr(type, null, elements.ToEquatableArray());
        }

        return new NewArrayExpr(type, length, EquatableArray<Expr>.Empty);
    }

    private Expr LowerInterpolatedString(IInterpolatedStringOperation interpolated)
    {
        var parts = new List<InterpolationPart>();
        foreach (IInterpolatedStringContentOperation part in interpolated.Parts)
        {
            switch (part)
            {
                case IInterpolatedStringTextOperation { Text.ConstantValue: { HasValue: true, Value: string text } }:
                    parts.Add(new InterpolationPart(text, null, null, null));
                    break;
                case IInterpolationOperation hole:
                    parts.Add(new InterpolationPart(
                        null,
                        LowerExpr(hole.Expression),
                        hole.Alignment?.ConstantValue.Value?.ToString(),
                        hole.FormatString?.ConstantValue.Value as string));
                    break;
                default:
                    return Unsupported(interpolated, "this interpolated string");
            }
        }

        return new InterpolatedStringExpr(parts.ToEquatableArray());
    }

    private Expr LowerObjectCreation(IObjectCreationOperation creation)
    {
        TypeRef type = TypeFor(creation.Type, creation.Syntax.GetLocation(), _source);
        if (type.IsFloating || creation.Initializer is not null || creation.Constructor is null)
        {
            return Unsupported(creation, "creating this object");
        }

        var arguments = LowerArguments(creation.Arguments);
        if (arguments.Any(a => a.Kind != PassingMode.Value))
        {
            return Unsupported(creation, "passing arguments by reference to a constructor");
        }

        var result = new ObjectCreationExpr(type, arguments.ToEquatableArray());
        _context.Remember(result, creation.Syntax.GetLocation());
        return result;
    }

    // ---- calls -----------------------------------------------------------------------------------------------

    private Expr LowerInvocation(IInvocationOperation invocation, bool topLevel)
    {
        IMethodSymbol method = invocation.TargetMethod;
        Location location = invocation.Syntax.GetLocation();
        TypeRef type = TypeFor(invocation.Type, location, _source);
        switch (CalleeResolver.Categorize(method, out MathFunction function, out string receiver))
        {
            case CalleeCategory.Math:
                return new MathCallExpr(type, function, receiver, LowerArguments(invocation.Arguments).Select(a => a.Value).ToEquatableArray());

            case CalleeCategory.StopGradient:
                return new StopGradientExpr(type, LowerExpr(invocation.Arguments[0].Value));

            case CalleeCategory.SpanView:
            {
                IOperation source = invocation.Instance ?? invocation.Arguments.First(a => a.Parameter?.Ordinal == 0).Value;
                Expr sourceExpr = LowerExpr(source);
                IEnumerable<IArgumentOperation> rest = (invocation.Instance is null ? invocation.Arguments.Where(a => a.Parameter?.Ordinal != 0) : invocation.Arguments).OrderBy(a => a.Parameter?.Ordinal ?? int.MaxValue);
                var arguments = rest.Where(a => a.ArgumentKind != Microsoft.CodeAnalysis.Operations.ArgumentKind.DefaultValue).Select(a => LowerExpr(a.Value)).ToEquatableArray();
                return new SpanViewExpr(type, sourceExpr, method.Name, arguments);
            }
        }

        if (TryLowerArrayCopy(invocation, type) is { } copy)
        {
            return topLevel ? copy : BindCollection(copy, "copy");
        }

        if (TryLowerReduction(invocation, type) is { } reduction)
        {
            return reduction;
        }

        Expr? receiverExpr = null;
        if (invocation.Instance is not null && !method.IsStatic)
        {
            receiverExpr = LowerExpr(invocation.Instance);
        }

        CallTarget target = ResolveTarget(method, receiverExpr is not null);
        int mark = _pre.Count;
        List<Argument> loweredArguments = LowerArguments(invocation.Arguments);
        if (receiverExpr is not null)
        {
            receiverExpr = SpillIfClobbered(receiverExpr, mark);
        }

        var call = new CallExpr(type, target, receiverExpr, loweredArguments.ToEquatableArray());
        _context.Remember(call, location);
        if (target.Kind == CallKind.Helper)
        {
            _context.HelperCalls.Add((_functionIndex, target.HelperIndex, location, method.Name, call));
        }

        bool writesArguments = target.Parameters.Any(p => p.IsWritten);
        if (!topLevel && (_conditionDepth == 0 || writesArguments) && type.Element != ValueKind.Void)
        {
            // Hoist: the call gets its own statement, so its adjoint runs exactly there and it is never re-evaluated.
            int temporary = NewTemporary(NameAllocator.Decapitalize(method.Name), type);
            _pre.Add(new DeclareStmt(_source, temporary, call));
            return Var(temporary);
        }

        return call;
    }

    /// <summary>
    /// Lowers arguments in evaluation order (the order written, then defaults), hoisting what needs it, and returns
    /// them in parameter order: named arguments (<c>H(b: x, a: y)</c>) and omitted optional ones land where the callee
    /// expects them.
    /// </summary>
    private List<Argument> LowerArguments(IEnumerable<IArgumentOperation> arguments)
    {
        var lowered = new List<Argument>();
        var ordinals = new List<int>();
        foreach (IArgumentOperation argument in arguments)
        {
            ordinals.Add(argument.Parameter?.Ordinal ?? int.MaxValue);
            PassingMode kind = argument.Parameter?.RefKind switch
            {
                RefKind.Ref => PassingMode.Ref,
                RefKind.Out => PassingMode.Out,
                RefKind.In or RefKind.RefReadOnlyParameter => PassingMode.In,
                _ => PassingMode.Value,
            };
            int mark = _pre.Count;
            Expr value;
            if (kind is PassingMode.Ref or PassingMode.Out)
            {
                value = argument.Value is IDeclarationExpressionOperation { Expression: ILocalReferenceOperation declared }
                    ? Var(DeclareLocal(declared.Local, declared.Syntax.GetLocation()))
                    : LowerLValue(argument.Value);
            }
            else
            {
                value = LowerExpr(argument.Value);
                kind = PassingMode.Value;
            }

            if (_pre.Count > mark)
            {
                for (int i = 0; i < lowered.Count; i++)
                {
                    lowered[i] = lowered[i] with { Value = SpillIfClobbered(lowered[i].Value, mark) };
                }
            }

            lowered.Add(new Argument(value, kind));
        }

        // Reordering is safe: anything with a side effect was hoisted above in evaluation order, and values that a
        // hoisted statement would clobber were spilled into temporaries.
        return lowered.Select((argument, index) => (argument, index)).OrderBy(a => ordinals[a.index]).ThenBy(a => a.index).Select(a => a.argument).ToList();
    }

    private CallTarget ResolveTarget(IMethodSymbol method, bool isInstanceCall)
    {
        var parameters = new List<CalleeParameter>();
        bool anyFloating = TypeMapper.Map(method.ReturnType) is { IsFloating: true };
        for (int i = 0; i < method.Parameters.Length; i++)
        {
            IParameterSymbol parameter = method.Parameters[i];
            TypeRef type = TypeMapper.Map(parameter.Type) ?? new TypeRef(parameter.Type.ToDisplayString(TypeMapper.FullyQualified), ShapeKind.Scalar, ValueKind.Other);
            anyFloating |= type.IsFloating;
            PassingMode kind = parameter.RefKind switch
            {
                RefKind.Ref => PassingMode.Ref,
                RefKind.Out => PassingMode.Out,
                RefKind.In or RefKind.RefReadOnlyParameter => PassingMode.In,
                _ => PassingMode.Value,
            };
            bool written = kind is PassingMode.Ref or PassingMode.Out || (type.IsCollection && type.Shape != ShapeKind.ReadOnlySpan && _context.Resolver.MayWriteParameter(method, i)) ||
                (type.Element == ValueKind.Other && parameter.Type.IsReferenceType && parameter.Type.SpecialType != SpecialType.System_String);
            bool noDerivative = CalleeResolver.HasAttribute(parameter, CalleeResolver.NoDerivativeAttributeName);
            parameters.Add(new CalleeParameter(parameter.Name, type, kind, type.IsFloating && !noDerivative, written));
        }

        string key = CalleeResolver.KeyOf(method);
        string display = method.ContainingType.Name + "." + method.Name;
        string qualified = CalleeResolver.QualifiedName(method);
        if (method.IsGenericMethod)
        {
            qualified += "<" + string.Join(", ", method.TypeArguments.Select(t => t.ToDisplayString(TypeMapper.FullyQualified))) + ">";
        }

        TypeRef returnType = TypeMapper.Map(method.ReturnType) ?? new TypeRef(method.ReturnType.ToDisplayString(TypeMapper.FullyQualified), ShapeKind.Scalar, ValueKind.Other);
        CallTarget Make(CallKind kind, string? adjoint, int helperIndex, bool byValueAdjointsOnly)
        {
            var shaped = byValueAdjointsOnly
                ? parameters.Select(p => p with { HasAdjoint = p.HasAdjoint && p.Kind is PassingMode.Value or PassingMode.In }).ToEquatableArray()
                : parameters.ToEquatableArray();
            return new CallTarget(key, display, isInstanceCall ? NameAllocator.Escape(method.Name) : qualified, kind, adjoint, helperIndex, returnType, shaped);
        }

        if (isInstanceCall || !anyFloating)
        {
            return Make(CallKind.External, null, -1, true);
        }

        IMethodSymbol? custom = _context.Resolver.FindCustomAdjoint(method);
        if (custom is not null)
        {
            return Make(CallKind.Custom, CalleeResolver.QualifiedName(custom), -1, true);
        }

        if (!method.IsGenericMethod && CalleeResolver.HasAttribute(method, CalleeResolver.DifferentiableAttributeName) && IsCallableDifferentiable(method))
        {
            string adjoint = method.ContainingType.ToDisplayString(TypeMapper.FullyQualified) + "." + method.Name + "Adjoint";
            return Make(CallKind.Differentiable, adjoint, -1, true);
        }

        if (!method.IsGenericMethod && method.MethodKind == MethodKind.Ordinary && returnType.Element != ValueKind.Other &&
            CalleeResolver.SourceDeclaration(method, out IMethodSymbol implementation) is not null)
        {
            return Make(CallKind.Helper, null, _context.HelperIndex(implementation), false);
        }

        return Make(CallKind.External, null, -1, true);
    }

    /// <summary>Whether a [Differentiable] callee will have a generated public adjoint to call.</summary>
    private static bool IsCallableDifferentiable(IMethodSymbol method)
    {
        if (!method.IsStatic || TypeMapper.Map(method.ReturnType) is not { IsFloatingScalar: true })
        {
            return false;
        }

        if (method.Parameters.Any(p => p.RefKind is RefKind.Ref or RefKind.Out && TypeMapper.Map(p.Type) is { IsFloating: true }))
        {
            return false;
        }

        if (method.DeclaringSyntaxReferences.IsEmpty)
        {
            // From another assembly: it was generated there.
            return !method.ContainingType.GetMembers(method.Name + "Adjoint").IsEmpty;
        }

        for (INamedTypeSymbol? type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            if (!MethodParser.IsPartial(type))
            {
                return false;
            }
        }

        return true;
    }

    // ---- lvalues and helpers ----------------------------------------------------------------------------------

    private Expr LowerLValue(IOperation target)
    {
        switch (target)
        {
            case ILocalReferenceOperation local:
                return _aliases.TryGetValue(local.Local, out Expr? alias) ? alias : Var(DeclareLocal(local.Local, local.Syntax.GetLocation()));
            case IParameterReferenceOperation parameter when _ids.TryGetValue(parameter.Parameter, out int id):
                return Var(id);
            case IArrayElementReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: true, Instance: not null } when TypeMapper.Map(((target as IArrayElementReferenceOperation)?.ArrayReference ?? ((IPropertyReferenceOperation)target).Instance)!.Type) is { IsCollection: true }:
            {
                Expr element = target is IArrayElementReferenceOperation array ? LowerElement(array) : LowerPropertyRead((IPropertyReferenceOperation)target);
                if (element is ElementExpr { Collection: VariableExpr })
                {
                    return element;
                }

                return Unsupported(target, "writing an element of this expression", "; write through an array or span variable");
            }

            case IFieldReferenceOperation field:
                Report(Descriptors.WritesToState, target.Syntax.GetLocation(), _source, field.Field.IsStatic ? "the static field" : "the field", field.Field.Name);
                return new DefaultExpr(TypeMapper.Map(field.Type) ?? TypeRef.Double);
            case IPropertyReferenceOperation property:
                Report(Descriptors.WritesToState, target.Syntax.GetLocation(), _source, property.Property.IsStatic ? "the static property" : "the property", property.Property.Name);
                return new DefaultExpr(TypeMapper.Map(property.Type) ?? TypeRef.Double);
            case IDeclarationExpressionOperation { Expression: ILocalReferenceOperation declared }:
                return Var(DeclareLocal(declared.Local, declared.Syntax.GetLocation()));
            default:
                return Unsupported(target, $"assigning to an expression of kind '{target.Kind}'");
        }
    }

    /// <summary>
    /// Keeps left-to-right evaluation order: if statements hoisted after <paramref name="mark"/> write a variable
    /// that <paramref name="value"/> reads, <paramref name="value"/> is evaluated into a temporary first.
    /// </summary>
    private Expr SpillIfClobbered(Expr value, int mark)
    {
        if (_pre.Count <= mark || value is LiteralExpr)
        {
            return value;
        }

        var written = new HashSet<int>();
        for (int i = mark; i < _pre.Count; i++)
        {
            IrWalker.CollectWrites(_pre[i], written);
        }

        if (!IrWalker.ReadsAny(value, written))
        {
            return value;
        }

        int temporary = NewTemporary("value", value.Type);
        _pre.Insert(mark, new DeclareStmt(_source, temporary, value));
        return Var(temporary);
    }

    private static bool TryMapBinary(BinaryOperatorKind kind, out BinaryOp op)
    {
        BinaryOp? mapped = kind switch
        {
            BinaryOperatorKind.Add => BinaryOp.Add,
            BinaryOperatorKind.Subtract => BinaryOp.Subtract,
            BinaryOperatorKind.Multiply => BinaryOp.Multiply,
            BinaryOperatorKind.Divide => BinaryOp.Divide,
            BinaryOperatorKind.Remainder => BinaryOp.Remainder,
            BinaryOperatorKind.Equals => BinaryOp.Equals,
            BinaryOperatorKind.NotEquals => BinaryOp.NotEquals,
            BinaryOperatorKind.LessThan => BinaryOp.Less,
            BinaryOperatorKind.LessThanOrEqual => BinaryOp.LessOrEqual,
            BinaryOperatorKind.GreaterThan => BinaryOp.Greater,
            BinaryOperatorKind.GreaterThanOrEqual => BinaryOp.GreaterOrEqual,
            BinaryOperatorKind.ConditionalAnd => BinaryOp.ConditionalAnd,
            BinaryOperatorKind.ConditionalOr => BinaryOp.ConditionalOr,
            BinaryOperatorKind.And => BinaryOp.And,
            BinaryOperatorKind.Or => BinaryOp.Or,
            BinaryOperatorKind.ExclusiveOr => BinaryOp.ExclusiveOr,
            BinaryOperatorKind.LeftShift => BinaryOp.LeftShift,
            BinaryOperatorKind.RightShift => BinaryOp.RightShift,
            _ => null,
        };
        op = mapped ?? default;
        return mapped is not null;
    }
}
