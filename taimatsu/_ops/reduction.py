"""Reductions: sum, mean, prod, max/min, std/var, norms, cumulative ops, sorting.

A reduction over `dim` keeps the reduced dims (keepdim) in its backward, so that
the incoming gradient can be expanded back over them.
"""
from .. import _dtype as D
from .._backend import ndarray
from .._backend import numpy as np
from .._tensor import Tensor, _wrap, _wrap_dim
from ..autograd.grad_mode import GradMode
from ..autograd.graph import Node
from ._core import record


def _dims(dim, ndim):
    """A reduction's `dim` argument as a sorted tuple of non-negative dims (None: all)."""
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        if len(dim) == 0:
            return None
        dims = tuple(sorted(_wrap_dim(d, ndim) for d in dim))
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"dim {dims[0]} appears multiple times in the list of dims")
        return dims
    return (_wrap_dim(dim, ndim),)


def _sum_dtype(np_dtype, dtype):
    """torch sums bool and integer tensors in int64 unless told otherwise."""
    if dtype is not None:
        return dtype._np
    if np_dtype.kind in "biu":
        return np.dtype(np.int64)
    return np_dtype


def _unsqueeze_to(grad, dims, keepdim, shape):
    """The gradient of a reduction, broadcast back to the input's shape."""
    if dims is None:
        return grad.reshape([1] * len(shape)).expand(shape) if shape else grad
    if not keepdim:
        for d in dims:
            grad = grad.unsqueeze(d)
    return grad.expand(shape)


class SumBackward0(Node):
    def backward(self, grad):
        return (grad.expand(self.shape),)


class SumBackward1(Node):
    def backward(self, grad):
        return (_unsqueeze_to(grad, self.dims, self.keepdim, self.shape),)


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    a = input._data
    dims = _dims(dim, a.ndim)
    acc = _sum_dtype(a.dtype, dtype)
    if dims is None:
        r = a.sum(dtype=acc)
        if keepdim and dim is not None:
            r = r.reshape((1,) * a.ndim)
    else:
        r = a.sum(axis=dims, dtype=acc, keepdims=keepdim)
    result = _wrap(r if type(r) is ndarray else np.asarray(r))
    if GradMode.enabled and input._requires_grad:
        if dim is None:
            record(SumBackward0, (input,), result, shape=a.shape)
        else:
            record(SumBackward1, (input,), result, dims=dims if dims else None, keepdim=keepdim,
                   shape=a.shape)
    return _out(out, result)


def _out(out, result):
    if out is None:
        return result
    out.resize_(result.shape)
    out.copy_(result)
    return out


class MeanBackward0(Node):
    def backward(self, grad):
        return (grad.expand(self.shape) / self.count,)


class MeanBackward1(Node):
    def backward(self, grad):
        return (_unsqueeze_to(grad, self.dims, self.keepdim, self.shape) / self.count,)


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    a = input._data
    if dtype is None and a.dtype.kind not in "fc":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {D.FROM_NUMPY[a.dtype]._legacy[:-6]}")
    if dtype is not None:
        a = a.astype(dtype._np)
    dims = _dims(dim, a.ndim)
    if dims is None:
        r = a.mean()
        if keepdim and dim is not None:
            r = r.reshape((1,) * a.ndim)
        count = a.size
    else:
        r = a.mean(axis=dims, keepdims=keepdim)
        count = 1
        for d in dims:
            count *= a.shape[d]
    result = _wrap(np.asarray(r, dtype=a.dtype))
    if GradMode.enabled and input._requires_grad:
        if dim is None:
            record(MeanBackward0, (input,), result, shape=a.shape, count=count)
        else:
            record(MeanBackward1, (input,), result, dims=dims, keepdim=keepdim, shape=a.shape,
                   count=count)
    return _out(out, result)


def sum_to_size(input, *size):
    """Sum `input` down to `size` (the shape it was broadcast from)."""
    shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    have = input._data.shape
    lead = len(have) - len(shape)
    if lead < 0:
        raise RuntimeError(f"size {{{', '.join(map(str, shape))}}} is not expandable to size "
                           f"{{{', '.join(map(str, have))}}}.")
    dims = list(range(lead))
    for i, s in enumerate(shape):
        if s == 1 and have[lead + i] != 1:
            dims.append(lead + i)
        elif s != have[lead + i]:
            raise RuntimeError(f"size {{{', '.join(map(str, shape))}}} is not expandable to "
                               f"size {{{', '.join(map(str, have))}}}.")
    if not dims:
        return input
    result = sum(input, dims, keepdim=True)
    if lead:
        result = result.view(shape)
    return result
