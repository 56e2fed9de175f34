"""Joining tensors: cat and stack, and the hstack/vstack/dstack/column_stack built on cat.

cat promotes the inputs to their common dtype; its backward hands each input its
slice of the gradient, as stack's hands each its index.
"""
import functools

from .. import _dtype as D
from .._tensor import Tensor, _wrap, _wrap_dim
from . import _layout
from ._core import Op, apply, backend_of, numpy_names, public, write_out
from ._core import xp_of as _xp_of


class CatBackward0(Op):
    """The inputs, promoted to `dtype`, joined along `dim`; `bounds` is each input's
    (start, stop) there ((None, None) for a skipped 1-d empty input)."""

    @staticmethod
    def forward(xp, *arrays, dim, dtype, bounds):
        arrays = [a if a.dtype == dtype else a.astype(dtype)
                  for a, (start, _) in zip(arrays, bounds) if start is not None]
        if not arrays:
            return xp.empty((0,), dtype)
        return _concatenate(arrays, dim)

    def backward(self, grad):
        xp = _xp_of(grad)
        head = (slice(None),) * self.dim
        grads = []
        for (start, stop), needed in zip(self.bounds, self._next):
            if needed is None:
                grads.append(None)
            elif start is None:
                grads.append(_wrap(xp.zeros((0,), grad._data.dtype)))
            else:
                grads.append(grad[head + (slice(start, stop),)])
        return tuple(grads)


class StackBackward0(Op):
    @staticmethod
    def forward(xp, *arrays, dim, dtype):
        arrays = [a if a.dtype == dtype else a.astype(dtype) for a in arrays]
        # torch stacks by cat of unsqueezed inputs, which suggest no channels-last format
        return _layout.contiguous(xp.stack(arrays, axis=dim))

    def backward(self, grad):
        head = (slice(None),) * self.dim
        return tuple(grad[head + (i,)] if needed is not None else None
                     for i, needed in enumerate(self._next))


def _check_list(name, tensors):
    if isinstance(tensors, Tensor):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        "not Tensor")
    tensors = list(tensors)
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(t).__name__}")
    return tensors


def _common_dtype(tensors):
    return functools.reduce(D.promote_types, [t.dtype for t in tensors])._np


def _is_legacy_empty(t):
    """torch.cat skips 1-d empty tensors whatever the other inputs' shapes."""
    return t._data.shape == (0,)


def cat(tensors, dim=0, *, out=None):
    tensors = _check_list("cat", tensors)
    backend_of(*tensors)  # the device check comes before the others, as torch orders them
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be "
                               "concatenated")
    dtype = _common_dtype(tensors)
    parts = [t for t in tensors if not _is_legacy_empty(t)]
    if not parts:
        d = 0
    else:
        ref = parts[0]._data.shape
        d = _wrap_dim(dim, len(ref))
        _check_shapes(tensors, ref, d)
    bounds, start = [], 0
    for t in tensors:
        if _is_legacy_empty(t):
            bounds.append((None, None))
        else:
            bounds.append((start, start + t._data.shape[d]))
            start += t._data.shape[d]
    result = apply(CatBackward0, *tensors, dim=d, dtype=dtype, bounds=bounds)
    return _write_out(out, result, tensors)


def _concatenate(arrays, d):
    """concatenate() laid out as torch.cat's result: channels-last where every input
    suggests that format, else contiguous (numpy would follow the inputs' order)."""
    xp = _xp_of(arrays[0])
    for a in arrays:
        if not a.flags.c_contiguous:
            break
    else:
        return xp.concatenate(arrays, axis=d)
    axes = _layout.suggest_axes(arrays[0])
    if axes is not None and any(_layout.suggest_axes(a) != axes for a in arrays[1:]):
        axes = None
    shape = list(arrays[0].shape)
    shape[d] = sum(a.shape[d] for a in arrays)
    out = _layout.empty(shape, arrays[0].dtype, axes, xp)
    return xp.concatenate(arrays, axis=d, out=out)


def _check_shapes(tensors, ref, d):
    for i, t in enumerate(tensors):
        shape = t._data.shape
        if _is_legacy_empty(t):
            continue
        if len(shape) != len(ref):
            raise RuntimeError(f"Tensors must have same number of dimensions: got {len(ref)} "
                               f"and {len(shape)}")
        for k, (want, got) in enumerate(zip(ref, shape)):
            if k != d and want != got:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. "
                                   f"Expected size {want} but got size {got} for tensor "
                                   f"number {i} in the list.")


def _write_out(out, result, tensors):
    """out= of cat and stack: within the dtype category, with cat's own error."""
    if out is not None and not D.can_cast(D.FROM_NUMPY[result._data.dtype], out.dtype):
        raise TypeError(f"torch.cat(): input types can't be cast to the desired output type "
                        f"{out.dtype._legacy[:-6]}")
    return write_out(out, result, tensors)


concat = concatenate = cat
# torch.cat and friends also take numpy's axis= (internal callers call these directly)
for _name in ("cat", "concat", "concatenate"):
    public(numpy_names(cat), name=_name)


def stack(tensors, dim=0, *, out=None):
    tensors = _check_list("stack", tensors)
    backend_of(*tensors)  # the device check comes before the others, as torch orders them
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    ref = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != ref:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(ref)} at entry 0 and {list(t._data.shape)} at entry {i}")
    d = _wrap_dim(dim, len(ref) + 1)
    result = apply(StackBackward0, *tensors, dim=d, dtype=_common_dtype(tensors))
    return _write_out(out, result, tensors)


public(numpy_names(stack), name="stack")


def _at_least(t, ndim):
    """atleast_1d/2d/3d as torch shapes them: (n,) -> (1, n) -> (1, n, 1); (m, n) -> (m, n, 1)."""
    shape = t._data.shape
    if len(shape) >= ndim:
        return t
    if ndim == 1 or len(shape) == 0:
        return t.reshape((1,) * ndim)
    if ndim == 2:
        return t.unsqueeze(0)
    return t.reshape((1,) + shape + (1,)) if len(shape) == 1 else t.unsqueeze(-1)


@public
def hstack(tensors, *, out=None):
    tensors = [_at_least(t, 1) for t in _check_list("hstack", tensors)]
    dim = 0 if tensors and tensors[0].dim() == 1 else 1
    return cat(tensors, dim, out=out)


@public
def vstack(tensors, *, out=None):
    return cat([_at_least(t, 2) for t in _check_list("vstack", tensors)], 0, out=out)


row_stack = public(vstack, name="row_stack")


@public
def dstack(tensors, *, out=None):
    return cat([_at_least(t, 3) for t in _check_list("dstack", tensors)], 2, out=out)


@public
def column_stack(tensors, *, out=None):
    columns = [t.reshape(t.numel(), 1) if t.dim() <= 1 else t
               for t in _check_list("column_stack", tensors)]
    return hstack(columns, out=out)
