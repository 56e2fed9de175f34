"""Ops torch's distribution formulas call that taimatsu's core does not have yet:
linalg.solve_triangular (MultivariateNormal) and cholesky_inverse (lgamma and digamma
are the core's, taimatsu/_ops/special.py).  Each is a forward on arrays plus a
backward in taimatsu ops, as in taimatsu/_ops; they belong there once the core
takes them (torch.linalg.solve_triangular, torch.cholesky_inverse)."""
from .._backend import numpy as np
from .._ops._core import record
from .._ops.linalg import matmul
from .._ops.special import digamma, lgamma
from .._tensor import _wrap
from ..autograd.grad_mode import GradMode
from ..autograd.graph import Node


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
