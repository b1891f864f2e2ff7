"""Sums a Java Flight Recording of `marginal bench iwae` into phases: each execution sample goes to the phase of
the innermost frame that names one (a GEMM inside the Bernoulli likelihood counts as GEMM), plus garbage-collection
pauses and allocation from the recording's GC and allocation events."""
import collections
import json
import subprocess
import sys

# (phase, frame prefixes) in no particular order; the innermost matching frame decides.
PHASES = [
    ("GEMM", ("dev.marginal.tensor.VectorGemm", "dev.marginal.tensor.GemmDirect", "dev.marginal.tensor.GemmSmall",
              "dev.marginal.tensor.GemmMicroKernel", "dev.marginal.tensor.GemmPacking",
              "dev.marginal.tensor.ScalarKernels.gemm")),
    ("threading: caller waits for workers", ("dev.marginal.tensor.Parallel$Crew.run",)),
    ("threading: idle worker spins/parks", ("dev.marginal.tensor.Parallel$Worker.run",)),
    ("log-sum-exp (forward and gradient)", ("dev.marginal.tensor.Reductions.logSumExp", "dev.marginal.math.LogSpace",
                                            "dev.marginal.autodiff.Rules.logSumExpGrad",
                                            "dev.marginal.autodiff.Rules.softmaxTimes")),
    ("Bernoulli log mass (softplus and row sums)", ("dev.marginal.tensor.VectorLogMass", "dev.marginal.tensor.LogMassSum")),
    ("reductions (column sums, sums)", ("dev.marginal.tensor.VectorColumnSums",)),
    ("elementwise (tanh, softplus, sigmoid, exp, bias, grads)",
     ("dev.marginal.tensor.VectorKernels", "dev.marginal.tensor.VectorMath", "dev.marginal.tensor.FloatMath",
      "dev.marginal.tensor.Elementwise", "dev.marginal.tensor.Broadcast", "dev.marginal.autodiff.Rules.tanhGrad",
      "dev.marginal.autodiff.Rules.addRowsInPlace", "dev.marginal.autodiff.Rules.lambda$addRowsInPlace",
      "dev.marginal.autodiff.Rules.lambda$tanhGrad", "dev.marginal.autodiff.Rules.mulAffine",
      "dev.marginal.autodiff.Rules.sigmoidGrad", "dev.marginal.distributions.Bernoulli",
      "dev.marginal.distributions.DiagNormal")),
    ("reductions (column sums, sums)", ("dev.marginal.tensor.Reductions", "dev.marginal.autodiff.Rules.columnSums",
                                        "dev.marginal.autodiff.Rules.lambda$columnSums")),
    ("copies (gather, slice, scatter, concat)", ("dev.marginal.tensor.Indexing", "dev.marginal.autodiff.Rules.unslice",
                                                 "dev.marginal.autodiff.Rules.scatterAdd", "java.lang.System.arraycopy",
                                                 "java.util.Arrays.copyOf")),
    ("optimizer (Adam, clipping)", ("dev.marginal.optim",)),
    ("random numbers", ("dev.marginal.random",)),
    ("tape bookkeeping", ("dev.marginal.autodiff",)),
    ("benchmark driver / other marginal", ("dev.marginal",)),
]


def frame_name(f):
    return f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"]


def phase_of(frames):
    """The phase and the deciding frame (the innermost marginal frame for "JVM / other")."""
    for f in frames:
        name = frame_name(f)
        for phase, prefixes in PHASES:
            if name.startswith(prefixes):
                return phase, name
    return "JVM / other", frame_name(frames[0])


def events(path, kind):
    # jfr print keeps only the five innermost frames of a stack unless told otherwise.
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", kind, path],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["recording"]["events"]


def nanos(duration):
    # JFR JSON durations look like "PT0.001234S".
    return float(duration.strip("PTS")) * 1e9 if duration else 0.0


def main(path, detail=0):
    counts = collections.Counter()
    frames_by_phase = collections.defaultdict(collections.Counter)
    threads = collections.Counter()
    on_caller = collections.Counter()
    for e in events(path, "jdk.ExecutionSample"):
        st = e["values"].get("stackTrace")
        if not st or not st["frames"]:
            continue
        phase, frame = phase_of(st["frames"])
        counts[phase] += 1
        frames_by_phase[phase][frame] += 1
        thread = e["values"]["sampledThread"]["javaName"]
        threads[thread] += 1
        if thread == "main":
            on_caller[phase] += 1
    total = sum(counts.values())
    print(f"execution samples: {total} (by thread: " + ", ".join(f"{k} {v}" for k, v in threads.most_common(4)) + ")")
    for phase, n in counts.most_common():
        # With several kernel threads, a phase whose samples are nearly all on the calling thread runs serially.
        print(f"  {100 * n / total:5.1f}%  {phase}  ({100 * on_caller[phase] / n:.0f}% on the calling thread)")
        for frame, m in frames_by_phase[phase].most_common(detail):
            print(f"           {100 * m / total:5.1f}%  {frame}")
    gcs = events(path, "jdk.GarbageCollection")
    pauses = sum(nanos(g["values"].get("sumOfPauses")) for g in gcs)
    alloc = sum(a["values"].get("weight", 0) for a in events(path, "jdk.ObjectAllocationSample"))
    rec = events(path, "jdk.CPULoad")
    span = max(len(rec), 1)
    print(f"garbage collections: {len(gcs)}, pauses {pauses / 1e6:.1f} ms in all; "
          f"allocation sampled: {alloc / 2**30:.2f} GiB in ~{span} s of recording")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)
