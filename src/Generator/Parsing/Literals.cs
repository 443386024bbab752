using System.Globalization;
using AutoDiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AutoDiffGen.Generator.Parsing;

/// <summary>Literals as generated code spells them: culture-invariant, with type suffixes.</summary>
internal static class Literals
{
    public static LiteralExpr FromLiteral(ILiteralOperation literal, TypeRef type)
    {
        // Keep the user's spelling (1e-12, 0.5f, 1_000): it is exact and readable.
        if (literal.Syntax is LiteralExpressionSyntax syntax && !syntax.Token.IsKind(SyntaxKind.DefaultKeyword))
        {
            return new LiteralExpr(type, syntax.Token.Text);
        }

        return new LiteralExpr(type, Format(literal.ConstantValue.HasValue ? literal.ConstantValue.Value : null, type));
    }

    public static string Format(object? value, TypeRef type) => value switch
    {
        null => type.Element is ValueKind.String or ValueKind.Other ? "null" : "default",
        double d => Double(d),
        float f => Single(f),
        bool b => b ? "true" : "false",
        string s => String(s),
        char c => SymbolDisplay.FormatLiteral(c, quote: true),
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        uint u => u.ToString(CultureInfo.InvariantCulture) + "U",
        ulong u => u.ToString(CultureInfo.InvariantCulture) + "UL",
        decimal m => m.ToString(CultureInfo.InvariantCulture) + "m",
        short or ushort or byte or sbyte => "(" + type.Name + ")" + System.Convert.ToString(value, CultureInfo.InvariantCulture),
        _ => System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? "default",
    };

    public static string Double(double value)
    {
        if (double.IsNaN(value))
        {
            return "double.NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity";
        }

        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOf('.') >= 0 || text.IndexOf('E') >= 0 ? text : text + ".0";
    }

    public static string Single(float value)
    {
        if (float.IsNaN(value))
        {
            return "float.NaN";
        }

        if (float.IsInfinity(value))
        {
            return value > 0 ? "float.PositiveInfinity" : "float.NegativeInfinity";
        }

        return value.ToString("R", CultureInfo.InvariantCulture) + "f";
    }

    public static string String(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    public static LiteralExpr Zero(TypeRef type) => new(type, type.Element switch
    {
        ValueKind.Double => "0.0",
        ValueKind.Single => "0f",
        _ => "0",
    });

    public static LiteralExpr One(TypeRef type) => new(type, type.Element switch
    {
        ValueKind.Double => "1.0",
        ValueKind.Single => "1f",
        _ => "1",
    });

    public static LiteralExpr Number(TypeRef type, double value) =>
        new(type, type.Element == ValueKind.Single ? Single((float)value) : Double(value));
}
