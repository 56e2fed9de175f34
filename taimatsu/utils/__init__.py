"""torch.utils: data loading (torch.utils.data) and activation checkpointing
(torch.utils.checkpoint, loaded on first use)."""
from . import data

__all__ = ["checkpoint", "data"]


def __getattr__(name):
    if name == "checkpoint":
        import importlib
        return importlib.import_module(".checkpoint", __name__)
    raise AttributeError(f"module 'torch.utils' has no attribute {name!r}")
