"""Tensor creation: tensor, as_tensor, from_numpy, zeros/ones/full/empty, ranges, eye."""
import math

from .. import _dtype as D
from .._backend import cpu, ndarray
from .._device import channels_last, contiguous_format, preserve_format, resolve
from .._tensor import Size, Tensor, _wrap
from . import _layout
from ._core import _CPP_NAMES, public

# host data (python lists, numpy arrays) is read by numpy and then moved to the device
_host = cpu.xp
_F64, _I64 = D.float64._np, D.int64._np


def _xp(device):
    return resolve(device).xp


def size_args(size, keyword=None, name="zeros"):
    """zeros(2, 3), zeros((2, 3)), zeros([2, 3]), zeros(torch.Size(...)) and
    zeros(size=(2, 3)) all mean (2, 3)."""
    if keyword is not None:
        if size:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        size = (keyword,)
    unpacked = True  # sizes given one by one (torch's message differs)
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = size[0]
        unpacked = False
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = s.item()
        if not isinstance(s, (int, _host.integer)) or isinstance(s, bool):
            if unpacked:
                raise TypeError(f"{name}(): argument 'size' failed to unpack the object at pos "
                                f"{len(out) + 1} with error \"type must be tuple of ints,but "
                                f"got {type(s).__name__}\"")
            raise TypeError(f"{name}(): argument 'size' must be tuple of ints, but found element "
                            f"of type {type(s).__name__} at pos {len(out)}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"{list(size)}")
        out.append(int(s))
    return tuple(out)


def finish(array, requires_grad=False, device=None):
    """Wrap a new array (built on the host) as a tensor with the creation options applied,
    on the device asked for."""
    backend = resolve(device)
    t = _wrap(array if backend.array_type is type(array) else backend.from_host(array))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _np_dtype(dtype, default=None):
    if dtype is None:
        return (default or D.get_default_dtype())._np
    if not isinstance(dtype, D.dtype):
        raise TypeError(f"dtype must be torch.dtype, not {type(dtype).__name__}")
    return dtype._np


# --- from data ---------------------------------------------------------------------------

def _first_leaf(data):
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return data


def _ragged_error(data):
    """torch's message for a nested sequence whose lengths disagree."""
    def walk(seq, dim, shape):
        if len(shape) <= dim:
            shape.append(len(seq))
        elif shape[dim] != len(seq):
            raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} "
                             f"(got {len(seq)})")
        for item in seq:
            if isinstance(item, (list, tuple)):
                walk(item, dim + 1, shape)
            elif len(shape) > dim + 1:
                raise TypeError("not a sequence")
    walk(data, 0, [])
    return ValueError("expected a sequence of equal lengths")


def _array_from_data(data):
    """An ndarray of `data` in the dtype torch infers for it."""
    if isinstance(data, Tensor):
        return data._host().copy(), False
    if isinstance(data, ndarray):
        D.from_numpy_dtype(data.dtype)
        return data.copy(), False
    if isinstance(data, _host.generic):
        return _host.asarray(data).copy(), False
    if isinstance(data, str):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if isinstance(data, (bool, int, float, complex)):
        return _host.asarray(data), True
    if not isinstance(data, (list, tuple)):
        if hasattr(data, "__array__"):
            return _host.asarray(data).copy(), False
        from collections.abc import Sequence
        if not isinstance(data, Sequence):
            raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")
        data = list(data)  # any sequence, as torch's (a range, a deque)
    leaf = _first_leaf(data)
    try:
        arr = _host.array(data)
    except ValueError as e:
        if "inhomogeneous" in str(e):
            raise _ragged_error(data) from None
        raise
    except TypeError:
        raise TypeError("new(): invalid data type") from None
    if arr.dtype.kind in "USO":
        if arr.dtype.kind == "O":
            bad = next((x for x in arr.ravel() if not isinstance(x, (bool, int, float,
                                                                      complex))), None)
            if bad is None:  # numbers only: integers beyond 64 bits
                raise ValueError("Overflow when unpacking long long")
            raise RuntimeError(f"Could not infer dtype of {type(bad).__name__}")
        if isinstance(leaf, str):
            if arr.ndim and isinstance(data[0], str) and len(arr.shape) == 1 and all(
                    isinstance(x, str) for x in data):
                raise ValueError("too many dimensions 'str'")
            raise TypeError("new(): invalid data type 'str'")
    if isinstance(leaf, Tensor) and arr.ndim > 0 and any(
            isinstance(x, Tensor) and x._data.ndim > 0 for x in data):
        raise ValueError("only one element tensors can be converted to Python scalars")
    # python numbers infer torch's defaults; numpy scalars and tensors keep their dtype
    python = not isinstance(leaf, (_host.generic, Tensor, ndarray))
    return arr, python


def _check_integer_range(arr, target):
    """torch refuses Python numbers an integer dtype cannot hold, rather than wrapping
    them (an unsigned type takes negatives down to -max, two's complement, as torch's)."""
    if arr.dtype == _host.uint64 and arr.max() > _host.iinfo(_host.int64).max:
        raise ValueError("Overflow when unpacking long long")
    info = _host.iinfo(target)
    low = -info.max if target.kind == "u" else info.min
    if arr.min() < low or arr.max() > info.max:
        raise RuntimeError(f"value cannot be converted to type {target.name} without "
                           "overflow")


def _infer_dtype(arr, python):
    kind = arr.dtype.kind
    # only python numbers (and empty lists) take the defaults: an array's dtype is kept,
    # empty or not
    if python:
        if kind == "f":
            return D.get_default_dtype()._np
        if kind == "c":
            return D._Default.complex._np
        if kind in "iu":
            return _host.dtype(_host.int64)
    D.from_numpy_dtype(arr.dtype)
    return arr.dtype


@public
def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    arr, python = _array_from_data(data)
    target = _infer_dtype(arr, python) if dtype is None else _np_dtype(dtype)
    if python and arr.size and target.kind in "iu":
        _check_integer_range(arr, target)
    if arr.dtype != target:
        arr = arr.astype(target)
    return finish(arr, requires_grad, device)


@public
def as_tensor(data, dtype=None, device=None):
    if isinstance(data, Tensor):
        if device is not None:
            data = data.to(device)
        return data if dtype is None else data.to(dtype)
    if isinstance(data, ndarray) and (dtype is None or dtype._np == data.dtype) \
            and resolve(device).array_type is ndarray:
        D.from_numpy_dtype(data.dtype)
        return _wrap(data)
    return tensor(data, dtype=dtype, device=device)


asarray = public(as_tensor, name="asarray")


@public
def from_numpy(ndarray_):
    if not isinstance(ndarray_, ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray_).__name__})")
    D.from_numpy_dtype(ndarray_.dtype)
    if any(s < 0 for s in ndarray_.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors "
                         "with negative strides are not currently supported. (You can probably "
                         "work around this by making a copy of your array  with array.copy().) ")
    return _wrap(ndarray_)


@public
def from_dlpack(ext_tensor):
    if isinstance(ext_tensor, Tensor):
        return ext_tensor
    return _wrap(_host.from_dlpack(ext_tensor))


@public
def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False):
    return finish(_host.asarray(s, dtype=_np_dtype(dtype)), requires_grad, device)


# --- filled ------------------------------------------------------------------------------

def check_storage_size(shape, np_dtype):
    """torch's refusal of a size whose bytes do not fit in 64 bits (numpy's error differs
    and comes later)."""
    if math.prod(shape) * np_dtype.itemsize >= 2 ** 63:
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(shape)}")


def _allocated(make, shape, np_dtype):
    """`make()`, with torch's allocator error where memory runs out (numpy's is a
    MemoryError)."""
    check_storage_size(shape, np_dtype)
    try:
        return make()
    except MemoryError:
        n = math.prod(shape) * np_dtype.itemsize
        raise RuntimeError(f"[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: "
                           f"can't allocate memory: you tried to allocate {n} bytes. Error "
                           "code 12 (Cannot allocate memory)") from None


@public
def zeros(*sizes, size=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False):
    shape, np_dtype = size_args(sizes, size, "zeros"), _np_dtype(dtype)
    return finish(_allocated(lambda: _xp(device).zeros(shape, dtype=np_dtype), shape,
                             np_dtype), requires_grad, device)


@public
def ones(*sizes, size=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    shape, np_dtype = size_args(sizes, size, "ones"), _np_dtype(dtype)
    return finish(_allocated(lambda: _xp(device).ones(shape, dtype=np_dtype), shape,
                             np_dtype), requires_grad, device)


@public
def empty(*sizes, size=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False, memory_format=None):
    shape, np_dtype = size_args(sizes, size, "empty"), _np_dtype(dtype)
    return finish(_allocated(lambda: _xp(device).empty(shape, dtype=np_dtype), shape,
                             np_dtype), requires_grad, device)


@public
def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if not isinstance(fill_value, (bool, int, float, complex, _host.generic)):
        raise TypeError(f"full(): argument 'fill_value' (position 2) must be Number, not "
                        f"{type(fill_value).__name__}")
    if dtype is None:
        if isinstance(fill_value, bool):
            dtype = D.bool_
        elif isinstance(fill_value, int):
            dtype = D.int64
        elif isinstance(fill_value, complex):
            dtype = D._Default.complex
    return finish(_xp(device).full(size_args((size,)), fill_value, dtype=_np_dtype(dtype)),
                  requires_grad, device)


def _like(fill):
    """zeros_like and friends: `fill` is the name of the array module's function; the
    result is on the input's device unless `device` says otherwise."""
    def like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
             memory_format=None):
        np_dtype = input._data.dtype if dtype is None else dtype._np
        xp = input._xp if device is None else _xp(device)
        made = _fill_like(getattr(xp, fill), input._data, np_dtype, memory_format)
        return finish(made, requires_grad, input.device if device is None else device)
    return like


def _fill_like(fill, a, np_dtype, memory_format):
    """fill(shape, dtype) shaped as `a`, in the layout `memory_format` asks for (None:
    preserve_format, which keeps a dense input's strides, as torch.empty_like does)."""
    if memory_format is None or memory_format is preserve_format:
        axes = _layout.preserve_axes(a)
    elif memory_format is channels_last:
        if a.ndim != 4:
            raise RuntimeError("required rank 4 tensor to use channels_last format")
        axes = [0, 2, 3, 1]
    elif memory_format is contiguous_format:
        axes = None
    else:
        raise RuntimeError(f"unsupported memory format {memory_format}")
    if axes is None:
        return fill(a.shape, np_dtype)
    inverse = sorted(range(len(axes)), key=axes.__getitem__)
    return fill([a.shape[d] for d in axes], np_dtype).transpose(inverse)


zeros_like = public(_like("zeros"), name="zeros_like")
ones_like = public(_like("ones"), name="ones_like")
empty_like = public(_like("empty"), name="empty_like")


@public
def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    np_dtype = input._data.dtype if dtype is None else dtype._np
    xp = input._xp if device is None else _xp(device)
    arr = _fill_like(lambda shape, dt: xp.full(shape, fill_value, dtype=dt), input._data,
                     np_dtype, memory_format)
    return finish(arr, requires_grad, input.device if device is None else device)


@public
def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                  pin_memory=False):
    np_dtype = _np_dtype(dtype)
    size = tuple(size)
    extent = 1 + sum((s - 1) * st for s, st in zip(size, stride)) if all(size) else 0
    backend = resolve(device)
    buf = backend.xp.empty(extent, dtype=np_dtype)
    arr = backend.as_strided(buf, size, [s * buf.itemsize for s in stride])
    return finish(arr, requires_grad, device)


# --- ranges ------------------------------------------------------------------------------

def _is_float(*vals):
    return any(isinstance(v, float) or (isinstance(v, Tensor) and v.is_floating_point())
               for v in vals)


@public
def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    if end is None:
        start, end = 0, start
    start, end, step = (v.item() if isinstance(v, Tensor) else v for v in (start, end, step))
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) / step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        dtype = D.get_default_dtype() if _is_float(start, end, step) else D.int64
    n = math.ceil((end - start) / step)
    # computed as start + i * step in double precision, as torch does
    xp = _xp(device)
    arr = (start + xp.arange(n, dtype=_F64) * step) if dtype._np.kind == "f" or \
        _is_float(start, end, step) else xp.arange(start, end, step, dtype=_I64)
    return finish(arr.astype(dtype._np), requires_grad, device)


@public(name="range")
def range_(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    """torch.range: deprecated, and inclusive of `end`, in the default float dtype."""
    if end is None:
        raise TypeError('range() missing 1 required positional arguments: "end"')
    import warnings
    warnings.warn("torch.range is deprecated and will be removed in a future release because "
                  "its behavior is inconsistent with Python's range builtin. Instead, use "
                  "torch.arange, which produces values in [start, end).", UserWarning,
                  stacklevel=2)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (step > 0 and end < start) or (step < 0 and start < end):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    dtype = dtype or D.get_default_dtype()
    n = int(math.floor((end - start) / step)) + 1
    # start + i * step in double precision, as torch computes it
    arr = start + _xp(device).arange(n, dtype=_F64) * step
    return finish(arr.astype(dtype._np), requires_grad, device)


_NOT_WRITABLE_WARNED = []


@public
def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-d tensor over the memory of a Python buffer (bytearray, array, mmap ...)."""
    view = memoryview(buffer)
    length, item = view.nbytes, dtype.itemsize
    if count < 0:
        if (length - offset) % item:
            raise ValueError(f"buffer length ({length - offset} bytes) after offset ({offset} "
                             f"bytes) must be a multiple of element size ({item})")
        count = (length - offset) // item
    elif count * item > length - offset:
        raise ValueError(f"requested buffer length ({count} * {item} bytes) after offset "
                         f"({offset} bytes) must not be greater than actual buffer length "
                         f"({length} bytes)")
    if view.readonly and not _NOT_WRITABLE_WARNED:
        import warnings
        _NOT_WRITABLE_WARNED.append(True)
        warnings.warn("The given buffer is not writable, and PyTorch does not support "
                      "non-writable tensors. This means you can write to the underlying "
                      "(supposedly non-writable) buffer using the tensor. You may want to copy "
                      "the buffer to protect its data or make it writable before converting it "
                      "to a tensor. This type of warning will be suppressed for the rest of "
                      "this program.", UserWarning, stacklevel=2)
    arr = _host.frombuffer(buffer, dtype=dtype._np, count=count, offset=offset)
    return finish(arr, requires_grad, None)


@public
def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    np_dtype = _np_dtype(dtype)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    # torch fills the first half from start and the second half from end
    step = (end - start) / (steps - 1) if steps > 1 else 0
    xp = _xp(device)
    idx = xp.arange(steps, dtype=_F64)
    half = steps // 2 if steps > 1 else 1  # (one step: torch gives start)
    arr = xp.where(idx < half, start + step * idx, end - step * (steps - 1 - idx))
    if np_dtype.kind in "iu":
        arr = xp.trunc(arr)
    return finish(arr.astype(np_dtype), requires_grad, device)


@public
def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    np_dtype = _np_dtype(dtype)
    exps = linspace(start, end, steps, dtype=D.float64, device=device)._data
    return finish(_xp(device).power(base, exps).astype(np_dtype), requires_grad, device)


@public
def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return finish(_xp(device).eye(n, n if m is None else m, dtype=_np_dtype(dtype)),
                  requires_grad, device)


def _triangle_indices(lower, row, col, offset, dtype, device):
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    xp = _xp(device)
    pick = xp.tril_indices if lower else xp.triu_indices
    rows, cols = pick(row, offset, col)
    np_dtype = (dtype or D.int64)._np
    return _wrap(xp.stack([rows, cols]).astype(np_dtype).reshape(2, -1))


@public
def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    return _triangle_indices(True, row, col, offset, dtype, device)


@public
def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    return _triangle_indices(False, row, col, offset, dtype, device)


# --- windows: torch.hann_window ... (the ATen kernels' steps, in the window's dtype) ------

def _window(name, window_length, periodic, dtype, device, requires_grad, make):
    """The checks and edge cases every window shares; `make(n, dtype)` computes a window
    of n points (n + 1 for a periodic one, then its last point dropped)."""
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got "
                           f"window_length={window_length}")
    dtype = D.get_default_dtype() if dtype is None else dtype
    if not dtype.is_floating_point:
        raise RuntimeError(f"{name} expects floating point dtypes, got: TensorOptions("
                           f"dtype={_CPP_NAMES.get(dtype._np.name, dtype._np.name)}, "
                           "device=cpu, layout=Strided "
                           "(default), requires_grad=false (default), pinned_memory=false, "
                           "memory_format=(nullopt))")
    if window_length <= 1:
        w = ones(window_length, dtype=dtype, device=device)
    else:
        n = window_length + 1 if periodic else window_length
        w = make(n, dtype, device)
        if periodic:
            w = w[:n - 1].contiguous()
    return w.requires_grad_() if requires_grad else w


def _hamming(alpha, beta):
    def make(n, dtype, device):
        w = arange(n, dtype=dtype, device=device)
        return (w * (math.pi * 2.0 / (n - 1))).cos() * -beta + alpha
    return make


@public
def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None,
                   layout=None, device=None, pin_memory=False, requires_grad=False):
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad,
                   _hamming(alpha, beta))


@public
def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                pin_memory=False, requires_grad=False):
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad,
                   _hamming(0.5, 0.5))


def _blackman(n, dtype, device):
    w = arange(n, dtype=dtype, device=device) * (math.pi / (n - 1))
    return (w * 4).cos() * 0.08 - (w * 2).cos() * 0.5 + 0.42


@public
def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                    pin_memory=False, requires_grad=False):
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad,
                   _blackman)


def _bartlett(n, dtype, device):
    w = arange(n, dtype=dtype, device=device) * (2.0 / (n - 1))
    half = ((n - 1) >> 1) + 1
    w[half:] = w[half:] * -1 + 2
    return w


@public
def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                    pin_memory=False, requires_grad=False):
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad,
                   _bartlett)


def _kaiser(beta):
    def make(n, dtype, device):
        # torch's kernel: i0(beta * sqrt(|1 - ((k - alpha) / alpha)^2|)) / i0(beta), in
        # the dtype's arithmetic type (float32 for float16 too)
        wide = D.float32 if dtype == D.float16 else dtype
        alpha = (n - 1) / 2.0
        k = arange(n, dtype=wide, device=device)
        b = full((), beta, dtype=wide, device=device)
        r = (b * ((1 - ((k - alpha) / alpha) ** 2).abs()).sqrt()).i0() / b.i0()
        return r.to(dtype)
    return make


@public
def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None,
                  device=None, pin_memory=False, requires_grad=False):
    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad,
                   _kaiser(beta))
