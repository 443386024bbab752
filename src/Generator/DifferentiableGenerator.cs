using Microsoft.CodeAnalysis;

namespace AutoDiffGen.Generator;

/// <summary>Generates reverse-mode adjoints for methods marked [Differentiable].</summary>
[Generator(LanguageNames.CSharp)]
public sealed class DifferentiableGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
    }
}
