using System;
using System.Collections.Generic;

namespace AutoDiffGen.Tape.Tests;

public class VariableTests
{
    [Fact]
    public void Constructor_overloads_resolve_without_ambiguity()
    {
        var a = new Variable<float>(new[] { 1f, 2f, 3f });
        Assert.Equal(new[] { 3 }, a.Shape);
        Assert.True(a.Trainable);
        var b = new Variable<double>(3.0);
        Assert.Equal(0, b.Rank);
        Assert.Equal(3.0, b.ToScalar());
        var c = new Variable<float>(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, 2, 3);
        Assert.Equal(new[] { 2, 3 }, c.Shape);
        Assert.True(c.Trainable);
        var d = new Variable<float>(new[] { 1f, 2f }, trainable: false);
        Assert.False(d.Trainable);
        var e = new Variable<float>(new[] { 1f, 2f }, false);
        Assert.False(e.Trainable);
        var f = new Variable<float>(new[] { 1f, 2f, 3f, 4f }, new[] { 2, 2 }, false);
        Assert.False(f.Trainable);
        Assert.Equal(new[] { 2, 2 }, f.Shape);
        var g = new Variable<double>(1.0, trainable: false);
        Assert.False(g.Trainable);
        var h = new Variable<float>(new Tensor<float>(new[] { 1f, 2f }, 2, 1));
        Assert.Equal(new[] { 2, 1 }, h.Shape);
        Assert.Throws<ArgumentException>(() => new Variable<float>(new[] { 1f, 2f }, 3));
    }

    [Fact]
    public void Constructor_copies_the_values()
    {
        var values = new[] { 1.0, 2.0 };
        var v = new Variable<double>(values);
        values[0] = 10;
        Assert.Equal(1.0, v.ToArray()[0]);
    }

    [Fact]
    public void Assign_family_updates_values()
    {
        var v = new Variable<double>(new[] { 1.0, 2.0 });
        v.Assign(new Tensor<double>(new[] { 3.0, 4.0 }));
        Check.Values([3, 4], v);
        v.AssignAdd(new Tensor<double>(new[] { 1.0, 1.0 }));
        Check.Values([4, 5], v);
        v.AssignSub(new Tensor<double>(new[] { 2.0, 3.0 }));
        Check.Values([2, 2], v);
        var s = new Variable<float>(1f);
        s.Assign(5f);
        s.AssignAdd(2f);
        s.AssignSub(0.5f);
        Assert.Equal(6.5f, s.ToScalar());
    }

    [Fact]
    public void Assign_with_a_different_shape_names_both_shapes()
    {
        var v = new Variable<double>(new[] { 1.0, 2.0 });
        var e = Assert.Throws<ArgumentException>(() => v.Assign(new Tensor<double>(new[] { 1.0, 2.0, 3.0 })));
        Assert.Contains("(3,)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2,)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => v.AssignAdd(new Tensor<double>(new[] { 1.0, 2.0 }, 2, 1)));
        Assert.Throws<ArgumentException>(() => v.AssignSub(new Tensor<double>(1.0)));
        var scalar = Assert.Throws<ArgumentException>(() => v.Assign(1.0));
        Assert.Contains("()", scalar.Message, StringComparison.Ordinal);
        Assert.Contains("(2,)", scalar.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => v.AssignAdd(1.0));
        Assert.Throws<ArgumentException>(() => v.AssignSub(1.0));
        Assert.Throws<ArgumentNullException>(() => v.Assign(null!));
    }

    [Fact]
    public void Assignments_are_in_place_when_no_recording_holds_the_buffer()
    {
        var v = new Variable<double>(new[] { 1.0, 2.0 });
        ReadOnlySpan<double> before = v.AsSpan();
        v.AssignAdd(new Tensor<double>(new[] { 1.0, 1.0 }));
        Assert.True(before == v.AsSpan()); // same memory

        // After a non-persistent tape consumed its records, the variable is updated in place again.
        Tensor<double> y;
        GradientTape t;
        using (t = new GradientTape())
        {
            y = Tensor.Sum(v * v);
        }

        t.Gradient(y, v);
        ReadOnlySpan<double> mid = v.AsSpan();
        v.AssignSub(new Tensor<double>(new[] { 0.5, 0.5 }));
        Assert.True(mid == v.AsSpan());
    }

    [Fact]
    public void Assignments_copy_on_write_while_a_live_recording_holds_the_buffer()
    {
        var v = new Variable<double>(new[] { 1.0, 2.0 });
        Tensor<double> y;
        GradientTape t;
        using (t = new GradientTape(persistent: true))
        {
            y = Tensor.Sum(v * v);
        }

        ReadOnlySpan<double> before = v.AsSpan();
        v.AssignAdd(new Tensor<double>(new[] { 10.0, 10.0 }));
        Assert.False(before == v.AsSpan());
        Check.Values([2, 4], t.Gradient(y, v)); // computed from the recorded values 1, 2
        Check.Values([11, 12], v);
    }

    [Fact]
    public void Optimizer_steps_do_not_allocate_once_warm()
    {
        var v = new Variable<float>(new float[256]);
        var g = new Tensor<float>(new float[256]);
        var sgd = new Sgd(0.1, momentum: 0.9, nesterov: true);
        var adam = new Adam();
        var pairs = new List<(Tensor<float>?, Variable<float>)> { (g, v) };
        sgd.ApplyGradients(pairs);
        adam.ApplyGradients(pairs);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            sgd.ApplyGradients(pairs);
            adam.ApplyGradients(pairs);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 100 * 200, $"allocated {allocated} bytes in 200 steps"); // only the list enumerator boxes
    }

    [Fact]
    public void Reading_a_variable_through_operations_is_not_a_view()
    {
        var v = new Variable<double>(new[] { 1.0, 2.0 });
        Tensor<double> r = Tensor.Reshape(v, 2, 1);
        Tensor<double> read = v.ReadValue();
        v.Assign(new Tensor<double>(new[] { 7.0, 8.0 }));
        Check.Values([1, 2], r);
        Check.Values([1, 2], read);
    }
}
