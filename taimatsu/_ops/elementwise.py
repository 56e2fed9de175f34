"""Elementwise ops: arithmetic, powers, exp/log, trig, activations, comparisons.

Each op is a node class (torch's name) holding the numpy forward and the
backward formulas, plus the public function that applies it.  Gradients are
written for the broadcast output shape; the engine reduces them to the inputs'.
"""
import builtins
import math as _math
import operator as _operator

from .. import _dtype as D
from .._backend import backend_of_type, BY_ARRAY_TYPE, cpu, ndarray
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import GradMode
from ._core import (NotImplementedOp, Op, apply, backend_of, binary, public, record,
                    record_binary, unary, zeros_of)
from ._core import write_out as _into
from . import _layout
from ._layout import binary_result

_new_object = object.__new__


def _fast_binary(node_cls, a, b):
    """Same-dtype tensor-tensor ops skip promotion: the common case, kept cheap."""
    if type(a) is Tensor and type(b) is Tensor:
        x = a._data
        y = b._data
        if x.dtype is y.dtype and type(x) is ndarray and type(y) is ndarray:
            try:
                r = node_cls.cpu_forward(x, y)
            except ValueError:
                return binary(node_cls, a, b, save=node_cls.save)
            if type(r) is not ndarray:
                r = _as_ndarray(r)
            out = _new_object(Tensor)
            out._data = r
            if GradMode.enabled and (a._requires_grad or b._requires_grad):
                if node_cls.save is None or node_cls.save is _SAVE_AB:
                    record_binary(node_cls, a, b, out, node_cls.save is _SAVE_AB)
                else:
                    record(node_cls, (a, b), out, node_cls.saved_of(a, b, out))
            return out
    return binary(node_cls, a, b, save=node_cls.save)


def operator(node_cls, general, float_only=False):
    """A Python operator (`__add__`...) with the same-dtype fast path inlined: one call
    frame less than going through `general`, which handles everything else.
    `float_only`: the fast path is for float tensors only (true division of integers
    makes a float)."""
    ufunc = node_cls.cpu_forward
    scalar_op = node_cls.scalar_op
    saves = node_cls.saved_of
    # ops saving nothing or exactly their two inputs record through the unrolled path
    fast_save = node_cls.save is None or node_cls.save is _SAVE_AB
    save_inputs = node_cls.save is _SAVE_AB

    def op(self, other):
        if type(other) is Tensor:
            x = self._data
            y = other._data
            if x.dtype is y.dtype and (not float_only or x.dtype.kind in "fc"):
                # numpy's own function, for cpu arrays: another backend's arrays refuse it
                # (TypeError) or answer with their own type, and go the general way
                try:
                    r = ufunc(x, y)
                except (ValueError, TypeError):
                    # broadcasting errors and numpy's bool subtraction get torch's messages
                    return general(self, other)
                if type(r) is not ndarray:
                    if type(x) is not ndarray:
                        return general(self, other)
                    r = _as_ndarray(r)
                elif x.ndim > 1 and not x.flags.c_contiguous:
                    # (vectors have one layout: the cheap test first keeps tiny ops tiny)
                    r = binary_result(r, x, y)
                out = _new_object(Tensor)
                out._data = r
                if GradMode.enabled and (self._requires_grad or other._requires_grad):
                    if fast_save:
                        record_binary(node_cls, self, other, out, save_inputs)
                    else:
                        record(node_cls, (self, other), out, saves(self, other, out))
                return out
        elif type(other) is float or type(other) is int:
            # a python number keeps a float tensor's dtype (numpy's NEP 50 agrees with
            # torch here); integer tensors and overflow take the general path
            x = self._data
            if type(x) is ndarray and x.dtype.kind in "fc":  # (other backends: general)
                if x.ndim:
                    r = ufunc(x, other)
                else:
                    # a ufunc on a 0-d array and a number costs ~0.7 us; the same
                    # arithmetic on the numpy scalar ~0.1 us (same dtype rules)
                    r = _as_ndarray(scalar_op(x[()], other))
                out = _new_object(Tensor)
                out._data = r
                if self._requires_grad and GradMode.enabled:
                    if fast_save:
                        record_binary(node_cls, self, other, out, save_inputs)
                    else:
                        record(node_cls, (self, other), out, saves(self, other, out))
                return out
        return general(self, other)
    op.__name__ = f"__{general.__name__}__"
    return op


_SAVE_AB = ("a", "b")
# the cpu fast paths call the cpu backend's functions directly (no xp lookup); only numpy
# gives numpy scalars for 0-d results, so only they need _as_ndarray
_cpu_xp = cpu.xp
_as_ndarray = _cpu_xp.asarray
_ARRAYS = BY_ARRAY_TYPE  # (a dict) the array types of all backends
_multiply = _cpu_xp.multiply
_power = _cpu_xp.power


class _Binary(Op):
    save = None
    scalar_op = None  # the same arithmetic as a python operator, for numpy scalars

    @classmethod
    def saved_of(cls, a, b, out):
        save = cls.save
        if save is None:
            return None
        if save is _SAVE_AB:
            return (a, b)
        return tuple(a if s == "a" else b if s == "b" else out for s in save)


# --- arithmetic ---------------------------------------------------------------------------

class AddBackward0(_Binary):
    ufunc = "add"
    scalar_op = staticmethod(_operator.add)

    def backward(self, grad):
        alpha = getattr(self, "alpha", 1)
        return grad, (grad if alpha == 1 else grad * alpha)


class SubBackward0(_Binary):
    ufunc = "subtract"
    scalar_op = staticmethod(_operator.sub)

    def backward(self, grad):
        alpha = getattr(self, "alpha", 1)
        return grad, (-grad if alpha == 1 else grad * -alpha)


class RsubBackward1(_Binary):
    """other - input, where `input` is the tensor (the reflected `1 - x`)."""

    @staticmethod
    def forward(xp, x, y):
        return xp.subtract(y, x)

    @staticmethod
    def scalar_op(x, y):
        return y - x

    def backward(self, grad):
        return -grad, None


class MulBackward0(_Binary):
    ufunc = "multiply"
    scalar_op = staticmethod(_operator.mul)
    save = _SAVE_AB

    def backward(self, grad):
        a, b = self.saved()
        ga = grad * _conj(b) if self._next[0] is not None else None
        gb = grad * _conj(a) if self._next[1] is not None else None
        return ga, gb


class DivBackward0(_Binary):
    ufunc = "true_divide"
    scalar_op = staticmethod(_operator.truediv)
    save = _SAVE_AB

    def backward(self, grad):
        a, b = self.saved()
        ga = grad / _conj(b) if self._next[0] is not None else None
        gb = -grad * _conj(a) / _conj(b * b) if self._next[1] is not None else None
        return ga, gb


class NegBackward0(Op):
    ufunc = "negative"

    def backward(self, grad):
        return (-grad,)


def _conj(t):
    if isinstance(t, Tensor):
        return t.conj() if t._data.dtype.kind == "c" else t
    # a python or numpy complex number multiplying a tensor
    return t.conjugate() if isinstance(t, complex) else t


def _check_out(out):
    if out is not None:
        raise NotImplementedError("out= is not supported yet")


@public(inplace="method")
def add(input, other, *, alpha=1, out=None):
    if alpha == 1 and alpha is not True and out is None:
        return _fast_binary(AddBackward0, input, other)
    return _into(out, _with_alpha(AddBackward0, "add", input, other, alpha), (input, other))


def _with_alpha(node_cls, name, input, other, alpha):
    """input op alpha * other (`name`: the op's function in the array module), computed
    in the promoted dtype and recorded as one node that remembers alpha."""
    from ._core import as_tensor_operand, binary_dtype, to_array
    input, other = as_tensor_operand(input), as_tensor_operand(other)
    xp = backend_of(input, other).xp
    dt = binary_dtype(input, other)
    if dt.kind in "biu" and isinstance(alpha, float):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating "
                           "point number.")
    if isinstance(alpha, bool) and dt.kind != "b":
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    x, y = to_array(input, dt, xp), to_array(other, dt, xp)
    if dt.kind == "b":
        r = xp.logical_or(x, xp.logical_and(y, bool(alpha)))
    else:
        r = _broadcasting(getattr(xp, name), x, xp.multiply(y, alpha, dtype=dt), input, other)
    result = _result(r, dt)
    if GradMode.enabled and (getattr(input, "_requires_grad", False)
                             or getattr(other, "_requires_grad", False)):
        record(node_cls, (input, other), result, alpha=alpha)
    return result


def _broadcasting(fn, x, y, a, b):
    """fn(x, y) with torch's message when a's and b's shapes do not broadcast."""
    try:
        r = fn(x, y)
    except ValueError:
        from ._core import broadcast_error, shape_of
        raise broadcast_error(shape_of(a), shape_of(b)) from None
    if type(x) in _ARRAYS and type(r) in _ARRAYS and not x.flags.c_contiguous:
        r = binary_result(r, x, y)
    return r


def _result(r, np_dtype=None):
    """A tensor around a ufunc's result (numpy scalars for 0-d inputs become arrays: only
    numpy gives scalars, so they are cpu results)."""
    if type(r) in _ARRAYS:
        if np_dtype is not None and r.dtype != np_dtype:
            r = r.astype(np_dtype)
        return _wrap(r)
    return _wrap(_as_ndarray(r, dtype=np_dtype))


class _NoGrad:
    def __enter__(self):
        self.prev = GradMode.enabled
        GradMode.enabled = False

    def __exit__(self, *exc):
        GradMode.enabled = self.prev


_SUB_TWO_BOOLS = ("Subtraction, the `-` operator, with two bool tensors is not supported. "
                  "Use the `^` or `logical_xor()` operator instead.")
_SUB_BOOL = ("Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
             "trying to invert a mask, use the `~` or `logical_not()` operator instead.")


def _is_bool(x):
    return isinstance(x, bool) or (isinstance(x, Tensor) and x._data.dtype.kind == "b")


def _check_sub(input, other):
    a, b = _is_bool(input), _is_bool(other)
    if a or b:
        raise RuntimeError(_SUB_TWO_BOOLS if a and b else _SUB_BOOL)


@public(inplace="method")
def sub(input, other, *, alpha=1, out=None):
    _check_sub(input, other)
    if alpha == 1 and alpha is not True and out is None:
        return _fast_binary(SubBackward0, input, other)
    return _into(out, _with_alpha(SubBackward0, "subtract", input, other, alpha),
                 (input, other))


subtract = public(sub, name="subtract", inplace="method")


@public
def rsub(input, other, *, alpha=1):
    """other - alpha * input (torch.rsub; `1 - x` lands here)."""
    _check_sub(input, other)
    if alpha != 1:
        return add(input * -alpha, other)
    return binary(RsubBackward1, input, other)


@public(inplace="method")
def mul(input, other, *, out=None):
    if out is None:
        return _fast_binary(MulBackward0, input, other)
    return _into(out, mul(input, other), (input, other))


multiply = public(mul, name="multiply", inplace="method")


@public(inplace="method")
def div(input, other, *, rounding_mode=None, out=None):
    if rounding_mode is None:
        result = _true_div(input, other)
    elif rounding_mode == "trunc":
        result = _rounded_div(input, other, "trunc")
    elif rounding_mode == "floor":
        result = _rounded_div(input, other, "floor")
    else:
        raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                           f"but found '{rounding_mode}'")
    return _into(out, result, (input, other))


def rtruediv(self, other):
    """`number / tensor`: torch computes it as reciprocal(tensor) * number."""
    return mul(reciprocal(self), other)


def _true_div(a, b):
    from ._core import binary_dtype
    dt = binary_dtype(a, b)
    if dt.kind not in "fc":
        from .. import _dtype as D
        dt = D.get_default_dtype()._np
    if type(a) is Tensor and type(b) is Tensor and a._data.dtype is dt and b._data.dtype is dt:
        return _fast_binary(DivBackward0, a, b)
    return binary(DivBackward0, a, b, dtype=dt, save=DivBackward0.save)


def _operand(xp, v, dtype):
    """An operand's array (or number) in the computation's dtype, as `binary` casts it."""
    if type(v) in _ARRAYS:
        return v if v.dtype == dtype else v.astype(dtype)
    from ._core import to_array
    return to_array(v, dtype, xp)


def _binary_out(xp, r, x, y, dtype):
    """A binary forward's result: an array of `dtype`, laid out as torch lays out the
    result of operands x, y."""
    r = _in_dtype(xp, r, dtype)
    if type(x) in _ARRAYS and not x.flags.c_contiguous:
        r = binary_result(r, x, y)
    return r


def _check_broadcast(a, b):
    from ._core import broadcast_error, broadcast_shapes, shape_of
    sa, sb = shape_of(a), shape_of(b)
    if sa != sb:
        try:
            broadcast_shapes(sa, sb)
        except ValueError:
            raise broadcast_error(sa, sb) from None


def _rounded_forward(xp, x, y, rounding_mode, dtype):
    x, y = _operand(xp, x, dtype), _operand(xp, y, dtype)
    if rounding_mode == "floor":
        r = xp.floor_divide(x, y)
    elif dtype.kind in "iu":
        q = xp.floor_divide(x, y)
        # floor and trunc differ where the division is inexact and the signs differ
        r = q + ((xp.remainder(x, y) != 0) & ((xp.asarray(x) < 0) != (xp.asarray(y) < 0)))
    else:
        r = xp.trunc(xp.true_divide(x, y))
    return _binary_out(xp, r, x, y, dtype)


class DivBackward2(Op):
    """div with a rounding mode ("trunc", "floor"): piecewise constant, so zero gradients.
    The operands (tensors or numbers) are cast to `dtype`, the promoted one."""

    args = ("self", "other")
    forward = staticmethod(_rounded_forward)

    def backward(self, grad):
        # torch's zeros_like(grad): a constant (no graph, no nan from grad)
        zero = zeros_of(grad)
        return zero, zero


def _integer_division(x, y, dt):
    if dt.kind in "iu" and bool((y == 0).any() if type(y) in _ARRAYS else y == 0):
        raise RuntimeError("ZeroDivisionError")


def _division_args(a, b, kernel):
    """The operands and promoted dtype of a rounded division, with torch's errors."""
    from ._core import as_tensor_operand, binary_dtype
    a, b = as_tensor_operand(a), as_tensor_operand(b)
    dt = binary_dtype(a, b)
    if dt.kind in "bc":
        raise _not_implemented(kernel, dt)
    backend_of(a, b)  # torch's error for two devices
    _integer_division(a, b._data if isinstance(b, Tensor) else b, dt)
    _check_broadcast(a, b)
    return a, b, dt


def _rounded_div(a, b, mode):
    a, b, dt = _division_args(a, b, f"div_{mode}_cpu")
    # a number operand is an input without an edge, as torch wraps it into a tensor
    return apply(DivBackward2, a, b, rounding_mode=mode, dtype=dt)


divide = public(div, name="divide", inplace="method")
true_divide = public(divide, name="true_divide", inplace="method")


class FloorDivideNotImplemented(NotImplementedOp):
    """floor_divide of two tensors (or a number and a tensor): no derivative in torch."""

    args = ("self", "other")
    aten = "floor_divide"

    @staticmethod
    def forward(xp, x, y, dtype):
        return _rounded_forward(xp, x, y, "floor", dtype)


class FloorDivideScalarNotImplemented(NotImplementedOp):
    """floor_divide of a tensor by a number."""

    aten = "floor_divide"

    @staticmethod
    def forward(xp, x, other, dtype):
        return _rounded_forward(xp, x, other, "floor", dtype)


@public(inplace="method")
def floor_divide(input, other, *, out=None):
    input, other, dt = _division_args(input, other, "div_floor_cpu")
    if isinstance(input, Tensor) and not isinstance(other, Tensor):
        result = apply(FloorDivideScalarNotImplemented, input, other=other, dtype=dt)
    else:
        result = apply(FloorDivideNotImplemented, input, other, dtype=dt)
    return _into(out, result, (input, other))


def _not_implemented(kernel, np_dtype):
    return NotImplementedError(f"\"{kernel}\" not implemented for '{_type_name(np_dtype)}'")


def _type_name(np_dtype):
    return D.from_numpy_dtype(np_dtype)._legacy[:-6]


@public(inplace="both")
def neg(input, *, out=None):
    x = input._data
    if out is None and x.dtype.kind in "fc":
        result = _new_object(Tensor)
        r = NegBackward0.cpu_forward(x) if type(x) is ndarray else input._xp.negative(x)
        result._data = r if type(r) in _ARRAYS else _as_ndarray(r)
        if input._requires_grad and GradMode.enabled:
            record(NegBackward0, (input,), result)
        return result
    if x.dtype.kind == "b":
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If "
                           "you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    return _into(out, unary(NegBackward0, input))


negative = public(neg, name="negative", inplace="both")


# --- powers -----------------------------------------------------------------------------

class PowBackward0(Op):
    """x ** c for a number c, in the promoted dtype."""

    saves = ("self",)

    @staticmethod
    def forward(xp, a, exponent):
        from ._core import _with_scalar
        dt = _with_scalar(a.dtype, exponent)
        x = a if a.dtype == dt else a.astype(dt)
        if exponent == 2:
            r = xp.multiply(x, x)
        elif exponent == 0.5 and dt.kind == "f":
            r = xp.sqrt(x)
        elif dt.kind == "b":
            r = x | (not exponent)
        else:
            r = xp.power(x, exponent)
        return _in_dtype(xp, r, dt)

    def backward(self, grad):
        (x,) = self.saved()
        c = self.exponent
        if c == 0:
            return (zeros_of(grad),)
        if x._data.dtype.kind != "c":
            # x ** 2 is the common case: 2 * x.pow(1) is just x * 2
            return (grad * (x * 2.0 if c == 2 else x.pow(c - 1) * c),)
        return (grad * (c * x.pow(c - 1)).conj(),)


class PowBackward1(_Binary):
    """x ** y, both tensors."""
    ufunc = "power"
    save = ("a", "b", "out")

    def backward(self, grad):
        x, y, result = self.saved()
        gx = gy = None
        if self._next[0] is not None:
            # zero where the exponent is 0 (torch's pow_backward_self: 0 ** 0 has none)
            gx = where(y == 0, 0.0, grad * (y * x.pow(y - 1)).conj())
        if self._next[1] is not None:
            # d/dy x**y = x**y log x, taken as 0 where x == 0 and y >= 0 (torch's convention)
            log_x = where(x == 0, 0.0, x.log()) if not x._data.dtype.kind == "c" else x.log()
            gy = grad * (result * log_x).conj()
        return gx, gy


class PowBackward2(Op):
    """c ** x for a number c (`base`), in the promoted dtype."""

    args = ("exponent",)
    saves = ("result",)

    @staticmethod
    def forward(xp, y, base, dtype):
        y = _operand(xp, y, dtype)
        c = dtype.type(base)
        return _binary_out(xp, _int_power(xp, c, y) if dtype.kind in "iu" else
                           xp.power(c, y), y, c, dtype)

    def backward(self, grad):
        (result,) = self.saved()
        base = self.base
        if base == 0:
            return (grad * where(result == 0, 0.0, float("-inf")),)
        # numpy's log of a negative number: nan
        return (grad * (result * (_math.log(base) if base > 0 else _math.nan)).conj(),)


@public(inplace="method")
def pow(input, exponent, *, out=None):
    te = type(exponent)
    if (te is int or te is float) and type(input) is Tensor and out is None:
        x = input._data
        if x.dtype.kind in "fc" and type(x) is ndarray:
            # `x ** 2` on a float tensor: the hot case, without argument handling
            r = _multiply(x, x) if exponent == 2 else _power(x, exponent)
            result = _new_object(Tensor)
            result._data = r if type(r) is ndarray else _as_ndarray(r)
            if input._requires_grad and GradMode.enabled:
                record(PowBackward0, (input,), result, (input,)).exponent = exponent
            return result
    if not isinstance(input, Tensor):
        return _into(out, _scalar_pow(input, exponent))
    if isinstance(exponent, Tensor):
        return _into(out, _tensor_pow(input, exponent), (input, exponent))
    from ._core import as_tensor_operand
    exponent = as_tensor_operand(exponent)
    if isinstance(exponent, Tensor):
        return pow(input, exponent, out=out)
    _check_int_pow(input, exponent)
    return _into(out, apply(PowBackward0, input, exponent=exponent))


def _tensor_pow(input, exponent):
    from ._core import binary_dtype
    dt = binary_dtype(input, exponent)
    if dt.kind == "b":
        raise _not_implemented("pow", dt)
    if dt.kind in "iu":
        return binary(_IntPow, input, exponent, dtype=dt)
    return binary(PowBackward1, input, exponent, save=PowBackward1.save)


class _IntPow(Op):
    """Integer powers with torch's rule for negative exponents (numpy refuses them)."""

    @staticmethod
    def forward(xp, x, y):
        return _int_power(xp, x, y)


def _int_power(xp, x, y):
    negative = xp.asarray(y) < 0
    if not negative.any():
        return xp.power(x, y)
    r = xp.power(x, xp.where(negative, 0, y))
    # x ** -n truncates to 0 except for x = 1 (1) and x = -1 (+-1)
    odd = xp.asarray(y) % 2 != 0
    inverse = xp.where(x == 1, 1, xp.where(x == -1, xp.where(odd, -1, 1), 0))
    return xp.where(negative, inverse, r).astype(r.dtype, copy=False)


def _check_int_pow(input, exponent):
    if input._data.dtype.kind in "iu" and type(exponent) is int and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")


def _scalar_pow(base, exponent):
    from ._core import binary_dtype
    dt = binary_dtype(base, exponent)
    if dt.kind == "b":
        raise _not_implemented("pow", dt)
    return apply(PowBackward2, exponent, base=base, dtype=dt)


@public(inplace="method")
def float_power(input, exponent):
    def as64(v):
        if isinstance(v, Tensor):
            return v.to(_complex_or_double(v))
        return v
    return pow(as64(input), as64(exponent))


def _complex_or_double(t):
    from .. import _dtype as D
    return D.complex128 if t._data.dtype.kind == "c" else D.float64


@public(inplace="both")
def square(input):
    return pow(input, 2)


# --- unary functions ----------------------------------------------------------------------

class ExpBackward0(Op):
    ufunc = "exp"

    def backward(self, grad):
        (result,) = self.saved()
        return (grad * result.conj(),)


class LogBackward0(Op):
    ufunc = "log"

    def backward(self, grad):
        (x,) = self.saved()
        return (grad / x.conj(),)


class SqrtBackward0(Op):
    ufunc = "sqrt"

    def backward(self, grad):
        (result,) = self.saved()
        return (grad / (2 * result.conj()),)


class AbsBackward0(Op):
    @staticmethod
    def forward(xp, x):
        if x.dtype.kind == "c" and x.dtype.itemsize == 8:
            # numpy's complex64 magnitude can be an ulp off; torch's (glibc's hypotf)
            # rounds the double-precision hypot to float
            return xp.abs(x.astype(xp.complex128)).astype(xp.float32)
        return xp.abs(x)

    def backward(self, grad):
        (x,) = self.saved()
        return (grad * x.sgn(),)


class SigmoidBackward0(Op):
    @staticmethod
    def forward(xp, x):
        # torch's formula, 1 / (1 + exp(-x)): exp overflowing to inf for very negative x
        # gives the right limit, 0 (numpy's overflow warning is filtered in _backend)
        d = xp.exp(xp.negative(x))
        d += 1
        return xp.reciprocal(d, out=d) if type(d) in _ARRAYS else 1 / d

    def backward(self, grad):
        (result,) = self.saved()
        return (grad * (result * (1 - result)).conj(),)


class TanhBackward0(Op):
    ufunc = "tanh"

    def backward(self, grad):
        (result,) = self.saved()
        return (grad * (1 - result * result).conj(),)


class ReluBackward0(Op):
    @staticmethod
    def forward(xp, x):
        return xp.maximum(x, 0, dtype=x.dtype) if x.dtype.kind != "b" else x.copy()

    def backward(self, grad):
        (result,) = self.saved()
        return (threshold_backward(grad, result, 0),)


# --- torch's *_backward ops ---------------------------------------------------------------
#
# The gradient of a piecewise op is grad scaled by a function of a saved input.  Written as
# `grad * (x > 0)` the scale is a constant, so the gradient's own graph never reaches x and
# autograd.grad(g, x) fails where torch returns zeros.  Like torch's threshold_backward, these
# ops are records of their own over (grad_output, input), run by apply like any op (so that
# a traced backward sees them too).  Their where(mask, 0, grad) zeroes even a nan or inf
# gradient, as torch's kernels do (a python 0 takes grad's dtype).

class _ScaleBackwardBackward(Op):
    """The node of a *_backward op that is grad times a function of the saved input alone:
    for grad, the same op again (`again`); for the input, zeros."""

    args = ("grad_output", "self")
    saves = ("self",)

    def backward(self, grad):
        (x,) = self.saved()
        return (self.again(grad, x) if self._next[0] is not None else None,
                zeros_of(grad) if self._next[1] is not None else None)


class ThresholdBackwardBackward0(_ScaleBackwardBackward):
    """grad_output where input > threshold, else 0 (a nan input passes the gradient)."""

    @staticmethod
    def forward(xp, g, x, threshold):
        ints = _SAME_SIZE_INT.get(g.dtype)
        if ints is not None and g.ndim and g.shape == x.shape and g.flags.c_contiguous:
            # where()'s per-element branch costs twice this: AND the gradient's bits with a
            # mask of all ones (keep) or zeros (0 <= threshold gives +0.0, as torch's kernel)
            mask = xp.subtract(xp.less_equal(x, threshold), True, dtype=ints)
            return xp.bitwise_and(g.view(ints), mask, out=mask).view(g.dtype)
        return xp.where(x <= threshold, 0, g)

    def again(self, grad, x):
        return threshold_backward(grad, x, self.threshold)


def threshold_backward(grad_output, input, threshold):
    g, x = grad_output._data, input._data
    if type(g) is ndarray and type(x) is ndarray and not (
            GradMode.enabled and (grad_output._requires_grad or input._requires_grad)):
        # relu's gradient in an ordinary backward: apply specialised for cpu arrays
        out = _new_object(Tensor)
        out._data = ThresholdBackwardBackward0.forward(_cpu_xp, g, x, threshold)
        return out
    return apply(ThresholdBackwardBackward0, grad_output, input, threshold=threshold)


_SAME_SIZE_INT = {D.float16._np: D.int16._np, D.float32._np: D.int32._np,
                  D.float64._np: D.int64._np}


class SinBackward0(Op):
    ufunc = "sin"

    def backward(self, grad):
        (x,) = self.saved()
        return (grad * x.cos().conj(),)


class CosBackward0(Op):
    ufunc = "cos"

    def backward(self, grad):
        (x,) = self.saved()
        return (grad * -x.sin().conj(),)


class SgnBackward0(Op):
    saves = ("self", "result")
    real = False  # sgn of a real tensor is sign: recorded by _sign, zero gradient

    @staticmethod
    def forward(xp, x, real=False):
        if x.dtype.kind == "c":
            mag = xp.abs(x)
            return xp.where(mag == 0, 0, x / xp.where(mag == 0, 1, mag)).astype(x.dtype)
        return _sign_array(xp, x)

    def backward(self, grad):
        if self.real:
            return (zeros_of(grad),)
        # with s = z / |z|, the gradient of a real loss is (g - s Re(conj(s) g)) / |z|, the
        # part of g across s (zero where z = 0, as torch's masked_fill)
        (z, s) = self.saved()
        mag = z.abs()
        across = grad - s * (s.conj() * grad).real
        return (where(mag == 0, 0.0, across / where(mag == 0, 1.0, mag)),)


@public(inplace="both")
def exp(input, *, out=None):
    return _into(out, unary(ExpBackward0, input, save="out", float_only=True))


@public(inplace="both")
def log(input, *, out=None):
    return _into(out, unary(LogBackward0, input, save="x", float_only=True))


@public(inplace="both")
def sqrt(input, *, out=None):
    return _into(out, unary(SqrtBackward0, input, save="out", float_only=True))


@public(inplace="both")
def abs(input, *, out=None):
    if input._data.dtype.kind == "b":
        raise _not_implemented("abs_cpu", input._data.dtype)
    return _into(out, unary(AbsBackward0, input, save="x"))


absolute = public(abs, name="absolute", inplace="method")


@public(inplace="both")
def sigmoid(input, *, out=None):
    return _into(out, unary(SigmoidBackward0, input, save="out", float_only=True))


@public(inplace="both")
def tanh(input, *, out=None):
    return _into(out, unary(TanhBackward0, input, save="out", float_only=True))


@public(inplace="both")
def relu(input):
    kind = input._data.dtype.kind
    if kind == "b":
        raise RuntimeError("Boolean inputs not supported for relu")
    if kind == "c":
        raise NotImplementedError("clamp is not supported for complex types")
    return unary(ReluBackward0, input, save="out")


@public(inplace="both")
def sin(input, *, out=None):
    return _into(out, unary(SinBackward0, input, save="x", float_only=True))


@public(inplace="both")
def cos(input, *, out=None):
    return _into(out, unary(CosBackward0, input, save="x", float_only=True))


@public(inplace="method")
def sgn(input, *, out=None):
    if input._data.dtype.kind != "c":
        return _sign(input, out, SgnBackward0, real=True)
    return _into(out, apply(SgnBackward0, input))


@public(inplace="method")
def sign(input, *, out=None):
    return _sign(input, out, SignBackward0)


def _sign_array(xp, a):
    if a.dtype.kind == "b":
        return a.copy()
    if a.dtype.kind == "f":
        # (x > 0) - (x < 0) makes sign(nan) 0, as torch has it
        return xp.subtract(a > 0, a < 0, dtype=a.dtype)
    return xp.sign(a)


def _sign(input, out, node_cls, **attrs):
    if input._data.dtype.kind == "c":
        raise NotImplementedError("Unlike NumPy, torch.sign is not intended to support complex "
                                  "numbers. Please use torch.sgn instead.")
    return _into(out, apply(node_cls, input, **attrs))


class SignBackward0(Op):
    forward = staticmethod(_sign_array)

    def backward(self, grad):
        return (zeros_of(grad),)


class ConjBackward0(Op):
    ufunc = "conj"

    def backward(self, grad):
        return (grad.conj(),)


@public
def conj(input):
    if input._data.dtype.kind != "c":
        return input
    return apply(ConjBackward0, input)


# --- selection ----------------------------------------------------------------------------

def _in_dtype(xp, r, dt):
    """A result of the array module in dtype dt (0-d numpy scalars become arrays)."""
    if type(r) not in _ARRAYS:
        return xp.asarray(r, dtype=dt)
    return r if r.dtype == dt else r.astype(dt)


class WhereBackward0(Op):
    """input where condition, else other, in `dtype` (either may be a number)."""

    args = ("condition", "self", "other")
    saves = ("condition",)

    @staticmethod
    def forward(xp, cond, x, y, dtype):
        from ._core import broadcast_error, to_array
        x, y = to_array(x, dtype, xp), to_array(y, dtype, xp)
        try:
            r = xp.where(cond, x, y)
        except ValueError:
            raise broadcast_error(getattr(x, "shape", ()), getattr(y, "shape", ())) from None
        if not cond.flags.c_contiguous and r.ndim > 1:
            # torch's layout follows the condition, where numpy falls back to C order
            operands = [a for a in (cond, x, y) if type(a) in _ARRAYS and a.ndim]
            r = _layout.in_order(r, _layout.iterator_axes(r.shape, operands))
        return _in_dtype(xp, r, dtype)

    def backward(self, grad):
        (condition,) = self.saved()
        zero = grad * 0
        return (None, where(condition, grad, zero), where(condition, zero, grad))


@public
def where(condition, input=None, other=None, *, out=None):
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    from ._core import as_tensor_operand, binary_dtype
    input, other = as_tensor_operand(input), as_tensor_operand(other)
    dt = binary_dtype(input, other)
    if condition._data.dtype.kind != "b":
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {condition.dtype}")
    backend_of(condition, input, other)  # the device check comes first, as torch's
    result = apply(WhereBackward0, condition, input, other, dtype=dt)
    return _into(out, result, (condition, input, other))


# --- comparisons and logic (not differentiable) ---------------------------------------------

def _compare(ufunc, name):
    """A comparison, `ufunc` being the name of its function in the array module."""
    ordered = name in ("lt", "le", "gt", "ge")

    def compare(input, other, *, out=None):
        from ._core import as_tensor_operand, binary_dtype, to_array
        other = as_tensor_operand(other)
        if not isinstance(input, Tensor):
            input = as_tensor_operand(input)
        dt = binary_dtype(input, other)
        if ordered and dt.kind == "c":
            raise _not_implemented(f"{name}_cpu", dt)
        xp = backend_of(input, other).xp
        r = _broadcasting(getattr(xp, ufunc), to_array(input, dt, xp), to_array(other, dt, xp),
                          input, other)
        return _into(out, _result(r))
    compare.__name__ = name
    return compare


eq = public(_compare("equal", "eq"), inplace="method")
ne = public(_compare("not_equal", "ne"), inplace="method")
lt = public(_compare("less", "lt"), inplace="method")
le = public(_compare("less_equal", "le"), inplace="method")
gt = public(_compare("greater", "gt"), inplace="method")
ge = public(_compare("greater_equal", "ge"), inplace="method")
not_equal = public(ne, name="not_equal", inplace="method")
less = public(lt, name="less", inplace="method")
less_equal = public(le, name="less_equal", inplace="method")
greater = public(gt, name="greater", inplace="method")
greater_equal = public(ge, name="greater_equal", inplace="method")


def _logical(ufunc, name):
    def logical(input, other, *, out=None):
        _need_tensor(name, other, "other", 2)
        xp = backend_of(input, other).xp
        r = _broadcasting(getattr(xp, ufunc), input._data, other._data, input, other)
        return _into(out, _result(r))
    logical.__name__ = name
    return logical


def _need_tensor(name, x, arg="input", position=1):
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}(): argument '{arg}' (position {position}) must be Tensor, "
                        f"not {type(x).__name__}")


logical_and = public(_logical("logical_and", "logical_and"), inplace="method")
logical_or = public(_logical("logical_or", "logical_or"), inplace="method")
logical_xor = public(_logical("logical_xor", "logical_xor"), inplace="method")


@public(inplace="method")
def logical_not(input, *, out=None):
    return _into(out, _result(input._xp.logical_not(input._data)))


def _bitwise(ufunc, name, kernel=None):
    def bitwise(input, other, *, out=None):
        from ._core import as_tensor_operand, binary_dtype, to_array
        other = as_tensor_operand(other)
        dt = binary_dtype(input, other)
        if dt.kind not in "biu":
            raise _not_implemented(f"{kernel or name}_cpu", dt)
        xp = backend_of(input, other).xp
        r = _broadcasting(getattr(xp, ufunc), to_array(input, dt, xp), to_array(other, dt, xp),
                          input, other)
        return _into(out, _result(r))
    bitwise.__name__ = name
    return bitwise


bitwise_and = public(_bitwise("bitwise_and", "bitwise_and"), inplace="method")
bitwise_or = public(_bitwise("bitwise_or", "bitwise_or"), inplace="method")
bitwise_xor = public(_bitwise("bitwise_xor", "bitwise_xor"), inplace="method")
# shifts by a count at or past the width give 0 (or -1 shifting a negative right), as
# numpy's shifts and torch's do
bitwise_left_shift = public(_bitwise("left_shift", "bitwise_left_shift", "lshift"),
                            inplace="method")
bitwise_right_shift = public(_bitwise("right_shift", "bitwise_right_shift", "rshift"),
                             inplace="method")


def _reflected_shift(shift):
    def reflected(self, other):
        # `1 << t`: the number as a 0-dim tensor, which does not widen t's dtype
        from ._core import as_tensor_operand
        other = as_tensor_operand(other)
        if not isinstance(other, Tensor):
            other = _wrap(self._xp.asarray(other))
        return shift(other, self)
    return reflected


rlshift = _reflected_shift(bitwise_left_shift)
rrshift = _reflected_shift(bitwise_right_shift)


@public(inplace="method")
def bitwise_not(input, *, out=None):
    if input._data.dtype.kind not in "biu":
        raise _not_implemented("bitwise_not_cpu", input._data.dtype)
    return _into(out, _result(input._xp.invert(input._data)))


def invert(self):
    """`~t`."""
    if self._data.dtype.kind not in "biu":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                        "tensors")
    return _result(self._xp.invert(self._data))


@public
def equal(input, other):
    xp = backend_of(input, other).xp
    return input._data.shape == other._data.shape and bool(xp.array_equal(input._data,
                                                                             other._data))


@public
def isnan(input):
    return _result(input._xp.isnan(input._data))


@public
def isinf(input):
    return _result(input._xp.isinf(input._data))


@public
def isfinite(input):
    return _result(input._xp.isfinite(input._data))


@public
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    xp = backend_of(input, other).xp
    return bool(xp.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


@public
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    xp = backend_of(input, other).xp
    return _result(xp.isclose(input._data, other._data, rtol=rtol, atol=atol,
                              equal_nan=equal_nan))


# --- elementwise (more): exp/log family, trig, hyperbolic, error functions -------------------
#
# Each node's forward takes an array in the computation dtype; `_float_op` makes the public
# function (integer and bool inputs compute in the default float dtype, as in torch).

_LN2 = 0.6931471805599453
_LN10 = 2.302585092994046
_PI = 3.141592653589793


def _float_op(node_cls, name, save=None, complex_kernel=None):
    """The public function of a float-valued unary op.  `complex_kernel` names the torch
    kernel whose NotImplementedError complex inputs get."""
    def op(input, *, out=None):
        if complex_kernel is not None and isinstance(input, Tensor) \
                and input._data.dtype.kind == "c":
            raise _not_implemented(complex_kernel, input._data.dtype)
        return _into(out, unary(node_cls, input, save=save, float_only=True))
    op.__name__ = name
    return op


class Exp2Backward0(Op):
    ufunc = "exp2"

    def backward(self, grad):
        (result,) = self.saved()
        return (grad * (result * _LN2).conj(),)


class Expm1Backward0(Op):
    ufunc = "expm1"

    def backward(self, grad):
        (result,) = self.saved()
        return (grad * (result + 1).conj(),)


class Log2Backward0(Op):
    ufunc = "log2"

    def backward(self, grad):
        (x,) = self.saved()
        return (grad / (x * _LN2).conj(),)


class Log10Backward0(Op):
    ufunc = "log10"

    def backward(self, grad):
        (x,) = self.saved()
        return (grad / (x * _LN10).conj(),)


class Log1PBackward0(Op):
    ufunc = "log1p"

    def backward(self, grad):
        (x,) = self.saved()
        return (grad / (x + 1).conj(),)


class RsqrtBackward0(Op):
    @staticmethod
    def forward(xp, x):
        return xp.reciprocal(xp.sqrt(x))

    def backward(self, grad):
        (result,) = self.saved()
        return (grad * (result.pow(3) * -0.5).conj(),)


class ReciprocalBackward0(Op):
    ufunc = "reciprocal"

    def backward(self, grad):
        (result,) = self.saved()
        return (grad * -(result * result).conj(),)


class TanBackward0(Op):
    ufunc = "tan"

    def backward(self, grad):
        (result,) = self.saved()
        return (grad * (result * result + 1).conj(),)


class AsinBackward0(Op):
    ufunc = "arcsin"

    def backward(self, grad):
        (x,) = self.saved()
        return (grad / (1 - x * x).sqrt().conj(),)


class AcosBackward0(Op):
    ufunc = "arccos"

    def backward(self, grad):
        (x,) = self.saved()
        return (-grad / (1 - x * x).sqrt().conj(),)


class AtanBackward0(Op):
    ufunc = "arctan"

    def backward(self, grad):
        (x,) = self.saved()
        return (grad / (x * x + 1).conj(),)


class SinhBackward0(Op):
    ufunc = "sinh"

    def backward(self, grad):
        (x,) = self.saved()
        return (grad * x.cosh().conj(),)


class CoshBackward0(Op):
    ufunc = "cosh"

    def backward(self, grad):
        (x,) = self.saved()
        return (grad * x.sinh().conj(),)


class AsinhBackward0(Op):
    ufunc = "arcsinh"

    def backward(self, grad):
        (x,) = self.saved()
        return (grad / (x * x + 1).sqrt().conj(),)


class AcoshBackward0(Op):
    ufunc = "arccosh"

    def backward(self, grad):
        (x,) = self.saved()
        # torch's formula, grad * (x^2 - 1)^(-1/2): finite outside the domain too
        return (grad * (x.pow(2) - 1).rsqrt().conj(),)


class AtanhBackward0(Op):
    ufunc = "arctanh"

    def backward(self, grad):
        (x,) = self.saved()
        return (grad / (1 - x * x).conj(),)


def _special(x, name):
    """The special function `name` (erf...) of the backend of the array x."""
    return backend_of_type(type(x)).special(name)


class ErfBackward0(Op):
    @staticmethod
    def forward(xp, x):
        return _special(x, "erf")(x)

    def backward(self, grad):
        (x,) = self.saved()
        return (grad * (x * x).neg().exp() * 1.1283791670955126,)


class ErfcBackward0(Op):
    @staticmethod
    def forward(xp, x):
        return _special(x, "erfc")(x)

    def backward(self, grad):
        (x,) = self.saved()
        return (grad * (x * x).neg().exp() * -1.1283791670955126,)


class ErfinvBackward0(Op):
    @staticmethod
    def forward(xp, x):
        return _special(x, "erfinv")(x)

    def backward(self, grad):
        (result,) = self.saved()
        return (grad * (result * result).exp() * 0.886226925452758,)


class Deg2RadBackward0(Op):
    @staticmethod
    def forward(xp, x):
        return xp.multiply(x, _PI / 180, dtype=x.dtype)

    def backward(self, grad):
        return (grad * (_PI / 180),)


class Rad2DegBackward0(Op):
    @staticmethod
    def forward(xp, x):
        return xp.multiply(x, 180 / _PI, dtype=x.dtype)

    def backward(self, grad):
        return (grad * (180 / _PI),)


class SincBackward0(Op):
    @staticmethod
    def forward(xp, x):
        return xp.sinc(x)

    def backward(self, grad):
        (x,) = self.saved()
        x_pi = x * _PI
        x_squared_pi = x * x * _PI
        out = grad * ((x_pi * x_pi.cos() - x_pi.sin()) / x_squared_pi).conj()
        return (where(x_squared_pi == 0, 0.0, out),)


exp2 = public(_float_op(Exp2Backward0, "exp2", "out"), inplace="both")
expm1 = public(_float_op(Expm1Backward0, "expm1", "out"), inplace="both")
log2 = public(_float_op(Log2Backward0, "log2", "x"), inplace="both")
log10 = public(_float_op(Log10Backward0, "log10", "x"), inplace="both")
log1p = public(_float_op(Log1PBackward0, "log1p", "x"), inplace="both")
rsqrt = public(_float_op(RsqrtBackward0, "rsqrt", "out"), inplace="both")
reciprocal = public(_float_op(ReciprocalBackward0, "reciprocal", "out"), inplace="both")
tan = public(_float_op(TanBackward0, "tan", "out"), inplace="both")
asin = public(_float_op(AsinBackward0, "asin", "x"), inplace="both")
arcsin = public(asin, name="arcsin", inplace="both")
acos = public(_float_op(AcosBackward0, "acos", "x"), inplace="both")
arccos = public(acos, name="arccos", inplace="both")
atan = public(_float_op(AtanBackward0, "atan", "x"), inplace="both")
arctan = public(atan, name="arctan", inplace="both")
sinh = public(_float_op(SinhBackward0, "sinh", "x"), inplace="both")
cosh = public(_float_op(CoshBackward0, "cosh", "x"), inplace="both")
asinh = public(_float_op(AsinhBackward0, "asinh", "x"), inplace="both")
arcsinh = public(asinh, name="arcsinh", inplace="both")
acosh = public(_float_op(AcoshBackward0, "acosh", "x"), inplace="both")
arccosh = public(acosh, name="arccosh", inplace="both")
atanh = public(_float_op(AtanhBackward0, "atanh", "x"), inplace="both")
arctanh = public(atanh, name="arctanh", inplace="both")
erf = public(_float_op(ErfBackward0, "erf", "x", complex_kernel="erf_vml_cpu"), inplace="both")
erfc = public(_float_op(ErfcBackward0, "erfc", "x", complex_kernel="erfc_vml_cpu"), inplace="both")
erfinv = public(_float_op(ErfinvBackward0, "erfinv", "out", complex_kernel="erfinv_vml_cpu"),
                inplace="method")
sinc = public(_float_op(SincBackward0, "sinc", "x"), inplace="both")


@public(inplace="both")
def deg2rad(input, *, out=None):
    if input._data.dtype.kind == "c":
        raise RuntimeError("deg2rad is not supported for complex tensors.")
    return _into(out, unary(Deg2RadBackward0, input, float_only=True))


@public(inplace="both")
def rad2deg(input, *, out=None):
    if input._data.dtype.kind == "c":
        raise RuntimeError("rad2deg is not supported for complex tensors.")
    return _into(out, unary(Rad2DegBackward0, input, float_only=True))


# --- elementwise (more): rounding -----------------------------------------------------------

class FloorBackward0(Op):
    ufunc = "floor"

    def backward(self, grad):
        return (zeros_of(grad),)


class CeilBackward0(FloorBackward0):
    ufunc = "ceil"


class TruncBackward0(FloorBackward0):
    ufunc = "trunc"


class RoundBackward0(FloorBackward0):
    # numpy's rint rounds half to even, like torch's nearbyint
    ufunc = "rint"


class RoundBackward1(FloorBackward0):
    pass


class FracBackward0(Op):
    @staticmethod
    def forward(xp, x):
        return xp.subtract(x, xp.trunc(x))

    def backward(self, grad):
        return (grad,)


def _rounding(node_cls, name, complex_message):
    def op(input, *, out=None):
        a = input._data
        if a.dtype.kind == "b":
            raise _not_implemented(f"{name}_vml_cpu", a.dtype)
        if a.dtype.kind == "c":
            raise NotImplementedError(complex_message)
        if a.dtype.kind in "iu":
            return _into(out, _wrap(a.copy()))
        return _into(out, unary(node_cls, input))
    op.__name__ = name
    return op


floor = public(_rounding(FloorBackward0, "floor", "floor is not supported for complex inputs"),
               inplace="both")
ceil = public(_rounding(CeilBackward0, "ceil", "ceil is not supported for complex inputs"),
              inplace="both")
trunc = public(_rounding(TruncBackward0, "trunc", "trunc is not supported for complex inputs"),
               inplace="both")
fix = public(trunc, name="fix", inplace="both")
_round_half_even = _rounding(RoundBackward0, "round",
                             "\"round_vml_cpu\" not implemented for 'ComplexFloat'")


@public(inplace="both")
def round(input, *, decimals=0, out=None):
    a = input._data
    if decimals == 0:
        if a.dtype.kind == "c":
            raise _not_implemented("round_vml_cpu", a.dtype)
        return _round_half_even(input, out=out)
    if a.dtype.kind not in "f":
        raise _not_implemented("round_cpu", a.dtype)
    # torch's kernel: nearbyint(x * 10**d) / 10**d, or nearbyint(x / 10**-d) * 10**-d
    scale = a.dtype.type(10.0 ** builtins.abs(decimals))
    xp = input._xp
    if decimals > 0:
        r = xp.rint(a * scale) / scale
    else:
        r = xp.rint(a / scale) * scale
    result = _result(r, a.dtype)
    if GradMode.enabled and input._requires_grad:
        record(RoundBackward1, (input,), result)
    return _into(out, result)


@public(inplace="both")
def frac(input, *, out=None):
    if input._data.dtype.kind != "f":
        raise _not_implemented("frac_cpu", input._data.dtype)
    return _into(out, unary(FracBackward0, input))


# --- elementwise (more): clamp ----------------------------------------------------------------

def _clamp_forward(xp, a, lo, hi, dtype):
    """a clamped to [lo, hi] (either None; numbers or arrays) in `dtype`."""
    from ._core import to_array
    r = a if a.dtype == dtype else a.astype(dtype)
    try:
        if lo is not None:
            r = xp.maximum(r, to_array(lo, dtype, xp))
        if hi is not None:
            r = xp.minimum(r, to_array(hi, dtype, xp))
    except ValueError:
        from ._core import broadcast_error
        bad = next(getattr(b, "shape", ()) for b in (lo, hi)
                   if b is not None and _broadcast_fails(a.shape, getattr(b, "shape", ())))
        raise broadcast_error(a.shape, bad) from None
    return _in_dtype(xp, r, dtype)


class ClampBackward1(Op):
    """clamp with number bounds."""

    saves = ("self",)

    @staticmethod
    def forward(xp, a, min, max, dtype):
        return _clamp_forward(xp, a, min, max, dtype)

    def backward(self, grad):
        (x,) = self.saved()
        lo, hi = self.min, self.max
        if lo is not None and hi is not None:
            return (where(logical_and(x >= lo, x <= hi), grad, 0.0),)
        return (where(x >= lo if lo is not None else x <= hi, grad, 0.0),)


class ClampBackward0(Op):
    """clamp with tensor bounds (either may be None, or a number)."""

    args = ("self", "min", "max")
    saves = ("self", "min", "max")

    @staticmethod
    def forward(xp, a, lo, hi, dtype):
        return _clamp_forward(xp, a, lo, hi, dtype)

    def backward(self, grad):
        x, lo, hi = self.saved()
        zero = grad * 0
        if lo is not None and hi is not None:
            gx = where(logical_and(x >= lo, x <= hi), grad, zero)
            glo = where(logical_and(x < lo, lo < hi), grad, zero)
            ghi = where(logical_or(x > hi, hi < lo), grad, zero)
        elif lo is not None:
            gx, glo, ghi = where(x >= lo, grad, zero), where(x < lo, grad, zero), None
        else:
            gx, glo, ghi = where(x <= hi, grad, zero), None, where(x > hi, grad, zero)
        return gx, glo, ghi


class ClampMinBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a, min, dtype):
        return _clamp_forward(xp, a, min, None, dtype)

    def backward(self, grad):
        (x,) = self.saved()
        return (where(x >= self.min, grad, 0.0),)


class ClampMaxBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a, max, dtype):
        return _clamp_forward(xp, a, None, max, dtype)

    def backward(self, grad):
        (x,) = self.saved()
        return (where(x <= self.max, grad, 0.0),)


class ClampMinBackward1(Op):
    args = ("self", "min")
    saves = ("self", "min")

    @staticmethod
    def forward(xp, a, lo, dtype):
        return _clamp_forward(xp, a, lo, None, dtype)

    def backward(self, grad):
        x, lo = self.saved()
        zero = grad * 0
        return where(x >= lo, grad, zero), where(x < lo, grad, zero)


class ClampMaxBackward1(Op):
    args = ("self", "max")
    saves = ("self", "max")

    @staticmethod
    def forward(xp, a, hi, dtype):
        return _clamp_forward(xp, a, None, hi, dtype)

    def backward(self, grad):
        x, hi = self.saved()
        zero = grad * 0
        return where(x <= hi, grad, zero), where(x > hi, grad, zero)


_REAL_NUMBER = (int, float, type(None))


def _clamp_dtype(input, lo, hi):
    """The dtype clamp computes in: input's and the bounds' promoted, with torch's errors;
    the bounds as operands (numpy numbers as python numbers)."""
    from ._core import as_tensor_operand
    lo = None if lo is None else as_tensor_operand(lo)
    hi = None if hi is None else as_tensor_operand(hi)
    a = input._data
    if a.dtype.kind == "f" and type(lo) in _REAL_NUMBER and type(hi) in _REAL_NUMBER:
        return a.dtype, lo, hi  # the common case, number bounds on a float tensor
    if a.dtype.kind == "c":
        raise NotImplementedError("clamp is not supported for complex types")
    dt = D.result_type(input, *(b for b in (lo, hi) if b is not None))._np
    if dt.kind == "c":
        raise _not_implemented("clamp_cpu", dt)
    backend_of(input, lo, hi)
    return dt, lo, hi


def _broadcast_fails(a, b):
    from .misc import broadcast_shapes
    try:
        broadcast_shapes(a, b)
    except RuntimeError:
        return True
    return False


@public(inplace="both")
def clamp(input, min=None, max=None, *, out=None):
    _need_tensor("clamp", input)
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    dt, lo, hi = _clamp_dtype(input, min, max)
    if isinstance(lo, Tensor) or isinstance(hi, Tensor):
        result = apply(ClampBackward0, input, lo, hi, dtype=dt)
    else:
        result = apply(ClampBackward1, input, min=lo, max=hi, dtype=dt)
    return _into(out, result, (input, min, max))


clip = public(clamp, name="clip", inplace="both")


@public(inplace="both")
def clamp_min(input, min, *, out=None):
    dt, lo, _ = _clamp_dtype(input, min, None)
    if isinstance(lo, Tensor):
        return _into(out, apply(ClampMinBackward1, input, lo, dtype=dt))
    return _into(out, apply(ClampMinBackward0, input, min=lo, dtype=dt))


@public(inplace="both")
def clamp_max(input, max, *, out=None):
    dt, _, hi = _clamp_dtype(input, None, max)
    if isinstance(hi, Tensor):
        return _into(out, apply(ClampMaxBackward1, input, hi, dtype=dt))
    return _into(out, apply(ClampMaxBackward0, input, max=hi, dtype=dt))


# --- elementwise (more): binary ops -----------------------------------------------------------

def _binary_op(node_cls, name, a, b, dt, save=None, scalar_node=None, out=None):
    """`binary` of node_cls in dtype dt; when b is a number and `scalar_node` is given,
    that record runs instead, with b as its parameter `other` (torch's Scalar overload)."""
    from ._core import as_tensor_operand
    a, b = as_tensor_operand(a), as_tensor_operand(b)
    if scalar_node is not None and not isinstance(b, Tensor):
        result = apply(scalar_node, a, other=b, dtype=dt)
    else:
        result = binary(node_cls, a, b, dtype=dt, save=save)
    return _into(out, result, (a, b))


def _with_number(binary_cls):
    """The forward of binary_cls's op with a number `other` as its second operand, both
    cast to `dtype`: the records of torch's Scalar overloads."""
    def forward(xp, x, other, dtype):
        x, y = _operand(xp, x, dtype), _operand(xp, other, dtype)
        return _binary_out(xp, binary_cls.forward(xp, x, y), x, y, dtype)
    return staticmethod(forward)


def _real_dtype(name, a, b, kernel=None, floating=False, integral=True):
    """The promoted dtype of a binary op defined on real numbers, with torch's errors."""
    from ._core import as_tensor_operand, binary_dtype
    dt = binary_dtype(as_tensor_operand(a), as_tensor_operand(b))
    kernel = kernel or f"{name}_cpu"
    if dt.kind == "c" or (not integral and dt.kind in "biu"):
        raise _not_implemented(kernel, dt)
    if floating and dt.kind != "f":
        dt = D.get_default_dtype()._np
    return dt


class Atan2Backward0(_Binary):
    ufunc = "arctan2"
    save = ("a", "b")

    def backward(self, grad):
        y, x = self.saved()
        # torch zeroes the reciprocal where it is infinite: the gradient at the origin is 0
        recip = (x * x + y * y).reciprocal()
        recip = recip.masked_fill(recip.isinf(), 0)
        gy = grad * x * recip if self._next[0] is not None else None
        gx = grad * -y * recip if self._next[1] is not None else None
        return gy, gx


@public(inplace="method")
def atan2(input, other, *, out=None):
    _need_tensor("atan2", input)
    _need_tensor("atan2", other, "other", 2)
    dt = _real_dtype("atan2", input, other, floating=True)
    return _binary_op(Atan2Backward0, "atan2", input, other, dt, ("a", "b"), out=out)


arctan2 = public(atan2, name="arctan2", inplace="method")


def _check_zero_divisor(other, dt):
    if dt.kind in "iu":
        y = other._data if isinstance(other, Tensor) else other
        if bool((y == 0).any() if isinstance(other, Tensor) else y == 0):
            raise RuntimeError("ZeroDivisionError")


class FmodBackward1(_Binary):
    ufunc = "fmod"

    def backward(self, grad):
        x, y = self.saved()
        gy = -grad * (x / y).trunc() if self._next[1] is not None else None
        return grad, gy


class FmodBackward0(Op):
    """fmod(tensor, number)."""

    forward = _with_number(FmodBackward1)

    def backward(self, grad):
        return (grad,)


@public(inplace="method")
def fmod(input, other, *, out=None):
    if not isinstance(input, Tensor):
        raise TypeError(f"fmod() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(other).__name__})")
    dt = _real_dtype("fmod", input, other)
    if dt.kind == "b":
        raise _not_implemented("fmod_cpu", dt)
    _check_zero_divisor(other, dt)
    return _binary_op(FmodBackward1, "fmod", input, other, dt, ("a", "b"), FmodBackward0, out)


class RemainderBackward1(_Binary):
    ufunc = "remainder"

    def backward(self, grad):
        x, y = self.saved()
        gy = -grad * (x / y).floor() if self._next[1] is not None else None
        return grad, gy


class RemainderBackward0(Op):
    """remainder(tensor, number)."""

    forward = _with_number(RemainderBackward1)

    def backward(self, grad):
        return (grad,)


class RemainderNotImplemented(NotImplementedOp):
    """remainder(number, tensor): no derivative in torch."""

    args = ("other",)
    aten = "remainder"

    @staticmethod
    def forward(xp, y, self_, dtype):
        x, y = _operand(xp, self_, dtype), _operand(xp, y, dtype)
        return _binary_out(xp, xp.remainder(x, y), y, x, dtype)


@public(inplace="method")
def remainder(input, other, *, out=None):
    dt = _real_dtype("remainder", input, other)
    if dt.kind == "b":
        raise _not_implemented("remainder_cpu", dt)
    _check_zero_divisor(other, dt)
    if not isinstance(input, Tensor):
        return _into(out, apply(RemainderNotImplemented, other, self_=input, dtype=dt))
    return _binary_op(RemainderBackward1, "remainder", input, other, dt, ("a", "b"),
                      RemainderBackward0, out)


def rmod(self, other):
    """`number % tensor`."""
    return remainder(other, self)


class MaximumBackward0(_Binary):
    ufunc = "maximum"

    def backward(self, grad):
        a, b = self.saved()
        return _split_ties(grad, a, b, a < b), _split_ties(grad, a, b, a > b)


class MinimumBackward0(_Binary):
    ufunc = "minimum"

    def backward(self, grad):
        a, b = self.saved()
        return _split_ties(grad, a, b, a > b), _split_ties(grad, a, b, a < b)


def _split_ties(grad, a, b, loses):
    """The gradient of max/min for one side: half of it on ties, none where it lost."""
    return where(loses, 0.0, where(a == b, grad / 2, grad))


class FmaxBackward0(_Binary):
    ufunc = "fmax"

    def backward(self, grad):
        a, b = self.saved()
        a_wins = logical_or(a >= b, b.isnan())
        return where(a_wins, grad, 0.0), where(a_wins, 0.0, grad)


class FminBackward0(_Binary):
    ufunc = "fmin"

    def backward(self, grad):
        a, b = self.saved()
        a_wins = logical_or(a <= b, b.isnan())
        return where(a_wins, grad, 0.0), where(a_wins, 0.0, grad)


def _extremum(node_cls, name):
    def op(input, other, *, out=None):
        _need_tensor(name, input)
        _need_tensor(name, other, "other", 2)
        from ._core import binary_dtype
        dt = binary_dtype(input, other)
        if dt.kind == "c":
            raise RuntimeError(f"{name} not implemented for complex tensors.")
        return _binary_op(node_cls, name, input, other, dt, ("a", "b"), out=out)
    op.__name__ = name
    return op


maximum = public(_extremum(MaximumBackward0, "maximum"))
minimum = public(_extremum(MinimumBackward0, "minimum"))
fmax = public(_extremum(FmaxBackward0, "fmax"))
fmin = public(_extremum(FminBackward0, "fmin"))


class HypotBackward0(_Binary):
    ufunc = "hypot"

    def backward(self, grad):
        a, b, result = self.saved()
        return grad * a / result, grad * b / result


@public(inplace="method")
def hypot(input, other, *, out=None):
    _need_tensor("hypot", input)
    _need_tensor("hypot", other, "other", 2)
    dt = _real_dtype("hypot", input, other, integral=False)
    return _binary_op(HypotBackward0, "hypot", input, other, dt, ("a", "b", "out"), out=out)


class LogaddexpBackward0(_Binary):
    @staticmethod
    def forward(xp, x, y):
        if xp.result_type(x, y).kind == "c":
            # factor out the term with the larger real part so that exp cannot overflow
            x_larger = xp.real(x) >= xp.real(y)
            big, small = xp.where(x_larger, x, y), xp.where(x_larger, y, x)
            return big + xp.log1p(xp.exp(small - big))
        return xp.logaddexp(x, y)

    def backward(self, grad):
        a, b = self.saved()
        return grad / ((b - a).exp() + 1), grad / ((a - b).exp() + 1)


class Logaddexp2Backward0(_Binary):
    ufunc = "logaddexp2"

    def backward(self, grad):
        a, b = self.saved()
        return grad / ((b - a).exp2() + 1), grad / ((a - b).exp2() + 1)


@public
def logaddexp(input, other, *, out=None):
    _need_tensor("logaddexp", input)
    _need_tensor("logaddexp", other, "other", 2)
    from ._core import binary_dtype
    dt = binary_dtype(input, other)
    if dt.kind in "biu":
        raise _not_implemented("logaddexp_cpu", dt)
    return _binary_op(LogaddexpBackward0, "logaddexp", input, other, dt, ("a", "b"), out=out)


@public
def logaddexp2(input, other, *, out=None):
    _need_tensor("logaddexp2", input)
    _need_tensor("logaddexp2", other, "other", 2)
    dt = _real_dtype("logaddexp2", input, other, integral=False)
    return _binary_op(Logaddexp2Backward0, "logaddexp2", input, other, dt, ("a", "b"),
                      out=out)


def _xlogy_array(xp, x, y):
    r = xp.multiply(x, xp.log(y))
    # 0 * log(y) is 0 unless y is nan
    return xp.where((xp.asarray(x) == 0) & ~xp.isnan(y), 0, r).astype(r.dtype, copy=False)


class XlogyBackward0(_Binary):
    forward = staticmethod(_xlogy_array)

    def backward(self, grad):
        x, y = self.saved()
        gx = gy = None
        if self._next[0] is not None:
            gx = where(logical_and(x == 0, y <= 0), 0.0, xlogy(grad, y))
        if self._next[1] is not None:
            gy = grad * x / y
        return gx, gy


class XlogyBackward1(Op):
    """xlogy(number, tensor)."""

    args = ("other",)
    saves = ("other",)

    @staticmethod
    def forward(xp, y, self_, dtype):
        x, y = _operand(xp, self_, dtype), _operand(xp, y, dtype)
        return _binary_out(xp, _xlogy_array(xp, x, y), y, x, dtype)

    def backward(self, grad):
        (y,) = self.saved()
        return (grad * self.self_ / y,)


class XlogyBackward2(Op):
    """xlogy(tensor, number)."""

    saves = ("self",)

    @staticmethod
    def forward(xp, x, other, dtype):
        x, y = _operand(xp, x, dtype), _operand(xp, other, dtype)
        return _binary_out(xp, _xlogy_array(xp, x, y), x, y, dtype)

    def backward(self, grad):
        (x,) = self.saved()
        g = xlogy(grad, self.other)
        return (where(x == 0, 0.0, g) if self.other <= 0 else g,)


@public(inplace="both")
def xlogy(input, other, *, out=None):
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError("xlogy(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    dt = _real_dtype("xlogy", input, other, floating=True)
    if isinstance(input, Tensor):
        return _binary_op(XlogyBackward0, "xlogy", input, other, dt, ("a", "b"),
                          XlogyBackward2, out)
    return _into(out, apply(XlogyBackward1, other, self_=input, dtype=dt))


class CopysignBackward0(_Binary):
    ufunc = "copysign"

    def backward(self, grad):
        x, other, result = self.saved()
        # a constant zero, as torch's: `grad * 0` would carry nan from grad into it
        zero = zeros_of(other)
        return _copysign_self_grad(grad, x, result), zero


class CopysignBackward1(Op):
    """copysign(tensor, number)."""

    saves = ("self", "result")

    @staticmethod
    def forward(xp, x, other, dtype):
        x, y = _operand(xp, x, dtype), _operand(xp, other, dtype)
        return _binary_out(xp, xp.copysign(x, y), x, y, dtype)

    def backward(self, grad):
        x, result = self.saved()
        return (_copysign_self_grad(grad, x, result),)


def _copysign_self_grad(grad, x, result):
    ratio = where(x == 0, 0.0, result / x)
    return grad * ratio


@public(inplace="method")
def copysign(input, other, *, out=None):
    if not isinstance(input, Tensor):
        raise TypeError(f"copysign() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(other).__name__})")
    dt = _real_dtype("copysign", input, other, floating=True)
    return _binary_op(CopysignBackward0, "copysign", input, other, dt, ("a", "b", "out"),
                      CopysignBackward1, out)


class HeavisideNotImplemented(NotImplementedOp):
    """heaviside(input, values): no derivative in torch."""

    args = ("self", "values")
    aten = "heaviside"

    @staticmethod
    def forward(xp, x, v):
        return _binary_out(xp, xp.where(x == 0, v, x > 0), x, v, x.dtype)


@public(inplace="method")
def heaviside(input, values, *, out=None):
    _need_tensor("heaviside", input)
    _need_tensor("heaviside", values, "values", 2)
    a, v = input._data, values._data
    if a.dtype.kind == "c" or v.dtype.kind == "c":
        raise RuntimeError("heaviside is not yet implemented for complex tensors.")
    if a.dtype != v.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different "
                           "dtypes.")
    _check_broadcast(input, values)
    return _into(out, apply(HeavisideNotImplemented, input, values))


# --- elementwise (more): interpolation and fused arithmetic ---------------------------------

class LerpBackward0(Op):
    """lerp with a number weight."""

    args = ("self", "end")

    @staticmethod
    def forward(xp, x, y, weight):
        return _lerp_array(xp, x, y, weight)

    def backward(self, grad):
        w = self.weight
        return grad * (1 - w), grad * w


class LerpBackward1(Op):
    """lerp with a tensor weight."""

    args = ("self", "end", "weight")
    saves = ("self", "end", "weight")

    @staticmethod
    def forward(xp, x, y, w):
        return _lerp_array(xp, x, y, w)

    def backward(self, grad):
        start, end, weight = self.saved()
        gs = grad * (1 - weight).conj() if self._next[0] is not None else None
        ge = grad * weight.conj() if self._next[1] is not None else None
        gw = grad * (end - start).conj() if self._next[2] is not None else None
        return gs, ge, gw


def _c_name(np_dtype):
    """The C++ name torch's dtype-check messages use ("float", "double")."""
    return {"float32": "float", "float64": "double", "float16": "c10::Half",
            "complex64": "c10::complex<float>", "complex128": "c10::complex<double>",
            "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
            "uint8": "unsigned char"}.get(np_dtype.name, np_dtype.name)


def _lerp_array(xp, x, y, w):
    # torch's two-sided formula: exact at both ends of the interval
    diff = y - x
    small = xp.abs(w) < 0.5
    return xp.where(small, x + w * diff, y - diff * (1 - w))


@public(inplace="method")
def lerp(input, end, weight, *, out=None):
    _need_tensor("lerp", input)
    _need_tensor("lerp", end, "end", 2)
    a = input._data
    for arg, t in (("end", end), ("weight", weight)):
        if isinstance(t, Tensor) and t._data.dtype != a.dtype:
            raise RuntimeError(f"expected dtype {_c_name(a.dtype)} for `{arg}` but got dtype "
                               f"{_c_name(t._data.dtype)}")
    weighted = isinstance(weight, Tensor)
    if a.dtype.kind not in "fc":
        kernel = "lerp_kernel_tensor" if weighted else "lerp_kernel_scalar"
        raise _not_implemented(kernel, a.dtype)
    _check_broadcast(input, end)
    if weighted:
        _check_broadcast(input, weight)
        _check_broadcast(end, weight)
        result = apply(LerpBackward1, input, end, weight)
    else:
        result = apply(LerpBackward0, input, end, weight=weight)
    return _into(out, result, (input, end, weight))


def _fused_forward(combine):
    """input + value * combine(tensor1, tensor2) in `dtype`, `combine` the name of a
    function of the array module."""
    def forward(xp, x, y, z, value, dtype):
        x, y, z = (a.astype(dtype, copy=False) for a in (x, y, z))
        try:
            r = x + getattr(xp, combine)(y, z) * value if value != 1 else \
                x + getattr(xp, combine)(y, z)
        except ValueError:
            from ._core import broadcast_error
            shapes = [x.shape, y.shape, z.shape]
            raise broadcast_error(*shapes[:2] if _broadcast_fails(*shapes[:2])
                                  else shapes[1:]) from None
        return _in_dtype(xp, r, dtype)
    return staticmethod(forward)


class AddcmulBackward0(Op):
    args = ("self", "tensor1", "tensor2")
    saves = ("tensor1", "tensor2")
    forward = _fused_forward("multiply")

    def backward(self, grad):
        t1, t2 = self.saved()
        v = self.value
        g1 = grad * (t2 * v).conj() if self._next[1] is not None else None
        g2 = grad * (t1 * v).conj() if self._next[2] is not None else None
        return grad, g1, g2


class AddcdivBackward0(Op):
    args = ("self", "tensor1", "tensor2")
    saves = ("tensor1", "tensor2")
    forward = _fused_forward("true_divide")

    def backward(self, grad):
        t1, t2 = self.saved()
        v = self.value
        g1 = grad * (v / t2).conj() if self._next[1] is not None else None
        g2 = -grad * (t1 * v / (t2 * t2)).conj() if self._next[2] is not None else None
        return grad, g1, g2


_ADDCDIV_INT = (
    "Integer division with addcdiv is no longer supported, and in a future  release addcdiv "
    "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be "
    "implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
    "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
    "addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), "
    "for all dtypes.")


def _fused(node_cls, name, input, tensor1, tensor2, value, out):
    for position, (arg, t) in enumerate((("input", input), ("tensor1", tensor1),
                                         ("tensor2", tensor2))):
        _need_tensor(name, t, arg, position + 1)
    dt = D.result_type(input, tensor1, tensor2)._np
    if dt.kind == "b":
        raise _not_implemented(f"{name}_cpu_out", dt)
    backend_of(input, tensor1, tensor2)
    result = apply(node_cls, input, tensor1, tensor2, value=value, dtype=dt)
    return _into(out, result, (input, tensor1, tensor2))


@public(inplace="method")
def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    return _fused(AddcmulBackward0, "addcmul", input, tensor1, tensor2, value, out)


@public(inplace="method")
def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    _need_tensor("addcdiv", input)
    if isinstance(tensor1, Tensor) and isinstance(tensor2, Tensor) and \
            tensor1._data.dtype.kind in "biu" and tensor2._data.dtype.kind in "biu":
        raise RuntimeError(_ADDCDIV_INT)
    return _fused(AddcdivBackward0, "addcdiv", input, tensor1, tensor2, value, out)


# --- elementwise (more): logit, nan_to_num, activations --------------------------------------

class LogitBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a, eps):
        if a.dtype.kind != "f":
            a = a.astype(D.get_default_dtype()._np)
        z = a if eps is None else xp.clip(a, eps, 1 - eps)
        return _in_dtype(xp, xp.log(z / (1 - z)), a.dtype)

    def backward(self, grad):
        (x,) = self.saved()
        eps = self.eps
        inner = grad / (x * (1 - x))
        if eps is None:
            return (where(logical_or(x < 0, x > 1), float("nan"), inner),)
        return (where(logical_or(x < eps, x > 1 - eps), 0.0, inner),)


@public(inplace="both")
def logit(input, eps=None, *, out=None):
    if input._data.dtype.kind == "c":
        raise _not_implemented("logit_cpu", input._data.dtype)
    return _into(out, apply(LogitBackward0, input, eps=eps))


class NanToNumBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a, nan, posinf, neginf):
        return _in_dtype(xp, _nan_to_num_array(xp, a, nan, posinf, neginf), a.dtype)

    def backward(self, grad):
        (x,) = self.saved()
        return (grad * x.isfinite(),)


def _nan_to_num_array(xp, a, nan, posinf, neginf):
    info = xp.finfo(a.dtype)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    # nan_to_num copies in numpy's order K; torch's copy keeps a preserve_format layout
    r = _layout.preserve_copy(a)
    return xp.nan_to_num(r, copy=False, nan=nan, posinf=posinf, neginf=neginf)


@public(inplace="both")
def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    a = input._data
    if a.dtype.kind not in "fc":
        return _into(out, _wrap(a.copy()))
    return _into(out, apply(NanToNumBackward0, input, nan=nan, posinf=posinf, neginf=neginf))


# --- elementwise (more): complex parts and predicates -----------------------------------------

class SelectBackward0(Op):
    """real() / imag() of a complex tensor: torch views it as real pairs and selects."""

    fused = "real/imag: torch's view_as_real and select"
    view = True

    @staticmethod
    def forward(xp, a, part, unit):
        return getattr(a, part)

    def backward(self, grad):
        return (grad * self.unit,)


def _complex_part(input, part, unit):
    return apply(SelectBackward0, input, part=part, unit=unit)


@public
def real(input):
    if input._data.dtype.kind != "c":
        return input
    return _complex_part(input, "real", 1)


@public
def imag(input):
    if input._data.dtype.kind != "c":
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return _complex_part(input, "imag", 1j)


# --- complex numbers from parts: torch.complex and torch.polar -----------------------------

def _complex_from_parts(xp, a, b, parts):
    """The complex array of a's dtype, a and b broadcast together, with the real and
    imaginary parts that `parts(a, b)` gives."""
    from ._core import broadcast_error, broadcast_shapes
    try:
        shape = broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise broadcast_error(a.shape, b.shape) from None
    out = xp.empty(shape, D.FROM_NUMPY[a.dtype].to_complex()._np)
    out.real[...], out.imag[...] = parts(a, b)
    return out


def _parts_inputs(a, b):
    if a.dtype is not b.dtype:
        raise RuntimeError(f"Expected object of scalar type {a.dtype._legacy[:-6]} but got "
                           f"scalar type {b.dtype._legacy[:-6]} for second argument")
    if not a.dtype.is_floating_point:
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                           f"{a.dtype._legacy[:-6]} and {b.dtype._legacy[:-6]}")


class ComplexBackward0(Op):
    args = ("real", "imag")

    @staticmethod
    def forward(xp, real, imag):
        return _complex_from_parts(xp, real, imag, lambda a, b: (a, b))

    def backward(self, grad):
        return real(grad), imag(grad)


class PolarBackward0(Op):
    args = ("abs", "angle")
    saves = ("result",)

    @staticmethod
    def forward(xp, abs, angle):
        return _complex_from_parts(xp, abs, angle,
                                   lambda r, a: (r * xp.cos(a), r * xp.sin(a)))

    def backward(self, grad):
        # torch's polar_backward: the parts of conj(grad) along e^(i angle) and across it
        (result,) = self.saved()
        g = grad.conj()
        return real(g * result.sgn()), real(g * (result * 1j))


@public(name="complex")
def complex_(real, imag, *, out=None):
    _parts_inputs(real, imag)
    return _into(out, apply(ComplexBackward0, real, imag))


@public
def polar(abs, angle, *, out=None):
    _parts_inputs(abs, angle)
    return _into(out, apply(PolarBackward0, abs, angle))


class AngleBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a):
        if a.dtype.kind == "c":
            return xp.angle(a)
        if a.dtype.kind != "f":
            a = a.astype(D.get_default_dtype()._np)
        # pi for negative numbers, nan stays nan
        return xp.where(a < 0, _PI, xp.where(xp.isnan(a), a, 0)).astype(a.dtype, copy=False)

    def backward(self, grad):
        (x,) = self.saved()
        if x._data.dtype.kind != "c":
            return (zeros_of(grad),)
        direction = x / (x.abs() ** 2) * 1j
        return (where(x == 0, 0.0, grad * direction),)


@public
def angle(input, *, out=None):
    return _into(out, apply(AngleBackward0, input))


@public
def isreal(input):
    a = input._data
    if a.dtype.kind != "c":
        return _wrap(input._xp.ones(a.shape, dtype=bool))
    return _result(a.imag == 0)


@public
def signbit(input, *, out=None):
    a = input._data
    if a.dtype.kind == "c":
        raise NotImplementedError("signbit is not implemented for complex tensors.")
    if a.dtype.kind == "b":
        return _into(out, _wrap(input._xp.zeros(a.shape, dtype=bool)))
    return _into(out, _result(input._xp.signbit(a)))


def _infinity_test(name, sign):
    def op(input, *, out=None):
        a = input._data
        if a.dtype.kind == "c":
            raise RuntimeError(f"{name} does not support complex inputs.")
        if a.dtype.kind != "f":
            return _into(out, _wrap(input._xp.zeros(a.shape, dtype=bool)))
        return _into(out, _result(a == sign * _math.inf))
    op.__name__ = name
    return op


isposinf = public(_infinity_test("isposinf", 1))
isneginf = public(_infinity_test("isneginf", -1))


@public
def positive(input):
    if input._data.dtype.kind == "b":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input




def float_power_(self, exponent):
    """In place, the base must already hold the double result (torch does not downcast)."""
    from .inplace import apply_inplace
    is_complex = self._data.dtype.kind == "c" or isinstance(exponent, complex) or (
        isinstance(exponent, Tensor) and exponent._data.dtype.kind == "c")
    want = D.complex128 if is_complex else D.float64
    if self._data.dtype != want._np:
        raise RuntimeError(f"the base given to float_power_ has dtype {self.dtype._legacy[:-6]} "
                           f"but the operation's result requires dtype {want._legacy[:-6]}")
    return apply_inplace(float_power, self, exponent)
