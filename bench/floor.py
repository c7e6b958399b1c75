#!/usr/bin/env python3
"""Multiply-adds per mini-batch of each lifted solver's matrix products, as implemented, against Adam's forward and
backward pass on the same net and batch: the epoch-time ratio the arithmetic alone implies.

    python3 bench/floor.py [--r64 GFLOPS] [--r32 GFLOPS] [--mixed GFLOPS] [--trsm GFLOPS] [--details]

Each term names the code that runs it (default parameters, the acceptance nets of bench/solver-times.sh). Terms are
split into products (gemm/syrk, which a float32 path can run with sgemm) and Cholesky factors and triangular solves
(float64 always). --r64/--r32 are dgemm/sgemm rates (GFLOP/s) at these shapes on this machine, --mixed the rate of
Float32Gemm on float64 operands, copies included (bench/gemm.sh; the defaults: single thread, core 0, 2026-11-30),
--trsm the rate of Spd's factor and solves (assumed equal to dgemm's unless given).
The ratio at equal speed counts every multiply-add alike; the timed ratio divides each solver's work by the rates its
precision runs at, and Adam's (float32) by --r32. Both ignore element-wise work: where a solver's measured ratio is
above its timed ratio, the difference is time outside the products (bench/results/performance.md, "Why each solver's
epoch is what it is").
"""
import argparse


def adam(sizes, m):
    """Float32Backprop.run: forward W_l a_l, weight gradients δ_l a_lᵀ, input errors W_lᵀ δ_l for l ≥ 1."""
    layers = list(zip(sizes[1:], sizes[:-1]))
    fwd = sum(o * i * m for o, i in layers)
    grad = fwd
    back = sum(o * i * m for o, i in layers[1:])
    return {"forward": fwd, "weight gradients": grad, "input errors": back}, {}


def lpom(sizes, m, k1=3, k2=1, rho_steps=6):
    """Lpom.solveBatch + LiftedBatch (serial, K3 = 1), 784-500-10: products in float64 (Gemm.get())."""
    assert len(sizes) == 3 and k2 == 1
    n0, n1, n2 = sizes
    g = {
        "forward (initialise)": (n1 * n0 + n2 * n1) * m,
        # updateHidden(2): W2ᵀ d once per sweep; pre(3) recomputed in sweeps 2..K1 (X^2 moved); ρ̂: 2 products per power step
        "sweeps: W2ᵀd, W2 X2, ρ̂ power steps": (k1 * n1 * n2 + (k1 - 1) * n2 * n1 + 2 * rho_steps * n2 * n1) * m,
        # WeightStep.run, layer 1: gram XᵀX (full gemm), y·gram, Q·Xᵀ into W, q·gram for the residual
        "W1 step: XᵀX, Q·K (×2), Q·Xᵀ": m * m * n0 + 2 * n1 * m * m + n1 * n0 * m,
        # layer 2: pre(3) stale after the sweeps, gram, the same three
        "W2 step: W2 X2, XᵀX, Q·K (×2), Q·Xᵀ": n2 * n1 * m + m * m * n1 + 2 * n2 * m * m + n2 * n1 * m,
    }
    f = {
        "Cholesky of the m×m ridge (2 layers)": 2 * m ** 3 / 3,
        "solveRight (2 trsm) of R (n_out×m)": (n1 + n2) * m * m,
    }
    return g, f


def sibp(sizes, m, cg=5):
    """Sibp.sweep + ProximalFit (784-500-10), at most `cg` CG iterations per weight subproblem."""
    n0, n1, n2 = sizes
    g = {
        "forward": (n1 * n0 + n2 * n1) * m,
        "Gram FᵀF per layer (dsyrk: half)": m * m * (n1 + n0) / 2,
        "CG: C·K per iteration (both layers)": cg * (n2 + n1) * m * m,
        "W += C·Fᵀ (both layers)": (n2 * n1 + n1 * n0) * m,
        "error W2ᵀδ, forward of layer 2 after": 2 * n2 * n1 * m,
    }
    return g, {}


def proxbp(sizes, m):
    """Proxbp.step with solve = exact, outputLayer = gradient (784-500-10): Backprop in float64, then ProximalStep on layer 1."""
    n0, n1, n2 = sizes
    g = {
        "Backprop: forward, weight gradients, W2ᵀδ": 2 * (n1 * n0 + n2 * n1) * m + n2 * n1 * m,
        "ProximalStep: aᵀa (full gemm)": m * m * n0,
        "residualNorm ×2, X·M residual: R·M": 3 * n1 * m * m,
        "ΔW = X·aᵀ": n1 * n0 * m,
    }
    f = {"Cholesky of M (m×m)": m ** 3 / 3, "solveRight (2 trsm) of X (n1×m)": n1 * m * m}
    return g, f


def admm(sizes, m, sample=500):
    """Admm.step (784-500-600-10, ReLU, cross-entropy, innerIterations = 1): Table 1's sweep and the sampled Lagrangian."""
    n0, n1, n2, n3 = sizes
    s = min(sample, m)
    g = {
        "forward (X̂_i)": (n1 * n0 + n2 * n1 + n3 * n2) * m,
        # ridge(i): gram ṼṼᵀ by dsyrk (in²/2·m), T·Vᵀ (out·in·m)
        "ridge Gram VVᵀ (dsyrk), 3 layers": (n0 * n0 + n1 * n1 + n2 * n2) / 2 * m,
        "ridge T·Vᵀ, 3 layers": (n1 * n0 + n2 * n1 + n3 * n2) * m,
        # slackUpdate(i) for hidden i: W_{i+1}·s0 and W_{i+1}ᵀ·R; the slack system's Gram W2ᵀW2 (i = 1; i = 2's is 10×10)
        "slack: W_{i+1}s₀, W_{i+1}ᵀR (2 hidden layers)": 2 * (n2 * n1 + n3 * n2) * m,
        "slack Gram W2ᵀW2 (dsyrk)": n1 * n1 / 2 * n2 + n3 * n3 / 2 * n2,
        "Lagrangian on the sample (float64, ColumnSample)": (n1 * n0 + n2 * n1 + n3 * n2) * s,
    }
    f = {
        "ridge Cholesky (in+1)³/3, 3 layers": ((n0 + 1) ** 3 + (n1 + 1) ** 3 + (n2 + 1) ** 3) / 3,
        "ridge solveRight (2 trsm) out·(in+1)²": n1 * (n0 + 1) ** 2 + n2 * (n1 + 1) ** 2 + n3 * (n2 + 1) ** 2,
        "slack Cholesky n1³/3 and solveLeft (2 trsm) n1²·m": n1 ** 3 / 3 + n1 * n1 * m,
    }
    return g, f


def ipdlam(sizes, m, sample=128):
    """Ipdlam.iteration, minibatch mode, nested-reverse order, 1 iteration (784-1500-1500-10, batch 512 ≤ every input width)."""
    d = sizes
    L = len(d) - 1
    fwd = sum(d[l + 1] * d[l] for l in range(L)) * m
    # zStep: W a + b is the forward pass's z in the first iteration after it (Ipdlam.iteration's fresh), so no product
    g = {"forwardInit": fwd}
    # wStep (m ≤ d[l]): Ŵ a, Gram aᵀa (dsyrk), E·aᵀ
    g["wStep: Ŵa and E·aᵀ (every layer)"] = 2 * fwd
    g["wStep: Gram aᵀa (dsyrk, every layer)"] = sum(m * m / 2 * d[l] for l in range(L))
    # aStep(l) for l = 1..L-1: Wᵀt; d[l+1] ≥ d[l] → WᵀW (dsyrk) else Woodbury: WWᵀ, W·rhs, Wᵀt
    a_g = 0
    a_f = 0
    for l in range(1, L):
        out, inp = d[l + 1], d[l]
        a_g += out * inp * m
        if out >= inp:
            a_g += inp * inp / 2 * out
            a_f += inp ** 3 / 3 + inp * inp * m
        else:
            a_g += out * out / 2 * inp + 2 * out * inp * m
            a_f += out ** 3 / 3 + out * out * m
    g["aStep: Wᵀt, WᵀW (dsyrk) or Woodbury"] = a_g
    g["Φ_ρ on the sample (float64, ColumnSample)"] = sum(d[l + 1] * d[l] for l in range(L)) * min(sample, m)
    f = {
        "wStep: Cholesky of aᵀa + δI (m×m, every layer)": L * m ** 3 / 3,
        "wStep: solveRight (2 trsm) of E (out×m)": sum(d[l + 1] for l in range(L)) * m * m,
        "aStep: Cholesky of WᵀW + cI and solveLeft": a_f,
    }
    return g, f


def dlam(sizes, n, trials=1):
    """Dlam.iterate, full batch (784-500-500-10, N = 60 000): chunked products (float32 by default), `trials` backtracking trials per a step."""
    d = sizes
    L = len(d) - 1
    A = [d[l + 1] * d[l] * n for l in range(L)]
    g = {}
    # updateWeight: residual W a (1) + ∇_W φ = ρ r aᵀ (1) + D = ∇_W φ · a (1, not for layer 1: from x xᵀ)
    g["updateWeight: r, ∇_W φ, D"] = sum(3 * A[l] for l in range(1, L)) + 2 * A[0] + d[1] * d[0] * d[0]
    # updateZ (hidden: W a + b) and updateOutput (W a + b)
    g["updateZ / updateOutput: W a"] = sum(A)
    # updateA for a_{l+1} (l < L-1): residual of layer l+1, W_{l+1}ᵀ r, W_{l+1} d per trial
    g["updateA: r, Wᵀr, W d per trial"] = sum((2 + trials) * A[l + 1] for l in range(L - 1))
    # Dlam.keepLast (float32, one batch, at most 2 hidden layers, a narrower output): the last hidden layer's W a is kept
    # from its z step, so its next residual (updateA's at depth 3, updateWeight's at depth 2) costs no product; the last
    # a step recomputes the output layer's W_Lᵀ r at each trial and at the take instead of keeping it
    if L in (2, 3) and d[L] < d[L - 1] and (L == 2 or d[1] <= d[2]):
        g["keepLast: the kept W a, less W_Lᵀ r per trial"] = -A[L - 2] + trials * A[L - 1]
    return g, {}


def total(parts):
    return sum(parts.values())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--r64", type=float, default=55.0, help="dgemm GFLOP/s (single thread)")
    ap.add_argument("--r32", type=float, default=115.0, help="sgemm GFLOP/s (single thread)")
    ap.add_argument("--mixed", type=float, default=100.0, help="Float32Gemm GFLOP/s on float64 operands, copies included")
    ap.add_argument("--trsm", type=float, default=None, help="GFLOP/s of Spd's factor and solves (default: --r64)")
    ap.add_argument("--details", action="store_true", help="print every term")
    a = ap.parse_args()
    trsm = a.trsm or a.r64
    jobs = [
        # name, the solver's (products, factor/solve) terms per batch, samples per batch, Adam's net and batch
        # and whether its products run in float32 by default
        ("lpom 784-500-10, batch 100", lpom([784, 500, 10], 100), 100, [784, 500, 10], 100, False),
        ("sibp 784-500-10, batch 100", sibp([784, 500, 10], 100), 100, [784, 500, 10], 100, True),
        ("proxbp 784-500-10, batch 100", proxbp([784, 500, 10], 100), 100, [784, 500, 10], 100, False),
        ("admm 784-500-600-10, batch 3000", admm([784, 500, 600, 10], 3000), 3000, [784, 500, 600, 10], 3000, True),
        ("ipdlam 784-1500-1500-10, batch 512", ipdlam([784, 1500, 1500, 10], 512), 512, [784, 1500, 1500, 10], 512, True),
        ("dlam 784-500-500-10, full batch (Adam: batch 100)", dlam([784, 500, 500, 10], 60000), 60000, [784, 500, 500, 10], 100, True),
    ]
    print(f"# rates: dgemm {a.r64} GFLOP/s, sgemm {a.r32} (Adam), Float32Gemm {a.mixed}, factor/trsm {trsm}; "
          "Adam float32 on the same net and batch")
    print("| job | solver MAC per sample (products + factor/solves) | Adam MAC per sample | ratio, equal speed "
          "| timed ratio, float64 products | timed ratio, float32 products | floor s/epoch, solver (default precision) / Adam |")
    print("|---|---|---|---|---|---|---|")
    epoch = 60000
    for name, (g, f), samples, asizes, am, f32 in jobs:
        ad, _ = adam(asizes, am)
        adam_mac = total(ad) / am
        gm = total(g) / samples
        fm = total(f) / samples
        # Φ_ρ / Lagrangian samples stay float64 (ColumnSample uses Gemm.get())
        g64 = sum(v for k, v in g.items() if "ColumnSample" in k) / samples
        t_adam = adam_mac / a.r32
        t64 = gm / a.r64 + fm / trsm
        t32 = (gm - g64) / a.mixed + g64 / a.r64 + fm / trsm
        # seconds per 60 000-sample epoch: 2 flops per multiply-add, rates in GFLOP/s
        floor = (t32 if f32 else t64) * 2 * epoch / 1e9
        print(f"| {name} | {gm / 1e3:,.0f}k + {fm / 1e3:,.0f}k | {adam_mac / 1e3:,.0f}k | {(gm + fm) / adam_mac:.2f} "
              f"| {t64 / t_adam:.2f} | {t32 / t_adam:.2f} | {floor:.2f} ({'float32' if f32 else 'float64'}) / "
              f"{t_adam * 2 * epoch / 1e9:.2f} |")
        if a.details:
            for k, v in list(g.items()) + [("[f64] " + k, v) for k, v in f.items()]:
                print(f"|   {k} | {v / samples / 1e3:,.1f}k | | | | | |")


if __name__ == "__main__":
    main()
