#!/usr/bin/env python3
"""Train a nograd JobSpec (sgd / adam / amsgrad, fully-connected) with PyTorch on the same data, for
side-by-side figures with bench/run.sh. Debian's python3-torch, CPU, float32; OpenBLAS (2 pthreads) does the GEMMs, TORCH_THREADS (default 1) sets intra-op threads.

    /usr/bin/python3 bench/pytorch_train.py SPEC.json [field=value ...]

Prints one line per epoch (train loss/acc over the train split, test loss/acc, seconds of training only)
in the same format as the Java bench.
"""
import gzip, json, os, struct, sys, time

import numpy as np
import torch

DIRS = {"fashion-mnist": os.environ.get("NOGRAD_FASHION_DIR", "/usr/share/datasets/fashion-mnist"),
        "mnist": os.environ.get("NOGRAD_MNIST_DIR", "/usr/local/share/datasets/mnist")}


def idx(path):
    opener = gzip.open if os.path.exists(path + ".gz") else open
    with opener(path + ".gz" if os.path.exists(path + ".gz") else path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load(name):
    d = DIRS[name]
    out = []
    for prefix in ("train", "t10k"):
        x = idx(f"{d}/{prefix}-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255.0
        y = idx(f"{d}/{prefix}-labels-idx1-ubyte").astype(np.int64)
        out += [torch.from_numpy(x), torch.from_numpy(y)]
    return out


def main():
    spec = json.load(open(sys.argv[1]))
    for arg in sys.argv[2:]:
        k, v = arg.split("=", 1)
        if k == "layers" and not v.startswith("["):
            v = "[" + v + "]"
        try:
            v = json.loads(v)
        except ValueError:
            pass
        node = spec
        parts = k.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = v
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "1")))
    torch.manual_seed(spec.get("seed", 1))
    xtr, ytr, xte, yte = load(spec["dataset"])
    if spec.get("trainLimit"):
        xtr, ytr = xtr[:spec["trainLimit"]], ytr[:spec["trainLimit"]]
    act = {"relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "softplus": torch.nn.Softplus,
           "elu": torch.nn.ELU, "leaky-relu": torch.nn.LeakyReLU}[spec.get("activation", "relu")]
    sizes = spec["layers"]
    mods = []
    for i in range(len(sizes) - 1):
        mods.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            mods.append(act())
    net = torch.nn.Sequential(*mods)
    for m in net:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.xavier_uniform_(m.weight)
            torch.nn.init.zeros_(m.bias)
    params = spec.get("params", {})
    algo = spec["algorithm"]
    if algo == "sgd":
        opt = torch.optim.SGD(net.parameters(), lr=params.get("lr", 0.1), momentum=params.get("momentum", 0))
    else:
        opt = torch.optim.Adam(net.parameters(), lr=params.get("lr", 1e-3), amsgrad=(algo == "amsgrad"))
    loss_fn = torch.nn.CrossEntropyLoss()
    bs = spec.get("batchSize", 100)
    epochs = spec.get("epochs", 5)
    print(f"# pytorch {torch.__version__} {algo} on {spec['dataset']} {sizes} batch {bs}, threads {torch.get_num_threads()}, float32")
    print("epoch  trainLoss  trainAcc  testLoss  testAcc   seconds")
    gen = torch.Generator().manual_seed(spec.get("seed", 1))
    times = []
    for epoch in range(1, epochs + 1):
        perm = torch.randperm(len(xtr), generator=gen)
        t0 = time.perf_counter()
        for i in range(0, len(xtr), bs):
            idxs = perm[i:i + bs]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(xtr[idxs]), ytr[idxs])
            loss.backward()
            opt.step()
        secs = time.perf_counter() - t0
        times.append(secs)
        with torch.no_grad():
            ltr = net(xtr); lte = net(xte)
            print(f"{epoch:5d}  {loss_fn(ltr, ytr).item():9.5f}  {(ltr.argmax(1) == ytr).float().mean().item():8.4f}  "
                  f"{loss_fn(lte, yte).item():8.5f}  {(lte.argmax(1) == yte).float().mean().item():7.4f}  {secs:8.2f}")
    times.sort()
    print(f"# mean epoch {sum(times) / len(times):.2f} s, median {times[len(times) // 2]:.2f} s")


if __name__ == "__main__":
    main()
