using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace LinearRegression;

/// <summary>A minimal SVG line chart (no plotting library needed): the traces of w and b over the training steps.</summary>
internal static class Svg
{
    private const int Width = 900;
    private const int Height = 480;
    private const int Left = 70;
    private const int Right = 20;
    private const int Top = 50;
    private const int Bottom = 50;

    public static string Traces(string title, IReadOnlyList<double> tapeW, IReadOnlyList<double> tapeB, IReadOnlyList<double> generatedW, IReadOnlyList<double> generatedB)
    {
        double min = new[] { tapeW.Min(), tapeB.Min(), generatedW.Min(), generatedB.Min() }.Min();
        double max = new[] { tapeW.Max(), tapeB.Max(), generatedW.Max(), generatedB.Max() }.Max();
        (min, max) = (Math.Floor(min), Math.Ceiling(max));
        int steps = tapeW.Count - 1;
        double X(int step) => Left + ((double)step / steps * (Width - Left - Right));
        double Y(double value) => Top + ((max - value) / (max - min) * (Height - Top - Bottom));

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"13\">\n");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"28\" text-anchor=\"middle\" font-size=\"16\">{title}</text>\n");

        // Axes, grid and labels.
        for (double v = min; v <= max + 1e-9; v += 1)
        {
            svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{Y(v):F1}\" x2=\"{Width - Right}\" y2=\"{Y(v):F1}\" stroke=\"#e0e0e0\"/>\n"));
            svg.Append(Invariant($"<text x=\"{Left - 8}\" y=\"{Y(v) + 4:F1}\" text-anchor=\"end\">{v:0}</text>\n"));
        }

        for (int i = 0; i <= 4; i++)
        {
            int step = steps * i / 4;
            svg.Append(Invariant($"<text x=\"{X(step):F1}\" y=\"{Height - Bottom + 20}\" text-anchor=\"middle\">{step}</text>\n"));
        }

        svg.Append(Invariant($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 10}\" text-anchor=\"middle\">training step</text>\n"));
        svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n"));
        svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n"));

        // Targets w = 3 and b = 1.
        foreach ((double target, string label) in new[] { (3.0, "w = 3"), (1.0, "b = 1") })
        {
            svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{Y(target):F1}\" x2=\"{Width - Right}\" y2=\"{Y(target):F1}\" stroke=\"#999\" stroke-dasharray=\"2,4\"/>\n"));
            svg.Append(Invariant($"<text x=\"{Width - Right - 4}\" y=\"{Y(target) - 6:F1}\" text-anchor=\"end\" fill=\"#666\">{label}</text>\n"));
        }

        Polyline(svg, tapeW, X, Y, "#1f77b4", null);
        Polyline(svg, tapeB, X, Y, "#d62728", null);
        Polyline(svg, generatedW, X, Y, "#aec7e8", "6,4");
        Polyline(svg, generatedB, X, Y, "#ff9896", "6,4");

        string[] legend = ["w (GradientTape)", "b (GradientTape)", "w (generated gradient)", "b (generated gradient)"];
        string[] colors = ["#1f77b4", "#d62728", "#aec7e8", "#ff9896"];
        for (int i = 0; i < legend.Length; i++)
        {
            double y = Y(min + ((max - min) * 0.45)) + (i * 18);
            double x = Width * 0.55;
            svg.Append(Invariant($"<line x1=\"{x}\" y1=\"{y:F1}\" x2=\"{x + 30}\" y2=\"{y:F1}\" stroke=\"{colors[i]}\" stroke-width=\"2\"{(i >= 2 ? " stroke-dasharray=\"6,4\"" : string.Empty)}/>\n"));
            svg.Append(Invariant($"<text x=\"{x + 38}\" y=\"{y + 4:F1}\">{legend[i]}</text>\n"));
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Polyline(StringBuilder svg, IReadOnlyList<double> values, Func<int, double> x, Func<double, double> y, string color, string? dashes)
    {
        svg.Append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").Append(color).Append('"');
        if (dashes is not null)
        {
            svg.Append(" stroke-dasharray=\"").Append(dashes).Append('"');
        }

        svg.Append(" points=\"");
        int stride = Math.Max(1, values.Count / 800);
        for (int step = 0; step < values.Count; step += stride)
        {
            svg.Append(Invariant($"{x(step):F1},{y(values[step]):F2} "));
        }

        svg.Append("\"/>\n");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
