using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace AutoDiffGen;

/// <summary>
/// Formats tensors as TensorFlow prints them, which is NumPy's <c>str</c>/<c>repr</c> of the values with NumPy's
/// default print options (precision 8, 'maxprec' float mode, line width 75, summarised above 1000 elements with 3
/// edge items). Elements of one array share a layout: positional notation with aligned decimal points, or scientific
/// notation when the magnitudes are very large, very small or span more than three decades.
/// </summary>
internal static class TensorFormatter
{
    private const int Precision = 8;
    private const int LineWidth = 75;
    private const int Threshold = 1000;
    private const int EdgeItems = 3;

    internal static string DTypeName<T>() => typeof(T) == typeof(float) ? "float32" : "float64";

    /// <summary><c>tf.Tensor(values, shape=(...), dtype=...)</c>.</summary>
    internal static string Format<T>(string prefix, T[] data, int[] shape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        string text = Values(data, shape, " ", 0);
        if (text.Contains('\n', StringComparison.Ordinal))
        {
            text = "\n" + text;
        }

        return prefix + text + ", shape=" + Shapes.Format(shape) + ", dtype=" + DTypeName<T>() + ")";
    }

    /// <summary><c>&lt;tf.Variable shape=(...) dtype=..., numpy=array(...)&gt;</c>.</summary>
    internal static string FormatVariable<T>(T[] data, int[] shape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        string numpy;
        if (shape.Length == 0)
        {
            numpy = Values(data, shape, ", ", 0);
        }
        else
        {
            const string Prefix = "array(";
            numpy = Prefix + Values(data, shape, ", ", Prefix.Length);
            numpy += typeof(T) == typeof(float) ? ", dtype=float32)" : ")";
        }

        return "<tf.Variable shape=" + Shapes.Format(shape) + " dtype=" + DTypeName<T>() + ", numpy=" + numpy + ">";
    }

    /// <summary>NumPy's <c>str</c> (separator " ") or <c>repr</c> body (separator ", ") of an array.</summary>
    internal static string Values<T>(T[] data, int[] shape, string separator, int prefixLength)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (shape.Length == 0)
        {
            return ScalarText(double.CreateTruncating(data[0]), typeof(T) == typeof(float));
        }

        if (data.Length == 0)
        {
            return EmptyText(shape);
        }

        bool summarize = data.Length > Threshold;
        bool single = typeof(T) == typeof(float);
        var shown = new List<double>();
        CollectShown(data, shape, 0, 0, summarize, shown);
        var format = new FloatFormat(shown, single);
        return Recurse(data, shape, 0, 0, new string(' ', prefixLength + 1), LineWidth, separator, summarize, format);
    }

    private static string EmptyText(int[] shape)
    {
        // NumPy prints empty arrays as nested brackets: [] or [[]] ...
        var sb = new StringBuilder();
        int depth = 1;
        for (int i = 0; i < shape.Length && shape[i] != 0; i++)
        {
            depth++;
        }

        depth = Math.Min(depth, shape.Length);
        sb.Append('[', depth).Append(']', depth);
        return sb.ToString();
    }

    private static int Stride(int[] shape, int axis)
    {
        int s = 1;
        for (int i = axis + 1; i < shape.Length; i++)
        {
            s *= shape[i];
        }

        return s;
    }

    private static void CollectShown<T>(T[] data, int[] shape, int axis, int offset, bool summarize, List<double> shown)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int len = shape[axis];
        int stride = Stride(shape, axis);
        foreach (int i in Indices(len, summarize))
        {
            if (axis == shape.Length - 1)
            {
                shown.Add(double.CreateTruncating(data[offset + i]));
            }
            else
            {
                CollectShown(data, shape, axis + 1, offset + (i * stride), summarize, shown);
            }
        }
    }

    private static IEnumerable<int> Indices(int length, bool summarize)
    {
        if (summarize && length > 2 * EdgeItems)
        {
            for (int i = 0; i < EdgeItems; i++)
            {
                yield return i;
            }

            for (int i = length - EdgeItems; i < length; i++)
            {
                yield return i;
            }
        }
        else
        {
            for (int i = 0; i < length; i++)
            {
                yield return i;
            }
        }
    }

    // A port of the layout rules of NumPy's _formatArray (non-legacy mode).
    private static string Recurse<T>(T[] data, int[] shape, int axis, int offset, string hangingIndent, int width, string separator, bool summarize, FloatFormat format)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int axesLeft = shape.Length - axis;
        string nextIndent = hangingIndent + " ";
        int nextWidth = width - 1;
        int len = shape[axis];
        int stride = Stride(shape, axis);
        bool showSummary = summarize && 2 * EdgeItems < len;
        int leading = showSummary ? EdgeItems : 0;
        int trailing = showSummary ? EdgeItems : len;
        var s = new StringBuilder();
        string sepTrim = separator.TrimEnd();

        string Item(int i) => axesLeft == 1
            ? format.Format(double.CreateTruncating(data[offset + i]))
            : Recurse(data, shape, axis + 1, offset + (i * stride), nextIndent, nextWidth, separator, summarize, format);

        if (axesLeft == 1)
        {
            int elemWidth = width - Math.Max(sepTrim.Length, 1);
            string line = hangingIndent;
            for (int i = 0; i < leading; i++)
            {
                line = ExtendLine(s, line, Item(i), elemWidth, hangingIndent) + separator;
            }

            if (showSummary)
            {
                line = ExtendLine(s, line, "...", elemWidth, hangingIndent) + separator;
            }

            for (int i = trailing; i > 1; i--)
            {
                line = ExtendLine(s, line, Item(len - i), elemWidth, hangingIndent) + separator;
            }

            line = ExtendLine(s, line, Item(len - 1), elemWidth, hangingIndent);
            s.Append(line);
        }
        else
        {
            string lineSep = sepTrim + new string('\n', axesLeft - 1);
            for (int i = 0; i < leading; i++)
            {
                s.Append(hangingIndent).Append(Item(i)).Append(lineSep);
            }

            if (showSummary)
            {
                s.Append(hangingIndent).Append("...").Append(lineSep);
            }

            for (int i = trailing; i > 1; i--)
            {
                s.Append(hangingIndent).Append(Item(len - i)).Append(lineSep);
            }

            s.Append(hangingIndent).Append(Item(len - 1));
        }

        string body = s.ToString();
        return string.Concat("[", body.AsSpan(hangingIndent.Length), "]");
    }

    private static string ExtendLine(StringBuilder s, string line, string word, int width, string nextLinePrefix)
    {
        bool wrap = line.Length + word.Length > width && line.Length > nextLinePrefix.Length;
        if (wrap)
        {
            s.Append(line.TrimEnd()).Append('\n');
            line = nextLinePrefix;
        }

        return line + word;
    }

    /// <summary>NumPy's scalar <c>str</c>: shortest round-trip digits, positional for 1e-4 &lt;= |x| &lt; 1e16.</summary>
    internal static string ScalarText(double value, bool single)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        double abs = Math.Abs(value);
        if (abs == 0 || (abs >= 1e-4 && abs < 1e16))
        {
            string p = Positional(value, single, int.MaxValue);
            return p.EndsWith('.') ? p + "0" : p;
        }

        (string mantissa, int exponent) = Scientific(value, single, int.MaxValue);
        if (mantissa.EndsWith('.'))
        {
            mantissa = mantissa[..^1];
        }

        return mantissa + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>Shortest round-trip digits of the value (in its own precision) as decimal digits and exponent.</summary>
    private static (string Digits, int Exponent, bool Negative) ShortestDigits(double value, bool single)
    {
        string shortest = single
            ? ((float)value).ToString("R", CultureInfo.InvariantCulture)
            : value.ToString("R", CultureInfo.InvariantCulture);

        // Parse the shortest representation into digits and a decimal exponent.
        bool negative = shortest.StartsWith('-');
        if (negative)
        {
            shortest = shortest.Substring(1);
        }

        int e = 0;
        int ePos = shortest.IndexOfAny(['E', 'e']);
        if (ePos >= 0)
        {
            e = int.Parse(shortest.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            shortest = shortest.Substring(0, ePos);
        }

        int dot = shortest.IndexOf('.', StringComparison.Ordinal);
        string intPart = dot >= 0 ? shortest.Substring(0, dot) : shortest;
        string fracPart = dot >= 0 ? shortest.Substring(dot + 1) : string.Empty;
        string digits = (intPart + fracPart).TrimStart('0');
        int leadingZeros = (intPart + fracPart).Length - digits.Length;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            return ("0", 0, negative);
        }

        // Value = 0.digits * 10^(pointPos) where pointPos = intPart.Length - leadingZeros + e.
        int exponent = intPart.Length - leadingZeros + e - 1; // scientific exponent of the first digit
        return (digits, exponent, negative);
    }

    /// <summary>Positional text with at most <paramref name="maxFraction"/> fractional digits, trailing zeros trimmed, "." kept.</summary>
    private static string Positional(double value, bool single, int maxFraction)
    {
        (string digits, int exponent, bool negative) = ShortestDigits(value, single);
        if (digits == "0")
        {
            return (negative ? "-" : string.Empty) + "0.";
        }

        int fractionDigits = Math.Max(0, digits.Length - exponent - 1);
        if (fractionDigits > maxFraction)
        {
            // Round the exact value to maxFraction digits, as NumPy's Dragon4 does with a precision.
            string fixedText = single
                ? ((float)value).ToString("F" + maxFraction.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
                : value.ToString("F" + maxFraction.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            fixedText = fixedText.TrimEnd('0');
            return fixedText == "-0." ? "-0." : fixedText;
        }

        var sb = new StringBuilder();
        if (negative)
        {
            sb.Append('-');
        }

        if (exponent < 0)
        {
            sb.Append("0.").Append('0', -exponent - 1).Append(digits);
        }
        else if (digits.Length <= exponent + 1)
        {
            sb.Append(digits).Append('0', exponent + 1 - digits.Length).Append('.');
        }
        else
        {
            sb.Append(digits, 0, exponent + 1).Append('.').Append(digits, exponent + 1, digits.Length - exponent - 1);
        }

        return sb.ToString();
    }

    /// <summary>Scientific mantissa ("d." or "d.ddd", at most <paramref name="maxFraction"/> fractional digits) and exponent.</summary>
    private static (string Mantissa, int Exponent) Scientific(double value, bool single, int maxFraction)
    {
        (string digits, int exponent, bool negative) = ShortestDigits(value, single);
        if (digits.Length - 1 > maxFraction)
        {
            string e = single
                ? ((float)value).ToString("E" + maxFraction.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
                : value.ToString("E" + maxFraction.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            int ePos = e.IndexOf('E', StringComparison.Ordinal);
            string m = e.Substring(0, ePos).TrimEnd('0');
            int exp = int.Parse(e.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            return (m, exp);
        }

        string mantissa = string.Concat(negative ? "-" : string.Empty, digits.AsSpan(0, 1), ".", digits.AsSpan(1));
        return (mantissa, digits == "0" ? 0 : exponent);
    }

    /// <summary>The shared element layout of one array (NumPy's FloatingFormat).</summary>
    private sealed class FloatFormat
    {
        private readonly bool _single;
        private readonly bool _exponential;
        private readonly int _padLeft;
        private readonly int _padRight;
        private readonly int _precision;
        private readonly int _expSize;

        internal FloatFormat(List<double> values, bool single)
        {
            _single = single;
            var finite = values.FindAll(double.IsFinite);
            double maxAbs = 0;
            double minAbs = double.PositiveInfinity;
            foreach (double v in finite)
            {
                double a = Math.Abs(v);
                if (a != 0)
                {
                    maxAbs = Math.Max(maxAbs, a);
                    minAbs = Math.Min(minAbs, a);
                }
            }

            if (maxAbs > 0)
            {
                _exponential = maxAbs >= 1e8 || minAbs < 1e-4 || maxAbs / minAbs > 1e3;
            }

            if (finite.Count == 0)
            {
                _padLeft = 0;
                _padRight = 0;
            }
            else if (_exponential)
            {
                int fraction = 0;
                int expSize = 2;
                int intWidth = 0;
                foreach (double v in finite)
                {
                    (string m, int e) = Scientific(v, single, Precision);
                    int dot = m.IndexOf('.', StringComparison.Ordinal);
                    fraction = Math.Max(fraction, m.Length - dot - 1);
                    intWidth = Math.Max(intWidth, dot);
                    expSize = Math.Max(expSize, Math.Abs(e).ToString(CultureInfo.InvariantCulture).Length);
                }

                _precision = fraction;
                _expSize = expSize;
                _padLeft = intWidth;
                _padRight = expSize + 2 + fraction;
            }
            else
            {
                foreach (double v in finite)
                {
                    string p = Positional(v, single, Precision);
                    int dot = p.IndexOf('.', StringComparison.Ordinal);
                    _padLeft = Math.Max(_padLeft, dot);
                    _padRight = Math.Max(_padRight, p.Length - dot - 1);
                }
            }

            if (finite.Count != values.Count)
            {
                bool negInf = values.Exists(v => double.IsNegativeInfinity(v));
                int offset = _padRight + 1;
                _padLeft = Math.Max(_padLeft, Math.Max(3 - offset, 3 + (negInf ? 1 : 0) - offset));
            }
        }

        internal string Format(double value)
        {
            if (!double.IsFinite(value))
            {
                string text = double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
                int width = _padLeft + _padRight + 1;
                return text.PadLeft(width);
            }

            if (_exponential)
            {
                (string m, int e) = Scientific(value, _single, Precision);
                int dot = m.IndexOf('.', StringComparison.Ordinal);
                int frac = m.Length - dot - 1;
                m += new string('0', _precision - frac);
                string exp = Math.Abs(e).ToString(CultureInfo.InvariantCulture).PadLeft(_expSize, '0');
                return m.PadLeft(_padLeft + m.Length - dot) + "e" + (e < 0 ? "-" : "+") + exp;
            }

            string p = Positional(value, _single, Precision);
            int d = p.IndexOf('.', StringComparison.Ordinal);
            string left = p.Substring(0, d).PadLeft(_padLeft);
            string right = p.Substring(d + 1).PadRight(_padRight);
            return left + "." + right;
        }
    }
}
