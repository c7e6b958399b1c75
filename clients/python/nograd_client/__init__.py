"""nograd_client: a Python client for the nograd training server (standard library only).

    from nograd_client import Client
    c = Client("http://localhost:8080", token=None)
    job = c.submit({"algorithm": "adam", "dataset": "spirals", "layers": [2, 32, 2], "epochs": 5})
    for ev in c.events(job):          # the epochs as they end, then the final status
        print(ev.type, ev.data)
    weights = c.load_numpy(job)       # with NumPy: {"layers.0.weight": ndarray, ...}
    model = c.load_torch(job)         # with PyTorch: nn.Sequential in eval mode

Command line: ``python3 -m nograd_client --help``.
"""
from .client import FINAL, Client, Event, NogradError
from .models import read_safetensors

__version__ = "0.1.0"
__all__ = ["Client", "Event", "NogradError", "FINAL", "read_safetensors"]
