using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Analysis;
using AutoDiffGen.Generator.Helpers;
using AutoDiffGen.Generator.Model;
using AutoDiffGen.Generator.Parsing;

namespace AutoDiffGen.Generator.Differentiation;

internal sealed partial class FunctionDifferentiator
{
    /// <summary>Helpers whose adjoints this function calls.</summary>
    public HashSet<int> UsedHelpers { get; } = [];

    private bool CallHasActiveInput(CallExpr call) => call.Arguments.Any(a =>
        a.Kind != PassingMode.Out &&
        (IsActive(a.Value) || (IrWalker.IsFloatingCollection(a.Value) && IrWalker.RootVariable(a.Value) is int root && root >= 0 && IsActiveVariable(root)) ||
         (a.Kind == PassingMode.Ref && IsActiveTarget(a.Value))));

    /// <summary>Whether a call has derivatives to propagate (it has a derivative and a differentiable input).</summary>
    private bool CallHasReverse(CallExpr call) => call.Target.Kind != CallKind.External && CallHasActiveInput(call);

    private bool WrittenArgumentsActive(CallExpr call)
    {
        for (int i = 0; i < call.Arguments.Count; i++)
        {
            Argument argument = call.Arguments[i];
            bool written = argument.Kind is PassingMode.Ref or PassingMode.Out || (i < call.Target.Parameters.Count && call.Target.Parameters[i].IsWritten);
            if (written && (argument.Value.Type.IsCollection
                    ? IrWalker.RootVariable(argument.Value) is int root && root >= 0 && IsActiveVariable(root)
                    : IsActiveTarget(argument.Value)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The reverse of a call statement: restore the arguments it wrote to their values before the call, run its
    /// adjoint (which re-runs the call), then restore them again for the statements before it.
    /// </summary>
    private void ReverseCall(Stmt leaf, CallExpr call, Expr? seed, SavePlan plan, List<CodeStmt> code)
    {
        bool needsAdjoint = CallHasReverse(call) && (seed is not null || WrittenArgumentsActive(call));
        bool restores = plan.Arguments.Count > 0;
        if (needsAdjoint && restores)
        {
            RestoreArguments(call, plan, peek: true, code);
        }

        if (needsAdjoint)
        {
            ReverseCallAdjoint(call, seed, code);
        }

        if (restores)
        {
            RestoreArguments(call, plan, peek: false, code);
        }
    }

    private void RestoreArguments(CallExpr call, SavePlan plan, bool peek, List<CodeStmt> code)
    {
        var depth = new Dictionary<string, Expr>();
        foreach (KeyValuePair<int, SaveMode> saved in plan.Arguments.OrderByDescending(a => a.Key))
        {
            Expr value = call.Arguments[saved.Key].Value;
            if (saved.Value == SaveMode.Local)
            {
                // (During the to-be-recorded analysis the local has no name yet.)
                string local = plan.ArgumentLocals.TryGetValue(saved.Key, out string? name) ? name : "saved";
                code.Add(new CodeAssign(value, "=", new NameExpr(value.Type, local)));
                continue;
            }

            string stack = StackOf(value.Type);
            Expr? above = depth.TryGetValue(stack, out Expr? d) ? d : null;
            if (value.Type.IsCollection)
            {
                var arguments = above is null || !peek ? Args(value) : Args(value, above);
                code.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, Tape + (peek ? ".PeekSpan" : ".PopSpan"), arguments)));
            }
            else
            {
                code.Add(new CodeAssign(value, "=", peek ? Peek(value.Type, above) : Pop(value.Type)));
            }

            Expr size = value.Type.IsCollection ? new LengthExpr(value) : new LiteralExpr(TypeRef.Int32, IsWide(value.Type) ? "2" : "1");
            depth[stack] = above is null ? size : new BinaryExpr(TypeRef.Int32, BinaryOp.Add, above, size);
        }
    }

    private static string StackOf(TypeRef type) => type.Element switch
    {
        ValueKind.Double => "double",
        ValueKind.Single => "float",
        ValueKind.Integer or ValueKind.Boolean when type.Shape == ShapeKind.Scalar => "int",
        _ => "object",
    };

    private Expr Peek(TypeRef type, Expr? depth)
    {
        depth ??= Literals.Zero(TypeRef.Int32);
        var long64 = new TypeRef("long", ShapeKind.Scalar, ValueKind.Integer);
        return type.Element switch
        {
            ValueKind.Double => new InvokeExpr(type, Tape + ".PeekDouble", Args(depth)),
            ValueKind.Single => new InvokeExpr(type, Tape + ".PeekSingle", Args(depth)),
            ValueKind.Boolean => new InvokeExpr(type, Tape + ".PeekBoolean", Args(depth)),
            ValueKind.Integer when type.Name == "int" => new InvokeExpr(type, Tape + ".PeekInt32", Args(depth)),
            ValueKind.Integer when type.Name == "long" => new InvokeExpr(type, Tape + ".PeekInt64", Args(depth)),
            ValueKind.Integer when IsWide(type) => new ConvertExpr(type, new InvokeExpr(long64, Tape + ".PeekInt64", Args(depth)), true),
            ValueKind.Integer => new ConvertExpr(type, new InvokeExpr(TypeRef.Int32, Tape + ".PeekInt32", Args(depth)), true),
            _ => new InvokeExpr(type, Tape + ".PeekReference<" + type.Name + ">", Args(depth)),
        };
    }

    /// <summary>Calls the callee's adjoint: its arguments, the seed, then one adjoint per differentiable parameter.</summary>
    private void ReverseCallAdjoint(CallExpr call, Expr? seed, List<CodeStmt> code)
    {
        CallTarget target = call.Target;
        string method;
        if (target.Kind == CallKind.Helper)
        {
            method = _helperAdjoints[target.HelperIndex];
            UsedHelpers.Add(target.HelperIndex);
        }
        else
        {
            method = target.Adjoint!;
        }

        var arguments = new List<Argument>(call.Arguments);
        if (target.ReturnType.Element != ValueKind.Void)
        {
            arguments.Add(new Argument(seed is null ? Literals.Zero(target.ReturnType) : Cast(seed, target.ReturnType), PassingMode.Value));
        }

        var after = new List<CodeStmt>();
        for (int i = 0; i < target.Parameters.Count && i < call.Arguments.Count; i++)
        {
            CalleeParameter parameter = target.Parameters[i];
            if (!parameter.HasAdjoint)
            {
                continue;
            }

            Expr value = call.Arguments[i].Value;
            if (parameter.Type.IsCollection)
            {
                if (IrWalker.RootVariable(value) is int root && root >= 0 && IsActiveVariable(root))
                {
                    arguments.Add(new Argument(AdjointSpan(value), PassingMode.Value));
                }
                else
                {
                    // The callee needs somewhere to write adjoints nobody reads.
                    string scratch = _names.Allocate("scratch");
                    TypeRef array = TypeRef.ArrayOf(parameter.Type.ElementType);
                    code.Add(new CodeDeclare(array, scratch, new InvokeExpr(array, Storage + ".RentZeroed<" + parameter.Type.ElementName + ">", Args(new LengthExpr(value)))));
                    arguments.Add(new Argument(new SpanViewExpr(TypeRef.SpanOf(parameter.Type.ElementType), new NameExpr(array, scratch), "AsSpan",
                        EquatableArray.Create<Expr>(Literals.Zero(TypeRef.Int32), new LengthExpr(value))), PassingMode.Value));
                    after.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, Storage + ".Return", Args(new NameExpr(array, scratch)))));
                }

                continue;
            }

            switch (value)
            {
                case VariableExpr v when IsActiveVariable(v.Id) && v.Type == parameter.Type:
                    arguments.Add(new Argument(AdjointOf(v.Id), PassingMode.Ref));
                    break;
                case ElementExpr e when IsActiveTarget(e) && e.Type == parameter.Type:
                    arguments.Add(new Argument(AdjointElement(e), PassingMode.Ref));
                    break;
                default:
                    if (parameter.Kind is PassingMode.Value or PassingMode.In && IsActive(value))
                    {
                        string name = _names.Allocate("d" + NameAllocator.Capitalize(parameter.Name) + "Argument");
                        code.Add(new CodeDeclare(parameter.Type, name, Literals.Zero(parameter.Type)));
                        arguments.Add(new Argument(new NameExpr(parameter.Type, name), PassingMode.Ref));
                        Propagate(value, Cast(new NameExpr(parameter.Type, name), value.Type), after);
                    }
                    else
                    {
                        string unused = _names.Allocate("unused");
                        code.Add(new CodeDeclare(parameter.Type, unused, Literals.Zero(parameter.Type)));
                        arguments.Add(new Argument(new NameExpr(parameter.Type, unused), PassingMode.Ref));
                    }

                    break;
            }
        }

        code.Add(new CodeExpression(new InvokeExpr(TypeRef.Void, method, arguments.ToEquatableArray())));
        code.AddRange(after);
    }
}
