"""Indexing: `t[...]`, `t[...] = v`, gather/scatter, index_*, masked_*, take/put.

A torch index is applied in two stages, as torch does: first the basic part
(ints, slices, None, Ellipsis) as one view, then the advanced part (integer
tensors, lists, masks) on the remaining dims, with numpy's placement rules for
the advanced result dims.  Because ints act first, `x[0, :, [1, 2]]` has shape
(4, 2) for x of shape (3, 4, 5), where numpy would give (2, 4).

Every gradient here is built from these same ops (`index_put_new`, `gather`,
`scatter_add` ...), so gradients of gradients work.
"""
import warnings

from functools import partial

from .. import _dtype as D
from .._backend import backend_of_type, BY_ARRAY_TYPE, cpu, ndarray
from .._tensor import Tensor, _wrap, _wrap_dim
from ..autograd.grad_mode import GradMode
from ..autograd.graph import Node
from . import _layout
from ._core import NotImplementedOp, Op, apply, public
from ._core import broadcast_error, broadcast_shapes, record
from ._core import write_out
from ._core import xp_of as _xp_of
from .shape import (AliasBackward0, AsStridedBackward0, IndexUnsqueezeBackward, SelectBackward0,
                    SliceBackward0, _contiguous_strides, _embed, _restride, _strided,
                    basic_view, expand, flat_positions, make_view, reshape)
# out= with this family dtype rule (see _core.write_out)
_out = partial(write_out, dtype="same")

_host = cpu.xp  # host data (python lists, numpy arrays) entering an index
_INT64 = D.int64._np


def _ufunc_at(name, target, index, values):
    backend_of_type(type(target)).ufunc_at(name, target, index, values)

_INDEX_TYPES = ("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                "Variables are valid indices (got {})")
_INDEX_DTYPES = "tensors used as indices must be long, int, byte or bool tensors"

# the C++ names torch prints for a dtype in some messages
_CPP_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half",
              "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
              "uint8": "unsigned char", "bool": "bool", "complex64": "c10::complex<float>",
              "complex128": "c10::complex<double>"}


def _list(shape):
    return f"[{', '.join(map(str, shape))}]"


def _scalar_name(np_dtype):
    return D.from_numpy_dtype(np_dtype)._legacy[:-6]


# ---------------------------------------------------------------------------------------
# parsing an index

class _Index:
    """A torch index split into its basic part (a numpy basic index, or None when it
    is the identity) and its advanced part (a tuple of slices and int64 arrays over
    the dims left by the basic part, or None)."""

    __slots__ = ("basic", "advanced", "node")

    def __init__(self, basic, advanced, node):
        self.basic = basic
        self.advanced = advanced
        self.node = node


def _as_item(item, backend):
    """One index item in canonical form: None, Ellipsis, int, slice, ('mask', bool array),
    ('bool', python bool) or ('adv', int64 array), its arrays on `backend` (the indexed
    tensor's): host data is copied there, as are index tensors on the cpu (torch takes
    those for any device)."""
    if item is None or item is Ellipsis:
        return item
    t = type(item)
    if t is int:
        return item
    if t is slice:
        return _slice(item)
    if t is bool:
        return ("bool", item)
    if isinstance(item, Tensor):
        a = item._data
        if backend_of_type(type(a)) is not backend:
            if not item.is_cpu:
                raise RuntimeError("indices should be either on cpu or on the same device as "
                                   f"the indexed tensor ({backend.device})")
            a = backend.from_host(a)
        return _array_item(a, is_tensor=True)
    if isinstance(item, (int, _host.integer)):
        return int(item)
    if type(item) in BY_ARRAY_TYPE and type(item) is not ndarray:
        return _as_item(_wrap(item), backend)  # an array of a device (op code's own index)
    if isinstance(item, (list, tuple, range, ndarray)):  # (y[range(n), t], as tutorials do)
        if isinstance(item, (list, tuple)) and any(isinstance(i, Tensor) for i in item):
            item = [i._host() if isinstance(i, Tensor) else i for i in item]
        host = _host.asarray(item)
        # (a list, tuple or range is Python's own value; a numpy array is data)
        return _array_item(backend.from_host(host) if isinstance(item, ndarray)
                           else backend.constant(host), is_tensor=False)
    if isinstance(item, _host.bool_):
        return ("bool", bool(item))
    raise IndexError(_INDEX_TYPES.format(type(item).__name__))


def _slice(item):
    start, stop, step = (int(s) if s is not None else None
                         for s in (item.start, item.stop, item.step))
    if step == 0:
        raise ValueError("slice step cannot be zero")
    if step is not None and step < 0:
        raise ValueError("step must be greater than zero")
    return slice(start, stop, step)


def _array_item(a, is_tensor):
    kind = a.dtype.kind
    if kind == "b":
        return ("bool", bool(a)) if a.ndim == 0 else ("mask", a)
    if kind == "u" and a.dtype.itemsize == 1 and is_tensor:
        warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a dtype "
                      "torch.bool instead.", UserWarning, stacklevel=4)
        return ("bool", bool(a)) if a.ndim == 0 else ("mask", a.astype(bool))
    if kind in "iu":
        if a.ndim == 0 and is_tensor:
            return int(a)
        return ("adv", a.astype(_INT64, copy=False))
    if a.size == 0 and not is_tensor:
        return ("adv", a.astype(_INT64))
    raise IndexError(_INDEX_DTYPES)


def _consumed(item):
    if type(item) is tuple:
        kind, v = item
        return v.ndim if kind == "mask" else (0 if kind == "bool" else 1)
    if item is None or item is Ellipsis:
        return 0
    return 1


_FULL = slice(None)


def parse_index(index, shape, backend=cpu):
    """torch's index `index` on a tensor of `shape` on `backend`, checked, as an _Index."""
    lone_slice = type(index) is slice
    items = [_as_item(i, backend) for i in index] if type(index) is tuple \
        else [_as_item(index, backend)]
    ndim = len(shape)
    used = sum(_consumed(i) for i in items)
    if sum(i is Ellipsis for i in items) > 1:
        items, used = _expand_ellipses(items, used, ndim)
    if used > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    basic, advanced = [], {}
    dim = out_dim = 0
    n_adv = 0  # torch names an advanced index's dimension by its place among them
    node = None
    seen_ellipsis = False
    # torch checks advanced indices element by element as its kernel reads them: none when
    # the result is empty (a dim of size 0 that no index array addresses, or a basic slice
    # selecting nothing), where numpy still refuses them
    empty = False
    bounds = []
    indexed = set()
    for item in items:
        if type(item) is int:
            size = shape[dim]
            if not -size <= item < size:
                raise IndexError(f"index {item} is out of bounds for dimension {dim} with size "
                                 f"{size}")
            basic.append(item)
            dim += 1
            node = SelectBackward0
        elif type(item) is slice:
            basic.append(item)
            if dim < ndim and not len(range(*item.indices(shape[dim]))):
                empty = True
            if lone_slice or not _covers(item, shape[dim]):
                node = SliceBackward0
            dim += 1
            out_dim += 1
        elif item is None:
            basic.append(None)
            out_dim += 1
            node = IndexUnsqueezeBackward
        elif item is Ellipsis:
            if seen_ellipsis:
                raise IndexError("an index can only have a single ellipsis ('...')")
            seen_ellipsis = True
            n = ndim - used
            basic.extend([_FULL] * n)
            dim += n
            out_dim += n
        else:
            kind, value = item
            if kind == "bool":
                basic.append(None)
                node = IndexUnsqueezeBackward
                advanced[out_dim] = backend.xp.asarray([0] if value else [], dtype=_INT64)
                out_dim += 1
            elif kind == "mask":
                _check_mask(value, shape, dim)
                basic.extend([_FULL] * value.ndim)
                for j, arr in enumerate(backend.xp.nonzero(value)):
                    advanced[out_dim + j] = arr
                n_adv += value.ndim
                dim += value.ndim
                out_dim += value.ndim
            else:
                bounds.append((out_dim, value, shape[dim], n_adv))
                indexed.add(dim)
                n_adv += 1
                basic.append(_FULL)
                advanced[out_dim] = value
                dim += 1
                out_dim += 1
    empty = empty or any(n == 0 for d, n in enumerate(shape) if d not in indexed)
    for at, value, size, position in bounds:
        if not empty:
            _check_bounds(value, size, position)
        elif size and value.size and (int(value.max()) >= size or int(value.min()) < -size):
            advanced[at] = backend.xp.zeros_like(value)  # reads nothing: any valid index
    trivial = node is None and all(b == _FULL for b in basic)
    adv = None
    if advanced:
        _check_broadcast(advanced.values())
        adv = tuple(advanced.get(d, _FULL) for d in range(max(advanced) + 1))
    if trivial and adv is not None:
        return _Index(None, adv, None)
    return _Index(tuple(basic), adv, node or AliasBackward0)


def _covers(item, size):
    """A slice torch skips inside an index tuple (no SliceBackward0): from 0, step 1, to the
    end or past it (a negative start is not taken as 0)."""
    return (item.start is None or item.start == 0) and (item.step is None or item.step == 1) \
        and (item.stop is None or item.stop >= size)


def _expand_ellipses(items, used, ndim):
    """torch lets every ellipsis skip the dims the other items leave over; full slices past
    the last dim are harmless there, anything else past it is an index out of range."""
    n = max(ndim - used, 0)
    out = []
    for item in items:
        out.extend([_FULL] * n if item is Ellipsis else [item])
    used += n * sum(i is Ellipsis for i in items)
    while used > ndim and out and type(out[-1]) is slice and out[-1] == _FULL:
        out.pop()
        used -= 1
    return out, used


def _check_mask(mask, shape, dim):
    for j, s in enumerate(mask.shape):
        if dim + j >= len(shape) or shape[dim + j] != s:
            raise IndexError(f"The shape of the mask {_list(mask.shape)} at index {j} does not "
                             f"match the shape of the indexed tensor {_list(shape)} at index "
                             f"{dim + j}")


def _check_bounds(index, size, dim):
    if index.size:
        hi, lo = int(index.max()), int(index.min())
        if hi >= size or lo < -size:
            bad = hi if hi >= size else lo
            raise IndexError(f"index {bad} is out of bounds for dimension {dim} with size {size}")


def _check_broadcast(arrays):
    shapes = [a.shape for a in arrays]
    try:
        broadcast_shapes(*shapes)
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together "
                         f"with shapes {', '.join(_list(s) for s in shapes)}") from None


# ---------------------------------------------------------------------------------------
# reading: t[index]

class IndexBackward0(Op):
    """`input[index]` for an advanced numpy index (slices and integer arrays): a copy, laid
    out as torch lays it out; the gradient is added back at the index."""

    @staticmethod
    def forward(xp, a, index, shape):
        r = a[index]
        if not r.size:
            # numpy gives empty arrays zero strides; torch gives them contiguous ones
            return _strided(r, r.shape, _contiguous_strides(r.shape))
        if not a.flags.c_contiguous and r.ndim > 1:
            return _layout.in_order(r, _index_axes(a, index, r.shape))
        if not r.flags.c_contiguous:
            return xp.ascontiguousarray(r)
        if 1 in r.shape:
            # numpy's result may carry any stride on a size-1 dim; torch's are contiguous
            return _restride(r, _contiguous_strides(r.shape))
        return r

    def backward(self, grad):
        return (index_put_new(self.shape, grad._data.dtype, self.index, grad, True),)


def advanced_index(input, index):
    """`input[index]` for an advanced numpy index (slices and int arrays): a copy."""
    return apply(IndexBackward0, input, index=index, shape=input._data.shape)


def _index_axes(a, index, shape):
    """The layout (dims slowest first, None: C order) torch gives `a[index]`: its index
    kernel is a TensorIterator over `a` restrided (stride 0 along the index dims) and the
    index arrays (stride 0 along the others), `a` first.  None where the index holds
    anything but full slices and integer arrays."""
    items = list(index if type(index) is tuple else (index,))
    items += [slice(None)] * (a.ndim - len(items))
    arrays = [i for i, it in enumerate(items) if type(it) in BY_ARRAY_TYPE]
    if not arrays or len(items) != a.ndim or any(
            type(it) not in BY_ARRAY_TYPE and it != _FULL or type(it) in BY_ARRAY_TYPE
            and it.dtype.kind not in "iu" for it in items):
        return None
    item = a.itemsize
    bshape = broadcast_shapes(*[items[i].shape for i in arrays])
    if arrays != list(range(arrays[0], arrays[-1] + 1)):
        # indexed dims that are not adjacent go first, as numpy and torch both put them
        before, after = [], [d for d in range(a.ndim) if d not in arrays]
    else:
        before, after = list(range(arrays[0])), list(range(arrays[-1] + 1, a.ndim))
    n_b, n_a = len(bshape), len(after)
    src = [a.strides[d] // item for d in before] + [0] * n_b + \
        [a.strides[d] // item for d in after]
    operands = [src]
    for i in arrays:
        lead = [0] * len(before)
        operands.append(lead + _layout.element_strides(items[i], bshape) + [0] * n_a)
    axes = _layout.dim_order(shape, operands)
    return None if axes == sorted(axes) else axes


def getitem(input, index):
    a = input._data
    if type(index) is int and a.ndim:
        # x[i], the most common index: no parsing
        size = a.shape[0]
        if not -size <= index < size:
            raise IndexError(f"index {index} is out of bounds for dimension 0 with size {size}")
        result = make_view(input, a[index, ...])
        if input._requires_grad and GradMode.enabled:
            node = record(SelectBackward0, (input,), result)
            node.shape = a.shape
            node.index = (index,)
        return result
    if type(index) is Tensor and a.ndim:
        i = index._data
        if i.ndim and i.dtype.kind in "iu" and i.dtype.itemsize > 1:
            # x[indices], the usual embedding-style lookup: no parsing
            _check_bounds(i, a.shape[0], 0)
            return advanced_index(input, (i,))
    if a.ndim == 0 and type(index) is int:
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                         "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
    idx = parse_index(index, a.shape, input._backend)
    result = input
    if idx.basic is not None:
        result = basic_view(input, idx.basic, idx.node)
    if idx.advanced is not None:
        result = advanced_index(result, idx.advanced)
    return result


class IndexPutNewBackward(Op):
    """zeros(shape) with the values put at an advanced index (added, where `accumulate`):
    an advanced index's gradient.  Its own backward gathers the gradient back."""

    args = ("values",)
    fused = "index_put_ into a new zero tensor (an advanced index's gradient)"

    @staticmethod
    def forward(xp, v, shape, dtype, index, accumulate):
        out = xp.zeros(shape, dtype=dtype)
        if accumulate:
            _ufunc_at("add", out, index, v)
        else:
            out[index] = v
        return out

    def backward(self, grad):
        return (advanced_index(grad, self.index),)


IndexPutNewBackward.__name__ = "IndexPutBackward0"


def index_put_new(shape, dtype, index, values, accumulate=False):
    """zeros(shape) with `values` put at the advanced `index` (added when `accumulate`)."""
    return apply(IndexPutNewBackward, values, shape=shape, dtype=dtype, index=index,
                 accumulate=accumulate)


# ---------------------------------------------------------------------------------------
# writing: t[index] = value

def _write_region(a, basic, advanced, v, xp):
    """a[basic][advanced] = v, in place (v: an array of any shape that torch broadcasts to
    the region once leading size-1 dims are dropped, or a number)."""
    target = a[basic + (Ellipsis,)] if basic is not None else a
    if type(v) in BY_ARRAY_TYPE:
        if v.ndim:
            shape = _strip_ones(v.shape, len(_target_shape(target, advanced)))
            if shape != v.shape:
                v = v.reshape(shape)
        if v.dtype.kind == "c" and a.dtype.kind != "c":
            v = v.real
    if advanced is not None:
        target[advanced] = v
    else:
        xp.copyto(target, v, casting="unsafe")


class ZeroRegionBackward(Op):
    """A copy of the input with the region `[basic][advanced]` set to zero: the gradient
    of what an index write overwrote."""

    @staticmethod
    def forward(xp, a, basic, advanced):
        out = a.copy()
        _write_region(out, basic, advanced, 0, xp)
        return out

    def backward(self, grad):
        return (zero_region(grad, self.basic, self.advanced),)


def zero_region(input, basic, advanced):
    """A copy of `input` with the indexed region set to zero (differentiable)."""
    return apply(ZeroRegionBackward, input, basic=basic, advanced=advanced)


def region(input, basic, advanced):
    """input[basic][advanced], differentiably."""
    if basic is not None:
        input = basic_view(input, basic, AliasBackward0)
    if advanced is not None:
        input = advanced_index(input, advanced)
    return input


def _fit_value(grad, value_shape):
    """Reduce the region's gradient to the value's shape: the value may have had leading
    size-1 dims beyond the region's, which torch drops before broadcasting."""
    stripped = _strip_ones(value_shape, grad._data.ndim)
    if grad._data.shape != stripped:
        grad = grad.sum_to_size(stripped)
    if stripped != value_shape:
        grad = reshape(grad, value_shape)
    return grad


def _strip_ones(shape, ndim):
    shape = tuple(shape)
    while len(shape) > ndim and shape[0] == 1:
        shape = shape[1:]
    return shape


class CopySlices(Op):
    """`t[index] = value`: t's old value gets the gradient outside the region, the value
    the gradient inside it.  The write runs in place; the forward is its out-of-place
    value (what a replay computes)."""

    args = ("self", "src")

    def name(self):
        return "torch::autograd::CopySlices"

    @staticmethod
    def forward(xp, a, v, basic, advanced, value_shape):
        out = a.copy()
        _write_region(out, basic, advanced, v, xp)
        return out

    def backward(self, grad):
        gt = gv = None
        if self._next[0] is not None:
            gt = zero_region(grad, self.basic, self.advanced)
        if self._next[1] is not None:
            gv = _fit_value(region(grad, self.basic, self.advanced), self.value_shape)
        return gt, gv


def check_inplace_target(t):
    """torch's refusals of in-place ops on leaves that require grad and their views."""
    if not GradMode.enabled:
        return
    if t._requires_grad and t._grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")
    base = t._base
    if base is not None and base._requires_grad and base._grad_fn is None:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")


def _value_array(value, target_dtype, advanced, xp):
    """The value to store, as an array of `xp` (or a python scalar) of the target's
    dtype."""
    if isinstance(value, Tensor):
        v = value._data
        if advanced and v.dtype != target_dtype:
            raise RuntimeError(f"Index put requires the source and destination dtypes match, "
                               f"got {_scalar_name(target_dtype)} for the destination and "
                               f"{_scalar_name(v.dtype)} for the source.")
        if v.dtype.kind == "c" and target_dtype.kind != "c":
            v = v.real
        return v
    if isinstance(value, (bool, int, float, complex)):
        return value
    return xp.asarray(value, dtype=target_dtype)


def _target_shape(target, advanced):
    xp = _xp_of(target)
    if advanced is None:
        return target.shape
    return xp.empty(target.shape, dtype=bool)[advanced].shape


def _check_value_shape(vshape, tshape, advanced):
    stripped = _strip_ones(vshape, len(tshape))
    try:
        if len(stripped) > len(tshape) or broadcast_shapes(stripped, tshape) != tshape:
            raise ValueError
    except ValueError:
        if advanced is not None:
            raise RuntimeError(f"shape mismatch: value tensor of shape {_list(vshape)} cannot "
                               f"be broadcast to indexing result of shape {_list(tshape)}") \
                from None
        raise _expand_error(stripped, tshape) from None
    return stripped


def _expand_error(have, target):
    lead = len(target) - len(have)
    for i in range(len(have) - 1, -1, -1):
        if have[i] != 1 and have[i] != target[lead + i]:
            return RuntimeError(
                f"The expanded size of the tensor ({target[lead + i]}) must match the existing "
                f"size ({have[i]}) at non-singleton dimension {lead + i}.  Target sizes: "
                f"{_list(target)}.  Tensor sizes: {_list(have)}")
    return broadcast_error(have, target)


# expanded tensors are read-only numpy views: torch refuses to write them too
_OVERLAP_ERROR = RuntimeError(
    "unsupported operation: more than one element of the written-to tensor refers to a single "
    "memory location. Please clone() the tensor before performing the operation.")


def setitem(input, index, value):
    xp = _xp_of(input)
    a = input._data
    idx = parse_index(index, a.shape, input._backend)
    basic, advanced = idx.basic, idx.advanced
    if basic is not None and input._base is None and input._grad_fn is None \
            and input._requires_grad and GradMode.enabled:
        # torch writes through a view of the leaf
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")
    check_inplace_target(input)
    target = a[basic + (Ellipsis,)] if basic is not None else a
    vshape = value._data.shape if isinstance(value, Tensor) else _host.shape(value)
    stripped = vshape
    if vshape:
        stripped = _check_value_shape(vshape, _target_shape(target, advanced), advanced)
    xp = input._xp
    v = _value_array(value, a.dtype, advanced is not None and _index_put_dtype_strict(index, value),
                     xp)
    if stripped != vshape:
        v = v.reshape(stripped)
    if not a.flags.writeable:
        if advanced is None:
            raise _OVERLAP_ERROR
        alias = _expanded_target(a, *_PUT_EXPANDED, stacklevel=3)
        target = alias[basic + (Ellipsis,)] if basic is not None else alias
    if advanced is not None:
        target[advanced] = v
    else:
        xp.copyto(target, v, casting="unsafe")
    input._bump_version()
    value_grad = isinstance(value, Tensor) and value._requires_grad
    if GradMode.enabled and (input._requires_grad or value_grad
                             or _base_requires_grad(input)):
        whole = target.shape == a.shape and target.strides == a.strides
        _record_setitem(input, basic, advanced, value if isinstance(value, Tensor) else v,
                        whole)


def _index_put_dtype_strict(index, value):
    """Whether torch's index_put_ refuses a value of another dtype: it does, except where
    the write becomes masked_fill_ (one boolean mask, one value) or a plain copy (python
    bools index as `None` does)."""
    items = index if isinstance(index, tuple) else (index,)
    tensors = [i for i in items if isinstance(i, (Tensor, list, ndarray))]
    if not tensors:
        return False
    if len(tensors) == 1 and isinstance(tensors[0], Tensor) and tensors[0]._data.ndim \
            and tensors[0]._data.dtype.kind == "b":
        return not isinstance(value, Tensor) or value._data.size != 1
    return True


def _base_requires_grad(t):
    return t._base is not None and t._base._requires_grad


def _record_setitem(input, basic, advanced, value, whole=False):
    """`value`: the tensor written, or the number or array (without an edge)."""
    from .copy import _history, rebase
    vshape = value._data.shape if isinstance(value, Tensor) else ()
    if input._base is None:
        node_cls = CopySlices
        if whole:
            # torch writes the tensor itself, not a view of it: index_put_, fill_ or copy_
            if advanced is None and not vshape:
                from .copy import FillBackward3
                rebase(input, FillBackward3, (_history(input), value))
                return
            node_cls = _IndexPutSetitem if advanced is not None else _CopySetitem
        rebase(input, node_cls, (_history(input), value), basic=basic, advanced=advanced,
               value_shape=vshape)
        return
    # the view's new value, as a function of its old value and the value written
    result = _wrap(input._data)
    record(CopySlices, (_history(input), value), result, basic=basic, advanced=advanced,
           value_shape=vshape)
    rebase_view(input, result)


class _IndexPutSetitem(CopySlices):
    fused = "t[index] = value written to all of t: torch's index_put_"


class _CopySetitem(CopySlices):
    fused = "t[...] = value written to all of t: torch's copy_"


for _cls, _name in ((_IndexPutSetitem, "IndexPutBackward0"), (_CopySetitem, "CopyBackwards")):
    _cls.__name__ = _cls.__qualname__ = _name
    _cls.name = Node.name


class _BaseCopySlices(CopySlices):
    """A base whose view was modified in place: the gradient outside the view flows to the
    base's old value, the gradient inside it to the view's new value."""

    fused = "CopySlices of a view given by its flat positions in the base"

    @staticmethod
    def forward(xp, b, r, positions, shape):
        out = b.copy(order="C")  # positions are C-order flat indices
        out.reshape(-1)[positions] = r
        return out

    def backward(self, grad):
        flat = reshape(grad, -1)
        gb = gr = None
        if self._next[0] is not None:
            gb = reshape(zero_region(flat, None, (self.positions,)), self.shape)
        if self._next[1] is not None:
            gr = advanced_index(flat, (self.positions,))
        return gb, gr


_BaseCopySlices.__name__ = _BaseCopySlices.__qualname__ = "CopySlices"


def rebase_view(view, result):
    """`view`'s memory now holds `result` (whose history is the in-place op): give the base
    that history at the view's place, and the view a history through the base, as torch
    rebases views modified in place."""
    from .copy import _history, rebase
    base = view._base
    positions = flat_positions(view, base)
    rebase(base, _BaseCopySlices, (_history(base), result), positions=positions,
           shape=base._data.shape)
    view._grad_fn = None
    record(AsStridedBackward0, (base,), view, out_pos=positions, span=base._data.size,
           shape=base._data.shape)
    view._output_nr = 0
    view._view_version = view._vc[0]


def regenerate_view(view):
    """A view's history after its storage changed under it: its place in the base."""
    base = view._base
    view._grad_fn = None
    record(AsStridedBackward0, (base,), view, out_pos=flat_positions(view, base),
           span=base._data.size, shape=base._data.shape)
    view._output_nr = 0


def adopt_inplace(self, result):
    """`self`'s array was overwritten with `result`'s value: self takes result's history
    (or, for a view, its base is rebased)."""
    if self._base is not None:
        rebase_view(self, result)
        return self
    node = result._grad_fn
    self._grad_fn = node
    self._output_nr = result._output_nr
    self._requires_grad = result._requires_grad
    return self


def run_inplace(self, outofplace, write, args, tensors, expanded=None):
    """An in-place index op: written straight into self's array when no graph is built;
    otherwise computed out of place on a snapshot and adopted (torch rebases too).
    `expanded` (op name, example) for the ops torch lets write an expanded tensor."""
    xp = self._xp
    check_inplace_target(self)
    a = self._data
    if not a.flags.writeable:
        if expanded is None:
            raise _OVERLAP_ERROR
        a = _expanded_target(a, *expanded)
    tracked = GradMode.enabled and (self._requires_grad or _base_requires_grad(self) or any(
        t is not None and t._requires_grad for t in tensors))
    if not tracked:
        write(a, *args)
        self._bump_version()
        return self
    from .inplace import _snapshot
    result = outofplace(_snapshot(self), *args)
    if a is self._data:
        xp.copyto(a, result._data)
    else:
        write(a, *args)  # the aliased elements as torch leaves them in memory
    self._bump_version()
    return adopt_inplace(self, result)


def _expanded_target(a, op, example, stacklevel=4):
    """A writable alias of the read-only array of an expanded tensor: torch still writes
    such a tensor's memory in index_put_ and masked_fill_ (each aliased element ends up with
    the last write, or with every accumulation), with a deprecation warning."""
    alias = backend_of_type(type(a)).writable_alias(a)
    if alias is None:
        raise _OVERLAP_ERROR
    warnings.warn(f"Use of {op} on expanded tensors is deprecated. Please clone() the tensor "
                  "before performing this operation. This also applies to advanced indexing "
                  f"e.g. {example}", UserWarning, stacklevel=stacklevel)
    return alias


_PUT_EXPANDED = ("index_put_", "tensor[indices] = tensor")
_FILL_EXPANDED = ("masked_fill_", "tensor[mask] = scalar")


# ---------------------------------------------------------------------------------------
# index arguments

def _index_array(index, op, dtypes="int64"):
    a = index._data if isinstance(index, Tensor) else _host.asarray(index)
    if a.dtype.kind not in "iu":
        if dtypes == "int64":
            raise RuntimeError(f"{op}(): Expected dtype int64 for index")
        raise RuntimeError(f"{op}(): Expected dtype int32 or int64 for index")
    return a.astype(_INT64, copy=False)


def _same_dtype(a, b, message):
    if a.dtype != b.dtype:
        raise RuntimeError(message)


def _open_mesh(index, dim):
    """The full numpy index addressing, for each element of `index`, the element of the
    target at (its own position, with `dim` replaced by its value)."""
    nd = index.ndim
    out = []
    for d in range(nd):
        if d == dim:
            out.append(index)
        else:
            shape = [1] * nd
            shape[d] = index.shape[d]
            out.append(_xp_of(index).arange(index.shape[d]).reshape(shape))
    return tuple(out)


def _prefix(a, shape):
    """a's leading block of `shape` (index tensors may be smaller than what they index)."""
    if a.shape == tuple(shape):
        return a
    return a[tuple(slice(0, s) for s in shape)]


def _check_gather_like(self_shape, index, dim, op, src_shape=None):
    nd = len(self_shape)
    if index.ndim != nd and not (nd <= 1 and index.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as "
                           f"{'input' if op == 'gather' else 'self'} tensor")
    for d in range(index.ndim if nd else 0):
        too_big = d != dim and index.shape[d] > self_shape[d]
        if op == "gather" and too_big:
            raise RuntimeError(f"Size does not match at dimension {d} expected index "
                               f"{_list(index.shape)} to be no larger than self "
                               f"{_list(self_shape)} apart from dimension {dim}")
        if src_shape is not None and (too_big or (len(src_shape) == index.ndim
                                                  and index.shape[d] > src_shape[d])):
            raise RuntimeError(f"Expected index {_list(index.shape)} to be no larger than self "
                               f"{_list(self_shape)} apart from dimension {dim} and to be no "
                               f"larger size than src {_list(src_shape)}")
        if too_big:
            raise RuntimeError(f"Expected index {_list(index.shape)} to be no larger than self "
                               f"{_list(self_shape)} apart from dimension {dim}")
    size = self_shape[dim] if nd else 1
    if index.size:
        hi, lo = int(index.max()), int(index.min())
        if hi >= size or lo < 0:
            raise RuntimeError(f"index {hi if hi >= size else lo} is out of bounds for "
                               f"dimension {dim} with size {size}")


# ---------------------------------------------------------------------------------------
# gather and scatter

class GatherBackward0(Op):
    """input's elements at `index` along `dim`; the backward reads the index."""

    args = ("self", "index")
    nondifferentiable = ("index",)
    saves = ("index",)

    @staticmethod
    def forward(xp, a, idx, dim, shape):
        if a.ndim == 0:
            return a.reshape(1)[idx].reshape(idx.shape)
        return xp.take_along_axis(_prefix(a, idx.shape[:dim] + a.shape[dim:dim + 1]
                                          + idx.shape[dim + 1:]), idx, dim)

    def backward(self, grad):
        (index,) = self.saved()
        zeros = _wrap(grad._xp.zeros(self.shape, dtype=grad._data.dtype))
        return (scatter_add(zeros, self.dim, index, grad),)


@public
def gather(input, dim, index, *, sparse_grad=False, out=None):
    a = input._data
    dim = _wrap_dim(dim, a.ndim)
    idx = _index_array(index, "gather")
    _check_gather_like(a.shape, idx, dim, "gather")
    index = _index_input(index, idx)
    return _out(out, apply(GatherBackward0, input, index, dim=dim, shape=a.shape))




def _scatter_write(out, dim, idx, src, reduce):
    mesh = _open_mesh(idx, dim) if out.ndim else (idx,)
    target = out if out.ndim else out.reshape(1)
    if type(src) in BY_ARRAY_TYPE and src.ndim:
        src = _prefix(src, idx.shape)
    if reduce is None:
        target[mesh] = src
    elif reduce == "add":
        _ufunc_at("add", target, mesh, src)
    else:
        _ufunc_at("multiply", target, mesh, src)


def _index_input(index, idx):
    """The index tensor an op takes as an input without an edge: `index` itself, or its
    int64 array when it had to be converted."""
    return index if isinstance(index, Tensor) and index._data is idx else _wrap(idx)


class _Indexed(Op):
    """An op writing src's elements into a copy of input at an index (an input without an
    edge, saved for the backward: torch's nodes save it too)."""

    args = ("self", "index", "src")
    nondifferentiable = ("index",)
    saves = ("index",)


class ScatterBackward0(_Indexed):
    """input with src's elements written at `index` along `dim`."""

    @staticmethod
    def forward(xp, a, idx, src, dim, src_shape):
        r = a.copy()
        _scatter_write(r, dim, idx, src, None)
        return r

    def backward(self, grad):
        (index,) = self.saved()
        gs = gsrc = None
        if self._next[0] is not None:
            gs = scatter(grad, self.dim, index, 0.0)
        if self._next[1] is not None:
            gsrc = _pad_to(gather(grad, self.dim, index), self.src_shape)
        return gs, gsrc


def _pad_to(grad, shape):
    """An index-shaped gradient of a src that may be larger than the index."""
    if grad._data.shape == tuple(shape):
        return grad
    return _embed(tuple(shape), [(tuple(slice(0, s) for s in grad._data.shape), grad)])


class ScatterBackward1(Op):
    """input with a number written at `index` along `dim`."""

    args = ("self", "index")
    nondifferentiable = ("index",)
    saves = ("index",)

    @staticmethod
    def forward(xp, a, idx, dim, value):
        r = a.copy()
        _scatter_write(r, dim, idx, value, None)
        return r

    def backward(self, grad):
        (index,) = self.saved()
        return (scatter(grad, self.dim, index, 0.0),)


class ScatterReduceNotImplemented(NotImplementedOp):
    """scatter with reduce= (src a tensor or a number): torch has no derivative for it."""

    args = ("self", "index", "src")
    nondifferentiable = ("index",)
    aten = "scatter"

    @staticmethod
    def forward(xp, a, idx, src, dim, reduce):
        r = a.copy()
        _scatter_write(r, dim, idx, src, reduce)
        return r


def _scatter_args(input, dim, index, src, value, reduce, op):
    a = input._data
    dim = _wrap_dim(dim, a.ndim)
    idx = _index_array(index, op)
    if src is None:
        src = value
    if isinstance(src, Tensor):
        if src._data.dtype != a.dtype:
            raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype")
        _check_gather_like(a.shape, idx, dim, op, src._data.shape)
    else:
        _check_gather_like(a.shape, idx, dim, op)
    if reduce not in (None, "add", "multiply"):
        raise RuntimeError(f"reduce argument must be either add or multiply, got {reduce}")
    return dim, idx, src


def _scatter_data(src):
    return src._data if isinstance(src, Tensor) else src


@public(inplace="method")
def scatter(input, dim, index, src=None, value=None, *, reduce=None, out=None):
    dim, idx, src = _scatter_args(input, dim, index, src, value, reduce, "scatter")
    index = _index_input(index, idx)
    if reduce is not None:
        result = apply(ScatterReduceNotImplemented, input, index, src, dim=dim, reduce=reduce)
    elif isinstance(src, Tensor):
        result = apply(ScatterBackward0, input, index, src, dim=dim,
                       src_shape=src._data.shape)
    else:
        result = apply(ScatterBackward1, input, index, dim=dim, value=src)
    return _out(out, result)


def scatter_(self, dim, index, src=None, value=None, *, reduce=None):
    dim_w, idx, src_v = _scatter_args(self, dim, index, src, value, reduce, "scatter_")
    return run_inplace(
        self, lambda s: scatter(s, dim, index, src, value, reduce=reduce),
        lambda a: _scatter_write(a, dim_w, idx, _scatter_data(src_v), reduce), (),
        [src_v if isinstance(src_v, Tensor) else None])


class ScatterAddBackward0(_Indexed):
    """input with src's elements added at `index` along `dim`."""

    @staticmethod
    def forward(xp, a, idx, src, dim, src_shape):
        r = a.copy()
        _scatter_write(r, dim, idx, src, "add")
        return r

    def backward(self, grad):
        gsrc = None
        if self._next[1] is not None:
            (index,) = self.saved()
            gsrc = _pad_to(gather(grad, self.dim, index), self.src_shape)
        return grad, gsrc


@public(inplace="method")
def scatter_add(input, dim, index, src, *, out=None):
    dim, idx, src = _scatter_args(input, dim, index, src, None, None, "scatter_add")
    return _out(out, apply(ScatterAddBackward0, input, _index_input(index, idx), src, dim=dim,
                           src_shape=src._data.shape))


def scatter_add_(self, dim, index, src):
    dim_w, idx, _ = _scatter_args(self, dim, index, src, None, None, "scatter_add_")
    return run_inplace(self, lambda s: scatter_add(s, dim, index, src),
                       lambda a: _scatter_write(a, dim_w, idx, src._data, "add"), (), [src])


_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


def _identity(reduce, dtype):
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -_host.inf if reduce == "amax" else _host.inf
    if dtype.kind == "b":
        return reduce != "amax"
    info = _host.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


_UFUNCS = {"sum": "add", "mean": "add", "prod": "multiply", "amax": "maximum",
           "amin": "minimum"}


def _scatter_reduce_write(out, dim, idx, src, reduce, include_self):
    xp = _xp_of(src)
    mesh = _open_mesh(idx, dim) if out.ndim else (idx,)
    target = out if out.ndim else out.reshape(1)
    src = _prefix(src, idx.shape) if src.ndim else src.reshape(1)
    if not include_self:
        target[mesh] = _identity(reduce, out.dtype)
    _ufunc_at(_UFUNCS[reduce], target, mesh, src)
    if reduce == "mean":
        count = xp.full(target.shape, 1 if include_self else 0, dtype=_INT64)
        _ufunc_at("add", count, mesh, 1)
        scattered = count > 0
        if out.dtype.kind in "fc":
            target[scattered] /= count[scattered]
        else:
            target[scattered] //= count[scattered]


class ScatterReduceBackward0(Op):
    """input with src's elements reduced into it at `index` along `dim` (sum, prod, mean,
    amax, amin; with or without input's own values)."""

    args = ("self", "index", "src")
    nondifferentiable = ("index",)
    saves = ("self", "index", "src", "result")

    @staticmethod
    def forward(xp, a, idx, src, dim, reduce, include_self):
        r = a.copy()
        _scatter_reduce_write(r, dim, idx, src, reduce, include_self)
        return r

    def backward(self, grad):
        self_, index, src, result = self.saved()
        gs, gsrc = _SCATTER_REDUCE_GRADS[self.reduce](self, grad, self_, src, result, index)
        if self._next[1] is None:
            gsrc = None
        elif gsrc is not None:
            gsrc = _pad_to(gsrc, src._data.shape)
        return gs if self._next[0] is not None else None, gsrc


def _scattered_mask(node, like, index):
    """Where some src element was scattered to (a constant)."""
    hit = like._xp.zeros(like._data.shape, dtype=bool)
    target = hit if hit.ndim else hit.reshape(1)
    target[_open_mesh(index._data, node.dim) if hit.ndim else (index._data,)] = True
    return _wrap(hit)


def _grad_sum(node, grad, self_, src, result, index):
    gs = grad if node.include_self else grad.masked_fill(_scattered_mask(node, grad, index), 0)
    return gs, gather(grad, node.dim, index)


def _count(node, grad, index):
    """How many values each output of a mean reduction averaged (a constant, at least 1)."""
    xp = _xp_of(grad)
    count = xp.full(grad._data.shape, 1 if node.include_self else 0, dtype=grad._data.dtype)
    target = count if count.ndim else count.reshape(1)
    idx = index._data
    _ufunc_at("add", target, _open_mesh(idx, node.dim) if count.ndim else (idx,), 1)
    return _wrap(xp.maximum(count, 1))


def _grad_mean(node, grad, self_, src, result, index):
    scaled = grad / _count(node, grad, index)
    gs = scaled if node.include_self else \
        scaled.masked_fill(_scattered_mask(node, grad, index), 0)
    return gs, gather(scaled, node.dim, index)


def _src_part(src, index):
    return src[tuple(slice(0, s) for s in index._data.shape)]


def _grad_extreme(node, grad, self_, src, result, index):
    # the gradient is shared evenly between the elements equal to the result
    self_hit = (self_ == result)
    if not node.include_self:
        self_hit = self_hit.logical_and(_scattered_mask(node, grad, index).logical_not())
    src_hit = _src_part(src, index) == gather(result, node.dim, index)
    dt = D.FROM_NUMPY[grad._data.dtype]
    count = scatter_add(self_hit.to(dt), node.dim, index, src_hit.to(dt))
    share = grad / count
    gs = share.masked_fill(self_hit.logical_not(), 0)
    gsrc = gather(share, node.dim, index).masked_fill(src_hit.logical_not(), 0)
    return gs, gsrc


def _grad_prod(node, grad, self_, src, result, index):
    # the quotient form: valid where the factors are nonzero
    gr = grad * result
    if node.include_self:
        gs = gr / self_
    else:
        gs = grad.masked_fill(_scattered_mask(node, grad, index), 0)
    return gs, gather(gr, node.dim, index) / _src_part(src, index)


_SCATTER_REDUCE_GRADS = {"sum": _grad_sum, "mean": _grad_mean, "amax": _grad_extreme,
                         "amin": _grad_extreme, "prod": _grad_prod}


def _scatter_reduce_args(input, dim, index, src, reduce, op):
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, "
                           f"got {reduce}")
    return _scatter_args(input, dim, index, src, None, None, op)


@public(inplace="method")
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    dim, idx, src = _scatter_reduce_args(input, dim, index, src, reduce, "scatter_reduce")
    return _out(out, apply(ScatterReduceBackward0, input, _index_input(index, idx), src,
                           dim=dim, reduce=reduce, include_self=include_self))


def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
    dim_w, idx, _ = _scatter_reduce_args(self, dim, index, src, reduce, "scatter_reduce_")
    return run_inplace(
        self, lambda s: scatter_reduce(s, dim, index, src, reduce, include_self=include_self),
        lambda a: _scatter_reduce_write(a, dim_w, idx, src._data, reduce, include_self), (),
        [src])


# ---------------------------------------------------------------------------------------
# index_select, index_add, index_copy, index_fill, index_put

def _vector_index(index, op, ndim_error):
    idx = _index_array(index, op, "int32 or int64")
    if idx.ndim > 1:
        raise IndexError(ndim_error)
    return idx.reshape(-1)


class IndexSelectBackward0(Op):
    """input's slices at the (vector) index along `dim`; the backward reads the index."""

    args = ("self", "index")
    nondifferentiable = ("index",)
    saves = ("index",)

    @staticmethod
    def forward(xp, a, idx, dim, shape):
        return xp.take(a, idx, axis=dim) if a.ndim else a.reshape(1)[idx].reshape(())

    def backward(self, grad):
        (index,) = self.saved()
        zeros = _wrap(grad._xp.zeros(self.shape, dtype=grad._data.dtype))
        return (index_add(zeros, self.dim, index, grad),)


@public
def index_select(input, dim, index, *, out=None):
    a = input._data
    dim = _wrap_dim(dim, a.ndim)
    idx = _vector_index(index, "index_select", "index_select(): Index is supposed to be a "
                                               "vector")
    size = a.shape[dim] if a.ndim else 1
    if idx.size and (idx.max() >= size or idx.min() < -size):
        raise IndexError("index out of range in self")
    index = _index_input(index, idx)
    return _out(out, apply(IndexSelectBackward0, input, index, dim=dim, shape=a.shape))


def _index_source_args(self, dim, index, source, op):
    a = self._data
    dim = _wrap_dim(dim, a.ndim)
    idx = _index_array(index, op, "int32 or int64")
    if idx.ndim > 1:
        raise IndexError(f"{op}(): Index is supposed to be a vector")
    idx = idx.reshape(-1)
    s = source._data
    if s.dtype != a.dtype:
        raise RuntimeError(f"{op}(): self ({_scalar_name(a.dtype)}) and source "
                           f"({_scalar_name(s.dtype)}) must have the same scalar type")
    ssize = s.shape[dim] if s.ndim else 1
    if idx.size != ssize:
        if op == "index_add_":
            raise RuntimeError(f"index_add_(): Number of indices ({idx.size}) should be equal "
                               f"to source.size(dim): ({ssize}), for dim: {dim}")
        raise IndexError(f"{op}(): Number of indices ({idx.size}) should be equal to "
                         f"source.size(dim) ({ssize})")
    _check_bounds(idx, a.shape[dim] if a.ndim else 1, dim)
    return dim, idx


def _index_add_write(a, dim, idx, src, alpha):
    if alpha != 1:
        src = src * alpha
    if a.ndim == 0:
        a[...] += src.reshape(())
    else:
        _ufunc_at("add", a, _dim_index(dim, idx), src)


def _dim_index(dim, item):
    return (slice(None),) * dim + (item,)


class IndexAddBackward0(_Indexed):
    """input with source's slices (times alpha) added at the vector `index` along `dim`."""

    args = ("self", "index", "source")

    @staticmethod
    def forward(xp, a, idx, src, dim, alpha, source_shape):
        r = a.copy()
        _index_add_write(r, dim, idx, src, alpha)
        return r

    def backward(self, grad):
        gsrc = None
        if self._next[1] is not None:
            (index,) = self.saved()
            gsrc = index_select(grad, self.dim, index)
            if self.alpha != 1:
                gsrc = gsrc * self.alpha
            gsrc = reshape(gsrc, self.source_shape)
        return grad, gsrc


@public(inplace="method")
def index_add(input, dim, index, source, *, alpha=1, out=None):
    dim, idx = _index_source_args(input, dim, index, source, "index_add_")
    return _out(out, apply(IndexAddBackward0, input, _index_input(index, idx), source, dim=dim,
                           alpha=alpha, source_shape=source._data.shape))


def index_add_(self, dim, index, source, *, alpha=1):
    dim_w, idx = _index_source_args(self, dim, index, source, "index_add_")
    return run_inplace(self, lambda s: index_add(s, dim, index, source, alpha=alpha),
                       lambda a: _index_add_write(a, dim_w, idx, source._data, alpha), (),
                       [source])


class IndexCopyBackward0(_Indexed):
    """input with source's slices written at the vector `index` along `dim`."""

    args = ("self", "index", "source")

    @staticmethod
    def forward(xp, a, idx, src, dim, source_shape):
        r = a.copy()
        _index_copy_write(r, dim, idx, src)
        return r

    def backward(self, grad):
        (index,) = self.saved()
        gs = gsrc = None
        if self._next[0] is not None:
            gs = index_fill(grad, self.dim, index, 0)
        if self._next[1] is not None:
            gsrc = reshape(index_select(grad, self.dim, index), self.source_shape)
        return gs, gsrc


def _index_copy_write(a, dim, idx, src):
    if a.ndim == 0:
        a[...] = src.reshape(())
    else:
        a[_dim_index(dim, idx)] = src


@public(inplace="method")
def index_copy(input, dim, index, source, *, out=None):
    dim, idx = _index_source_args(input, dim, index, source, "index_copy_")
    return _out(out, apply(IndexCopyBackward0, input, _index_input(index, idx), source,
                           dim=dim, source_shape=source._data.shape))


def index_copy_(self, dim, index, source):
    dim_w, idx = _index_source_args(self, dim, index, source, "index_copy_")
    return run_inplace(self, lambda s: index_copy(s, dim, index, source),
                       lambda a: _index_copy_write(a, dim_w, idx, source._data), (), [source])


class IndexFillBackward0(Op):
    """input with a number written at the vector `index` along `dim`."""

    args = ("self", "index")
    nondifferentiable = ("index",)
    saves = ("index",)

    @staticmethod
    def forward(xp, a, idx, dim, value):
        r = _layout.preserve_copy(a)  # torch clones, keeping the layout
        _index_fill_write(r, dim, idx, value)
        return r

    def backward(self, grad):
        (index,) = self.saved()
        return (index_fill(grad, self.dim, index, 0),)


class IndexFillBackward1(Op):
    """input with a 0-d tensor's value written at the vector `index` along `dim`."""

    args = ("self", "index", "value")
    nondifferentiable = ("index",)
    saves = ("index",)

    @staticmethod
    def forward(xp, a, idx, v, dim):
        r = _layout.preserve_copy(a)
        _index_fill_write(r, dim, idx, v)
        return r

    def backward(self, grad):
        (index,) = self.saved()
        gs = gv = None
        if self._next[0] is not None:
            gs = index_fill(grad, self.dim, index, 0)
        if self._next[1] is not None:
            gv = index_select(grad, self.dim, index).sum()
        return gs, gv


def _index_fill_args(self, dim, index, value):
    a = self._data
    dim = _wrap_dim(dim, a.ndim)
    idx = _vector_index(index, "index_fill_", "Index has to be a vector/scalar")
    _check_bounds(idx, a.shape[dim] if a.ndim else 1, dim)
    if isinstance(value, Tensor) and value._data.ndim:
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value._data.ndim} dimension(s).")
    return dim, idx


def _index_fill_write(a, dim, idx, value):
    v = value._data if isinstance(value, Tensor) else value  # (an array, or a number)
    if a.ndim == 0:
        if idx.size:
            a[...] = v
    else:
        a[_dim_index(dim, idx)] = v


@public(inplace="method")
def index_fill(input, dim, index, value):
    dim, idx = _index_fill_args(input, dim, index, value)
    index = _index_input(index, idx)
    if isinstance(value, Tensor):
        return apply(IndexFillBackward1, input, index, value, dim=dim)
    return apply(IndexFillBackward0, input, index, dim=dim, value=value)


def index_fill_(self, dim, index, value):
    dim_w, idx = _index_fill_args(self, dim, index, value)
    vt = value if isinstance(value, Tensor) else None
    return run_inplace(self, lambda s: index_fill(s, dim, index, value),
                       lambda a: _index_fill_write(a, dim_w, idx, value), (), [vt])


class IndexPutBackward0(Op):
    """input with values put (or added, where `accumulate`) at an advanced index."""

    args = ("self", "values")

    @staticmethod
    def forward(xp, a, v, index, accumulate, value_shape):
        r = _layout.preserve_copy(a)  # torch clones, keeping the layout
        _index_put_write(r, index, v, accumulate)
        return r

    def backward(self, grad):
        gs = gv = None
        if self._next[0] is not None:
            gs = grad if self.accumulate else zero_region(grad, None, self.index)
        if self._next[1] is not None:
            gv = _fit_value(advanced_index(grad, self.index), self.value_shape)
        return gs, gv


def _index_put_args(self, indices, values):
    if not isinstance(indices, (tuple, list)):
        raise TypeError("index_put(): argument 'indices' must be tuple of Tensors")
    items = tuple(i if i is not None else slice(None) for i in indices)
    idx = parse_index(items, self._data.shape, self._backend)
    if idx.basic is not None and any(b != _FULL for b in idx.basic):
        raise IndexError(_INDEX_DTYPES)
    advanced = idx.advanced if idx.advanced is not None else (Ellipsis,)
    v = values._data
    if v.dtype != self._data.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{_scalar_name(self._data.dtype)} for the destination and "
                           f"{_scalar_name(v.dtype)} for the source.")
    # (the write drops the value's extra leading ones itself: this only checks the shape)
    _check_value_shape(v.shape, _target_shape(self._data, advanced), advanced)
    return advanced


def _index_put_write(a, advanced, v, accumulate):
    xp = _xp_of(a)
    tshape = _target_shape(a, advanced)
    stripped = _strip_ones(v.shape, len(tshape))
    if stripped != v.shape:
        v = v.reshape(stripped)
    if accumulate:
        _ufunc_at("add", a, advanced, xp.broadcast_to(v, tshape))
    else:
        a[advanced] = v


@public(inplace="both")
def index_put(input, indices, values, accumulate=False):
    advanced = _index_put_args(input, indices, values)
    return apply(IndexPutBackward0, input, values, index=advanced, accumulate=accumulate,
                 value_shape=values._data.shape)


@public
def index_put_(self, indices, values, accumulate=False):
    advanced = _index_put_args(self, indices, values)
    return run_inplace(
        self, lambda s: index_put(s, indices, values, accumulate),
        lambda a: _index_put_write(a, advanced, values._data, accumulate),
        (), [values], _PUT_EXPANDED)


# ---------------------------------------------------------------------------------------
# masked ops

def _mask_array(mask, op):
    m = mask._data
    if m.dtype.kind != "b":
        raise RuntimeError(f"{op} only supports boolean masks, but got mask with dtype "
                           f"{_CPP_NAMES.get(m.dtype.name, m.dtype.name)}")
    return m


class MaskedFillBackward0(Op):
    """input with a number written where the (broadcast) mask is true."""

    args = ("self", "mask")
    nondifferentiable = ("mask",)
    saves = ("mask",)

    @staticmethod
    def forward(xp, a, m, value):
        return _masked_fill(xp, a, m, value)

    def backward(self, grad):
        (mask,) = self.saved()
        return (grad.masked_fill(mask, 0),)


class MaskedFillBackward1(Op):
    """input with a 0-d tensor's value written where the (broadcast) mask is true."""

    args = ("self", "mask", "value")
    nondifferentiable = ("mask",)
    saves = ("mask",)

    @staticmethod
    def forward(xp, a, m, v):
        return _masked_fill(xp, a, m, v)

    def backward(self, grad):
        (mask,) = self.saved()
        gs = gv = None
        if self._next[0] is not None:
            gs = grad.masked_fill(mask, 0)
        if self._next[1] is not None:
            gv = masked_select(grad, mask).sum()
        return gs, gv


def _masked_fill(xp, a, m, value):
    v = xp.asarray(value, dtype=a.dtype) if a.dtype.kind != "b" else \
        xp.asarray(value).astype(bool)
    return _layout.contiguous(xp.where(m, v, a))  # torch fills a contiguous clone


def _fill_value(value, op):
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"{op} only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value._data.ndim} dimension(s).")
        return value._data
    return value


@public(inplace="method")
def masked_fill(input, mask, value):
    a = input._data
    m = _mask_array(mask, "masked_fill_")
    v = _fill_value(value, "masked_fill_")
    if a.shape != m.shape and not _broadcasts(a.shape, m.shape):
        raise broadcast_error(a.shape, m.shape)
    if isinstance(value, Tensor):
        return apply(MaskedFillBackward1, input, mask, value)
    return apply(MaskedFillBackward0, input, mask, value=v)


def masked_fill_(self, mask, value):
    a = self._data
    m = _mask_array(mask, "masked_fill_")
    v = _fill_value(value, "masked_fill_")
    bshape = broadcast_shapes(a.shape, m.shape) if _broadcasts(a.shape, m.shape) else None
    if bshape != a.shape:
        raise RuntimeError(f"output with shape {_list(a.shape)} doesn't match the broadcast "
                           f"shape {_list(bshape if bshape is not None else m.shape)}")

    def write(arr):
        _xp_of(arr).copyto(arr, v, where=m, casting="unsafe")
    vt = value if isinstance(value, Tensor) else None
    return run_inplace(self, lambda s: masked_fill(s, mask, value), write, (), [vt],
                       _FILL_EXPANDED)


def _broadcasts(*shapes):
    try:
        broadcast_shapes(*shapes)
    except ValueError:
        return False
    return True


class MaskedScatterBackward0(Op):
    """input (broadcast with the mask) with source's leading elements written, in order,
    where the mask is true."""

    args = ("self", "mask", "source")
    nondifferentiable = ("mask",)
    saves = ("mask",)

    @staticmethod
    def forward(xp, a, m, s, source_shape):
        r = xp.broadcast_to(a, broadcast_shapes(a.shape, m.shape)).copy()
        _masked_scatter_write(r, m, s)
        return r

    def backward(self, grad):
        (mask,) = self.saved()
        gs = gsrc = None
        if self._next[0] is not None:
            gs = grad.masked_fill(mask, 0)
        if self._next[1] is not None:
            picked = masked_select(grad, mask)
            n = 1
            for s in self.source_shape:
                n *= s
            flat = index_put_new((n,), grad._data.dtype,
                                 (grad._xp.arange(picked._data.size, dtype=_INT64),), picked)
            gsrc = reshape(flat, self.source_shape)
        return gs, gsrc


def _masked_scatter_args(a, mask, source):
    m = _mask_array(mask, "masked_scatter_")
    s = source._data
    if s.dtype != a.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but "
                           f"got{_scalar_name(a.dtype)} and {_scalar_name(s.dtype)}")
    return m, s


def _masked_scatter_write(r, m, s):
    xp = _xp_of(r)
    m = xp.broadcast_to(m, r.shape)
    k = int(xp.count_nonzero(m))
    if k > s.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    r[m] = s.reshape(-1)[:k]


@public(inplace="method")
def masked_scatter(input, mask, source):
    a = input._data
    m, s = _masked_scatter_args(a, mask, source)
    if not _broadcasts(a.shape, m.shape):
        raise broadcast_error(a.shape, m.shape)
    return apply(MaskedScatterBackward0, input, mask, source, source_shape=s.shape)


def masked_scatter_(self, mask, source):
    m, s = _masked_scatter_args(self._data, mask, source)
    return run_inplace(self, lambda t: masked_scatter(t, mask, source),
                       lambda a: _masked_scatter_write(a, m, s), (), [source])


class MaskedSelectBackward0(Op):
    """input's elements (broadcast with the mask) where the mask is true, in order."""

    args = ("self", "mask")
    nondifferentiable = ("mask",)
    saves = ("mask",)

    @staticmethod
    def forward(xp, a, m, shape):
        return xp.broadcast_to(a, shape)[xp.broadcast_to(m, shape)]

    def backward(self, grad):
        (mask,) = self.saved()
        zeros = _wrap(grad._xp.zeros(self.shape, dtype=grad._data.dtype))
        return (masked_scatter(zeros, mask, grad),)


@public
def masked_select(input, mask, *, out=None):
    a = input._data
    m = _mask_array(mask, "masked_select")
    try:
        shape = broadcast_shapes(a.shape, m.shape)
    except ValueError:
        raise broadcast_error(a.shape, m.shape) from None
    return _out(out, apply(MaskedSelectBackward0, input, mask, shape=shape))


# ---------------------------------------------------------------------------------------
# nonzero, take, put

@public
def nonzero(input, *, out=None, as_tuple=False):
    xp = _xp_of(input)
    a = input._data
    if as_tuple:
        if a.ndim == 0:
            return (_wrap(xp.zeros(1 if a.item() else 0, dtype=_INT64)),)
        return tuple(_wrap(i.astype(_INT64, copy=False)) for i in xp.nonzero(a))
    if a.ndim == 0:
        return _out(out, _wrap(xp.zeros((1 if a.item() else 0, 0), dtype=_INT64)))
    # (n, ndim), laid out as the transpose of an (ndim, n) array, as torch's is
    return _out(out, _wrap(xp.argwhere(a).astype(_INT64, copy=False)))


@public
def argwhere(input):
    return nonzero(input)


def _flat_index(index, numel):
    idx = _index_array(index, "take")
    if idx.size:
        hi, lo = int(idx.max()), int(idx.min())
        if hi >= numel or lo < -numel:
            raise IndexError(f"out of range: tried to access index {hi if hi >= numel else lo} "
                             f"on a tensor of {numel} elements.")
    return idx


class TakeBackward0(Op):
    """input's elements at flat positions `index` (negative ones from the end)."""

    args = ("self", "index")
    nondifferentiable = ("index",)
    saves = ("index",)

    @staticmethod
    def forward(xp, a, idx, shape):
        return a.reshape(-1)[idx]

    def backward(self, grad):
        # torch's take_backward: zeros, with the gradient added at the positions
        (index,) = self.saved()
        zeros = _wrap(grad._xp.zeros(self.shape, dtype=grad._data.dtype))
        return (put(zeros, index, grad, accumulate=True),)


@public
def take(input, index):
    a = input._data
    idx = _flat_index(index, a.size)
    return apply(TakeBackward0, input, _index_input(index, idx), shape=a.shape)


class PutBackward0(_Indexed):
    """input with source's elements written (or added, where `accumulate`) at flat
    positions `index`."""

    args = ("self", "index", "source")

    @staticmethod
    def forward(xp, a, idx, s, accumulate, shape, source_shape):
        r = a.copy()
        _put_write(r, idx.reshape(-1), s.reshape(-1), accumulate)
        return r

    def backward(self, grad):
        (index,) = self.saved()
        gs = gsrc = None
        if self._next[0] is not None:
            if self.accumulate:
                gs = grad
            else:
                # torch's grad.put(index, zeros_like(source)): the written places get none
                zeros = _wrap(grad._xp.zeros(self.source_shape, dtype=grad._data.dtype))
                gs = put(grad, index, zeros)
        if self._next[1] is not None:
            gsrc = reshape(take(grad, index), self.source_shape)
        return gs, gsrc


def _put_args(a, index, source):
    idx = _flat_index(index, a.size)
    s = source._data
    if idx.size != s.size:
        raise IndexError(f"put_(): Expected source and index to have the same number of "
                         f"elements, but got source.numel() = {s.size}, index.numel() = "
                         f"{idx.size}")
    if s.dtype != a.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got "
                           f"self.dtype = {D.FROM_NUMPY[a.dtype]} and source.dtype = "
                           f"{D.FROM_NUMPY[s.dtype]}")
    return idx.reshape(-1), s.reshape(-1)


def _put_write(r, idx, s, accumulate):
    flat = r.reshape(-1)
    if accumulate:
        _ufunc_at("add", flat, idx, s)
    else:
        flat[idx] = s
    if not backend_of_type(type(r)).may_share_memory(flat, r):
        r[...] = flat.reshape(r.shape)


@public(inplace="method")
def put(input, index, source, accumulate=False):
    a = input._data
    idx = _put_args(a, index, source)[0]
    return apply(PutBackward0, input, _index_input(index, idx), source,
                 accumulate=accumulate, shape=a.shape, source_shape=source._data.shape)


def put_(self, index, source, accumulate=False):
    idx, s = _put_args(self._data, index, source)
    return run_inplace(self, lambda t: put(t, index, source, accumulate),
                       lambda a: _put_write(a, idx, s, accumulate), (), [source])


@public
def take_along_dim(input, indices, dim=None, *, out=None):
    if dim is None:
        return _out(out, gather(reshape(input, -1), 0, reshape(indices, -1)))
    a, i = input._data, indices._data
    if a.ndim != i.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {a.ndim} dimensions for input, and "
                           f"{i.ndim} dimensions for indices")
    dim = _wrap_dim(dim, a.ndim)
    sa, si = a.shape[:dim] + (1,) + a.shape[dim + 1:], i.shape[:dim] + (1,) + i.shape[dim + 1:]
    try:
        a_shape = list(broadcast_shapes(sa, si))
    except ValueError:
        raise broadcast_error(sa, si) from None
    i_shape = list(a_shape)
    a_shape[dim] = a.shape[dim]
    i_shape[dim] = i.shape[dim]
    return _out(out, gather(expand(input, a_shape), dim, expand(indices, i_shape)))

