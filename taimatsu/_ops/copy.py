"""Copies and conversions: to, clone, contiguous, copy_, fill_, zero_."""
from .. import _dtype as D
from .._backend import backend_of_type, cpu, ndarray
from .._device import device as _device
from .._device import channels_last, contiguous_format, preserve_format
from .._device import resolve
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import GradMode
from . import _layout
from ._core import public
from ._core import Op, apply, record, zeros_of


_may_share_memory = cpu.xp.may_share_memory


class ToCopyBackward0(Op):
    """A copy in `dtype` on the input's device, or (`target`, a backend) on another device.
    The engine casts the gradient back to the input's dtype; a move between devices
    moves it back (`source`: the input's device, set only for a move)."""

    source = None

    @staticmethod
    def forward(xp, a, dtype, target=None, source=None):
        if target is None:
            if a.dtype.kind == "c" and dtype.kind != "c":
                a = a.real
            # torch's copy keeps the input's layout (preserve_format), dense strides for an
            # expanded or sliced input
            return _layout.preserve_copy(a, dtype)
        # through the host: the backends share no memory
        host = backend_of_type(type(a)).to_host(a)
        if dtype is not None and dtype != host.dtype:
            host = host.astype(dtype)
        return target.from_host(host)

    def backward(self, grad):
        if self.source is not None:
            return (to(grad, self.source),)
        return (grad,)


class CloneBackward0(Op):
    @staticmethod
    def forward(xp, a, memory_format):
        if a.flags.c_contiguous and memory_format is not channels_last:
            return a.copy()
        if memory_format is None or memory_format is preserve_format:
            return _layout.preserve_copy(a)
        if memory_format is channels_last:
            r = _layout.empty(a.shape, a.dtype, _channels_last_axes(a), xp)
            xp.copyto(r, a)
            return r
        return a.copy()

    def backward(self, grad):
        return (grad,)


def _parse_to(args, kwargs):
    dtype = kwargs.pop("dtype", None)
    dev = kwargs.pop("device", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() received an invalid combination of arguments: {sorted(kwargs)}")
    for a in args:
        if a is None:
            continue  # to(None): torch's no-op (a device or dtype left unset)
        if isinstance(a, D.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype, dev = a.dtype, a.device
        elif isinstance(a, (str, _device, int)) and not isinstance(a, bool):
            dev = a
        elif isinstance(a, bool):
            copy = a if dtype is not None else copy
        else:
            raise TypeError(f"to() received an invalid combination of arguments - got "
                            f"({type(a).__name__})")
    return dtype, dev, copy


def to(input, *args, **kwargs):
    dtype, dev, copy = _parse_to(args, dict(kwargs))
    if dev is not None:
        backend = resolve(dev)
        if backend is not input._backend:
            return _move(input, backend, dtype)
    if dtype is None or dtype._np == input._data.dtype:
        return clone(input) if copy else input
    if input._data.dtype.kind == "c" and dtype._np.kind != "c":
        import warnings
        warnings.warn("Casting complex values to real discards the imaginary part",
                      UserWarning, stacklevel=2)
    return apply(ToCopyBackward0, input, dtype=dtype._np)


def _move(input, backend, dtype):
    """A copy on another device."""
    return apply(ToCopyBackward0, input, dtype=None if dtype is None else dtype._np,
                 target=backend, source=input._backend.device)


def _cast(dtype):
    def cast(self, memory_format=None):
        return to(self, dtype)
    return cast


float_ = _cast(D.float32)
double = _cast(D.float64)
half = _cast(D.float16)
int_ = _cast(D.int32)
long = _cast(D.int64)
short = _cast(D.int16)
char = _cast(D.int8)
byte = _cast(D.uint8)
bool_ = _cast(D.bool_)
cfloat = _cast(D.complex64)
cdouble = _cast(D.complex128)


@public
def clone(input, *, memory_format=None):
    return apply(CloneBackward0, input, memory_format=memory_format)


def _channels_last_axes(a):
    if a.ndim != 4:
        raise RuntimeError("required rank 4 tensor to use channels_last format")
    return [0, 2, 3, 1]


def contiguous(input, memory_format=None):
    a = input._data
    if memory_format is channels_last:
        if a.transpose(_channels_last_axes(a)).flags.c_contiguous:
            return input
        return clone(input, memory_format=channels_last)
    if a.flags.c_contiguous:
        return input
    return clone(input, memory_format=contiguous_format)


def check_inplace(t):
    """torch's refusal of in-place ops on leaves that require grad."""
    if t._requires_grad and t._grad_fn is None and GradMode.enabled:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")
    base = t._base
    if base is not None and base._requires_grad and base._grad_fn is None and GradMode.enabled:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")


def check_writable_dtype(t, result_dtype):
    """An in-place op cannot store a result of a higher category (float into int)."""
    have = t._data.dtype
    if have != result_dtype and not D.can_cast(D.FROM_NUMPY[result_dtype], D.FROM_NUMPY[have]):
        raise RuntimeError(f"result type {D.FROM_NUMPY[result_dtype]._legacy[:-6]} can't be "
                           f"cast to the desired output type {D.FROM_NUMPY[have]._legacy[:-6]}")


class CopyBackwards(Op):
    """self's values replaced by src's (broadcast, cast to self's dtype): copy_, which
    runs in place and rebases self's history onto this record."""

    args = ("self", "src")

    @staticmethod
    def forward(xp, a, src):
        out = xp.empty_like(a)
        xp.copyto(out, src, casting="unsafe")
        return out

    def backward(self, grad):
        return (zeros_of(grad), grad)


def copy_(self, src, non_blocking=False):
    check_inplace(self)
    backend = self._backend
    if not isinstance(src, Tensor):
        src = _wrap(backend.xp.asarray(src))
    a = self._data
    value = src._data
    if backend_of_type(type(value)) is not backend:
        # torch copies between devices (through the host here)
        value = backend.from_host(src._host())
    if value.dtype.kind == "c" and a.dtype.kind != "c":
        value = value.real
    if not a.flags.writeable:
        from .inplace import _check_writable
        _check_writable(a)
    if value.shape != a.shape:
        _check_copy_shape(a.shape, value.shape)
    check_partial_overlap(a, (src,))
    backend.xp.copyto(a, value, casting="unsafe")
    self._bump_version()
    if GradMode.enabled and (self._requires_grad or src._requires_grad) \
            and a.dtype.kind in "fc":
        rebase(self, CopyBackwards, (_history(self), src))
    return self


_PARTIAL_OVERLAP = ("unsupported operation: some elements of the input tensor and the "
                    "written-to tensor refer to a single memory location. Please clone() the "
                    "tensor before performing the operation.")


def check_partial_overlap(out, operands):
    """torch's refusal to write an array that an operand partly overlaps (x[1:] += x[:-1]);
    as torch, only judged between dense arrays (no gaps), by their memory ranges."""
    for t in operands:
        b = t._data if isinstance(t, Tensor) else None
        if b is None or b is out or not b.size or not out.size:
            continue
        if type(out) is ndarray and type(b) is ndarray:
            if not _may_share_memory(out, b):  # the common case, without a call frame
                continue
            backend = cpu
        else:
            backend = backend_of_type(type(out))
            if backend_of_type(type(b)) is not backend or not backend.may_share_memory(out, b):
                continue
        if not (_dense(out) and _dense(b)):
            continue
        same = (backend.data_ptr(out) == backend.data_ptr(b)
                and out.nbytes == b.nbytes and out.strides == b.strides)
        if not same:
            raise RuntimeError(_PARTIAL_OVERLAP)


def _dense(a):
    expected = a.itemsize
    for stride, size in sorted((abs(st), n) for st, n in zip(a.strides, a.shape) if n != 1):
        if stride != expected:
            return False
        expected *= size
    return True


def _check_copy_shape(target, source):
    """torch's copy_ broadcasts the source to the target's shape, never the other way
    (numpy's copyto drops the source's leading 1s)."""
    from ._core import broadcast_error
    from .misc import broadcast_shapes
    try:
        shape = broadcast_shapes(target, source)
    except RuntimeError:
        raise broadcast_error(target, source) from None
    if shape != target:
        raise RuntimeError(f"output with shape {list(target)} doesn't match the broadcast "
                           f"shape {list(shape)}")


def _history(t):
    """A stand-in for `t` before an in-place op: same array, same history (for ops whose
    backward does not read the old value)."""
    h = _wrap(t._data)
    h._requires_grad = t._requires_grad
    h._grad_fn = t._grad_fn
    h._output_nr = t._output_nr
    return h


def rebase(t, node_cls, inputs, saved=None, **attrs):
    """Make an in-place result's history `node_cls(inputs)` (torch rebases it too)."""
    if t._base is not None:
        # a view: its base takes the history at the view's place (see indexing.rebase_view)
        from .indexing import rebase_view
        result = _wrap(t._data)
        record(node_cls, inputs, result, saved, **attrs)
        rebase_view(t, result)
        return
    # t among the inputs (x.copy_(x)) means t's history before this op
    inputs = tuple(_history(t) if i is t else i for i in inputs)
    t._grad_fn = None
    record(node_cls, inputs, t, saved, **attrs)
    t._output_nr = 0


def fill_(self, value):
    check_inplace(self)
    if isinstance(value, Tensor):
        # torch's fill_.Tensor (FillBackward3): the value's gradient is the sum of grad
        if value._data.ndim != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor "
                               f"with {value._data.ndim} dimensions.")
        self._data[...] = value._data.item()
        self._bump_version()
        if GradMode.enabled and (self._requires_grad or value._requires_grad):
            rebase(self, FillBackward3, (_history(self), value))
        return self
    self._data[...] = value
    self._bump_version()
    if GradMode.enabled and self._requires_grad:
        rebase(self, FillBackward2, (_history(self),), value=value)  # torch's fill_.Scalar
    return self


class FillBackward0(Op):
    """self filled with `value` (fill_, zero_: in place, rebasing self onto this record)."""

    @staticmethod
    def forward(xp, a, value):
        return xp.full(a.shape, value, a.dtype)

    def backward(self, grad):
        return (zeros_of(grad),)


def zero_(self):
    check_inplace(self)
    self._data[...] = 0
    self._bump_version()
    if GradMode.enabled and self._requires_grad:
        rebase(self, ZeroBackward0, (_history(self),))
    return self


class FillBackward2(FillBackward0):
    pass


class FillBackward3(Op):
    """fill_ with a 0-d tensor (and `t[...] = value` of a whole tensor): the old value gets
    no gradient, the value all of it."""

    args = ("self", "value")

    @staticmethod
    def forward(xp, a, value):
        out = xp.empty_like(a)
        out[...] = value
        return out

    def backward(self, grad):
        return (zeros_of(grad) if self._next[0] is not None else None,
                grad.sum() if self._next[1] is not None else None)


class ZeroBackward0(FillBackward0):
    @staticmethod
    def forward(xp, a):
        return xp.zeros_like(a)
