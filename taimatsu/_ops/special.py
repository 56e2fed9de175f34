"""torch's special functions: the gamma family (lgamma, digamma, polygamma, mvlgamma,
zeta), modified Bessel functions I0 and I1, the normal distribution's ndtr, ndtri and
log_ndtr, erfcx, entr and xlog1py.

The kernels follow torch's (the Cephes-derived code of ATen's Math.h), vectorised over
arrays, so that poles, signed zeros, infinities and nan come out as torch's; torch's
float32 kernels compute digamma and trigamma in float32 (so do these), the others are
computed in float64 and rounded.  numpy has no gamma-family ufuncs and scipy is not a
dependency: lgamma is a Lanczos approximation with reflection."""
import math

from .. import _dtype as D
from functools import partial

from .._backend import BY_ARRAY_TYPE
from .._tensor import Tensor
from . import elementwise as ew
from ._core import Op, apply, public
from ._core import xp_of as _xp_of
from ._layout import binary_result


_F64 = D.float64._np
_LOG_PI = math.log(math.pi)
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
_SQRT_2PI = math.sqrt(2 * math.pi)
_SQRT1_2 = math.sqrt(0.5)


def _polevl(z, coefficients):
    result = 0.0
    for c in coefficients:
        result = result * z + c
    return result


def _chbevl(x, coefficients):
    """Cephes' Chebyshev series evaluation (Clenshaw's recurrence)."""
    b0 = coefficients[0]
    b1 = b2 = 0.0
    for c in coefficients[1:]:
        b2 = b1
        b1 = b0
        b0 = x * b1 - b2 + c
    return 0.5 * (b0 - b2)


# ---------------------------------------------------------------------------------------
# kernels on arrays

# Lanczos' approximation, g = 7, n = 9: relative error about 1e-15 for x >= 0.5
_LANCZOS_G = 7.0
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028,
            771.32342877765313, -176.61502916214059, 12.507343278686905,
            -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7)


def _lgamma_positive(z):
    """lgamma for z >= 0.5 (float64)."""
    xp = _xp_of(z)
    z = z - 1.0
    series = xp.full_like(z, _LANCZOS[0])
    for i, c in enumerate(_LANCZOS[1:], 1):
        series += c / (z + i)
    t = z + (_LANCZOS_G + 0.5)
    return _HALF_LOG_2PI + (z + 0.5) * xp.log(t) - t + xp.log(series)


def _lgamma_array(x):
    xp = _xp_of(x)
    v = x.astype(_F64, copy=False)
    with xp.errstate(all="ignore"):
        reflect = v < 0.5
        r = _lgamma_positive(xp.where(reflect, 1.0 - v, v))
        if reflect.any():
            # lgamma(x) = log(pi / |sin(pi x)|) - lgamma(1 - x); sin(pi x) from x's distance
            # to the nearest integer, exact where pi * x is not (0 at the poles: inf)
            log_sin = xp.log(xp.abs(xp.sin(math.pi * (v - xp.round(v)))))
            r = xp.where(reflect, _LOG_PI - log_sin - r, r)
        r = xp.where(xp.isinf(v), math.inf, xp.where((v == 1) | (v == 2), 0.0, r))
    return r.astype(x.dtype, copy=False)


_PSI_10 = 2.25175258906672110764
_DIGAMMA_A = (8.33333333333333333333E-2, -2.10927960927960927961E-2,
              7.57575757575757575758E-3, -4.16666666666666666667E-3,
              3.96825396825396825397E-3, -8.33333333333333333333E-3,
              8.33333333333333333333E-2)


def _digamma_array(x):
    """torch's calc_digamma, in x's dtype: psi(x) = psi(x + 1) - 1/x up to 10, then the
    asymptotic series; psi(1 - x) - pi / tan(pi x) for x < 0."""
    xp = _xp_of(x)
    dt = x.dtype
    with xp.errstate(all="ignore"):
        neg = x < 0
        v = xp.where(neg, 1 - x, x)
        result = xp.zeros_like(v)
        for _ in range(10):  # x > 0 reaches 10 within ten steps
            small = v < 10
            xp.subtract(result, xp.reciprocal(v), out=result, where=small)
            xp.add(v, 1, out=v, where=small)
        z = xp.reciprocal(v * v)
        y = xp.where(v < 1e17, z * _polevl(z, _DIGAMMA_A), 0)
        out = xp.where(v == 10, result + dt.type(_PSI_10), result + xp.log(v) - 0.5 / v - y)
        if neg.any():
            # from the fractional part, as tan(pi r) is more accurate than tan(pi x)
            r = xp.modf(x.astype(_F64, copy=False))[0]
            out = xp.where(neg, out - (math.pi / xp.tan(math.pi * r)).astype(dt), out)
            out = xp.where(neg & (x == xp.trunc(x)), math.nan, out)
        out = xp.where(x == 0, xp.copysign(dt.type(math.inf), -x), out)
    return out.astype(dt, copy=False)


def _trigamma_array(x):
    """torch's trigamma, in x's dtype (its reflection gives finite values at the poles
    x < 0, as torch's does)."""
    xp = _xp_of(x)
    dt = x.dtype
    pi = dt.type(math.pi)
    with xp.errstate(all="ignore"):
        reflect = x < 0.5
        s = xp.sin(pi * x)
        result = xp.where(reflect, -(pi * pi) / (s * s), dt.type(0)).astype(dt, copy=False)
        v = xp.where(reflect, 1 - x, x)
        for _ in range(6):
            result += xp.reciprocal(v * v)
            v = v + 1
        ixx = xp.reciprocal(v * v)
        c6, c30, c42 = dt.type(1 / 6), dt.type(1 / 30), dt.type(1 / 42)
        result += (1 + 1 / (2 * v) + ixx * (c6 - ixx * (c30 - ixx * c42))) / v
        return xp.where(reflect, -result, result)


_MACHEP = 1.11022302462515654042E-16
_ZETA_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9,
           7.47242496e10, -2.950130727918164224e12, 1.1646782814350067249e14,
           -4.5979787224074726105e15, 1.8152105401943546773e17, -7.1661652561756670113e18)


def _zeta_array(x, q):
    """Hurwitz zeta(x, q) in float64 as torch's (Cephes') zeta: direct summation until
    q + i > 9, then the Euler-Maclaurin tail."""
    xp = _xp_of(x)
    x, q = xp.broadcast_arrays(xp.asarray(x, _F64), xp.asarray(q, _F64))
    out = xp.full(x.shape, math.nan)
    with xp.errstate(all="ignore"):
        q_pole = (q <= 0) & (q == xp.floor(q))
        out[(x == 1) | ((x > 1) & q_pole)] = math.inf
        todo = ~((x <= 1) | q_pole | ((q <= 0) & (x != xp.floor(x))))
        xs, qs = x[todo], q[todo]
        out[todo] = _zeta_series(xs, qs)
    return out


def _zeta_series(x, q):
    xp = _xp_of(x)
    s = xp.power(q, -x)
    a = q.copy()
    b = xp.zeros_like(q)
    finished = xp.zeros(q.shape, bool)
    live = xp.arange(q.size)
    step = 0
    while live.size:
        step += 1
        al = a[live] + 1
        bl = xp.power(al, -x[live])
        sl = s[live] + bl
        a[live], b[live], s[live] = al, bl, sl
        converged = (-_MACHEP * sl < bl) & (bl < _MACHEP * sl)
        finished[live[converged]] = True
        keep = ~converged
        if step >= 9:
            keep &= al <= 9
        live = live[keep]
    tail = ~finished
    s[tail] = _zeta_tail(x[tail], s[tail], b[tail], a[tail])
    return s


def _zeta_tail(x, s, b, w):
    xp = _xp_of(x)
    s = s + b * w / (x - 1) - 0.5 * b
    a = xp.ones_like(s)
    stopped = xp.zeros(s.shape, bool)
    k = 0.0
    for coefficient in _ZETA_A:
        a = a * (x + k)
        b = b / w
        t = a * b / coefficient
        s = xp.where(stopped, s, s + t)
        stopped |= xp.abs(t / s) < _MACHEP
        k += 1.0
        a = a * (x + k)
        b = b / w
        k += 1.0
    return s


def _polygamma_array(n, x):
    xp = _xp_of(x)
    if n == 0:
        return _digamma_array(x)
    if n == 1:
        return _trigamma_array(x)
    sign = 1.0 if n % 2 else -1.0
    factor = x.dtype.type(sign * math.exp(math.lgamma(n + 1.0)))
    with xp.errstate(all="ignore"):
        return factor * _zeta_array(float(n + 1), x).astype(x.dtype, copy=False)


def _bessel_kernel(x, small, large, times_x):
    """Cephes' exp(-|x|) I0(|x|) (times_x=False) or exp(-|x|) I1(|x|) / |x| form: two
    Chebyshev series, on [0, 8] and on (8, inf)."""
    xp = _xp_of(x)
    v = xp.abs(x.astype(_F64, copy=False))
    with xp.errstate(all="ignore"):
        near = _chbevl(v / 2.0 - 2.0, small)
        if times_x:
            near = near * v
        far = _chbevl(32.0 / v - 2.0, large) / xp.sqrt(v)
        return xp.where(v <= 8.0, near, far), v


def _i0e_array(x):
    r, _ = _bessel_kernel(x, _I0E_A, _I0E_B, False)
    return r.astype(x.dtype, copy=False)


def _i0_array(x):
    xp = _xp_of(x)
    r, v = _bessel_kernel(x, _I0E_A, _I0E_B, False)
    with xp.errstate(all="ignore"):
        return (xp.exp(v) * r).astype(x.dtype, copy=False)


def _i1e_array(x):
    xp = _xp_of(x)
    r, _ = _bessel_kernel(x, _I1E_A, _I1E_B, True)
    return xp.where(x < 0, -r, r).astype(x.dtype, copy=False)


def _i1_array(x):
    xp = _xp_of(x)
    r, v = _bessel_kernel(x, _I1E_A, _I1E_B, True)
    with xp.errstate(all="ignore"):
        r = xp.exp(v) * r
    return xp.where(x < 0, -r, r).astype(x.dtype, copy=False)


def _ndtri_array(p):
    """Cephes' ndtri: rational approximations in the centre and in each tail."""
    xp = _xp_of(p)
    y0 = p.astype(_F64, copy=False)
    with xp.errstate(all="ignore"):
        upper = y0 > 1.0 - 0.13533528323661269189
        y = xp.where(upper, 1.0 - y0, y0)
        c = y - 0.5
        c2 = c * c
        centre = (c + c * (c2 * _polevl(c2, _NDTRI_P0) / _polevl(c2, _NDTRI_Q0))) * _SQRT_2PI
        t = xp.sqrt(-2.0 * xp.log(y))
        z = 1.0 / t
        near = z * _polevl(z, _NDTRI_P1) / _polevl(z, _NDTRI_Q1)
        far = z * _polevl(z, _NDTRI_P2) / _polevl(z, _NDTRI_Q2)
        tail = t - xp.log(t) / t - xp.where(t < 8.0, near, far)
        tail = xp.where(upper, tail, -tail)
        r = xp.where(y > 0.13533528323661269189, centre, tail)
        r = xp.where((y0 < 0) | (y0 > 1), math.nan, r)
        r = xp.where(y0 == 0, -math.inf, xp.where(y0 == 1, math.inf, r))
    return r.astype(p.dtype, copy=False)


def _erfc64(v):
    return ew.ErfcBackward0.forward(_xp_of(v), v)


def _erfcx64(v):
    """exp(x^2) erfc(x) in float64: directly where that neither overflows nor underflows,
    by its asymptotic series for large x (relative error ~1e-14)."""
    xp = _xp_of(v)
    with xp.errstate(all="ignore"):
        direct = xp.exp(v * v) * _erfc64(xp.minimum(v, 25.0))
        inv = 1.0 / (2.0 * v * v)
        term = xp.ones_like(v)
        series = xp.ones_like(v)
        for k in range(1, 8):
            term = term * -(2 * k - 1) * inv
            series += term
        asymptotic = series / (v * math.sqrt(math.pi))
        r = xp.where(v < 25.0, direct, asymptotic)
        return xp.where(v == math.inf, 0.0, r)


def _erfcx_array(x):
    return _erfcx64(x.astype(_F64, copy=False)).astype(x.dtype, copy=False)


def _log_ndtr_array(x):
    xp = _xp_of(x)
    v = x.astype(_F64, copy=False)
    t = v * _SQRT1_2
    with xp.errstate(all="ignore"):
        left = xp.log(_erfcx64(-t) / 2) - t * t
        right = xp.log1p(-_erfc64(xp.maximum(t, -_SQRT1_2)) / 2)
        return xp.where(v < -1.0, left, right).astype(x.dtype, copy=False)


def _entr_array(x):
    xp = _xp_of(x)
    with xp.errstate(all="ignore"):
        r = xp.where(x > 0, -x * xp.log(x), xp.where(x == 0, x.dtype.type(0), -math.inf))
        return xp.where(xp.isnan(x), x, r).astype(x.dtype, copy=False)


def _xlog1py_array(xp, x, y):
    r = xp.multiply(x, xp.log1p(y))
    r = xp.where((xp.asarray(x) == 0) & ~xp.isnan(y), 0, r).astype(r.dtype, copy=False)
    return xp.where(xp.isnan(y), math.nan, r).astype(r.dtype, copy=False)


# ---------------------------------------------------------------------------------------
# the records: a float op computes in `dtype` (an integer input in the default float dtype)

def _in_dtype(a, dtype):
    return a if type(a) not in BY_ARRAY_TYPE or a.dtype == dtype else a.astype(dtype)


def _as_result(xp, r, dtype):
    if type(r) not in BY_ARRAY_TYPE:
        return xp.asarray(r, dtype=dtype)
    return r if r.dtype == dtype else r.astype(dtype)


class _FloatUnary(Op):
    """A float op of one tensor whose record names its kernel on arrays (`kernel`)."""

    saves = ("self",)

    def __init_subclass__(cls, **kwargs):
        kernel = cls.__dict__.get("kernel")
        if kernel is not None:
            cls.forward = staticmethod(partial(_unary_forward, kernel.__func__))
        super().__init_subclass__(**kwargs)


def _unary_forward(kernel, xp, a, dtype, **params):
    return _as_result(xp, kernel(_in_dtype(a, dtype), **params), dtype)


def _float_dtype(name, x, kernel):
    """The dtype the op computes x in (integers: the default float dtype), with torch's
    errors."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(x).__name__}")
    dt = x._data.dtype
    if dt.kind == "c":
        raise ew._not_implemented(kernel, dt)
    return dt if dt.kind == "f" else D.get_default_dtype()._np


def _unary(node_cls, name, kernel):
    def op(input, *, out=None):
        dt = _float_dtype(name, input, kernel)
        return ew._into(out, apply(node_cls, input, dtype=dt))
    op.__name__ = name
    return op


# --- the gamma family

class LgammaBackward0(_FloatUnary):
    kernel = staticmethod(_lgamma_array)

    def backward(self, grad):
        (x,) = self.saved()
        return (grad * digamma(x),)


class DigammaBackward0(_FloatUnary):
    kernel = staticmethod(_digamma_array)

    def backward(self, grad):
        (x,) = self.saved()
        return (grad * polygamma(1, x),)


class PolygammaBackward0(_FloatUnary):
    @staticmethod
    def kernel(a, n):
        return _polygamma_array(n, a)

    def backward(self, grad):
        (x,) = self.saved()
        return (grad * polygamma(self.n + 1, x),)


class MvlgammaBackward0(_FloatUnary):
    """log of the multivariate gamma function of dimension p:
    sum_i lgamma(x - i/2) + p (p - 1) / 4 log(pi)."""

    @staticmethod
    def kernel(a, p):
        xp = _xp_of(a)
        offsets = xp.arange(-p * 0.5 + 0.5, 0.5, 0.5).astype(a.dtype)
        return _lgamma_array(a[..., None] + offsets).sum(-1) + \
            a.dtype.type(p * (p - 1) * 0.25 * _LOG_PI)

    def backward(self, grad):
        (x,) = self.saved()
        return (grad * digamma(x.unsqueeze(-1) + _mvlgamma_offsets(self.p, x)).sum(-1),)


lgamma = public(_unary(LgammaBackward0, "lgamma", "lgamma_vml_cpu"), inplace="method")
gammaln = lgamma  # torch.special's name
digamma = public(_unary(DigammaBackward0, "digamma", "digamma"), inplace="method")
psi = digamma  # torch.special's name


@public(inplace="method")
def polygamma(n, input, *, out=None):
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError("polygamma(): argument 'n' (position 1) must be int, not "
                        f"{type(n).__name__}")
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    kernel = ("digamma", "trigamma")[n] if n < 2 else "polygamma"
    dt = _float_dtype("polygamma", input, kernel)
    return ew._into(out, apply(PolygammaBackward0, input, dtype=dt, n=n))


def _polygamma_method(self, n):
    return polygamma(n, self)


def _mvlgamma_offsets(p, x):
    from .creation import arange
    return arange(-p * 0.5 + 0.5, 0.5, 0.5, dtype=x.dtype)


@public(inplace="method")
def mvlgamma(input, p, *, out=None):
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    dt = _float_dtype("mvlgamma", input, "arange_cpu")
    return ew._into(out, apply(MvlgammaBackward0, input, dtype=dt, p=p))


def multigammaln(input, p, *, out=None):
    return mvlgamma(input, p, out=out)


# --- ops of two operands, tensors or numbers: one record for each case, as torch's

def _binary_forward(kernel):
    def forward(xp, x, y, dtype, **params):
        x, y = _in_dtype(x, dtype), _in_dtype(y, dtype)
        try:
            r = kernel(xp, x, y)
        except ValueError:
            from ._core import broadcast_error
            raise broadcast_error(getattr(x, "shape", ()), getattr(y, "shape", ())) from None
        if type(x) in BY_ARRAY_TYPE and type(r) in BY_ARRAY_TYPE and not x.flags.c_contiguous:
            r = binary_result(r, x, y)
        return _as_result(xp, r, dtype)
    return staticmethod(forward)


def _zeta_kernel(xp, x, q):
    return _zeta_array(x, q)


class SpecialZetaBackward0(Op):
    """zeta(tensor, tensor): torch has no derivative in the first argument."""

    args = ("self", "other")
    saves = ("self", "other")
    forward = _binary_forward(_zeta_kernel)

    def backward(self, grad):
        x, q = self.saved()
        if self._next[0] is not None:
            raise NotImplementedError("the derivative for 'zeta' is not implemented.")
        return None, grad * -x * zeta(x + 1.0, q)


class SpecialZetaBackward1(SpecialZetaBackward0):
    """zeta(number, tensor)."""

    nondifferentiable = ("self",)
    saves = ("other",)

    def backward(self, grad):
        (q,) = self.saved()
        return (grad * -self.number * zeta(self.number + 1.0, q),)


class SpecialZetaBackward2(SpecialZetaBackward0):
    """zeta(tensor, number)."""

    nondifferentiable = ("other",)
    saves = ()

    def backward(self, grad):
        raise NotImplementedError("the derivative for 'zeta' is not implemented.")


def _binary(name, input, other, nodes, out):
    """Run the record of nodes (tensor-tensor, number-tensor, tensor-number) that fits."""
    from ._core import as_tensor_operand
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(f"special_{name}(): argument 'input' (position 1) must be Tensor, "
                        f"not {type(input).__name__}")
    dt = ew._real_dtype(name, input, other, floating=True)
    a, b = as_tensor_operand(input), as_tensor_operand(other)
    if not isinstance(a, Tensor):
        result = apply(nodes[1], a, b, dtype=dt, number=a)
    elif not isinstance(b, Tensor):
        result = apply(nodes[2], a, b, dtype=dt, number=b)
    else:
        result = apply(nodes[0], a, b, dtype=dt)
    return ew._into(out, result, (a, b))


def zeta(input, other, *, out=None):
    """The Hurwitz zeta function sum_k (other + k) ** -input."""
    return _binary("zeta", input, other, (SpecialZetaBackward0, SpecialZetaBackward1,
                                          SpecialZetaBackward2), out)


# --- Bessel functions, the normal distribution, entropy

class I0Backward0(_FloatUnary):
    kernel = staticmethod(_i0_array)

    def backward(self, grad):
        (x,) = self.saved()
        return (grad * i1(x),)


class SpecialI0EBackward0(_FloatUnary):
    kernel = staticmethod(_i0e_array)
    saves = ("self", "result")

    def backward(self, grad):
        x, result = self.saved()
        return (grad * (i1e(x) - x.sgn() * result),)


def _tiny_safe(x):
    """x where |x| > eps, else eps: the formulas below divide by x."""
    eps = D.finfo(x.dtype).eps
    not_tiny = x.abs() > eps
    return not_tiny, ew.where(not_tiny, x, eps)


class SpecialI1Backward0(_FloatUnary):
    kernel = staticmethod(_i1_array)
    saves = ("self", "result")

    def backward(self, grad):
        x, result = self.saved()
        not_tiny, safe = _tiny_safe(x)
        gradx = i0(safe) - result * safe.reciprocal()
        return (grad * ew.where(not_tiny, gradx, 0.5),)


class SpecialI1EBackward0(_FloatUnary):
    kernel = staticmethod(_i1e_array)
    saves = ("self", "result")

    def backward(self, grad):
        x, result = self.saved()
        not_tiny, safe = _tiny_safe(x)
        gradx = i0e(safe) - result * (safe.sgn() + safe.reciprocal())
        return (grad * ew.where(not_tiny, gradx, 0.5),)


class SpecialNdtriBackward0(_FloatUnary):
    kernel = staticmethod(_ndtri_array)
    saves = ("result",)

    def backward(self, grad):
        (result,) = self.saved()
        return (grad * _SQRT_2PI * (result.square() / 2).exp(),)


class SpecialLogNdtrBackward0(_FloatUnary):
    kernel = staticmethod(_log_ndtr_array)
    saves = ("self", "result")

    def backward(self, grad):
        x, result = self.saved()
        return (grad / _SQRT_2PI * (result + x.pow(2) / 2).neg().exp(),)


class SpecialErfcxBackward0(_FloatUnary):
    kernel = staticmethod(_erfcx_array)
    saves = ("self", "result")

    def backward(self, grad):
        x, result = self.saved()
        return ((2.0 * x * result - 2.0 / math.sqrt(math.pi)) * grad,)


class SpecialEntrBackward0(_FloatUnary):
    kernel = staticmethod(_entr_array)

    def backward(self, grad):
        (x,) = self.saved()
        return (grad * -(1 + x.log()),)


i0 = public(_unary(I0Backward0, "i0", "i0_vml_cpu"), inplace="both")
i0e = _unary(SpecialI0EBackward0, "i0e", "i0e_cpu")
i1 = _unary(SpecialI1Backward0, "i1", "i1_cpu")
i1e = _unary(SpecialI1EBackward0, "i1e", "i1e_cpu")
ndtri = _unary(SpecialNdtriBackward0, "ndtri", "ndtri_cpu")
log_ndtr = _unary(SpecialLogNdtrBackward0, "log_ndtr", "log_ndtr_cpu")
erfcx = _unary(SpecialErfcxBackward0, "erfcx", "erfcx_cpu")
entr = _unary(SpecialEntrBackward0, "entr", "entr_cpu")


def ndtr(input, *, out=None):
    """The standard normal CDF, composed as torch composes it."""
    if isinstance(input, Tensor) and input._data.dtype.kind == "c":
        raise ew._not_implemented("erf_vml_cpu", input._data.dtype)
    return ew._into(out, (1 + ew.erf(input * _SQRT1_2)) * 0.5)


def expit(input, *, out=None):
    return ew.sigmoid(input, out=out)


# --- xlog1py

class SpecialXlog1PyBackward0(Op):
    """input * log1p(other), 0 where input is 0 (unless other is nan)."""

    args = ("self", "other")
    saves = ("self", "other")
    forward = _binary_forward(_xlog1py_array)

    def backward(self, grad):
        x, y = self.saved()
        gx = gy = None
        if self._next[0] is not None:
            gx = ew.where(ew.logical_and(x == 0, y <= -1), 0.0, xlog1py(grad, y))
        if self._next[1] is not None:
            gy = grad * x / (y + 1)
        return gx, gy


class SpecialXlog1PyBackward1(SpecialXlog1PyBackward0):
    """xlog1py(number, tensor)."""

    nondifferentiable = ("self",)
    saves = ("other",)

    def backward(self, grad):
        (y,) = self.saved()
        return (grad * self.number / (y + 1),)


class SpecialXlog1PyBackward2(SpecialXlog1PyBackward0):
    """xlog1py(tensor, number)."""

    nondifferentiable = ("other",)
    saves = ()

    def backward(self, grad):
        return (grad * math.log1p(self.number),)


def xlog1py(input, other, *, out=None):
    """input * log1p(other), 0 where input is 0 (unless other is nan)."""
    return _binary("xlog1py", input, other, (SpecialXlog1PyBackward0, SpecialXlog1PyBackward1,
                                             SpecialXlog1PyBackward2), out)


# ---------------------------------------------------------------------------------------
# coefficient tables (Cephes', as in ATen's Math.h)

_I0E_A = (
    -4.4153416464793395e-18, 3.3307945188222384e-17, -2.431279846547955e-16,
    1.715391285555133e-15, -1.1685332877993451e-14, 7.676185498604936e-14, -4.856446783111929e-13,
    2.95505266312964e-12, -1.726826291441556e-11, 9.675809035373237e-11, -5.189795601635263e-10,
    2.6598237246823866e-09, -1.300025009986248e-08, 6.046995022541919e-08, -2.670793853940612e-07,
    1.1173875391201037e-06, -4.4167383584587505e-06, 1.6448448070728896e-05,
    -5.754195010082104e-05, 0.00018850288509584165, -0.0005763755745385824, 0.0016394756169413357,
    -0.004324309995050576, 0.010546460394594998, -0.02373741480589947, 0.04930528423967071,
    -0.09490109704804764, 0.17162090152220877, -0.3046826723431984, 0.6767952744094761,
)
_I0E_B = (
    -7.233180487874754e-18, -4.830504485944182e-18, 4.46562142029676e-17, 3.461222867697461e-17,
    -2.8276239805165836e-16, -3.425485619677219e-16, 1.7725601330565263e-15,
    3.8116806693526224e-15, -9.554846698828307e-15, -4.150569347287222e-14, 1.54008621752141e-14,
    3.8527783827421426e-13, 7.180124451383666e-13, -1.7941785315068062e-12,
    -1.3215811840447713e-11, -3.1499165279632416e-11, 1.1889147107846439e-11,
    4.94060238822497e-10, 3.3962320257083865e-09, 2.266668990498178e-08, 2.0489185894690638e-07,
    2.8913705208347567e-06, 6.889758346916825e-05, 0.0033691164782556943, 0.8044904110141088,
)
_I1E_A = (
    2.7779141127610464e-18, -2.111421214358166e-17, 1.5536319577362005e-16,
    -1.1055969477353862e-15, 7.600684294735408e-15, -5.042185504727912e-14, 3.223793365945575e-13,
    -1.9839743977649436e-12, 1.1736186298890901e-11, -6.663489723502027e-11,
    3.625590281552117e-10, -1.8872497517228294e-09, 9.381537386495773e-09, -4.445059128796328e-08,
    2.0032947535521353e-07, -8.568720264695455e-07, 3.4702513081376785e-06,
    -1.3273163656039436e-05, 4.781565107550054e-05, -0.00016176081582589674,
    0.0005122859561685758, -0.0015135724506312532, 0.004156422944312888, -0.010564084894626197,
    0.024726449030626516, -0.05294598120809499, 0.1026436586898471, -0.17641651835783406,
    0.25258718644363365,
)
_I1E_B = (
    7.517296310842105e-18, 4.414348323071708e-18, -4.6503053684893586e-17, -3.209525921993424e-17,
    2.96262899764595e-16, 3.3082023109209285e-16, -1.8803547755107825e-15,
    -3.8144030724370075e-15, 1.0420276984128802e-14, 4.272440016711951e-14,
    -2.1015418427726643e-14, -4.0835511110921974e-13, -7.198551776245908e-13,
    2.0356285441470896e-12, 1.4125807436613782e-11, 3.2526035830154884e-11,
    -1.8974958123505413e-11, -5.589743462196584e-10, -3.835380385964237e-09,
    -2.6314688468895196e-08, -2.512236237870209e-07, -3.882564808877691e-06,
    -0.00011058893876262371, -0.009761097491361469, 0.7785762350182801,
)
_NDTRI_P0 = (
    -59.96335010141079, 98.00107541859997, -56.67628574690703, 13.931260938727968,
    -1.2391658386738125,
)
_NDTRI_Q0 = (
    1.0, 1.9544885833814176, 4.676279128988815, 86.36024213908905, -225.46268785411937,
    200.26021238006066, -82.03722561683334, 15.90562251262117, -1.1833162112133,
)
_NDTRI_P1 = (
    4.0554489230596245, 31.525109459989388, 57.16281922464213, 44.08050738932008,
    14.684956192885803, 2.1866330685079025, -0.1402560791713545, -0.03504246268278482,
    -0.0008574567851546854,
)
_NDTRI_Q1 = (
    1.0, 15.779988325646675, 45.39076351288792, 41.3172038254672, 15.04253856929075,
    2.504649462083094, -0.14218292285478779, -0.03808064076915783, -0.0009332594808954574,
)
_NDTRI_P2 = (
    3.2377489177694603, 6.915228890689842, 3.9388102529247444, 1.3330346081580755,
    0.20148538954917908, 0.012371663481782003, 0.00030158155350823543, 2.6580697468673755e-06,
    6.239745391849833e-09,
)
_NDTRI_Q2 = (
    1.0, 6.02427039364742, 3.6798356385616087, 1.3770209948908132, 0.21623699359449663,
    0.013420400608854318, 0.00032801446468212774, 2.8924786474538068e-06, 6.790194080099813e-09,
)
