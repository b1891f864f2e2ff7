"""The timing method of `marginal bench` (BenchTiming.java), for the reference workloads: a warm-up of at least one
second and three calls, continued in 100 ms windows while a window is still more than 5% faster than the best before
it (at most 15 s), then `repeats` timed batches of at least 100 ms each; seconds per call, sorted."""
import argparse
import time

WARMUP_S = 1.0
MAX_WARMUP_S = 15.0
IMPROVING = 1.05
MIN_BATCH_S = 0.1


def _window(body, calls):
    t0 = time.perf_counter()
    for _ in range(calls):
        body()
    return (time.perf_counter() - t0) / calls


def seconds_per_call(body, repeats):
    calls = 0
    start = time.perf_counter()
    while time.perf_counter() - start < WARMUP_S or calls < 3:
        body()
        calls += 1
    per_call = (time.perf_counter() - start) / calls
    best = float("inf")
    while time.perf_counter() - start < MAX_WARMUP_S:
        w = _window(body, max(1, int(MIN_BATCH_S / per_call)))
        improving = w * IMPROVING < best
        best = min(best, w)
        per_call = best
        if not improving:
            break
    batch = max(1, int(MIN_BATCH_S / per_call))
    return sorted(_window(body, batch) for _ in range(repeats))


def median(xs):
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def positive_int(text):
    """An argparse type: a whole number of at least 1, or a one-line usage error."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}")
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value
