"""Ops torch's distribution formulas call that taimatsu's core does not have yet:
lgamma (Poisson.log_prob), digamma (its derivative), linalg.solve_triangular
(MultivariateNormal) and cholesky_inverse.  Each is a forward on arrays plus a
backward in taimatsu ops, as in taimatsu/_ops; they belong there once the core
takes them (torch.lgamma, torch.linalg.solve_triangular, torch.cholesky_inverse)."""
import math

from .._backend import numpy as np
from .._ops._core import record, unary
from .._ops.linalg import matmul
from .._tensor import _wrap
from ..autograd.grad_mode import GradMode
from ..autograd.graph import Node


def _scipy_special(name):
    try:
        from scipy import special
    except ImportError:
        return None
    return getattr(special, name)


def _lgamma_array(x):
    fn = _scipy_special("gammaln")
    if fn is not None:
        return fn(x).astype(x.dtype, copy=False)
    out = np.empty(x.shape, np.float64)
    flat = x.reshape(-1).astype(np.float64)
    for i, v in enumerate(flat):
        # math.lgamma raises at the poles, where torch gives inf
        pole = v <= 0 and v == math.floor(v)
        out.reshape(-1)[i] = math.inf if pole else math.lgamma(v)
    return out.astype(x.dtype)


def _digamma_array(x):
    fn = _scipy_special("psi")
    if fn is not None:
        return fn(x).astype(x.dtype, copy=False)
    v = x.astype(np.float64)
    reflect = v < 0.5
    # psi(x) = psi(1 - x) - pi / tan(pi x) moves the argument into the series' range
    z = np.where(reflect, 1.0 - v, v)
    acc = np.zeros_like(z)
    # psi(x) = psi(x + 1) - 1/x until the asymptotic series is accurate to double precision
    for _ in range(10):
        small = z < 10.0
        acc = acc - np.where(small, 1.0 / z, 0.0)
        z = np.where(small, z + 1.0, z)
    z2 = 1.0 / (z * z)
    series = (np.log(z) - 0.5 / z
              - z2 * (1 / 12 - z2 * (1 / 120 - z2 * (1 / 252 - z2 * (1 / 240 - z2 / 132)))))
    result = series + acc
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(reflect, result - np.pi / np.tan(np.pi * v), result)
    result = np.where((v <= 0) & (v == np.floor(v)), -np.inf, result)
    return result.astype(x.dtype)


class DigammaBackward0(Node):
    @staticmethod
    def forward(x):
        return _digamma_array(x)

    def backward(self, grad):
        raise NotImplementedError("the derivative of digamma (polygamma(1, x)) is not "
                                  "implemented in taimatsu")


class LgammaBackward0(Node):
    @staticmethod
    def forward(x):
        return _lgamma_array(x)

    def backward(self, grad):
        (x,) = self.saved()
        return (grad * digamma(x),)


def lgamma(input):
    return unary(LgammaBackward0, input, save="x", float_only=True)


def digamma(input):
    return unary(DigammaBackward0, input, save="x", float_only=True)


class LinalgSolveTriangularBackward0(Node):
    def backward(self, grad):
        a, x = self.saved()
        upper = self.upper
        grad_b = solve_triangular(a.mT, grad, upper=not upper)
        grad_a = None
        if self._next[0] is not None:
            full = -matmul(grad_b, x.mT)
            grad_a = full.triu() if upper else full.tril()
        return grad_a, grad_b if self._next[1] is not None else None


def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """torch.linalg.solve_triangular for left=True, unitriangular=False: only the
    triangle named by `upper` of A is read."""
    if not left or unitriangular:
        raise NotImplementedError("solve_triangular: only left=True, unitriangular=False")
    a = A._data
    a = np.triu(a) if upper else np.tril(a)
    r = np.linalg.solve(a, B._data)
    result = _wrap(np.ascontiguousarray(r))
    if GradMode.enabled and (A._requires_grad or B._requires_grad):
        record(LinalgSolveTriangularBackward0, (A, B), result, (A, result), upper=upper)
    return result


class CholeskyInverseBackward0(Node):
    def backward(self, grad):
        L, result = self.saved()
        # torch's formula treats L as a full matrix: its upper triangle gets gradient too
        common_term = matmul(result, matmul(grad + grad.mT, result))
        if self.upper:
            return (-matmul(L, common_term),)
        return (-matmul(common_term, L),)


def cholesky_inverse(L, upper=False):
    """(L L^H)^-1 from a Cholesky factor, as torch.cholesky_inverse."""
    a = L._data
    n = a.shape[-1]
    factor = np.triu(a) if upper else np.tril(a)
    factor_inv = np.linalg.solve(factor, np.eye(n, dtype=a.dtype))
    f_inv_t = np.swapaxes(factor_inv, -1, -2)
    r = factor_inv @ f_inv_t if upper else f_inv_t @ factor_inv
    result = _wrap(np.ascontiguousarray(r))
    if GradMode.enabled and L._requires_grad:
        record(CholeskyInverseBackward0, (L,), result, (L, result), upper=upper)
    return result


__all__ = ["cholesky_inverse", "digamma", "lgamma", "solve_triangular"]
