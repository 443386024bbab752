using System.Linq;
using System.Text;
using AutoDiffGen.Generator.Model;

namespace AutoDiffGen.Generator.Emitting;

/// <summary>Prints expressions as C#, with the parentheses precedence and floating-point evaluation order require.</summary>
internal static class ExpressionPrinter
{
    private const int Conditional = 3;
    private const int ConditionalOr = 5;
    private const int ConditionalAnd = 6;
    private const int Unary = 15;
    private const int Primary = 16;

    public static string Print(Expr expr) => Print(expr, 0);

    public static string OperatorText(BinaryOp op) => op switch
    {
        BinaryOp.Add => "+",
        BinaryOp.Subtract => "-",
        BinaryOp.Multiply => "*",
        BinaryOp.Divide => "/",
        BinaryOp.Remainder => "%",
        BinaryOp.Equals => "==",
        BinaryOp.NotEquals => "!=",
        BinaryOp.Less => "<",
        BinaryOp.LessOrEqual => "<=",
        BinaryOp.Greater => ">",
        BinaryOp.GreaterOrEqual => ">=",
        BinaryOp.ConditionalAnd => "&&",
        BinaryOp.ConditionalOr => "||",
        BinaryOp.And => "&",
        BinaryOp.Or => "|",
        BinaryOp.ExclusiveOr => "^",
        BinaryOp.LeftShift => "<<",
        _ => ">>",
    };

    private static int Precedence(BinaryOp op) => op switch
    {
        BinaryOp.Multiply or BinaryOp.Divide or BinaryOp.Remainder => 14,
        BinaryOp.Add or BinaryOp.Subtract => 13,
        BinaryOp.LeftShift or BinaryOp.RightShift => 12,
        BinaryOp.Less or BinaryOp.LessOrEqual or BinaryOp.Greater or BinaryOp.GreaterOrEqual => 11,
        BinaryOp.Equals or BinaryOp.NotEquals => 10,
        BinaryOp.And => 9,
        BinaryOp.ExclusiveOr => 8,
        BinaryOp.Or => 7,
        BinaryOp.ConditionalAnd => ConditionalAnd,
        _ => ConditionalOr,
    };

    private static int Precedence(Expr expr) => expr switch
    {
        LiteralExpr l => l.Text.StartsWith("-", System.StringComparison.Ordinal) ? Unary : Primary,
        BinaryExpr b => Precedence(b.Op),
        UnaryExpr => Unary,
        ConvertExpr { IsExplicit: true } => Unary,
        ConvertExpr c => Precedence(c.Operand),
        ConditionalExpr => Conditional,
        NameExpr n => n.Name.StartsWith("-", System.StringComparison.Ordinal) ? Unary : Primary,
        _ => Primary,
    };

    private static string Print(Expr expr, int minimum)
    {
        string text = PrintCore(expr);
        return Precedence(expr) < minimum ? "(" + text + ")" : text;
    }

    private static string PrintCore(Expr expr)
    {
        switch (expr)
        {
            case LiteralExpr l:
                return l.Text;
            case VariableExpr v:
                // Generated code refers to variables by name; the differentiator replaces these before emitting.
                return "variable" + v.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            case NameExpr n:
                return n.Name;
            case ElementExpr e:
                return Print(e.Collection, Primary) + "[" + Print(e.Index) + "]";
            case LengthExpr l:
                return Print(l.Collection, Primary) + ".Length";
            case UnaryExpr u:
            {
                string operand = Print(u.Operand, Unary);
                string op = u.Op switch
                {
                    UnaryOp.Negate => "-",
                    UnaryOp.Not => "!",
                    UnaryOp.BitwiseNot => "~",
                    _ => "+",
                };
                if (operand.StartsWith("-", System.StringComparison.Ordinal) || operand.StartsWith("+", System.StringComparison.Ordinal))
                {
                    operand = "(" + operand + ")";
                }

                return op + operand;
            }

            case BinaryExpr b:
            {
                int precedence = Precedence(b.Op);
                return Print(b.Left, precedence) + " " + OperatorText(b.Op) + " " + Print(b.Right, precedence + 1);
            }

            case ConditionalExpr c:
                return Print(c.Condition, Conditional + 1) + " ? " + Print(c.WhenTrue, Conditional + 1) + " : " + Print(c.WhenFalse, Conditional);
            case ConvertExpr c when c.IsExplicit:
            {
                string operand = Print(c.Operand, Unary);
                if (operand.StartsWith("-", System.StringComparison.Ordinal) || operand.StartsWith("+", System.StringComparison.Ordinal))
                {
                    operand = "(" + operand + ")";
                }

                return "(" + c.Type.Name + ")" + operand;
            }

            case ConvertExpr c:
                return PrintCore(c.Operand);
            case MathCallExpr m:
                return m.Receiver + "." + m.Function + "(" + string.Join(", ", m.Arguments.Select(a => Print(a))) + ")";
            case CallExpr call:
                return (call.Receiver is null ? call.Target.Method : Print(call.Receiver, Primary) + "." + call.Target.Method) + "(" + Arguments(call.Arguments) + ")";
            case InvokeExpr i:
                return i.Method + "(" + Arguments(i.Arguments) + ")";
            case MemberExpr m:
                return m.Receiver is null ? m.Member : Print(m.Receiver, Primary) + "." + m.Member;
            case NewArrayExpr n when n.Length is not null:
                return "new " + n.Type.ElementName + "[" + Print(n.Length) + "]";
            case NewArrayExpr n:
                return "new " + n.Type.ElementName + "[] { " + string.Join(", ", n.Initializer.Select(a => Print(a))) + " }";
            case StopGradientExpr s:
                return "global::AutoDiffGen.AutoDiff.StopGradient(" + Print(s.Operand) + ")";
            case SpanViewExpr s when s.Method == "AsSpan":
                return "global::System.MemoryExtensions.AsSpan(" + string.Join(", ", new[] { Print(s.Source) }.Concat(s.Arguments.Select(a => Print(a)))) + ")";
            case SpanViewExpr s:
                return Print(s.Source, Primary) + "." + s.Method + "(" + string.Join(", ", s.Arguments.Select(a => Print(a))) + ")";
            case CopyArrayExpr c:
                return PrintCore(c.Call);
            case ReduceExpr r:
                return PrintCore(r.Call);
            case ObjectCreationExpr o:
                return "new " + o.Type.Name + "(" + Arguments(o.Arguments) + ")";
            case InterpolatedStringExpr s:
                return Interpolated(s);
            case DefaultExpr d:
                return "default(" + d.Type.Name + ")";
            default:
                return "/* ? */ default";
        }
    }

    private static string Arguments(Helpers.EquatableArray<Argument> arguments) =>
        string.Join(", ", arguments.Select(a => a.Kind switch
        {
            PassingMode.Ref => "ref ",
            PassingMode.Out => "out ",
            _ => string.Empty,
        } + Print(a.Value)));

    private static string Interpolated(InterpolatedStringExpr s)
    {
        var builder = new StringBuilder("$\"");
        foreach (InterpolationPart part in s.Parts)
        {
            if (part.Text is not null)
            {
                string literal = Parsing.Literals.String(part.Text);
                builder.Append(literal.Substring(1, literal.Length - 2).Replace("{", "{{").Replace("}", "}}"));
            }
            else if (part.Value is not null)
            {
                builder.Append('{').Append(Print(part.Value, Primary));
                if (part.Alignment is not null)
                {
                    builder.Append(',').Append(part.Alignment);
                }

                if (part.Format is not null)
                {
                    builder.Append(':').Append(part.Format);
                }

                builder.Append('}');
            }
        }

        return builder.Append('"').ToString();
    }
}
