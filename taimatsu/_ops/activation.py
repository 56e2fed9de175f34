"""Activation functions: torch.relu, torch.selu, F.gelu, softmax and friends.

The records of torch's native activations (their node names: EluBackward0, GeluBackward0,
SoftmaxBackward0 ...) and the functions that run them.  `nn.functional` and the torch
namespace both take them from here, so each has one forward and one backward.  The
backward formulas of piecewise activations call torch's *_backward ops, which take the
saved input as an argument (records of their own, as elementwise's threshold_backward):
their gradient is then connected to the input, with torch's (mostly zero) second
derivatives and node names.
"""
import math
import warnings

from .. import _dtype as D
from .._backend import backend_of_type, BY_ARRAY_TYPE, cpu
from .._tensor import Tensor, _wrap_dim
from . import _layout
from ._core import NotImplementedOp, Op, apply, public
from ._core import xp_of as _xp_of
from .join import cat as _cat
from .elementwise import (_ScaleBackwardBackward, erf, relu as
                          _relu, threshold_backward, where, zeros_of)

_new_object = object.__new__
_host = cpu.xp  # host-built constants and dtypes
_F32, _F64 = D.float32._np, D.float64._np


def _new(array):
    if type(array) not in BY_ARRAY_TYPE:
        array = _host.asarray(array)  # numpy scalars: cpu results
    t = _new_object(Tensor)
    t._data = array
    return t


def _float_input(input, kernel, name=None):
    """input's array, or torch's error for a non-float dtype (naming its cpu kernel)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{name or kernel}(): argument 'input' (position 1) must be Tensor, "
                        f"not {type(input).__name__}")
    a = input._data
    if a.dtype.kind not in "fc":
        raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                  f"'{input.dtype._legacy[:-6]}'")
    return a


def _inplace(fn, input, *args):
    """The inplace=True form of activation `fn`: computed out of place, written back (with
    the history rebased onto the result, as torch does)."""
    from .inplace import apply_inplace
    return apply_inplace(lambda x: fn(x, *args), input)


def _c(a, v):
    """A python number as a scalar of array `a`'s dtype (keeps float32 math in float32)."""
    return a.dtype.type(v)


# =========================================================================================
# activations

# The backward formulas of piecewise activations call torch's *_backward ops, which take
# the saved input as an argument (records of their own, as elementwise's threshold_backward):
# their gradient is then connected to the input, with torch's (mostly zero) second
# derivatives and node names.

class ThresholdBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a, threshold, value):
        # both numbers in the input's dtype (an integer input truncates them), nan stays nan
        return xp.where(a <= _c(a, threshold), _c(a, value), a)

    def backward(self, grad):
        (x,) = self.saved()
        return (threshold_backward(grad, x, self.threshold),)


class LeakyReluBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a, negative_slope):
        return xp.where(a > 0, a, a * _c(a, negative_slope))

    def backward(self, grad):
        (x,) = self.saved()
        return (leaky_relu_backward(grad, x, self.negative_slope),)


class LeakyReluBackwardBackward0(_ScaleBackwardBackward):
    @staticmethod
    def forward(xp, g, x, negative_slope):
        return xp.where(x > 0, g, g * negative_slope)

    def again(self, grad, x):
        return leaky_relu_backward(grad, x, self.negative_slope)


def leaky_relu_backward(grad_output, input, negative_slope):
    return apply(LeakyReluBackwardBackward0, grad_output, input, negative_slope=negative_slope)


class EluBackwardBackward0(Op):
    """torch's elu_backward (for a saved input, not result): scale on the positive side,
    alpha * scale * input_scale * exp(input * input_scale) on the rest."""

    args = ("grad_output", "self")
    saves = ("grad_output", "self")

    @staticmethod
    def forward(xp, g, x, alpha, scale, input_scale):
        # the minimum keeps exp from overflowing on the positive side, which where() discards
        negative = xp.exp(xp.minimum(x, 0) * input_scale) * (alpha * scale * input_scale)
        return xp.where(x <= 0, g * negative, g * scale if scale != 1 else g)

    def backward(self, grad):
        grad_output, x = self.saved()
        alpha, scale, input_scale = self.alpha, self.scale, self.input_scale
        gg = elu_backward(grad, alpha, scale, input_scale, x) \
            if self._next[0] is not None else None
        # torch's elu_double_backward: the exponential branch, differentiated once more
        gx = elu_backward(grad * grad_output * input_scale, alpha, scale, input_scale, x) \
            * (x < 0) if self._next[1] is not None else None
        return gg, gx


def elu_backward(grad_output, alpha, scale, input_scale, input):
    return apply(EluBackwardBackward0, grad_output, input, alpha=alpha, scale=scale,
                 input_scale=input_scale)


class EluBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a, alpha, scale, input_scale):
        return _elu_array(a, alpha, scale, input_scale)

    def backward(self, grad):
        (x,) = self.saved()
        return (elu_backward(grad, self.alpha, self.scale, self.input_scale, x),)


class CeluBackward0(EluBackward0):
    pass


def _erf_ufunc(a):
    return backend_of_type(type(a)).special("erf")(a)


_SQRT1_2 = 1 / math.sqrt(2)
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)


class GeluBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a, approximate):
        if approximate == "tanh":
            inner = (a + a * a * a * _c(a, 0.044715)) * _c(a, _SQRT_2_OVER_PI)
            r = a * _c(a, 0.5) * (xp.tanh(inner) + _c(a, 1))
        else:
            r = a * _c(a, 0.5) * (_erf_ufunc(a * _c(a, _SQRT1_2)).astype(a.dtype) + _c(a, 1))
        return r.astype(a.dtype, copy=False)

    def backward(self, grad):
        (x,) = self.saved()
        if self.approximate == "tanh":
            inner = (x + x * x * x * 0.044715) * _SQRT_2_OVER_PI
            t = inner.tanh()
            d_inner = (x * x * (3 * 0.044715) + 1) * _SQRT_2_OVER_PI
            return (grad * ((t + 1) * 0.5 + x * 0.5 * (1 - t * t) * d_inner),)
        cdf = (erf(x * _SQRT1_2) + 1) * 0.5
        pdf = (x * x * -0.5).exp() * (1 / math.sqrt(2 * math.pi))
        return (grad * (cdf + x * pdf),)


class SiluBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a):
        return a * _sigmoid_array(a)

    def backward(self, grad):
        (x,) = self.saved()
        s = x.sigmoid()
        return (grad * (s * (1 + x * (1 - s))),)


class MishBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a):
        return a * xp.tanh(_softplus_array(a))

    def backward(self, grad):
        (x,) = self.saved()
        tsp = softplus(x).tanh()
        return (grad * (tsp + x * x.sigmoid() * (1 - tsp * tsp)),)


class SoftplusBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a, beta, threshold):
        return _softplus_array(a, beta, threshold)

    def backward(self, grad):
        (x,) = self.saved()
        bx = x * self.beta
        return (grad * where(bx > self.threshold, 1.0, bx.sigmoid()).to(grad.dtype),)


class HardtanhBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a, min_val, max_val):
        return xp.clip(a, _c(a, min_val), _c(a, max_val))

    def backward(self, grad):
        (x,) = self.saved()
        return (hardtanh_backward(grad, x, self.min_val, self.max_val),)


class HardtanhBackwardBackward0(_ScaleBackwardBackward):
    @staticmethod
    def forward(xp, g, x, min_val, max_val):
        return xp.where((x <= min_val) | (x >= max_val), 0, g)

    def again(self, grad, x):
        return hardtanh_backward(grad, x, self.min_val, self.max_val)


def hardtanh_backward(grad_output, input, min_val, max_val):
    return apply(HardtanhBackwardBackward0, grad_output, input, min_val=min_val,
                 max_val=max_val)


class HardsigmoidBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a):
        return xp.clip(a / _c(a, 6) + _c(a, 0.5), _c(a, 0), _c(a, 1))

    def backward(self, grad):
        (x,) = self.saved()
        return (hardsigmoid_backward(grad, x),)


class HardsigmoidBackwardNotImplemented(NotImplementedOp):
    """hardsigmoid's gradient: torch has no derivative for it, so a second derivative
    fails there."""

    args = ("grad_output", "self")
    aten = "hardsigmoid_backward"

    @staticmethod
    def forward(xp, g, x):
        return xp.where((x > -3) & (x < 3), g / 6, 0).astype(g.dtype, copy=False)


def hardsigmoid_backward(grad_output, input):
    return apply(HardsigmoidBackwardNotImplemented, grad_output, input)


class HardswishBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a):
        return a * xp.clip(a + _c(a, 3), _c(a, 0), _c(a, 6)) / _c(a, 6)

    def backward(self, grad):
        (x,) = self.saved()
        return (hardswish_backward(grad, x),)


class HardswishBackwardBackward0(Op):
    """0 up to -3, grad from 3 on (and at nan), grad * (x / 3 + 1/2) between."""

    args = ("grad_output", "self")
    saves = ("grad_output", "self")

    @staticmethod
    def forward(xp, g, x):
        return xp.where(x <= -3, 0, xp.where(x < 3, g * (x / 3 + 0.5), g))

    def backward(self, grad):
        grad_output, x = self.saved()
        gg = hardswish_backward(grad, x) if self._next[0] is not None else None
        gx = where((x > -3) & (x < 3), grad * grad_output / 3.0, 0.0) \
            if self._next[1] is not None else None
        return gg, gx


def hardswish_backward(grad_output, input):
    return apply(HardswishBackwardBackward0, grad_output, input)


class PreluKernelBackward0(Op):
    args = ("self", "weight")
    saves = ("self", "weight")

    @staticmethod
    def forward(xp, a, w):
        return xp.where(a > 0, a, w * a).astype(a.dtype, copy=False)

    def backward(self, grad):
        x, w = self.saved()
        return _prelu_kernel_backward(grad, x, w, self._next[0] is not None,
                                      self._next[1] is not None)


class PreluKernelBackwardBackward0(Op):
    """(grad where input > 0 else weight * grad, 0 where input > 0 else input * grad), each
    only where wanted; the weight's gradient is in the broadcast shape (the engine reduces
    it).  Its backward: torch's derivatives of _prelu_kernel_backward (with its `>= 0`)."""

    args = ("grad_output", "self", "weight")
    saves = ("grad_output", "self", "weight")

    @staticmethod
    def forward(xp, g, x, w, want_input, want_weight):
        positive = x > 0
        gx = xp.where(positive, g, w * g).astype(g.dtype, copy=False) if want_input else None
        gw = xp.where(positive, 0, x * g).astype(g.dtype, copy=False) if want_weight else None
        return gx, gw

    def backward(self, grads):
        grad_output, x, w = self.saved()
        gi, gw = grads
        nonneg = x >= 0
        zero = 0.0
        if gi is None:
            ggo = where(nonneg, zero, gw * x)
        elif gw is None:
            ggo = where(nonneg, gi, gi * w)
        else:
            ggo = where(nonneg, gi, gi * w + gw * x)
        gx = where(nonneg, zero, grad_output * gw) if gw is not None else zeros_of(x)
        gwt = where(nonneg, zero, grad_output * gi) if gi is not None else zeros_of(x)
        return ggo, gx, gwt


def _prelu_kernel_backward(grad_output, input, weight, want_input=True, want_weight=True):
    return apply(PreluKernelBackwardBackward0, grad_output, input, weight,
                 want_input=want_input, want_weight=want_weight)


def _shrink_backward(node_cls, grad_output, input, lambd):
    """grad_output outside [-lambd, lambd], 0 inside: softshrink's and hardshrink's."""
    return apply(node_cls, grad_output, input, lambd=lambd)


class SoftshrinkBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a, lambd):
        lam = _c(a, lambd)
        # a * 0 in the middle, so that nan stays nan, as in torch
        return xp.where(a > lam, a - lam, xp.where(a < -lam, a + lam, a * _c(a, 0)))

    def backward(self, grad):
        (x,) = self.saved()
        return (_shrink_backward(SoftshrinkBackwardBackward0, grad, x, self.lambd),)


def _shrink_grad(xp, g, x, lambd):
    return xp.where((x >= -lambd) & (x <= lambd), 0, g)


class SoftshrinkBackwardBackward0(_ScaleBackwardBackward):
    forward = staticmethod(_shrink_grad)

    def again(self, grad, x):
        return _shrink_backward(SoftshrinkBackwardBackward0, grad, x, self.lambd)


class HardshrinkBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a, lambd):
        return xp.where((a >= -lambd) & (a <= lambd), _c(a, 0), a)  # nan stays nan

    def backward(self, grad):
        (x,) = self.saved()
        return (_shrink_backward(HardshrinkBackwardBackward0, grad, x, self.lambd),)


class HardshrinkBackwardBackward0(_ScaleBackwardBackward):
    forward = staticmethod(_shrink_grad)

    def again(self, grad, x):
        return _shrink_backward(HardshrinkBackwardBackward0, grad, x, self.lambd)


class LogSigmoidBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a):
        with xp.errstate(over="ignore"):
            r = xp.minimum(a, 0) - xp.log1p(xp.exp(-xp.abs(a)))
        return r.astype(a.dtype, copy=False)

    def backward(self, grad):
        (x,) = self.saved()
        return (grad * (-x).sigmoid(),)


class SoftmaxBackward0(Op):
    saves = ("result",)

    @staticmethod
    def forward(xp, a, dim):
        with xp.errstate(invalid="ignore"):
            e = xp.exp(_shifted(a, dim))
            r = e / (e.sum(axis=dim, keepdims=True) if a.ndim else e)
        return _layout.contiguous_unless(r.astype(a.dtype, copy=False), a)

    def backward(self, grad):
        (out,) = self.saved()
        return (out * (grad - (grad * out).sum(self.dim, keepdim=True)),)


class LogSoftmaxBackward0(Op):
    saves = ("result",)

    @staticmethod
    def forward(xp, a, dim):
        with xp.errstate(invalid="ignore", divide="ignore"):
            s = _shifted(a, dim)
            r = s - (xp.log(xp.exp(s).sum(axis=dim, keepdims=True)) if a.ndim else 0)
        return _layout.contiguous_unless(r.astype(a.dtype, copy=False), a)

    def backward(self, grad):
        (out,) = self.saved()
        return (grad - out.exp() * grad.sum(self.dim, keepdim=True),)


class GluBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a, dim):
        first, second = xp.split(a, 2, axis=dim)
        return first * _sigmoid_array(second)

    def backward(self, grad):
        (x,) = self.saved()
        a, b = x.chunk(2, self.dim)
        s = b.sigmoid()
        return (_cat([grad * s, grad * a * s * (1 - s)], self.dim),)


def relu(input, inplace=False):
    if inplace:
        return input.relu_()
    return _relu(input)


def relu_(input):
    return input.relu_()


def threshold(input, threshold, value, inplace=False):
    if inplace:
        return _inplace(_threshold, input, threshold, value)
    if input._data.dtype.kind == "b":
        raise NotImplementedError("\"threshold_cpu\" not implemented for 'Bool'")
    return apply(ThresholdBackward0, input, threshold=threshold, value=value)


def threshold_(input, threshold_, value):
    return threshold(input, threshold_, value, True)


def _threshold(input, threshold_, value):
    return threshold(input, threshold_, value)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    if inplace:
        return _inplace(leaky_relu, input, negative_slope)
    _float_input(input, "leaky_relu_cpu", "leaky_relu")
    return apply(LeakyReluBackward0, input, negative_slope=negative_slope)


def leaky_relu_(input, negative_slope=0.01):
    return leaky_relu(input, negative_slope, True)


def _elu_array(a, alpha, scale, input_scale):
    xp = _xp_of(a)
    with xp.errstate(over="ignore"):
        negative = xp.expm1(xp.minimum(a, 0) * _c(a, input_scale)) * _c(a, alpha * scale)
    return xp.where(a > 0, a * _c(a, scale), negative)


def elu(input, alpha=1.0, inplace=False):
    if inplace:
        return _inplace(elu, input, alpha)
    _float_input(input, "elu_cpu", "elu")
    return apply(EluBackward0, input, alpha=alpha, scale=1.0, input_scale=1.0)


def elu_(input, alpha=1.0):
    return elu(input, alpha, True)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


@public(inplace="function")
def selu(input, inplace=False):
    if inplace:
        return _inplace(selu, input)
    _float_input(input, "elu_cpu", "selu")
    return apply(EluBackward0, input, alpha=_SELU_ALPHA, scale=_SELU_SCALE, input_scale=1.0)


def selu_(input):
    return selu(input, True)


@public(inplace="function")
def celu(input, alpha=1.0, inplace=False):
    if inplace:
        return _inplace(celu, input, alpha)
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    _float_input(input, "elu_cpu", "celu")
    return apply(CeluBackward0, input, alpha=alpha, scale=1.0, input_scale=1.0 / alpha)


def celu_(input, alpha=1.0):
    return celu(input, alpha, True)


def gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _float_input(input, "GeluKernelImpl")
    return apply(GeluBackward0, input, approximate=approximate)


def _sigmoid_array(a):
    xp = _xp_of(a)
    with xp.errstate(over="ignore"):
        e = xp.exp(-xp.abs(a))
    return xp.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)


def silu(input, inplace=False):
    if inplace:
        return _inplace(silu, input)
    _float_input(input, "silu_cpu", "silu")
    return apply(SiluBackward0, input)


def _softplus_array(a, beta=1.0, threshold=20.0):
    xp = _xp_of(a)
    bx = a * _c(a, beta)
    with xp.errstate(over="ignore"):
        soft = (xp.log1p(xp.exp(-xp.abs(bx))) + xp.maximum(bx, 0)) / _c(a, beta)
    return xp.where(bx > threshold, a, soft).astype(a.dtype, copy=False)


def mish(input, inplace=False):
    if inplace:
        return _inplace(mish, input)
    _float_input(input, "mish_cpu", "mish")
    return apply(MishBackward0, input)


def softplus(input, beta=1.0, threshold=20.0):
    _float_input(input, "softplus_cpu", "softplus")
    return apply(SoftplusBackward0, input, beta=beta, threshold=threshold)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    if inplace:
        return _inplace(hardtanh, input, min_val, max_val)
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if input._data.dtype.kind == "b":
        raise RuntimeError("Bool inputs not supported for hardtanh")
    return apply(HardtanhBackward0, input, min_val=min_val, max_val=max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return hardtanh(input, min_val, max_val, True)


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


def hardsigmoid(input, inplace=False):
    if inplace:
        return _inplace(hardsigmoid, input)
    _float_input(input, "hardsigmoid_cpu", "hardsigmoid")
    return apply(HardsigmoidBackward0, input)


def hardswish(input, inplace=False):
    if inplace:
        return _inplace(hardswish, input)
    _float_input(input, "hardswish_cpu", "hardswish")
    return apply(HardswishBackward0, input)


def prelu(input, weight):
    _float_input(input, "prelu_cpu", "prelu")
    if weight.numel() != 1:
        if input.dim() == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = input.shape[1] if input.dim() >= 2 else 1
        if weight.numel() != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                               f"parameter numbers = {weight.numel()} and channel size = "
                               f"{channels}.")
    if weight.dim() > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                           f"ndim = {weight.dim()}")
    if weight.numel() != 1 and input.dim() >= 2:
        w = weight.reshape([1, -1] + [1] * (input.dim() - 2))
    else:
        w = weight.reshape(()) if weight.dim() else weight
    return apply(PreluKernelBackward0, input, w)


def softshrink(input, lambd=0.5):
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    _float_input(input, "softshrink_check", "softshrink")
    return apply(SoftshrinkBackward0, input, lambd=lambd)


def hardshrink(input, lambd=0.5):
    _float_input(input, "hardshrink_cpu", "hardshrink")
    return apply(HardshrinkBackward0, input, lambd=lambd)


def tanhshrink(input):
    return input - input.tanh()


def softsign(input):
    return input / (input.abs() + 1)


def logsigmoid(input):
    _float_input(input, "log_sigmoid_cpu", "log_sigmoid_forward")
    return apply(LogSigmoidBackward0, input)


def sigmoid(input):
    return input.sigmoid()


def tanh(input):
    return input.tanh()


def _softmax_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                  "to include dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _softmax_input(input, dim, dtype, name, stacklevel):
    if dim is None:
        dim = _softmax_dim(name, input.dim(), stacklevel + 1)
    dim = _wrap_dim(dim, input.dim())
    if dtype is not None:
        input = input.to(dtype)
    a = input._data
    if a.dtype.kind not in "fc" and a.size:
        # torch names the kernel it dispatched to: a separate one for the innermost dim
        kernel = "_lastdim" if dim >= a.ndim - 1 else ""
        raise NotImplementedError(f"\"{name}{kernel}_kernel_impl\" not implemented for "
                                  f"'{input.dtype._legacy[:-6]}'")
    return input, a, dim


def _shifted(a, dim):
    xp = _xp_of(a)
    if not a.size:
        return xp.empty_like(a)
    if a.ndim == 0:
        return a - a
    return a - a.max(axis=dim, keepdims=True)


@public
def softmax(input, dim=None, _stacklevel=3, dtype=None):
    input, a, dim = _softmax_input(input, dim, dtype, "softmax", _stacklevel)
    return apply(SoftmaxBackward0, input, dim=dim)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim("softmin", input.dim(), _stacklevel)
    if dtype is not None:
        input = input.to(dtype)
    return softmax(-input, dim)


@public
def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    input, a, dim = _softmax_input(input, dim, dtype, "log_softmax", _stacklevel)
    return apply(LogSoftmaxBackward0, input, dim=dim)


def glu(input, dim=-1):
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    dim = _wrap_dim(dim, input.dim())
    a = _float_input(input, "glu_cpu", "glu")
    n = a.shape[dim]
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim} is size {n}")
    return apply(GluBackward0, input, dim=dim)




class RreluWithNoiseBackward0(Op):
    """In training, the input times the drawn slopes (`noise`); else leaky_relu's with the
    mean slope."""

    saves = ("self",)

    @staticmethod
    def forward(xp, a, noise, slope):
        if noise is not None:
            return xp.ascontiguousarray(a) * noise._data
        return xp.where(a > 0, a, a * _c(a, slope))

    def backward(self, grad):
        (x,) = self.saved()
        return (rrelu_with_noise_backward(grad, x, self.noise, self.slope),)


class RreluWithNoiseBackwardBackward0(_ScaleBackwardBackward):
    """In training, the drawn slopes (1 on the positive side); else leaky_relu's."""

    @staticmethod
    def forward(xp, g, x, noise, slope):
        return g * noise._data if noise is not None else xp.where(x > 0, g, g * slope)

    def again(self, grad, x):
        return rrelu_with_noise_backward(grad, x, self.noise, self.slope)


def rrelu_with_noise_backward(grad_output, input, noise, slope):
    return apply(RreluWithNoiseBackwardBackward0, grad_output, input, noise=noise, slope=slope)


def _rrelu_noise(input, lower, upper, generator):
    """torch's rrelu_with_noise on the CPU: one uniform(lower, upper) double draw per
    non-positive element, in memory order, and slope 1 elsewhere."""
    xp = _xp_of(input)
    from .._generator import _uniform01_double, default_generator
    a = xp.ascontiguousarray(input._data)
    negative = a <= 0
    noise = xp.ones_like(a)
    gen = default_generator if generator is None else generator
    # the bounds are first rounded to the opmath type (float for float and half), and
    # uniform_real_distribution<double> computes u * (to - from) + from without an fma
    opmath = (_F64 if a.dtype == _F64 else _F32).type
    lo, hi = float(opmath(lower)), float(opmath(upper))
    u = _uniform01_double(gen, int(negative.sum()))  # the generator's stream, on the host
    noise[negative] = input._backend.from_host((u * (hi - lo) + lo).astype(opmath))
    return a, noise


@public
def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    """torch.rrelu (F.rrelu adds `inplace`): random slopes on the negative side in
    training, their mean otherwise; one node, RreluWithNoiseBackward0, either way."""
    kernel = "rrelu_with_noise_out_cpu" if training else "leaky_relu_cpu"
    _float_input(input, kernel, "rrelu")
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    noise = None
    if training:
        noise = _new(_rrelu_noise(input, lower, upper, generator)[1])
    return apply(RreluWithNoiseBackward0, input, noise=noise, slope=(lower + upper) / 2)


@public
def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return _inplace(rrelu, input, lower, upper, training, generator)
