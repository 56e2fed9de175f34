"""torch's CPU arithmetic for optimizer updates, in place on numpy arrays.

torch's vectorised CPU kernels compute `add(b, alpha=)`, `lerp` and `addcmul` with a
fused multiply-add, which rounds once where numpy's `a + alpha * b` rounds twice.
Over many steps that difference grows past what float32 results can be compared at,
so float32 updates form the product in float64 (where the product of two float32
values is exact) and round the sum once to float32, as the FMA does.  float64 updates
round twice: one ulp of 1e-16 is far below any tolerance.

Scalars (`alpha`, `value`, `weight`) are cast to the array's dtype first, as torch
casts a Scalar to the kernel's dtype.

Speed: an update is a chain of one-operation passes.  Large parameters run it on
cache-sized `chunks`, with temporaries from reused `work` arrays (a fresh array of a
chunk's size is mapped and page-faulted again on every call).  Small ones pay per numpy
call, not per element: their temporaries are fresh (numpy caches small blocks), and the
float64 detour takes as few calls as possible.
"""
import threading

from .. import _dtype as D
from .._backend import BY_ARRAY_TYPE, backend_of_type, cpu
from .._backend import Tracing as _Tracing
from .._ops._core import xp_of as _xp_of

_ndarray = cpu.array_type
_cpu_xp = cpu.xp  # per-parameter fast path
_F32 = D.float32._np
_F64 = D.float64._np
# elements per chunk: the temporaries of an update of one chunk stay in L2 cache
CHUNK = 32768
# up to this many elements, temporaries are fresh arrays (`work` gives None)
_SMALL = 4096
_LINE = 64  # bytes in a cache line


class _Buffers(threading.local):
    def __init__(self):
        self.by_key = {}


_LOCAL = _Buffers()


def work(like, slot, dtype=None):
    """Scratch space shaped like `like` (of its dtype unless given), one per `slot` and
    thread, reused from call to call: its contents are garbage.  None for small arrays,
    where numpy's own allocation (`out=None`) is cheaper."""
    xp = _cpu_xp if type(like) is _ndarray else _xp_of(like)
    size = like.size
    if size <= _SMALL:
        return None
    if dtype is None:
        dtype = like.dtype
    if size > CHUNK or _Tracing.active:
        # (a torch.compile trace must not leave its arrays in the cache; its replay
        # allocates the scratch space each time)
        return xp.empty(like.shape, dtype)
    buffers = _LOCAL.by_key
    backend = backend_of_type(type(like))
    key = (backend, dtype, slot)
    buf = buffers.get(key)
    if buf is None:
        buf = buffers[key] = _aligned_empty(backend, CHUNK, xp.dtype(dtype))
    return buf[:size].reshape(like.shape)


def _aligned_empty(backend, size, dtype):
    """An uninitialised 1-d array starting on a cache line: numpy's SIMD loops write an
    output that is not aligned so at half speed (numpy itself aligns to 16 bytes)."""
    xp = backend.xp
    raw = xp.empty(size * dtype.itemsize + _LINE, D.uint8._np)
    start = -backend.data_ptr(raw) % _LINE
    return raw[start:start + size * dtype.itemsize].view(dtype)


def chunks(*arrays):
    """Matching flat pieces of same-shaped C-contiguous arrays (None passes through as
    None), for elementwise updates; other arrays come back whole."""
    first = arrays[0]
    if first.size <= CHUNK or not all(a is None or (a.shape == first.shape
                                                     and a.flags.c_contiguous)
                                       for a in arrays):
        yield arrays
        return
    flat = [None if a is None else a.reshape(-1) for a in arrays]
    for start in range(0, first.size, CHUNK):
        yield tuple(None if a is None else a[start:start + CHUNK] for a in flat)


def _fma(x, y, z, out):
    """out = x * y + z, rounded once for float32 (y may be a scalar)."""
    xp = _cpu_xp if type(out) is _ndarray else _xp_of(out)
    if out.dtype != _F32:
        return xp.add(xp.multiply(x, y), z, out=out)
    if out.size <= _SMALL:
        # numpy casts a float32 operand of a float64 loop more slowly than astype does
        wide = x.astype(_F64)
        wide *= y if type(y) in BY_ARRAY_TYPE else float(y)
        wide += z.astype(_F64)
        out[...] = wide
        return out
    # widen with plain conversions: float64 loops that cast their inputs are slower
    wide, other = work(out, "fma", _F64), work(out, "fma2", _F64)
    xp.copyto(wide, x)
    if type(y) in BY_ARRAY_TYPE:
        xp.copyto(other, y)
        xp.multiply(wide, other, out=wide)
    else:
        xp.multiply(wide, float(y), out=wide)
    xp.copyto(other, z)
    xp.add(wide, other, out=wide)
    xp.copyto(out, wide, casting="unsafe")
    return out


def _typed(a, value):
    """A hyper-parameter as a number of a's dtype: a numpy scalar, or for a number that
    a torch.compile trace computes (a bias correction from the step count) a 0-d array
    of that dtype, recorded (numpy's scalar constructor would read its value)."""
    if type(value) in _NUMBERS or isinstance(value, _cpu_xp.generic):
        return a.dtype.type(value)
    xp = _cpu_xp if type(a) is _ndarray else _xp_of(a)
    return xp.asarray(value, dtype=a.dtype)


_NUMBERS = (float, int, bool)


def add_(a, b, alpha=1.0):
    """a += alpha * b (torch's a.add_(b, alpha=alpha))."""
    xp = _cpu_xp if type(a) is _ndarray else _xp_of(a)
    if alpha == 1:
        return xp.add(a, b, out=a)
    return _fma(b, _typed(a, alpha), a, a)


def added(a, b, alpha=1.0, out=None):
    """a + alpha * b (torch's a.add(b, alpha=alpha)) in `out`, a new array if None."""
    xp = _cpu_xp if type(a) is _ndarray else _xp_of(a)
    return _fma(b, _typed(a, alpha), a, xp.empty_like(a) if out is None else out)


def lerp_(a, end, weight):
    """a += weight * (end - a), computed from the nearer end as torch's lerp is."""
    xp = _cpu_xp if type(a) is _ndarray else _xp_of(a)
    weight = _typed(a, weight)
    diff = xp.subtract(end, a, out=work(a, "scratch"))
    if abs(weight) < 0.5:
        return _fma(diff, weight, a, a)
    return _fma(diff, weight - 1, end, a)


def addcmul_(a, t1, t2, value=1.0):
    """a += value * t1 * t2, with (value * t1) formed first and the rest fused."""
    xp = _cpu_xp if type(a) is _ndarray else _xp_of(a)
    scaled = xp.multiply(t1, _typed(a, value), out=work(a, "scratch"))
    return _fma(scaled, t2, a, a)


def addcdiv_(a, t1, t2, value=1.0):
    """a += value * t1 / t2 (no fusion: torch divides, then adds)."""
    xp = _cpu_xp if type(a) is _ndarray else _xp_of(a)
    quotient = xp.multiply(t1, _typed(a, value), out=work(a, "scratch"))
    quotient /= t2  # in place, or rebound where a 0-dim result came back as a scalar
    return xp.add(a, quotient, out=a)


def as_real(a):
    """A float view of a complex array with a trailing (real, imag) axis, as
    torch.view_as_real: optimizers treat the two parts as separate entries."""
    xp = _cpu_xp if type(a) is _ndarray else _xp_of(a)
    if a.dtype.kind != "c":
        return a
    real = a.real
    return xp.lib.stride_tricks.as_strided(real, a.shape + (2,),
                                           a.strides + (real.itemsize,))


def scalar(x):
    """A hyperparameter as a number: a 0-dim tensor becomes a numpy scalar of its
    dtype, so that arithmetic with it rounds as torch's 0-dim tensor arithmetic does."""
    data = getattr(x, "_data", None)
    if data is None:
        return x
    if type(data) is not _ndarray:
        data = backend_of_type(type(data)).to_host(data)  # a tensor lr on another device
    return data.reshape(-1)[0]
