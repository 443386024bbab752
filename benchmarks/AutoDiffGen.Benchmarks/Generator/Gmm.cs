using System;
using BenchmarkDotNet.Attributes;

namespace AutoDiffGen.Benchmarks.Generator;

/// <summary>
/// ADBench's GMM objective (negative log posterior of a Gaussian mixture with a Wishart prior), following ADBench's
/// definition and its reference C++ (gmm_objective); data in ADBench's format in Data/. Layout: alphas[K];
/// means[K * d], component-major; icf[K * d(d+1)/2], component-major, each (q_1..q_d, l column by column); x[n * d].
/// </summary>
public static partial class GmmObjective
{
    /// <summary>
    /// The primal, as a user would write it (a direct transcription of ADBench's C++ with its work vectors).
    /// The generator adds <c>GmmGradient(alphas, means, icf, x, gamma, m, Span&lt;double&gt; dAlphas, dMeans, dIcf)</c>.
    /// </summary>
    [Differentiable]
    public static double Gmm(double[] alphas, double[] means, double[] icf, [NoDerivative] double[] x, [NoDerivative] double gamma, int m)
    {
        int k = alphas.Length;
        int d = means.Length / k;
        int n = x.Length / d;
        int icfSize = d * (d + 1) / 2;
        double constant = -n * d * 0.5 * Math.Log(2 * Math.PI);

        // Diagonal of each Q (exp of the log-diagonal) and the sum of the log-diagonal.
        double[] qDiags = new double[d * k];
        double[] sumQs = new double[k];
        for (int ik = 0; ik < k; ik++)
        {
            sumQs[ik] = 0;
            for (int id = 0; id < d; id++)
            {
                sumQs[ik] += icf[ik * icfSize + id];
                qDiags[ik * d + id] = Math.Exp(icf[ik * icfSize + id]);
            }
        }

        double[] xCentered = new double[d];
        double[] qxCentered = new double[d];
        double[] mainTerm = new double[k];
        double slse = 0;
        for (int ix = 0; ix < n; ix++)
        {
            for (int ik = 0; ik < k; ik++)
            {
                for (int id = 0; id < d; id++)
                {
                    xCentered[id] = x[ix * d + id] - means[ik * d + id];
                }

                // Q * xCentered: the diagonal, then the strict lower triangle, column by column.
                for (int id = 0; id < d; id++)
                {
                    qxCentered[id] = qDiags[ik * d + id] * xCentered[id];
                }

                int lIndex = ik * icfSize + d;
                for (int col = 0; col < d; col++)
                {
                    for (int row = col + 1; row < d; row++)
                    {
                        qxCentered[row] += icf[lIndex] * xCentered[col];
                        lIndex++;
                    }
                }

                double sqnorm = 0;
                for (int id = 0; id < d; id++)
                {
                    sqnorm += qxCentered[id] * qxCentered[id];
                }

                mainTerm[ik] = alphas[ik] + sumQs[ik] - 0.5 * sqnorm;
            }

            slse += LogSumExp(mainTerm);
        }

        double lseAlphas = LogSumExp(alphas);

        // Wishart prior.
        int nw = d + m + 1;
        double c = nw * d * (Math.Log(gamma) - 0.5 * Math.Log(2)) - GmmMath.LogMultivariateGamma(0.5 * nw, d);
        double prior = 0;
        for (int ik = 0; ik < k; ik++)
        {
            double frobenius = 0;
            for (int id = 0; id < d; id++)
            {
                frobenius += qDiags[ik * d + id] * qDiags[ik * d + id];
            }

            for (int il = d; il < icfSize; il++)
            {
                frobenius += icf[ik * icfSize + il] * icf[ik * icfSize + il];
            }

            prior += 0.5 * gamma * gamma * frobenius - m * sumQs[ik];
        }

        return constant + slse - n * lseAlphas + prior - k * c;
    }

    /// <summary>log(sum_i exp(v_i)), shifted by the maximum.</summary>
    private static double LogSumExp(double[] v)
    {
        double max = v[0];
        for (int i = 1; i < v.Length; i++)
        {
            if (v[i] > max)
            {
                max = v[i];
            }
        }

        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            sum += Math.Exp(v[i] - max);
        }

        return Math.Log(sum) + max;
    }

    /// <summary>
    /// Expert hand-written gradient: one pass over the points; per point, the forward pass over the components
    /// keeps x - mu and Q (x - mu) in stack buffers, the log-sum-exp's exponentials become the softmax weights, and
    /// the backward pass through Q is done at once. exp(q) is computed once per call, not per point.
    /// </summary>
    public static double GmmGradientByHand(
        ReadOnlySpan<double> alphas, ReadOnlySpan<double> means, ReadOnlySpan<double> icf, ReadOnlySpan<double> x, double gamma, int m,
        Span<double> dAlphas, Span<double> dMeans, Span<double> dIcf)
    {
        int k = alphas.Length;
        int d = means.Length / k;
        int n = x.Length / d;
        int icfSize = d * (d + 1) / 2;
        if (dAlphas.Length != k || dMeans.Length != means.Length || icf.Length != k * icfSize || dIcf.Length != icf.Length)
        {
            throw new ArgumentException("Inconsistent lengths.", nameof(dAlphas));
        }

        dAlphas.Clear();
        dMeans.Clear();
        dIcf.Clear();
        int bufferLength = (3 * k * d) + k;
        Span<double> buffer = bufferLength <= 1024 ? stackalloc double[bufferLength] : new double[bufferLength];
        Span<double> qDiags = buffer.Slice(0, k * d);
        Span<double> xc = buffer.Slice(k * d, k * d);
        Span<double> qxc = buffer.Slice(2 * k * d, k * d);
        Span<double> weights = buffer.Slice(3 * k * d, k);

        double sumAllQs = 0;
        for (int ik = 0; ik < k; ik++)
        {
            for (int id = 0; id < d; id++)
            {
                double q = icf[ik * icfSize + id];
                sumAllQs += q;
                qDiags[ik * d + id] = Math.Exp(q);
            }
        }

        double slse = 0;
        for (int ix = 0; ix < n; ix++)
        {
            ReadOnlySpan<double> xi = x.Slice(ix * d, d);
            double max = double.NegativeInfinity;
            for (int ik = 0; ik < k; ik++)
            {
                ReadOnlySpan<double> mu = means.Slice(ik * d, d);
                ReadOnlySpan<double> qDiag = qDiags.Slice(ik * d, d);
                ReadOnlySpan<double> l = icf.Slice((ik * icfSize) + d, icfSize - d);
                Span<double> xck = xc.Slice(ik * d, d);
                Span<double> qxck = qxc.Slice(ik * d, d);
                double sumQ = 0;
                for (int id = 0; id < d; id++)
                {
                    double v = xi[id] - mu[id];
                    xck[id] = v;
                    qxck[id] = qDiag[id] * v;
                    sumQ += icf[(ik * icfSize) + id];
                }

                int li = 0;
                for (int col = 0; col < d; col++)
                {
                    double v = xck[col];
                    for (int row = col + 1; row < d; row++)
                    {
                        qxck[row] += l[li++] * v;
                    }
                }

                double sqnorm = 0;
                for (int id = 0; id < d; id++)
                {
                    sqnorm += qxck[id] * qxck[id];
                }

                double term = alphas[ik] + sumQ - (0.5 * sqnorm);
                weights[ik] = term;
                max = Math.Max(max, term);
            }

            double sum = 0;
            for (int ik = 0; ik < k; ik++)
            {
                double e = Math.Exp(weights[ik] - max);
                weights[ik] = e;
                sum += e;
            }

            slse += Math.Log(sum) + max;
            double inverseSum = 1 / sum;

            // Backward: d slse / d term_k = w_k (softmax); term_k = alpha_k + sum(q_k) - |Q_k (x - mu_k)|^2 / 2.
            for (int ik = 0; ik < k; ik++)
            {
                double w = weights[ik] * inverseSum;
                dAlphas[ik] += w;
                ReadOnlySpan<double> qDiag = qDiags.Slice(ik * d, d);
                ReadOnlySpan<double> l = icf.Slice((ik * icfSize) + d, icfSize - d);
                ReadOnlySpan<double> xck = xc.Slice(ik * d, d);
                ReadOnlySpan<double> qxck = qxc.Slice(ik * d, d);
                Span<double> dq = dIcf.Slice(ik * icfSize, d);
                Span<double> dl = dIcf.Slice((ik * icfSize) + d, icfSize - d);
                Span<double> dmu = dMeans.Slice(ik * d, d);

                // d term / d Qx = -Qx, scaled by w: g = -w Qx.
                for (int id = 0; id < d; id++)
                {
                    double g = w * qxck[id];
                    dq[id] += w - (g * qDiag[id] * xck[id]);
                    dmu[id] += g * qDiag[id];
                }

                int li = 0;
                for (int col = 0; col < d; col++)
                {
                    double v = xck[col];
                    double acc = 0;
                    for (int row = col + 1; row < d; row++)
                    {
                        double g = w * qxck[row];
                        dl[li] -= g * v;
                        acc += l[li] * g;
                        li++;
                    }

                    dmu[col] += acc;
                }
            }
        }

        // - n logsumexp(alphas).
        double maxAlpha = double.NegativeInfinity;
        for (int ik = 0; ik < k; ik++)
        {
            maxAlpha = Math.Max(maxAlpha, alphas[ik]);
        }

        double sumAlpha = 0;
        for (int ik = 0; ik < k; ik++)
        {
            sumAlpha += Math.Exp(alphas[ik] - maxAlpha);
        }

        double lseAlphas = Math.Log(sumAlpha) + maxAlpha;
        for (int ik = 0; ik < k; ik++)
        {
            dAlphas[ik] -= n * Math.Exp(alphas[ik] - lseAlphas);
        }

        // Wishart prior: 1/2 gamma^2 (|exp(q)|^2 + |l|^2) - m sum(q), and its gradient.
        double gamma2 = gamma * gamma;
        double frobenius = 0;
        for (int ik = 0; ik < k; ik++)
        {
            for (int id = 0; id < d; id++)
            {
                double e = qDiags[(ik * d) + id];
                frobenius += e * e;
                dIcf[(ik * icfSize) + id] += (gamma2 * e * e) - m;
            }

            for (int il = d; il < icfSize; il++)
            {
                double v = icf[(ik * icfSize) + il];
                frobenius += v * v;
                dIcf[(ik * icfSize) + il] += gamma2 * v;
            }
        }

        int nw = d + m + 1;
        double c = (nw * d * (Math.Log(gamma) - (0.5 * Math.Log(2)))) - GmmMath.LogMultivariateGamma(0.5 * nw, d);
        double prior = (0.5 * gamma2 * frobenius) - (m * sumAllQs);
        double constant = -n * d * 0.5 * Math.Log(2 * Math.PI);
        return constant + slse - (n * lseAlphas) + prior - (k * c);
    }

    /// <summary>Central finite differences over [alphas, means, icf] packed in one array: 2 (K + Kd + K d(d+1)/2) evaluations.</summary>
    public static void GmmFiniteDifferences(double[] packed, GmmData data, Span<double> gradient)
    {
        var objective = new Objective(packed, data);
        FiniteDifferences.Central(ref objective, packed, gradient);
    }

    /// <summary>The primal over packed parameters, which finite differences perturb in place.</summary>
    public readonly struct Objective : IObjective
    {
        private readonly double[] _packed;
        private readonly GmmData _data;
        private readonly double[] _alphas, _means, _icf;

        /// <summary>Creates the objective.</summary>
        public Objective(double[] packed, GmmData data)
        {
            ArgumentNullException.ThrowIfNull(data);
            _packed = packed;
            _data = data;
            _alphas = new double[data.Alphas.Length];
            _means = new double[data.Means.Length];
            _icf = new double[data.Icf.Length];
        }

        /// <inheritdoc/>
        public double Evaluate()
        {
            ReadOnlySpan<double> p = _packed;
            p.Slice(0, _alphas.Length).CopyTo(_alphas);
            p.Slice(_alphas.Length, _means.Length).CopyTo(_means);
            p.Slice(_alphas.Length + _means.Length, _icf.Length).CopyTo(_icf);
            return Gmm(_alphas, _means, _icf, _data.X, _data.Gamma, _data.M);
        }
    }
}

/// <summary>Special functions for the GMM's Wishart normalising constant (no derivative needed: only constants flow in).</summary>
internal static class GmmMath
{
    /// <summary>log Gamma_p(a) = p(p-1)/4 log(pi) + sum_{j=1..p} lgamma(a + (1 - j)/2).</summary>
    public static double LogMultivariateGamma(double a, int p)
    {
        double result = 0.25 * p * (p - 1) * Math.Log(Math.PI);
        for (int j = 1; j <= p; j++)
        {
            result += LogGamma(a + (0.5 * (1 - j)));
        }

        return result;
    }

    // GENERATOR ISSUE (AD0010), natural version kept here. The call GmmMath.LogMultivariateGamma(0.5 * nw, d) in
    // Gmm has only inactive arguments (ints and constants), yet the generator differentiates the helper chain
    // transitively and rejects the reflection branch's recursion:
    //   error AD0010: Cannot differentiate the recursive call to 'LogGamma'. Mark 'LogGamma' [Differentiable]
    //   (in a partial type): recursion through [Differentiable] methods is supported.
    // Natural code:
    //     public static double LogGamma(double x)
    //     {
    //         if (x < 0.5)
    //         {
    //             // Reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x).
    //             return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
    //         }
    //
    //         ... Lanczos series for x >= 0.5 ...
    //     }
    // Workaround: the series moved to a separate non-recursive method that both branches call.

    /// <summary>log Gamma(x) for x &gt; 0 (Lanczos, g = 7, 9 terms; relative error about 1e-15).</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            // Reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x).
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LanczosLogGamma(1 - x);
        }

        return LanczosLogGamma(x);
    }

    /// <summary>Lanczos series for log Gamma(x), x &gt;= 0.5.</summary>
    private static double LanczosLogGamma(double x)
    {
        double z = x - 1;
        double sum = 0.99999999999980993;
        sum += 676.5203681218851 / (z + 1);
        sum += -1259.1392167224028 / (z + 2);
        sum += 771.32342877765313 / (z + 3);
        sum += -176.61502916214059 / (z + 4);
        sum += 12.507343278686905 / (z + 5);
        sum += -0.13857109526572012 / (z + 6);
        sum += 9.9843695780195716e-6 / (z + 7);
        sum += 1.5056327351493116e-7 / (z + 8);
        double t = z + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((z + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }
}
