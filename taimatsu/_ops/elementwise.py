"""Elementwise ops: arithmetic, powers, exp/log, trig, activations, comparisons.

Each op is a node class (torch's name) holding the numpy forward and the
backward formulas, plus the public function that applies it.  Gradients are
written for the broadcast output shape; the engine reduces them to the inputs'.
"""
from .. import _dtype as D
from .._backend import ndarray
from .._backend import numpy as np
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import GradMode
from ..autograd.graph import Node
from ._core import binary, record, unary

_new_object = object.__new__


def _fast_binary(node_cls, a, b):
    """Same-dtype tensor-tensor ops skip promotion: the common case, kept cheap."""
    if type(a) is Tensor and type(b) is Tensor:
        x = a._data
        y = b._data
        if x.dtype is y.dtype and x.shape == y.shape:
            r = node_cls.forward(x, y)
            if type(r) is not ndarray:
                r = np.asarray(r)
            out = _new_object(Tensor)
            out._data = r
            if GradMode.enabled and (a._requires_grad or b._requires_grad):
                record(node_cls, (a, b), out, node_cls.saves(a, b, out))
            return out
    return binary(node_cls, a, b, save=node_cls.save)


class _Binary(Node):
    save = None

    @classmethod
    def saves(cls, a, b, out):
        save = cls.save
        if save is None:
            return None
        return tuple(a if s == "a" else b if s == "b" else out for s in save)


# --- arithmetic ---------------------------------------------------------------------------

class AddBackward0(_Binary):
    forward = staticmethod(np.add)

    def backward(self, grad):
        alpha = getattr(self, "alpha", 1)
        return grad, (grad if alpha == 1 else grad * alpha)


class SubBackward0(_Binary):
    forward = staticmethod(np.subtract)

    def backward(self, grad):
        alpha = getattr(self, "alpha", 1)
        return grad, (-grad if alpha == 1 else grad * -alpha)


class RsubBackward1(_Binary):
    """other - input, where `input` is the tensor (the reflected `1 - x`)."""

    @staticmethod
    def forward(x, y):
        return np.subtract(y, x)

    def backward(self, grad):
        return -grad, None


class MulBackward0(_Binary):
    forward = staticmethod(np.multiply)
    save = ("a", "b")

    def backward(self, grad):
        a, b = self.saved()
        ga = grad * _conj(b) if self._next[0] is not None else None
        gb = grad * _conj(a) if self._next[1] is not None else None
        return ga, gb


class DivBackward0(_Binary):
    forward = staticmethod(np.true_divide)
    save = ("a", "b")

    def backward(self, grad):
        a, b = self.saved()
        ga = grad / _conj(b) if self._next[0] is not None else None
        gb = -grad * _conj(a) / _conj(b * b) if self._next[1] is not None else None
        return ga, gb


class NegBackward0(Node):
    forward = staticmethod(np.negative)

    def backward(self, grad):
        return (-grad,)


def _conj(t):
    return t.conj() if isinstance(t, Tensor) and t._data.dtype.kind == "c" else t


def _check_out(out):
    if out is not None:
        raise NotImplementedError("out= is not supported yet")


def add(input, other, *, alpha=1, out=None):
    if alpha == 1 and out is None:
        return _fast_binary(AddBackward0, input, other)
    return _into(out, _with_alpha(AddBackward0, input, other, alpha))


def _with_alpha(node_cls, input, other, alpha):
    """input op alpha * other, recorded as one node that remembers alpha."""
    with _NoGrad():
        result = binary(node_cls, input, other * alpha)
    if GradMode.enabled and (getattr(input, "_requires_grad", False)
                             or getattr(other, "_requires_grad", False)):
        record(node_cls, (input, other), result, alpha=alpha)
    return result


class _NoGrad:
    def __enter__(self):
        self.prev = GradMode.enabled
        GradMode.enabled = False

    def __exit__(self, *exc):
        GradMode.enabled = self.prev


def _into(out, result):
    if out is None:
        return result
    out.resize_(result.shape)
    out.copy_(result)
    return out


def sub(input, other, *, alpha=1, out=None):
    if isinstance(input, Tensor) and input._data.dtype.kind == "b" and \
            (isinstance(other, bool) or (isinstance(other, Tensor) and other.dtype.kind == "b")):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")
    if alpha == 1 and out is None:
        return _fast_binary(SubBackward0, input, other)
    return _into(out, _with_alpha(SubBackward0, input, other, alpha))


subtract = sub


def rsub(input, other, *, alpha=1):
    """other - alpha * input (torch.rsub; `1 - x` lands here)."""
    if alpha != 1:
        return add(input * -alpha, other)
    return binary(RsubBackward1, input, other)


def mul(input, other, *, out=None):
    if out is None:
        return _fast_binary(MulBackward0, input, other)
    return _into(out, mul(input, other))


multiply = mul


def div(input, other, *, rounding_mode=None, out=None):
    if rounding_mode is None:
        result = _true_div(input, other)
    elif rounding_mode == "trunc":
        result = _rounded_div(input, other, np.trunc)
    elif rounding_mode == "floor":
        result = floor_divide(input, other)
    else:
        raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                           f"but found '{rounding_mode}'")
    return _into(out, result)


def _true_div(a, b):
    from ._core import binary_dtype
    dt = binary_dtype(a, b)
    if dt.kind not in "fc":
        from .. import _dtype as D
        dt = D.get_default_dtype()._np
    if type(a) is Tensor and type(b) is Tensor and a._data.dtype is dt and b._data.dtype is dt:
        return _fast_binary(DivBackward0, a, b)
    return binary(DivBackward0, a, b, dtype=dt, save=DivBackward0.save)


def _rounded_div(a, b, rounder):
    from ._core import binary_dtype, to_array, wrap_result
    dt = binary_dtype(a, b)
    x, y = to_array(a, dt), to_array(b, dt)
    if dt.kind in "iub":
        if np.any(np.asarray(y) == 0):
            raise RuntimeError("ZeroDivisionError")
        q = np.floor_divide(x, y)
        fix = (np.remainder(x, y) != 0) & ((np.asarray(x) < 0) != (np.asarray(y) < 0))
        r = q + fix if rounder is np.trunc else q
        return wrap_result(np.asarray(r, dtype=dt))
    return wrap_result(rounder(np.true_divide(x, y)))


true_divide = divide = div


def floor_divide(input, other, *, out=None):
    from ._core import binary_dtype, to_array, wrap_result
    dt = binary_dtype(input, other)
    x, y = to_array(input, dt), to_array(other, dt)
    if dt.kind in "iub" and np.any(np.asarray(y) == 0):
        raise RuntimeError("ZeroDivisionError")
    return _into(out, wrap_result(np.floor_divide(x, y)))


def neg(input, *, out=None):
    if input._data.dtype.kind == "b":
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If "
                           "you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    return _into(out, unary(NegBackward0, input))


negative = neg


# --- powers -----------------------------------------------------------------------------

class PowBackward0(Node):
    """x ** c for a number c."""

    def backward(self, grad):
        (x,) = self.saved()
        c = self.exponent
        if c == 0:
            return (grad * 0,)
        return (grad * (c * x.pow(c - 1)).conj(),)


class PowBackward1(_Binary):
    """x ** y, both tensors."""
    forward = staticmethod(np.power)
    save = ("a", "b", "out")

    def backward(self, grad):
        x, y, result = self.saved()
        gx = gy = None
        if self._next[0] is not None:
            gx = grad * (y * x.pow(y - 1)).conj()
        if self._next[1] is not None:
            # d/dy x**y = x**y log x, taken as 0 where x == 0 and y >= 0 (torch's convention)
            log_x = where(x == 0, 0.0, x.log()) if not x._data.dtype.kind == "c" else x.log()
            gy = grad * (result * log_x).conj()
        return gx, gy


class PowBackward2(Node):
    """c ** x for a number c."""

    def backward(self, grad):
        (result,) = self.saved()
        base = self.base
        if base == 0:
            return (grad * where(result == 0, 0.0, float("-inf")),)
        return (grad * (result * float(np.log(base))).conj(),)


def pow(input, exponent, *, out=None):
    if not isinstance(input, Tensor):
        return _into(out, _scalar_pow(input, exponent))
    if isinstance(exponent, Tensor):
        _check_int_pow(input, exponent)
        return _into(out, binary(PowBackward1, input, exponent, save=PowBackward1.save))
    from ._core import as_tensor_operand, binary_dtype, to_array
    exponent = as_tensor_operand(exponent)
    if isinstance(exponent, Tensor):
        return pow(input, exponent, out=out)
    _check_int_pow(input, exponent)
    dt = binary_dtype(input, exponent)
    x = to_array(input, dt)
    if exponent == 2:
        r = np.multiply(x, x)
    elif exponent == 0.5 and dt.kind == "f":
        r = np.sqrt(x)
    else:
        r = np.power(x, exponent)
    if type(r) is not ndarray:
        r = np.asarray(r, dtype=dt)
    result = _wrap(r)
    if GradMode.enabled and input._requires_grad:
        record(PowBackward0, (input,), result, (input,), exponent=exponent)
    return _into(out, result)


def _check_int_pow(input, exponent):
    if input._data.dtype.kind in "iu":
        e = exponent._data if isinstance(exponent, Tensor) else exponent
        if isinstance(e, int) or (isinstance(e, ndarray) and e.dtype.kind in "iu"):
            if np.any(np.asarray(e) < 0):
                raise RuntimeError("Integers to negative integer powers are not allowed.")


def _scalar_pow(base, exponent):
    from ._core import binary_dtype, to_array
    dt = binary_dtype(base, exponent)
    y = to_array(exponent, dt)
    r = np.power(dt.type(base), y)
    result = _wrap(np.asarray(r, dtype=dt))
    if GradMode.enabled and exponent._requires_grad:
        record(PowBackward2, (exponent,), result, (result,), base=base)
    return result


def float_power(input, exponent):
    def as64(v):
        if isinstance(v, Tensor):
            return v.to(_complex_or_double(v))
        return v
    return pow(as64(input), as64(exponent))


def _complex_or_double(t):
    from .. import _dtype as D
    return D.complex128 if t._data.dtype.kind == "c" else D.float64


def square(input):
    return pow(input, 2)


# --- unary functions ----------------------------------------------------------------------

class ExpBackward0(Node):
    forward = staticmethod(np.exp)

    def backward(self, grad):
        (result,) = self.saved()
        return (grad * result.conj(),)


class LogBackward0(Node):
    forward = staticmethod(np.log)

    def backward(self, grad):
        (x,) = self.saved()
        return (grad / x.conj(),)


class SqrtBackward0(Node):
    forward = staticmethod(np.sqrt)

    def backward(self, grad):
        (result,) = self.saved()
        return (grad / (2 * result.conj()),)


class AbsBackward0(Node):
    forward = staticmethod(np.abs)

    def backward(self, grad):
        (x,) = self.saved()
        return (grad * x.sgn(),)


class SigmoidBackward0(Node):
    @staticmethod
    def forward(x):
        # the split keeps exp from overflowing for large |x|
        with np.errstate(over="ignore"):
            return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x))) \
                .astype(x.dtype, copy=False)

    def backward(self, grad):
        (result,) = self.saved()
        return (grad * (result * (1 - result)).conj(),)


class TanhBackward0(Node):
    forward = staticmethod(np.tanh)

    def backward(self, grad):
        (result,) = self.saved()
        return (grad * (1 - result * result).conj(),)


class ReluBackward0(Node):
    @staticmethod
    def forward(x):
        return np.maximum(x, 0, dtype=x.dtype) if x.dtype.kind != "b" else x.copy()

    def backward(self, grad):
        (result,) = self.saved()
        return (grad * (result > 0),)


class SinBackward0(Node):
    forward = staticmethod(np.sin)

    def backward(self, grad):
        (x,) = self.saved()
        return (grad * x.cos().conj(),)


class CosBackward0(Node):
    forward = staticmethod(np.cos)

    def backward(self, grad):
        (x,) = self.saved()
        return (grad * -x.sin().conj(),)


class SgnBackward0(Node):
    @staticmethod
    def forward(x):
        if x.dtype.kind == "c":
            mag = np.abs(x)
            return np.where(mag == 0, 0, x / np.where(mag == 0, 1, mag)).astype(x.dtype)
        return np.sign(x)

    def backward(self, grad):
        return (grad * 0,)


def exp(input, *, out=None):
    return _into(out, unary(ExpBackward0, input, save="out", float_only=True))


def log(input, *, out=None):
    return _into(out, unary(LogBackward0, input, save="x", float_only=True))


def sqrt(input, *, out=None):
    return _into(out, unary(SqrtBackward0, input, save="out", float_only=True))


def abs(input, *, out=None):
    if input._data.dtype.kind == "b":
        raise RuntimeError("abs is not supported for bool tensors")
    return _into(out, unary(AbsBackward0, input, save="x"))


absolute = abs


def sigmoid(input, *, out=None):
    return _into(out, unary(SigmoidBackward0, input, save="out", float_only=True))


def tanh(input, *, out=None):
    return _into(out, unary(TanhBackward0, input, save="out", float_only=True))


def relu(input):
    if input._data.dtype.kind == "b":
        raise RuntimeError('"clamp_min_cpu" not implemented for \'Bool\'')
    return unary(ReluBackward0, input, save="out")


def sin(input, *, out=None):
    return _into(out, unary(SinBackward0, input, save="x", float_only=True))


def cos(input, *, out=None):
    return _into(out, unary(CosBackward0, input, save="x", float_only=True))


def sgn(input):
    return unary(SgnBackward0, input)


def sign(input, *, out=None):
    if input._data.dtype.kind == "c":
        raise RuntimeError("Unlike NumPy, torch.sign is not intended to support complex "
                           "numbers. Please use torch.sgn instead.")
    result = _wrap(np.asarray(np.sign(input._data)))
    if GradMode.enabled and input._requires_grad:
        record(SignBackward0, (input,), result)
    return _into(out, result)


class SignBackward0(Node):
    def backward(self, grad):
        return (grad * 0,)


class ConjBackward0(Node):
    def backward(self, grad):
        return (grad.conj(),)


def conj(input):
    if input._data.dtype.kind != "c":
        return input
    result = _wrap(np.conj(input._data))
    if GradMode.enabled and input._requires_grad:
        record(ConjBackward0, (input,), result)
    return result


# --- selection ----------------------------------------------------------------------------

class WhereBackward0(Node):
    def backward(self, grad):
        (condition,) = self.saved()
        zero = grad * 0
        return (None, where(condition, grad, zero), where(condition, zero, grad))


def where(condition, input=None, other=None, *, out=None):
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    from ._core import as_tensor_operand, binary_dtype, broadcast_error, shape_of, to_array
    input, other = as_tensor_operand(input), as_tensor_operand(other)
    dt = binary_dtype(input, other)
    cond = condition._data
    if cond.dtype.kind != "b":
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {condition.dtype}")
    try:
        r = np.where(cond, to_array(input, dt), to_array(other, dt))
    except ValueError:
        shapes = [cond.shape, shape_of(input), shape_of(other)]
        raise broadcast_error(shapes[1], shapes[2]) from None
    result = _wrap(np.asarray(r, dtype=dt))
    if GradMode.enabled and (getattr(input, "_requires_grad", False)
                             or getattr(other, "_requires_grad", False)):
        record(WhereBackward0, (condition, input, other), result, (condition,))
    return _into(out, result)


# --- comparisons and logic (not differentiable) ---------------------------------------------

def _compare(ufunc, name):
    def compare(input, other, *, out=None):
        from ._core import as_tensor_operand, binary_dtype, broadcast_error, shape_of, to_array
        other = as_tensor_operand(other)
        if not isinstance(input, Tensor):
            input = as_tensor_operand(input)
        dt = binary_dtype(input, other)
        try:
            r = ufunc(to_array(input, dt), to_array(other, dt))
        except ValueError:
            raise broadcast_error(shape_of(input), shape_of(other)) from None
        return _into(out, _wrap(np.asarray(r)))
    compare.__name__ = name
    return compare


eq = _compare(np.equal, "eq")
ne = _compare(np.not_equal, "ne")
lt = _compare(np.less, "lt")
le = _compare(np.less_equal, "le")
gt = _compare(np.greater, "gt")
ge = _compare(np.greater_equal, "ge")
not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge


def _logical(ufunc, name):
    def logical(input, other, *, out=None):
        from ._core import as_tensor_operand
        other = as_tensor_operand(other)
        y = other._data if isinstance(other, Tensor) else other
        return _into(out, _wrap(np.asarray(ufunc(input._data, y))))
    logical.__name__ = name
    return logical


logical_and = _logical(np.logical_and, "logical_and")
logical_or = _logical(np.logical_or, "logical_or")
logical_xor = _logical(np.logical_xor, "logical_xor")


def logical_not(input, *, out=None):
    return _into(out, _wrap(np.asarray(np.logical_not(input._data))))


def _bitwise(ufunc, name):
    def bitwise(input, other, *, out=None):
        from ._core import as_tensor_operand, binary_dtype, to_array
        other = as_tensor_operand(other)
        dt = binary_dtype(input, other)
        if dt.kind not in "biu":
            raise RuntimeError(f'"{name}_cpu" not implemented for '
                               f"'{D.FROM_NUMPY[dt]._legacy[:-6]}'")
        return _into(out, _wrap(np.asarray(ufunc(to_array(input, dt), to_array(other, dt)))))
    bitwise.__name__ = name
    return bitwise


bitwise_and = _bitwise(np.bitwise_and, "bitwise_and")
bitwise_or = _bitwise(np.bitwise_or, "bitwise_or")
bitwise_xor = _bitwise(np.bitwise_xor, "bitwise_xor")


def bitwise_not(input, *, out=None):
    if input._data.dtype.kind not in "biu":
        raise RuntimeError(f"\"bitwise_not_cpu\" not implemented for '{input.dtype._legacy[:-6]}'")
    return _into(out, _wrap(np.asarray(np.invert(input._data))))


def equal(input, other):
    return input._data.shape == other._data.shape and bool(np.array_equal(input._data,
                                                                             other._data))


def isnan(input):
    return _wrap(np.asarray(np.isnan(input._data)))


def isinf(input):
    return _wrap(np.asarray(np.isinf(input._data)))


def isfinite(input):
    return _wrap(np.asarray(np.isfinite(input._data)))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(np.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _wrap(np.asarray(np.isclose(input._data, other._data, rtol=rtol, atol=atol,
                                       equal_nan=equal_nan)))
