namespace AutoDiffGen.Generator;

/// <summary>Names of the incremental pipeline's steps, for caching tests (see tests/AutoDiffGen.Generator.Tests).</summary>
public static class TrackingNames
{
    /// <summary>[Differentiable] methods parsed into models (plus their diagnostics).</summary>
    public const string Parse = nameof(Parse);

    /// <summary>The equatable models.</summary>
    public const string Model = nameof(Model);

    /// <summary>The diagnostics found while parsing.</summary>
    public const string ParseDiagnostics = nameof(ParseDiagnostics);

    /// <summary>The differentiator's options (speed-ups), from the build's analyzer config.</summary>
    public const string Options = nameof(Options);

    /// <summary>The generated programs (adjoint code) built from the models.</summary>
    public const string Differentiate = nameof(Differentiate);

    /// <summary>[DerivativeOf] methods checked for validity.</summary>
    public const string DerivativeOf = nameof(DerivativeOf);
}
