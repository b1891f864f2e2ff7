"""The workload of `marginal bench reverse-kl` in PyTorch: one reverse-KL iteration fitting a deep LVM surrogate to the
2-D funnel, as `ReverseKlTrainer.step` with `ReverseKlOptions.defaults()` does it. The surrogate is 2-128-8 (tanh MLPs,
Gaussian decoder with log-variance bounded by 20·tanh(raw/20), Gaussian encoder). Each iteration draws a batch of 32
x = μ(z) + σ(z)·ε from the surrogate, estimates log q(x) with SUMO (m = 4 samples plus a Russian-roulette tail with
P(extra ≥ k) = 1/k below 80, geometric with ratio 0.9 beyond), back-propagates mean(log q̂(x) − log p̃(x)) into the
decoder and mean(SUMO²) into the encoder, steps one Adam per network (lr 1e-4, β = (0.9, 0.98)) and updates an
exponential average of all parameters (decay 0.999). Prints JSON with the fields of `marginal bench reverse-kl`.

`--check` instead compares the SUMO estimate's mean over many draws with IWAE at K = 20,000 on the untrained
surrogate (SUMO is unbiased for log q(x); IWAE_K is within a few hundredths of it there) and exits non-zero when they
disagree by more than four standard errors plus the IWAE bound's slack."""
import argparse
import json
import math
import sys

import torch

from timing import median, positive_int, seconds_per_call

LOG_2PI = math.log(2 * math.pi)
LOG_VAR_BOUND = 20.0
DIM, LATENT, HIDDEN, BATCH = 2, 8, 128, 32
MIN_TERMS, CUTOFF, RATIO = 4, 80, 0.9
SCALE_SD = 1.35


class Surrogate(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.dec = torch.nn.Sequential(torch.nn.Linear(LATENT, HIDDEN), torch.nn.Tanh(),
                                       torch.nn.Linear(HIDDEN, 2 * DIM))
        self.enc = torch.nn.Sequential(torch.nn.Linear(DIM, HIDDEN), torch.nn.Tanh(),
                                       torch.nn.Linear(HIDDEN, 2 * LATENT))

    def decode(self, z):
        out = self.dec(z)
        return out[:, :DIM], LOG_VAR_BOUND * torch.tanh(out[:, DIM:] / LOG_VAR_BOUND)

    def log_weights(self, x, counts):
        """log p(x|z) + log p(z) − log r(z|x) for counts[i] encoder samples of row i, concatenated: [sum(counts)]."""
        mu, logvar = self.enc(x).chunk(2, dim=-1)
        rows = torch.repeat_interleave(torch.arange(x.shape[0]), counts)
        eps = torch.randn(rows.shape[0], LATENT)
        lv = logvar[rows]
        z = mu[rows] + torch.exp(0.5 * lv) * eps
        log_r = (-0.5 * eps.pow(2) - 0.5 * lv - 0.5 * LOG_2PI).sum(-1)
        log_prior = (-0.5 * z.pow(2) - 0.5 * LOG_2PI).sum(-1)
        mean, dec_lv = self.decode(z)
        log_lik = (-0.5 * (x[rows] - mean).pow(2) * torch.exp(-dec_lv) - 0.5 * dec_lv - 0.5 * LOG_2PI).sum(-1)
        return log_lik + log_prior - log_r, rows


def survival(k):
    """P(extra ≥ k) of the SUMO tail."""
    k = k.double()
    return torch.where(k < CUTOFF, 1.0 / k.clamp(min=1), RATIO ** (k - CUTOFF) / CUTOFF)


def sample_extra(n):
    """Extra terms per point, ≥ 1: the largest k with P(extra ≥ k) ≥ u."""
    u = 1 - torch.rand(n, dtype=torch.float64)  # in (0, 1]
    head = torch.floor(1 / u).clamp(max=CUTOFF - 1)
    tail = CUTOFF + torch.floor(torch.log(u * CUTOFF) / math.log(RATIO))
    return torch.where(u > 1.0 / CUTOFF, head, tail).long().clamp(min=1)


def sumo(model, x):
    """SUMO per row: I_1 + Σ_j a_j (I_{j+1} − I_j), I_j the IWAE bound of the first j samples, a_j = 1 for j < m and
    1 / P(extra ≥ k) for j = m + k − 1."""
    counts = MIN_TERMS + sample_extra(x.shape[0])
    logw, rows = model.log_weights(x, counts)
    return sumo_from_log_weights(logw, rows, counts)


def sumo_from_log_weights(logw, rows, counts):
    """SUMO per row from the concatenated log-weights of each row's samples."""
    kmax = int(counts.max())
    starts = torch.cumsum(counts, 0) - counts
    pos = torch.arange(rows.shape[0]) - starts[rows]
    padded = torch.full((counts.shape[0], kmax), -1e30, dtype=logw.dtype).index_put((rows, pos), logw)
    j = torch.arange(1, kmax + 1, dtype=padded.dtype)
    bounds = torch.logcumsumexp(padded, dim=1) - torch.log(j)
    deltas = bounds[:, 1:] - bounds[:, :-1]
    idx = torch.arange(1, kmax)  # Δ_idx, idx = 1 .. kmax − 1
    k = idx - MIN_TERMS + 1  # tail term k for idx ≥ m
    weights = torch.where(idx < MIN_TERMS, torch.ones_like(idx, dtype=torch.float64), 1.0 / survival(k))
    weights = torch.where(idx.unsqueeze(0) < counts.unsqueeze(1), weights.unsqueeze(0), torch.zeros(()))
    return bounds[:, 0] + (weights.to(padded.dtype) * deltas).sum(1)


def funnel_log_density(x):
    x0, x1 = x[:, 0], x[:, 1]
    return (-0.5 * (x1 / SCALE_SD).pow(2) - 0.5 * (x0 * torch.exp(-x1)).pow(2) - x1
            - math.log(SCALE_SD) - LOG_2PI)


def reverse_kl(repeats):
    model = Surrogate()
    dec, enc = list(model.dec.parameters()), list(model.enc.parameters())
    opt_dec = torch.optim.Adam(dec, lr=1e-4, betas=(0.9, 0.98), eps=1e-8, foreach=True)
    opt_enc = torch.optim.Adam(enc, lr=1e-4, betas=(0.9, 0.98), eps=1e-8, foreach=True)
    params = dec + enc
    average = [p.detach().clone() for p in params]
    count = [0]

    def one_iteration():
        z = torch.randn(BATCH, LATENT)
        mean, logvar = model.decode(z)
        x = mean + torch.exp(0.5 * logvar) * torch.randn(BATCH, DIM)
        log_q = sumo(model, x)
        loss = (log_q - funnel_log_density(x)).mean()
        opt_dec.zero_grad(set_to_none=True)
        opt_enc.zero_grad(set_to_none=True)
        loss.backward(inputs=dec, retain_graph=True)
        log_q.pow(2).mean().backward(inputs=enc)
        opt_dec.step()
        opt_enc.step()
        count[0] += 1
        dn = 0.999 ** count[0]
        decay = 0.999 * (1 - dn / 0.999) / (1 - dn)  # ParameterAverage.weightOfPrevious
        with torch.no_grad():
            torch._foreach_mul_(average, decay)
            torch._foreach_add_(average, [p.detach() for p in params], alpha=1 - decay)

    t = seconds_per_call(one_iteration, repeats)
    return {"workload": "funnel, 2-128-8 surrogate, SUMO m=4, batch 32, decoder+encoder steps",
            "threads": torch.get_num_threads(), "best_ms_per_iter": t[0] * 1e3, "median_ms_per_iter": median(t) * 1e3}


def series_by_loops(logw, counts):
    """The SUMO series written out term by term, for the check."""
    out, at = [], 0
    for c in counts.tolist():
        w = logw[at:at + c].double()
        at += c
        bound = [torch.logsumexp(w[:j], 0) - math.log(j) for j in range(1, c + 1)]
        value = bound[MIN_TERMS - 1]
        for k in range(1, c - MIN_TERMS + 1):
            value = value + (bound[MIN_TERMS + k - 1] - bound[MIN_TERMS + k - 2]) / survival(torch.tensor(k))
        out.append(float(value))
    return out


def check():
    """The vectorized series against term-by-term loops, then SUMO's mean against IWAE_20000 on one batch of the
    untrained surrogate's own samples."""
    torch.manual_seed(1)
    counts = MIN_TERMS + torch.tensor([1, 2, 7, 85, 130])
    logw = torch.randn(int(counts.sum()), dtype=torch.float64) * 3
    rows = torch.repeat_interleave(torch.arange(counts.shape[0]), counts)
    vectorized = sumo_from_log_weights(logw, rows, counts).tolist()
    loops = series_by_loops(logw, counts)
    if any(abs(a - b) > 1e-9 * max(1.0, abs(b)) for a, b in zip(vectorized, loops)):
        print(json.dumps({"series": vectorized, "loops": loops, "ok": False}))
        return False
    model = Surrogate()
    with torch.no_grad():
        z = torch.randn(4, LATENT)
        mean, logvar = model.decode(z)
        x = mean + torch.exp(0.5 * logvar) * torch.randn(4, DIM)
        draws = torch.stack([sumo(model, x) for _ in range(4000)])
        k = 20000
        logw, _ = model.log_weights(x, torch.full((4,), k))
        iwae = torch.logsumexp(logw.view(4, k), dim=1) - math.log(k)
    m, se = draws.mean(0), draws.std(0) / math.sqrt(draws.shape[0])
    ok = bool(((m - iwae).abs() <= 4 * se + 0.02).all())
    print(json.dumps({"sumo_mean": m.tolist(), "sumo_se": se.tolist(), "iwae_20000": iwae.tolist(), "ok": ok}))
    return ok


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=positive_int, default=1)
    p.add_argument("--repeats", type=positive_int, default=5)
    p.add_argument("--check", action="store_true", help="check the SUMO estimator against IWAE and exit")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    if args.check:
        sys.exit(0 if check() else 1)
    torch.manual_seed(0)
    out = {"reverse-kl": [reverse_kl(args.repeats)],
           "torch": {"version": torch.__version__, "threads": torch.get_num_threads()}}
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
