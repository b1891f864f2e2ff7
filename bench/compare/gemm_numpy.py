"""numpy/OpenBLAS float32 matrix multiply on the shapes of `marginal bench gemm --shapes`; prints JSON rows with the
same fields (GFLOP/s of 2·m·n·k flops, best and median)."""
import argparse
import json
import sys

import numpy as np

import blas_info
from timing import median, positive_int, seconds_per_call


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--shapes", required=True, help="MxNxK,...")
    p.add_argument("--repeats", type=positive_int, default=5)
    args = p.parse_args()
    rng = np.random.default_rng(1)
    rows = []
    for spec in args.shapes.split(","):
        m, n, k = (int(v) for v in spec.split("x"))
        a = rng.uniform(-1, 1, (m, k)).astype(np.float32)
        b = rng.uniform(-1, 1, (k, n)).astype(np.float32)
        c = np.empty((m, n), dtype=np.float32)
        times = seconds_per_call(lambda: np.matmul(a, b, out=c), args.repeats)
        flops = 2.0 * m * n * k
        rows.append({"shape": spec, "best_gflops": flops / times[0] / 1e9,
                     "median_gflops": flops / median(times) / 1e9})
    json.dump({"gemm": rows, "blas": blas_info.describe()}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
