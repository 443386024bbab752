using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AutoDiffGen.Generator.Parsing;

/// <summary>One-line renderings of source statements, quoted in comments of the generated code.</summary>
internal static class StatementText
{
    private const int MaxLength = 110;

    public static string Of(SyntaxNode? node)
    {
        string text = node switch
        {
            null => string.Empty,
            IfStatementSyntax s => $"if ({s.Condition})",
            ForStatementSyntax s => $"for ({s.Declaration?.ToString() ?? string.Join(", ", s.Initializers)}; {s.Condition}; {string.Join(", ", s.Incrementors)})",
            ForEachStatementSyntax s => $"foreach ({s.Type} {s.Identifier} in {s.Expression})",
            WhileStatementSyntax s => $"while ({s.Condition})",
            DoStatementSyntax s => $"do ... while ({s.Condition})",
            SwitchStatementSyntax s => $"switch ({s.Expression})",
            SwitchSectionSyntax s => string.Join(" ", s.Labels),
            _ => node.ToString(),
        };
        return OneLine(text);
    }

    public static string OneLine(string text)
    {
        var builder = new StringBuilder(text.Length);
        bool space = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        string result = builder.ToString();
        return result.Length <= MaxLength ? result : result.Substring(0, MaxLength - 3) + "...";
    }
}
