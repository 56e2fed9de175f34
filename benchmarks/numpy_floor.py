"""The floor under any numpy-backed implementation: w1 and w2 written by hand in numpy
(forward and hand-derived gradients, float32 as the workloads use), timed next to
PyTorch running the reference workloads in this process.

    python benchmarks/numpy_floor.py

'lowest ratio' is numpy / PyTorch: no implementation that calls numpy once per
elementary op (with no Python overhead at all) can have a smaller taimatsu/PyTorch ratio.
"""
import time

import numpy as np


def best(fn, repeats=5):
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times) * 1000


def w1_numpy():
    """The Rosenbrock descent with the gradient derived by hand, one numpy call per
    elementary operation, as an op-by-op implementation must make them."""
    x = np.array([-1.0, 1.0], dtype=np.float32)
    for _ in range(1000):
        x0, x1 = x[0], x[1]
        a = 1 - x0
        d = x1 - x0 * x0
        g0 = -2 * a - 20 * d * x0
        g1 = 10 * d
        x = x - np.float32(0.01) * np.array([g0, g1], dtype=np.float32)
    return x


def w2_numpy():
    """The book's regression network with hand-written backward (same shapes as w2)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((100, 3)).astype(np.float32)
    y = (x @ np.array([-0.2, 1.3, 5.6], np.float32))[:, None] + \
        rng.standard_normal((100, 1)).astype(np.float32)
    w1 = rng.standard_normal((3, 32)).astype(np.float32)
    w2 = rng.standard_normal((32, 1)).astype(np.float32)
    b1 = np.zeros((1, 32), np.float32)
    b2 = np.zeros((1, 1), np.float32)
    for _ in range(200):
        h = x @ w1 + b1
        r = np.maximum(h, 0)
        out = r @ w2 + b2
        diff = out - y
        loss = (diff * diff).sum()
        g_out = 2 * diff
        g_w2 = r.T @ g_out
        g_b2 = g_out.sum(axis=0, keepdims=True)
        g_r = g_out @ w2.T
        g_h = g_r * (h > 0)
        g_w1 = x.T @ g_h
        g_b1 = g_h.sum(axis=0, keepdims=True)
        for p, g in ((w1, g_w1), (w2, g_w2), (b1, g_b1), (b2, g_b2)):
            p -= np.float32(1e-4) * g
    return loss


def main():
    import os
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                    "shared", "bench"))
    try:
        import workloads  # the reference workloads, on real PyTorch (`import torch`)
    except ImportError:
        workloads = None
    print(f"{'workload':15s} {'numpy ms':>9s} {'torch ms':>9s} {'lowest ratio':>13s}")
    for name, floor in (("w1_rosenbrock", w1_numpy), ("w2_regression", w2_numpy)):
        t_np = best(floor)
        t_torch = best(getattr(workloads, name)) if workloads else float("nan")
        print(f"{name:15s} {t_np:9.1f} {t_torch:9.1f} {t_np / t_torch:13.3f}")


if __name__ == "__main__":
    main()
