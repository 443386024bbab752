using AutoDiffGen;

namespace GeneratedCode;

public static partial class Unsupported
{
    // goto is outside the differentiable subset: the generator reports AD0004 on the goto statement, with a link
    // to docs/diagnostics.md#ad0004, and generates nothing for this method.
    [Differentiable]
    public static double Halve(double x)
    {
    again:
        x *= 0.5;
        if (x > 1)
        {
            goto again;
        }

        return x;
    }
}
