"""Side-by-side reference figures from PyTorch's autograd (CPU), for docs/benchmarks.md.

Not part of the product or its tests. Install Debian's python3-torch (apt-get install --no-install-recommends
python3-torch) and run it with Debian's interpreter: /usr/bin/python3 benchmarks/pytorch/reference.py
It times, with the same sizes as the BenchmarkDotNet suite:
  * Rosenbrock over n = 10^5 values: value and gradient (x.requires_grad, backward);
  * the per-operation cost of autograd on scalars: record and backward for a chain of scalar multiplications.
"""
import time
import timeit

import torch

torch.set_num_threads(1)


def best_of(statement, number, repeat=7):
    times = timeit.repeat(statement, number=number, repeat=repeat)
    return min(times) / number


def rosenbrock(x):
    return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()


def rosenbrock_value_and_gradient(values):
    x = values.clone().requires_grad_(True)
    y = rosenbrock(x)
    y.backward()
    return y.item(), x.grad


def per_op(chain):
    x = torch.tensor(1.0001, dtype=torch.float64, requires_grad=True)
    y = x
    for _ in range(chain):
        y = y * x
    y.backward()


def main():
    generator = torch.Generator().manual_seed(1)
    values = torch.rand(100_000, dtype=torch.float64, generator=generator) * 2 - 1
    primal = best_of(lambda: rosenbrock(values), 200)
    gradient = best_of(lambda: rosenbrock_value_and_gradient(values), 100)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    print(f"Rosenbrock n=1e5 (double): value {primal * 1e6:.1f} us, value and gradient {gradient * 1e6:.1f} us")

    chain = 1000
    total = best_of(lambda: per_op(chain), 20)
    print(f"Scalar multiplication chain of {chain}: {total / chain * 1e9:.0f} ns per recorded op (forward + backward)")


if __name__ == "__main__":
    main()
