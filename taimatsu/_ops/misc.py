"""Small functions about tensors rather than on them: type queries and shape algebra."""
from .. import _dtype as D
from .._backend import cpu
from .._tensor import Size, Tensor
from ._core import public

_host = cpu.xp  # numpy's integer scalars count as ints


@public
def result_type(tensor1, tensor2):
    return D.result_type(tensor1, tensor2)


@public
def is_tensor(obj):
    return isinstance(obj, Tensor)


@public
def is_floating_point(input):
    return input.is_floating_point()


@public
def is_complex(input):
    return input.is_complex()


@public
def is_nonzero(input):
    n = input.numel()
    if n != 1:
        which = "no values" if n == 0 else "more than one value"
        raise RuntimeError(f"Boolean value of Tensor with {which} is ambiguous")
    return bool(input.item())


@public
def numel(input):
    return input.numel()


@public
def broadcast_shapes(*shapes):
    shapes = [(s,) if isinstance(s, (int, _host.integer)) else tuple(s) for s in shapes]
    # torch's order: the result starts as ones of the longest length, each shape is merged
    # in from its last dimension, and the first mismatch is reported against the result
    result = [1] * max((len(s) for s in shapes), default=0)
    for index, shape in enumerate(shapes):
        for i in range(-1, -len(shape) - 1, -1):
            n = int(shape[i])
            if result[i] == 1:
                result[i] = n
            elif n != 1 and n != result[i]:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {n} at {i}! "
                                   f"Mismatching argument at index {index} had {shape}; but "
                                   f"expected shape should be broadcastable to {result}")
    return Size(result)
