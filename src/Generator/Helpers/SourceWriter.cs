using System;
using System.Text;

namespace AutoDiffGen.Generator.Helpers;

/// <summary>A small indented text writer for generated source.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indentation;

    public int Indentation
    {
        get => _indentation;
        set => _indentation = Math.Max(0, value);
    }

    public void WriteLine(string line)
    {
        if (line.Length == 0)
        {
            _builder.Append('\n');
            return;
        }

        _builder.Append(' ', _indentation * 4).Append(line).Append('\n');
    }

    public void WriteLine() => _builder.Append('\n');

    public void OpenBrace()
    {
        WriteLine("{");
        _indentation++;
    }

    public void CloseBrace(string suffix = "")
    {
        _indentation--;
        WriteLine("}" + suffix);
    }

    public override string ToString() => _builder.ToString();
}
