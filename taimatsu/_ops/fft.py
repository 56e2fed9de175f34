"""torch.fft: discrete Fourier transforms, built as torch builds them.

Every transform reduces to three primitives, each one call of the array module's fft and one node:

    _fft_c2c   complex to complex, forward or inverse        FftC2CBackward0
    _fft_r2c   real to complex, full or one-sided (rfft)     FftR2CBackward0
    _fft_c2r   one-sided complex to real (irfft)             FftC2RBackward0

Around them the public functions promote dtypes, trim (narrow) or zero-pad the input to
the requested signal sizes and conjugate, with taimatsu's own ops, so that the graph, the
node names and the gradients are torch's.  The backward of each primitive is another
primitive (the adjoint of a DFT is the DFT the other way, with the same scaling), so
gradients of gradients need no extra code.

Scaling follows torch's normalization modes: NONE, BY_ROOT_N (1/sqrt(n)) and BY_N (1/n),
fixed once per call from `norm` and the direction the user asked for.
"""
import operator

from .. import _dtype as D
from .._backend import cpu
from .._device import resolve
from .._tensor import Tensor, _wrap, _wrap_dim
from ..autograd.grad_mode import GradMode
from ._core import Op, apply, write_out
from ._core import xp_of as _xp_of
from .copy import to
from .creation import finish
from .elementwise import conj, real
from .join import cat
from .shape import narrow, roll

_host = cpu.xp  # scalar arithmetic in double, as torch's

NONE, BY_ROOT_N, BY_N = 0, 1, 2

# numpy names a scaling after the direction that carries it: indexed by torch's mode
_NUMPY_NORM_FORWARD = ("backward", "ortho", "forward")
_NUMPY_NORM_INVERSE = ("forward", "ortho", "backward")

_COMPLEX_OF = {D.float32._np: D.complex64._np,
               D.float64._np: D.complex128._np}
_REAL_OF = {D.complex64._np: D.float32._np,
            D.complex128._np: D.float64._np}


def _name(np_dtype):
    """torch's ScalarType name: Float, ComplexDouble, Long ..."""
    return D.FROM_NUMPY[np_dtype]._legacy[:-6]


def _as(r, np_dtype):
    # numpy < 2 computes single precision transforms in double
    return r if r.dtype == np_dtype else r.astype(np_dtype)


# =========================================================================================
# the primitives

class FftC2CBackward0(Op):
    @staticmethod
    def forward(xp, a, dim, normalization, forward):
        if a.dtype.kind != "c":
            a = a.astype(_COMPLEX_OF.get(a.dtype, D.complex128._np))
        if forward:
            norm = _NUMPY_NORM_FORWARD[normalization]
            one, many = xp.fft.fft, xp.fft.fftn
        else:
            norm = _NUMPY_NORM_INVERSE[normalization]
            one, many = xp.fft.ifft, xp.fft.ifftn
        if len(dim) == 1:
            r = one(a, axis=dim[0], norm=norm)
        elif dim:
            r = many(a, axes=dim, norm=norm)
        else:
            r = a.copy()
        return _as(r, a.dtype)

    def backward(self, grad):
        return (_fft_c2c(grad, self.dim, self.normalization, not self.forward),)


def _fft_c2c(input, dim, normalization, forward):
    return apply(FftC2CBackward0, input, dim=dim, normalization=normalization,
                 forward=forward)


class FftR2CBackward0(Op):
    @staticmethod
    def forward(xp, a, dim, normalization, onesided, last_dim_size):
        norm = _NUMPY_NORM_FORWARD[normalization]
        if onesided:
            one, many = xp.fft.rfft, xp.fft.rfftn
        else:
            one, many = xp.fft.fft, xp.fft.fftn
        r = one(a, axis=dim[0], norm=norm) if len(dim) == 1 else many(a, axes=dim, norm=norm)
        return _as(r, _COMPLEX_OF[a.dtype])

    def backward(self, grad):
        # a one-sided result is the full transform with its upper half dropped: its
        # gradient is the full one with zeros there
        xp = _xp_of(grad)
        last = self.dim[-1]
        missing = self.last_dim_size - grad.shape[last]
        if self.onesided and missing > 0:
            shape = list(grad.shape)
            shape[last] = missing
            grad = cat([grad, _wrap(xp.zeros(shape, grad._data.dtype))], last)
        return (real(_fft_c2c(grad, self.dim, self.normalization, False)),)


def _fft_r2c(input, dim, normalization, onesided):
    return apply(FftR2CBackward0, input, dim=dim, normalization=normalization,
                 onesided=onesided, last_dim_size=input._data.shape[dim[-1]])


class FftC2RBackward0(Op):
    @staticmethod
    def forward(xp, a, dim, normalization, last_dim_size):
        norm = _NUMPY_NORM_INVERSE[normalization]
        if len(dim) == 1:
            r = xp.fft.irfft(a, n=last_dim_size, axis=dim[0], norm=norm)
        else:
            sizes = [a.shape[d] for d in dim[:-1]] + [last_dim_size]
            r = xp.fft.irfftn(a, s=sizes, axes=dim, norm=norm)
        return _as(r, _REAL_OF[a.dtype])

    def backward(self, grad):
        gi = _fft_r2c(grad, self.dim, self.normalization, True)
        # each bin of the one-sided input stands for itself and its mirror image, except
        # bin 0 and (for even sizes) the middle one, which are their own mirrors
        last = self.dim[-1]
        doubled = grad.shape[last] - gi.shape[last]
        if doubled > 0:
            gi = gi * _doubling_mask(gi, last, doubled)
        return (gi,)


def _doubling_mask(gi, dim, doubled):
    a = gi._data
    mask = gi._xp.ones(a.shape[dim], _REAL_OF[a.dtype])
    mask[1:1 + doubled] = 2
    return _wrap(mask.reshape((-1,) + (1,) * (a.ndim - 1 - dim)))


def _fft_c2r(input, dim, normalization, last_dim_size):
    return apply(FftC2RBackward0, input, dim=dim, normalization=normalization,
                 last_dim_size=last_dim_size)


class ConjPhysicalBackward0(Op):
    ufunc = "conj"

    def backward(self, grad):
        return (_conj_physical(grad),)


def _conj_physical(input):
    return apply(ConjPhysicalBackward0, input)


# =========================================================================================
# argument handling, as torch's SpectralOps.cpp

def _check_tensor(input, fname):
    if not isinstance(input, Tensor):
        raise TypeError(f"fft_{fname}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")


def _int_arg(fname, name, value, position=""):
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise TypeError(f"fft_{fname}(): argument '{name}'{position} must be int, not "
                        f"{type(value).__name__}")
    return operator.index(value)


def _int_list(value):
    if hasattr(value, "__index__"):
        return [operator.index(value)]
    return [operator.index(v) for v in value]


def _norm_mode(norm, forward):
    if norm is None or norm == "backward":
        return NONE if forward else BY_N
    if norm == "forward":
        return BY_N if forward else NONE
    if norm == "ortho":
        return BY_ROOT_N
    raise RuntimeError(f'Invalid normalization mode: "{norm}"')


def _promote(input, require_complex=False):
    """Integers and bools compute in the default float dtype; complex results when asked."""
    dt = input._data.dtype
    if dt.kind == "c":
        return input
    if dt.kind != "f":
        dt = D.get_default_dtype()._np
    if dt not in _COMPLEX_OF:
        raise RuntimeError(f"Unsupported dtype {_name(dt)}")
    if require_complex:
        dt = _COMPLEX_OF[dt]
    return input if dt == input._data.dtype else to(input, D.FROM_NUMPY[dt])


def _wrap_fft_dim(dim, ndim):
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return _wrap_dim(dim, ndim)


def _check_points(n):
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")


def _resize(x, dims, sizes):
    """Trim (a view) or zero-pad x to `sizes` along `dims`, as torch's resize_fft_input."""
    shape = x._data.shape
    padding = None
    for d, n in zip(dims, sizes):
        if shape[d] > n:
            x = narrow(x, d, 0, n)
        elif shape[d] < n:
            if padding is None:
                padding = [0] * (2 * len(shape))
            # pad lists the last dim first, (before, after) for each
            padding[2 * (len(shape) - d) - 1] = n - shape[d]
    if padding is not None:
        # constant_pad_nd: ConstantPadNdBackward0, as torch records
        from .shape import constant_pad_nd
        x = constant_pad_nd(x, padding)
    return x


def _shape_and_dims(input, s, dim):
    """torch's canonicalize_fft_shape_and_dim_args: the signal sizes and wrapped dims."""
    sizes = input._data.shape
    ndim = len(sizes)
    if dim is not None:
        dims = [_wrap_fft_dim(d, ndim) for d in _int_list(dim)]
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
    if s is not None:
        s = _int_list(s)
        if dim is not None and len(dims) != len(s):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
        if len(s) > ndim:
            raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has "
                               f"{ndim} dimensions.")
        if dim is None:
            dims = list(range(ndim - len(s), ndim))
        shape = [sizes[d] if n == -1 else n for d, n in zip(dims, s)]
    elif dim is None:
        dims = list(range(ndim))
        shape = list(sizes)
    else:
        shape = [sizes[d] for d in dims]
    for n in shape:
        _check_points(n)
    return shape, dims


def _c2r_shape_and_dims(fname, input, s, dim):
    """As _shape_and_dims, with the last size that of the one-sided input; and the size
    of the real output along the last dim."""
    shape, dims = _shape_and_dims(input, s, dim)
    if not shape:
        raise RuntimeError(f"{fname} must transform at least one axis")
    if s is None or _int_list(s)[-1] == -1:
        last_dim_size = 2 * (input._data.shape[dims[-1]] - 1)
    else:
        last_dim_size = shape[-1]
    _check_points(last_dim_size)
    shape[-1] = last_dim_size // 2 + 1
    return shape, dims, last_dim_size


def _check_out(out, fname, kinds, what):
    if out is not None and out._data.dtype.kind not in kinds:
        raise RuntimeError(f"{fname} expects a {what} output tensor, but got "
                           f"{_name(out._data.dtype)}")


def _into(out, primitive, x, result_fn):
    """Run `result_fn()` and write it into `out` when given; torch refuses out= where the
    input needs a gradient."""
    if out is None:
        return result_fn()
    if GradMode.enabled and x._requires_grad:
        raise RuntimeError(f"{primitive}(): functions with out=... arguments don't support "
                           f"automatic differentiation, but one of the arguments requires "
                           f"grad.")
    return write_out(out, result_fn(), (x,), primitive)


# =========================================================================================
# one-dimensional transforms

def _c2c(fname, out, input, n, dim, norm, forward):
    if input._data.dtype.kind != "c":
        raise RuntimeError(f"{fname} expects a complex input tensor, but got "
                           f"{_name(input._data.dtype)}")
    d = _wrap_fft_dim(dim, input._data.ndim)
    size = input._data.shape[d] if n is None else n
    _check_points(size)
    x = input if n is None else _resize(input, [d], [size])
    mode = _norm_mode(norm, forward)
    _check_out(out, fname, "c", "complex")
    return _into(out, "_fft_c2c", x, lambda: _fft_c2c(x, [d], mode, forward))


def _r2c(fname, out, input, n, dim, norm, forward, onesided):
    if input._data.dtype.kind == "c":
        raise RuntimeError(f"{fname} expects a real input tensor, but got "
                           f"{_name(input._data.dtype)}")
    _check_out(out, fname, "c", "complex")
    x = _promote(input)
    d = _wrap_fft_dim(dim, x._data.ndim)
    size = x._data.shape[d] if n is None else n
    _check_points(size)
    if n is not None:
        x = _resize(x, [d], [size])
    mode = _norm_mode(norm, forward)
    if forward:
        return _into(out, "_fft_r2c", x, lambda: _fft_r2c(x, [d], mode, onesided))
    # the inverse of a real signal is the conjugate of its forward transform
    return _into(out, "_fft_r2c", x, lambda: conj(_fft_r2c(x, [d], mode, onesided)))


def _c2r(fname, out, input, n, dim, norm, forward):
    _check_out(out, fname, "f", "floating point")
    x = _promote(input, require_complex=True)
    d = _wrap_fft_dim(dim, x._data.ndim)
    size = 2 * (x._data.shape[d] - 1) if n is None else n
    _check_points(size)
    if n is not None:
        x = _resize(x, [d], [size // 2 + 1])
    mode = _norm_mode(norm, forward)
    if forward:
        # hfft: the forward transform of a Hermitian signal is irfft of its conjugate
        x = conj(x)
    return _into(out, "_fft_c2r", x, lambda: _fft_c2r(x, [d], mode, size))


def _one_dim(fname, input, n, dim):
    _check_tensor(input, fname)
    if n is not None:
        n = _int_arg(fname, "n", n)
    return n, _int_arg(fname, "dim", dim)


def fft(input, n=None, dim=-1, norm=None, *, out=None):
    n, dim = _one_dim("fft", input, n, dim)
    if input._data.dtype.kind == "c":
        return _c2c("fft", out, input, n, dim, norm, True)
    return _r2c("fft", out, input, n, dim, norm, True, False)


def ifft(input, n=None, dim=-1, norm=None, *, out=None):
    n, dim = _one_dim("ifft", input, n, dim)
    if input._data.dtype.kind == "c":
        return _c2c("ifft", out, input, n, dim, norm, False)
    return _r2c("ifft", out, input, n, dim, norm, False, False)


def rfft(input, n=None, dim=-1, norm=None, *, out=None):
    n, dim = _one_dim("rfft", input, n, dim)
    return _r2c("rfft", out, input, n, dim, norm, True, True)


def irfft(input, n=None, dim=-1, norm=None, *, out=None):
    n, dim = _one_dim("irfft", input, n, dim)
    return _c2r("irfft", out, input, n, dim, norm, False)


def hfft(input, n=None, dim=-1, norm=None, *, out=None):
    n, dim = _one_dim("hfft", input, n, dim)
    return _c2r("hfft", out, input, n, dim, norm, True)


def ihfft(input, n=None, dim=-1, norm=None, *, out=None):
    n, dim = _one_dim("ihfft", input, n, dim)
    return _r2c("ihfft", out, input, n, dim, norm, False, True)


# =========================================================================================
# n-dimensional transforms

def _fftn_c2c(out, input, shape, dims, norm, forward):
    x = _resize(input, dims, shape)
    mode = _norm_mode(norm, forward)
    # torch names every complex n-dimensional transform "fftn" here
    _check_out(out, "fftn", "c", "complex")
    return _into(out, "_fft_c2c", x, lambda: _fft_c2c(x, dims, mode, forward))


def fftn(input, s=None, dim=None, norm=None, *, out=None):
    _check_tensor(input, "fftn")
    shape, dims = _shape_and_dims(input, s, dim)
    x = _promote(input, require_complex=True)
    return _fftn_c2c(out, x, shape, dims, norm, True)


def ifftn(input, s=None, dim=None, norm=None, *, out=None):
    _check_tensor(input, "ifftn")
    shape, dims = _shape_and_dims(input, s, dim)
    x = _promote(input, require_complex=True)
    return _fftn_c2c(out, x, shape, dims, norm, False)


def rfftn(input, s=None, dim=None, norm=None, *, out=None):
    _check_tensor(input, "rfftn")
    if input._data.dtype.kind == "c":
        raise RuntimeError(f"rfftn expects a real-valued input tensor, but got "
                           f"{_name(input._data.dtype)}")
    shape, dims = _shape_and_dims(input, s, dim)
    if not shape:
        raise RuntimeError("rfftn must transform at least one axis")
    x = _resize(_promote(input), dims, shape)
    mode = _norm_mode(norm, True)
    _check_out(out, "rfftn", "c", "complex")
    return _into(out, "_fft_r2c", x, lambda: _fft_r2c(x, dims, mode, True))


def irfftn(input, s=None, dim=None, norm=None, *, out=None):
    _check_tensor(input, "irfftn")
    shape, dims, last_dim_size = _c2r_shape_and_dims("irfftn", input, s, dim)
    x = _resize(_promote(input, require_complex=True), dims, shape)
    mode = _norm_mode(norm, False)
    _check_out(out, "irfftn", "f", "floating point")
    return _into(out, "_fft_c2r", x, lambda: _fft_c2r(x, dims, mode, last_dim_size))


def hfftn(input, s=None, dim=None, norm=None, *, out=None):
    _check_tensor(input, "hfftn")
    shape, dims, last_dim_size = _c2r_shape_and_dims("hfftn", input, s, dim)
    x = _resize(_promote(input, require_complex=True), dims, shape)
    mode = _norm_mode(norm, True)
    _check_out(out, "hfftn", "f", "floating point")

    def transform():
        # the leading dims are an ordinary forward transform; the last a Hermitian one
        t = _fft_c2c(x, dims[:-1], mode, True) if len(dims) > 1 else x
        return _fft_c2r(conj(t), dims[-1:], mode, last_dim_size)
    return _into(out, "_fft_c2r", x, transform)


def ihfftn(input, s=None, dim=None, norm=None, *, out=None):
    _check_tensor(input, "ihfftn")
    shape, dims = _shape_and_dims(input, s, dim)
    if not shape:
        raise RuntimeError("ihfftn must transform at least one axis")
    if input._data.dtype.kind == "c":
        raise RuntimeError(f"Only supports floating-point dtypes, but found: "
                           f"{_name(input._data.dtype)}")
    x = _resize(_promote(input), dims, shape)
    mode = _norm_mode(norm, False)
    _check_out(out, "ihfftn", "c", "complex")

    def transform():
        t = _fft_r2c(x, dims[-1:], mode, True)
        if len(dims) == 1:
            return conj(t)
        return _fft_c2c(_conj_physical(t), dims[:-1], mode, False)
    return _into(out, "_fft_r2c", x, transform)


def fft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return fftn(input, s, dim, norm, out=out)


def ifft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return ifftn(input, s, dim, norm, out=out)


def rfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return rfftn(input, s, dim, norm, out=out)


def irfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return irfftn(input, s, dim, norm, out=out)


def hfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return hfftn(input, s, dim, norm, out=out)


def ihfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return ihfftn(input, s, dim, norm, out=out)


# =========================================================================================
# sample frequencies and shifts

def _frequencies(fname, n, d, out, dtype, device, requires_grad, steps):
    n = _int_arg(fname, "n", n, " (position 1)")
    if isinstance(d, Tensor):
        d = d.item()
    if out is not None:
        dtype = out.dtype
    elif dtype is None:
        dtype = D.get_default_dtype()
    if dtype._np.kind not in "fc":
        raise RuntimeError(f"{fname} requires a floating point or complex dtype")
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    if dtype._np.kind == "c":
        raise NotImplementedError(f"\"arange_cpu\" not implemented for '{_name(dtype._np)}'")
    # torch multiplies by 1 / (n * d), rounded to the result's dtype, as a double would
    # (inf or nan where n * d is 0)
    with _host.errstate(divide="ignore", invalid="ignore"):
        scale = _host.float64(1.0) / _host.float64(n * d)
    freqs = steps(resolve(device).xp, n).astype(dtype._np) * dtype._np.type(scale)
    if out is not None:
        out.resize_(freqs.shape)
        out._data[...] = freqs
        return out
    return finish(freqs, requires_grad, device)


def _fftfreq_steps(xp, n):
    k = xp.arange(n)
    k[(n + 1) // 2:] -= n
    return k


def _rfftfreq_steps(xp, n):
    return xp.arange(n // 2 + 1)


def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None,
            requires_grad=False):
    return _frequencies("fftfreq", n, d, out, dtype, device, requires_grad, _fftfreq_steps)


def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    return _frequencies("rfftfreq", n, d, out, dtype, device, requires_grad, _rfftfreq_steps)


def _shift(input, dim, half):
    if dim is None:
        dims = list(range(input._data.ndim))
    else:
        dims = [_wrap_fft_dim(d, input._data.ndim) for d in _int_list(dim)]
    if not dims:
        raise RuntimeError("`shifts` required")
    return roll(input, [half(input._data.shape[d]) for d in dims], dims)


def fftshift(input, dim=None):
    _check_tensor(input, "fftshift")
    return _shift(input, dim, lambda size: size // 2)


def ifftshift(input, dim=None):
    _check_tensor(input, "ifftshift")
    return _shift(input, dim, lambda size: (size + 1) // 2)
