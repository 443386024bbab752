using System.Collections.Generic;
using System.Threading;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;
using Microsoft.CodeAnalysis;

namespace AutoDiffGen.Generator.Parsing;

/// <summary>State shared by the lowering of a [Differentiable] method and of the helpers it calls.</summary>
internal sealed class ParseContext
{
    private readonly List<IMethodSymbol> _helpers = [];
    private readonly Dictionary<IMethodSymbol, int> _helperIndices = new(SymbolEqualityComparer.Default);

    public ParseContext(Compilation compilation, IMethodSymbol root, CancellationToken cancellationToken)
    {
        Compilation = compilation;
        Root = root;
        Resolver = new CalleeResolver(compilation);
        CancellationToken = cancellationToken;
    }

    public Compilation Compilation { get; }

    public IMethodSymbol Root { get; }

    public CalleeResolver Resolver { get; }

    public CancellationToken CancellationToken { get; }

    public List<Diagnostic> Diagnostics { get; } = [];

    public bool HasErrors { get; private set; }

    /// <summary>Where each call and expression of interest came from (by node identity), for diagnostics found after lowering.</summary>
    public Dictionary<object, Location> Locations { get; } = new(ReferenceComparer.Instance);

    /// <summary>Calls between functions: (caller index or -1 for the root, callee helper index, call location, the call).</summary>
    public List<(int Caller, int Callee, Location Location, string CalleeName, CallExpr Call)> HelperCalls { get; } = [];

    public IReadOnlyList<IMethodSymbol> Helpers => _helpers;

    public void Report(DiagnosticDescriptor descriptor, Location? location, params object?[] arguments)
    {
        if (descriptor.DefaultSeverity == DiagnosticSeverity.Error)
        {
            HasErrors = true;
        }

        // One construct, one diagnostic: a declaration of an unsupported type is not reported again for its
        // initializer, and unsafe code is reported once per method.
        foreach (Diagnostic existing in Diagnostics)
        {
            if (existing.Id == descriptor.Id && location is not null && existing.Location.SourceTree == location.SourceTree &&
                (existing.Location.SourceSpan.IntersectsWith(location.SourceSpan) ||
                 existing.Location.GetLineSpan().StartLinePosition.Line == location.GetLineSpan().StartLinePosition.Line ||
                 descriptor.Id == AutoDiffGen.Generator.Diagnostics.Descriptors.UnsafeCode.Id))
            {
                return;
            }
        }

        Diagnostics.Add(Diagnostic.Create(descriptor, location, arguments));
    }

    /// <summary>Returns the index of a helper, queueing it for lowering on first use.</summary>
    public int HelperIndex(IMethodSymbol method)
    {
        if (!_helperIndices.TryGetValue(method, out int index))
        {
            index = _helpers.Count;
            _helpers.Add(method);
            _helperIndices.Add(method, index);
        }

        return index;
    }

    public void Remember(object node, Location location) => Locations[node] = location;

    public Location? LocationOf(object node) => Locations.TryGetValue(node, out Location? location) ? location : null;
}
