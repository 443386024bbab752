using System;
using System.Collections.Generic;
using System.Threading;

namespace AutoDiffGen.Tape.Tests;

/// <summary>tf.GradientTape behaviour, spec sections 1-7 and 12-14 (TF test names in comments).</summary>
public class GradientTapeTests
{
    private static Tensor<double> C(double v) => new(v);

    [Fact]
    public void Constructor_starts_recording_and_dispose_stops_it()
    {
        var tape = new GradientTape();
        Assert.True(tape.IsRecording);
        Assert.False(tape.Persistent);
        Assert.True(tape.WatchAccessedVariables);
        tape.Dispose();
        Assert.False(tape.IsRecording);
        tape.Dispose(); // idempotent, as __exit__ after a pop
        var p = new GradientTape(persistent: true, watchAccessedVariables: false);
        Assert.True(p.Persistent);
        Assert.False(p.WatchAccessedVariables);
        p.Dispose();
    }

    [Fact]
    public void Operations_after_the_block_are_not_recorded()
    {
        var x = C(3);
        GradientTape g;
        Tensor<double> y;
        using (g = new GradientTape(persistent: true))
        {
            g.Watch(x);
            y = x * x;
        }

        Tensor<double> z = y * x; // outside the block
        Check.Scalar(6, g.Gradient(y, x));
        Assert.Null(g.Gradient(z, x));
    }

    [Fact]
    public void Reentering_an_exited_tape_continues_the_same_recording()
    {
        // testGradientTapeReEnterContext
        var g = new GradientTape();
        Tensor<double> x = C(3), y, z;
        using (g)
        {
            g.Watch(x);
            y = 2.0 * x;
        }

        using (g.Resume())
        {
            z = 2.0 * y;
        }

        Tensor<double>?[] grads = g.Gradient(z, [x]);
        Check.Scalar(4, grads[0]);
    }

    [Fact]
    public void Reentering_an_active_tape_throws_tensorflow_message()
    {
        // testNestedSelfContexts
        using var g = new GradientTape();
        var e = Assert.Throws<InvalidOperationException>(() => g.Resume());
        Assert.Equal("Tape is still recording, This can happen if you try to re-enter an already-active tape.", e.Message);
    }

    [Fact]
    public void A_consumed_non_persistent_tape_can_be_entered_again_with_a_new_recording()
    {
        var x = C(2);
        var g = new GradientTape();
        Tensor<double> y;
        using (g)
        {
            g.Watch(x);
            y = x * x;
        }

        Check.Scalar(4, g.Gradient(y, x));
        using (g.Resume())
        {
            g.Watch(x);
            y = x * x * x;
        }

        Check.Scalar(12, g.Gradient(y, x));
    }

    [Fact]
    public void Watching_is_tape_local()
    {
        // testWatchingIsTapeLocal
        var x1 = C(2);
        var x2 = C(2);
        Tensor<double> y;
        GradientTape tape1, tape2;
        using (tape1 = new GradientTape(persistent: true))
        using (tape2 = new GradientTape(persistent: true))
        {
            tape1.Watch(x1);
            tape2.Watch([x1, x2]);
            y = x1 * x2;
        }

        Check.Scalar(2, tape1.Gradient(y, x1));
        Assert.Null(tape1.Gradient(y, x2));
        Tensor<double>?[] g2 = tape2.Gradient(y, [x1, x2]);
        Check.Scalar(2, g2[0]);
        Check.Scalar(2, g2[1]);
    }

    [Fact]
    public void Identity_not_value_two_equal_constants_are_different_sources()
    {
        // testDifferentiatingScalarCache
        var x1 = C(3);
        var x2 = C(3);
        Tensor<double> y;
        GradientTape g;
        using (g = new GradientTape(persistent: true))
        {
            g.Watch(x1);
            g.Watch(x2);
            y = x1 + x2;
        }

        Check.Scalar(1, g.Gradient(y, [x1])[0]);
        Check.Scalar(1, g.Gradient(y, x2));
    }

    [Fact]
    public void Trainable_variables_are_watched_automatically_and_listed_in_creation_order()
    {
        // testAutomaticWatchedVariables
        var v0 = new Variable<double>(1.0);
        var v1 = new Variable<double>(2.0);
        var notTrainable = new Variable<double>(3.0, trainable: false);
        GradientTape tape;
        Tensor<double> y;
        using (tape = new GradientTape(persistent: true))
        {
            Assert.Empty(tape.WatchedVariables());
            y = v1 * v1;          // v1 read first
            y = y + (v0 * notTrainable);
            Assert.Equal(new IVariable[] { v0, v1 }, tape.WatchedVariables());
        }

        Check.Scalar(4, tape.Gradient(y, v1));
        Check.Scalar(3, tape.Gradient(y, v0));
        Assert.Null(tape.Gradient(y, notTrainable));
    }

    [Fact]
    public void Non_trainable_variable_gives_null_unless_watched_explicitly()
    {
        // Guide-1: x1 = Variable(3.0, trainable=False) -> None; testExplicitWatchedVariables
        var x0 = new Variable<double>(3.0);
        var x1 = new Variable<double>(3.0, trainable: false);
        var x2 = new Variable<double>(2.0, trainable: false);
        Tensor<double> y;
        GradientTape tape;
        using (tape = new GradientTape())
        {
            tape.Watch(x2);
            y = (x0 * x0) + (x1 * x1) + (x2 * x2);
        }

        Assert.Equal(new IVariable[] { x0, x2 }, tape.WatchedVariables());
        Tensor<double>?[] grads = tape.Gradient(y, [x0, x1, x2]);
        Check.Scalar(6, grads[0]);
        Assert.Null(grads[1]);
        Check.Scalar(4, grads[2]);
    }

    [Fact]
    public void Watch_accessed_variables_false_only_tracks_explicit_watches()
    {
        // API docstring: x=Variable(2.0), w=Variable(5.0), y=x**2, z=w**3: dy/dx=4.0, dz/dw=None
        var x = new Variable<double>(2.0);
        var w = new Variable<double>(5.0);
        Tensor<double> y, z;
        GradientTape tape;
        using (tape = new GradientTape(persistent: true, watchAccessedVariables: false))
        {
            tape.Watch(x);
            y = Tensor.Pow(x, 2.0);
            z = Tensor.Pow(w, 3.0);
        }

        Check.Scalar(4, tape.Gradient(y, x));
        Assert.Null(tape.Gradient(z, w));
        Assert.Equal(new IVariable[] { x }, tape.WatchedVariables());
    }

    [Fact]
    public void A_variable_read_before_the_tape_is_a_constant_inside_it()
    {
        // Guide-1 "Replaced a variable with a tensor"
        var x = new Variable<double>(2.0);
        Tensor<double> read = x + 1.0; // outside
        Tensor<double> y;
        GradientTape tape;
        using (tape = new GradientTape())
        {
            y = read * read;
        }

        Assert.Null(tape.Gradient(y, x));
    }

    [Fact]
    public void A_variable_created_inside_the_tape_is_watched_when_read()
    {
        GradientTape tape;
        Variable<double> v;
        Tensor<double> y;
        using (tape = new GradientTape())
        {
            v = new Variable<double>(3.0);
            y = v * v;
        }

        Check.Scalar(6, tape.Gradient(y, v));
    }

    [Fact]
    public void Watched_variables_survive_a_non_persistent_gradient_and_are_cleared_by_reset()
    {
        // testWatchedVariablesAfterNonPersistentGradientCall, testWatchedVariablesRespectReset
        var v = new Variable<double>(1.0);
        var u = new Variable<double>(1.0);
        GradientTape tape;
        Tensor<double> y;
        using (tape = new GradientTape())
        {
            y = v * v;
        }

        tape.Gradient(y, v);
        Assert.Equal(new IVariable[] { v }, tape.WatchedVariables());

        using (var t2 = new GradientTape())
        {
            _ = v * v;
            t2.Reset();
            Assert.Empty(t2.WatchedVariables());
            _ = u * u;
            Assert.Equal(new IVariable[] { u }, t2.WatchedVariables());
        }
    }

    [Fact]
    public void A_new_tape_only_has_its_own_variables()
    {
        // testWatchedVariablesOnlyHasVariablesFromLastTape
        var a = new Variable<double>(1.0);
        var b = new Variable<double>(1.0);
        using (var t1 = new GradientTape())
        {
            _ = a * a;
        }

        using var t2 = new GradientTape();
        _ = b * b;
        Assert.Equal(new IVariable[] { b }, t2.WatchedVariables());
    }

    [Fact]
    public void Gradient_inside_a_non_persistent_block_stops_recording()
    {
        // testGradientWithinTapeBlock: the tape is popped, later ops are not recorded, exit is a no-op.
        var x = new Variable<double>(3.0);
        using var tape = new GradientTape();
        Tensor<double> y = x * x;
        Check.Scalar(6, tape.Gradient(y, x));
        Assert.False(tape.IsRecording);
        Assert.Throws<InvalidOperationException>(() => tape.Gradient(y, x));
    }

    [Fact]
    public void Gradient_inside_a_persistent_block_is_recorded_for_higher_order()
    {
        // testHigherOrderGradient: x = 3, y = x**3 -> 27, 18, 6
        var x = C(3);
        using var g = new GradientTape(persistent: true);
        g.Watch(x);
        Tensor<double> y = Tensor.Pow(x, 3.0);
        Tensor<double> dy = g.Gradient(y, x)!;
        Tensor<double> d2y = g.Gradient(dy, x)!;
        Tensor<double> d3y = g.Gradient(d2y, x)!;
        Check.Scalar(27, dy);
        Check.Scalar(18, d2y);
        Check.Scalar(6, d3y);
        Assert.True(g.IsRecording);
    }

    [Fact]
    public void Persistent_tape_computes_several_gradients()
    {
        // testPersistentTape: x=3, y=x*x, z=y*y: dz/dx=108, dy/dx=6
        var x = C(3);
        Tensor<double> y, z;
        GradientTape g;
        using (g = new GradientTape(persistent: true))
        {
            g.Watch(x);
            y = x * x;
            z = y * y;
        }

        Check.Scalar(108, g.Gradient(z, x));
        Check.Scalar(6, g.Gradient(y, x));
        Check.Scalar(108, g.Gradient(z, x));
    }

    [Fact]
    public void Jacobian_counts_as_the_single_use_of_a_non_persistent_tape()
    {
        var x = new Tensor<double>(new[] { 1.0, 2.0 });
        Tensor<double> y;
        GradientTape g;
        using (g = new GradientTape())
        {
            g.Watch(x);
            y = x * x;
        }

        Assert.NotNull(g.Jacobian(y, x));
        var e1 = Assert.Throws<InvalidOperationException>(() => g.Jacobian(y, x));
        Assert.StartsWith("A non-persistent GradientTape can only be used to", e1.Message);
        var e2 = Assert.Throws<InvalidOperationException>(() => g.BatchJacobian(y, x));
        Assert.StartsWith("A non-persistent GradientTape can only be used to", e2.Message);
        var e3 = Assert.Throws<InvalidOperationException>(() => g.Gradient(y, x));
        Assert.Equal("A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)", e3.Message);
    }

    [Fact]
    public void Null_target_throws_argument_null()
    {
        var x = C(1);
        using var g = new GradientTape(persistent: true);
        g.Watch(x);
        Assert.Throws<ArgumentNullException>(() => g.Gradient((Tensor<double>)null!, x));
        Assert.Throws<ArgumentNullException>(() => g.Gradient(x, (Tensor<double>)null!));
        Assert.Throws<ArgumentException>(() => g.Gradient(x, [x, null!]));
        Assert.Throws<ArgumentNullException>(() => g.Watch((Tensor<double>)null!));
    }

    [Fact]
    public void Unknown_unconnected_gradients_value_throws()
    {
        // testUnknownUnconnectedGradientsValueGiven
        var x = C(1);
        using var g = new GradientTape(persistent: true);
        g.Watch(x);
        Tensor<double> y = x * x;
        var e = Assert.ThrowsAny<ArgumentException>(() => g.Gradient(y, x, unconnectedGradients: (UnconnectedGradients)7));
        Assert.Contains("Unknown value for unconnected_gradients: '7'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_scalar_targets_give_the_gradient_of_the_sum()
    {
        // Guide-1: x=2: gradient({'y0': x**2, 'y1': 1/x}, x) == 3.75; gradient(x*[3,4], x) == 7
        var x = new Variable<double>(2.0);
        Tensor<double> y0, y1, y2;
        GradientTape g;
        using (g = new GradientTape(persistent: true))
        {
            y0 = Tensor.Pow(x, 2.0);
            y1 = 1.0 / x;
            y2 = x * new Tensor<double>(new[] { 3.0, 4.0 });
        }

        Check.Scalar(3.75, g.Gradient([y0, y1], x));
        Check.Scalar(7, g.Gradient(y2, x));
    }

    [Fact]
    public void A_target_that_is_also_a_source_contributes_ones()
    {
        // testTapeGradientMultiTargetOneIsSource: x=2, y=x*x, gradient([x, y], x) == 5
        var x = C(2);
        Tensor<double> y;
        GradientTape g;
        using (g = new GradientTape(persistent: true))
        {
            g.Watch(x);
            y = x * x;
        }

        Check.Scalar(5, g.Gradient([x, y], x));

        // testTapeNoOpGradient: y = x -> 1.0 (even unwatched)
        var u = C(7);
        using var g2 = new GradientTape();
        Check.Scalar(1, g2.Gradient(u, u));
    }

    [Fact]
    public void Variable_read_value_is_an_identity()
    {
        // testTapeNoOpOnVariableIsIdentity
        var v0 = new Variable<double>(1.0);
        Tensor<double> y;
        GradientTape t;
        using (t = new GradientTape())
        {
            y = v0.ReadValue();
        }

        Check.Scalar(1, t.Gradient(y, v0));
    }

    [Fact]
    public void Repeated_sources_each_get_the_full_gradient()
    {
        // testGradientTapeRepeatedSource
        var x = C(2);
        Tensor<double> y;
        GradientTape g;
        using (g = new GradientTape())
        {
            g.Watch(x);
            y = x * 2.0;
        }

        Tensor<double>?[] grads = g.Gradient(y, [x, x]);
        Check.Scalar(2, grads[0]);
        Check.Scalar(2, grads[1]);
    }

    [Fact]
    public void Intermediate_results_can_be_sources_and_upstream_is_still_traversed()
    {
        // Guide-1 "Intermediate results": x=3, y=x*x, z=y*y: dz/dy = 18; testNestedGradients: [dz/dx, dz/dy] = [108, 18]
        var x = C(3);
        Tensor<double> y, z;
        GradientTape g;
        using (g = new GradientTape())
        {
            g.Watch(x);
            y = x * x;
            z = y * y;
        }

        Tensor<double>?[] grads = g.Gradient(z, [x, y]);
        Check.Scalar(108, grads[0]);
        Check.Scalar(18, grads[1]);
    }

    [Fact]
    public void Unconnected_gradients_are_null_or_zeros()
    {
        // testUnconnectedGradientsDefault / Zeros / VariablesZeros
        var x = new Tensor<double>(new[] { 1.0, 2.0 });
        var y = new Tensor<double>(new[] { 3.0, 4.0, 5.0 });
        var v = new Variable<double>(new[] { 1.0, 1.0 }, 2);
        Tensor<double> z;
        GradientTape g;
        using (g = new GradientTape(persistent: true))
        {
            g.Watch(x);
            g.Watch(y);
            z = x * 2.0;
        }

        Assert.Null(g.Gradient(z, y));
        Tensor<double>?[] zero = g.Gradient(z, [y, v], unconnectedGradients: UnconnectedGradients.Zero);
        Check.Values([0, 0, 0], zero[0]);
        Check.Shape([3], zero[0]);
        Check.Values([0, 0], zero[1]);
        Check.Shape([2], zero[1]);
    }

    [Fact]
    public void A_target_not_on_the_tape_gives_null_for_every_source()
    {
        // testGadientTapeCalledOnConstantTarget
        GradientTape g;
        Variable<double> x, y;
        using (g = new GradientTape())
        {
            x = new Variable<double>(new[] { 3.0 });
            y = new Variable<double>(new[] { 2.0 });
        }

        Assert.Null(g.Gradient(x, y));
    }

    [Fact]
    public void Output_gradients_replace_the_ones_seed()
    {
        var x = new Tensor<double>(new[] { 1.0, 2.0, 3.0 });
        Tensor<double> y;
        GradientTape g;
        using (g = new GradientTape(persistent: true))
        {
            g.Watch(x);
            y = x * x;
        }

        var upstream = new Tensor<double>(new[] { 1.0, 10.0, 100.0 });
        Check.Values([2, 40, 600], g.Gradient(y, x, outputGradients: upstream));
        Assert.Throws<ArgumentException>(() => g.Gradient(y, x, outputGradients: new Tensor<double>(new[] { 1.0 })));

        // Several targets with per-target output gradients (null = ones).
        Tensor<double>?[] r = g.Gradient([y, x], [x], [upstream, null]);
        Check.Values([3, 41, 601], r[0]);
    }

    [Fact]
    public void Stop_recording_pauses_this_tape_only()
    {
        // testTapeStopRecording: x = Variable(1.0); with stop_recording(): y = x*x -> gradient None
        var x = new Variable<double>(1.0);
        Tensor<double> y, y2;
        GradientTape t, other;
        using (other = new GradientTape(persistent: true))
        using (t = new GradientTape(persistent: true))
        {
            using (t.StopRecording())
            {
                Assert.False(t.IsRecording);
                y = x * x;
                Assert.Empty(t.WatchedVariables()); // not watched while paused
            }

            Assert.True(t.IsRecording);
            y2 = x * x;
        }

        Assert.Null(t.Gradient(y, x));
        Check.Scalar(2, t.Gradient(y2, x));
        Check.Scalar(2, other.Gradient(y, x)); // the other tape kept recording
    }

    [Fact]
    public void Stop_start_recording_keeps_earlier_tensors_differentiable()
    {
        // testTapeStopStartRecording: x2 = x*2 recorded, y = x2*x2 paused -> None, z = x2*x2 recorded -> dz/dx2 = 4
        var x = C(1);
        Tensor<double> x2, y, z;
        GradientTape t;
        using (t = new GradientTape(persistent: true))
        {
            t.Watch(x);
            x2 = x * 2.0;
            using (t.StopRecording())
            {
                y = x2 * x2;
            }

            z = x2 * x2;
        }

        Assert.Null(t.Gradient(y, x2));
        Check.Scalar(4, t.Gradient(z, x2));
    }

    [Fact]
    public void Stop_recording_and_reset_errors_use_tensorflow_wording()
    {
        var t = new GradientTape();
        t.Dispose();
        var notRecording = Assert.Throws<InvalidOperationException>(() => t.StopRecording());
        Assert.Equal("Tape is not recording.", notRecording.Message);
        var reset = Assert.Throws<InvalidOperationException>(() => t.Reset());
        Assert.Equal("Tape is not recording.", reset.Message);

        var x = C(2);
        Tensor<double> y;
        var c = new GradientTape();
        using (c)
        {
            c.Watch(x);
            y = x * x;
        }

        c.Gradient(y, x);
        var consumed = Assert.Throws<InvalidOperationException>(() => c.StopRecording());
        Assert.Equal("Trying to stop recording a tape which is not recording.", consumed.Message);
    }

    [Fact]
    public void Reset_discards_what_was_recorded()
    {
        // testTapeReset: v=Variable(1.0); loss=v*v; reset(); loss += v*v -> 2.0
        var v = new Variable<double>(1.0);
        Tensor<double> loss;
        GradientTape t;
        using (t = new GradientTape())
        {
            loss = v * v;
            t.Reset();
            loss = loss + (v * v);
        }

        Check.Scalar(2, t.Gradient(loss, v));

        // Guide-2: y_sq = y*y; reset(); z = x*x + y_sq: dz/dx = 4, dz/dy = None
        var x1 = new Variable<double>(2.0);
        var y1 = new Variable<double>(3.0);
        Tensor<double> z;
        GradientTape t2;
        using (t2 = new GradientTape())
        {
            Tensor<double> ySq = y1 * y1;
            t2.Reset();
            z = (x1 * x1) + ySq;
        }

        Tensor<double>?[] g = t2.Gradient(z, [x1, y1]);
        Check.Scalar(4, g[0]);
        Assert.Null(g[1]);
    }

    [Fact]
    public void Stop_gradient_blocks_the_gradient()
    {
        // Guide-2: z = x**2 + stop_gradient(y**2): dz/dx = 4, dz/dy = None (0 with ZERO)
        var x = new Variable<double>(2.0);
        var y = new Variable<double>(3.0);
        Tensor<double> z;
        GradientTape t;
        using (t = new GradientTape(persistent: true))
        {
            z = Tensor.Pow(x, 2.0) + Tensor.StopGradient(Tensor.Pow(y, 2.0));
        }

        Tensor<double>?[] g = t.Gradient(z, [x, y]);
        Check.Scalar(4, g[0]);
        Assert.Null(g[1]);
        Check.Scalar(0, t.Gradient(z, y, unconnectedGradients: UnconnectedGradients.Zero));
    }

    [Fact]
    public void Control_flow_only_records_the_executed_branch()
    {
        // Guide-1: x = 1 > 0 -> result = v0: dv0 = 1, dv1 = None
        var v0 = new Variable<double>(2.0);
        var v1 = new Variable<double>(2.0);
        Tensor<double> result;
        GradientTape t;
        using (t = new GradientTape())
        {
            result = 1 > 0 ? v0.ReadValue() : v1.ReadValue();
        }

        Tensor<double>?[] g = t.Gradient(result, [v0, v1]);
        Check.Scalar(1, g[0]);
        Assert.Null(g[1]);

        // Tut: loop multiplying by x for i in 2..y: grad(2.0, 6) = 12, grad(2.0, 5) = 12, grad(2.0, 4) = 4
        static Tensor<double> F(Tensor<double> x, int y)
        {
            Tensor<double> output = new(1.0);
            for (int i = 0; i < y; i++)
            {
                if (i > 1 && i < 5)
                {
                    output = output * x;
                }
            }

            return output;
        }

        static Tensor<double>? Grad(double x, int y)
        {
            var xt = new Tensor<double>(x);
            using var tape = new GradientTape();
            tape.Watch(xt);
            return tape.Gradient(F(xt, y), xt);
        }

        Check.Scalar(12, Grad(2.0, 6));
        Check.Scalar(12, Grad(2.0, 5));
        Check.Scalar(4, Grad(2.0, 4));
    }

    [Fact]
    public void Assignment_is_not_differentiable_and_state_stops_gradients()
    {
        // Guide-1: x1.assign_add(x0); y = x1**2 -> dy/dx0 = None; dy/dx1 = 2 * x1_new
        var x0 = new Variable<double>(3.0);
        var x1 = new Variable<double>(0.0);
        Tensor<double> y;
        GradientTape t;
        using (t = new GradientTape())
        {
            x1.AssignAdd(x0);
            y = Tensor.Pow(x1, 2.0);
        }

        Tensor<double>?[] g = t.Gradient(y, [x0, x1]);
        Assert.Null(g[0]);
        Check.Scalar(6, g[1]);
    }

    [Fact]
    public void Recorded_values_are_snapshots_not_affected_by_later_assignment()
    {
        var w = new Variable<double>(new[] { 1.0, 2.0 });
        var x = new Tensor<double>(new[] { 10.0, 20.0 });
        Tensor<double> y;
        GradientTape t;
        using (t = new GradientTape())
        {
            t.Watch(x);
            y = Tensor.Sum(w * x);
        }

        w.Assign(new Tensor<double>(new[] { 100.0, 200.0 }));
        w.AssignAdd(new Tensor<double>(new[] { 1.0, 1.0 }));
        Tensor<double>?[] g = t.Gradient(y, [w, x]);
        Check.Values([10, 20], g[0]);
        Check.Values([1, 2], g[1]); // the value w had when it was read
        Check.Values([101, 201], w);
    }

    [Fact]
    public void Gradients_with_respect_to_an_assigned_variable_use_the_value_at_each_read()
    {
        var v = new Variable<double>(2.0);
        Tensor<double> y;
        GradientTape t;
        using (t = new GradientTape())
        {
            Tensor<double> a = v * v;   // d/dv = 2 * 2
            v.Assign(5.0);
            y = a + (v * v);             // d/dv = 2 * 5
        }

        Check.Scalar(14, t.Gradient(y, v));
    }

    [Fact]
    public void Recording_is_per_thread()
    {
        var results = new double[2];
        var errors = new Exception?[2];
        using var barrier = new Barrier(2);
        void Work(int k)
        {
            try
            {
                var x = new Variable<double>(k + 2.0);
                Tensor<double> y;
                GradientTape tape;
                using (tape = new GradientTape())
                {
                    barrier.SignalAndWait();
                    y = x;
                    for (int i = 0; i < 200; i++)
                    {
                        y = y * x / x;
                    }

                    y = y * x;
                    barrier.SignalAndWait();
                }

                results[k] = tape.Gradient(y, x)!.ToScalar();
            }
            catch (Exception e)
            {
                errors[k] = e;
                barrier.RemoveParticipant();
            }
        }

        var t0 = new Thread(() => Work(0));
        var t1 = new Thread(() => Work(1));
        t0.Start();
        t1.Start();
        t0.Join();
        t1.Join();
        Assert.Null(errors[0]);
        Assert.Null(errors[1]);
        Assert.Equal(4.0, results[0], 9);
        Assert.Equal(6.0, results[1], 9);

        // A tape on this thread does not see operations of another thread.
        var shared = new Variable<double>(3.0);
        Tensor<double>? other = null;
        using var mine = new GradientTape();
        var th = new Thread(() => other = shared * shared);
        th.Start();
        th.Join();
        Assert.Null(mine.Gradient(other!, shared));
    }

    [Fact]
    public void Multiple_tapes_watch_independently()
    {
        // Guide-2 "Multiple tapes": tape0.watch(x0), tape1.watch(x1); y0 = sin(x0), y1 = sigmoid(x1)
        var x0 = C(0);
        var x1 = C(0);
        Tensor<double> y0, y1, ys;
        GradientTape tape0, tape1;
        using (tape0 = new GradientTape())
        using (tape1 = new GradientTape())
        {
            tape0.Watch(x0);
            tape1.Watch(x1);
            y0 = Tensor.Sin(x0);
            y1 = Tensor.Sigmoid(x1);
            ys = y0 + y1;
        }

        Check.Scalar(1.0, tape0.Gradient(ys, x0)); // cos(0)
        Check.Scalar(0.25, tape1.Gradient(ys, x1)); // sigmoid'(0)
    }

    [Fact]
    public void Collection_expression_of_variables_picks_the_list_overload()
    {
        // tape.Gradient(loss, [w, b]) must compile and return one gradient per source.
        var w = new Variable<float>(new[] { 1f, 2f });
        var b = new Variable<float>(0.5f);
        Tensor<float> loss;
        GradientTape tape;
        using (tape = new GradientTape())
        {
            loss = Tensor.Sum((w * 3f) + b);
        }

        Tensor<float>?[] grads = tape.Gradient(loss, [w, b]);
        Assert.Equal(2, grads.Length);
        Check.Values([3f, 3f], grads[0]);
        Check.Scalar(2f, grads[1]);

        // Arrays and lists of variables work too.
        using (tape = new GradientTape(persistent: true))
        {
            loss = Tensor.Sum(w * b);
        }

        Variable<float>[] array = [w, b];
        var list = new List<Variable<float>> { w, b };
        Assert.Equal(2, tape.Gradient(loss, array).Length);
        Assert.Equal(2, tape.Gradient(loss, list).Length);
    }

    [Fact]
    public void Variables_read_while_several_tapes_record_are_watched_by_all_of_them()
    {
        var v = new Variable<double>(3.0);
        GradientTape outer, inner, blind;
        Tensor<double> y;
        using (outer = new GradientTape(persistent: true))
        using (blind = new GradientTape(persistent: true, watchAccessedVariables: false))
        using (inner = new GradientTape(persistent: true))
        {
            y = v * v;
        }

        Assert.Equal(new IVariable[] { v }, outer.WatchedVariables());
        Assert.Equal(new IVariable[] { v }, inner.WatchedVariables());
        Assert.Empty(blind.WatchedVariables());
        Check.Scalar(6, outer.Gradient(y, v));
        Check.Scalar(6, inner.Gradient(y, v));
        Assert.Null(blind.Gradient(y, v));
    }

    [Fact]
    public void Watch_after_the_records_were_consumed_throws()
    {
        var x = C(1);
        Tensor<double> y;
        GradientTape g;
        using (g = new GradientTape())
        {
            g.Watch(x);
            y = x * x;
        }

        g.Gradient(y, x);
        Assert.Throws<InvalidOperationException>(() => g.Watch(x));
        Assert.Empty(g.WatchedVariables());
    }

    [Fact]
    public void Jacobian_and_gradient_with_respect_to_a_variable_target()
    {
        var v = new Variable<double>(new[] { 1.0, 2.0 });
        using var g = new GradientTape(persistent: true);
        _ = v * 1.0; // read: watched
        Check.Values([1, 1], g.Gradient(v, v));
        Check.Values([1, 0, 0, 1], g.Jacobian(v, v));
    }

    [Fact]
    public void Stop_recording_scope_of_a_tape_consumed_inside_it_starts_a_new_recording()
    {
        var x = C(2);
        var g = new GradientTape();
        Tensor<double> y = x * x;
        g.Watch(x);
        using (g.StopRecording())
        {
            Assert.Null(g.Gradient(y, x)); // consumes the non-persistent tape
        }

        Assert.True(g.IsRecording); // TensorFlow's stop_recording re-pushes (with a new trace)
        g.Watch(x);
        Tensor<double> z = x * x * x;
        g.Dispose();
        Check.Scalar(12, g.Gradient(z, x));
    }

    [Fact]
    public void Empty_and_degenerate_tensors_flow_through_the_tape()
    {
        var x = Tensor.Zeros<double>(0, 3);
        Tensor<double> y;
        GradientTape g;
        using (g = new GradientTape())
        {
            g.Watch(x);
            y = Tensor.Sum(Tensor.Tanh(x) * 2.0);
        }

        Check.Scalar(0, y);
        Check.Shape([0, 3], g.Gradient(y, x));
    }
}
