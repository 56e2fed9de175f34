"""taimatsu: PyTorch's programming model in pure Python on NumPy.

    import taimatsu as torch
"""
from . import _dtype
# autograd first: it imports _tensor, whose op modules need autograd's graph
from . import autograd
from ._device import channels_last, contiguous_format, device, preserve_format, strided
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
from ._ops.elementwise import (abs, absolute, add, allclose, bitwise_and, bitwise_not,
                               bitwise_or, bitwise_xor, conj, cos, div, divide, eq, equal, exp,
                               float_power, floor_divide, ge, greater, greater_equal, gt,
                               isclose, isfinite, isinf, isnan, le, less, less_equal,
                               logical_and, logical_not, logical_or, logical_xor, log, lt, mul,
                               multiply, ne, neg, negative, not_equal, pow, relu, rsub, sgn,
                               sigmoid, sign, sin, sqrt, square, sub, subtract, tanh,
                               true_divide, where)
from ._ops.reduction import mean, sum
from ._ops.shape import (expand, flatten, permute, ravel, reshape,
                         squeeze, swapaxes, swapdims, t, transpose, unsqueeze)
from .autograd.grad_mode import (enable_grad, inference_mode, is_grad_enabled,
                                 is_inference_mode_enabled, no_grad, set_grad_enabled)
from ._dtype import result_type as _result_type


def result_type(tensor1, tensor2):
    return _result_type(tensor1, tensor2)


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_floating_point(input):
    return input.is_floating_point()


def is_complex(input):
    return input.is_complex()


def numel(input):
    return input.numel()


def broadcast_shapes(*shapes):
    from ._backend import numpy as _np
    try:
        return Size(_np.broadcast_shapes(*[(s,) if isinstance(s, int) else tuple(s)
                                           for s in shapes]))
    except ValueError:
        from ._ops._core import broadcast_error
        raise broadcast_error(*[tuple(s) for s in shapes[:2]]) from None


__version__ = "0.1.0"
