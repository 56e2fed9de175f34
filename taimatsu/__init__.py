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
from ._ops.copy import clone
from ._ops.creation import complex_ as complex
from ._ops.creation import (arange, as_tensor, asarray, empty, empty_like,
                            empty_strided, eye, from_dlpack, from_numpy, full, full_like,
                            linspace, logspace, ones, ones_like, polar, scalar_tensor, tensor,
                            zeros, zeros_like)
# the op families declare their torch.* names (_ops/_core.public): elementwise, special
# and activation functions and the in-place variants (torch.exp_ ...) are exported from
# that declaration, below
from ._ops import activation as _activation, elementwise as _elementwise, special as _special
from ._ops.reduction import (all, amax, amin, aminmax, any, argmax, argmin, argsort,
                             bincount, count_nonzero, cummax, cummin, cumprod, cumsum, histc,
                             kthvalue, logsumexp, max, mean, median, min, mode, msort,
                             nanmean, nanmedian, nanquantile, nansum, norm, prod, quantile,
                             sort, std, std_mean, sum, topk, unique, unique_consecutive, var,
                             var_mean)
from ._ops.join import column_stack, dstack, hstack, row_stack, vstack
from . import return_types
from . import random
from ._generator import Generator, default_generator
from .random import get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from ._ops.random import (bernoulli, multinomial, normal, poisson, rand, rand_like, randint,
                          randint_like, randn, randn_like, randperm)
from ._ops.shape import (expand, flatten, permute, ravel, reshape,
                         squeeze, swapaxes, swapdims, t, transpose, unsqueeze)
# views and shapes (more)
from ._ops.shape import (adjoint, atleast_1d, atleast_2d, atleast_3d, broadcast_tensors,
                         broadcast_to, chunk, diag, diag_embed, diagonal, dsplit, flip, fliplr,
                         flipud, hsplit, meshgrid, moveaxis, movedim, narrow, repeat_interleave,
                         roll, rot90, select, split, tensor_split, tile, tril, triu, unbind,
                         unflatten, vsplit)
from ._ops.shape import as_strided
# indexing (more)
from ._ops.indexing import (argwhere, gather, index_add, index_copy, index_fill, index_put,
                            index_put_, index_select, masked_fill, masked_scatter,
                            masked_select, nonzero, put, scatter, scatter_add, scatter_reduce,
                            take, take_along_dim)
# more torch functions: differences, distances, sorted lookups, index grids
from ._ops.shape import cartesian_prod, diff
from ._ops.linalg import cdist
from ._ops.reduction import bucketize, isin, searchsorted
from ._ops.creation import tril_indices, triu_indices
from .autograd.grad_mode import (enable_grad, inference_mode, is_grad_enabled,
                                 is_inference_mode_enabled, no_grad, set_grad_enabled)
from ._ops.misc import (broadcast_shapes, is_complex, is_floating_point, is_nonzero, is_tensor,
                        numel, result_type)
# linalg: matrix products, decompositions, and the torch.linalg namespace
from ._ops.linalg import (addbmm, addmm, addmv, addr, baddbmm, bmm, cross, dot, einsum, ger,
                          inner, kron, matmul, mm, mv, outer, tensordot, trace, vdot)
from ._ops.linalg_decomp import (chain_matmul, det, inverse, logdet, matrix_power, pinverse)
from ._ops.linalg_decomp import torch_cholesky as cholesky
from ._ops.linalg_decomp import torch_slogdet as slogdet
# process-wide settings (threads, determinism, matmul precision): recorded only
from ._config import (are_deterministic_algorithms_enabled, get_float32_matmul_precision,
                      get_num_interop_threads, get_num_threads, set_float32_matmul_precision,
                      set_num_interop_threads, set_num_threads, use_deterministic_algorithms)
# extra torch functions: complex views, conj/neg bits, matrix_exp, small helpers
from ._ops.extra import (block_diag, corrcoef, cov, diagflat, dist, gcd, is_conj, is_neg,
                         is_same_size, lcm, logcumsumexp, matrix_exp, resolve_conj, resolve_neg,
                         vander, view_as_complex, view_as_real)
from ._utils import typename
from ._ops.extra import (cholesky_inverse, cholesky_solve, combinations, cumulative_trapezoid,
                         frexp, histogram, is_signed, ldexp, nextafter, qr, renorm, svd,
                         trapezoid, trapz, triangular_solve, unravel_index)
from ._ops import join as _join
from ._ops._core import TORCH as _TORCH
from ._ops._core import numpy_names as _numpy_names

globals().update(_TORCH)

# the joins as torch's functions take numpy's axis= too (internal callers use _ops.join)
cat = _numpy_names(_join.cat)
concat = concatenate = _numpy_names(_join.concat)
stack = _numpy_names(_join.stack)


# nn, optim, utils, linalg and serialization load on first use (`torch.nn`,
# `import taimatsu.nn`): `import taimatsu` stays cheap for programs that need tensors only
_SUBMODULES = ("nn", "optim", "utils", "linalg", "serialization", "cuda", "backends",
               "fft", "distributions", "special", "func")
_FROM_SERIALIZATION = ("save", "load")
# torch.softmax and friends are nn.functional's (argument orders equal)
_FROM_FUNCTIONAL = ("dropout", "layer_norm", "group_norm",
                    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                    "conv_transpose3d", "pixel_shuffle", "pixel_unshuffle", "channel_shuffle",
                    "pdist")


def __getattr__(name):
    import importlib
    if name in _SUBMODULES:
        return importlib.import_module("." + name, __name__)
    if name in _FROM_SERIALIZATION:
        return getattr(importlib.import_module(".serialization", __name__), name)
    if name in _FROM_FUNCTIONAL:
        return getattr(importlib.import_module(".nn.functional", __name__), name)
    raise AttributeError(f"taimatsu does not implement torch.{name} yet")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES) | set(_FROM_SERIALIZATION)
                  | set(_FROM_FUNCTIONAL))


__version__ = "0.1.0"

# the public names are exactly those imported above (torch's names), plus the lazy ones
__all__ = sorted([name for name in globals() if not name.startswith("_")
                  and name not in ("annotations",)] + list(_SUBMODULES + _FROM_SERIALIZATION
                                                          + _FROM_FUNCTIONAL))
