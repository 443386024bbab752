using System;
using System.Globalization;
using System.IO;
using BenchmarkDotNet.Attributes;

namespace AutoDiffGen.Benchmarks.Generator;

/// <summary>ADBench's GMM d = 2, K = 5, n = 1000 (Data/gmm_1k_d2_K5.txt).</summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 8)]
public class GeneratorGmmBenchmarks
{
    private GmmData _data = null!;
    private double[] _dAlphas = [], _dMeans = [], _dIcf = [], _packed = [], _dPacked = [];

    /// <summary>Loads the data and checks the primal and the gradients.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _data = GmmData.Load("gmm_1k_d2_K5.txt");
        _dAlphas = new double[_data.Alphas.Length];
        _dMeans = new double[_data.Means.Length];
        _dIcf = new double[_data.Icf.Length];
        _packed = GradientCheck.Concat(_data.Alphas, _data.Means, _data.Icf);
        _dPacked = new double[_packed.Length];
        _data.Verify();
    }

    /// <summary>The primal.</summary>
    [Benchmark(Baseline = true)]
    public double Primal() => GmmObjective.Gmm(_data.Alphas, _data.Means, _data.Icf, _data.X, _data.Gamma, _data.M);

    /// <summary>The generated gradient.</summary>
    [Benchmark]
    public double Generated() => GmmObjective.GmmGradient(_data.Alphas, _data.Means, _data.Icf, _data.X, _data.Gamma, _data.M, _dAlphas, _dMeans, _dIcf);

    /// <summary>The hand-written gradient.</summary>
    [Benchmark]
    public double HandWritten() => GmmObjective.GmmGradientByHand(_data.Alphas, _data.Means, _data.Icf, _data.X, _data.Gamma, _data.M, _dAlphas, _dMeans, _dIcf);

    /// <summary>Central finite differences (2 x 30 primal evaluations).</summary>
    [Benchmark]
    public void FiniteDifferences() => GmmObjective.GmmFiniteDifferences(_packed, _data, _dPacked);
}

/// <summary>A GMM problem in ADBench's format, an independent reference evaluation, and the checks.</summary>
public sealed class GmmData
{
    private GmmData(int d, int k, int n, double[] alphas, double[] means, double[] icf, double[] x, double gamma, int m)
    {
        D = d;
        K = k;
        N = n;
        Alphas = alphas;
        Means = means;
        Icf = icf;
        X = x;
        Gamma = gamma;
        M = m;
    }

    /// <summary>Dimension.</summary>
    public int D { get; }

    /// <summary>Components.</summary>
    public int K { get; }

    /// <summary>Points.</summary>
    public int N { get; }

    /// <summary>Mixture weights (log scale), K.</summary>
    public double[] Alphas { get; }

    /// <summary>Means, K x d, component-major.</summary>
    public double[] Means { get; }

    /// <summary>Inverse covariance factors, K x d(d+1)/2: log-diagonal, then the strict lower triangle column by column.</summary>
    public double[] Icf { get; }

    /// <summary>Points, n x d.</summary>
    public double[] X { get; }

    /// <summary>Wishart gamma.</summary>
    public double Gamma { get; }

    /// <summary>Wishart m.</summary>
    public int M { get; }

    /// <summary>Loads a file from the Data folder copied next to the assembly (or found above the working directory).</summary>
    public static GmmData Load(string fileName)
    {
        string path = FindDataFile(fileName);
        string[] tokens = File.ReadAllText(path).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        int t = 0;
        int Int() => int.Parse(tokens[t++], NumberStyles.Integer, CultureInfo.InvariantCulture);
        double Real() => double.Parse(tokens[t++], NumberStyles.Float, CultureInfo.InvariantCulture);

        int d = Int(), k = Int(), n = Int();
        int icfSize = d * (d + 1) / 2;
        double[] alphas = new double[k];
        for (int i = 0; i < k; i++)
        {
            alphas[i] = Real();
        }

        double[] means = new double[k * d];
        for (int i = 0; i < means.Length; i++)
        {
            means[i] = Real();
        }

        double[] icf = new double[k * icfSize];
        for (int i = 0; i < icf.Length; i++)
        {
            icf[i] = Real();
        }

        double[] x = new double[n * d];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = Real();
        }

        double gamma = Real();
        int m = Int();
        if (t != tokens.Length)
        {
            throw new InvalidDataException($"{path}: {tokens.Length - t} unexpected trailing tokens.");
        }

        return new GmmData(d, k, n, alphas, means, icf, x, gamma, m);
    }

    private static string FindDataFile(string fileName)
    {
        string[] roots = [AppContext.BaseDirectory, Path.GetDirectoryName(typeof(GmmData).Assembly.Location) ?? ".", Directory.GetCurrentDirectory()];
        foreach (string root in roots)
        {
            for (DirectoryInfo? dir = new(root); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "Data", fileName);
                if (File.Exists(candidate))
                {
                    return candidate;
                }

                candidate = Path.Combine(dir.FullName, "benchmarks", "AutoDiffGen.Benchmarks", "Data", fileName);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException($"Data file {fileName} not found next to the assembly or above the working directory.", fileName);
    }

    /// <summary>
    /// An independent, deliberately straightforward evaluation: builds each Q as a dense d x d matrix, multiplies
    /// it densely, evaluates log-sum-exp with a separate max pass, and gets log Gamma at the half-integers that occur
    /// from exact factorial formulas instead of the Lanczos series.
    /// </summary>
    public double ReferenceObjective()
    {
        int d = D, k = K, n = N;
        int icfSize = d * (d + 1) / 2;
        double[,,] q = new double[k, d, d];
        for (int c = 0; c < k; c++)
        {
            for (int i = 0; i < d; i++)
            {
                q[c, i, i] = Math.Exp(Icf[(c * icfSize) + i]);
            }

            int p = d;
            for (int col = 0; col < d; col++)
            {
                for (int row = col + 1; row < d; row++)
                {
                    q[c, row, col] = Icf[(c * icfSize) + p++];
                }
            }
        }

        double total = -n * d * 0.5 * Math.Log(2 * Math.PI);
        double[] terms = new double[k];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < k; c++)
            {
                double sumQ = 0;
                for (int j = 0; j < d; j++)
                {
                    sumQ += Icf[(c * icfSize) + j];
                }

                double norm2 = 0;
                for (int row = 0; row < d; row++)
                {
                    double v = 0;
                    for (int col = 0; col < d; col++)
                    {
                        v += q[c, row, col] * (X[(i * d) + col] - Means[(c * d) + col]);
                    }

                    norm2 += v * v;
                }

                terms[c] = Alphas[c] + sumQ - (0.5 * norm2);
            }

            total += ReferenceLogSumExp(terms);
        }

        total -= n * ReferenceLogSumExp(Alphas);
        double prior = 0;
        for (int c = 0; c < k; c++)
        {
            double frobenius = 0, sumQ = 0;
            for (int row = 0; row < d; row++)
            {
                for (int col = 0; col <= row; col++)
                {
                    frobenius += q[c, row, col] * q[c, row, col];
                }

                sumQ += Icf[(c * icfSize) + row];
            }

            prior += (0.5 * Gamma * Gamma * frobenius) - (M * sumQ);
        }

        int nw = d + M + 1;
        double logMultiGamma = 0.25 * d * (d - 1) * Math.Log(Math.PI);
        for (int j = 1; j <= d; j++)
        {
            logMultiGamma += LogGammaOfHalfInteger(nw + 1 - j); // Gamma(nw/2 + (1-j)/2) = Gamma((nw + 1 - j) / 2)
        }

        double cConstant = (nw * d * (Math.Log(Gamma) - (0.5 * Math.Log(2)))) - logMultiGamma;
        return total + prior - (k * cConstant);
    }

    private static double ReferenceLogSumExp(double[] v)
    {
        double max = double.NegativeInfinity;
        foreach (double e in v)
        {
            max = Math.Max(max, e);
        }

        double sum = 0;
        foreach (double e in v)
        {
            sum += Math.Exp(e - max);
        }

        return max + Math.Log(sum);
    }

    /// <summary>log Gamma(twice / 2) exactly: (m-1)! for integers m, (2m)! sqrt(pi) / (4^m m!) for m + 1/2.</summary>
    private static double LogGammaOfHalfInteger(int twice)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(twice);

        double result = 0;
        if (twice % 2 == 0)
        {
            for (int i = 2; i < twice / 2; i++)
            {
                result += Math.Log(i);
            }

            return result;
        }

        int m = twice / 2; // Gamma(m + 1/2) = sqrt(pi) * prod_{i=1..m} (i - 1/2)
        result = 0.5 * Math.Log(Math.PI);
        for (int i = 1; i <= m; i++)
        {
            result += Math.Log(i - 0.5);
        }

        return result;
    }

    /// <summary>Throws unless the primal matches the reference and the gradients agree.</summary>
    public void Verify()
    {
        double value = GmmObjective.Gmm(Alphas, Means, Icf, X, Gamma, M);
        GradientCheck.RequireValue("GMM primal vs independent reference", value, ReferenceObjective(), 1e-12);
        GradientCheck.RequireValue(
            "GMM Lanczos lgamma(1.5) vs exact",
            GmmMath.LogGamma(1.5),
            0.5 * Math.Log(Math.PI) - Math.Log(2),
            1e-13);

        double[] gA = new double[Alphas.Length], gM = new double[Means.Length], gI = new double[Icf.Length];
        double[] hA = new double[Alphas.Length], hM = new double[Means.Length], hI = new double[Icf.Length];
        double generatedValue = GmmObjective.GmmGradient(Alphas, Means, Icf, X, Gamma, M, gA, gM, gI);
        double handValue = GmmObjective.GmmGradientByHand(Alphas, Means, Icf, X, Gamma, M, hA, hM, hI);
        GradientCheck.RequireValue("GMM generated value", generatedValue, value, GradientCheck.ValueTolerance);
        GradientCheck.RequireValue("GMM hand-written value", handValue, value, GradientCheck.ValueTolerance);
        double[] generated = GradientCheck.Concat(gA, gM, gI);
        double[] byHand = GradientCheck.Concat(hA, hM, hI);
        GradientCheck.Require("GMM generated vs hand-written", generated, byHand, GradientCheck.ExactTolerance);

        double[] packed = GradientCheck.Concat(Alphas, Means, Icf);
        double[] fd = new double[packed.Length];
        GmmObjective.GmmFiniteDifferences(packed, this, fd);
        GradientCheck.Require("GMM generated vs finite differences", generated, fd, GradientCheck.FiniteDifferenceTolerance);
        GradientCheck.Require("GMM hand-written vs finite differences", byHand, fd, GradientCheck.FiniteDifferenceTolerance);
    }
}
