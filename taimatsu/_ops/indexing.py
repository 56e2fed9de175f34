"""Indexing: `t[...]`, `t[...] = v`, gather/scatter, index_select, masked ops, take.

Basic indexing (ints, slices, None, Ellipsis) returns a view; indexing with
tensors, lists or masks copies, as in torch.  The gradient of any index is the
incoming gradient put back at the indexed places (`IndexPutBackward`'s mirror).
"""
from .._backend import ndarray
from .._backend import numpy as np
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import GradMode
from ..autograd.graph import Node
from ._core import record
from .shape import make_view


def _convert_index(index, shape):
    """A torch index as a numpy index; also says whether it is basic (a view)."""
    if not isinstance(index, tuple):
        index = (index,)
    out = []
    basic = True
    dim = 0
    for item in index:
        if item is None or item is Ellipsis:
            out.append(item)
            continue
        if isinstance(item, bool):
            basic = False
            out.append(item)
        elif isinstance(item, (int, np.integer)):
            out.append(int(item))
            dim += 1
        elif isinstance(item, slice):
            if item.step is not None:
                step = item.step.item() if isinstance(item.step, Tensor) else item.step
                if step <= 0:
                    raise ValueError("step must be greater than zero")
            out.append(slice(*(s.item() if isinstance(s, Tensor) else s
                               for s in (item.start, item.stop, item.step))))
            dim += 1
        elif isinstance(item, Tensor):
            a = item._data
            if a.dtype.kind not in "biu":
                raise IndexError("tensors used as indices must be long, int, byte or bool "
                                 "tensors")
            if a.ndim == 0 and a.dtype.kind in "iu":
                out.append(int(a))
                dim += 1
                continue
            basic = False
            out.append(a)
            dim += a.ndim if a.dtype.kind == "b" else 1
        elif isinstance(item, (list, tuple, ndarray)):
            basic = False
            arr = np.asarray(item)
            if arr.dtype.kind not in "biu":
                if arr.size == 0:
                    arr = arr.astype(np.int64)
                else:
                    raise IndexError("tensors used as indices must be long, int, byte or bool "
                                     "tensors")
            out.append(arr)
            dim += 1
        else:
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or "
                             "byte Variables are valid indices (got "
                             f"{type(item).__name__})")
    return tuple(out), basic


def _check_bounds(index, shape):
    """torch's IndexError for an out-of-range integer index."""
    dim = 0
    consumed = sum(_dims_consumed(i) for i in index)
    for item in index:
        if item is None:
            continue
        if item is Ellipsis:
            dim += len(shape) - consumed
            continue
        if isinstance(item, int) and not isinstance(item, bool):
            if dim >= len(shape):
                raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
            size = shape[dim]
            if not -size <= item < size:
                raise IndexError(f"index {item} is out of bounds for dimension {dim} with size "
                                 f"{size}")
        elif isinstance(item, ndarray) and item.dtype.kind in "iu" and item.size:
            if dim < len(shape):
                size = shape[dim]
                hi, lo = item.max(), item.min()
                bad = hi if hi >= size else lo if lo < -size else None
                if bad is not None:
                    raise IndexError(f"index {bad} is out of bounds for dimension {dim} with "
                                     f"size {size}")
        if isinstance(item, ndarray) and item.dtype.kind == "b":
            dim += item.ndim
        else:
            dim += 1
    if dim > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")


def _dims_consumed(item):
    if item is None or item is Ellipsis:
        return 0
    if isinstance(item, ndarray) and item.dtype.kind == "b":
        return item.ndim
    return 1


class IndexBackward0(Node):
    def backward(self, grad):
        return (index_put_new(self.shape, self.index, grad),)


class SelectBackward0(IndexBackward0):
    pass


class SliceBackward0(IndexBackward0):
    pass


class UnsqueezeIndexBackward(IndexBackward0):
    pass


def getitem(input, index):
    a = input._data
    idx, basic = _convert_index(index, a.shape)
    _check_bounds(idx, a.shape)
    try:
        r = a[idx]
    except IndexError as e:
        raise IndexError(str(e)) from None
    if basic:
        result = make_view(input, r if type(r) is ndarray else np.asarray(r))
        if type(r) is not ndarray:
            result = make_view(input, a[idx + (Ellipsis,)] if Ellipsis not in idx else
                               np.asarray(r))
    else:
        result = _wrap(r if type(r) is ndarray else np.asarray(r))
    if GradMode.enabled and input._requires_grad:
        node = IndexBackward0
        if basic:
            if len(idx) == 1 and isinstance(idx[0], int):
                node = SelectBackward0
            elif all(isinstance(i, slice) for i in idx):
                node = SliceBackward0
            elif all(i is None for i in idx):
                from .shape import UnsqueezeBackward0
                node = UnsqueezeBackward0
                record(node, (input,), result, dim=0)
                return result
        record(node, (input,), result, shape=a.shape, index=idx)
    return result


class IndexPutNewBackward(Node):
    """The backward of the gradient-scattering op: gather the gradient back."""

    def backward(self, grad):
        return (getitem(grad, self.index),)


IndexPutNewBackward.__name__ = "IndexPutBackward0"


def index_put_new(shape, index, values):
    """zeros(shape) with `values` added at `index` (repeated indices accumulate)."""
    a = np.zeros(shape, dtype=values._data.dtype)
    v = values._data
    basic = all(i is None or i is Ellipsis or isinstance(i, (int, slice)) for i in index)
    if basic:
        a[index] += v
    else:
        np.add.at(a, index, v)
    result = _wrap(a)
    if GradMode.enabled and values._requires_grad:
        record(IndexPutNewBackward, (values,), result, index=index)
    return result


class CopySlices(Node):
    """Gradient of `t[index] = value`: zero at the overwritten places for t, the
    gathered gradient for value."""

    def backward(self, grad):
        index = self.index
        gt = gv = None
        if self._next[0] is not None:
            mask = np.ones(self.shape, dtype=bool)
            mask[index] = False
            gt = grad * _wrap(mask)
        if self._next[1] is not None:
            gv = getitem(grad, index)
            if gv._data.shape != self.value_shape:
                gv = gv.sum_to_size(self.value_shape) if len(self.value_shape) <= gv.dim() \
                    else gv.reshape(self.value_shape)
        return gt, gv


def setitem(input, index, value):
    from .copy import check_inplace
    from .inplace import _castable, _snapshot
    check_inplace(input)
    a = input._data
    idx, basic = _convert_index(index, a.shape)
    _check_bounds(idx, a.shape)
    tracked = GradMode.enabled and (input._requires_grad or
                                    getattr(value, "_requires_grad", False))
    old = _snapshot(input) if tracked else None
    if isinstance(value, Tensor):
        v = value._data
        _castable(input, np.result_type(v.dtype, a.dtype) if v.dtype.kind != a.dtype.kind
                  else a.dtype)
    else:
        v = value
    try:
        a[idx] = v
    except ValueError as e:
        target = np.shape(a[idx])
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(np.shape(v))} cannot "
                           f"be broadcast to indexing result of shape {list(target)}") from e
    input._bump_version()
    if tracked:
        input._grad_fn = None
        vshape = value._data.shape if isinstance(value, Tensor) else ()
        record(CopySlices, (old, value), input, shape=a.shape, index=idx, value_shape=vshape)
        input._output_nr = 0
