"""torch's CPU arithmetic for optimizer updates, in place on numpy arrays.

torch's vectorised CPU kernels compute `add(b, alpha=)`, `lerp` and `addcmul` with a
fused multiply-add, which rounds once where numpy's `a + alpha * b` rounds twice.
Over many steps that difference grows past what float32 results can be compared at,
so float32 updates form the product in float64 (where the product of two float32
values is exact) and round the sum once to float32, as the FMA does.  float64 updates
round twice: one ulp of 1e-16 is far below any tolerance.

Scalars (`alpha`, `value`, `weight`) are cast to the array's dtype first, as torch
casts a Scalar to the kernel's dtype.
"""
from .._backend import numpy as np

_F32 = np.dtype(np.float32)
_F64 = np.float64


def _fma(x, y, z, out):
    """out = x * y + z, rounded once for float32 (x or y may be a scalar)."""
    if out.dtype == _F32:
        wide = np.multiply(x, y, dtype=_F64)
        np.add(wide, z, out=wide)
        np.copyto(out, wide, casting="unsafe")
    else:
        np.add(np.multiply(x, y), z, out=out)
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
    diff = np.subtract(end, a)
    if abs(weight) < 0.5:
        return _fma(diff, weight, a, a)
    return _fma(diff, weight - 1, end, a)


def addcmul_(a, t1, t2, value=1.0):
    """a += value * t1 * t2, with (value * t1) formed first and the rest fused."""
    scaled = np.multiply(t1, a.dtype.type(value))
    return _fma(scaled, t2, a, a)


def addcdiv_(a, t1, t2, value=1.0):
    """a += value * t1 / t2 (no fusion: torch divides, then adds)."""
    quotient = np.multiply(t1, a.dtype.type(value))
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
