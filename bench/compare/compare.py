"""Runs `marginal bench` and the references (numpy/OpenBLAS GEMM, the same IWAE model in PyTorch) alternately, one
process at a time, and prints each ratio with the CPU model and the thread settings. See README.md."""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MARGINAL = os.path.join(ROOT, "bin", "marginal")
SHAPES = "5000x200x784,1024x1024x1024,1000x200x784,256x784x200,128x784x200,20x784x200,20x200x784"
LARGE = {"5000x200x784", "1024x1024x1024"}
# Targets as ratios (marginal / reference, or two threads / one).
TARGETS = {"gemm_large": 1.0, "gemm_small": 0.9, "train_5": 2.5, "train_50": 2.0, "eval_5000": 2.0, "scaling": 1.85,
           "reverse_kl": 1.0}
# The parts --skip names, in the order they run.
PARTS = ("gemm", "iwae", "funnel", "scaling")
# Most --repeats, as `marginal bench` takes (BenchOptions.MAX_REPEATS).
MAX_REPEATS = 10_000
# Environment settings that can slow OpenBLAS down (a wrong core type halves it); unset for the references.
UNSET_FOR_REFERENCE = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def run_json(cmd, env=None, label=""):
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=HERE)
    if res.returncode != 0:
        sys.exit(f"compare: {label or cmd[0]} failed (exit {res.returncode}):\n{res.stderr.strip()[-2000:]}")
    start = res.stdout.find("{")
    return json.loads(res.stdout[start:])


def has_module(python, module):
    return subprocess.run([python, "-c", f"import {module}"], capture_output=True).returncode == 0


def reference_env(threads, passive=False):
    env = {k: v for k, v in os.environ.items() if k not in UNSET_FOR_REFERENCE}
    for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[k] = str(threads)
    if passive:
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    return env


def reference_settings(t):
    """The settings each reference is run with every round; the best of them per workload is the reference.
    OpenMP threads that spin while OpenBLAS's own threads need the cores can cost PyTorch most of its speed on a
    small machine, so a passive wait policy and a single thread are tried too."""
    settings = [(f"{t} threads", t, False)]
    if t > 1:
        settings += [(f"{t} threads, OMP_WAIT_POLICY=PASSIVE", t, True), ("1 thread", 1, False)]
    return settings


def marginal(args, threads, *bench):
    env = dict(os.environ)
    if args.jar:
        env["MARGINAL_JAR"] = args.jar
    return run_json([MARGINAL, "bench", *bench, "--threads", str(threads), "--repeats", str(args.repeats), "--json"],
                    env=env, label="marginal bench " + bench[0])


# A round trip between marginal's threads above this (ns) before or after a workload marks its process: the two
# processors most likely shared no cache (about 55 ns when they do, 300 and more when they do not).
SPLIT_NS = 200


def round_trips(row):
    """The round trips (before, after) of a `bench iwae` row, zeros where it has none."""
    return (row.get("round_trip_before_ns", 0), row.get("round_trip_after_ns", 0))


def split_marks(pairs):
    """For each process's (before, after) round trips, whether either is above SPLIT_NS."""
    return [max(pair) > SPLIT_NS for pair in pairs]


# Set when the references' BLAS is not OpenBLAS (the Netlib reference BLAS runs 15-20 times slower): the ratios are
# still printed, but no target is judged against such a reference.
UNFAIR_REFERENCE = None


def ratio_text(r, target, width=0):
    """r with two decimals, or as many more as it takes for the printed value to fall on r's side of the target
    (1.992 against 2.00 prints as 1.992, not as 2.00 beside a BELOW)."""
    digits = 2
    while digits < 6 and (round(r, digits) >= target) != (r >= target):
        digits += 1
    return f"{r:{width}.{digits}f}"


def ratios_line(name, ours, theirs, target, unit, winners=None, marks=None, judged=True):
    rs = [a / b for a, b in zip(ours, theirs)]
    med = statistics.median(rs)
    flag = "meets" if min(rs) >= target else ("median meets" if med >= target else "BELOW")
    if judged and UNFAIR_REFERENCE:
        flag = f"not judged ({UNFAIR_REFERENCE})"
    marks = list(marks or [])
    marks += [False] * (len(rs) - len(marks))
    per = " ".join(ratio_text(r, target) + ("*" if m else "") for r, m in zip(rs, marks))
    print(f"  {name:<34} {statistics.median(ours):>9.1f} {statistics.median(theirs):>9.1f} {unit:<8}"
          f" ratio {ratio_text(med, target, 5)}  (per process: {per})  target >= {target:.2f}: {flag}")
    # The absolute figures of each round, so that a spread of the ratios can be traced to either side.
    fig = lambda v: f"{v:.0f}" if v >= 100 else f"{v:.1f}"
    print(f"  {'':<34} per process, {unit}: " + "  ".join(f"{fig(a)}/{fig(b)}" for a, b in zip(ours, theirs)))
    if winners:
        counts = {w: winners.count(w) for w in winners}
        print(f"  {'':<34} reference's best setting: " + ", ".join(f"{w} ({n}x)" for w, n in counts.items()))


class OneLineParser(argparse.ArgumentParser):
    """Prints a usage error as one line naming the option, exit status 2, as `marginal` does."""

    def error(self, message):
        self.exit(2, f"compare: {message} (see --help)\n")


def main():
    p = OneLineParser(description=__doc__)
    p.add_argument("--threads", type=int, default=2, help="threads for marginal and the references (default 2)")
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds, one fresh process each (default 3)")
    p.add_argument("--repeats", type=int, default=5, help="timed batches per workload and process (default 5)")
    p.add_argument("--python", default="/usr/bin/python3", help="interpreter with numpy and torch")
    p.add_argument("--jar", help="run this marginal jar instead of building the worktree's")
    p.add_argument("--skip", default="", help="comma-separated parts to skip: gemm,iwae,funnel,scaling")
    p.add_argument("--check-args", action="store_true",
                   help="check the other arguments and exit (the run script does, before it builds)")
    args = p.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    # Refused before anything is built or timed: a misspelt part would otherwise run the whole 6-minute comparison.
    unknown = sorted(skip - set(PARTS))
    if unknown:
        p.error(f"--skip: unknown part {', '.join(unknown)}; the parts are {', '.join(PARTS)}")
    if skip >= set(PARTS):
        p.error("--skip: every part is skipped, nothing to compare")
    if args.threads < 1:
        p.error(f"--threads must be at least 1, got {args.threads}")
    if not 1 <= args.repeats <= MAX_REPEATS:
        p.error(f"--repeats must be between 1 and {MAX_REPEATS}, got {args.repeats}")
    if args.rounds < 1:
        p.error(f"--rounds must be at least 1, got {args.rounds}")
    if args.check_args:
        return
    t = args.threads
    have_numpy = os.path.exists(args.python) and has_module(args.python, "numpy")
    have_torch = os.path.exists(args.python) and has_module(args.python, "torch")
    print(f"marginal against references, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(f"CPU: {cpu_model()}; {os.cpu_count()} logical processors; load average now "
          f"{os.getloadavg()[0]:.1f}")
    print(f"threads: marginal --threads {t}; each reference the best per workload of: "
          + "; ".join(label for label, _, _ in reference_settings(t))
          + f" (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and torch.set_num_threads set alike); "
          f"unset for the references: {', '.join(UNSET_FOR_REFERENCE)}"
          + "".join(f" (was {k}={os.environ[k]})" for k in UNSET_FOR_REFERENCE if k in os.environ))
    print(f"method: {args.rounds} rounds, each a fresh marginal process then a fresh reference process per part; "
          f"each workload warms up (>= 1 s, until the JIT is done), then best of {args.repeats} batches of >= 100 ms; ratio = marginal / reference"
          " per round, median over rounds")
    if have_numpy:
        info = run_json([args.python, "blas_info.py"], env=reference_env(t), label="blas_info")
        print(f"numpy {info['numpy']}: BLAS {info['blas']} {info.get('config')}, kernel {info['corename']}, "
              f"{info['threads']} threads [{info['source']}]")
        if info["blas"] != "openblas":
            global UNFAIR_REFERENCE
            UNFAIR_REFERENCE = "the references do not run on OpenBLAS"
    else:
        print(f"numpy: not found for {args.python}; the GEMM comparison is skipped (apt-get install python3-numpy)")
    if not have_torch:
        print(f"torch: not found for {args.python}; the IWAE and funnel comparisons are skipped "
              "(apt-get install python3-torch)")
    sys.stdout.flush()

    g_ours, g_ref, tr_ours, tr_ref, ev_ours, ev_ref, one, two = {}, {}, {}, {}, {}, {}, {}, {}
    rk_ours, rk_ref = [], []
    # Round trips (before, after) of a value between marginal's threads, around each workload's timed batches.
    trips = {}
    torch_info = None
    winners = {}
    for r in range(args.rounds):
        if "gemm" not in skip:
            rows = marginal(args, t, "gemm", "--shapes", SHAPES, "--gemm-only")["gemm"]
            for row in rows:
                g_ours.setdefault(row["shape"], []).append(row["best_gflops"])
            if have_numpy:
                best = {}
                for label, threads, passive in reference_settings(t):
                    if passive:
                        continue  # numpy does not use OpenMP
                    ref = run_json([args.python, "gemm_numpy.py", "--shapes", SHAPES, "--repeats", str(args.repeats)],
                                   env=reference_env(threads), label="gemm_numpy.py")
                    for row in ref["gemm"]:
                        if row["best_gflops"] > best.get(row["shape"], (0, ""))[0]:
                            best[row["shape"]] = (row["best_gflops"], label)
                for shape, (v, label) in best.items():
                    g_ref.setdefault(shape, []).append(v)
                    winners.setdefault(("gemm", shape), []).append(label)
        if "iwae" not in skip:
            res = marginal(args, t, "iwae", "--train-k", "5,50", "--eval-k", "5000")
            for row in res["training"]:
                tr_ours.setdefault(row["k"], []).append(row["best_examples_per_s"])
                trips.setdefault(f"training K={row['k']}", []).append(round_trips(row))
            for row in res["evaluation"]:
                ev_ours.setdefault(row["k"], []).append(row["best_images_per_s"])
                trips.setdefault(f"evaluation K={row['k']}", []).append(round_trips(row))
            if have_torch:
                best = {}
                for label, threads, passive in reference_settings(t):
                    ref = run_json([args.python, "iwae_torch.py", "--threads", str(threads), "--train-k", "5,50",
                                    "--eval-k", "5000", "--repeats", str(args.repeats)],
                                   env=reference_env(threads, passive), label="iwae_torch.py")
                    torch_info = ref["torch"]
                    rows = [("train", r["k"], r["best_examples_per_s"]) for r in ref["training"]]
                    rows += [("eval", r["k"], r["best_images_per_s"]) for r in ref["evaluation"]]
                    for kind, k, v in rows:
                        if v > best.get((kind, k), (0, ""))[0]:
                            best[(kind, k)] = (v, label)
                for (kind, k), (v, label) in best.items():
                    (tr_ref if kind == "train" else ev_ref).setdefault(k, []).append(v)
                    winners.setdefault((kind, k), []).append(label)
        if "funnel" not in skip:
            rk_ours.append(marginal(args, t, "reverse-kl")["reverse-kl"][0]["best_ms_per_iter"])
            if have_torch:
                best = (float("inf"), "")
                for label, threads, passive in reference_settings(t):
                    ref = run_json([args.python, "funnel_torch.py", "--threads", str(threads), "--repeats",
                                    str(args.repeats)], env=reference_env(threads, passive), label="funnel_torch.py")
                    ms = ref["reverse-kl"][0]["best_ms_per_iter"]
                    if ms < best[0]:
                        best = (ms, label)
                rk_ref.append(best[0])
                winners.setdefault(("reverse-kl", 0), []).append(best[1])
        if "scaling" not in skip and t > 1:
            for threads, into in ((1, one), (t, two)):
                res = marginal(args, threads, "iwae", "--train-k", "50", "--eval-k", "5000")
                if threads > 1:
                    trips.setdefault("scaling, training K=50", []).append(round_trips(res["training"][0]))
                    trips.setdefault("scaling, evaluation K=5000", []).append(round_trips(res["evaluation"][0]))
                into.setdefault("train_50", []).append(res["training"][0]["best_examples_per_s"])
                into.setdefault("eval_5000", []).append(res["evaluation"][0]["best_images_per_s"])
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)

    print()
    if g_ours:
        print(f"GEMM, float32 C = A·B, GFLOP/s (best per process), marginal ({t} threads) vs numpy/OpenBLAS, the "
              "best of " + " and ".join(label for label, _, p in reference_settings(t) if not p) + ":")
        for shape, ours in g_ours.items():
            if shape in g_ref:
                ratios_line(shape, ours, g_ref[shape], TARGETS["gemm_large" if shape in LARGE else "gemm_small"],
                            "GFLOP/s", winners.get(("gemm", shape)))
            else:
                print(f"  {shape:<34} {statistics.median(ours):>9.1f}   (no reference)  per process: "
                      + " ".join(f"{v:.1f}" for v in ours))
    if tr_ours:
        if torch_info:
            print(f"IWAE 784-200-200-50, marginal ({t} threads) vs PyTorch {torch_info['version']}, the best of "
                  + "; ".join(label for label, _, _ in reference_settings(t)) + " (set_num_threads and "
                  "OMP/OPENBLAS_NUM_THREADS alike):")
        else:
            print(f"IWAE 784-200-200-50, marginal only, {t} threads:")
        for k, ours in tr_ours.items():
            name = f"training K={k}, batch 20 (examples/s)"
            if k in tr_ref:
                ratios_line(name, ours, tr_ref[k], TARGETS[f"train_{k}"], "ex/s", winners.get(("train", k)),
                            split_marks(trips.get(f"training K={k}", [])))
            else:
                print(f"  {name:<34} {statistics.median(ours):>9.1f}")
        for k, ours in ev_ours.items():
            name = f"evaluation K={k} (images/s)"
            if k in ev_ref:
                ratios_line(name, ours, ev_ref[k], TARGETS[f"eval_{k}"], "img/s", winners.get(("eval", k)),
                            split_marks(trips.get(f"evaluation K={k}", [])))
            else:
                print(f"  {name:<34} {statistics.median(ours):>9.1f}")
    if rk_ours:
        # Iterations per second, so that a ratio above 1 means marginal is faster here too.
        ours = [1e3 / ms for ms in rk_ours]
        name = "reverse-KL iteration (iter/s)"
        if rk_ref:
            print(f"Reverse KL on the funnel (2-128-8 surrogate, SUMO m = 4, batch 32, both optimizers), marginal "
                  f"({t} threads) vs the same iteration in PyTorch (funnel_torch.py), the best of "
                  + "; ".join(label for label, _, _ in reference_settings(t)) + ":")
            ratios_line(name, ours, [1e3 / ms for ms in rk_ref], TARGETS["reverse_kl"], "iter/s",
                        winners.get(("reverse-kl", 0)))
        else:
            print(f"Reverse KL on the funnel, marginal only, {t} threads:")
            print(f"  {name:<34} {statistics.median(ours):>9.1f}")
    if one:
        print(f"marginal, {t} threads against 1 (same round, consecutive processes):")
        ratios_line("training K=50 (examples/s)", two["train_50"], one["train_50"], TARGETS["scaling"], "ex/s",
                    marks=split_marks(trips.get("scaling, training K=50", [])), judged=False)
        ratios_line("evaluation K=5000 (images/s)", two["eval_5000"], one["eval_5000"], TARGETS["scaling"], "img/s",
                    marks=split_marks(trips.get("scaling, evaluation K=5000", [])), judged=False)
    if any(v for vs in trips.values() for pair in vs for v in pair):
        print(f"round trip of a value between marginal's {t} threads, just before / just after each workload's timed "
              "batches, per process (`marginal bench threads`): about 55 ns where the host runs both processors on "
              "cores that share a cache, several times that where it does not, which slows every multi-threaded step; "
              "the host can move them within seconds, so a figure is a hint, not proof:")
        for name, vs in trips.items():
            print(f"  {name:<34} " + "  ".join(f"{a:.0f}/{b:.0f}" for a, b in vs) + " ns")
        if any(any(split_marks(vs)) for vs in trips.values()):
            print(f"  * after a ratio: that process measured a round trip over {SPLIT_NS} ns before or after its timed "
                  "batches")


if __name__ == "__main__":
    main()
