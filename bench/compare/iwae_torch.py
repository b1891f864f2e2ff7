"""The workloads of `marginal bench iwae` in PyTorch: the IWAE paper's 784-200-200-50 model (tanh MLPs, Gaussian
encoder, Bernoulli decoder), trained with IWAE K at batch 20 with Adam (lr 1e-3) on 2,000 random binary images, and
IWAE K evaluation of one image per pass (no gradients). Prints JSON rows with the fields of `marginal bench iwae`."""
import argparse
import json
import math
import sys

import torch
import torch.nn.functional as F

from timing import median, positive_int, seconds_per_call

LOG_2PI = math.log(2 * math.pi)
BATCH = 20
ROWS = 2000


class Model(torch.nn.Module):
    def __init__(self, d=784, h=200, latent=50):
        super().__init__()
        self.enc = torch.nn.Sequential(torch.nn.Linear(d, h), torch.nn.Tanh(), torch.nn.Linear(h, h),
                                       torch.nn.Tanh(), torch.nn.Linear(h, 2 * latent))
        self.dec = torch.nn.Sequential(torch.nn.Linear(latent, h), torch.nn.Tanh(), torch.nn.Linear(h, h),
                                       torch.nn.Tanh(), torch.nn.Linear(h, d))
        self.latent = latent

    def log_weights(self, x, k):
        """log w = log p(x|z) + log p(z) − log q(z|x) for k reparameterized samples per row: [B, K]."""
        mu, logvar = self.enc(x).chunk(2, dim=-1)
        eps = torch.randn(x.shape[0], k, self.latent)
        z = mu.unsqueeze(1) + torch.exp(0.5 * logvar).unsqueeze(1) * eps
        log_q = (-0.5 * eps.pow(2) - 0.5 * logvar.unsqueeze(1) - 0.5 * LOG_2PI).sum(-1)
        log_prior = (-0.5 * z.pow(2) - 0.5 * LOG_2PI).sum(-1)
        logits = self.dec(z)
        log_lik = -F.binary_cross_entropy_with_logits(logits, x.unsqueeze(1).expand_as(logits),
                                                      reduction="none").sum(-1)
        return log_lik + log_prior - log_q

    def iwae(self, x, k):
        return torch.logsumexp(self.log_weights(x, k), dim=1) - math.log(k)


def training(model, data, k, repeats):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-8)
    step = [0]

    def one_step():
        start = step[0] * BATCH % ROWS
        x = data[start:start + BATCH]
        loss = -model.iwae(x, k).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step[0] += 1

    t = seconds_per_call(one_step, repeats)
    return {"k": k, "threads": torch.get_num_threads(), "best_examples_per_s": BATCH / t[0],
            "median_examples_per_s": BATCH / median(t)}


def evaluation(model, x, k, repeats):
    def one_image():
        with torch.inference_mode():
            model.iwae(x, k)

    t = seconds_per_call(one_image, repeats)
    return {"k": k, "threads": torch.get_num_threads(), "best_images_per_s": 1 / t[0],
            "median_images_per_s": 1 / median(t)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=positive_int, required=True)
    p.add_argument("--train-k", default="5,50")
    p.add_argument("--eval-k", default="5000")
    p.add_argument("--repeats", type=positive_int, default=5)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    data = torch.bernoulli(torch.rand(ROWS, 784))
    model = Model()
    out = {"training": [], "evaluation": [],
           "torch": {"version": torch.__version__, "threads": torch.get_num_threads(),
                     "interop_threads": torch.get_num_interop_threads(),
                     "capability": torch.backends.cpu.get_cpu_capability()
                     if hasattr(torch.backends, "cpu") and hasattr(torch.backends.cpu, "get_cpu_capability") else None}}
    for k in [int(v) for v in args.train_k.split(",") if v and int(v) > 0]:
        out["training"].append(training(model, data, k, args.repeats))
    for k in [int(v) for v in args.eval_k.split(",") if v and int(v) > 0]:
        out["evaluation"].append(evaluation(model, data[:1], k, args.repeats))
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
