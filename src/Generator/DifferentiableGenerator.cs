using System.Collections.Immutable;
using AutoDiffGen.Generator.Differentiation;
using AutoDiffGen.Generator.Emitting;
using AutoDiffGen.Generator.Model;
using AutoDiffGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace AutoDiffGen.Generator;

/// <summary>
/// Generates reverse-mode adjoints for methods marked [Differentiable]. The pipeline is
/// parse (symbols to an equatable model) → differentiate (model to a generated program) → emit (program to text).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class DifferentiableGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ParseResult> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                CalleeResolver.DifferentiableAttributeName,
                static (node, _) => node is MethodDeclarationSyntax or LocalFunctionStatementSyntax,
                static (context, cancellationToken) => MethodParser.Parse(context, cancellationToken))
            .WithTrackingName(TrackingNames.Parse);

        // Diagnostics keep their real locations (pragma-suppressible) and are re-reported on every run.
        IncrementalValuesProvider<ImmutableArray<Diagnostic>> diagnostics = parsed
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.ParseDiagnostics);
        context.RegisterSourceOutput(diagnostics, static (context, diagnostics) =>
        {
            foreach (Diagnostic diagnostic in diagnostics)
            {
                context.ReportDiagnostic(diagnostic);
            }
        });

        IncrementalValuesProvider<MethodModel> models = parsed
            .Select(static (result, _) => result.Model)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.Model);

        // Which speed-ups the differentiator applies (all unless a test or a user turns some off).
        IncrementalValueProvider<DifferentiationOptions> options = context.AnalyzerConfigOptionsProvider
            .Select(static (provider, _) => DifferentiationOptions.From(provider.GlobalOptions))
            .WithTrackingName(TrackingNames.Options);

        IncrementalValuesProvider<DifferentiationResult> programs = models
            .Combine(options)
            .Select(static (input, cancellationToken) => Differentiator.Run(input.Left, input.Right, cancellationToken))
            .WithTrackingName(TrackingNames.Differentiate);

        context.RegisterSourceOutput(programs, static (context, result) =>
        {
            if (result.File is not null)
            {
                context.AddSource(result.File.HintName, SourceText.From(Emitter.Emit(result.File), System.Text.Encoding.UTF8));
            }
            else
            {
                context.ReportDiagnostic(Diagnostic.Create(Diagnostics.Descriptors.InternalError, result.ErrorLocation?.ToLocation(), result.ErrorMethod, result.Error));
            }
        });

        IncrementalValuesProvider<ImmutableArray<Diagnostic>> derivativeOf = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                CalleeResolver.DerivativeOfAttributeName,
                static (node, _) => node is MethodDeclarationSyntax,
                static (context, _) => DerivativeOfParser.Validate(context))
            .WithTrackingName(TrackingNames.DerivativeOf);
        context.RegisterSourceOutput(derivativeOf, static (context, diagnostics) =>
        {
            foreach (Diagnostic diagnostic in diagnostics)
            {
                context.ReportDiagnostic(diagnostic);
            }
        });
    }
}
