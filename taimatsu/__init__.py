"""taimatsu: PyTorch's programming model in pure Python on NumPy.

    import taimatsu as torch
"""
from . import _dtype
# autograd first: it imports _tensor, whose op modules need autograd's graph
from . import autograd
from ._device import channels_last, contiguous_format, device, preserve_format, strided
from ._device import get_default_device, set_default_device
from ._dtype import (bool_ as bool, cdouble, cfloat, complex64, complex128, double, finfo,
                     float, float16, float32, float64, get_default_dtype, half, iinfo, int,
                     int8, int16, int32, int64, long, promote_types, set_default_dtype, short,
                     uint8)
from ._dtype import dtype
from ._dtype import can_cast
from ._tensor import Size, Tensor
from ._tensor_str import set_printoptions
from . import return_types
from . import random
from ._generator import Generator, default_generator
from .random import get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from .autograd.grad_mode import (enable_grad, inference_mode, is_grad_enabled,
                                 is_inference_mode_enabled, no_grad, set_grad_enabled)
# process-wide settings (threads, determinism, matmul precision): recorded only
from ._config import (are_deterministic_algorithms_enabled, get_float32_matmul_precision,
                      get_num_interop_threads, get_num_threads, set_float32_matmul_precision,
                      set_num_interop_threads, set_num_threads, use_deterministic_algorithms)
from ._utils import typename
from .autograd.anomaly_mode import is_anomaly_check_nan_enabled, is_anomaly_enabled
# the legacy tensor types (torch.FloatTensor ...)
from ._legacy import LEGACY as _LEGACY
# torch's constants: python floats, as torch's are
from math import e, inf, nan, pi
# The ops: each family declares its torch.* names where it defines them
# (`_ops/_core.public`), with the in-place variants torch has (torch.exp_ ...), which
# `_ops/inplace.derive_inplace` made when the Tensor class was completed.  Importing the
# families fills `_ops._core.TORCH`; it is this namespace's share of torch's.
from ._ops import (activation, copy, creation, elementwise, extra, indexing, join,  # noqa: F401
                   linalg, linalg_decomp, misc, random as _random_ops, reduction, shape,
                   special)
from ._ops._core import TORCH as _TORCH

globals().update(_TORCH)
globals().update(_LEGACY)
del activation, copy, creation, elementwise, extra, indexing, join, linalg, linalg_decomp
del misc, reduction, shape, special, _random_ops


# nn, optim, utils, linalg and serialization load on first use (`torch.nn`,
# `import taimatsu.nn`): `import taimatsu` stays cheap for programs that need tensors only
_SUBMODULES = ("nn", "optim", "utils", "linalg", "serialization", "cuda", "backends",
               "fft", "distributions", "special", "func", "accelerator", "jit", "onnx",
               "testing", "compiler", "_dynamo", "torch_version", "signal")
_FROM_SERIALIZATION = ("save", "load")
_FROM_TORCH_FUNCTIONAL = ("stft", "istft")  # torch.functional's, loaded on first use
# torch.softmax and friends are nn.functional's (argument orders equal)
_FROM_FUNCTIONAL = ("dropout", "layer_norm", "group_norm",
                    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                    "conv_transpose3d", "pixel_shuffle", "pixel_unshuffle", "channel_shuffle",
                    "pdist")


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None,
            options=None, disable=False):
    """torch.compile: `model` (a function or a module) traced on its first call and
    replayed as straight-line array code after (see taimatsu/_dynamo); a decorator too,
    with or without arguments.  `backend`, `mode`, `options` and `dynamic` are accepted
    and change nothing: there is one way to compile here."""
    if model is None:
        return lambda m: compile(m, fullgraph=fullgraph, dynamic=dynamic, backend=backend,
                                 mode=mode, options=options, disable=disable)
    if disable:
        return model
    from ._dynamo.eval_frame import compile_model
    return compile_model(model, fullgraph)


def __getattr__(name):
    import importlib
    if name in _SUBMODULES:
        return importlib.import_module("." + name, __name__)
    if name in _FROM_SERIALIZATION:
        return getattr(importlib.import_module(".serialization", __name__), name)
    if name in _FROM_FUNCTIONAL:
        return getattr(importlib.import_module(".nn.functional", __name__), name)
    if name in _FROM_TORCH_FUNCTIONAL:
        return getattr(importlib.import_module(".functional", __name__), name)
    raise AttributeError(f"taimatsu does not implement torch.{name} yet")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES) | set(_FROM_SERIALIZATION)
                  | set(_FROM_FUNCTIONAL) | set(_FROM_TORCH_FUNCTIONAL))


# the PyTorch version whose API taimatsu follows, as torch's TorchVersion, with taimatsu's
# own release in its local label (see taimatsu/version.py)
from .version import __version__  # noqa: E402

# the public names are exactly those imported above (torch's names), plus the lazy ones
__all__ = sorted([name for name in globals() if not name.startswith("_")
                  and name not in ("annotations",)] + list(_SUBMODULES + _FROM_SERIALIZATION
                                                          + _FROM_FUNCTIONAL))
