"""Shape ops.  Views (view, reshape when it can, expand, permute, select, narrow,
split, diagonal, unfold, as_strided ...) share memory with their input and its
version counter; the rest (flip, roll, repeat, tril ...) copy, as in torch.

A view's backward puts the gradient back where the view looked: `_embed` writes
gradient pieces into zeros at basic numpy indices, and is itself differentiable
(its backward takes the same views again), so gradients of gradients work.
"""
import warnings

from .. import _dtype as D
from .._backend import backend_of_type, cpu, ndarray
from .._tensor import Size, Tensor, _wrap, _wrap_dim
from ..autograd.grad_mode import GradMode
from . import _layout
from ._core import Op, apply, broadcast_error, make_view, public, record
from ._core import xp_of as _xp_of

_host = cpu.xp  # index arithmetic on shapes and strides; the cpu fast paths
_INT64 = D.int64._np

_new_object = object.__new__
_BACKEND_OF = backend_of_type


def _as_strided(a, shape, strides, writeable=True):
    return _BACKEND_OF(type(a)).as_strided(a, shape, strides, writeable)


def _shape_args(shape):
    """view(2, 3), view((2, 3)) and view([2, 3]) all mean (2, 3)."""
    if len(shape) == 1:
        shape = shape[0]
        if type(shape) is tuple or type(shape) is Size:
            for s in shape:
                if type(s) is not int:
                    return tuple(int(s) for s in shape)
            return tuple(shape)
        if type(shape) is int:
            return (shape,)
        if not isinstance(shape, (tuple, list, Size)):
            return (int(shape),)
    return tuple(int(s) for s in shape)


def _list(shape):
    return f"[{', '.join(map(str, shape))}]"


def _infer(shape, numel):
    """Resolve a -1 in `shape`, with torch's errors."""
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{_list(shape)}' is invalid for input of size {numel}")
        shape = shape[:neg[0]] + (numel // known,) + shape[neg[0] + 1:]
    elif known != numel:
        raise RuntimeError(f"shape '{_list(shape)}' is invalid for input of size {numel}")
    return shape


def _strided(a, shape, strides):
    """A writable (when `a` is) numpy view of `a`'s memory with element `strides`,
    starting at `a`'s first element."""
    item = a.itemsize
    return _as_strided(a, shape, tuple(s * item for s in strides),
                       writeable=a.flags.writeable)


def _stride_of(a):
    item = a.itemsize
    return tuple(s // item for s in a.strides)


# ---------------------------------------------------------------------------------------
# the differentiable pair behind every view's backward

class AliasBackward0(Op):
    """`input[index]` for a basic index (ints, slices, None, Ellipsis): a view."""

    view = True

    @staticmethod
    def forward(xp, a, index, shape):
        r = a[index] if Ellipsis in index else a[index + (Ellipsis,)]
        if None in index:
            r = _restride(r, _indexed_strides(a, index, r))
        return r

    def backward(self, grad):
        return (apply(EmbedBackward, grad, shape=self.shape, index=self.index),)


class SelectBackward0(AliasBackward0):
    pass


class SliceBackward0(AliasBackward0):
    pass


class IndexUnsqueezeBackward(AliasBackward0):
    """A None in an index: torch's node is an unsqueeze."""

    fused = "an index with None: the view's embedding, named as torch's unsqueeze"


IndexUnsqueezeBackward.__name__ = IndexUnsqueezeBackward.__qualname__ = "UnsqueezeBackward0"


class EmbedBackward(Op):
    """zeros(shape) with `piece` written at the basic index `index`: the backward of one
    view (x[0], x[1:]), kept apart from the several pieces' record because every select
    and slice backward runs it; the piece's gradient is its view."""

    @staticmethod
    def forward(xp, piece, shape, index):
        out = xp.zeros(shape, piece.dtype)
        out[index] = piece
        return out

    def backward(self, grad):
        return (basic_view(grad, self.index, AliasBackward0),)


class EmbedPiecesBackward(Op):
    """zeros(shape) with pieces written at basic indices (a None piece: left zero): the
    backward of split, chunk, unbind; each piece's gradient is its view."""

    @staticmethod
    def forward(xp, *pieces, shape, indices):
        out = xp.zeros(shape, dtype=next(p.dtype for p in pieces if p is not None))
        for index, piece in zip(indices, pieces):
            if piece is not None:
                out[index] = piece
        return out

    def backward(self, grad):
        return tuple(basic_view(grad, index, AliasBackward0) if self._next[i] is not None
                     else None for i, index in enumerate(self.indices))


def basic_view(input, index, node_cls):
    """`input[index]` for a basic index, recorded as `node_cls` (an AliasBackward0)."""
    return apply(node_cls, input, index=index, shape=input._data.shape)


def _indexed_strides(a, index, r):
    """The strides torch gives `a[index]`: a None inserts a dim as unsqueeze would,
    before the dims after it are indexed."""
    item = a.itemsize
    strides = []
    out = iter(_stride_of(r))
    d = 0
    for i in index:
        if i is None:
            next(out)
            strides.append(a.shape[d] * a.strides[d] // item if d < a.ndim else 1)
        elif i is Ellipsis:
            n = a.ndim - sum(1 for j in index if j is not None and j is not Ellipsis)
            strides.extend(next(out) for _ in range(n))
            d += n
        else:
            if type(i) is slice:
                strides.append(next(out))
            d += 1
    strides.extend(out)
    return strides


def _embed(shape, pieces):
    """zeros(shape) with each (basic index, tensor) piece written in (None: left zero)."""
    if len(pieces) == 1:
        # the backward of a single view (x[0], x[1:])
        index, piece = pieces[0]
        return apply(EmbedBackward, piece, shape=shape, index=index)
    return apply(EmbedPiecesBackward, *(p for _, p in pieces), shape=shape,
                 indices=[i for i, _ in pieces])


def _dim_index(dim, item):
    return (slice(None),) * dim + (item,)


# ---------------------------------------------------------------------------------------
# view and reshape

class ViewBackward0(Op):
    """`input` viewed as `size`; `shape` is the input's."""

    view = True

    @staticmethod
    def forward(xp, a, size, shape):
        v = _try_view(a, size)
        if v is None:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least "
                "one dimension spans across two contiguous subspaces). Use .reshape(...) "
                "instead.")
        return v

    def backward(self, grad):
        return (grad.reshape(self.shape),)


class ReshapeAliasBackward0(ViewBackward0):
    pass


class UnsafeViewBackward0(ViewBackward0):
    """reshape where no view exists: a copy."""

    view = False

    @staticmethod
    def forward(xp, a, size, shape):
        return a.reshape(size)


def _try_view(a, shape):
    if a.flags.c_contiguous:
        v = a.reshape(shape)  # always a view
    else:
        try:
            xp = _host if type(a) is ndarray else _BACKEND_OF(type(a)).xp
            v = xp.reshape(a, shape, copy=False)
        except ValueError:
            return None
    if 1 in shape or 0 in shape:
        # numpy and torch choose different strides for size-1 (and empty) dims
        return _restride(v, _view_strides(a.shape, _stride_of(a), shape, a.size))
    return v


def _restride(v, strides):
    if _stride_of(v) == tuple(strides):
        return v
    return _strided(v, v.shape, strides)


def _contiguous_strides(shape):
    strides, acc = [], 1
    for s in reversed(shape):
        strides.append(acc)
        acc *= max(s, 1)
    return strides[::-1]


def _view_strides(old_shape, old_strides, shape, numel):
    """torch's strides for viewing a tensor as `shape` (ATen's computeStride), where a view
    exists."""
    if not old_shape:
        return [1] * len(shape)
    if numel == 0:
        return list(old_strides) if tuple(old_shape) == tuple(shape) \
            else _contiguous_strides(shape)
    strides = [0] * len(shape)
    view_d = len(shape) - 1
    base = old_strides[-1]
    tensor_numel = view_numel = 1
    for d in range(len(old_shape) - 1, -1, -1):
        tensor_numel *= old_shape[d]
        if d == 0 or (old_shape[d - 1] != 1 and old_strides[d - 1] != tensor_numel * base):
            while view_d >= 0 and (view_numel < tensor_numel or shape[view_d] == 1):
                strides[view_d] = view_numel * base
                view_numel *= shape[view_d]
                view_d -= 1
            if d > 0:
                base = old_strides[d - 1]
                tensor_numel = view_numel = 1
    return strides


def view(input, *shape, dtype=None):
    if dtype is not None or (len(shape) == 1 and not isinstance(shape[0], (tuple, list, Size,
                                                                          int))):
        return _view_dtype(input, dtype if dtype is not None else shape[0])
    a = input._data
    return apply(ViewBackward0, input, size=_infer(_shape_args(shape), a.size), shape=a.shape)


def _view_dtype(input, dtype):
    from .. import _dtype as D
    if isinstance(dtype, str):
        dtype = getattr(D, dtype)
    # torch: shares memory and version counter, but is no autograd view (`_base` is None):
    # writes through it do not touch the input's history
    t = make_view(input, input._data.view(dtype._np))
    t._base = None
    t._view_version = None
    return t


@public
def reshape(input, *shape):
    a = input._data
    size = _infer(_shape_args(shape), a.size)
    if a.flags.c_contiguous:  # always a view
        node = ViewBackward0
    else:
        # torch views a non-contiguous input through _reshape_alias, where it can
        node = ReshapeAliasBackward0 if _try_view(a, size) is not None else UnsafeViewBackward0
    return apply(node, input, size=size, shape=a.shape)


def view_as(input, other):
    return view(input, other._data.shape)


def reshape_as(input, other):
    return reshape(input, other._data.shape)


@public
def unflatten(input, dim, sizes):
    a = input._data
    dim = _wrap_dim(dim, a.ndim)
    sizes = tuple(int(s) for s in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    n = a.shape[dim] if a.ndim else 1
    known = 1
    for s in sizes:
        known *= s if s != -1 else 1
    if (-1 not in sizes and known != n) or (-1 in sizes and (known == 0 or n % known)):
        raise RuntimeError(f"unflatten: Provided sizes {_list(sizes)} don't multiply up to the "
                           f"size of dim {dim} ({n}) in the input tensor")
    sizes = _infer(sizes, n)
    return view(input, a.shape[:dim] + sizes + a.shape[dim + 1:])


@public
def flatten(input, start_dim=0, end_dim=-1):
    a = input._data
    if a.ndim == 0:
        return reshape(input, 1)
    s = _wrap_dim(start_dim, a.ndim)
    e = _wrap_dim(end_dim, a.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    n = 1
    for d in a.shape[s:e + 1]:
        n *= d
    return reshape(input, a.shape[:s] + (n,) + a.shape[e + 1:])


@public
def ravel(input):
    return reshape(input, -1)


# ---------------------------------------------------------------------------------------
# expand and broadcasting

class ExpandBackward0(Op):
    """`input` broadcast to `size` (stride-0 dims); `shape` is the input's."""

    view = True

    @staticmethod
    def forward(xp, a, size, shape):
        return a.view() if size == a.shape else _broadcast_view(a, size)

    def backward(self, grad):
        return (grad.sum_to_size(self.shape),)


def expand(input, *sizes):
    if not sizes:
        raise TypeError('expand() missing 1 required positional arguments: "size"')
    a = input._data
    sizes = _shape_args(sizes)
    if a.ndim == 0 and -1 not in sizes:
        # a reduction's gradient spread back over its input: the hot case in backward
        return apply(ExpandBackward0, input, size=sizes, shape=())
    if len(sizes) < a.ndim:
        raise RuntimeError(
            f"expand(torch.{input.dtype._legacy}{{{_list(a.shape)}}}, size={_list(sizes)}): the "
            f"number of sizes provided ({len(sizes)}) must be greater or equal to the number "
            f"of dimensions in the tensor ({a.ndim})")
    lead = len(sizes) - a.ndim
    target = list(sizes)
    for i in range(len(sizes) - 1, -1, -1):
        s = sizes[i]
        if s == -1:
            if i < lead:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a "
                                   f"leading, non-existing dimension {i}")
            target[i] = a.shape[i - lead]
        elif i >= lead and a.shape[i - lead] != 1 and a.shape[i - lead] != s:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size "
                f"({a.shape[i - lead]}) at non-singleton dimension {i}.  Target sizes: "
                f"{_list(sizes)}.  Tensor sizes: {_list(a.shape)}")
    return apply(ExpandBackward0, input, size=tuple(target), shape=a.shape)


def _expand_strides(a, shape):
    """torch's strides for expanding `a` to `shape`: an expanded dim gets stride 0; a new
    leading dim of size 1 gets the stride a contiguous layout would give it."""
    lead = len(shape) - a.ndim
    strides = [0] * len(shape)
    for i in range(len(shape) - 1, -1, -1):
        if i >= lead:
            stride = a.strides[i - lead] if shape[i] == a.shape[i - lead] else 0
        else:
            stride = shape[i + 1] * strides[i + 1] if i + 1 < len(shape) else 0
            stride = stride if shape[i] == 1 else 0
        strides[i] = stride
    return tuple(strides)


def _broadcast_view(a, shape):
    """A stride-0 view of `a` with `shape`: numpy's broadcast_to is several times slower than
    building the view directly, which matters because every reduction's backward expands."""
    if not a.ndim and type(a) is ndarray:
        # a 0-d gradient spread over a reduction's input: the hot case in backward
        v = ndarray(shape, a.dtype, a, 0, (0,) * len(shape))
        for n in shape:
            if n > 1:  # torch refuses writes only where elements really share memory
                v.flags.writeable = False
                break
        return v
    strides = _expand_strides(a, shape)
    writeable = a.flags.writeable
    for n, st in zip(shape, strides):
        if not st and n > 1:
            writeable = False
            break
    if not a.flags.c_contiguous or type(a) is not ndarray:
        return _as_strided(a, shape, strides, writeable=writeable)
    v = ndarray(shape, a.dtype, a, 0, strides)
    if not writeable:
        v.flags.writeable = False
    return v


def expand_as(input, other):
    return expand(input, other._data.shape)


@public
def broadcast_to(input, size):
    return expand(input, size)


@public
def broadcast_tensors(*tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    shapes = [t._data.shape for t in tensors]
    from .misc import broadcast_shapes
    try:
        shape = broadcast_shapes(*shapes)
    except RuntimeError:
        for i in range(1, len(shapes)):
            try:
                broadcast_shapes(*shapes[:i + 1])
            except RuntimeError:
                raise broadcast_error(broadcast_shapes(*shapes[:i]), shapes[i]) from None
        raise
    return tuple(expand(t, shape) for t in tensors)


# ---------------------------------------------------------------------------------------
# adding, removing and reordering dims

class UnsqueezeBackward0(Op):
    view = True

    @staticmethod
    def forward(xp, a, dim):
        v = xp.expand_dims(a, dim)
        # torch gives the new dim the stride that keeps the layout contiguous where it was
        stride = a.shape[dim] * a.strides[dim] if dim < a.ndim else a.itemsize
        if v.strides[dim] != stride:
            strides = list(v.strides)
            strides[dim] = stride
            v = _as_strided(v, v.shape, strides, writeable=a.flags.writeable)
        return v

    def backward(self, grad):
        return (grad.squeeze(self.dim),)


@public(inplace="method")
def unsqueeze(input, dim=None, *, axis=None):
    if dim is None:
        # numpy's name, which torch's argument parser takes too
        if axis is None:
            raise TypeError('unsqueeze() missing 1 required positional arguments: "dim"')
        dim = axis
    return apply(UnsqueezeBackward0, input, dim=_wrap_dim(dim, input._data.ndim + 1))


class SqueezeBackward0(Op):
    """`input` without its size-1 dims `axes`; `shape` is the input's."""

    view = True

    @staticmethod
    def forward(xp, a, axes, shape):
        return a.squeeze(axes) if axes else a.view()

    def backward(self, grad):
        return (grad.reshape(self.shape),)


class SqueezeBackward1(SqueezeBackward0):
    pass


class SqueezeBackward2(SqueezeBackward0):
    pass


class SqueezeBackward3(SqueezeBackward0):  # squeeze_()
    pass


class SqueezeBackward4(SqueezeBackward0):  # squeeze_(dim), and quantile's last squeeze
    pass


@public(inplace="method")
def squeeze(input, dim=None, *, axis=None):
    if axis is not None:
        dim = axis  # numpy's name, which torch's argument parser takes too
    a = input._data
    if dim is None:
        node = SqueezeBackward0
        axes = tuple(i for i, s in enumerate(a.shape) if s == 1)
    else:
        node = SqueezeBackward1 if isinstance(dim, int) else SqueezeBackward2
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        wrapped = [_wrap_dim(d, a.ndim) for d in dims]
        if len(set(wrapped)) != len(wrapped):
            dup = next(d for d in wrapped if wrapped.count(d) > 1)
            raise RuntimeError(f"dim {dup} appears multiple times in the list of dims")
        axes = tuple(d for d in wrapped if a.ndim and a.shape[d] == 1)
    return apply(node, input, axes=axes, shape=a.shape)


class PermuteBackward0(Op):
    view = True

    @staticmethod
    def forward(xp, a, dims):
        return a.transpose(dims)

    def backward(self, grad):
        dims = self.dims
        return (grad.permute(sorted(range(len(dims)), key=dims.__getitem__)),)


@public
def permute(input, *dims):
    if not dims:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    a = input._data
    dims = _shape_args(dims)
    if len(dims) != a.ndim:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            "length of the desired ordering of dimensions i.e. input.dim() = "
            f"{a.ndim} is not equal to len(dims) = {len(dims)}")
    dims = tuple(_wrap_dim(d, a.ndim) for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return apply(PermuteBackward0, input, dims=dims)


@public
def movedim(input, source, destination):
    nd = input._data.ndim
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} "
                           f"dims) should contain the same number of dims as destination "
                           f"({list(dst)} dims)")
    src_w = [_wrap_dim(d, nd) for d in src]
    dst_w = [_wrap_dim(d, nd) for d in dst]
    if nd == 0:
        return basic_view(input, (), AliasBackward0)
    for name, given, wrapped in (("source", src, src_w), ("destination", dst, dst_w)):
        if len(set(wrapped)) != len(wrapped):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(given)})")
    order = [None] * nd
    for s, d in zip(src_w, dst_w):
        order[d] = s
    rest = iter(d for d in range(nd) if d not in src_w)
    order = [o if o is not None else next(rest) for o in order]
    return permute(input, order)


moveaxis = public(movedim, name="moveaxis")


class TransposeBackward0(Op):
    view = True

    @staticmethod
    def forward(xp, a, dim0, dim1):
        return a.swapaxes(dim0, dim1) if a.ndim else a.view()

    def backward(self, grad):
        return (grad.transpose(self.dim0, self.dim1),)


@public(inplace="method")
def transpose(input, dim0, dim1):
    nd = input._data.ndim
    return apply(TransposeBackward0, input, dim0=_wrap_dim(dim0, nd), dim1=_wrap_dim(dim1, nd))


swapdims = public(transpose, name="swapdims", inplace="method")
swapaxes = public(swapdims, name="swapaxes", inplace="method")


class TBackward0(Op):
    view = True

    @staticmethod
    def forward(xp, a):
        return a.T

    def backward(self, grad):
        return (grad.t(),)


@public(inplace="method")
def t(input):
    a = input._data
    if a.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {a.ndim}D")
    # apply specialised (its record): every Linear calls weight.t()
    result = make_view(input, a.T)
    if GradMode.enabled and input._requires_grad:
        record(TBackward0, (input,), result)
    return result


def T(input):
    nd = input._data.ndim
    if nd != 2 and nd != 0:
        warnings.warn(
            "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
            "deprecated and it will throw an error in a future release. Consider `x.mT` to "
            "transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` "
            "to reverse the dimensions of a tensor.", UserWarning, stacklevel=2)
    return permute(input, tuple(range(nd - 1, -1, -1)))


def mT(input):
    a = input._data
    nd = a.ndim
    if nd == 2:
        # every mm backward takes one or two of these: apply specialised (its record and
        # parameters), without transpose's argument handling
        result = make_view(input, a.T)
        if GradMode.enabled and input._requires_grad:
            record(TransposeBackward0, (input,), result, dim0=0, dim1=1)
        return result
    if nd == 0:
        warnings.warn("Tensor.mT is deprecated on 0-D tensors. This function is the identity "
                      "in these cases.", UserWarning, stacklevel=2)
        return input
    if nd < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. "
                           f"Got {nd}-D tensor.")
    return transpose(input, -2, -1)


def H(input):
    nd = input._data.ndim
    if nd != 2:
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got "
                           f"{nd}-D tensor.")
    return _conj(transpose(input, 0, 1))


def mH(input):
    nd = input._data.ndim
    if nd < 2:
        raise RuntimeError(f"tensor.mH is only supported on matrices or batches of matrices. "
                           f"Got {nd}-D tensor.")
    return _conj(transpose(input, -2, -1))


@public
def adjoint(input):
    return mH(input)


def _conj(t):
    return t.conj() if t._data.dtype.kind == "c" else t


@public
def atleast_1d(*tensors):
    return _atleast(tensors, 1)


@public
def atleast_2d(*tensors):
    return _atleast(tensors, 2)


@public
def atleast_3d(*tensors):
    return _atleast(tensors, 3)


def _atleast(tensors, n):
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        return tuple(_atleast_one(t, n) for t in tensors[0])
    if len(tensors) == 1:
        return _atleast_one(tensors[0], n)
    return tuple(_atleast_one(t, n) for t in tensors)


def _atleast_one(t, n):
    nd = t._data.ndim
    if nd >= n:
        return t
    if nd == 0:
        return reshape(t, (1,) * n)
    if nd == 1:
        t = unsqueeze(t, 0)
        return unsqueeze(t, -1) if n == 3 else t
    return unsqueeze(t, -1)


# ---------------------------------------------------------------------------------------
# pieces: select, narrow, unbind, split, chunk

@public
def select(input, dim, index):
    a = input._data
    if a.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = _wrap_dim(dim, a.ndim)
    index = int(index)
    size = a.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{_list(a.shape)} at dimension {dim}")
    return basic_view(input, _dim_index(dim, index), SelectBackward0)


@public
def narrow(input, dim, start, length):
    a = input._data
    if a.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    dim = _wrap_dim(dim, a.ndim)
    size = a.shape[dim]
    start, length = int(start), int(length)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], "
                         f"but got {start})")
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size "
                           f"({size}).")
    return basic_view(input, _dim_index(dim, slice(start, start + length)), SliceBackward0)


class _PiecesBackward(Op):
    """Several views of one input (`input[index]` for each of `indices`); their gradients
    are written back at their places."""

    view = True

    @staticmethod
    def forward(xp, a, indices, shape):
        return tuple(a[index + (Ellipsis,)] for index in indices)

    def backward(self, grads):
        if isinstance(grads, Tensor):
            # one piece (x.chunk(1), x.unbind() of a size-1 dim): the engine passes the
            # gradient itself, not a list; zip would iterate over its first dim
            grads = (grads,)
        pieces = list(zip(self.indices, grads))
        if all(g is None for _, g in pieces):
            return (None,)
        return (_embed(self.shape, pieces),)


class UnbindBackward0(_PiecesBackward):
    pass


class SplitBackward0(_PiecesBackward):
    pass


class SplitWithSizesBackward0(_PiecesBackward):
    pass


def _views(input, indices, node_cls):
    return apply(node_cls, input, indices=indices, shape=input._data.shape)


@public
def unbind(input, dim=0):
    a = input._data
    if a.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    dim = _wrap_dim(dim, a.ndim)
    return _views(input, [_dim_index(dim, i) for i in range(a.shape[dim])], UnbindBackward0)


def _slices(dim, sizes):
    out, start = [], 0
    for s in sizes:
        out.append(_dim_index(dim, slice(start, start + s)))
        start += s
    return out


@public
def split(tensor, split_size_or_sections, dim=0):
    a = tensor._data
    if a.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    dim = _wrap_dim(dim, a.ndim)
    n = a.shape[dim]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n or any(s < 0 for s in sizes):
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} "
                               f"(input tensor's size at dimension {dim}), but got "
                               f"split_sizes={_list(sizes)}")
        return _views(tensor, _slices(dim, sizes), SplitWithSizesBackward0)
    size = int(split_size_or_sections)
    if size < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={size}")
    if size == 0:
        if n != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                               f"dimension size of {n}")
        sizes = [0]
    else:
        sizes = [size] * (n // size) + ([n % size] if n % size or n == 0 else [])
    return _views(tensor, _slices(dim, sizes), SplitBackward0)


@public
def chunk(input, chunks, dim=0):
    chunks = int(chunks)
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    a = input._data
    if a.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    dim = _wrap_dim(dim, a.ndim)
    n = a.shape[dim]
    size = -(-n // chunks)
    if size == 0:
        return _views(input, _slices(dim, [0] * chunks), SplitBackward0)
    return split(input, size, dim)


@public
def tensor_split(input, indices_or_sections, dim=0):
    a = input._data
    dim = _wrap_dim(dim, a.ndim)
    n = a.shape[dim]
    spec = indices_or_sections
    if isinstance(spec, Tensor):
        spec = spec.item() if spec._data.ndim == 0 else spec._data.tolist()
    if isinstance(spec, (list, tuple)):
        bounds = [0] + [min(max(int(i) + (n if i < 0 else 0), 0), n) for i in spec] + [n]
        pieces = [(bounds[i], max(bounds[i], bounds[i + 1])) for i in range(len(bounds) - 1)]
    else:
        sections = int(spec)
        if sections <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
        small, extra = divmod(n, sections)
        pieces, start = [], 0
        for i in range(sections):
            size = small + (1 if i < extra else 0)
            pieces.append((start, start + size))
            start += size
    return tuple(basic_view(input, _dim_index(dim, slice(s, e)), SliceBackward0)
                 for s, e in pieces)


def _split_dim(input, spec, dim, name, min_dim):
    nd = input._data.ndim
    if nd < min_dim:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dim} dimension, "
                           f"but got a tensor with {nd} dimensions!")
    if isinstance(spec, int) and input._data.shape[dim] % spec:
        raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the "
                           f"size of the dimension {input._data.shape[dim]} is not divisible "
                           f"by the split_size {spec}!")
    return tensor_split(input, spec, dim)


@public
def hsplit(input, indices_or_sections):
    return _split_dim(input, indices_or_sections, 1 if input._data.ndim > 1 else 0, "hsplit", 1)


@public
def vsplit(input, indices_or_sections):
    return _split_dim(input, indices_or_sections, 0, "vsplit", 2)


@public
def dsplit(input, indices_or_sections):
    return _split_dim(input, indices_or_sections, 2, "dsplit", 3)


# ---------------------------------------------------------------------------------------
# diagonals and triangles

def _diagonal_array(a, offset, d1, d2):
    """The numpy view of a's diagonal (as numpy's diagonal, but writable)."""
    nd = a.ndim
    rest = [d for d in range(nd) if d != d1 and d != d2]
    m = a.transpose(rest + [d1, d2])
    if offset >= 0:
        m = m[..., :, offset:]
    else:
        m = m[..., -offset:, :]
    n = max(min(m.shape[-2], m.shape[-1]), 0)
    strides = _stride_of(m)
    return _strided(m, m.shape[:-2] + (n,), strides[:-2] + (strides[-2] + strides[-1],))


def _diag_dims(nd, dim1, dim2):
    d1, d2 = _wrap_dim(dim1, nd), _wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


class DiagonalBackward0(Op):
    view = True

    @staticmethod
    def forward(xp, a, offset, dim1, dim2, shape):
        return _diagonal_array(a, offset, dim1, dim2)

    def backward(self, grad):
        return (diag_embed_into(self.shape, grad, self.offset, self.dim1, self.dim2),)


@public
def diagonal(input, offset=0, dim1=0, dim2=1):
    a = input._data
    d1, d2 = _diag_dims(a.ndim, dim1, dim2)
    return apply(DiagonalBackward0, input, offset=offset, dim1=d1, dim2=d2, shape=a.shape)


class DiagEmbedBackward0(Op):
    """zeros(size) with the input on its (offset, dim1, dim2) diagonal."""

    @staticmethod
    def forward(xp, a, size, offset, dim1, dim2):
        out = xp.zeros(size, dtype=a.dtype)
        _diagonal_array(out, offset, dim1, dim2)[...] = a
        return out

    def backward(self, grad):
        return (diagonal(grad, self.offset, self.dim1, self.dim2),)


def diag_embed_into(shape, input, offset, d1, d2):
    """zeros(shape) with `input` on its (offset, d1, d2) diagonal."""
    return apply(DiagEmbedBackward0, input, size=shape, offset=offset, dim1=d1, dim2=d2)


@public
def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    a = input._data
    nd = a.ndim + 1
    d1, d2 = _diag_dims(nd, dim1, dim2)
    n = a.shape[-1] + abs(offset)
    shape = list(a.shape[:-1])
    for d in sorted((d1, d2)):
        shape.insert(d, n)
    return diag_embed_into(tuple(shape), input, offset, d1, d2)


class DiagonalBackward0_copy(DiagonalBackward0):
    """diag of a matrix: its diagonal copied."""

    view = False

    @staticmethod
    def forward(xp, a, offset, dim1, dim2, shape):
        return _diagonal_array(a, offset, dim1, dim2).copy()


@public
def diag(input, diagonal=0):
    a = input._data
    if a.ndim == 1:
        n = a.shape[0] + abs(diagonal)
        return diag_embed_into((n, n), input, diagonal, 0, 1)
    if a.ndim != 2:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {a.ndim}D")
    return apply(DiagonalBackward0_copy, input, offset=diagonal, dim1=0, dim2=1, shape=a.shape)


def _triangle_forward(lower):
    def forward(xp, a, diagonal):
        rows, cols = a.shape[-2:]
        if lower:
            keep = xp.tri(rows, cols, diagonal, dtype=bool)
        else:
            keep = ~xp.tri(rows, cols, diagonal - 1, dtype=bool)
        # torch's result is contiguous whatever the input's layout
        return _layout.contiguous_unless(xp.where(keep, a, xp.zeros((), a.dtype)), a)
    return staticmethod(forward)


class TrilBackward0(Op):
    forward = _triangle_forward(True)

    def backward(self, grad):
        return (tril(grad, self.diagonal),)


class TriuBackward0(Op):
    forward = _triangle_forward(False)

    def backward(self, grad):
        return (triu(grad, self.diagonal),)


def _triangle(node, input, diagonal, name):
    if input._data.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    return apply(node, input, diagonal=diagonal)


@public(inplace="method")
def tril(input, diagonal=0):
    return _triangle(TrilBackward0, input, diagonal, "tril")


@public(inplace="method")
def triu(input, diagonal=0):
    return _triangle(TriuBackward0, input, diagonal, "triu")


# ---------------------------------------------------------------------------------------
# strided windows: unfold and as_strided

class UnfoldBackward0(Op):
    """Windows of `size` every `step` along `dim`, as a new last dim: a view."""

    view = True

    @staticmethod
    def forward(xp, a, dim, size, step, shape):
        nd = a.ndim
        strides = list(_stride_of(a)) if nd else [1]
        out_shape = list(a.shape) if nd else [1]
        out_shape[dim] = ((a.shape[dim] if nd else 1) - size) // step + 1
        inner = strides[dim]
        strides[dim] *= step
        r = _strided(a, tuple(out_shape) + (size,), tuple(strides) + (inner,))
        return r if nd else r.reshape(size)

    def backward(self, grad):
        return (unfold_backward(grad, self.shape, self.dim, self.size, self.step),)


class UnfoldBackwardBackward0(Op):
    """The input-shaped (`shape`) sum of every window's gradient (windows may overlap)."""

    @staticmethod
    def forward(xp, g, shape, dim, size, step):
        out = xp.zeros(shape if shape else (1,), dtype=g.dtype)
        windows = g.shape[dim] if shape else 1
        moved = xp.moveaxis(g, -1, 0) if shape else g.reshape(size, 1)
        for k in range(size):
            stop = k + step * (windows - 1) + 1
            out[_dim_index(dim, slice(k, stop, step))] += moved[k]
        return out.reshape(shape)

    def backward(self, grad):
        return (unfold(grad, self.dim, self.size, self.step),)


def unfold(input, dimension, size, step):
    a = input._data
    nd = a.ndim
    dim = _wrap_dim(dimension, nd)
    length = a.shape[dim] if nd else 1
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {dim} is {length} but size "
                           f"is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return apply(UnfoldBackward0, input, dim=dim, size=size, step=step, shape=a.shape)


def unfold_backward(grad, shape, dim, size, step):
    """The input-shaped sum of every window's gradient (windows may overlap)."""
    return apply(UnfoldBackwardBackward0, grad, shape=shape, dim=dim, size=size, step=step)


def _addresses(shape, strides, offset=0, xp=_host):
    """The storage address of every element of a strided layout, as an array of `xp`."""
    addr = xp.full(shape, offset, dtype=_INT64)
    for d, (n, s) in enumerate(zip(shape, strides)):
        addr += (xp.arange(n, dtype=_INT64) * s).reshape((n,) + (1,) * (len(shape) - d - 1))
    return addr


def flat_positions(view, base):
    """For each element of `view` (a view of `base`), its flat (C-order) index in base."""
    item = base._data.itemsize
    offset = (view.data_ptr() - base.data_ptr()) // item
    xp = base._xp
    vaddr = _addresses(view._data.shape, view.stride(), offset, xp)
    b = base._data
    if b.flags.c_contiguous:
        return vaddr
    baddr = _addresses(b.shape, base.stride(), 0, xp)
    inverse = xp.zeros(int(baddr.max(initial=0)) + 1, dtype=_INT64)
    inverse[baddr.ravel()] = xp.arange(b.size)
    return inverse[vaddr]


class AsStridedBackward0(Op):
    """as_strided's, and a view's regenerated from its base after an in-place change:
    the gradient is added at the view's addresses in a flat storage of `span` elements,
    which is then read at the input's addresses (`in_pos`), or, for a whole base, just
    reshaped to its `shape`.  The forward views the memory of `root`, the array of the
    input's storage (of `storage` elements), at element `storage_offset`."""

    in_pos = None
    view = True

    @staticmethod
    def forward(xp, a, root, storage, size, stride, storage_offset, span, out_pos, in_pos):
        start = _strided(root, (storage,), (1,))[storage_offset:]
        return _strided(start, size, stride)

    def backward(self, grad):
        from .indexing import index_put_new
        flat = index_put_new((self.span,), grad._data.dtype, (self.out_pos,), grad, True)
        return (flat[self.in_pos] if self.in_pos is not None else reshape(flat, self.shape),)


@public(inplace="both")
def as_strided(input, size, stride, storage_offset=None):
    root = input._root()
    r = root._data
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    offset = input.storage_offset() if storage_offset is None else int(storage_offset)
    # the root's memory extent (not its numel: a broadcast root holds fewer elements)
    storage = 1 + sum((n - 1) * s for n, s in zip(r.shape, _stride_of(r))) if r.size else 0
    needed = offset + 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    if needed > storage:
        item = r.itemsize
        raise RuntimeError(f"setStorage: sizes {_list(size)}, strides {_list(stride)}, storage "
                           f"offset {offset}, and itemsize {item} requiring a storage size of "
                           f"{needed * item} are out of bounds for storage of size "
                           f"{storage * item}")
    span = out_pos = in_pos = None
    if GradMode.enabled and input._requires_grad:
        # what the backward needs: where the view's and the input's elements lie
        in_offset = input.storage_offset()
        span = max(needed, in_offset + 1 + sum((n - 1) * s for n, s in
                                               zip(input._data.shape, input.stride())))
        out_pos = _addresses(size, stride, offset, input._xp)
        in_pos = _addresses(input._data.shape, input.stride(), in_offset, input._xp)
    return apply(AsStridedBackward0, input, root=r, storage=storage, size=size, stride=stride,
                 storage_offset=offset, span=span, out_pos=out_pos, in_pos=in_pos)


# ---------------------------------------------------------------------------------------
# rearranging copies: flip, roll, rot90, repeat, tile, repeat_interleave

def _dims_list(dims, nd):
    dims = [dims] if isinstance(dims, int) else list(dims)
    wrapped = [_wrap_dim(d, nd) for d in dims]
    for d in wrapped:
        if wrapped.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return wrapped


class FlipBackward0(Op):
    @staticmethod
    def forward(xp, a, dims):
        # laid out as the input (torch's preserve_format)
        r = _layout.preserve_empty(a)
        xp.copyto(r, xp.flip(a, dims) if dims else a)
        return r

    def backward(self, grad):
        return (flip(grad, self.dims),)


@public
def flip(input, *dims):
    dims = _dims_list(dims[0] if len(dims) == 1 and not isinstance(dims[0], int) else dims,
                      input._data.ndim)
    return apply(FlipBackward0, input, dims=dims)


@public
def fliplr(input):
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, [1])


@public
def flipud(input):
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, [0])


class RollBackward0(Op):
    @staticmethod
    def forward(xp, a, shifts, dims):
        if dims is None:
            return xp.roll(a.reshape(-1), shifts[0]).reshape(a.shape)
        return _layout.suggested(xp.roll(a, shifts, dims), a)

    def backward(self, grad):
        return (roll(grad, [-s for s in self.shifts], self.dims),)


@public
def roll(input, shifts, dims=None):
    a = input._data
    shifts = [shifts] if isinstance(shifts, int) else [int(s) for s in shifts]
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                               "dims:0")
        dims_w = None
    else:
        dims_w = [dims] if isinstance(dims, int) else list(dims)
        if len(shifts) != len(dims_w):
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                               f"dims:{len(dims_w)}")
        dims_w = [_wrap_dim(d, a.ndim) for d in dims_w]
    return apply(RollBackward0, input, shifts=shifts, dims=dims_w)


class Rot90Backward0(Op):
    @staticmethod
    def forward(xp, a, k, dims):
        d0, d1 = dims
        # torch flips (a copy) then transposes (a view): the result's strides follow
        if k == 1:
            return xp.swapaxes(xp.flip(a, d1).copy(), d0, d1)
        if k == 2:
            return xp.flip(a, (d0, d1)).copy()
        if k == 3:
            return xp.swapaxes(xp.flip(a, d0).copy(), d0, d1)
        return a.copy()

    def backward(self, grad):
        return (rot90(grad, -self.k, self.dims),)


@public
def rot90(input, k=1, dims=(0, 1)):
    a = input._data
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if a.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {a.ndim}")
    d0, d1 = _wrap_dim(dims[0], a.ndim), _wrap_dim(dims[1], a.ndim)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and "
                           f"dim1 = {d1}")
    return apply(Rot90Backward0, input, k=k % 4, dims=[d0, d1])


class RepeatBackward0(Op):
    @staticmethod
    def forward(xp, a, repeats, shape):
        return xp.tile(a, repeats) if repeats else a.copy()

    def backward(self, grad):
        repeats, shape = self.repeats, self.shape
        lead = len(repeats) - len(shape)
        if lead:
            grad = grad.sum(tuple(range(lead)))
        split = []
        for r, s in zip(repeats[lead:], shape):
            split += [r, s]
        if not split:
            return (grad,)
        return (grad.reshape(split).sum(tuple(range(0, len(split), 2))),)


def repeat(input, *sizes):
    a = input._data
    sizes = _shape_args(sizes)
    if len(sizes) < a.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"Trying to create tensor with negative dimension "
                           f"{min(sizes)}: {_list(sizes)}")
    return apply(RepeatBackward0, input, repeats=sizes, shape=a.shape)


@public
def tile(input, *dims):
    dims = _shape_args(dims)
    nd = input._data.ndim
    if len(dims) < nd:
        dims = (1,) * (nd - len(dims)) + dims
    return repeat(input, dims)


@public
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    xp = _xp_of(input)
    from .copy import clone
    if repeats is None:
        counts = input._data
        return _wrap(xp.repeat(xp.arange(counts.size, dtype=_INT64), counts))
    if dim is None:
        input = reshape(input, -1)
        dim = 0
    a = input._data
    dim = _wrap_dim(dim, a.ndim)
    if isinstance(repeats, Tensor) and repeats._data.ndim > 0 and repeats._data.size != 1:
        counts = repeats._data
        if counts.ndim != 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        if counts.size != a.shape[dim]:
            raise RuntimeError(f"repeats must have the same size as input along dim, but got "
                               f"repeats.size(0) = {counts.size} and input.size({dim}) = "
                               f"{a.shape[dim]}")
        if (counts < 0).any():
            raise RuntimeError("repeats can not be negative")
        from .indexing import index_select
        index = xp.repeat(xp.arange(counts.size, dtype=_INT64), counts)
        return index_select(input, dim, _wrap(index))
    r = int(repeats)
    if r < 0:
        raise RuntimeError("Repeats must be non-negative")
    shape = a.shape[:dim + 1] + (r,) + a.shape[dim + 1:]
    expanded = expand(unsqueeze(input, dim + 1), shape)
    # torch's result is contiguous (it gathers with an index)
    from .._device import contiguous_format
    return flatten(clone(expanded, memory_format=contiguous_format), dim, dim + 1)


# ---------------------------------------------------------------------------------------
# grids and resizing

@public
def meshgrid(*tensors, indexing=None):
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn(
            "torch.meshgrid: in an upcoming release, it will be required to pass the indexing "
            "argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but '
                           f'received: {indexing}')
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list "
                               f"but got: {t}")
    sizes = [t._data.size for t in tensors]
    axes = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) >= 2:
        axes[0], axes[1] = 1, 0
        sizes[0], sizes[1] = sizes[1], sizes[0]
    out = []
    for t, ax in zip(tensors, axes):
        shape = [1] * len(tensors)
        shape[ax] = -1
        out.append(expand(view(t, shape), sizes))
    return tuple(out)


def resize_(self, *sizes, memory_format=None):
    if self._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    shape = _shape_args(sizes)
    if any(s < 0 for s in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: "
                           f"{_list(shape)}")
    a = self._data
    if shape == a.shape:
        return self
    n = 1
    for s in shape:
        n *= s
    if n <= a.size and a.flags.c_contiguous:
        # the storage is kept: shrinking reuses its first n elements
        self._data = a.reshape(-1)[:n].reshape(shape)
        return self
    new = self._xp.empty(shape, dtype=a.dtype)
    keep = min(n, a.size)
    new.reshape(-1)[:keep] = a.reshape(-1)[:keep]
    self._data = new
    return self


def resize_as_(self, the_template, memory_format=None):
    return resize_(self, the_template._data.shape)


# diff, cartesian_prod and in-place metadata changes (squeeze_, unsqueeze_, t_, transpose_)


@public
def diff(input, n=1, dim=-1, prepend=None, append=None):
    if input.dim() == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    parts = [t for t in (prepend, input, append) if t is not None]
    if len(parts) > 1:
        from .join import cat
        parts = [p if p.dim() else expand(p, [1 if i == _wrap_dim(dim, input.dim()) else s
                                                for i, s in enumerate(input.shape)])
                 for p in parts]
        input = cat(parts, dim)
    # composed of narrow and sub, as torch decomposes it (grad_fn SubBackward0)
    for _ in range(n):
        size = input.shape[dim]
        if size == 0:
            break
        hi, lo = narrow(input, dim, 1, size - 1), narrow(input, dim, 0, size - 1)
        input = hi.logical_xor(lo) if input._data.dtype.kind == "b" else hi - lo
    return input


@public
def cartesian_prod(*tensors):
    for t in tensors:
        if t.dim() != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    from .join import stack
    grids = meshgrid(*tensors, indexing="ij")
    return stack([flatten(g) for g in grids], 1)


_INPLACE_NODES = {}


def _inplace_node(node, offset):
    """torch names the in-place forms' nodes apart (squeeze_: SqueezeBackward3, t_: TBackward1):
    the same node class under the in-place name."""
    cls = type(node)
    name = cls.__name__
    stem = name.rstrip("0123456789")
    renamed = f"{stem}{int(name[len(stem):] or 0) + offset}"
    key = (cls, renamed)
    if key not in _INPLACE_NODES:
        # the record of that name where this module has one with the same backward
        # (squeeze_'s), else a subclass under the in-place name
        named = globals().get(renamed)
        same = isinstance(named, type) and getattr(named, "backward", None) is cls.backward
        _INPLACE_NODES[key] = named if same else type(renamed, (cls,), {})
    node.__class__ = _INPLACE_NODES[key]


def _metadata_inplace(fn, offset):
    """An in-place view op: self takes the view's array and history; torch bumps the version."""
    def inplace(self, *args):
        from .copy import check_inplace
        check_inplace(self)
        result = fn(self, *args)
        self._data = result._data
        if result._requires_grad and result._grad_fn is not None:
            _inplace_node(result._grad_fn, offset)
            self._grad_fn = result._grad_fn
            self._output_nr = result._output_nr
        self._bump_version()
        return self
    inplace.__name__ = fn.__name__ + "_"
    return inplace


squeeze_ = _metadata_inplace(squeeze, 3)
unsqueeze_ = _metadata_inplace(unsqueeze, 1)
t_ = _metadata_inplace(t, 1)
transpose_ = _metadata_inplace(transpose, 1)
as_strided_ = _metadata_inplace(as_strided, 1)


# --- constant padding (torch.constant_pad_nd; F.pad's constant mode) ----------------------

class ConstantPadNdBackward0(Op):
    @staticmethod
    def forward(xp, a, pad, value):
        crop = [slice(None)] * a.ndim
        widths = [(0, 0)] * a.ndim
        for i in range(len(pad) // 2):
            dim, lo, hi = a.ndim - 1 - i, pad[2 * i], pad[2 * i + 1]
            crop[dim] = slice(max(-lo, 0), a.shape[dim] - max(-hi, 0))
            widths[dim] = (max(lo, 0), max(hi, 0))
        out = xp.pad(a[tuple(crop)], widths, constant_values=a.dtype.type(value))
        return _layout.suggested(out, a)  # contiguous, or channels-last as the input

    def backward(self, grad):
        # padding by the negated amounts crops what was added (and re-adds what was cut)
        return (constant_pad_nd(grad, [-p for p in self.pad]),)


def pad_pairs(input, pad, functional=True):
    """(dim, before, after) for each padded dim: `pad` lists the last dimension first.
    F.pad checks `pad` with its own messages, torch.constant_pad_nd with aten's."""
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2" if functional else
                           f"Length of pad must be even but instead it equals {len(pad)}")
    if len(pad) // 2 > input.dim():
        raise RuntimeError(f"Padding length should be less than or equal to two times the "
                           f"input dimension but got padding length {len(pad)} and input of "
                           f"dimension {input.dim()}" if functional else
                           f"Length of pad should be no more than twice the number of "
                           f"dimensions of the input. Pad length is {len(pad)}while the input "
                           f"has {input.dim()}dimensions.")
    return [(input.dim() - 1 - i, pad[2 * i], pad[2 * i + 1]) for i in range(len(pad) // 2)]


@public
def constant_pad_nd(input, pad, value=0):
    pad = [int(p) for p in pad]
    pad_pairs(input, pad, functional=False)  # torch's checks
    return apply(ConstantPadNdBackward0, input, pad=pad, value=value)
