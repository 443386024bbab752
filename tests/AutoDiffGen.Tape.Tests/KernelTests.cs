using System;

namespace AutoDiffGen.Tape.Tests;

public class KernelTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 5, 7)]
    [InlineData(17, 33, 9)]
    [InlineData(64, 784, 128)]
    [InlineData(130, 300, 70)]
    [InlineData(5, 600, 2100)]
    public void Matmul_kernel_matches_a_naive_product_for_every_transpose(int m, int k, int n)
    {
        var rng = new Random(m + k + n);
        float[] a = Rand.Floats(rng, m * k), b = Rand.Floats(rng, k * n), c0 = Rand.Floats(rng, m * n);
        foreach (bool ta in new[] { false, true })
        {
            foreach (bool tb in new[] { false, true })
            {
                foreach (bool acc in new[] { false, true })
                {
                    // Stored layouts: A is m x k (or k x m when transposed), B is k x n (or n x k).
                    float[] aStored = ta ? Transpose(a, m, k) : a;
                    float[] bStored = tb ? Transpose(b, k, n) : b;
                    float[] c = (float[])c0.Clone();
                    TensorKernels.MatMul<float>(aStored, bStored, c, m, k, n, ta, tb, acc);
                    for (int i = 0; i < m; i++)
                    {
                        for (int j = 0; j < n; j++)
                        {
                            double s = acc ? c0[(i * n) + j] : 0;
                            for (int p = 0; p < k; p++)
                            {
                                s += (double)a[(i * k) + p] * b[(p * n) + j];
                            }

                            Assert.True(Math.Abs(s - c[(i * n) + j]) <= 1e-4 * Math.Max(1, Math.Sqrt(k)), $"({i},{j}) ta={ta} tb={tb} acc={acc}: {c[(i * n) + j]} vs {s}");
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void Matmul_kernel_validates_lengths()
    {
        Assert.Throws<ArgumentException>(() => TensorKernels.MatMul<double>(new double[5], new double[6], new double[4], 2, 3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => TensorKernels.MatMul<double>(new double[6], new double[6], new double[4], -2, 3, 2));
    }

    [Fact]
    public void Matmul_propagates_nan()
    {
        var a = new Tensor<double>(new[] { double.NaN, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 4, 4);
        Tensor<double> c = Tensor.MatMul(a, Tensor.Zeros<double>(4, 4));
        Assert.True(double.IsNaN(c[0, 0]));
        Assert.Equal(0.0, c[1, 1]);
    }

    private static float[] Transpose(float[] x, int rows, int cols)
    {
        var r = new float[x.Length];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                r[(j * rows) + i] = x[(i * cols) + j];
            }
        }

        return r;
    }
}
