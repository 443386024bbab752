using Microsoft.CodeAnalysis;

namespace AutoDiffGen.Generator.Diagnostics;

/// <summary>
/// The one catalog of AutoDiffGen diagnostics. Keep in sync with docs/diagnostics.md and
/// AnalyzerReleases.Unshipped.md (release tracking, RS2008).
/// </summary>
internal static class Descriptors
{
    private const string Category = "AutoDiffGen";
    private const string HelpBase = "https://github.com/AutoDiffGen/AutoDiffGen/blob/main/docs/diagnostics.md#";

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Error(
        "AD0001",
        "Containing type must be partial",
        "Type '{0}' must be declared 'partial' so that the generated gradient methods of '{1}' can be added to it",
        "The generator adds MGradient and MAdjoint to the type that declares a [Differentiable] method, and to every type that contains it.");

    public static readonly DiagnosticDescriptor UnsupportedReturnType = Error(
        "AD0002",
        "Return type must be double or float",
        "[Differentiable] method '{0}' returns '{1}'; it must return 'double' or 'float'",
        "Only scalar double or float results can be differentiated. Return a scalar loss, or differentiate each output separately.");

    public static readonly DiagnosticDescriptor MethodNotStatic = Error(
        "AD0003",
        "Method must be static",
        "[Differentiable] method '{0}' must be static; instance state cannot be differentiated",
        "Make the method static and pass the values it reads as parameters (mark constant ones [NoDerivative]).");

    public static readonly DiagnosticDescriptor UnsupportedStatement = Error(
        "AD0004",
        "Statement is not supported",
        "Cannot differentiate '{0}': {1} is not supported in differentiable code{2}",
        "The generator differentiates a subset of C#; see docs/supported-constructs.md for what is supported and how to restructure the rest.");

    public static readonly DiagnosticDescriptor UnsupportedExpression = Error(
        "AD0005",
        "Expression is not supported",
        "Cannot differentiate '{0}': {1} is not supported in differentiable code{2}",
        "The generator differentiates a subset of C#; see docs/supported-constructs.md for what is supported and how to restructure the rest.");

    public static readonly DiagnosticDescriptor NoDerivativeForCall = Error(
        "AD0006",
        "No derivative for called method",
        "Cannot differentiate the call to '{0}': its source is not available and no derivative is registered for it. Supply one: a static method '{1}' marked [DerivativeOf(typeof({2}), nameof({2}.{3}))] with the signature '{4}'.",
        "Methods from other assemblies are differentiated only when they are [Differentiable] themselves or when you supply their adjoint with [DerivativeOf]. Wrap arguments in AutoDiff.StopGradient if no derivative should flow through the call.");

    public static readonly DiagnosticDescriptor WritesToState = Error(
        "AD0007",
        "Writes to fields or static state are not supported",
        "Cannot differentiate '{0}': it writes to {1} '{2}'; differentiable code may only write its locals, parameters and their elements",
        "Return the value instead, or write into an array or span parameter.");

    public static readonly DiagnosticDescriptor UnsafeCode = Error(
        "AD0008",
        "Unsafe code is not supported",
        "Cannot differentiate '{0}': unsafe code and pointers are not supported",
        "Use arrays or spans instead of pointers.");

    public static readonly DiagnosticDescriptor AsyncOrIterator = Error(
        "AD0009",
        "Async methods and iterators are not supported",
        "[Differentiable] method '{0}' is {1}; only ordinary synchronous methods can be differentiated",
        "Differentiate the synchronous computation in its own method and call it.");

    public static readonly DiagnosticDescriptor Recursion = Error(
        "AD0010",
        "Recursion through unmarked helpers is not supported",
        "Cannot differentiate the recursive call to '{0}'. Mark '{0}' [Differentiable] (in a partial type): recursion through [Differentiable] methods is supported.",
        "Transitively differentiated helpers are given private adjoints, which cannot be recursive. A [Differentiable] method's public adjoint can.");

    public static readonly DiagnosticDescriptor MemberNameClash = Error(
        "AD0011",
        "Generated member name is already taken",
        "Cannot generate '{0}' for [Differentiable] method '{1}': type '{2}' already has a member with that name",
        "Rename the existing member or the [Differentiable] method.");

    public static readonly DiagnosticDescriptor NoDifferentiableParameter = Warning(
        "AD0012",
        "No differentiable parameter",
        "[Differentiable] method '{0}' has no differentiable parameter (double or float scalars, arrays or spans without [NoDerivative]); its gradient methods have no outputs",
        "Add a double or float parameter, or remove [NoDerivative] from one, or remove [Differentiable].");

    public static readonly DiagnosticDescriptor ResultIndependentOfParameters = Warning(
        "AD0013",
        "Result does not depend on any differentiable parameter",
        "The result of [Differentiable] method '{0}' does not depend on any differentiable parameter; its gradient is always zero",
        "Check for a missing term, a [NoDerivative] parameter or an AutoDiff.StopGradient that blocks every path.");

    public static readonly DiagnosticDescriptor InternalError = Error(
        "AD0014",
        "Internal generator error",
        "AutoDiffGen failed while generating the adjoint of '{0}': {1}. Please report this with the method's source.",
        "An unexpected exception in the generator; nothing was generated for this method.");

    public static readonly DiagnosticDescriptor UnsupportedParameter = Error(
        "AD0015",
        "Parameter is not supported",
        "Parameter '{0}' of [Differentiable] method '{1}' is {2}; {3}",
        "Differentiable parameters are double or float scalars, arrays and spans passed by value; other parameters pass through.");

    public static readonly DiagnosticDescriptor UnsupportedType = Error(
        "AD0016",
        "Type is not supported",
        "Cannot differentiate '{0}': values of type '{1}' are not supported in differentiable code{2}",
        "Use double or float scalars, one-dimensional arrays or spans of them; flatten multi-dimensional and jagged arrays into one array.");

    public static readonly DiagnosticDescriptor InvalidDerivativeOf = Error(
        "AD0017",
        "Invalid [DerivativeOf] method",
        "[DerivativeOf] method '{0}' is invalid: {1}",
        "A custom adjoint is a static method named '{Original}Adjoint' with the original's parameters, then 'seed', then one adjoint per differentiable parameter (ref E for scalars, Span<E> for arrays and spans), returning the original's value.");

    public static readonly DiagnosticDescriptor ActiveArgumentToNoDerivative = Warning(
        "AD0018",
        "Differentiable value passed to a [NoDerivative] parameter",
        "The argument for parameter '{0}' of '{1}' depends on differentiable values, but the parameter is [NoDerivative]: no derivative flows through it. Wrap the argument in AutoDiff.StopGradient(...) to make this explicit.",
        "A [NoDerivative] parameter gets no adjoint, so the derivative through that argument is dropped.");

    public static readonly DiagnosticDescriptor DifferentiableLocalFunction = Error(
        "AD0019",
        "Local functions and lambdas are not supported",
        "Cannot differentiate '{0}': {1} are not supported; move the code into a static method",
        "Static methods in the same compilation are differentiated transitively.");

    public static readonly DiagnosticDescriptor GenericMethod = Error(
        "AD0020",
        "Generic methods are not supported",
        "[Differentiable] method '{0}' is generic; only non-generic methods can be differentiated",
        "Write the method for double (or float); generic containing types are supported.");

    public static readonly DiagnosticDescriptor ParameterNameClash = Error(
        "AD0021",
        "Parameter name clashes with a generated output",
        "Parameter '{0}' of [Differentiable] method '{1}' has the name of the generated gradient output for parameter '{2}'; rename it",
        "Gradient outputs are named 'd' followed by the parameter's name with its first letter upper-cased.");

    private static DiagnosticDescriptor Error(string id, string title, string message, string description) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, description, HelpBase + id.ToLowerInvariant());

    private static DiagnosticDescriptor Warning(string id, string title, string message, string description) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, description, HelpBase + id.ToLowerInvariant());
}
