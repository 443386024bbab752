using System;
using AutoDiffGen;

// The classic tf.GradientTape examples, with what TensorFlow prints for them.

// 1. The gradient of a squared error with respect to w and b (TensorFlow: -4.0 and -2.0).
var w = new Variable<float>(0.5f);
var b = new Variable<float>(1.0f);
Tensor<float> loss;
var tape = new GradientTape();
using (tape)
{
    Tensor<float> prediction = w * 2f + b;            // x = 2
    Tensor<float> error = 3f - prediction;            // y = 3
    loss = error * error;
}

Tensor<float>?[] grads = tape.Gradient(loss, [w, b]);
Console.WriteLine("(y - (w*x + b))^2 at x=2, y=3, w=0.5, b=1");
Console.WriteLine($"  dL/dw: {grads[0]}");
Console.WriteLine($"  dL/db: {grads[1]}");

// 2. t3 = t1 * t2: the gradient with respect to each factor is the other one.
var t1 = new Variable<float>([1f, 2f, 3f]);
var t2 = new Variable<float>([10f, 20f, 30f]);
Tensor<float> t3;
tape = new GradientTape();
using (tape)
{
    t3 = t1 * t2;
}

grads = tape.Gradient(t3, [t1, t2]);
Console.WriteLine("t3 = t1 * t2");
Console.WriteLine($"  dt3/dt1: {grads[0]}");
Console.WriteLine($"  dt3/dt2: {grads[1]}");

// 3. t4 = t3 + t2, with gradients for t1, t2 and the intermediate t3.
Tensor<float> t4;
tape = new GradientTape();
using (tape)
{
    t3 = t1 * t2;
    t4 = t3 + t2;
}

grads = tape.Gradient(t4, [t1, t2, t3]);
Console.WriteLine("t4 = t3 + t2");
Console.WriteLine($"  dt4/dt1: {grads[0]}");
Console.WriteLine($"  dt4/dt2: {grads[1]}");
Console.WriteLine($"  dt4/dt3: {grads[2]}");

// 4. A constant (not a Variable, not watched) has no gradient: TensorFlow returns None.
var constant = new Tensor<float>([1f, 2f, 3f]);
tape = new GradientTape();
using (tape)
{
    t3 = constant * t2;
}

Console.WriteLine("t3 = constant * t2");
Console.WriteLine($"  dt3/dconstant: {tape.Gradient(t3, constant)?.ToString() ?? "null"}");

// 5. A persistent tape can be asked twice; a non-persistent one refuses a second call.
var x = new Tensor<float>(3f);
Tensor<float> y, z;
var persistent = new GradientTape(persistent: true);
using (persistent)
{
    persistent.Watch(x);
    y = x * x;
    z = y * y;
}

Console.WriteLine("Persistent tape, x = 3, y = x^2, z = y^2");
Console.WriteLine($"  dz/dx: {persistent.Gradient(z, x)}");
Console.WriteLine($"  dy/dx: {persistent.Gradient(y, x)}");
persistent.Dispose();

tape = new GradientTape();
using (tape)
{
    tape.Watch(x);
    y = x * x;
}

Console.WriteLine("Non-persistent tape");
Console.WriteLine($"  dy/dx: {tape.Gradient(y, x)}");
try
{
    tape.Gradient(y, x);
}
catch (InvalidOperationException exception)
{
    Console.WriteLine($"  second call: {exception.GetType().Name}: {exception.Message}");
}

// 6. A [Differentiable] method on tensors: recorded as ONE tape operation whose backward pass is its generated adjoint.
var xs = new Variable<float>([0.5f, 1f, 2f]);
Tensor<float> total;
tape = new GradientTape();
using (tape)
{
    total = Tensor.Sum(Functions.SquaredError(w, b, xs, new Tensor<float>(3f)));
}

grads = tape.Gradient(total, [w, b, xs]);
Console.WriteLine("sum of SquaredError(w, b, x, 3) over x = [0.5, 1, 2], one recorded operation");
Console.WriteLine($"  dL/dw: {grads[0]}");
Console.WriteLine($"  dL/db: {grads[1]}");
Console.WriteLine($"  dL/dx: {grads[2]}");

internal static partial class Functions
{
    [Differentiable]
    public static float SquaredError(float w, float b, float x, float y)
    {
        float error = y - (w * x + b);
        return error * error;
    }
}
