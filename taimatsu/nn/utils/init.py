"""skip_init: build a module whose parameters and buffers are left uninitialized."""
import inspect

from ...random import get_rng_state, set_rng_state

__all__ = ["skip_init"]


def skip_init(module_cls, *args, **kwargs):
    """Instantiate ``module_cls`` with parameters and buffers as uninitialized as torch.empty."""
    from ..modules.module import Module
    if not issubclass(module_cls, Module):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    final_device = kwargs.pop("device", "cpu")
    # torch builds on the meta device, which taimatsu lacks: build for real, then drop the
    # values with to_empty, and restore the generator so the skipped initialization draws
    # no random numbers, as under torch
    state = get_rng_state()
    try:
        module = module_cls(*args, device=final_device, **kwargs)
    finally:
        set_rng_state(state)
    return module.to_empty(device=final_device)
