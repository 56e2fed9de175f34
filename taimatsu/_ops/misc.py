"""Small functions about tensors rather than on them: type queries and shape algebra."""
from .. import _dtype as D
from .._backend import cpu
from .._tensor import Size, Tensor
from ._core import broadcast_shapes as _broadcast_shapes

_host = cpu.xp  # numpy's integer scalars count as ints


def result_type(tensor1, tensor2):
    return D.result_type(tensor1, tensor2)


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_floating_point(input):
    return input.is_floating_point()


def is_complex(input):
    return input.is_complex()


def is_nonzero(input):
    if input.numel() != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input.item())


def numel(input):
    return input.numel()


def broadcast_shapes(*shapes):
    shapes = [(s,) if isinstance(s, (int, _host.integer)) else tuple(s) for s in shapes]
    try:
        return Size(_broadcast_shapes(*shapes))
    except ValueError:
        from ._core import broadcast_error
        raise broadcast_error(*shapes[:2]) from None
