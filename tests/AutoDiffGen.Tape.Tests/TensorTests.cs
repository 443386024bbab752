using System;
using System.Linq;

namespace AutoDiffGen.Tape.Tests;

public class TensorTests
{
    [Fact]
    public void Constructors_copy_their_input_and_set_the_shape()
    {
        var values = new[] { 1f, 2f, 3f, 4f, 5f, 6f };
        var scalar = new Tensor<float>(2.5f);
        var vector = new Tensor<float>(values);
        var matrix = new Tensor<float>(values, 2, 3);
        values[0] = 100f;
        Assert.Equal(0, scalar.Rank);
        Assert.Empty(scalar.Shape);
        Assert.Equal(1, scalar.Size);
        Assert.Equal(2.5f, scalar.ToScalar());
        Assert.Equal(new[] { 6 }, vector.Shape);
        Assert.Equal(1f, vector.ToArray()[0]);
        Assert.Equal(new[] { 2, 3 }, matrix.Shape);
        Assert.Equal(2, matrix.Rank);
        Assert.Equal(6, matrix.Size);
        Assert.Equal(6f, matrix[1, 2]);
        Assert.Equal(2f, matrix[0, 1]);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, matrix.ToArray());
        Assert.True(matrix.AsSpan().SequenceEqual(matrix.ToArray()));
        Assert.Equal(3, matrix.Shape[1]);
        Assert.Equal(2, matrix.Shape.Count);
        Assert.Equal(2, matrix.Shape.Length);
        Assert.Equal("(2, 3)", matrix.Shape.ToString());
        Assert.Equal(new TensorShape(), new Tensor<double>(1.0).Shape);
        Assert.True(matrix.Shape == new Tensor<double>(new double[6], 2, 3).Shape);
    }

    [Fact]
    public void To_array_returns_a_copy()
    {
        var t = new Tensor<double>(new[] { 1.0, 2.0 });
        double[] a = t.ToArray();
        a[0] = 9;
        Assert.Equal(1.0, t.ToArray()[0]);
        int[] s = t.Shape.ToArray();
        s[0] = 7;
        Assert.Equal(2, t.Shape[0]);
    }

    [Fact]
    public void Bad_constructor_arguments_throw()
    {
        Assert.Throws<ArgumentException>(() => new Tensor<float>(new[] { 1f, 2f, 3f }, 2, 2));
        Assert.Throws<ArgumentException>(() => new Tensor<float>(new[] { 1f }, -1));
        Assert.Throws<ArgumentNullException>(() => new Tensor<float>((float[])null!));
        Assert.Throws<ArgumentNullException>(() => new Tensor<float>(new[] { 1f }, null!));
        var t = new Tensor<float>(new[] { 1f, 2f }, 2);
        Assert.Throws<ArgumentException>(() => t[0, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => t[2]);
        Assert.Throws<InvalidOperationException>(() => t.ToScalar());
        Assert.Equal(new[] { 0, 3 }, new Tensor<float>(Array.Empty<float>(), 0, 3).Shape);
    }

    [Fact]
    public void Only_float_and_double_are_supported()
    {
        // Tensor<int> does not compile (constraint IFloatingPointIeee754<T>); other IEEE types are rejected at run time.
        var e = Assert.Throws<NotSupportedException>(() => new Tensor<Half>((Half)1));
        Assert.Contains("float", e.Message, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() => Tensor.Zeros<Half>(2));
    }

    [Fact]
    public void Zeros_ones_and_likes()
    {
        Check.Values([0, 0, 0, 0, 0, 0], Tensor.Zeros<double>(2, 3));
        Check.Shape([2, 3], Tensor.Ones<double>(2, 3));
        Check.Values([1, 1, 1, 1, 1, 1], Tensor.Ones<double>(2, 3));
        var x = new Tensor<float>(new[] { 5f, 6f }, 2, 1);
        Check.Values([0f, 0f], Tensor.ZerosLike(x));
        Check.Shape([2, 1], Tensor.OnesLike(x));
        Check.Scalar(1.0, Tensor.Ones<double>());
        int[] shape = [2];
        Tensor<double> z = Tensor.Zeros<double>(shape);
        shape[0] = 5;
        Assert.Equal(new[] { 2 }, z.Shape);
    }

    [Fact]
    public void Operators_broadcast_and_work_with_scalars_on_either_side()
    {
        var a = new Tensor<double>(new[] { 1.0, 2, 3, 4, 5, 6 }, 2, 3);
        var row = new Tensor<double>(new[] { 10.0, 20, 30 });
        var col = new Tensor<double>(new[] { 100.0, 200 }, 2, 1);
        Check.Values([11, 22, 33, 14, 25, 36], a + row);
        Check.Values([101, 102, 103, 204, 205, 206], a + col);
        Check.Values([110, 120, 130, 210, 220, 230], row + col);
        Check.Shape([2, 3], row + col);
        Check.Values([-9, -18, -27, -6, -15, -24], a - row);
        Check.Values([10, 40, 90, 40, 100, 180], a * row);
        Check.Values([0.1, 0.1, 0.1, 0.4, 0.25, 0.2], a / row);
        Check.Values([-1, -2, -3, -4, -5, -6], -a);
        Check.Values([3, 4, 5, 6, 7, 8], a + 2.0);
        Check.Values([3, 4, 5, 6, 7, 8], 2.0 + a);
        Check.Values([-1, 0, 1, 2, 3, 4], a - 2.0);
        Check.Values([1, 0, -1, -2, -3, -4], 2.0 - a);
        Check.Values([2, 4, 6, 8, 10, 12], a * 2.0);
        Check.Values([2, 4, 6, 8, 10, 12], 2.0 * a);
        Check.Values([0.5, 1, 1.5, 2, 2.5, 3], a / 2.0);
        Check.Values([6, 3, 2, 1.5, 1.2, 1], 6.0 / a);
        Check.Values([1, 4, 9, 16, 25, 36], Tensor.Pow(a, 2.0));
        Check.Values([1, 8, 27, 64, 125, 216], Tensor.Pow(a, new Tensor<double>(3.0)));
        Check.Values([3, 3, 3, 4, 5, 6], Tensor.Maximum(a, 3.0));
        Check.Values([1, 2, 3, 3, 3, 3], Tensor.Minimum(a, new Tensor<double>(3.0)));
        Check.Values([11, 22, 33, 14, 25, 36], Tensor.Add(a, row));
        Check.Values([-9, -18, -27, -6, -15, -24], Tensor.Subtract(a, row));
        Check.Values([10, 40, 90, 40, 100, 180], Tensor.Multiply(a, row));
        Check.Values([0.1, 0.1, 0.1, 0.4, 0.25, 0.2], Tensor.Divide(a, row));
        Check.Values([-1, -2, -3, -4, -5, -6], Tensor.Negate(a));
    }

    [Fact]
    public void Broadcasting_agrees_with_a_naive_implementation()
    {
        var rng = new Random(1);
        int[][] shapes = [[3, 1, 4], [1, 5, 1], [5, 4], [4], [1], [], [2, 3, 5, 4], [3, 5, 1]];
        foreach (int[] sa in shapes)
        {
            foreach (int[] sb in shapes)
            {
                int[] so;
                try
                {
                    so = Tensor.BroadcastShape("t", sa, sb);
                }
                catch (ArgumentException)
                {
                    continue;
                }

                Tensor<double> a = Rand.Tensor(rng, sa), b = Rand.Tensor(rng, sb);
                Tensor<double> sum = a * b - b;
                Assert.Equal(so, sum.Shape);
                int n = sum.Size;
                var idx = new int[so.Length];
                for (int k = 0; k < n; k++)
                {
                    int rem = k;
                    for (int d = so.Length - 1; d >= 0; d--)
                    {
                        idx[d] = rem % so[d];
                        rem /= so[d];
                    }

                    double av = a[Project(idx, sa)], bv = b[Project(idx, sb)];
                    Assert.Equal((av * bv) - bv, sum.ToArray()[k], 14);
                }

                // The gradient of a broadcast sum is reduced back: dL/da = sum over broadcast axes of b's broadcast copy.
                Tensor<double>? ga;
                using (var t = new GradientTape())
                {
                    t.Watch(a);
                    ga = t.Gradient(Tensor.Sum(a * b), a);
                }

                Assert.Equal(sa, ga!.Shape);
                double total = Tensor.Sum(ga).ToScalar();
                double expected = Tensor.Sum(Tensor.BroadcastTo(b, so)).ToScalar();
                Assert.Equal(expected, total, 9);
            }
        }
    }

    private static int[] Project(int[] idx, int[] shape)
    {
        var r = new int[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            int d = idx[idx.Length - shape.Length + i];
            r[i] = shape[i] == 1 ? 0 : d;
        }

        return r;
    }

    [Fact]
    public void To_string_matches_tensorflow_print()
    {
        Assert.Equal("tf.Tensor([10. 20. 30.], shape=(3,), dtype=float32)", new Tensor<float>(new[] { 10f, 20f, 30f }).ToString());
        Assert.Equal("tf.Tensor(3.0, shape=(), dtype=float32)", new Tensor<float>(3f).ToString());
        Assert.Equal("tf.Tensor(0.1, shape=(), dtype=float64)", new Tensor<double>(0.1).ToString());
        Assert.Equal("tf.Tensor(1e-05, shape=(), dtype=float32)", new Tensor<float>(1e-5f).ToString());
        Assert.Equal("tf.Tensor([1.5 2.  3. ], shape=(3,), dtype=float32)", new Tensor<float>(new[] { 1.5f, 2f, 3f }).ToString());
        Assert.Equal("tf.Tensor([0.1 0.2 0.3], shape=(3,), dtype=float32)", new Tensor<float>(new[] { 0.1f, 0.2f, 0.3f }).ToString());
        Assert.Equal("tf.Tensor([0.33333333 0.66666667], shape=(2,), dtype=float64)", new Tensor<double>(new[] { 1 / 3.0, 2 / 3.0 }).ToString());
        Assert.Equal("tf.Tensor([0.33333334 0.6666667 ], shape=(2,), dtype=float32)", new Tensor<float>(new[] { 1 / 3f, 2 / 3f }).ToString());
        Assert.Equal("tf.Tensor([-1.  2.], shape=(2,), dtype=float32)", new Tensor<float>(new[] { -1f, 2f }).ToString());
        Assert.Equal("tf.Tensor([1.e-05 1.e+00], shape=(2,), dtype=float64)", new Tensor<double>(new[] { 1e-5, 1 }).ToString());
        Assert.Equal("tf.Tensor([1.5e-05 1.0e+00], shape=(2,), dtype=float64)", new Tensor<double>(new[] { 1.5e-5, 1 }).ToString());
        Assert.Equal("tf.Tensor([nan  1.], shape=(2,), dtype=float32)", new Tensor<float>(new[] { float.NaN, 1f }).ToString());
        Assert.Equal("tf.Tensor([ inf -inf   1.], shape=(3,), dtype=float32)", new Tensor<float>(new[] { float.PositiveInfinity, float.NegativeInfinity, 1f }).ToString());
        Assert.Equal("tf.Tensor(\n[[1. 2.]\n [3. 4.]], shape=(2, 2), dtype=float32)", new Tensor<float>(new[] { 1f, 2f, 3f, 4f }, 2, 2).ToString());
        Assert.Equal(
            "tf.Tensor(\n[[[0. 1.]\n  [2. 3.]]\n\n [[4. 5.]\n  [6. 7.]]], shape=(2, 2, 2), dtype=float64)",
            new Tensor<double>(Enumerable.Range(0, 8).Select(i => (double)i).ToArray(), 2, 2, 2).ToString());
        Assert.Equal(
            "tf.Tensor(\n[ 0.  1.  2.  3.  4.  5.  6.  7.  8.  9. 10. 11. 12. 13. 14. 15. 16. 17.\n 18. 19. 20. 21. 22. 23. 24. 25. 26. 27. 28. 29.], shape=(30,), dtype=float64)",
            new Tensor<double>(Enumerable.Range(0, 30).Select(i => (double)i).ToArray()).ToString());
        Assert.Equal(
            "tf.Tensor([0.000e+00 1.000e+00 2.000e+00 ... 1.997e+03 1.998e+03 1.999e+03], shape=(2000,), dtype=float64)",
            new Tensor<double>(Enumerable.Range(0, 2000).Select(i => (double)i).ToArray()).ToString());
        Assert.Equal("tf.Tensor([], shape=(0,), dtype=float32)", new Tensor<float>(Array.Empty<float>()).ToString());
        Assert.Equal(
            "<tf.Variable shape=(3,) dtype=float32, numpy=array([1., 2., 3.], dtype=float32)>",
            new Variable<float>(new[] { 1f, 2f, 3f }).ToString());
        Assert.Equal("<tf.Variable shape=() dtype=float64, numpy=1.0>", new Variable<double>(1.0).ToString());
        Assert.Equal("<tf.Variable shape=(2,) dtype=float64, numpy=array([1.5, 2. ])>", new Variable<double>(new[] { 1.5, 2.0 }).ToString());
    }

    [Fact]
    public void Stack_values()
    {
        var a = new Tensor<double>(new[] { 1.0, 2.0 });
        var b = new Tensor<double>(new[] { 3.0, 4.0 });
        Check.Values([1, 2, 3, 4], Tensor.Stack([a, b]));
        Check.Shape([2, 2], Tensor.Stack([a, b]));
        Check.Values([1, 3, 2, 4], Tensor.Stack([a, b], 1));
        Check.Values([1, 3, 2, 4], Tensor.Stack([a, b], -1));
        Assert.Throws<ArgumentException>(() => Tensor.Stack(Array.Empty<Tensor<double>>()));
        Assert.Throws<ArgumentException>(() => Tensor.Stack([a, new Tensor<double>(1.0)]));
    }

    [Fact]
    public void Stop_gradient_returns_a_constant_with_the_same_values()
    {
        var v = new Variable<double>(new[] { 1.0, 2.0 });
        Tensor<double> s = Tensor.StopGradient(v);
        v.Assign(new Tensor<double>(new[] { 5.0, 6.0 }));
        Check.Values([1, 2], s); // a copy, not a view of the variable
    }
}
