using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using AutoDiffGen.Generator.Analysis;
using AutoDiffGen.Generator.Diagnostics;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AutoDiffGen.Generator.Parsing;

/// <summary>The parse stage's output: a model (null when an error was reported) and the diagnostics.</summary>
internal sealed record ParseResult(MethodModel? Model, ImmutableArray<Diagnostic> Diagnostics);

/// <summary>
/// Parse stage: from a method marked [Differentiable] to an equatable <see cref="MethodModel"/>. All checks that
/// need the user's code (and so real locations) happen here, including activity analysis for the warnings.
/// </summary>
internal static class MethodParser
{
    private const int MaxHelpers = 256;

    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        Location location = context.TargetNode is MethodDeclarationSyntax m ? m.Identifier.GetLocation() : context.TargetNode.GetLocation();
        try
        {
            return ParseCore(context, location, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
#pragma warning disable CA1031 // Any failure must surface as a diagnostic, never as a lost generator run (CS8785).
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return new ParseResult(null, ImmutableArray.Create(Diagnostic.Create(
                Descriptors.InternalError, location, context.TargetSymbol.Name, exception.GetType().Name + ": " + exception.Message)));
        }
    }

    private static ParseResult ParseCore(GeneratorAttributeSyntaxContext context, Location location, CancellationToken cancellationToken)
    {
        if (context.TargetNode is not MethodDeclarationSyntax declaration || context.TargetSymbol is not IMethodSymbol method)
        {
            Location target = context.TargetNode is LocalFunctionStatementSyntax local ? local.Identifier.GetLocation() : context.TargetNode.GetLocation();
            return new ParseResult(null, ImmutableArray.Create(Diagnostic.Create(
                Descriptors.DifferentiableLocalFunction, target, context.TargetSymbol.Name, "local functions marked [Differentiable]")));
        }

        var parse = new ParseContext(context.SemanticModel.Compilation, method, cancellationToken);
        CheckSignature(parse, method, declaration, location);
        if (parse.HasErrors)
        {
            return new ParseResult(null, parse.Diagnostics.ToImmutableArray());
        }

        FunctionModel? root = new FunctionLowering(parse, method, declaration, -1).Lower();
        var helpers = new List<FunctionModel?>();
        for (int i = 0; i < parse.Helpers.Count; i++)
        {
            if (i >= MaxHelpers)
            {
                parse.Report(Descriptors.UnsupportedStatement, location, method.Name, $"a call graph of more than {MaxHelpers} helper methods", string.Empty);
                break;
            }

            IMethodSymbol helper = parse.Helpers[i];
            BaseMethodDeclarationSyntax helperDeclaration = CalleeResolver.SourceDeclaration(helper, out _)!;
            helpers.Add(new FunctionLowering(parse, helper, helperDeclaration, i).Lower());
        }

        if (parse.HasErrors || root is null || helpers.Any(h => h is null))
        {
            return new ParseResult(null, parse.Diagnostics.ToImmutableArray());
        }

        // Activity analysis: adjoints only for active values; warnings about a result without derivative.
        ActivityAnalysis rootActivity = ActivityAnalysis.Run(root, isRoot: true);
        var helperActivities = helpers.Select(h => ActivityAnalysis.Run(h!, isRoot: false)).ToList();
        ReportRecursion(parse, rootActivity, helperActivities);
        CheckCalls(parse, rootActivity.Annotate(), rootActivity);
        for (int i = 0; i < helperActivities.Count; i++)
        {
            CheckCalls(parse, helperActivities[i].Annotate(), helperActivities[i]);
        }

        root = rootActivity.Annotate();
        var annotatedHelpers = helperActivities.Select(a => a.Annotate()).ToList();
        ReportActivityWarnings(parse, method, root, rootActivity, location);
        if (parse.HasErrors)
        {
            return new ParseResult(null, parse.Diagnostics.ToImmutableArray());
        }

        var model = new MethodModel(
            HintName(method),
            method.ContainingNamespace.IsGlobalNamespace ? null : method.ContainingNamespace.ToDisplayString(),
            ContainingTypes(method.ContainingType),
            Accessibility(method.DeclaredAccessibility),
            root,
            annotatedHelpers.ToEquatableArray(),
            context.SemanticModel.Compilation.GetTypeByMetadataName("AutoDiffGen.Tensor`1") is not null,
            LocationInfo.From(location));
        return new ParseResult(model, parse.Diagnostics.Count == 0 ? ImmutableArray<Diagnostic>.Empty : parse.Diagnostics.ToImmutableArray());
    }

    private static void CheckSignature(ParseContext parse, IMethodSymbol method, MethodDeclarationSyntax declaration, Location location)
    {
        if (!method.IsStatic)
        {
            parse.Report(Descriptors.MethodNotStatic, location, method.Name);
        }

        if (method.IsGenericMethod)
        {
            parse.Report(Descriptors.GenericMethod, declaration.TypeParameterList?.GetLocation() ?? location, method.Name);
        }

        if (method.IsAsync)
        {
            parse.Report(Descriptors.AsyncOrIterator, declaration.Modifiers.First(m => m.IsKind(SyntaxKind.AsyncKeyword)).GetLocation(), method.Name, "async");
        }
        else if (declaration.DescendantNodes(n => n is not LocalFunctionStatementSyntax and not AnonymousFunctionExpressionSyntax).OfType<YieldStatementSyntax>().FirstOrDefault() is { } yield)
        {
            parse.Report(Descriptors.AsyncOrIterator, yield.GetLocation(), method.Name, "an iterator");
        }
        else if (TypeMapper.Map(method.ReturnType) is not { IsFloatingScalar: true })
        {
            parse.Report(Descriptors.UnsupportedReturnType, declaration.ReturnType.GetLocation(), method.Name, method.ReturnType.ToDisplayString());
        }

        if (declaration.Body is null && declaration.ExpressionBody is null)
        {
            parse.Report(Descriptors.UnsupportedStatement, location, method.Name, "a method without a body (abstract, extern or a partial definition)", "; put [Differentiable] on the implementation");
        }

        for (INamedTypeSymbol? type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            if (!IsPartial(type))
            {
                Location typeLocation = type.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<BaseTypeDeclarationSyntax>()
                    .Select(t => t.Identifier.GetLocation()).FirstOrDefault() ?? location;
                parse.Report(Descriptors.ContainingTypeNotPartial, typeLocation, type.Name, method.Name);
            }
        }

        foreach (string suffix in new[] { "Gradient", "Adjoint" })
        {
            foreach (ISymbol existing in method.ContainingType.GetMembers(method.Name + suffix))
            {
                if (!existing.IsImplicitlyDeclared)
                {
                    parse.Report(Descriptors.MemberNameClash, existing.Locations.FirstOrDefault(l => l.IsInSource) ?? location, method.Name + suffix, method.Name, method.ContainingType.Name);
                    break;
                }
            }
        }

        var gradientNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (TypeMapper.Map(parameter.Type) is { IsFloating: true } && !CalleeResolver.HasAttribute(parameter, CalleeResolver.NoDerivativeAttributeName))
            {
                gradientNames["d" + NameAllocator.Capitalize(parameter.Name)] = parameter.Name;
            }
        }

        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (gradientNames.TryGetValue(parameter.Name, out string? owner))
            {
                parse.Report(Descriptors.ParameterNameClash, parameter.Locations.FirstOrDefault() ?? location, parameter.Name, method.Name, owner);
            }
        }
    }

    public static bool IsPartial(INamedTypeSymbol type)
    {
        if (type.DeclaringSyntaxReferences.IsEmpty)
        {
            return false;
        }

        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is not TypeDeclarationSyntax declaration || !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Helpers get private adjoints, which cannot call themselves: report every call on a cycle of calls that need
    /// derivatives (a recursive helper called only with non-differentiable arguments runs as it is and is fine).
    /// </summary>
    private static void ReportRecursion(ParseContext parse, ActivityAnalysis root, List<ActivityAnalysis> helpers)
    {
        int count = parse.Helpers.Count;
        var edges = new List<int>[count];
        for (int i = 0; i < count; i++)
        {
            edges[i] = [];
        }

        bool NeedsDerivative(int caller, CallExpr call)
        {
            ActivityAnalysis activity = caller < 0 ? root : helpers[caller];
            return call.Arguments.Any(a => a.Kind != PassingMode.Out && IsVaried(activity, a.Value));
        }

        var active = parse.HelperCalls.Where(c => NeedsDerivative(c.Caller, c.Call)).ToList();
        foreach ((int caller, int callee, _, _, _) in active)
        {
            if (caller >= 0)
            {
                edges[caller].Add(callee);
            }
        }

        bool Reaches(int from, int to)
        {
            var seen = new HashSet<int>();
            var stack = new Stack<int>();
            stack.Push(from);
            while (stack.Count > 0)
            {
                int node = stack.Pop();
                if (node == to)
                {
                    return true;
                }

                if (seen.Add(node))
                {
                    foreach (int next in edges[node])
                    {
                        stack.Push(next);
                    }
                }
            }

            return false;
        }

        // Only helpers that the [Differentiable] method reaches through calls with derivatives matter.
        var reached = new HashSet<int>();
        foreach ((int caller, int callee, _, _, _) in active)
        {
            if (caller < 0)
            {
                foreach (int helper in Enumerable.Range(0, count).Where(h => Reaches(callee, h)))
                {
                    reached.Add(helper);
                }
            }
        }

        foreach ((int caller, int callee, Location callLocation, string name, _) in active)
        {
            if (caller >= 0 && reached.Contains(caller) && Reaches(callee, caller))
            {
                parse.Report(Descriptors.Recursion, callLocation, name);
            }
        }
    }

    /// <summary>
    /// Calls that need a derivative must have one; differentiable values must not escape into objects the generator
    /// does not track; [NoDerivative] parameters given active values are flagged.
    /// </summary>
    private static void CheckCalls(ParseContext parse, FunctionModel function, ActivityAnalysis activity)
    {
        foreach (Stmt stmt in IrWalker.AllStatements(function.Body))
        {
            foreach (Expr expr in IrWalker.OwnExpressions(stmt))
            {
                foreach (Expr node in IrWalker.Descendants(expr))
                {
                    if (node is CallExpr call)
                    {
                        CheckCall(parse, function, activity, call);
                    }
                    else if (node is ObjectCreationExpr creation && creation.Arguments.Any(a => IsVaried(activity, a.Value)))
                    {
                        parse.Report(Descriptors.UnsupportedExpression, parse.LocationOf(creation), creation.Type.Name.Replace("global::", string.Empty),
                            "creating an object from differentiable values (its fields are not tracked, so the derivative would be lost)",
                            "; keep the values in double or float locals, arrays or spans");
                    }
                }
            }
        }
    }

    private static bool IsVaried(ActivityAnalysis activity, Expr value) =>
        ActivityAnalysis.DependsOn(value, activity.IsVariedVariable) ||
        (IrWalker.IsFloatingCollection(value) && IrWalker.RootVariable(value) is int root && root >= 0 && activity.IsVariedVariable(root));

    private static void CheckCall(ParseContext parse, FunctionModel function, ActivityAnalysis activity, CallExpr call)
    {
        // A differentiable value must not disappear into something the generator does not track.
        bool anyVaried = call.Arguments.Any(a => a.Kind != PassingMode.Out && IsVaried(activity, a.Value));
        if (anyVaried && call.Type.Element == ValueKind.Other)
        {
            parse.Report(Descriptors.UnsupportedExpression, parse.LocationOf(call), call.Target.DisplayName,
                $"a call with differentiable arguments that returns '{call.Type.Name.Replace("global::", string.Empty)}' (the derivative would be lost in it)",
                "; return double or float, or write results through out parameters or arrays");
            return;
        }

        // A differentiable receiver (a span of varied values whose ToArray or IndexOf is called) carries derivatives
        // into the call just as an argument does.
        anyVaried |= call.Receiver is not null && call.Type.Element != ValueKind.Void && IsVaried(activity, call.Receiver) &&
            (call.Type.IsFloating || call.Type.IsCollection);
        if (anyVaried && call.Receiver is not null && call.Target.Method is not ("ToString" or "Equals" or "GetHashCode" or "CompareTo"))
        {
            parse.Report(Descriptors.UnsupportedExpression, parse.LocationOf(call), call.Target.DisplayName,
                "passing differentiable values to an instance method (the object does not carry derivatives)",
                "; call a static method instead, or wrap the arguments in AutoDiff.StopGradient");
            return;
        }

        static Expr Strip(Expr e) => IrWalker.StripConversions(e);
        bool ArgumentActive(Argument argument) =>
            argument.Kind != PassingMode.Out &&
            (ActivityAnalysis.DependsOn(argument.Value, id => function.Variables[id].IsActive) ||
             (Strip(argument.Value).Type.IsFloatingCollection && IrWalker.RootVariable(argument.Value) is int root && root >= 0 && function.Variables[root].IsActive));

        Location? location = parse.LocationOf(call);
        if (call.Target.Kind == CallKind.External)
        {
            bool needsDerivative = false;
            for (int i = 0; i < call.Arguments.Count; i++)
            {
                Argument argument = call.Arguments[i];
                if (!ArgumentActive(argument))
                {
                    continue;
                }

                // An active input matters if the call returns a floating-point value or may write floating-point data.
                bool writes = argument.Kind == PassingMode.Ref || (i < call.Target.Parameters.Count && call.Target.Parameters[i].IsWritten);
                Expr passed = Strip(argument.Value);
                needsDerivative |= call.Type.IsFloating || writes || passed.Type.IsFloatingCollection && passed.Type.Shape != ShapeKind.ReadOnlySpan;
            }

            if (needsDerivative)
            {
                if (call.Receiver is not null)
                {
                    parse.Report(Descriptors.UnsupportedExpression, location, call.Target.DisplayName, "calling an instance method with differentiable arguments",
                        "; call a static method instead, or wrap the arguments in AutoDiff.StopGradient");
                }
                else
                {
                    ReportNoDerivative(parse, call, location);
                }
            }

            return;
        }

        CheckArgumentAliasing(parse, function, call, location);
        if (call.Target.Kind is CallKind.Differentiable or CallKind.Custom)
        {
            for (int i = 0; i < call.Arguments.Count && i < call.Target.Parameters.Count; i++)
            {
                CalleeParameter parameter = call.Target.Parameters[i];
                if (parameter.Type.IsFloating && !parameter.HasAdjoint && parameter.Kind is PassingMode.Value or PassingMode.In && ArgumentActive(call.Arguments[i]))
                {
                    parse.Report(Descriptors.ActiveArgumentToNoDerivative, location, parameter.Name, call.Target.DisplayName);
                }
            }
        }
    }

    /// <summary>
    /// A callee's derivative assumes that the places it writes are not also other parameters: the same variable (or the
    /// same array) passed twice, once to be written, would make its adjoint silently wrong. Such calls are rejected.
    /// Different elements of one array (<c>Swap(ref a[i], ref a[j])</c>) are distinct places and are fine.
    /// </summary>
    private static void CheckArgumentAliasing(ParseContext parse, FunctionModel function, CallExpr call, Location? location)
    {
        if (call.Target.Kind == CallKind.External)
        {
            return;
        }

        // Each floating-point argument passed by reference or as a collection: the memory it designates.
        var places = new List<(Place Place, bool Written, string Text)>();
        for (int i = 0; i < call.Arguments.Count && i < call.Target.Parameters.Count; i++)
        {
            Argument argument = call.Arguments[i];
            Expr value = IrWalker.StripConversions(argument.Value);
            bool written = argument.Kind is PassingMode.Ref or PassingMode.Out || call.Target.Parameters[i].IsWritten;
            bool byReference = argument.Kind is PassingMode.Ref or PassingMode.Out or PassingMode.In;
            if (!value.Type.IsFloating)
            {
                continue;
            }

            if (value.Type.IsCollection && IrWalker.RootVariable(value) is int root && root >= 0)
            {
                places.Add((new Place(PlaceKind.Array, function.Variables[root].AliasClass, null), written, function.Variables[root].BaseName));
            }
            else if (byReference && value is VariableExpr variable)
            {
                places.Add((new Place(PlaceKind.Scalar, variable.Id, null), written, function.Variables[variable.Id].BaseName));
            }
            else if (byReference && value is ElementExpr element && IrWalker.RootVariable(element.Collection) is int array && array >= 0)
            {
                places.Add((new Place(PlaceKind.Element, function.Variables[array].AliasClass, element.Index), written, function.Variables[array].BaseName));
            }
        }

        for (int a = 0; a < places.Count; a++)
        {
            for (int b = a + 1; b < places.Count; b++)
            {
                if ((places[a].Written || places[b].Written) && places[a].Place.Overlaps(places[b].Place))
                {
                    parse.Report(Descriptors.UnsupportedExpression, location, call.Target.DisplayName,
                        $"passing '{places[a].Text}' to two parameters of a method that writes one of them (its derivative assumes they are different places)",
                        "; pass a copy for one of them");
                    return;
                }
            }
        }
    }

    private enum PlaceKind
    {
        Scalar,
        Array,
        Element,
    }

    /// <summary>What an argument designates: a scalar variable, the arrays of an alias class, or one element of them.</summary>
    private sealed record Place(PlaceKind Kind, int Id, Expr? Index)
    {
        public bool Overlaps(Place other) => (Kind, other.Kind) switch
        {
            (PlaceKind.Scalar, PlaceKind.Scalar) => Id == other.Id,
            (PlaceKind.Array, PlaceKind.Array or PlaceKind.Element) or (PlaceKind.Element, PlaceKind.Array) => Id == other.Id,
            (PlaceKind.Element, PlaceKind.Element) => Id == other.Id && Equals(Index, other.Index),
            _ => false,
        };
    }

    private static void ReportNoDerivative(ParseContext parse, CallExpr call, Location? location)
    {
        CallTarget target = call.Target;
        int dot = target.DisplayName.LastIndexOf('.');
        string typeName = dot < 0 ? target.DisplayName : target.DisplayName.Substring(0, dot);
        string methodName = dot < 0 ? target.DisplayName : target.DisplayName.Substring(dot + 1);
        var signature = new StringBuilder();
        signature.Append("static ").Append(Short(target.ReturnType)).Append(' ').Append(methodName).Append("Adjoint(");
        var parts = new List<string>();
        foreach (CalleeParameter parameter in target.Parameters)
        {
            parts.Add(Short(parameter.Type) + " " + parameter.Name);
        }

        if (target.ReturnType.Element != ValueKind.Void)
        {
            parts.Add(Short(target.ReturnType) + " seed");
        }

        foreach (CalleeParameter parameter in target.Parameters)
        {
            if (parameter.HasAdjoint)
            {
                parts.Add((parameter.Type.IsCollection ? "Span<" + Short(parameter.Type.ElementType) + ">" : "ref " + Short(parameter.Type)) + " d" + NameAllocator.Capitalize(parameter.Name));
            }
        }

        signature.Append(string.Join(", ", parts)).Append(')');
        parse.Report(Descriptors.NoDerivativeForCall, location, target.DisplayName, methodName + "Adjoint", typeName, methodName, signature.ToString());
    }

    private static string Short(TypeRef type) => type.Name.Replace("global::System.", string.Empty).Replace("global::", string.Empty);

    private static void ReportActivityWarnings(ParseContext parse, IMethodSymbol method, FunctionModel root, ActivityAnalysis activity, Location location)
    {
        bool hasDifferentiableParameter = root.ParameterIds.Any(id => root.Variables[id] is { Type.IsFloating: true, NoDerivative: false });
        if (!hasDifferentiableParameter)
        {
            parse.Report(Descriptors.NoDifferentiableParameter, location, method.Name);
        }
        else if (!activity.ResultIsVaried)
        {
            parse.Report(Descriptors.ResultIndependentOfParameters, location, method.Name);
        }
    }

    private static EquatableArray<ContainingType> ContainingTypes(INamedTypeSymbol innermost)
    {
        var types = new List<ContainingType>();
        for (INamedTypeSymbol? type = innermost; type is not null; type = type.ContainingType)
        {
            string keyword = type.IsRecord
                ? type.IsValueType ? "record struct" : "record"
                : type.TypeKind switch
                {
                    TypeKind.Struct => "struct",
                    TypeKind.Interface => "interface",
                    _ => "class",
                };
            if (type.TypeKind == TypeKind.Struct && type.IsRefLikeType)
            {
                keyword = "ref " + keyword;
            }

            string name = NameAllocator.Escape(type.Name);
            if (type.TypeParameters.Length > 0)
            {
                name += "<" + string.Join(", ", type.TypeParameters.Select(p => p.Name)) + ">";
            }

            types.Insert(0, new ContainingType(keyword, name, type.IsStatic));
        }

        return types.ToEquatableArray();
    }

    private static string Accessibility(Accessibility accessibility) => accessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Public => "public",
        Microsoft.CodeAnalysis.Accessibility.Internal => "internal",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
        Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal",
        Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };

    /// <summary><c>{Namespace}.{Type}.{Method}.g.cs</c>, with the parameter types appended for overloads.</summary>
    private static string HintName(IMethodSymbol method)
    {
        var builder = new StringBuilder();
        if (!method.ContainingNamespace.IsGlobalNamespace)
        {
            builder.Append(method.ContainingNamespace.ToDisplayString()).Append('.');
        }

        var types = new List<string>();
        for (INamedTypeSymbol? type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            types.Insert(0, type.MetadataName);
        }

        builder.Append(string.Join(".", types)).Append('.').Append(method.Name);
        if (method.ContainingType.GetMembers(method.Name).Length > 1)
        {
            builder.Append('(').Append(string.Join(",", method.Parameters.Select(p => p.Type.ToDisplayString()))).Append(')');
        }

        var sanitized = new StringBuilder(builder.Length);
        foreach (char c in builder.ToString())
        {
            sanitized.Append(char.IsLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        }

        return sanitized.Append(".g.cs").ToString();
    }
}
