"""torch.linalg: determinants, inverses, solvers and factorizations, and the norms.

The forward of each is one call of the array module's linalg (batched over leading dims).  The
backward formulas are written with taimatsu's own ops (matmul, solve, inv, and
triangular masks as multiplications by constant tensors), so that they are
differentiable again.
"""
from .. import _dtype as D
from .._backend import cpu
from .._tensor import _wrap
from ..autograd.grad_mode import GradMode
from ..return_types import _structseq
from ._core import Op, apply, public
from ._core import xp_of as _xp_of
from .linalg import _conj, _into, _legacy, linalg_cross, matmul
from .reduction import amax, amin, vector_norm

_host = cpu.xp  # tolerances from dtypes

linalg_qr = _structseq("linalg_qr", ("Q", "R"))
linalg_eigh = _structseq("linalg_eigh", ("eigenvalues", "eigenvectors"))
linalg_svd = _structseq("linalg_svd", ("U", "S", "Vh"))
linalg_slogdet = _structseq("linalg_slogdet", ("sign", "logabsdet"))
linalg_lstsq = _structseq("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))
linalg_inv_ex = _structseq("linalg_inv_ex", ("inverse", "info"))
linalg_cholesky_ex = _structseq("linalg_cholesky_ex", ("L", "info"))
slogdet_result = _structseq("slogdet", ("sign", "logabsdet"))


class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a singular or non-positive-definite input."""


def _mH(t):
    return _conj(t).mT


def _check_square(a, fn):
    if a.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor A must have at least 2 dimensions.")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{fn}: A must be batches of square matrices, but they are "
                           f"{a.shape[-2]} by {a.shape[-1]} matrices")


def _check_float(a, fn):
    if a.dtype.kind not in "fc":
        raise RuntimeError(f"{fn}: Expected a floating point or complex tensor as input. Got "
                           f"{_legacy(a.dtype)}")


def _check_matrix_input(input, fn, square=True):
    a = input._data
    if a.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor A must have at least 2 dimensions.")
    _check_float(a, fn)
    if square:
        _check_square(a, fn)
    return a


def _eye(n, like):
    """The identity of size n, a constant in the dtype and on the device of `like`."""
    return _wrap(like._xp.eye(n, dtype=like._data.dtype))


def _tril_mask(n, like, k=0):
    return _wrap(like._xp.tri(n, n, k, dtype=like._data.dtype))


def _first_zero_pivot(a):
    """1-based index of the first zero pivot of LU with partial pivoting (LAPACK's info)."""
    xp = _xp_of(a)
    a = xp.array(a, dtype=D.complex128._np if a.dtype.kind == "c" else D.float64._np)
    n = a.shape[-1]
    for k in range(n):
        p = k + int(xp.argmax(xp.abs(a[k:, k])))
        if a[p, k] == 0:
            return k + 1
        a[[k, p]] = a[[p, k]]
        a[k + 1:, k:] -= xp.outer(a[k + 1:, k] / a[k, k], a[k, k:])
    return n


def _singular_index(a):
    xp = _xp_of(a)
    flat = a.reshape((-1,) + a.shape[-2:])
    for m in flat:
        k = _first_zero_pivot(m)
        if k < m.shape[-1] or xp.abs(xp.linalg.det(m)) == 0:
            return k
    return a.shape[-1]


# --- det, slogdet ------------------------------------------------------------------------

class LinalgDetBackward0(Op):
    saves = ("self", "result")

    @staticmethod
    def forward(xp, a):
        return xp.asarray(xp.linalg.det(a))

    def backward(self, grad):
        (a, det) = self.saved()
        scale = _conj(grad * det).unsqueeze(-1).unsqueeze(-1)
        return (scale * _mH(inv(a)),)


@public
def det(A, *, out=None):
    _check_matrix_input(A, "linalg.det")
    return _into(out, apply(LinalgDetBackward0, A))


class LinalgSlogdetBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a):
        sign, logabs = xp.linalg.slogdet(a)
        return xp.asarray(sign), xp.asarray(logabs)

    def backward(self, grads):
        (a,) = self.saved()
        g = grads[1]
        if g is None:
            return (None,)
        return (g.unsqueeze(-1).unsqueeze(-1) * _mH(inv(a)),)


def slogdet(A, *, out=None, _result=linalg_slogdet):
    _check_matrix_input(A, "linalg.slogdet")
    return _result(apply(LinalgSlogdetBackward0, A))


@public(name="slogdet")
def torch_slogdet(input):
    return slogdet(input, _result=slogdet_result)


@public
def logdet(input):
    from .elementwise import log
    sign, logabs = slogdet(input)
    return logabs + log(sign)


# --- inv, solve --------------------------------------------------------------------------

class LinalgInvExBackward0(Op):
    saves = ("result",)

    @staticmethod
    def forward(xp, a):
        try:
            return xp.linalg.inv(a)
        except xp.linalg.LinAlgError:
            raise LinAlgError(f"linalg.inv: The diagonal element {_singular_index(a)} is zero, "
                              "the inversion could not be completed because the input matrix "
                              "is singular.") from None

    def backward(self, grad):
        (ainv,) = self.saved()
        ainv_h = _mH(ainv)
        return (-matmul(matmul(ainv_h, grad), ainv_h),)


def inv(A, *, out=None):
    _check_matrix_input(A, "linalg.inv")
    return _into(out, apply(LinalgInvExBackward0, A))


def inv_ex(A, *, check_errors=False, out=None):
    xp = _xp_of(A)
    return linalg_inv_ex((inv(A), _wrap(xp.zeros(A._data.shape[:-2], D.int32._np))))


@public
def inverse(input, *, out=None):
    return inv(input, out=out)


class LinalgSolveExBackward0(Op):
    args = ("self", "B")
    saves = ("self", "result")

    @staticmethod
    def forward(xp, a, b, vector, left):
        b2 = b[..., None] if vector else b
        if not left:
            a, b2 = xp.swapaxes(a, -1, -2), xp.swapaxes(b2, -1, -2)
        try:
            r = xp.linalg.solve(a, b2)
        except xp.linalg.LinAlgError:
            raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix "
                              "is singular.") from None
        if not left:
            r = xp.swapaxes(r, -1, -2)
        if vector:
            r = r[..., 0]
        return xp.ascontiguousarray(r)

    def backward(self, grad):
        a, x = self.saved()
        vector, left = self.vector, self.left
        gb = solve(_mH(a), grad, left=left)
        ga = None
        if self._next[0] is not None:
            if vector:
                ga = -matmul(gb.unsqueeze(-1), _mH(x.unsqueeze(-1)))
            elif left:
                ga = -matmul(gb, _mH(x))
            else:
                ga = -matmul(_mH(x), gb)
        return ga, gb if self._next[1] is not None else None


def _is_vector_rhs(a, b):
    return b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])


def solve(A, B, *, left=True, out=None):
    xp = _xp_of(A)
    a = _check_matrix_input(A, "linalg.solve")
    b = B._data
    if a.dtype != b.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found "
                           f"A of type {_legacy(a.dtype)} and B of type {_legacy(b.dtype)} "
                           "instead")
    vector = _is_vector_rhs(a, b)
    b2 = b[..., None] if vector else b
    if not left:
        a, b2 = xp.swapaxes(a, -1, -2), xp.swapaxes(b2, -1, -2)
    if b2.shape[-2] != a.shape[-1]:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({a.shape[-2]}x{a.shape[-1]} and "
                           f"{b2.shape[-2]}x{b2.shape[-1]})")
    return _into(out, apply(LinalgSolveExBackward0, A, B, vector=vector, left=left))


# --- cholesky ----------------------------------------------------------------------------

class LinalgCholeskyExBackward0(Op):
    saves = ("result",)

    @staticmethod
    def forward(xp, a, upper):
        try:
            lower = xp.linalg.cholesky(a)
        except xp.linalg.LinAlgError:
            raise LinAlgError("linalg.cholesky: The factorization could not be completed "
                              "because the input is not positive-definite (the leading minor "
                              f"of order {_not_positive_definite(a)} is not "
                              "positive-definite).") from None
        return xp.ascontiguousarray(xp.swapaxes(lower, -1, -2).conj()) if upper else lower

    def backward(self, grad):
        (factor,) = self.saved()
        lower = _mH(factor) if self.upper else factor
        g = _mH(grad) if self.upper else grad
        n = lower.shape[-1]
        phi = matmul(_mH(lower), g) * _tril_mask(n, lower)
        phi = 0.5 * (phi + _mH(phi * _tril_mask(n, lower, -1)))
        ga = solve(_mH(lower), phi)
        return (solve(lower, ga, left=False),)


def _not_positive_definite(a):
    xp = _xp_of(a)
    flat = a.reshape((-1,) + a.shape[-2:])
    for m in flat:
        for k in range(1, m.shape[-1] + 1):
            try:
                xp.linalg.cholesky(m[:k, :k])
            except xp.linalg.LinAlgError:
                return k
    return a.shape[-1]


def cholesky(A, *, upper=False, out=None):
    _check_matrix_input(A, "linalg.cholesky")
    return _into(out, apply(LinalgCholeskyExBackward0, A, upper=upper))


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    xp = _xp_of(A)
    return linalg_cholesky_ex((cholesky(A, upper=upper),
                               _wrap(xp.zeros(A._data.shape[:-2], D.int32._np))))


# --- eigh, svd, qr -----------------------------------------------------------------------

class LinalgEighBackward0(Op):
    saves = ("result0", "result1")

    @staticmethod
    def forward(xp, a, UPLO):
        return tuple(xp.linalg.eigh(a, UPLO=UPLO))

    def backward(self, grads):
        lam, v = self.saved()
        g_lam, g_v = grads
        n = lam.shape[-1]
        eye = _eye(n, v)
        inner = None
        if g_v is not None:
            gap = lam.unsqueeze(-2) - lam.unsqueeze(-1) + eye
            inner = matmul(_mH(v), g_v) * (1 - eye) / gap
        if g_lam is not None:
            diag = g_lam.unsqueeze(-1) * eye
            inner = diag if inner is None else inner + diag
        return (matmul(matmul(v, inner), _mH(v)),)


def eigh(A, UPLO="L", *, out=None):
    _check_matrix_input(A, "linalg.eigh")
    return linalg_eigh(apply(LinalgEighBackward0, A, UPLO=UPLO))


def eigvalsh(A, UPLO="L", *, out=None):
    return eigh(A, UPLO)[0]


class LinalgSvdBackward0(Op):
    """The reduced SVD's backward (torch's svd_backward, for full_matrices=False or
    square inputs)."""

    saves = ("result0", "result1", "result2")

    @staticmethod
    def forward(xp, a, full_matrices):
        return tuple(xp.linalg.svd(a, full_matrices=full_matrices))

    def backward(self, grads):
        u, s, vh = self.saved()
        g_u, g_s, g_vh = grads
        k = s.shape[-1]
        eye = _eye(k, u)
        u, vh = u[..., :, :k], vh[..., :k, :]
        v = _mH(vh)
        if g_u is None and g_vh is None:
            return (matmul(u * g_s.unsqueeze(-2), vh),)
        inner = g_s.unsqueeze(-1) * eye if g_s is not None else 0
        s_col = s.unsqueeze(-1)
        gap = (s.unsqueeze(-2) ** 2 - s_col ** 2) + eye
        off = 1 - eye
        ga = 0
        if g_u is not None:
            g_u = g_u[..., :, :k]
            uhgu = matmul(_mH(u), g_u)
            inner = inner + (uhgu - _mH(uhgu)) * off / gap * s.unsqueeze(-2)
            if u.shape[-2] > k:
                proj = g_u - matmul(u, uhgu)
                ga = matmul(proj / s.unsqueeze(-2), vh)
        if g_vh is not None:
            g_v = _mH(g_vh[..., :k, :])
            vhgv = matmul(vh, g_v)
            inner = inner + s_col * ((vhgv - _mH(vhgv)) * off / gap)
            if v.shape[-2] > k:
                proj = g_v - matmul(v, vhgv)
                ga = ga + matmul(u, _mH(proj / s.unsqueeze(-2)))
        return (ga + matmul(matmul(u, inner), vh),)


def svd(A, full_matrices=True, *, driver=None, out=None):
    _check_matrix_input(A, "linalg.svd", square=False)
    return linalg_svd(apply(LinalgSvdBackward0, A, full_matrices=full_matrices))


def svdvals(A, *, driver=None, out=None):
    xp = _xp_of(A)
    a = _check_matrix_input(A, "linalg.svdvals", square=False)
    if not (GradMode.enabled and A._requires_grad):
        return _wrap(xp.linalg.svd(a, compute_uv=False))
    return svd(A, full_matrices=False)[1]


class LinalgQrBackward0(Op):
    """torch's linalg_qr_backward for mode='reduced' with m >= n:
    gA = (gQ + Q copyltu(M)) R^-H,  M = R gR^H - gQ^H Q."""

    saves = ("result0", "result1")

    @staticmethod
    def forward(xp, a, mode):
        q, r = xp.linalg.qr(a, mode="complete" if mode == "complete" else "reduced")
        return (q if mode != "r" else xp.empty((0,), a.dtype)), r

    def backward(self, grads):
        q, r = self.saved()
        g_q, g_r = grads
        if q.shape[-2] < r.shape[-1]:
            raise NotImplementedError("The derivative of linalg.qr is not implemented in "
                                      "taimatsu when the input has more columns than rows.")
        k = r.shape[-2]
        m = matmul(r, _mH(g_r)) if g_r is not None else None
        if g_q is not None:
            m = -matmul(_mH(g_q), q) if m is None else m - matmul(_mH(g_q), q)
        low = m * _tril_mask(k, q, -1)
        rhs = matmul(q, low + _mH(low) + m * _eye(k, q))
        if g_q is not None:
            rhs = rhs + g_q
        return (solve(_mH(r), rhs, left=False),)


def qr(A, mode="reduced", *, out=None):
    _check_matrix_input(A, "linalg.qr", square=False)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    return linalg_qr(apply(LinalgQrBackward0, A, mode=mode))


# --- pinv, matrix_rank, lstsq ------------------------------------------------------------

class LinalgPinvBackward0(Op):
    """torch's pinv_backward."""

    saves = ("self", "result")

    @staticmethod
    def forward(xp, a, atol, rtol, hermitian):
        s = xp.linalg.svd(a, compute_uv=False)
        s_max = s[..., :1] if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,), s.dtype)
        tol = _tolerances(s_max, a.shape, s.dtype, atol, rtol)
        cutoff = xp.divide(tol, s_max, out=xp.zeros_like(tol), where=s_max != 0)
        r = xp.linalg.pinv(a, rcond=cutoff[..., 0], hermitian=hermitian)
        return xp.ascontiguousarray(r)

    def backward(self, grad):
        a, p = self.saved()
        return (_pinv_grad(grad, p, a),)


def _pinv_grad(grad, p, a):
    m, n = a.shape[-2], a.shape[-1]
    ph, gh = _mH(p), _mH(grad)
    if m <= n:
        k = matmul(gh, p)
        kph = matmul(k, ph)
        return (-_mH(matmul(p, k)) + kph - matmul(matmul(a, p), kph)
                + matmul(matmul(ph, p), gh - matmul(k, a)))
    k = matmul(p, gh)
    phk = matmul(ph, k)
    return (-_mH(matmul(k, p)) + matmul(matmul(gh - matmul(a, k), p), ph) + phk
            - matmul(matmul(phk, p), a))


def _tolerances(s_max, shape, dtype, atol, rtol):
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else \
            _host.finfo(dtype).eps * max(shape[-2:])
    atol = 0.0 if atol is None else atol
    return _xp_of(s_max).maximum(atol, rtol * s_max)


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    _check_matrix_input(A, "linalg.pinv", square=False)
    return _into(out, apply(LinalgPinvBackward0, A, atol=atol, rtol=rtol, hermitian=hermitian))


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None):
    xp = _xp_of(A)
    a = _check_matrix_input(A, "linalg.matrix_rank", square=False)
    if hermitian:
        s = xp.abs(xp.linalg.eigvalsh(a))[..., ::-1]
    else:
        s = xp.linalg.svd(a, compute_uv=False)
    s_max = s[..., :1] if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,), s.dtype)
    tol = _tolerances(s_max, a.shape, s.dtype, atol, rtol)
    return _into(out, _wrap(xp.asarray((s > tol).sum(-1), dtype=D.int64._np)))


class LinalgLstsqBackward0(Op):
    """(solution, residuals, rank, singular_values): the residuals, rank and singular
    values are left empty (gelsy's); the solution and residuals are differentiable, as
    torch's (the empty residuals get no gradient)."""

    args = ("self", "b")
    saves = ("self", "b")
    differentiable_outputs = (True, True, False, False)

    @staticmethod
    def forward(xp, a, b, rcond):
        vector = b.ndim == a.ndim - 1
        b2 = b[..., None] if vector else b
        x = xp.linalg.pinv(a, rcond=rcond if rcond is not None else
                           _host.finfo(a.dtype).eps * max(a.shape[-2:])) @ b2
        if vector:
            x = x[..., 0]
        return (xp.ascontiguousarray(x), xp.empty((0,), a.dtype), xp.empty((0,), D.int64._np),
                xp.empty((0,), a.dtype))

    def backward(self, grads):
        a, b = self.saved()
        grad = grads[0]
        if grad is None:
            return None, None
        p = pinv(a)
        ga = _pinv_grad(matmul(grad, _mH(b)), p, a) if self._next[0] is not None else None
        gb = matmul(_mH(p), grad) if self._next[1] is not None else None
        return ga, gb


def lstsq(A, B, rcond=None, *, driver=None):
    _check_matrix_input(A, "linalg.lstsq", square=False)
    return linalg_lstsq(apply(LinalgLstsqBackward0, A, B, rcond=rcond))


# --- products ----------------------------------------------------------------------------

def cross(input, other, *, dim=-1, out=None):
    return linalg_cross(input, other, dim=dim, out=out)


def multi_dot(tensors, *, out=None):
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    first, last = tensors[0], tensors[-1]
    mats = list(tensors)
    if first._data.ndim == 1:
        mats[0] = first.unsqueeze(0)
    if last._data.ndim == 1:
        mats[-1] = last.unsqueeze(-1)
    result = _chain(mats, _chain_order([m._data.shape for m in mats]), 0, len(mats) - 1)
    if last._data.ndim == 1:
        result = result.squeeze(-1)
    if first._data.ndim == 1:
        result = result.squeeze(0)
    return _into(out, result)


def _chain_order(shapes):
    """The cheapest parenthesization (the textbook dynamic programme)."""
    n = len(shapes)
    dims = [shapes[0][0]] + [s[1] for s in shapes]
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _chain(mats, split, i, j):
    if i == j:
        return mats[i]
    k = split[i][j]
    return matmul(_chain(mats, split, i, k), _chain(mats, split, k + 1, j))


@public
def matrix_power(A, n, *, out=None):
    xp = _xp_of(A)
    a = A._data
    _check_square(a, "linalg.matrix_power")
    if n == 0:
        eye = xp.broadcast_to(xp.eye(a.shape[-1], dtype=a.dtype), a.shape).copy()
        # the identity copied over A (torch's CopyBackwards): no gradient reaches A
        from .copy import CopyBackwards
        return _into(out, apply(CopyBackwards, A, _wrap(eye)))
    base = inv(A) if n < 0 else A
    n = abs(n)
    result = None
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return _into(out, result)


# --- norms -------------------------------------------------------------------------------

def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    if A._data.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           "dimensions.")
    if dtype is not None:
        A = A.to(dtype)
    d0, d1 = (d % A._data.ndim for d in dim)
    if ord == "fro":
        return _into(out, vector_norm(A, 2, (d0, d1), keepdim))
    if ord in ("nuc", 2, -2):
        moved = A.permute([d for d in range(A._data.ndim) if d not in (d0, d1)] + [d0, d1])
        s = svdvals(moved)
        r = s.sum(-1) if ord == "nuc" else (s[..., 0] if ord == 2 else s[..., -1])
    elif ord in (1, -1, float("inf"), float("-inf")):
        from .elementwise import abs as abs_
        summed = abs_(A).sum(d0 if ord in (1, -1) else d1, keepdim=True)
        other = d1 if ord in (1, -1) else d0
        extreme = amax if ord > 0 else amin
        r = extreme(summed, other, keepdim=True).squeeze((d0, d1))
    else:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if keepdim:
        r = r.unsqueeze(min(d0, d1)).unsqueeze(max(d0, d1))
    return _into(out, r)


def norm(A, ord=None, dim=None, keepdim=False, *, out=None, dtype=None):
    nd = A._data.ndim
    if dim is not None:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        if len(dims) == 2:
            return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype,
                               out=out)
        return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype, out=out)
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype, out=out)
    if nd == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype, out=out)
    if nd == 1:
        return vector_norm(A, ord, None, keepdim, dtype=dtype, out=out)
    raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D "
                       f"or 2D. Got {nd}D.")


__all__ = [
    "LinAlgError",
    "cholesky",
    "cholesky_ex",
    "cross",
    "det",
    "eigh",
    "eigvalsh",
    "inv",
    "inv_ex",
    "lstsq",
    "matrix_norm",
    "matrix_power",
    "matrix_rank",
    "multi_dot",
    "norm",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "svd",
    "svdvals",
    "vector_norm",
]


# --- torch.* spellings -------------------------------------------------------------------

@public
def pinverse(input, rcond=1e-15):
    return pinv(input, rtol=rcond)


@public(name="cholesky")
def torch_cholesky(input, upper=False, *, out=None):
    return cholesky(input, upper=upper, out=out)


@public
def chain_matmul(*matrices, out=None):
    if len(matrices) == 1:
        return matrices[0].clone()
    return multi_dot(matrices, out=out)
