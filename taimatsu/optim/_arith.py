"""torch's CPU arithmetic for optimizer updates, in place on numpy arrays.

torch's vectorised CPU kernels compute `add(b, alpha=)`, `lerp` and `addcmul` with a
fused multiply-add, which rounds once where numpy's `a + alpha * b` rounds twice.
Over many steps that difference grows past what float32 results can be compared at,
so float32 updates form the product in float64 (where the product of two float32
values is exact) and round the sum once to float32, as the FMA does.  float64 updates
round twice: one ulp of 1e-16 is far below any tolerance.

Scalars (`alpha`, `value`, `weight`) are cast to the array's dtype first, as torch
casts a Scalar to the kernel's dtype.

Speed: an update is a chain of one-operation passes, so optimizers run it on
cache-sized `chunks` of a parameter, and temporaries come from reused `work` arrays
(a fresh array of a chunk's size is mapped and page-faulted again on every call).
"""
import threading

from .._backend import numpy as np

_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
# elements per chunk: the temporaries of an update of one chunk stay in L2 cache
_CHUNK = 32768
_LOCAL = threading.local()


def work(like, slot, dtype=None):
    """A scratch array shaped like `like` (of its dtype unless given), one per `slot`
    and thread, reused from call to call: its contents are garbage."""
    dtype = like.dtype if dtype is None else dtype
    if like.size > _CHUNK:
        return np.empty(like.shape, dtype)
    try:
        buf = _LOCAL.buffers[dtype, slot]
    except AttributeError:
        _LOCAL.buffers = {}
        return work(like, slot, dtype)
    except KeyError:
        buf = _LOCAL.buffers[dtype, slot] = np.empty(_CHUNK, dtype)
    return buf[:like.size].reshape(like.shape)


def chunks(*arrays):
    """Matching flat pieces of same-shaped C-contiguous arrays (None passes through as
    None), for elementwise updates; other arrays come back whole."""
    first = arrays[0]
    if first.size <= _CHUNK or not all(a is None or (a.shape == first.shape
                                                     and a.flags.c_contiguous)
                                       for a in arrays):
        yield arrays
        return
    flat = [None if a is None else a.reshape(-1) for a in arrays]
    for start in range(0, first.size, _CHUNK):
        yield tuple(None if a is None else a[start:start + _CHUNK] for a in flat)


def _fma(x, y, z, out):
    """out = x * y + z, rounded once for float32 (y may be a scalar)."""
    if out.dtype != _F32:
        return np.add(np.multiply(x, y), z, out=out)
    # widen with plain conversions: float64 loops that cast their inputs are slower
    wide, other = work(out, "fma", _F64), work(out, "fma2", _F64)
    np.copyto(wide, x)
    if isinstance(y, np.ndarray):
        np.copyto(other, y)
        np.multiply(wide, other, out=wide)
    else:
        np.multiply(wide, _F64.type(y), out=wide)
    np.copyto(other, z)
    np.add(wide, other, out=wide)
    np.copyto(out, wide, casting="unsafe")
    return out


def add_(a, b, alpha=1.0):
    """a += alpha * b (torch's a.add_(b, alpha=alpha))."""
    if alpha == 1:
        return np.add(a, b, out=a)
    return _fma(b, a.dtype.type(alpha), a, a)


def added(a, b, alpha=1.0):
    """A new array a + alpha * b (torch's a.add(b, alpha=alpha))."""
    return _fma(b, a.dtype.type(alpha), a, np.empty_like(a))


def lerp_(a, end, weight):
    """a += weight * (end - a), computed from the nearer end as torch's lerp is."""
    weight = a.dtype.type(weight)
    diff = np.subtract(end, a, out=work(a, "diff"))
    if abs(weight) < 0.5:
        return _fma(diff, weight, a, a)
    return _fma(diff, weight - 1, end, a)


def addcmul_(a, t1, t2, value=1.0):
    """a += value * t1 * t2, with (value * t1) formed first and the rest fused."""
    scaled = np.multiply(t1, a.dtype.type(value), out=work(a, "scaled"))
    return _fma(scaled, t2, a, a)


def addcdiv_(a, t1, t2, value=1.0):
    """a += value * t1 / t2 (no fusion: torch divides, then adds)."""
    quotient = np.multiply(t1, a.dtype.type(value), out=work(a, "quotient"))
    np.divide(quotient, t2, out=quotient)
    return np.add(a, quotient, out=a)


def as_real(a):
    """A float view of a complex array with a trailing (real, imag) axis, as
    torch.view_as_real: optimizers treat the two parts as separate entries."""
    if a.dtype.kind != "c":
        return a
    real = a.real
    return np.lib.stride_tricks.as_strided(real, a.shape + (2,),
                                           a.strides + (real.itemsize,))


def scalar(x):
    """A hyperparameter as a number: a 0-dim tensor becomes a numpy scalar of its
    dtype, so that arithmetic with it rounds as torch's 0-dim tensor arithmetic does."""
    data = getattr(x, "_data", None)
    if data is None:
        return x
    return data.reshape(-1)[0]
