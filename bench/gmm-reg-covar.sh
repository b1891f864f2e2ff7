#!/usr/bin/env bash
# A GMM's covariance floor (--reg-covar) against the data's scale: two moons (numpy, 2,000 training and 1,000
# held-out points, noise 0.1) scaled by S, 8 full-covariance components, the best of 3 EM runs, fitted as given and
# with --standardize; prints the columns' variances over --reg-covar and both held-out mean log-likelihoods (nats,
# data units). Usage: bench/gmm-reg-covar.sh [S ...]   (default: 1e-05 0.0001 0.001 0.003 0.01 0.03 0.1 1)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
scales=("$@")
[ ${#scales[@]} -eq 0 ] && scales=(1e-05 0.0001 0.001 0.003 0.01 0.03 0.1 1)
for s in "${scales[@]}"; do
  python3 - "$s" "$work" <<'PY'
import sys, numpy as np
s, out = float(sys.argv[1]), sys.argv[2]
def moons(n, seed):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, n); lab = rng.integers(0, 2, n)
    x = np.where(lab == 0, np.cos(t), 1 - np.cos(t)); y = np.where(lab == 0, np.sin(t), 0.5 - np.sin(t))
    return (np.stack([x, y], 1) + rng.normal(0, 0.1, (n, 2))) * s
for name, seed, n in (("train", 1, 2000), ("test", 2, 1000)):
    np.savetxt(f"{out}/{name}.csv", moons(n, seed), delimiter=",", header="a,b", comments="", fmt="%.9g")
v = np.loadtxt(f"{out}/train.csv", delimiter=",", skiprows=1).var(0)
print(f"S={sys.argv[1]} variance/reg-covar={v[0] / 1e-6:.3g},{v[1] / 1e-6:.3g}", end=" ")
PY
  for z in "" --standardize; do
    rm -f "$work/m.marginal"
    "$root/bin/marginal" fit --data "$work/train.csv" --model gmm --components 8 --n-init 3 --out "$work/m.marginal" \
      --quiet $z 2>/dev/null
    ll=$("$root/bin/marginal" eval --model "$work/m.marginal" --data "$work/test.csv" --json 2>/dev/null \
      | python3 -c "import json,sys; print('%.3f' % json.load(sys.stdin)['mean_log_likelihood'])")
    printf '%s=%s ' "${z:-as-given}" "$ll"
  done
  echo
done
