"""Reductions: sum, mean, prod, max/min, std/var, norms, cumulative ops, sorting.

A reduction over `dim` keeps the reduced dims (keepdim) in its backward, so that
the incoming gradient can be expanded back over them.  Ops that select elements
(max over a dim, sort, topk, median ...) send the gradient back to the selected
places with `_scatter`, whose own backward is `_gather`: both are tensor ops, so
second derivatives work.
"""
import math
import warnings

from functools import partial

from .. import _dtype as D
from .. import return_types
from .._backend import backend_of_type, BY_ARRAY_TYPE, cpu, ndarray
from .._tensor import Tensor, _wrap, _wrap_dim
from ..autograd.grad_mode import GradMode
from ..autograd.graph import Node
from .shape import flip
from ._core import public
from ._core import Op, apply, record
from ._core import write_out
from ._core import xp_of as _xp_of
from ._layout import contiguous, contiguous_unless, preserve
# out= with the reductions' dtype rule (see _core.write_out)
_out = partial(write_out, dtype="any")

_int = int
_builtin_min, _builtin_max, _builtin_sum = min, max, sum
_INT64 = D.int64._np
_host = cpu.xp  # host scalars (numpy integers count as ints)
_UINT8 = D.uint8._np
_isnan = math.isnan


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


def _numpy_args(name, dim, keepdim, axis, keepdims):
    """numpy's names for dim and keepdim, which torch's argument parser takes too (the
    hottest reductions take them as parameters; the others through _core.numpy_names)."""
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{name}() got multiple values for argument 'dim'")
        dim = axis
    return dim, keepdim if keepdims is None else keepdims


def _sum_dtype(np_dtype, dtype):
    """torch sums bool and integer tensors in int64 unless told otherwise."""
    if dtype is not None:
        return dtype._np
    if np_dtype.kind in "biu":
        return _INT64
    return np_dtype


def _array(r):
    # numpy gives full reductions as numpy scalars (and only numpy: they are cpu results)
    return r if type(r) in BY_ARRAY_TYPE else _cpu_asarray(r)


_cpu_asarray = cpu.xp.asarray


def _reduce(name, a, dims, keepdim, **kwargs):
    """The reduction `name` of a's array module over `dims` (None: all), keeping dims if
    asked."""
    fn = getattr(backend_of_type(type(a)).xp, name)
    if dims is None or a.ndim == 0:
        r = fn(a, **kwargs)
        return _array(r).reshape((1,) * a.ndim) if keepdim else _array(r)
    # numpy lays the result out in the input's order; torch's is C-contiguous
    return contiguous_unless(_array(fn(a, axis=dims, keepdims=keepdim, **kwargs)), a)


def _count(shape, dims):
    n = 1
    # a 0-dim tensor reduced over its dim 0 (or -1) counts its one element
    for d in (range(len(shape)) if dims is None or not shape else dims):
        n *= shape[d]
    return n


def _restore(t, dims, keepdim, ndim):
    """A reduced tensor with its reduced dims put back as size 1 (for broadcasting)."""
    if keepdim or ndim == 0:
        return t
    if dims is None:
        return t.reshape((1,) * ndim)
    for d in dims:
        t = t.unsqueeze(d)
    return t


def _unsqueeze_to(grad, dims, keepdim, shape):
    """The gradient of a reduction, broadcast back to the input's shape."""
    return _restore(grad, dims, keepdim, len(shape)).expand(shape)




def _dtype_name(np_dtype):
    return D.FROM_NUMPY[np_dtype]._legacy[:-6]


def _float_only(a, message):
    if a.dtype.kind not in "fc":
        raise RuntimeError(message)


# ---------------------------------------------------------------------------------------
# The gradients of ops that select elements (max(dim), sort, topk, cummax ...) scatter
# back with indexing's gather/scatter records; reversals use shape's flip.

def _gather(x, dim, index):
    """x's elements at `index` (an int64 array) along `dim`: torch.gather's record."""
    from .indexing import gather
    return gather(x, dim, _wrap(index))


def _scatter(src, dim, index, shape, unique=False):
    """zeros(shape) with src put at the index tensor `index` along `dim`: torch scatters
    unique indices (ScatterBackward0) and adds repeated ones (ScatterAddBackward0)."""
    from .indexing import scatter, scatter_add
    zeros = _wrap(src._xp.zeros(shape, dtype=src._data.dtype))
    if src._data.shape != index._data.shape:
        src = src.expand(index._data.shape)
    return (scatter if unique else scatter_add)(zeros, dim, index, src)


def _flip(x, dim):
    # a copy laid out as x, as torch's flip: a flipped view's negative strides would
    # reach users through the gradients of cumsum and cumprod
    return flip(x, [dim])


# ---------------------------------------------------------------------------------------
# sum, mean, nansum, nanmean

def _accumulating(a, dtype):
    """The dtype a sum of `a` accumulates in: torch adds half floats in float32 (its
    opmath type) and rounds once; numpy would add them in float16 (a sum of 3000 ones
    stops at 2048)."""
    if (dtype is None or dtype == a.dtype) and a.dtype.kind == "f" and a.dtype.itemsize == 2:
        return a.dtype.type(0).astype("float32").dtype
    return dtype


def _rounded(r, a, dtype):
    # the accumulated result back in the dtype torch returns
    target = a.dtype if dtype is None else dtype
    return r.astype(target) if r.dtype != target else r


class SumBackward0(Op):
    """sum of all elements (`shape`: the input's, for the backward)."""

    @staticmethod
    def forward(xp, a, shape, dtype=None, keepdim=False):
        r = _rounded(_array(a.sum(dtype=_accumulating(a, dtype))), a, dtype)
        return r.reshape((1,) * a.ndim) if keepdim else r

    def backward(self, grad):
        return (grad.expand(self.shape),)


class SumBackward1(Op):
    """sum over `dims`."""

    @staticmethod
    def forward(xp, a, shape, dtype, dims, keepdim):
        wide = _accumulating(a, dtype)
        if a.ndim == 0:
            r = _rounded(_array(a.sum(dtype=wide)), a, dtype)
            return r.reshape((1,) * a.ndim) if keepdim else r
        return contiguous_unless(
            _rounded(_array(a.sum(axis=dims, dtype=wide, keepdims=keepdim)), a, dtype), a)

    def backward(self, grad):
        return (_unsqueeze_to(grad, self.dims, self.keepdim, self.shape),)


_add_reduce = cpu.xp.add.reduce


@public
def sum(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=None, keepdims=None):
    if out is not None and dtype is None:
        dtype = out.dtype  # torch accumulates in out's dtype
    if axis is not None or keepdims is not None:
        dim, keepdim = _numpy_args("sum", dim, keepdim, axis, keepdims)
    a = input._data
    if dim is None and not keepdim and dtype is None and out is None and a.dtype.kind in "fc" \
            and type(a) is ndarray:
        # the full sum of a float tensor (most losses end in one), without argument handling
        result = _wrap(_cpu_asarray(_add_reduce(a, None)))
        if input._requires_grad and GradMode.enabled:
            record(SumBackward0, (input,), result).shape = a.shape
        return result
    dims = _dims(dim, a.ndim)
    acc = _sum_dtype(a.dtype, dtype)
    if dim is None:
        result = apply(SumBackward0, input, shape=a.shape, dtype=acc, keepdim=keepdim)
    elif dims is None:  # an empty dim list: all dims, recorded as torch's sum.dim_IntList
        result = apply(SumBackward1, input, shape=a.shape, dtype=acc,
                       dims=tuple(range(a.ndim)), keepdim=keepdim)
    else:
        result = apply(SumBackward1, input, shape=a.shape, dtype=acc, dims=dims,
                       keepdim=keepdim)
    return _out(out, result)


class MeanBackward0(Op):
    """mean of all elements: their sum divided by `count` (as numpy's mean, without its
    empty-slice warning)."""

    @staticmethod
    def forward(xp, a, shape, count, dims=None, keepdim=False):
        wide = _accumulating(a, None)
        if wide is not None:  # half floats: summed and divided in float32, as torch's
            total = _reduce("sum", a, dims, keepdim, dtype=wide)
            return _rounded(_array(xp.true_divide(total, count, dtype=wide)), a, None)
        return xp.true_divide(_reduce("sum", a, dims, keepdim), count, dtype=a.dtype)

    def backward(self, grad):
        return (grad.expand(self.shape) / self.count,)


class MeanBackward1(MeanBackward0):
    """mean over `dims`."""

    def backward(self, grad):
        return (_unsqueeze_to(grad, self.dims, self.keepdim, self.shape) / self.count,)


@public
def mean(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=None, keepdims=None):
    if axis is not None or keepdims is not None:
        dim, keepdim = _numpy_args("mean", dim, keepdim, axis, keepdims)
    a = input._data
    if dtype is None and a.dtype.kind not in "fc":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {_dtype_name(a.dtype)}")
    if dtype is not None:
        input = input.to(dtype)
    dims = _dims(dim, a.ndim)
    count = _count(a.shape, dims)
    node = MeanBackward0 if dim is None else MeanBackward1
    return _out(out, apply(node, input, shape=a.shape, count=count, dims=dims,
                           keepdim=keepdim))


class NansumBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a, dims, keepdim, dtype):
        return _reduce("nansum", a, dims, keepdim, dtype=dtype)

    def backward(self, grad):
        (x,) = self.saved()
        keep = x.isnan().logical_not()
        return (_restore(grad, self.dims, self.keepdim, x.dim()) * keep,)


@public
def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    a = input._data
    return _out(out, apply(NansumBackward0, input, dims=_dims(dim, a.ndim), keepdim=keepdim,
                           dtype=_sum_dtype(a.dtype, dtype)))


@public
def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    if input._data.dtype.kind not in "fc":
        raise RuntimeError("nanmean(): expected input to have floating point or complex dtype "
                           f"but got {input.dtype._name.capitalize()}")
    present = _wrap(~input._xp.isnan(input._data))
    return _out(out, nansum(input, dim, keepdim, dtype=dtype) / sum(present, dim, keepdim))


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
    if not (GradMode.enabled and input._requires_grad):
        # the engine reduces every broadcast gradient through here: one numpy call
        a = input._data
        acc = _sum_dtype(a.dtype, None)
        add_reduce = _add_reduce if type(a) is ndarray else input._xp.add.reduce
        return _wrap(add_reduce(a, axis=tuple(dims), dtype=acc, keepdims=True).reshape(shape))
    result = sum(input, dims, keepdim=True)
    if lead:
        result = result.view(shape)
    return result


# ---------------------------------------------------------------------------------------
# prod, cumsum, cumprod, logsumexp

def _prod_safe_zeros_backward(grad, x, dim):
    """d prod / d x_i as (product of the x before i) * (product of the x after i): right
    where x holds zeros, where result / x is not."""
    xp = _xp_of(x)
    from .join import cat
    n = x._data.shape[dim]
    if n == 1:
        return grad.expand(x._data.shape)
    ones = _wrap(xp.ones(x._data.shape[:dim] + (1,) + x._data.shape[dim + 1:], x._data.dtype))
    head = (slice(None),) * dim
    before = cat([ones, x[head + (slice(0, n - 1),)]], dim).cumprod(dim)
    after = _flip(cat([ones, _flip(x[head + (slice(1, n),)], dim)], dim).cumprod(dim), dim)
    return grad * (before * after)


class ProdBackward0(Op):
    """prod of all elements."""

    saves = ("self", "result")

    @staticmethod
    def forward(xp, a, dtype):
        return a.prod(dtype=dtype)

    def backward(self, grad):
        x, result = self.saved()
        if x.dim() == 0:
            return (grad,)
        if not (x == 0).any():
            return (grad * (result / x),)
        flat = x.reshape(-1)
        return (_prod_safe_zeros_backward(grad.reshape(1), flat, 0).reshape(x._data.shape),)


class ProdBackward1(Op):
    """prod along `dim`."""

    saves = ("self", "result")

    @staticmethod
    def forward(xp, a, dtype, dim, keepdim):
        if a.ndim == 0:
            return a.astype(dtype)
        return contiguous_unless(_array(a.prod(axis=dim, dtype=dtype, keepdims=keepdim)), a)

    def backward(self, grad):
        x, result = self.saved()
        if x.dim() == 0:
            return (grad,)
        if not self.keepdim:
            grad = grad.unsqueeze(self.dim)
            result = result.unsqueeze(self.dim)
        if not (x == 0).any():
            return (grad * (result / x),)
        return (_prod_safe_zeros_backward(grad, x, self.dim),)


@public
def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    if out is not None and dtype is None:
        dtype = out.dtype  # torch accumulates in out's dtype
    a = input._data
    acc = _sum_dtype(a.dtype, dtype)
    if dim is None:
        return _out(out, apply(ProdBackward0, input, dtype=acc))
    if not isinstance(dim, _int):
        raise TypeError(f"prod(): argument 'dim' must be int, not {type(dim).__name__}")
    return _out(out, apply(ProdBackward1, input, dtype=acc, dim=_wrap_dim(dim, a.ndim),
                           keepdim=keepdim))


def _cumulative(xp, name, a, dim, dtype):
    """cumsum / cumprod of an array along `dim`, laid out as torch lays it out."""
    if a.ndim == 0:
        return a.astype(dtype)
    wide = _accumulating(a, dtype) if name == "cumsum" else dtype
    return contiguous_unless(_rounded(getattr(xp, name)(a, axis=dim, dtype=wide), a, dtype), a)


class CumsumBackward0(Op):
    @staticmethod
    def forward(xp, a, dim, dtype):
        return _cumulative(xp, "cumsum", a, dim, dtype)

    def backward(self, grad):
        if grad.dim() == 0:
            return (grad,)
        return (_flip(_flip(grad, self.dim).cumsum(self.dim), self.dim),)


def _cum_dim(a, dim):
    return _wrap_dim(dim, a.ndim)


def _run_cumulative(node, input, dim, dtype, out):
    if out is not None and dtype is None:
        dtype = out.dtype  # torch accumulates in out's dtype
    a = input._data
    return _out(out, apply(node, input, dim=_cum_dim(a, dim), dtype=_sum_dtype(a.dtype, dtype)))


@public(inplace="method")
def cumsum(input, dim, *, dtype=None, out=None):
    return _run_cumulative(CumsumBackward0, input, dim, dtype, out)


class CumprodBackward0(Op):
    saves = ("self", "result")

    @staticmethod
    def forward(xp, a, dim, dtype):
        return _cumulative(xp, "cumprod", a, dim, dtype)

    def backward(self, grad):
        x, result = self.saved()
        d = self.dim
        if x.dim() == 0:
            return (grad,)
        if not (x == 0).any():
            # sum over j >= i of grad_j * out_j / x_i
            return (_flip(_flip(grad * result, d).cumsum(d), d) / x,)
        return (_cumprod_backward_with_zeros(grad, x, d),)


def _cumprod_backward_with_zeros(grad, x, dim):
    """d out_j / d x_i is the product of x_k over k <= j, k != i: build it for every
    (i, j) pair (quadratic in the dim's size, but exact where x holds zeros)."""
    xp = _xp_of(x)
    xt = x.transpose(dim, -1)
    n = xt._data.shape[-1]
    eye = _wrap(xp.eye(n, dtype=bool))
    others = xt.unsqueeze(-2).expand(xt._data.shape[:-1] + (n, n))
    from .elementwise import where
    products = where(eye, 1.0, others).cumprod(-1)        # [..., i, j]
    upper = _wrap(xp.triu(xp.ones((n, n), dtype=x._data.dtype)))
    g = grad.transpose(dim, -1).unsqueeze(-2)
    return (products * g * upper).sum(-1).transpose(dim, -1)


@public(inplace="method")
def cumprod(input, dim, *, dtype=None, out=None):
    return _run_cumulative(CumprodBackward0, input, dim, dtype, out)


class LogsumexpBackward0(Op):
    saves = ("self", "result")

    @staticmethod
    def forward(xp, a, dims, keepdim):
        if a.dtype.kind not in "fc":
            a = a.astype(D.get_default_dtype()._np)
        if a.size == 0:
            r = _reduce("sum", xp.exp(a), dims, keepdim)
            with xp.errstate(divide="ignore"):
                return xp.log(r)
        m = _reduce("max", a, dims, True)
        m = xp.where(xp.isfinite(m), m, 0).astype(a.dtype, copy=False)
        with xp.errstate(divide="ignore"):
            s = xp.log(_reduce("sum", xp.exp(a - m), dims, True)) + m
        return s if keepdim else s.reshape(_reduced_shape(a.shape, dims))

    def backward(self, grad):
        x, result = self.saved()
        n = x.dim()
        g = _restore(grad, self.dims, self.keepdim, n)
        return (g * (x - _restore(result, self.dims, self.keepdim, n)).exp(),)


@public
def logsumexp(input, dim, keepdim=False, *, out=None):
    dims = _dims(dim, input._data.ndim)
    return _out(out, apply(LogsumexpBackward0, input, dims=dims, keepdim=keepdim))


def _reduced_shape(shape, dims):
    if dims is None:
        return ()
    return tuple(s for i, s in enumerate(shape) if i not in dims)


# ---------------------------------------------------------------------------------------
# max, min, amax, amin, aminmax, argmax, argmin

def _ties_mask(a, value):
    """Where `a` equals the (broadcast) reduced `value`, NaN matching NaN."""
    xp = _xp_of(a)
    mask = a == value
    if a.dtype.kind in "fc":
        mask |= xp.isnan(a) & xp.isnan(value)
    return mask


def _ties_share(x, value, dims=None):
    """Each element's share of a reduced gradient: 1/k where x equals the (broadcast)
    reduced `value` (NaN matching NaN) and k elements do, 0 elsewhere; in x's dtype.  Made
    of ops, as the backward formulas that use it are."""
    mask = x == value
    if x.is_floating_point() or x.is_complex():
        mask = mask.logical_or(x.isnan().logical_and(value.isnan()))
    mask = mask.to(x.dtype)  # (the division in x's dtype, as numpy's true division was)
    return mask / (mask.sum() if dims is None else mask.sum(dims, keepdim=True))


class _EvenlyDistributed(Op):
    """A full reduction that picks a value (max(), median()): the gradient is split
    evenly among the elements equal to it."""

    saves = ("self", "result")

    def backward(self, grad):
        x, result = self.saved()
        return (grad * _ties_share(x, result),)


def _full_extreme(fn):
    def forward(xp, a):
        return xp.asarray(getattr(xp, fn)(a))
    return staticmethod(forward)


class MaxBackward1(_EvenlyDistributed):
    forward = _full_extreme("max")


class MinBackward1(_EvenlyDistributed):
    forward = _full_extreme("min")


def _full_median(ignore_nan):
    def forward(xp, a):
        flat = a.reshape(-1)
        nan = xp.isnan(flat) if flat.dtype.kind == "f" else None
        if flat.size == 0 or (nan is not None and nan.any() and (not ignore_nan or nan.all())):
            value = math.nan
        else:
            k = (flat.size - (0 if nan is None else int(nan.sum())) - 1) // 2
            value = xp.partition(flat, k)[k]
        with xp.errstate(invalid="ignore"):
            # torch casts the NaN of an empty input to integer and bool dtypes too
            return xp.asarray(value).astype(a.dtype)
    return staticmethod(forward)


class MedianBackward0(_EvenlyDistributed):
    forward = _full_median(False)


class NanmedianBackward0(_EvenlyDistributed):
    forward = _full_median(True)


class _ValueSelecting(Op):
    """An op whose values are input elements along `dim` (max(dim), sort, topk ...): the
    forward returns (values, indices), the indices found by the record's `index_of`; the
    gradient goes back to where the values came from."""

    saves = ("result1",)
    unique = True

    def backward(self, grads):
        grad = grads[0]
        if grad is None:
            return (None,)
        if not self.shape:
            return (grad,)
        (index,) = self.saved()
        if not self.keepdim:
            grad = grad.unsqueeze(self.dim)
            index = index.unsqueeze(self.dim)
        return (_scatter(grad, self.dim, index, self.shape, self.unique),)


def _selecting(index_of, keep_layout=False):
    """The forward of a value-selecting record: `index_of(xp, a, dim, **params)` gives
    the chosen indices in the input's number of dims (keepdim form).  Results are
    C-contiguous, or laid out as the input (`keep_layout`, sort's rule: torch's
    preserve_format)."""
    def forward(xp, a, dim, keepdim, shape, **params):
        if a.ndim == 0:
            return a.copy(), xp.zeros((), _INT64)
        index = index_of(xp, a, dim, **params)
        values = xp.take_along_axis(a, index, dim)
        indices = index
        if not keepdim:
            values = values.squeeze(dim)
            indices = index.squeeze(dim)
        if keep_layout:
            values, indices = preserve(values, a), preserve(indices, a)
        else:
            values, indices = contiguous(values), contiguous(indices)
        return values, indices.astype(_INT64, copy=False)
    return staticmethod(forward)


def _arg_index(fn):
    def index_of(xp, a, dim):
        return getattr(xp, fn)(a, axis=dim, keepdims=True)
    return index_of


class MaxBackward0(_ValueSelecting):
    forward = _selecting(_arg_index("argmax"))


class MinBackward0(_ValueSelecting):
    forward = _selecting(_arg_index("argmin"))


def _selected(node_cls, rtype, input, dim, keepdim, **params):
    """The (values, indices) named tuple of the value-selecting record `node_cls`."""
    return rtype(apply(node_cls, input, dim=dim, keepdim=keepdim, shape=input._data.shape,
                       **params))


def _nonempty_dim(name, a, d):
    if a.ndim and a.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _int_dim(name, dim):
    if not isinstance(dim, (_int, _host.integer)) or isinstance(dim, bool):
        raise TypeError(f"{name}(): argument 'dim' (position 1) must be int, not "
                        f"{type(dim).__name__}")


def _extreme(name, full_node, dim_node, rtype, binary):
    def reduce(input, dim=None, keepdim=False, *, out=None):
        if isinstance(dim, Tensor):
            from . import elementwise
            return getattr(elementwise, binary)(input, dim, out=out) if out is not None \
                else getattr(elementwise, binary)(input, dim)
        a = input._data
        if dim is None:
            if a.size == 0:
                raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                                   "input.numel() == 0. Specify the reduction dim with the "
                                   "'dim' argument.")
            return apply(full_node, input)
        _int_dim(name, dim)
        d = _wrap_dim(dim, a.ndim)
        _nonempty_dim(name, a, d)
        result = _selected(dim_node, rtype, input, d, keepdim)
        if out is not None:
            return rtype((_out(out[0], result[0]), _out(out[1], result[1])))
        return result
    reduce.__name__ = name
    return reduce


max = public(_extreme("max", MaxBackward1, MaxBackward0, return_types.max, "maximum"))
min = public(_extreme("min", MinBackward1, MinBackward0, return_types.min, "minimum"))


class _ScaledByCount(Node):
    """amax/amin/aminmax: the gradient split evenly among the elements equal to the
    result."""

    def _part(self, grad, x, value):
        value = value.reshape(_restore_shape(x.shape, self.dims, self.keepdim))
        dims = tuple(range(x.dim())) if self.dims is None else self.dims
        return _restore(grad, self.dims, self.keepdim, x.dim()) * \
            _ties_share(x, value, dims if x.dim() else None)


def _restore_shape(shape, dims, keepdim):
    if dims is None:
        return (1,) * len(shape)
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


class AmaxBackward0(Op, _ScaledByCount):
    """amax over `dims`: as torch, the backward reads the saved result (the values whose
    ties share the gradient)."""

    saves = ("self", "result")

    @staticmethod
    def forward(xp, a, dims, keepdim):
        return _reduce("max", a, dims, keepdim)

    def backward(self, grad):
        x, result = self.saved()
        return (self._part(grad, x, result),)


class AminBackward0(AmaxBackward0):
    @staticmethod
    def forward(xp, a, dims, keepdim):
        return _reduce("min", a, dims, keepdim)


class AminmaxBackward0(Op, _ScaledByCount):
    saves = ("self", "result0", "result1")

    @staticmethod
    def forward(xp, a, dims, keepdim):
        return _reduce("min", a, dims, keepdim), _reduce("max", a, dims, keepdim)

    def backward(self, grads):
        x, low, high = self.saved()
        g_min, g_max = grads
        parts = [self._part(g, x, v) for g, v in ((g_min, low), (g_max, high))
                 if g is not None]
        return (parts[0] if len(parts) == 1 else parts[0] + parts[1],)


def _amax_like(name, node):
    def reduce(input, dim=(), keepdim=False, *, out=None):
        a = input._data
        dims = _dims(dim, a.ndim)
        _check_extreme_dims(name, a, dims)
        return _out(out, apply(node, input, dims=dims, keepdim=keepdim))
    reduce.__name__ = name
    return reduce


def _check_extreme_dims(name, a, dims):
    if a.size:
        return
    if dims is None:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                           "input.numel() == 0. Specify the reduction dim with the 'dim' "
                           "argument.")
    for d in dims:
        if a.ndim and a.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


amax = public(_amax_like("amax", AmaxBackward0))
amin = public(_amax_like("amin", AminBackward0))


@public
def aminmax(input, *, dim=None, keepdim=False, out=None):
    a = input._data
    dims = None if dim is None else (_wrap_dim(dim, a.ndim),)
    if a.size == 0 and (dims is None or (a.ndim and a.shape[dims[0]] == 0)):
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                           "operation has no identity.")
    keep = keepdim and dim is not None
    return return_types.aminmax(apply(AminmaxBackward0, input, dims=dims, keepdim=keep))


def _arg_extreme(name, fn):
    def arg(input, dim=None, keepdim=False, *, out=None):
        xp = _xp_of(input)
        a = input._data
        if a.dtype.kind == "b":
            raise RuntimeError(f"{name}(): does not support bool input")
        if dim is None:
            if a.size == 0:
                raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                                 "input.numel() == 0.")
            r = xp.asarray(getattr(xp, fn)(a), dtype=_INT64)
            result = _wrap(r.reshape((1,) * a.ndim) if keepdim else r)
        else:
            d = _wrap_dim(dim, a.ndim)
            _nonempty_dim(name, a, d)
            r = getattr(xp, fn)(a, axis=d, keepdims=keepdim) if a.ndim else xp.zeros((), _INT64)
            result = _wrap(contiguous_unless(_array(r).astype(_INT64, copy=False), a))
        return _out(out, result)
    arg.__name__ = name
    return arg


argmax = public(_arg_extreme("argmax", "argmax"))
argmin = public(_arg_extreme("argmin", "argmin"))


# ---------------------------------------------------------------------------------------
# var, std, var_mean, std_mean

def _var_args(name, dim, unbiased, correction):
    """torch's overloads: var(x, unbiased), var(x, dim, unbiased, keepdim),
    var(x, dim, *, correction, keepdim)."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise RuntimeError(f"{name}: Only one of unbiased and correction may be given")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return dim, correction


def _var_dtype_check(name, a):
    if a.dtype.kind not in "fc":
        what = name if name.endswith("_mean") else "std and var"
        raise RuntimeError(f"{what} only support floating point and complex dtypes")


def _var_dof(name, a, dims, correction):
    """The degrees of freedom of a variance over `dims`, with torch's warning at <= 0."""
    dof = _builtin_max(0, _count(a.shape, dims) - correction)
    if dof <= 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly "
                      "less than the reduction factor (input numel divided by output numel).",
                      UserWarning, stacklevel=3)
    return dof


def _var_forward(xp, a, dims, keepdim, dof):
    """(variance, mean) over `dims` (half floats computed in float32, as torch's)."""
    wide = _accumulating(a, None)
    if wide is not None:
        var, mean_ = _var_forward(xp, a.astype(wide), dims, keepdim, dof)
        return var.astype(a.dtype), mean_.astype(a.dtype)
    n = _count(a.shape, dims)
    with xp.errstate(invalid="ignore", divide="ignore"):
        m = _reduce("sum", a, dims, True) / n  # (no elements: nan, as torch's mean)
        centered = a - m
        sq = centered.real ** 2 + centered.imag ** 2 if a.dtype.kind == "c" \
            else centered * centered
        var = _reduce("sum", sq, dims, keepdim) / dof
        mean_ = m if keepdim else m.reshape(_reduced_shape(a.shape, dims))
    real = sq.dtype
    return _array(var).astype(real, copy=False), _array(mean_).astype(a.dtype, copy=False)


def _var_backward(grad, x, dims, keepdim, dof):
    g = _restore(grad, dims, keepdim, x.dim())
    if not dof and (dims is None or x.dim() == 0):
        # torch: infinity (2 / 0), NaN where x is at its mean, a constant of x
        from .elementwise import where
        return g * where(x.detach() == mean(x.detach()), float("nan"), float("inf"))
    # with a dim, torch's 2 / 0 is infinity too
    scale = 2.0 / dof if dof else float("inf")
    return scale * g * (x - mean(x, dims, True))


def _std_grad_scale(grad, result):
    """grad / (2 std), taken as 0 where std is 0 (torch's choice at a constant input)."""
    zero = _wrap(result._data == 0)
    return _masked_zero(zero, grad / (2 * _nonzero(result, zero)))


def _nonzero(t, zero):
    """t with its zeros (where the gradient is masked to 0 anyway) replaced by 1, so that
    dividing by it makes no inf or NaN, in this derivative or the next."""
    from .elementwise import where
    return where(zero, 1.0, t)


class VarBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a, dims, keepdim, dof):
        return _var_forward(xp, a, dims, keepdim, dof)[0]

    def backward(self, grad):
        (x,) = self.saved()
        return (_var_backward(grad, x, self.dims, self.keepdim, self.dof),)


class StdBackward0(Op):
    saves = ("self", "result")

    @staticmethod
    def forward(xp, a, dims, keepdim, dof):
        return xp.sqrt(_var_forward(xp, a, dims, keepdim, dof)[0])

    def backward(self, grad):
        x, result = self.saved()
        grad = _std_grad_scale(grad, result)
        return (_var_backward(grad, x, self.dims, self.keepdim, self.dof),)


class VarMeanBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a, dims, keepdim, dof):
        return _var_forward(xp, a, dims, keepdim, dof)

    def backward(self, grads):
        (x,) = self.saved()
        return (_moments_backward(grads[0], grads[1], x, self),)


class StdMeanBackward0(Op):
    saves = ("self", "result0")

    @staticmethod
    def forward(xp, a, dims, keepdim, dof):
        var, mean_ = _var_forward(xp, a, dims, keepdim, dof)
        return xp.sqrt(var), mean_

    def backward(self, grads):
        x, result = self.saved()
        g_std = None if grads[0] is None else _std_grad_scale(grads[0], result)
        return (_moments_backward(g_std, grads[1], x, self),)


def _moments_backward(g_var, g_mean, x, node):
    parts = []
    if g_var is not None:
        parts.append(_var_backward(g_var, x, node.dims, node.keepdim, node.dof))
    if g_mean is not None:
        parts.append(_unsqueeze_to(g_mean, node.dims, node.keepdim, x._data.shape)
                     / _count(x._data.shape, node.dims))
    return parts[0] if len(parts) == 1 else parts[0] + parts[1]


def _moment(name, root, with_mean):
    node = {(False, False): VarBackward0, (True, False): StdBackward0,
            (False, True): VarMeanBackward0, (True, True): StdMeanBackward0}[root, with_mean]

    def moment(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
        a = input._data
        dim, correction = _var_args(name, dim, unbiased, correction)
        _var_dtype_check(name, a)  # before the dims', as torch checks
        dims = _dims(dim, a.ndim)
        dof = _var_dof(name, a, dims, correction)
        outs = apply(node, input, dims=dims, keepdim=keepdim, dof=dof)
        return outs if with_mean else _out(out, outs)
    moment.__name__ = name
    return moment


var = public(_moment("var", False, False))
std = public(_moment("std", True, False))
var_mean = public(_moment("var_mean", False, True))
std_mean = public(_moment("std_mean", True, True))


# ---------------------------------------------------------------------------------------
# norms

class LinalgVectorNormBackward0(Op):
    saves = ("self", "result")

    @staticmethod
    def forward(xp, a, dims, keepdim, ord):
        return _vector_norm_forward(a, ord, dims, keepdim)

    def backward(self, grad):
        x, result = self.saved()
        n = x.dim()
        grad = _restore(grad, self.dims, self.keepdim, n)
        norm = _restore(result, self.dims, self.keepdim, n)
        return (_vector_norm_backward(grad, x, norm, self.ord, self.dims),)


def _masked_zero(mask, t):
    from .elementwise import where
    return where(mask if isinstance(mask, Tensor) else _wrap(mask), 0.0, t)


def _vector_norm_backward(grad, x, norm, p, dims):
    xp = _xp_of(x)
    zero_norm = _wrap(norm._data == 0)
    safe_norm = _nonzero(norm, zero_norm)
    if p == 0:
        return None
    if p == 1:
        return x.sgn() * grad
    if p == 2:
        # x / norm itself (not a safe denominator): torch's second derivative is NaN where
        # the norm is 0, and so is ours
        with xp.errstate(divide="ignore", invalid="ignore"):
            return grad * _masked_zero(zero_norm, x / norm)
    if p in (float("inf"), float("-inf")):
        x_abs = x._data.__abs__()
        mask = (x_abs == norm._data) | xp.isnan(x_abs)
        count = _reduce("sum", mask, dims, True)
        return x.sgn() * ((grad / _wrap(count)) * _wrap(mask))
    if p < 1:
        scaled = x.sgn() * _masked_zero(x._data == 0, x.abs().pow(p - 1))
        return scaled * grad * norm.pow(1 - p)
    scaled = x.sgn() * x.abs().pow(p - 1) if p < 2 else x * x.abs().pow(p - 2)
    return scaled * _masked_zero(zero_norm, grad / safe_norm.pow(p - 1))


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    a = x._data
    if a.dtype.kind not in "fc":
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {_dtype_name(a.dtype)}")
    if dtype is not None:
        x = x.to(dtype)
        a = x._data
    if isinstance(dim, _int):
        dim = (dim,)
    dims = _dims(dim, a.ndim)
    p = float(ord)
    if a.size == 0 and p < 0:
        raise RuntimeError("linalg.vector_norm cannot compute the "
                           f"{ord} norm on an empty tensor because the operation does not "
                           "have an identity")
    return _out(out, apply(LinalgVectorNormBackward0, x, dims=dims, keepdim=keepdim, ord=p))


def _vector_norm_forward(a, p, dims, keepdim):
    xp = _xp_of(a)
    mag = xp.abs(a)
    out_dtype = mag.dtype
    wide = _accumulating(mag, None)
    if wide is not None:  # half floats: powers and sums in float32, as torch's
        mag = mag.astype(wide)
    if p == 2:
        r = xp.sqrt(_reduce("sum", mag * mag, dims, keepdim))
    elif p == 1:
        r = _reduce("sum", mag, dims, keepdim)
    elif p == float("inf"):
        r = _reduce("max", mag, dims, keepdim, initial=0)
    elif p == float("-inf"):
        r = _reduce("min", mag, dims, keepdim)
    elif p == 0:
        r = _reduce("sum", mag != 0, dims, keepdim, dtype=mag.dtype)
    else:
        with xp.errstate(divide="ignore"):
            r = _reduce("sum", mag ** p, dims, keepdim) ** (1.0 / p)
    return _array(r).astype(out_dtype, copy=False)


@public
def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    if isinstance(dim, _int):
        dim = (dim,)
    if isinstance(p, str):
        if p == "fro" and (dim is None or len(dim) <= 2):
            return vector_norm(input, 2, dim, keepdim, dtype=dtype, out=out)
        from .linalg_decomp import matrix_norm
        return matrix_norm(input, p, dim if dim is not None else (-2, -1), keepdim,
                           dtype=dtype, out=out)
    return vector_norm(input, 2 if p is None else p, dim, keepdim, dtype=dtype, out=out)


# ---------------------------------------------------------------------------------------
# sorting and order statistics

# rows longer than this that hold ties get torch's (unstable) order by running its
# algorithm in Python; past this many elements, the stable order stands in for it
_EMULATION_BUDGET = 10_000


def _sort_order(a, axis, descending=False, stable=False):
    """Indices that sort `a` along `axis` as torch's CPU sort orders them: NaN counts as
    largest; equal elements keep their order when `stable` or when their row is short
    (std::sort is an insertion sort up to 16 elements), else follow std::sort."""
    xp = _xp_of(a)
    n = a.shape[axis] if a.ndim else 1
    if n < 2 or a.size == 0 or (stable and a.dtype.kind != "f"):
        return _argsort_stable(a, axis, descending)
    rows, lead = _rows(a, axis)
    index = xp.argsort(rows, axis=-1, kind="stable" if a.dtype.kind != "f" else None)
    s = xp.take_along_axis(rows, index, -1)
    tied = _ties_mask(s[:, 1:], s[:, :-1]).any(-1)
    if descending:
        index = index[:, ::-1]
    if tied.any():
        if stable or n <= 16 or int(tied.sum()) * n > _EMULATION_BUDGET:
            index[tied] = _argsort_stable(rows[tied], -1, descending)
        else:
            before = _descending_first if descending else _ascending_first
            for r in xp.nonzero(tied)[0]:
                items = list(zip(rows[r].tolist(), range(n)))
                _std_sort(items, 0, n, before)
                index[r] = [i for _, i in items]
    return xp.moveaxis(index.reshape(lead + (n,)), -1, axis)


def _ascending_first(x, y):
    return (not _isnan(x[0]) and _isnan(y[0])) or x[0] < y[0]


def _descending_first(x, y):
    return (_isnan(x[0]) and not _isnan(y[0])) or x[0] > y[0]


def _argsort_stable(a, axis, descending):
    xp = _xp_of(a)
    if not descending:
        return xp.argsort(a, axis=axis, kind="stable")
    # sort the reversed array ascending, then reverse back: equal elements keep their
    # original order and NaNs come first
    n = a.shape[axis]
    flipped = xp.flip(a, axis)
    return (n - 1) - xp.flip(xp.argsort(flipped, axis=axis, kind="stable"), axis)


def _sort_index(xp, a, dim, descending, stable):
    return _sort_order(a, dim, descending, stable)


class SortBackward0(_ValueSelecting):
    forward = _selecting(_sort_index, keep_layout=True)


@public
def sort(input, dim=-1, descending=False, stable=False, *, out=None):
    d = _wrap_dim(dim, input._data.ndim)
    return _selected(SortBackward0, return_types.sort, input, d, True, descending=descending,
                     stable=stable)


@public
def argsort(input, dim=-1, descending=False, stable=False):
    xp = _xp_of(input)
    a = input._data
    d = _wrap_dim(dim, a.ndim)
    if a.ndim == 0:
        return _wrap(xp.zeros((), _INT64))
    return _wrap(preserve(_sort_order(a, d, descending, stable).astype(_INT64, copy=False), a))


@public
def msort(input, *, out=None):
    return _out(out, sort(input, 0).values)


@public
def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    a = input._data
    d = _wrap_dim(dim, a.ndim)
    if a.dtype.kind == "b":
        raise RuntimeError("topk does not support bool dtypes on CPU")
    size = a.shape[d] if a.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    return _selected(TopkBackward0, return_types.topk, input, d, True, k=k, largest=largest,
                     sorted=sorted)


def _topk_index(xp, a, dim, k, largest, sorted):
    rows, lead = _rows(a, dim)
    chosen = _sort_order(rows, 1, largest, stable=True)[:, :k]
    if k > 0:
        # where ties (or sorted=False) leave the order open, follow the selection torch runs
        picked = rows[xp.arange(len(rows))[:, None], chosen]
        open_ = _ties_mask(rows, picked[:, -1:]).sum(-1) > 1
        open_ |= _ties_mask(picked[:, 1:], picked[:, :-1]).any(-1)
        open_ |= not sorted and k * 64 > a.shape[dim]
        for r in xp.nonzero(open_)[0]:
            chosen[r] = _torch_topk_row(rows[r], k, largest, sorted)
    return xp.moveaxis(chosen.reshape(lead + (k,)), -1, dim)


class TopkBackward0(_ValueSelecting):
    forward = _selecting(_topk_index)


def _torch_topk_row(row, k, largest, sorted_):
    """The indices ATen's CPU topk picks for one row: libstdc++'s partial_sort where
    k * 64 <= n, else nth_element and then std::sort of the first k - 1."""
    items = list(zip(row.tolist(), range(len(row))))
    if largest:
        def before(x, y):
            return (x[0] != x[0] and y[0] == y[0]) or x[0] > y[0]
    else:
        def before(x, y):
            return (x[0] == x[0] and y[0] != y[0]) or x[0] < y[0]
    if k * 64 <= len(items):
        _partial_sort(items, k, before)
        return [i for _, i in items[:k]]
    _introselect(items, k - 1, before)
    if sorted_:
        _std_sort(items, 0, k - 1, before)
    return [i for _, i in items[:k]]


def _partial_sort(v, middle, before):
    """libstdc++'s partial_sort: a heap of the first `middle`, fed the rest, sorted."""
    if middle > 1:
        for parent in range((middle - 2) // 2, -1, -1):
            _adjust_heap(v, parent, middle, v[parent], before)
    for i in range(middle, len(v)):
        if before(v[i], v[0]):
            value, v[i] = v[i], v[0]
            _adjust_heap(v, 0, middle, value, before)
    for last in range(middle - 1, 0, -1):
        value, v[last] = v[last], v[0]
        _adjust_heap(v, 0, last, value, before)


def _adjust_heap(v, hole, length, value, before):
    top = child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if before(v[child], v[child - 1]):
            child -= 1
        v[hole] = v[child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        v[hole] = v[child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and before(v[parent], value):
        v[hole] = v[parent]
        hole = parent
        parent = (hole - 1) // 2
    v[hole] = value


def _std_sort(v, first, last, before):
    """libstdc++'s std::sort: introsort down to runs of 16, then insertion sort."""
    depth = 2 * ((last - first).bit_length() - 1) if last > first else 0
    stack = [(first, last, depth)]
    while stack:
        lo, hi, depth = stack.pop()
        while hi - lo > 16:
            if depth == 0:
                # heapsort in libstdc++; reached only on adversarial inputs
                v[lo:hi] = sorted(v[lo:hi], key=_sort_key(before))
                break
            depth -= 1
            cut = _partition_pivot(v, lo, hi, before)
            stack.append((cut, hi, depth))
            hi = cut
    _insertion_sort(v, first, last, before)


def _sort_key(before):
    import functools
    return functools.cmp_to_key(lambda x, y: -1 if before(x, y) else (1 if before(y, x) else 0))


def _introselect(v, nth, before):
    first, last = 0, len(v)
    depth = 2 * (len(v).bit_length() - 1)
    while last - first > 3:
        if depth == 0:
            v[first:last] = sorted(v[first:last], key=_sort_key(before))
            return
        depth -= 1
        cut = _partition_pivot(v, first, last, before)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(v, first, last, before)


def _partition_pivot(v, first, last, before):
    mid = first + (last - first) // 2
    a, b, c = first + 1, mid, last - 1
    if before(v[a], v[b]):
        pick = b if before(v[b], v[c]) else (c if before(v[a], v[c]) else a)
    else:
        pick = a if before(v[a], v[c]) else (c if before(v[b], v[c]) else b)
    v[first], v[pick] = v[pick], v[first]
    lo, hi, pivot = first + 1, last, v[first]
    while True:
        while before(v[lo], pivot):
            lo += 1
        hi -= 1
        while before(pivot, v[hi]):
            hi -= 1
        if not lo < hi:
            return lo
        v[lo], v[hi] = v[hi], v[lo]
        lo += 1


def _insertion_sort(v, first, last, before):
    for i in range(first + 1, last):
        val = v[i]
        j = i
        while j > first and before(val, v[j - 1]):
            v[j] = v[j - 1]
            j -= 1
        v[j] = val


def _rows(a, d):
    """`a` with dim `d` moved last, as a 2-d (rows, n) array, and the keepdim shape."""
    xp = _xp_of(a)
    moved = xp.moveaxis(a, d, -1)
    return moved.reshape(-1, a.shape[d]), moved.shape[:-1]


def _from_rows(index_per_row, lead_shape, d):
    """A per-row index (rows,) as a keepdim-shaped index array along `d`."""
    return _xp_of(index_per_row).moveaxis(index_per_row.reshape(lead_shape + (1,)), -1, d)


def _quickselect_index(row, k):
    """The index torch's kthvalue returns: ATen's quick_select_template run on the
    row (only needed where the k-th value is tied, which decides the index)."""
    arr = row.tolist()
    idx = list(range(len(arr)))

    def gt(x, y):
        return (_isnan(x) and not _isnan(y)) or x > y

    def swap(i, j):
        arr[i], arr[j] = arr[j], arr[i]
        idx[i], idx[j] = idx[j], idx[i]

    lo, hi = 0, len(arr) - 1
    while hi > lo:
        if hi == lo + 1:
            if gt(arr[lo], arr[hi]):
                swap(lo, hi)
            break
        swap(lo + (hi - lo) // 2, lo + 1)
        if gt(arr[lo + 1], arr[hi]):
            swap(lo + 1, hi)
        if gt(arr[lo], arr[hi]):
            swap(lo, hi)
        if gt(arr[lo + 1], arr[lo]):
            swap(lo + 1, lo)
        i, j, pivot = lo + 1, hi, arr[lo]
        while True:
            i += 1
            while gt(pivot, arr[i]):
                i += 1
            j -= 1
            while gt(arr[j], pivot):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(lo, j)
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1
    return idx[k]


@public
def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    a = input._data
    d = _wrap_dim(dim, a.ndim)
    _nonempty_dim("kthvalue", a, d)
    if a.ndim:
        _median_check("kthvalue_cpu", a)
    size = a.shape[d] if a.ndim else 1
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    return _selected(KthvalueBackward0, return_types.kthvalue, input, d, keepdim, k=k)


def _kth_index(xp, a, dim, k):
    rows, lead = _rows(a, dim)
    order = _sort_order(rows, 1, stable=True)
    chosen = order[:, k - 1]
    value = rows[xp.arange(len(rows)), chosen]
    ties = _ties_mask(rows, value[:, None]).sum(-1) > 1
    for r in xp.nonzero(ties)[0]:
        chosen[r] = _quickselect_index(rows[r], k - 1)
    return _from_rows(chosen, lead, dim)


class KthvalueBackward0(_ValueSelecting):
    forward = _selecting(_kth_index)


def _median_check(kernel, a):
    if a.dtype.kind == "b":
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


@public
def median(input, dim=None, keepdim=False, *, out=None):
    return _median("median", input, dim, keepdim, ignore_nan=False)


@public
def nanmedian(input, dim=None, keepdim=False, *, out=None):
    return _median("nanmedian", input, dim, keepdim, ignore_nan=True)


def _median(name, input, dim, keepdim, ignore_nan):
    a = input._data
    if dim is None:
        if a.size:
            _median_check("median_cpu", a)
        return apply(NanmedianBackward0 if ignore_nan else MedianBackward0, input)
    _int_dim(name, dim)
    d = _wrap_dim(dim, a.ndim)
    _nonempty_dim("median", a, d)  # torch's message says median() for nanmedian too
    _median_check("median_out", a)
    node = NanmedianBackward1 if ignore_nan else MedianBackward1
    rtype = return_types.nanmedian if ignore_nan else return_types.median
    return _selected(node, rtype, input, d, keepdim)


def _median_index(ignore_nan):
    def index_of(xp, a, dim):
        rows, lead = _rows(a, dim)
        order = _sort_order(rows, 1, stable=True)
        nan = xp.isnan(rows) if rows.dtype.kind == "f" else xp.zeros(rows.shape, bool)
        n_nan = nan.sum(-1)
        if ignore_nan:
            k = xp.maximum(rows.shape[1] - n_nan - 1, 0) // 2
        else:
            k = xp.full(len(rows), (rows.shape[1] - 1) // 2)
        chosen = order[xp.arange(len(rows)), k]
        if not ignore_nan:
            # torch returns the first NaN of a row that has one
            chosen = xp.where(n_nan > 0, nan.argmax(-1), chosen)
        return _from_rows(chosen, lead, dim)
    return index_of


class MedianBackward1(_ValueSelecting):
    forward = _selecting(_median_index(False))


class NanmedianBackward1(_ValueSelecting):
    forward = _selecting(_median_index(True))


@public
def mode(input, dim=-1, keepdim=False, *, out=None):
    a = input._data
    d = _wrap_dim(dim, a.ndim)
    _nonempty_dim("mode", a, d)
    return _selected(ModeBackward0, return_types.mode, input, d, keepdim)


def _mode_of_rows(xp, a, dim):
    rows, lead = _rows(a, dim)
    chosen = _mode_index(rows)
    # torch sorts each row with std::sort (unstable past 16 elements, and NaN compares
    # equal to everything): where that decides the answer, run it
    n = rows.shape[1]
    open_ = xp.isnan(rows).any(-1) if rows.dtype.kind == "f" else xp.zeros(len(rows), bool)
    if n > 16:
        open_ |= xp.ones(len(rows), bool)
    if open_.sum() * n <= _EMULATION_BUDGET:
        for r in xp.nonzero(open_)[0]:
            chosen[r] = _torch_mode_row(rows[r])
    return _from_rows(chosen, lead, dim)


class ModeBackward0(_ValueSelecting):
    forward = _selecting(_mode_of_rows)


def _torch_mode_row(row):
    items = list(zip(row.tolist(), range(len(row))))
    _std_sort(items, 0, len(items), _value_less)
    best = best_count = count = 0
    for i, (value, index) in enumerate(items):
        count += 1
        if i == len(items) - 1 or value != items[i + 1][0]:
            if count > best_count:
                best, best_count = index, count
            count = 0
    return best


def _value_less(x, y):
    return x[0] < y[0]


def _mode_index(rows):
    """The index torch's mode picks in each row: the most frequent value (the smallest
    among equally frequent ones), at its last occurrence."""
    xp = _xp_of(rows)
    order = _sort_order(rows, 1, stable=True)
    s = xp.take_along_axis(rows, order, 1)
    n = s.shape[1]
    positions = xp.arange(n)
    starts = xp.ones(s.shape, bool)
    starts[:, 1:] = s[:, 1:] != s[:, :-1]
    ends = xp.ones(s.shape, bool)
    ends[:, :-1] = starts[:, 1:]
    run_start = xp.maximum.accumulate(xp.where(starts, positions, 0), axis=1)
    lengths = xp.where(ends, positions - run_start + 1, 0)
    best = lengths.argmax(1)
    return order[xp.arange(len(rows)), best]


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


class _QuantileSqueeze(Op):
    """quantile's result takes its shape: torch squeezes its own temporary in place, so
    the result is no view."""

    fused = "squeeze_: quantile's last reshape of its temporary"

    @staticmethod
    def forward(xp, a, size, shape):
        return a.reshape(size)

    def backward(self, grad):
        return (grad.reshape(self.shape),)


_QuantileSqueeze.__name__ = _QuantileSqueeze.__qualname__ = "SqueezeBackward4"


def _reshaped(t, shape):
    """t reshaped to `shape`, recorded as torch's quantile records its last squeeze."""
    return apply(_QuantileSqueeze, t, size=shape, shape=t._data.shape)


@public
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    return _out(out, _quantile("quantile", input, q, dim, keepdim, interpolation, False))


@public
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    return _out(out, _quantile("nanquantile", input, q, dim, keepdim, interpolation, True))


def _quantile_q(name, a, q):
    """q as a 1-d array in the input's dtype, and whether it was a scalar."""
    xp = _xp_of(a)
    if isinstance(q, Tensor):
        if q.dim() > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if q._data.dtype != a.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        qs, scalar = q._data.reshape(-1), q.dim() == 0
    else:
        qs, scalar = xp.asarray([q], dtype=a.dtype), True
    if qs.size and not ((qs >= 0) & (qs <= 1)).all():
        bad = "q values" if not scalar else f"q must be in the range [0, 1] but got {q}"
        raise RuntimeError(f"{name}() {bad}" if scalar else
                           f"{name}() q values must be in the range [0, 1]")
    return qs, scalar


def _quantile(name, input, q, dim, keepdim, interpolation, ignore_nan):
    xp = _xp_of(input)
    a = input._data
    if a.dtype.kind != "f":
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    qs, scalar = _quantile_q(name, a, q)
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, "
                           f"midpoint or nearest, but got {interpolation}")
    if a.size == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if dim is None:
        sorted_ = sort(input.reshape(-1)).values          # (n,)
        out_shape = (1,) * a.ndim if keepdim else ()
    else:
        d = _wrap_dim(dim, a.ndim)
        sorted_ = sort(input.unsqueeze(-1).transpose(d, -1)).values   # dim kept as size 1
        shape = list(a.shape) if a.ndim else [1]
        shape[d] = 1
        out_shape = tuple(shape) if keepdim else tuple(s for i, s in enumerate(a.shape)
                                                      if i != d)
    s = sorted_._data
    n = s.shape[-1]
    nan = xp.isnan(s)
    if ignore_nan:
        ranks = qs * (n - nan.sum(-1, keepdims=True) - 1).astype(a.dtype)
        ranks = xp.where(ranks < 0, 0, ranks)
    else:
        ranks = xp.where(nan.any(-1, keepdims=True), n - 1, qs * (n - 1)).astype(a.dtype)
    value = _interpolate(sorted_, ranks, interpolation)
    # the q dim goes first, as in torch
    value = value.permute((value.dim() - 1,) + tuple(range(value.dim() - 1)))
    return _reshaped(value, out_shape if scalar else (len(qs),) + out_shape)


def _interpolate(sorted_, ranks, interpolation):
    xp = _xp_of(ranks)
    if interpolation == "lower":
        ranks = xp.floor(ranks)
    elif interpolation == "higher":
        ranks = xp.ceil(ranks)
    elif interpolation == "nearest":
        ranks = xp.round(ranks)
    below = ranks.astype(_INT64)
    low = _gather(sorted_, -1, below)
    if interpolation not in ("linear", "midpoint"):
        return low
    weights = xp.full_like(ranks, 0.5) if interpolation == "midpoint" else \
        (ranks - below).astype(ranks.dtype)
    high = _gather(sorted_, -1, xp.ceil(ranks).astype(_INT64))
    return _lerp(low, high, weights)


def _lerp(start, end, weights):
    """torch's lerp, which changes formula at weight 0.5 for accuracy."""
    from .elementwise import where
    w = _wrap(weights)
    return where(_wrap(weights < 0.5), start + w * (end - start), end - (end - start) * (1 - w))


# ---------------------------------------------------------------------------------------
# cummax, cummin

def _running_index(ufunc):
    def index_of(xp, a, dim):
        running = getattr(xp, ufunc).accumulate(a, axis=dim)
        # torch moves the index to every new element equal to the running extreme
        at = _ties_mask(a, running)
        positions = xp.arange(a.shape[dim]).reshape((-1,) + (1,) * (a.ndim - 1 - dim))
        return xp.maximum.accumulate(xp.where(at, positions, 0), axis=dim)
    return index_of


class CummaxBackward0(_ValueSelecting):
    unique = False
    forward = _selecting(_running_index("maximum"))


class CumminBackward0(_ValueSelecting):
    unique = False
    forward = _selecting(_running_index("minimum"))


def _cumulative_extreme(name, node, rtype):
    def cum(input, dim, *, out=None):
        return _selected(node, rtype, input, _wrap_dim(dim, input._data.ndim), True)
    cum.__name__ = name
    return cum


cummax = public(_cumulative_extreme("cummax", CummaxBackward0, return_types.cummax))
cummin = public(_cumulative_extreme("cummin", CumminBackward0, return_types.cummin))


# ---------------------------------------------------------------------------------------
# logical reductions and counting (not differentiable)

def _logical_reduction(fn):
    def reduce(input, dim=None, keepdim=False, *, out=None):
        a = input._data
        dims = _dims(dim, a.ndim)
        r = _reduce(fn, a, dims, keepdim)
        if a.dtype == _UINT8:
            r = r.astype(_UINT8)
        return _out(out, _wrap(r))
    reduce.__name__ = fn
    return reduce


all = public(_logical_reduction("all"))
any = public(_logical_reduction("any"))


@public
def count_nonzero(input, dim=None):
    a = input._data
    dims = _dims(dim, a.ndim)
    return _wrap(_reduce("count_nonzero", a, dims, False).astype(_INT64, copy=False))


@public
def bincount(input, weights=None, minlength=0):
    xp = _xp_of(input)
    a = input._data
    if a.ndim != 1 or a.dtype.kind not in "iu" or (a.size and a.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return _wrap(xp.bincount(a, minlength=minlength).astype(_INT64, copy=False))
    w = weights._data
    if w.shape != a.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    dt = w.dtype if w.dtype.kind == "f" else D.float64._np
    return _wrap(xp.bincount(a, w, minlength=minlength).astype(dt, copy=False))


@public
def histc(input, bins=100, min=0, max=0, *, out=None):
    xp = _xp_of(input)
    a = input._data
    if a.dtype.kind != "f":
        raise RuntimeError(f"\"histogram_cpu\" not implemented for '{_dtype_name(a.dtype)}'")
    if bins <= 0:
        raise RuntimeError("torch.histc(): bins must be > 0, but got "
                           f"{bins} for dimension 0")
    lo, hi = float(min), float(max)
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError("torch.histc(): max must be larger than min")
    flat = a.reshape(-1)
    flat = flat[(flat >= lo) & (flat <= hi)]
    pos = ((flat - lo) * bins / (hi - lo)).astype(_INT64)
    pos = xp.minimum(pos, bins - 1)
    return _out(out, _wrap(xp.bincount(pos, minlength=bins).astype(a.dtype)))


@public
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    xp = _xp_of(input)
    a = input._data
    if dim is None:
        found = xp.unique(a.reshape(-1), return_inverse=return_inverse,
                          return_counts=return_counts)
        shape = a.shape
    else:
        d = _wrap_dim(dim, a.ndim)
        found = xp.unique(a, return_inverse=return_inverse, return_counts=return_counts,
                          axis=d)
        shape = (-1,)
    if not isinstance(found, tuple):
        return _wrap(found)
    values, rest = found[0], list(found[1:])
    inverse = rest.pop(0).reshape(shape) if return_inverse else None
    counts = rest.pop(0) if return_counts else None
    return _unique_result(values, inverse, counts, return_inverse, return_counts)


def _unique_result(values, inverse, counts, return_inverse, return_counts):
    out = [_wrap(values)]
    if return_inverse:
        out.append(_wrap(inverse.astype(_INT64, copy=False)))
    if return_counts:
        out.append(_wrap(counts.astype(_INT64, copy=False)))
    return out[0] if len(out) == 1 else tuple(out)


@public
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    xp = _xp_of(input)
    a = input._data
    if dim is None:
        rows = a.reshape(-1, 1)
    else:
        d = _wrap_dim(dim, a.ndim)
        rows = xp.moveaxis(a, d, 0).reshape(a.shape[d], -1)
    starts = xp.ones(len(rows), bool)
    starts[1:] = (rows[1:] != rows[:-1]).any(-1)
    first = xp.nonzero(starts)[0]
    inverse = xp.cumsum(starts) - 1
    counts = xp.diff(xp.append(first, len(rows)))
    if dim is None:
        values, inverse = a.reshape(-1)[first], inverse.reshape(a.shape)
    else:
        values = xp.take(a, first, axis=d)
    return _unique_result(values, inverse, counts, return_inverse, return_counts)


# searchsorted, bucketize, isin: lookups in sorted boundaries (no gradient)


@public
def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None,
                 sorter=None, out=None):
    xp = _xp_of(input)
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but "
                               f"got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, "
                               "got side of left while right was True")
        right = side == "right"
    seq = sorted_sequence._data
    scalar = not isinstance(input, Tensor)
    values = xp.asarray(input) if scalar else input._data
    if sorter is not None:
        seq = xp.take_along_axis(seq, sorter._data, -1)
    how = "right" if right else "left"
    if seq.ndim == 1:
        result = xp.searchsorted(seq, values, side=how)
    else:
        if seq.shape[:-1] != values.shape[:-1]:
            raise RuntimeError(
                f"torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                f"dimensions of boundaries tensor and input value tensor must match, but we got "
                f"boundaries tensor {list(seq.shape)} and input value tensor "
                f"{list(values.shape)}")
        rows = seq.reshape(-1, seq.shape[-1])
        vals = values.reshape(-1, values.shape[-1])
        result = xp.stack([xp.searchsorted(r, v, side=how) for r, v in zip(rows, vals)])
        result = result.reshape(values.shape)
    return _wrap(xp.asarray(result, D.int32._np if out_int32 else _INT64))


@public
def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    if boundaries.dim() != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim("
                           f"{boundaries.dim()})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


@public
def isin(elements, test_elements, *, assume_unique=False, invert=False):
    xp = _xp_of(elements)
    a = elements._data if isinstance(elements, Tensor) else xp.asarray(elements)
    b = test_elements._data if isinstance(test_elements, Tensor) else xp.asarray(test_elements)
    return _wrap(xp.asarray(xp.isin(a, b, assume_unique=assume_unique, invert=invert)))


# numpy's names (axis, keepdims) for the reductions, as torch's argument parser takes them
from ._core import numpy_names as _numpy_names  # noqa: E402

for _name in ("nansum", "nanmean", "prod", "cumsum", "cumprod", "logsumexp",
              "max", "min", "amax", "amin", "aminmax", "argmax", "argmin", "var", "std",
              "var_mean", "std_mean", "norm", "sort", "argsort", "kthvalue", "median",
              "nanmedian", "mode", "quantile", "nanquantile", "cummax", "cummin", "all", "any",
              "count_nonzero"):
    if _name in globals():
        globals()[_name] = _numpy_names(globals()[_name])
del _name
