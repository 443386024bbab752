using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Analysis;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;
using AutoDiffGen.Generator.Parsing;

namespace AutoDiffGen.Generator.Differentiation;

internal sealed partial class FunctionDifferentiator
{
    /// <summary>Values of sub-expressions already computed into temporaries during the current statement's reverse.</summary>
    private readonly Dictionary<object, Expr> _valueCache = new(ReferenceComparer.Instance);

    private bool IsActive(Expr expr) => ActivityAnalysis.DependsOn(expr, IsActiveVariable);

    /// <summary>Adds <paramref name="seed"/> times the derivative of <paramref name="expr"/> into the adjoints of its inputs.</summary>
    private void Propagate(Expr expr, Expr seed, List<CodeStmt> code)
    {
        if (!IsActive(expr))
        {
            return;
        }

        switch (expr)
        {
            case VariableExpr v:
                Accumulate(AdjointOf(v.Id), seed, code);
                return;

            case ElementExpr e:
                Accumulate(AdjointElement(e), seed, code);
                return;

            case UnaryExpr { Op: UnaryOp.Negate } u:
                Propagate(u.Operand, Negate(seed), code);
                return;

            case BinaryExpr b:
                PropagateBinary(b, seed, code);
                return;

            case ConditionalExpr c:
            {
                Expr shared = Shareable(seed, "d" + NameAllocator.Capitalize(ValueName(c)), code);
                List<CodeStmt> then = PropagateInBlock(c.WhenTrue, shared);
                List<CodeStmt> otherwise = PropagateInBlock(c.WhenFalse, shared);
                if (then.Count > 0)
                {
                    code.Add(new CodeIf(c.Condition, Block(then), otherwise.Count > 0 ? Block(otherwise) : null));
                }
                else if (otherwise.Count > 0)
                {
                    code.Add(new CodeIf(new UnaryExpr(TypeRef.Boolean, UnaryOp.Not, c.Condition), Block(otherwise), null));
                }

                return;
            }

            case ConvertExpr c:
                Propagate(c.Operand, Cast(seed, c.Operand.Type), code);
                return;

            case MathCallExpr m:
                PropagateMath(m, seed, code);
                return;

            case CallExpr call:
                ReverseCallAdjoint(call, seed, code);
                return;

            case ReduceExpr reduce:
                PropagateReduction(reduce, seed, code);
                return;

            case NewArrayExpr:
            case SpanViewExpr:
                return;
        }
    }

    /// <summary>Propagates into a nested block: temporaries declared there are not visible after it.</summary>
    private List<CodeStmt> PropagateInBlock(Expr expr, Expr seed)
    {
        var saved = new Dictionary<object, Expr>(_valueCache, ReferenceComparer.Instance);
        var block = new List<CodeStmt>();
        Propagate(expr, seed, block);
        _valueCache.Clear();
        foreach (KeyValuePair<object, Expr> entry in saved)
        {
            _valueCache[entry.Key] = entry.Value;
        }

        return block;
    }

    private static void Accumulate(Expr adjoint, Expr seed, List<CodeStmt> code)
    {
        if (seed is UnaryExpr { Op: UnaryOp.Negate } negated)
        {
            code.Add(new CodeAssign(adjoint, "-=", negated.Operand));
        }
        else
        {
            code.Add(new CodeAssign(adjoint, "+=", seed));
        }
    }

    private void PropagateBinary(BinaryExpr b, Expr seed, List<CodeStmt> code)
    {
        bool leftActive = IsActive(b.Left);
        bool rightActive = IsActive(b.Right);
        string name = "d" + NameAllocator.Capitalize(ValueName(b));
        switch (b.Op)
        {
            case BinaryOp.Add:
            {
                Expr s = leftActive && rightActive ? Shareable(seed, name, code) : seed;
                Propagate(b.Left, s, code);
                Propagate(b.Right, s, code);
                return;
            }

            case BinaryOp.Subtract:
            {
                Expr s = leftActive && rightActive ? Shareable(seed, name, code) : seed;
                Propagate(b.Left, s, code);
                Propagate(b.Right, Negate(s), code);
                return;
            }

            case BinaryOp.Multiply when b.Left == b.Right && IsSimple(b.Left):
                // x * x
                Propagate(b.Left, Multiply(Multiply(Literals.Number(b.Type, 2), seed), b.Left), code);
                return;

            case BinaryOp.Multiply:
            {
                Expr s = leftActive && rightActive ? Shareable(seed, name, code) : seed;
                if (leftActive)
                {
                    Propagate(b.Left, Multiply(s, Value(b.Right, code)), code);
                }

                if (rightActive)
                {
                    Propagate(b.Right, Multiply(Value(b.Left, code), s), code);
                }

                return;
            }

            case BinaryOp.Divide:
            {
                Expr s = leftActive && rightActive ? Shareable(seed, name, code) : seed;
                Expr denominator = Value(b.Right, code);
                if (leftActive)
                {
                    Propagate(b.Left, Divide(s, denominator), code);
                }

                if (rightActive)
                {
                    // d(x/y)/dy = -x/y^2 = -(x/y)/y
                    Expr quotient = Value(b, code);
                    Propagate(b.Right, Negate(Divide(Multiply(s, quotient), denominator)), code);
                }

                return;
            }

            case BinaryOp.Remainder:
            {
                // x % y = x - y * trunc(x / y): derivative 1 for x and -trunc(x / y) for y.
                Expr s = leftActive && rightActive ? Shareable(seed, name, code) : seed;
                Propagate(b.Left, s, code);
                if (rightActive)
                {
                    string receiver = b.Type.Element == ValueKind.Single ? "global::System.MathF" : "global::System.Math";
                    Expr truncated = new MathCallExpr(b.Type, MathFunction.Truncate, receiver, EquatableArray.Create<Expr>(Divide(Value(b.Left, code), Value(b.Right, code))));
                    Propagate(b.Right, Negate(Multiply(s, truncated)), code);
                }

                return;
            }
        }
    }

    /// <summary>The derivative rules of System.Math and System.MathF. Kinks follow TensorFlow.</summary>
    private void PropagateMath(MathCallExpr m, Expr seed, List<CodeStmt> code)
    {
        if (ActivityAnalysis.DerivativeIsZero(m.Function))
        {
            return;
        }

        TypeRef t = m.Type;
        Expr A(int i) => Value(m.Arguments[i], code);
        Expr F(MathFunction function, params Expr[] arguments) => new MathCallExpr(t, function, m.Receiver, arguments.ToEquatableArray());
        Expr N(double value) => Literals.Number(t, value);
        Expr x = m.Arguments[0];
        switch (m.Function)
        {
            case MathFunction.Sin:
                Propagate(x, Multiply(seed, F(MathFunction.Cos, A(0))), code);
                return;
            case MathFunction.Cos:
                Propagate(x, Negate(Multiply(seed, F(MathFunction.Sin, A(0)))), code);
                return;
            case MathFunction.Tan:
            {
                Expr tan = Value(m, code);
                Propagate(x, Multiply(seed, Add(N(1), Multiply(tan, tan))), code);
                return;
            }

            case MathFunction.Asin:
                Propagate(x, Divide(seed, F(MathFunction.Sqrt, Subtract(N(1), Multiply(A(0), A(0))))), code);
                return;
            case MathFunction.Acos:
                Propagate(x, Negate(Divide(seed, F(MathFunction.Sqrt, Subtract(N(1), Multiply(A(0), A(0)))))), code);
                return;
            case MathFunction.Atan:
                Propagate(x, Divide(seed, Add(N(1), Multiply(A(0), A(0)))), code);
                return;
            case MathFunction.Atan2:
            {
                // atan2(y, x): d/dy = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2)
                Expr y = A(0);
                Expr xx = A(1);
                Expr radius = Temporary(Add(Multiply(xx, xx), Multiply(y, y)), "radiusSquared", code);
                Expr s = Shareable(seed, "dAtan2", code);
                Propagate(m.Arguments[0], Divide(Multiply(s, xx), radius), code);
                Propagate(m.Arguments[1], Negate(Divide(Multiply(s, y), radius)), code);
                return;
            }

            case MathFunction.Sinh:
                Propagate(x, Multiply(seed, F(MathFunction.Cosh, A(0))), code);
                return;
            case MathFunction.Cosh:
                Propagate(x, Multiply(seed, F(MathFunction.Sinh, A(0))), code);
                return;
            case MathFunction.Tanh:
            {
                Expr tanh = Value(m, code);
                Propagate(x, Multiply(seed, Subtract(N(1), Multiply(tanh, tanh))), code);
                return;
            }

            case MathFunction.Asinh:
                Propagate(x, Divide(seed, F(MathFunction.Sqrt, Add(Multiply(A(0), A(0)), N(1)))), code);
                return;
            case MathFunction.Acosh:
                Propagate(x, Divide(seed, F(MathFunction.Sqrt, Subtract(Multiply(A(0), A(0)), N(1)))), code);
                return;
            case MathFunction.Atanh:
                Propagate(x, Divide(seed, Subtract(N(1), Multiply(A(0), A(0)))), code);
                return;
            case MathFunction.Exp:
                Propagate(x, Multiply(seed, Value(m, code)), code);
                return;
            case MathFunction.Log when m.Arguments.Count == 2:
            {
                // log_b(x) = ln x / ln b
                Expr s = Shareable(seed, "dLog", code);
                Expr lnBase = Temporary(F(MathFunction.Log, A(1)), "logBase", code);
                Propagate(m.Arguments[0], Divide(s, Multiply(A(0), lnBase)), code);
                if (IsActive(m.Arguments[1]))
                {
                    Propagate(m.Arguments[1], Negate(Divide(Multiply(s, Value(m, code)), Multiply(A(1), lnBase))), code);
                }

                return;
            }

            case MathFunction.Log:
                Propagate(x, Divide(seed, A(0)), code);
                return;
            case MathFunction.Log10:
                Propagate(x, Divide(seed, Multiply(A(0), N(2.302585092994046))), code);
                return;
            case MathFunction.Log2:
                Propagate(x, Divide(seed, Multiply(A(0), N(0.6931471805599453))), code);
                return;
            case MathFunction.Sqrt:
                Propagate(x, Divide(Multiply(seed, N(0.5)), Value(m, code)), code);
                return;
            case MathFunction.Cbrt:
            {
                Expr cbrt = Value(m, code);
                Propagate(x, Divide(seed, Multiply(N(3), Multiply(cbrt, cbrt))), code);
                return;
            }

            case MathFunction.Pow:
                PropagatePow(m, seed, code);
                return;
            case MathFunction.Abs:
            {
                // Abs'(0) = 0, as in TensorFlow.
                Expr value = A(0);
                Expr s = Shareable(seed, "dAbs", code);
                List<CodeStmt> positive = PropagateInBlock(x, s);
                List<CodeStmt> negative = PropagateInBlock(x, Negate(s));
                code.Add(new CodeIf(Compare(BinaryOp.Greater, value, N(0)), Block(positive),
                    Block([new CodeIf(Compare(BinaryOp.Less, value, N(0)), Block(negative), null)])));
                return;
            }

            case MathFunction.Max:
            case MathFunction.Min:
            {
                // Ties go to the first argument, as in TensorFlow.
                Expr s = Shareable(seed, m.Function == MathFunction.Max ? "dMax" : "dMin", code);
                Expr a = A(0);
                Expr b = A(1);
                List<CodeStmt> first = PropagateInBlock(m.Arguments[0], s);
                List<CodeStmt> second = PropagateInBlock(m.Arguments[1], s);
                BinaryOp op = m.Function == MathFunction.Max ? BinaryOp.GreaterOrEqual : BinaryOp.LessOrEqual;
                AddBranch(Compare(op, a, b), first, second, code);
                return;
            }

            case MathFunction.Clamp:
            {
                // Clamp(x, min, max): the bound that is returned gets the derivative; x within [min, max] gets it.
                Expr s = Shareable(seed, "dClamp", code);
                Expr value = A(0);
                Expr low = A(1);
                Expr high = A(2);
                List<CodeStmt> toMin = PropagateInBlock(m.Arguments[1], s);
                List<CodeStmt> toMax = PropagateInBlock(m.Arguments[2], s);
                List<CodeStmt> toValue = PropagateInBlock(m.Arguments[0], s);
                var inner = new List<CodeStmt>();
                AddBranch(Compare(BinaryOp.Greater, value, high), toMax, toValue, inner);
                AddBranch(Compare(BinaryOp.Less, value, low), toMin, inner, code);
                return;
            }

            case MathFunction.FusedMultiplyAdd:
            {
                Expr s = Shareable(seed, "dFma", code);
                Propagate(m.Arguments[0], Multiply(s, A(1)), code);
                Propagate(m.Arguments[1], Multiply(A(0), s), code);
                Propagate(m.Arguments[2], s, code);
                return;
            }

            case MathFunction.Hypot:
            {
                Expr s = Shareable(seed, "dHypot", code);
                Expr hypot = Value(m, code);
                Propagate(m.Arguments[0], Divide(Multiply(s, A(0)), hypot), code);
                Propagate(m.Arguments[1], Divide(Multiply(s, A(1)), hypot), code);
                return;
            }
        }
    }

    /// <summary>Sum: every element gets the seed; Average: seed / n; SumOfSquares: 2 seed x; Dot(x, y): seed y and seed x.</summary>
    private void PropagateReduction(ReduceExpr reduce, Expr seed, List<CodeStmt> code)
    {
        bool Active(Expr source) => IrWalker.RootVariable(source) is int root && root >= 0 && IsActiveVariable(root);
        Expr s = Shareable(seed, "dReduced", code);
        Expr first = reduce.Sources[0];
        switch (reduce.Kind)
        {
            case ReduceKind.Sum:
                code.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, Storage + ".AddScalar", Args(AdjointSpan(first), s))));
                break;
            case ReduceKind.Average:
                code.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, Storage + ".AddScalar", Args(AdjointSpan(first), Divide(s, new LengthExpr(first))))));
                break;
            case ReduceKind.SumOfSquares:
                code.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, Storage + ".AddScaled", Args(AdjointSpan(first), first, Multiply(Literals.Number(reduce.Type, 2), s)))));
                break;
            case ReduceKind.Dot:
                Expr second = reduce.Sources[1];
                if (Active(first))
                {
                    code.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, Storage + ".AddScaled", Args(AdjointSpan(first), second, s))));
                }

                if (Active(second))
                {
                    code.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, Storage + ".AddScaled", Args(AdjointSpan(second), first, s))));
                }

                break;
        }
    }

    /// <summary>
    /// x^y. For a constant or integer exponent there is no log(x) term, so negative and zero bases give finite,
    /// correct derivatives (d/dx x^0 = 0 even at 0). For an active exponent, TensorFlow's rule: the derivative with
    /// respect to y is x^y ln x where x &gt; 0, and 0 elsewhere.
    /// </summary>
    private void PropagatePow(MathCallExpr m, Expr seed, List<CodeStmt> code)
    {
        TypeRef t = m.Type;
        Expr N(double value) => Literals.Number(t, value);
        Expr baseValue = m.Arguments[0];
        Expr exponent = m.Arguments[1];
        bool exponentActive = IsActive(exponent);
        Expr s = exponentActive && IsActive(baseValue) ? Shareable(seed, "dPow", code) : seed;
        bool constantExponent = TryConstant(exponent, out double c);
        if (IsActive(baseValue) && !(constantExponent && c == 0))
        {
            Expr x = Value(baseValue, code);
            Expr derivative;
            if (constantExponent)
            {
                derivative = c switch
                {
                    1 => N(1),
                    2 => Multiply(N(2), x),
                    _ => Multiply(N(c), new MathCallExpr(t, MathFunction.Pow, m.Receiver, EquatableArray.Create(x, N(c - 1)))),
                };
            }
            else
            {
                // y == 0 ? 0 : y * x^(y - 1): the explicit zero keeps Pow(0, 0) from giving 0 * inf.
                Expr y = Value(exponent, code);
                derivative = new ConditionalExpr(t, Compare(BinaryOp.Equals, y, N(0)), N(0),
                    Multiply(y, new MathCallExpr(t, MathFunction.Pow, m.Receiver, EquatableArray.Create(x, Subtract(y, N(1))))));
            }

            Propagate(baseValue, Multiply(s, derivative), code);
        }

        if (exponentActive)
        {
            Expr x = Value(baseValue, code);
            Expr power = Value(m, code);
            List<CodeStmt> positive = PropagateInBlock(exponent, Multiply(Multiply(s, power), new MathCallExpr(t, MathFunction.Log, m.Receiver, EquatableArray.Create(x))));
            if (positive.Count > 0)
            {
                code.Add(new CodeIf(Compare(BinaryOp.Greater, x, N(0)), Block(positive), null));
            }
        }
    }

    private static bool TryConstant(Expr expr, out double value)
    {
        value = 0;
        Expr inner = expr is ConvertExpr c ? c.Operand : expr;
        string? text = inner is LiteralExpr literal ? literal.Text : null;
        if (text is null)
        {
            return false;
        }

        text = text.TrimEnd('f', 'F', 'd', 'D', 'm', 'M', 'L', 'l', 'u', 'U').Replace("_", string.Empty);
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value);
    }

    private static void AddBranch(Expr condition, List<CodeStmt> whenTrue, List<CodeStmt> whenFalse, List<CodeStmt> code)
    {
        if (whenTrue.Count > 0)
        {
            code.Add(new CodeIf(condition, Block(whenTrue), whenFalse.Count > 0 ? Block(whenFalse) : null));
        }
        else if (whenFalse.Count > 0)
        {
            code.Add(new CodeIf(new UnaryExpr(TypeRef.Boolean, UnaryOp.Not, condition), Block(whenFalse), null));
        }
    }

    // ---- values and temporaries ------------------------------------------------------------------------------

    /// <summary>The forward value of <paramref name="expr"/>: itself if cheap, else a temporary computed once.</summary>
    private Expr Value(Expr expr, List<CodeStmt> code)
    {
        if (IsSimple(expr))
        {
            return expr;
        }

        if (_valueCache.TryGetValue(expr, out Expr? cached))
        {
            return cached;
        }

        // Compute expensive sub-expressions once (they are often needed on their own too), and reuse temporaries.
        foreach (Expr child in IrWalker.Children(expr))
        {
            if (IrWalker.Contains(child, e => e is MathCallExpr or CallExpr or ReduceExpr) && !IsSimple(child))
            {
                Value(child, code);
            }
        }

        Expr reduced = ExprRewriter.Map(expr, e => !ReferenceEquals(e, expr) && _valueCache.TryGetValue(e, out Expr? known) ? known : null);
        Expr temporary = Temporary(reduced, ValueName(expr), code);
        _valueCache[expr] = temporary;
        return temporary;
    }

    private Expr Temporary(Expr value, string baseName, List<CodeStmt> code)
    {
        string name = _names.Allocate(baseName);
        code.Add(new CodeDeclare(value.Type, name, value));
        return new NameExpr(value.Type, name);
    }

    /// <summary>A seed used more than once is computed into a temporary unless it is already a name.</summary>
    private Expr Shareable(Expr seed, string baseName, List<CodeStmt> code) => IsSimple(seed) ? seed : Temporary(seed, baseName, code);

    private static bool IsSimple(Expr expr) => expr switch
    {
        LiteralExpr or VariableExpr or NameExpr or LengthExpr => true,
        MemberExpr { Receiver: null } => true,
        ElementExpr e => IsSimple(e.Collection) && IsSimpleIndex(e.Index),
        UnaryExpr { Op: UnaryOp.Negate } u => u.Operand is LiteralExpr or VariableExpr or NameExpr,
        ConvertExpr c => IsSimple(c.Operand) && c.Operand is not ConvertExpr,
        _ => false,
    };

    private static bool IsSimpleIndex(Expr index) => index switch
    {
        LiteralExpr or VariableExpr or NameExpr => true,
        BinaryExpr { Op: BinaryOp.Add or BinaryOp.Subtract or BinaryOp.Multiply } b => b.Left is LiteralExpr or VariableExpr && b.Right is LiteralExpr or VariableExpr,
        _ => false,
    };

    private string ValueName(Expr expr) => expr switch
    {
        BinaryExpr { Op: BinaryOp.Add } => "sum",
        BinaryExpr { Op: BinaryOp.Subtract } => "difference",
        BinaryExpr { Op: BinaryOp.Multiply } => "product",
        BinaryExpr { Op: BinaryOp.Divide } => "quotient",
        BinaryExpr { Op: BinaryOp.Remainder } => "remainder",
        MathCallExpr m => NameAllocator.Decapitalize(m.Function.ToString()),
        CallExpr c => NameAllocator.Decapitalize(c.Target.DisplayName.Substring(c.Target.DisplayName.LastIndexOf('.') + 1)),
        ConditionalExpr => "choice",
        ConvertExpr c => ValueName(c.Operand),
        UnaryExpr u => "negated",
        ElementExpr e => BaseNameOf(e.Collection) + "Element",
        _ => "value",
    };

    // ---- expression builders (with light simplification) -------------------------------------------------------

    private static Expr Negate(Expr expr) => expr switch
    {
        UnaryExpr { Op: UnaryOp.Negate } u => u.Operand,
        _ => new UnaryExpr(expr.Type, UnaryOp.Negate, expr),
    };

    private static bool IsOne(Expr expr) => expr is LiteralExpr { Text: "1.0" or "1f" or "1" };

    private static Expr Multiply(Expr left, Expr right)
    {
        if (IsOne(left))
        {
            return right;
        }

        if (IsOne(right))
        {
            return left;
        }

        if (left is UnaryExpr { Op: UnaryOp.Negate } negatedLeft)
        {
            return Negate(Multiply(negatedLeft.Operand, right));
        }

        if (right is UnaryExpr { Op: UnaryOp.Negate } negatedRight)
        {
            return Negate(Multiply(left, negatedRight.Operand));
        }

        return new BinaryExpr(Wider(left.Type, right.Type), BinaryOp.Multiply, left, right);
    }

    private static Expr Divide(Expr left, Expr right)
    {
        if (left is UnaryExpr { Op: UnaryOp.Negate } negated)
        {
            return Negate(Divide(negated.Operand, right));
        }

        return new BinaryExpr(Wider(left.Type, right.Type), BinaryOp.Divide, left, right);
    }

    private static Expr Add(Expr left, Expr right) => new BinaryExpr(Wider(left.Type, right.Type), BinaryOp.Add, left, right);

    private static Expr Subtract(Expr left, Expr right) => new BinaryExpr(Wider(left.Type, right.Type), BinaryOp.Subtract, left, right);

    private static Expr Compare(BinaryOp op, Expr left, Expr right) => new BinaryExpr(TypeRef.Boolean, op, left, right);

    private static TypeRef Wider(TypeRef a, TypeRef b) =>
        a.Element == ValueKind.Double || b.Element == ValueKind.Double ? TypeRef.Double
        : a.Element == ValueKind.Single || b.Element == ValueKind.Single ? TypeRef.Single
        : a;

    /// <summary>Converts a seed to the type of the operand it flows into (explicit when narrowing).</summary>
    private static Expr Cast(Expr seed, TypeRef type)
    {
        if (seed.Type == type)
        {
            return seed;
        }

        bool narrowing = seed.Type.Element == ValueKind.Double && type.Element == ValueKind.Single;
        return new ConvertExpr(type, seed, narrowing);
    }
}
