using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using LinearRegression;

// Linear regression y = 3x + 1, learned from w = b = -1 by per-sample stochastic gradient descent
// (learning rate 0.01), as in the classic tf.GradientTape example, done twice:
//   1. with the GradientTape and Sgd.ApplyGradients, as TensorFlow code would;
//   2. with a [Differentiable] loss and its generated gradient, updating the variables with AssignSub.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
const double LearningRate = 0.01;
const int Epochs = 20;

var random = new Random(20261122);
var xs = new double[100];
var ys = new double[100];
for (int i = 0; i < xs.Length; i++)
{
    xs[i] = (random.NextDouble() * 4) - 2;
    ys[i] = (3 * xs[i]) + 1;
}

(List<double> W, List<double> B, TimeSpan Time) tape = Training.WithGradientTape(xs, ys, LearningRate, Epochs);
(List<double> W, List<double> B, TimeSpan Time) generated = Training.WithGeneratedGradient(xs, ys, LearningRate, Epochs);

Console.WriteLine($"Data: y = 3x + 1 at {xs.Length} points; start w = -1, b = -1; {Epochs} epochs of per-sample SGD, learning rate {LearningRate}.");
Console.WriteLine($"GradientTape + Sgd.ApplyGradients : w = {tape.W[^1]:F6}, b = {tape.B[^1]:F6}   ({tape.Time.TotalMilliseconds:F1} ms)");
Console.WriteLine($"[Differentiable] LossGradient      : w = {generated.W[^1]:F6}, b = {generated.B[^1]:F6}   ({generated.Time.TotalMilliseconds:F1} ms)");
Console.WriteLine($"Largest difference between the two traces: {Training.LargestDifference(tape, generated):E2}");

string picture = Path.GetFullPath("linear-regression.svg");
File.WriteAllText(picture, Svg.Traces("w and b during training (per-sample SGD)", tape.W, tape.B, generated.W, generated.B));
Console.WriteLine($"Traces of w and b: {picture}");

namespace LinearRegression
{
    public static partial class Model
    {
        /// <summary>The squared error of the line w x + b at one sample.</summary>
        [AutoDiffGen.Differentiable]
        public static double Loss(double w, double b, [AutoDiffGen.NoDerivative] double x, [AutoDiffGen.NoDerivative] double y)
        {
            double error = y - (w * x + b);
            return error * error;
        }
    }

    internal static class Training
    {
        public static (List<double> W, List<double> B, TimeSpan Time) WithGradientTape(double[] xs, double[] ys, double learningRate, int epochs)
        {
            var w = new AutoDiffGen.Variable<double>(-1.0);
            var b = new AutoDiffGen.Variable<double>(-1.0);
            var optimizer = new AutoDiffGen.Sgd(learningRate);
            AutoDiffGen.Variable<double>[] variables = [w, b];
            var traceW = new List<double> { -1 };
            var traceB = new List<double> { -1 };
            var clock = Stopwatch.StartNew();
            for (int epoch = 0; epoch < epochs; epoch++)
            {
                for (int i = 0; i < xs.Length; i++)
                {
                    AutoDiffGen.Tensor<double> loss;
                    var tape = new AutoDiffGen.GradientTape();
                    using (tape)
                    {
                        AutoDiffGen.Tensor<double> error = ys[i] - (w * xs[i] + b);
                        loss = error * error;
                    }

                    AutoDiffGen.Tensor<double>?[] grads = tape.Gradient(loss, [w, b]);
                    optimizer.ApplyGradients(grads.Zip(variables));
                    traceW.Add(w.ToArray()[0]);
                    traceB.Add(b.ToArray()[0]);
                }
            }

            return (traceW, traceB, clock.Elapsed);
        }

        public static (List<double> W, List<double> B, TimeSpan Time) WithGeneratedGradient(double[] xs, double[] ys, double learningRate, int epochs)
        {
            // The same variables and the same updates as TensorFlow's W.assign_sub(learning_rate * dW); the gradient
            // comes from the generated LossGradient instead of a tape.
            var w = new AutoDiffGen.Variable<double>(-1.0);
            var b = new AutoDiffGen.Variable<double>(-1.0);
            var traceW = new List<double> { -1 };
            var traceB = new List<double> { -1 };
            var clock = Stopwatch.StartNew();
            for (int epoch = 0; epoch < epochs; epoch++)
            {
                for (int i = 0; i < xs.Length; i++)
                {
                    Model.LossGradient(w.ToScalar(), b.ToScalar(), xs[i], ys[i], out double dW, out double dB);
                    w.AssignSub(learningRate * dW);
                    b.AssignSub(learningRate * dB);
                    traceW.Add(w.ToScalar());
                    traceB.Add(b.ToScalar());
                }
            }

            return (traceW, traceB, clock.Elapsed);
        }

        public static double LargestDifference((List<double> W, List<double> B, TimeSpan _) left, (List<double> W, List<double> B, TimeSpan _) right)
        {
            double largest = 0;
            for (int i = 0; i < left.W.Count; i++)
            {
                largest = Math.Max(largest, Math.Max(Math.Abs(left.W[i] - right.W[i]), Math.Abs(left.B[i] - right.B[i])));
            }

            return largest;
        }
    }
}
