#!/usr/bin/env bash
# The demo's deep LVM against its 8-component GMM on held-out toy data, over several seeds and training recipes.
#
#   bench/demo-density.sh [CONFIG_FILE]        (default: bench/demo-density.configs)
#
# Environment: SEEDS (default "0 1 2"), DATASETS (default "moons 8gaussians"), SCORE_K (default 5000), HELD_SEED
# (the generator seed of the held-out points, default 2; another seed gives a fresh test set),
# THREADS (default 2), NAMES (only the configurations whose names are listed; default all), MARGINAL (the command to
# run; default bin/marginal).
#
# Data as in the demo: 2,000 training points (generator seed 1) and 1,000 held-out points (seed 2). The GMM is
# `fit --model gmm --components 8 --n-init 5 --seed S` (the best of five EM restarts, as in the demo), scored
# exactly; each LVM is `fit --model lvm ARGS --seed S`, scored with IWAE K = SCORE_K (a lower bound on log p(x), so
# the comparison is conservative for the LVM). Both are scored on the
# same held-out rows, so the difference LVM − GMM is paired: its standard error is that of the per-row differences.
# Seed 0 with the demo's recipe trains exactly the demo's IWAE model; the demo scores it with IWAE K = 1000 and a key
# of its own, so its figures differ from these in the last digits.
#
# Prints one Markdown row per (data set, configuration, seed):
#   data | config | seed | steps | LVM ± SE | GMM ± SE | LVM − GMM ± SE | fit seconds (wall, machine-load dependent)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
marginal="${MARGINAL:-$root/bin/marginal}"
configs="${1:-$root/bench/demo-density.configs}"
seeds="${SEEDS:-0 1 2}"
datasets="${DATASETS:-moons 8gaussians}"
score_k="${SCORE_K:-5000}"
threads="${THREADS:-2}"
held_seed="${HELD_SEED:-2}"
for v in "SCORE_K=$score_k" "THREADS=$threads" "HELD_SEED=$held_seed"; do
  if ! [[ "${v#*=}" =~ ^[0-9]+$ ]]; then
    echo "demo-density.sh: ${v%%=*} must be a non-negative integer, got '${v#*=}'" >&2
    exit 2
  fi
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# mean ± standard error of the mean of column 1 of a CSV with a header (the score command's log_px).
mean_se() {
  awk -F, 'NR > 1 { n++; s += $1; q += $1 * $1 } END {
    m = s / n; v = (q - n * m * m) / (n - 1); printf "%.3f ± %.3f", m, sqrt(v / n) }' "$1"
}

# Paired difference of column 1 of two such CSVs, row by row: mean ± standard error. (The files may have
# different columns: an LVM's IWAE scores add the importance-weight diagnostics ess and pareto_k.)
diff_se() {
  paste -d, <(cut -d, -f1 "$1") <(cut -d, -f1 "$2") | awk -F, 'NR > 1 { d = $1 - $2; n++; s += d; q += d * d } END {
    m = s / n; v = (q - n * m * m) / (n - 1); printf "%+.3f ± %.3f", m, sqrt(v / n) }'
}

echo "| data | configuration | seed | steps | LVM, IWAE K=$score_k | GMM (8, full), exact | LVM − GMM (paired) | fit s |"
echo "|---|---|---|---|---|---|---|---|"
for d in $datasets; do
  train="toy:$d?n=2000&seed=1"
  held="toy:$d?n=1000&seed=$held_seed"
  for s in $seeds; do
    "$marginal" fit --data "$train" --model gmm --components 8 --n-init 5 --seed "$s" --threads "$threads" --quiet \
      --out "$work/gmm.marginal" 2>/dev/null
    "$marginal" score --model "$work/gmm.marginal" --data "$held" --quiet --out "$work/gmm.csv" 2>/dev/null
    while read -r name args; do
      case "$name" in ''|'#'*) continue ;; esac
      if [ -n "${NAMES:-}" ] && [[ " $NAMES " != *" $name "* ]]; then continue; fi
      start=$(date +%s.%N)
      # shellcheck disable=SC2086
      summary=$("$marginal" fit --data "$train" --model lvm $args --seed "$s" --threads "$threads" --json \
        --out "$work/lvm.marginal" 2>/dev/null)
      seconds=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.0f", $2 - $1 }')
      steps=$(echo "$summary" | sed -n 's/.*"steps": *\([0-9]*\).*/\1/p')
      "$marginal" score --model "$work/lvm.marginal" --data "$held" --estimator iwae --k "$score_k" --seed "$s" \
        --quiet --out "$work/lvm.csv" 2>/dev/null
      echo "| $d | $name | $s | ${steps:-?} | $(mean_se "$work/lvm.csv") | $(mean_se "$work/gmm.csv") |" \
        "$(diff_se "$work/lvm.csv" "$work/gmm.csv") | $seconds |"
    done < "$configs"
  done
done
