using System;

namespace AutoDiffGen.Tests.Functions;

/// <summary>Branches, conditional expressions, switch, early returns.</summary>
public static partial class ControlFlowFunctions
{
    [Differentiable]
    public static double IfElse(double x, double y)
    {
        double r;
        if (x > y)
        {
            r = x * x;
        }
        else if (x < -1)
        {
            r = y * x;
        }
        else
        {
            r = Math.Sin(x + y);
        }

        return r * y;
    }

    [Differentiable]
    public static double NestedConditional(double x, double y) =>
        x > 0 ? (y > 0 ? x * y : x - y) : (y > 1 ? y * y : -x * y);

    [Differentiable]
    public static double ConditionalInsideExpression(double x, double y) => 2 * (x > y ? x : y) + (x < 0 ? -x : x) * y;

    [Differentiable]
    public static double Switch(double x, int kind)
    {
        double r = x;
        switch (kind)
        {
            case 0:
                r = x * x;
                break;
            case 1:
            case 2:
                r = Math.Exp(x);
                break;
            case > 10:
                return -x;
            default:
                r = 3 * x;
                break;
        }

        return r + x;
    }

    [Differentiable]
    public static double SwitchExpression(double x, int kind) => kind switch
    {
        0 => x * x,
        1 or 2 => Math.Sin(x),
        > 5 => x * 7,
        _ => x,
    };

    [Differentiable]
    public static double EarlyReturns(double x, double y)
    {
        if (x < -1)
        {
            return x * y;
        }

        double t = x * x;
        if (t > 2)
        {
            return t * y;
        }

        t += y;
        return t * t;
    }
}
