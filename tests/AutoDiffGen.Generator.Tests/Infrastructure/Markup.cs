using Microsoft.CodeAnalysis.Text;

namespace AutoDiffGen.Generator.Tests.Infrastructure;

/// <summary>Source with the expected location of a diagnostic marked as <c>[|...|]</c>.</summary>
internal static class Markup
{
    public static (string Source, TextSpan Span) Parse(string markup)
    {
        int start = markup.IndexOf("[|", System.StringComparison.Ordinal);
        int end = markup.IndexOf("|]", System.StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "The test source must mark the expected location with [| and |].");
        string source = markup.Remove(end, 2).Remove(start, 2);
        return (source, new TextSpan(start, end - start - 2));
    }
}
