"""In-place variants (`add_`, `mul_`, `x -= y` ...).

Without autograd, an in-place op writes into the tensor's array with the numpy
ufunc's `out=`.  With autograd, the op runs out of place on a snapshot of the
old value and the tensor takes over the result's history, as torch rebases it;
the version counter tells saved references that the value changed.
"""
from .. import _dtype as D
from .._backend import BY_ARRAY_TYPE, cpu, ndarray
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import GradMode
from ._core import as_tensor_operand, backend_of, binary_dtype, broadcast_error
from .copy import check_inplace, check_partial_overlap
from . import _layout


def _castable(t, result_np_dtype):
    have = t._data.dtype
    if have != result_np_dtype and not D.can_cast(D.FROM_NUMPY[result_np_dtype],
                                                  D.FROM_NUMPY[have]):
        raise RuntimeError(f"result type {D.FROM_NUMPY[result_np_dtype]._legacy[:-6]} can't be "
                           f"cast to the desired output type {D.FROM_NUMPY[have]._legacy[:-6]}")


def _snapshot(t):
    """The tensor's current value and history, before an in-place op overwrites them."""
    old = _wrap(_layout.preserve_copy(t._data))  # t's layout: random ops draw in it
    old._requires_grad = t._requires_grad
    old._grad_fn = t._grad_fn
    old._output_nr = t._output_nr
    return old


def apply_inplace(fn, self, *args, **kwargs):
    """Run out-of-place `fn(self, *args)` and store its result into `self`."""
    check_inplace(self)
    check_partial_overlap(self._data, args)
    tracked = GradMode.enabled and (self._requires_grad or any(
        getattr(a, "_requires_grad", False) for a in args))
    if not tracked:
        try:
            result = fn(self, *args, **kwargs)
        except RuntimeError as e:
            if str(e) == "ZeroDivisionError" and args:
                _write_before_zero_divisor(fn, self, args[0], kwargs)
            raise
        _castable(self, result._data.dtype)
        _write(self, result._data)
        return self
    result = fn(_snapshot(self), *args, **kwargs)
    _castable(self, result._data.dtype)
    _write(self, result._data)
    if self._base is not None:
        # a view: its base takes the history at the view's place, as torch rebases it
        from .indexing import rebase_view
        rebase_view(self, result)
        return self
    node = result._grad_fn
    self._grad_fn = node
    self._output_nr = result._output_nr
    self._requires_grad = True
    if node is not None:
        # a saved copy of the result must see later changes to self
        saved = node._saved
        if saved:
            for s in saved:
                if hasattr(s, "vc") and s.data is result._data:
                    s.data = self._data
                    s.vc = self._get_vc()
                    s.version = s.vc[0]
    return self


def _write_before_zero_divisor(fn, self, divisor, kwargs):
    """torch's integer division kernels check each divisor as they go: elements before
    the first zero divisor (in the order of self's memory) are already written when the
    error is raised.  Write them too, so that self holds what torch's would."""
    a = self._data
    xp = backend_of(self, divisor).xp
    y = xp.broadcast_to(xp.asarray(divisor._data if isinstance(divisor, Tensor) else divisor),
                        a.shape)
    safe = xp.where(y == 0, xp.ones((), y.dtype), y)
    r = fn(self, _wrap(xp.ascontiguousarray(safe)), **kwargs)._data
    # the order TensorIterator walks an in-place op: self's dims, slowest stride first
    perm = sorted(range(a.ndim), key=lambda d: -a.strides[d])
    flat_zero = xp.flatnonzero(y.transpose(perm).reshape(-1) == 0)
    k = int(flat_zero[0]) if flat_zero.size else a.size
    if k and a.flags.writeable and xp.can_cast(r.dtype, a.dtype, "same_kind"):
        at = a.transpose(perm)
        where = xp.unravel_index(xp.arange(k), at.shape)
        at[where] = r.transpose(perm)[where]


def _check_writable(a):
    """Expanded tensors are read-only views: torch refuses to write them too."""
    if not a.flags.writeable:
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a "
            "single memory location. Please clone() the tensor before performing the operation.")


def _write(self, value):
    a = self._data
    _check_writable(a)
    xp = backend_of(self).xp
    if type(value) is not type(a) and type(value) in BY_ARRAY_TYPE:
        from ._core import device_error
        raise device_error(a, value)
    if value.shape != a.shape:
        try:
            value = xp.broadcast_to(value, a.shape)
        except ValueError:
            raise RuntimeError(f"output with shape {list(a.shape)} doesn't match the broadcast "
                               f"shape {list(value.shape)}") from None
    xp.copyto(a, value, casting="unsafe")
    self._bump_version()


def fast_binary_inplace(name, fallback, float_result=False):
    """`self op= other` through the out= of the array module's function `name` when no
    graph is being built (bools take the out-of-place path, which has torch's checks:
    `mask -= 1` is an error)."""
    cpu_ufunc = getattr(cpu.xp, name)

    def inplace(self, other, **kwargs):
        if kwargs or (float_result and self._data.dtype.kind not in "fc") or (
                self._data.dtype.kind == "b" or type(other) is bool
                or (type(other) is Tensor and other._data.dtype.kind == "b")) or (
                GradMode.enabled and (self._requires_grad
                                      or getattr(other, "_requires_grad", False))):
            return apply_inplace(fallback, self, other, **kwargs)
        other = as_tensor_operand(other)
        a = self._data
        y = other._data if isinstance(other, Tensor) else other
        if type(a) is ndarray:
            ufunc = cpu_ufunc
        else:
            ufunc = getattr(backend_of(self, other).xp, name)
        if type(y) in BY_ARRAY_TYPE and y is not a:
            check_partial_overlap(a, (other,))
        dt = binary_dtype(self, other)
        if dt != a.dtype:
            _castable(self, dt)
            if type(y) in BY_ARRAY_TYPE:
                y = y.astype(dt)
        try:
            ufunc(a, y, out=a, casting="unsafe")
        except ValueError:
            _check_writable(a)
            from .misc import broadcast_shapes
            y_shape = y.shape if type(y) in BY_ARRAY_TYPE else ()
            try:
                shape = broadcast_shapes(a.shape, y_shape)
            except RuntimeError:
                raise broadcast_error(a.shape, y_shape) from None
            raise RuntimeError(f"output with shape {list(a.shape)} doesn't match the broadcast "
                               f"shape {list(shape)}") from None
        self._bump_version()
        return self
    inplace.__name__ = fallback.__name__ + "_"
    return inplace


def make_inplace(fn):
    def inplace(self, *args, **kwargs):
        return apply_inplace(fn, self, *args, **kwargs)
    inplace.__name__ = fn.__name__ + "_"
    return inplace


def derive_inplace():
    """The in-place variants the op families declared (`_core.public(inplace=...)`):
    `Tensor.x_` runs the method `Tensor.x` in place, `torch.x_` is that method (or, for a
    function with no method, the function run in place).  Variants written by hand (the
    fast arithmetic ones) are kept."""
    from ._core import INPLACE, TORCH
    for name, kind in INPLACE.items():
        method = name + "_"
        if kind in ("method", "both") and method not in Tensor.__dict__:
            setattr(Tensor, method, make_inplace(getattr(Tensor, name)))
        if kind in ("function", "both") and method not in TORCH:
            TORCH[method] = Tensor.__dict__.get(method) or make_inplace(TORCH[name])
