"""Weights into NumPy and PyTorch. NumPy and PyTorch are imported only here, and only when asked for."""
import io
import json
import struct


def read_safetensors(data):
    """Parses a safetensors file (bytes) with the standard library: returns (metadata, {name: (shape, raw bytes)}).

    nograd writes little-endian float32 (F32) downloads and float64 (F64) checkpoints."""
    if len(data) < 8:
        raise ValueError("not a safetensors file: %d bytes" % len(data))
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise ValueError("safetensors header of %d bytes overruns the %d-byte file" % (n, len(data)))
    header = json.loads(data[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {}) or {}
    body = data[8 + n:]
    tensors = {}
    for name, t in header.items():
        start, end = t["data_offsets"]
        tensors[name] = (tuple(t["shape"]), t["dtype"], body[start:end])
    return meta, tensors


def load_numpy(client, job):
    """The job's weights from the npz download as {name: float32 ndarray}."""
    import numpy as np
    with np.load(io.BytesIO(client.weights(job, "npz"))) as z:
        return {name: z[name] for name in z.files}


def _activation(nn, name, params):
    p = params or {}
    if name == "relu":
        return nn.ReLU()
    if name == "leaky-relu":
        return nn.LeakyReLU(p.get("alpha", 0.01))
    if name == "sigmoid":
        return nn.Sigmoid()
    if name == "tanh":
        return nn.Tanh()
    if name == "elu":
        return nn.ELU(p.get("alpha", 1.0))
    if name == "softplus":
        return nn.Softplus()
    if name == "dcutlu":
        # min(max(z, lower), upper): a hard tanh with the cut points as its bounds.
        return nn.Hardtanh(p.get("lower", 0.0), p.get("upper", 1.0))
    if name == "identity":
        return None
    raise ValueError("no PyTorch module for activation %r" % name)


def load_torch(client, job):
    """The job's network as an ``nn.Sequential`` in eval mode: ``Linear`` at index 2l, the hidden activation
    at 2l+1 and, when the solver puts one there (LPOM with MSE does), the output
    activation last. The safetensors names are ``layers.{2l}.*``, i.e. this Sequential's keys under ``layers.``."""
    import numpy as np
    import torch
    from torch import nn

    spec = client.get(job)["spec"]
    meta, tensors = read_safetensors(client.weights(job, "safetensors"))
    sizes = [int(s) for s in spec["layers"]]
    params = spec.get("activationParams")
    modules = []
    for l in range(len(sizes) - 1):
        modules.append(nn.Linear(sizes[l], sizes[l + 1]))
        last = l == len(sizes) - 2
        act = _activation(nn, meta.get("outputActivation", "identity") if last else spec["activation"], params)
        if act is not None:
            modules.append(act)
        elif not last:
            modules.append(nn.Identity())
    model = nn.Sequential(*modules)
    dtypes = {"F32": "<f4", "F64": "<f8"}
    state = {}
    for name, (shape, dtype, raw) in tensors.items():
        if not name.startswith("layers."):
            continue
        array = np.frombuffer(raw, dtype=dtypes[dtype]).astype(np.float32).reshape(shape)
        state[name[len("layers."):]] = torch.from_numpy(array.copy())
    model.load_state_dict(state)
    return model.eval()
