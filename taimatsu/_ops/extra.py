"""torch functions outside the core families: complex/real views, conj/neg bits,
matrix_exp, solve_triangular, a few torch.linalg helpers, and small top-level
functions (logcumsumexp, gcd, cov, ...).

Where a function is a composition of differentiable taimatsu ops it is written as
one, so its gradients (and their gradients) come from those ops; the rest carry a
node whose backward is itself written in taimatsu ops.
"""
import math

from .. import _dtype as D
from .._backend import cpu
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import GradMode
from ..return_types import _structseq
from ._core import Op, apply, public
from ._core import xp_of as _xp_of
from .elementwise import where
from .linalg import _conj, _legacy, matmul
from .linalg_decomp import _check_matrix_input, _mH, inv, matrix_norm, svdvals

_host = cpu.xp  # host data and dtype arithmetic

# --- complex <-> real views ---------------------------------------------------------------


class ViewAsRealBackward0(Op):
    view = True

    @staticmethod
    def forward(xp, a):
        return a[..., None].view(a.real.dtype)

    def backward(self, grad):
        return (view_as_complex(grad.contiguous()),)


class ViewAsComplexBackward0(Op):
    view = True

    @staticmethod
    def forward(xp, a):
        return a.view(_COMPLEX_OF[a.dtype.name])[..., 0]

    def backward(self, grad):
        return (view_as_real(grad),)


@public
def view_as_real(input):
    if input._data.dtype.kind != "c":
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return apply(ViewAsRealBackward0, input)


_COMPLEX_OF = {"float32": D.complex64._np, "float64": D.complex128._np}


@public
def view_as_complex(input):
    a = input._data
    if a.dtype.name not in _COMPLEX_OF:
        raise RuntimeError("view_as_complex is only supported for half, float and double "
                           f"tensors, but got a tensor of scalar type: {_legacy(a.dtype)}")
    if a.ndim == 0:
        raise RuntimeError("Input tensor must have one or more dimensions")
    if a.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    item = a.itemsize
    if a.strides[-1] != item:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(s % (2 * item) for s in a.strides[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last "
                           "dimension")
    if input.storage_offset() % 2:
        raise RuntimeError("Tensor must have a storage_offset divisible by 2")
    return apply(ViewAsComplexBackward0, input)


# taimatsu's conj() copies, and negation is never lazy: the bits are always clear


@public
def is_conj(input):
    return False


@public
def is_neg(input):
    return False


@public
def resolve_conj(input):
    return input


@public
def resolve_neg(input):
    return input


# --- matrix_exp -------------------------------------------------------------------------


class LinalgMatrixExpBackward0(Op):
    saves = ("self",)

    @staticmethod
    def forward(xp, a):
        return xp.ascontiguousarray(_expm(a))

    def backward(self, grad):
        (a,) = self.saved()
        # torch's trick: d exp(A)[G] is the upper-right block of exp([[A^H, G], [0, A^H]])
        ah = _mH(a)
        n = a.shape[-1]
        from .join import cat
        top = cat([ah, grad], -1)
        bottom = cat([grad * 0, ah], -1)
        big = matrix_exp(cat([top, bottom], -2))
        return (big[..., :n, n:],)


def _expm(a):
    """exp(a) by scaling and squaring with a degree-18 Taylor polynomial."""
    xp = _xp_of(a)
    if a.size == 0:
        return a.copy()
    norm = float(xp.abs(a).sum(-2).max())
    s = max(0, int(xp.ceil(xp.log2(norm))) + 1) if norm > 0 else 0
    x = a / (2.0 ** s)
    eye = xp.broadcast_to(xp.eye(a.shape[-1], dtype=a.dtype), a.shape)
    result = eye + x
    term = x
    for k in range(2, 19):
        term = term @ x / k
        result = result + term
    for _ in range(s):
        result = result @ result
    return result.astype(a.dtype, copy=False)


@public
def matrix_exp(A):
    _check_matrix_input(A, "linalg.matrix_exp")
    return apply(LinalgMatrixExpBackward0, A)


# --- solve_triangular ----------------------------------------------------------------------


def _triangle_mask(n, like, upper, unitriangular):
    """The (unit)triangular mask, a constant in the dtype and on the device of `like`."""
    xp, dtype = like._xp, like._data.dtype
    k = 1 if unitriangular else 0
    m = xp.triu(xp.ones((n, n), dtype), k) if upper else xp.tril(xp.ones((n, n), dtype), -k)
    return _wrap(m)


class LinalgSolveTriangularBackward0(Op):
    args = ("self", "B")
    saves = ("self", "result")

    @staticmethod
    def forward(xp, a, b, upper, left, unitriangular):
        # torch solves in A's dtype, whatever B's is
        b = b.astype(a.dtype, copy=False)
        n = a.shape[-1]
        tri = xp.triu(a, 1) if upper else xp.tril(a, -1)
        tri = tri + (xp.eye(n, dtype=a.dtype) if unitriangular
                     else xp.diagonal(a, 0, -2, -1)[..., None] * xp.eye(n, dtype=a.dtype))
        if left:
            r = xp.linalg.solve(tri, b)
        else:
            r = xp.swapaxes(xp.linalg.solve(xp.swapaxes(tri, -1, -2), xp.swapaxes(b, -1, -2)),
                            -1, -2)
        return xp.ascontiguousarray(r)

    def backward(self, grad):
        a, x = self.saved()
        upper, left, unit = self.upper, self.left, self.unitriangular
        gb = solve_triangular(_mH(a), grad, upper=not upper, left=left, unitriangular=unit)
        ga = None
        if self._next[0] is not None:
            ga = -matmul(gb, _mH(x)) if left else -matmul(_mH(x), gb)
            ga = ga * _triangle_mask(a.shape[-1], a, upper, unit)
        return ga, gb if self._next[1] is not None else None


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    a = _check_matrix_input(A, "linalg.solve_triangular")
    b = B._data
    if b.ndim < 2:
        raise RuntimeError("linalg.solve_triangular: The input tensor B must have at least 2 "
                           "dimensions.")
    rows = b.shape[-2] if left else b.shape[-1]
    if rows != a.shape[-1]:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.solve_triangular: Incompatible shapes of A and B for the "
                           f"equation {eq} ({a.shape[-2]}x{a.shape[-1]} and "
                           f"{b.shape[-2]}x{b.shape[-1]})")
    result = apply(LinalgSolveTriangularBackward0, A, B, upper=upper, left=left,
                   unitriangular=unitriangular)
    if out is not None:
        from .linalg import _into
        return _into(out, result)
    return result


# --- torch.linalg helpers ----------------------------------------------------------------


def vecdot(x, y, *, dim=-1, out=None):
    r = (_conj(x) * y).sum(dim)
    if out is not None:
        from .linalg import _into
        return _into(out, r)
    return r


def linalg_diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    return A.diagonal(offset, dim1, dim2)


def linalg_vander(x, *, N=None):
    if x.ndim < 1:
        raise RuntimeError("linalg.vander: x must have at least one dimension.")
    n = x.shape[-1] if N is None else N
    if n <= 1:
        if n < 1:
            raise RuntimeError("N must be greater than 1.")
        return x.unsqueeze(-1) ** 0
    from .join import cat
    powers = x.unsqueeze(-1).expand(*x.shape, n - 1).cumprod(-1)
    return cat([powers[..., :1] ** 0, powers], -1)


@public
def vander(x, N=None, increasing=False):
    xp = _xp_of(x)
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    if n == 0:
        return _wrap(xp.empty((x.shape[0], 0), xp.result_type(x._data.dtype, D.int64._np)))
    if x.dtype.is_floating_point or x.dtype.is_complex:
        r = linalg_vander(x, N=n)
    else:
        r = linalg_vander(x.long(), N=n)
    return r if increasing else r.flip(-1)


def cond(A, p=None, *, out=None):
    if p is None or p in (2, -2):
        s = svdvals(A)
        r = s[..., -1] / s[..., 0] if p == -2 else s[..., 0] / s[..., -1]
    else:
        _check_matrix_input(A, "linalg.cond")
        r = matrix_norm(A, p) * matrix_norm(inv(A), p)
    if out is not None:
        from .linalg import _into
        return _into(out, r)
    return r


# --- top-level functions -----------------------------------------------------------------


class LogcumsumexpBackward0(Op):
    """log(cumsum(exp(x))) along `dim`, accumulated pairwise as torch does (a running
    logaddexp), which stays exact where one shifted exponential would underflow."""

    saves = ("self", "result")

    @staticmethod
    def forward(xp, a, dim):
        if a.dtype.kind == "c":
            m = a.real.max(axis=dim, keepdims=True)
            m = xp.where(xp.isfinite(m), m, 0)
            return (xp.log(xp.cumsum(xp.exp(a - m), axis=dim)) + m).astype(a.dtype)
        return xp.logaddexp.accumulate(a, axis=dim)

    def backward(self, grad):
        # torch's logcumsumexp_backward: the positive and negative parts of grad, each
        # accumulated in log space from the end
        x, result = self.saved()
        dim = self.dim
        if grad.dim() == 0 or grad.numel() == 0:
            return (grad,)
        lowest = x.new_full((), D.finfo(x.dtype).min)
        log_abs = grad.abs().log()
        pos = where(grad > 0, log_abs, lowest)
        neg = where(grad < 0, log_abs, lowest)
        r = result.flip(dim)
        return ((logcumsumexp(pos.flip(dim) - r, dim).flip(dim) + x).exp()
                - (logcumsumexp(neg.flip(dim) - r, dim).flip(dim) + x).exp(),)


@public
def logcumsumexp(input, dim, *, out=None):
    if input._data.dtype.kind not in "fc":
        raise NotImplementedError("\"logcumsumexp_out_cpu\" not implemented for "
                                  f"'{_legacy(input._data.dtype)}'")
    if input.ndim == 0:
        return input.clone()
    dim = dim % input.ndim
    r = apply(LogcumsumexpBackward0, input, dim=dim)
    if out is not None:
        from .linalg import _into
        return _into(out, r)
    return r


def _integer_op(name, fn, input, other):
    xp = _xp_of(input)
    from .._dtype import FROM_NUMPY
    a = input._data if isinstance(input, Tensor) else xp.asarray(input)
    b = other._data if isinstance(other, Tensor) else xp.asarray(other)
    dt = xp.result_type(a, b)
    if dt.kind not in "iub":
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for "
                                  f"'{FROM_NUMPY[dt]._legacy[:-6]}'")
    return _wrap(xp.asarray(fn(a, b)).astype(dt, copy=False))


@public(inplace="both")
def gcd(input, other, *, out=None):
    xp = _xp_of(input)
    return _integer_op("gcd", xp.gcd, input, other)


@public(inplace="both")
def lcm(input, other, *, out=None):
    xp = _xp_of(input)
    return _integer_op("lcm", xp.lcm, input, other)


@public
def diagflat(input, offset=0):
    return input.flatten().diag(offset)


@public
def block_diag(*tensors):
    from .join import cat
    from .creation import zeros
    mats = [t.reshape(1, -1) if t.ndim < 2 else t for t in tensors]
    if not mats:
        return _wrap(_host.empty((1, 0), D.float32._np))
    dt = _host.result_type(*[m._data.dtype for m in mats])
    from .._dtype import FROM_NUMPY
    dtype = FROM_NUMPY[dt]
    cols = sum(m.shape[1] for m in mats)
    rows, left = [], 0
    for m in mats:
        right = cols - left - m.shape[1]
        parts = [zeros(m.shape[0], left, dtype=dtype), m.to(dtype),
                 zeros(m.shape[0], right, dtype=dtype)]
        rows.append(cat(parts, 1))
        left += m.shape[1]
    return cat(rows, 0)


@public
def cov(input, *, correction=1, fweights=None, aweights=None):
    x = input if input.ndim == 2 else input.reshape(1, -1)
    if not (x.dtype.is_floating_point or x.dtype.is_complex):
        x = x.to(_default_float())
    w = None
    if fweights is not None:
        w = fweights
    if aweights is not None:
        w = aweights if w is None else w * aweights
    if w is None:
        n = x.shape[1]
        avg = x.mean(1, keepdim=True)
        norm = n - correction
    else:
        wsum = w.sum()
        avg = (x * w).sum(1, keepdim=True) / wsum
        if correction == 0 or aweights is None:
            norm = wsum - correction
        else:
            norm = wsum - correction * (w * aweights).sum() / wsum
    xc = x - avg
    xw = xc if w is None else xc * w
    r = matmul(xw, _conj(xc).mT) / (norm.clamp_min(0) if isinstance(norm, Tensor)
                                    else max(norm, 0))
    return r.squeeze() if input.ndim < 2 else r


def _default_float():
    from .._dtype import get_default_dtype
    return get_default_dtype()


@public
def corrcoef(input):
    c = cov(input)
    if c.ndim == 0:
        return c / c
    d = c.diagonal()
    std = d.real.sqrt() if c.dtype.is_complex else d.sqrt()
    c = c / std.unsqueeze(-1)
    c = c / std.unsqueeze(0)
    if c.dtype.is_complex:
        return c
    return c.clamp(-1, 1)


@public
def dist(input, other, p=2):
    return (input - other).norm(p)


@public
def is_same_size(input, other):
    return tuple(input.shape) == tuple(other.shape)


# --- LU: lu_factor, lu, lu_solve ----------------------------------------------------------

linalg_lu_factor = _structseq("linalg_lu_factor", ("LU", "pivots"))
linalg_lu = _structseq("linalg_lu", ("P", "L", "U"))
linalg_eig = _structseq("linalg_eig", ("eigenvalues", "eigenvectors"))


def _getrf(a):
    """LU with partial pivoting as LAPACK's getrf: packed factors, 1-based int32 pivots
    and the row permutation (batched; one Python step per column)."""
    xp = _xp_of(a)
    m, n = a.shape[-2:]
    lu = xp.array(a.reshape((-1, m, n)), copy=True)
    batch = xp.arange(lu.shape[0])
    k_max = min(m, n)
    pivots = xp.empty((lu.shape[0], k_max), D.int32._np)
    perm = xp.broadcast_to(xp.arange(m), (lu.shape[0], m)).copy()
    for k in range(k_max):
        p = k + xp.argmax(xp.abs(lu[:, k:, k]), axis=-1)
        pivots[:, k] = p + 1
        lu[batch, [k], :], lu[batch, p, :] = lu[batch, p, :], lu[batch, [k], :].copy()
        perm[batch, k], perm[batch, p] = perm[batch, p], perm[batch, k].copy()
        piv = lu[:, k, k]
        safe = xp.where(piv == 0, 1, piv)
        lu[:, k + 1:, k] /= safe[:, None]
        lu[:, k + 1:, k + 1:] -= lu[:, k + 1:, k, None] * lu[:, k, None, k + 1:]
    shape = a.shape[:-2]
    return (lu.reshape(shape + (m, n)), pivots.reshape(shape + (k_max,)),
            perm.reshape(shape + (m,)))


def _perm_matrix(perm, dtype):
    """P with A = P L U: column i of P picks row perm[i]."""
    xp = _xp_of(perm)
    m = perm.shape[-1]
    p = xp.zeros(perm.shape + (m,), dtype)
    xp.put_along_axis(p, perm[..., :, None], 1, axis=-1)
    return xp.swapaxes(p, -1, -2)


def _lu_masks(m, n, dtype, xp):
    return (_wrap(xp.tri(m, n, -1, dtype=dtype)), _wrap(xp.triu(xp.ones((m, n), dtype))))


class LinalgLuBackward0(Op):
    """torch's linalg_lu: (P, L, U), P without a gradient; the backward reads all three."""

    saves = ("self", "result0", "result1", "result2")
    differentiable_outputs = (False, True, True)

    @staticmethod
    def forward(xp, a):
        m, n = a.shape[-2:]
        k = min(m, n)
        packed, _, perm = _getrf(a)
        lower = xp.tri(m, k, -1, dtype=a.dtype) * packed[..., :, :k] + \
            xp.eye(m, k, dtype=a.dtype)
        return _perm_matrix(perm, a.dtype), lower, xp.triu(packed[..., :k, :])

    def backward(self, grads):
        a, p, lower, upper = self.saved()
        _, g_l, g_u = grads
        n = a.shape[-1]
        strict, tri = _lu_masks(n, n, a._data.dtype, a._xp)
        # torch's square case: A = P L U, phi = L^H gL (strictly lower) + gU U^H (upper)
        phi = a.new_zeros(a.shape)
        if g_l is not None:
            phi = phi + matmul(_mH(lower), g_l) * strict
        if g_u is not None:
            phi = phi + matmul(g_u, _mH(upper)) * tri
        x = solve_triangular(_mH(lower), phi, upper=True, unitriangular=True)
        x = solve_triangular(_mH(upper), x, upper=False, left=False)
        return (matmul(p, x),)


def _check_lu_input(A, fn):
    a = A._data
    if a.ndim < 2:
        raise RuntimeError(f"{fn}: Expected tensor with 2 or more dimensions. Got size: "
                           f"{list(a.shape)} instead")
    if a.dtype.kind not in "fc":
        raise NotImplementedError(f"\"lu_cpu\" not implemented for '{_legacy(a.dtype)}'")
    return a


def lu(A, *, pivot=True, out=None):
    a = _check_lu_input(A, "linalg.lu")
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the "
                           "CPU")
    m, n = a.shape[-2:]
    if GradMode.enabled and A._requires_grad and m != n:
        raise NotImplementedError("linalg.lu: the derivative for non-square inputs is not "
                                  "implemented in taimatsu")
    return linalg_lu(apply(LinalgLuBackward0, A))


def lu_factor(A, *, pivot=True, out=None):
    a = _check_lu_input(A, "linalg.lu_factor")
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the "
                           "CPU")
    if not (GradMode.enabled and A._requires_grad):
        packed, pivots, _ = _getrf(a)
        return linalg_lu_factor((_wrap(packed), _wrap(pivots)))
    # differentiable: repack lu()'s factors, whose node carries the derivative
    parts = lu(A, pivot=pivot)
    lower, upper = parts.L, parts.U
    _, pivots, _ = _getrf(a)
    m, n = A.shape[-2:]
    strict, _ = _lu_masks(m, min(m, n), A._data.dtype, A._xp)
    from .join import cat
    if m >= n:
        packed = lower * strict + cat([upper, upper.new_zeros(upper.shape[:-2] + (m - n, n))],
                                      -2)
    else:
        packed = upper + cat([lower * strict, lower.new_zeros(lower.shape[:-2] + (m, n - m))],
                             -1)
    return linalg_lu_factor((packed, _wrap(pivots)))


def _pivots_to_perm(piv):
    """The row permutation that LAPACK's pivot swaps produce (batched)."""
    xp = _xp_of(piv)
    piv = piv.astype(D.int64._np) - 1
    n = piv.shape[-1]
    flat = piv.reshape(-1, n)
    perm = xp.broadcast_to(xp.arange(n), flat.shape).copy()
    rows = xp.arange(flat.shape[0])
    for k in range(n):
        p = flat[:, k]
        perm[rows, k], perm[rows, p] = perm[rows, p], perm[rows, k].copy()
    return perm.reshape(piv.shape)


def lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    xp = LU._xp
    n = LU.shape[-1]
    dtype = LU._data.dtype
    strict, tri = _lu_masks(n, n, dtype, xp)
    lower = LU * strict + _wrap(xp.eye(n, dtype=dtype))
    upper = LU * tri
    p = _wrap(_perm_matrix(_pivots_to_perm(pivots._data), dtype))
    # A = P L U; every case is a pair of triangular solves around the permutation
    if left and not adjoint:
        x = solve_triangular(lower, matmul(p.mT, B), upper=False, unitriangular=True)
        x = solve_triangular(upper, x, upper=True)
    elif left:
        x = solve_triangular(_mH(upper), B, upper=False)
        x = matmul(p, solve_triangular(_mH(lower), x, upper=True, unitriangular=True))
    elif not adjoint:
        x = solve_triangular(upper, B, upper=True, left=False)
        x = matmul(solve_triangular(lower, x, upper=False, left=False, unitriangular=True),
                   p.mT)
    else:
        x = solve_triangular(_mH(lower), matmul(B, p), upper=True, left=False,
                             unitriangular=True)
        x = solve_triangular(_mH(upper), x, upper=False, left=False)
    if out is not None:
        from .linalg import _into
        return _into(out, x)
    return x


# --- eig, eigvals -------------------------------------------------------------------------

class LinalgEigBackward0(Op):
    saves = ("self", "result0", "result1")

    @staticmethod
    def forward(xp, a):
        values, vectors = xp.linalg.eig(a)
        cdt = xp.result_type(a.dtype, D.complex64._np)
        return (values.astype(cdt, copy=False),
                xp.ascontiguousarray(vectors.astype(cdt, copy=False)))

    def backward(self, grads):
        a, values, vectors = self.saved()
        xp = a._xp
        g_l, g_v = grads
        vh = _mH(vectors)
        if g_v is None:
            inner = g_l.diag_embed()
        else:
            vhgv = matmul(vh, g_v)
            diag = vhgv.diagonal(0, -2, -1)
            if diag.imag.abs().max().item() > 1e-2 * (1 + diag.abs().max().item()):
                raise RuntimeError(
                    "linalg_eig_backward: The eigenvectors in the complex case are specified "
                    "up to multiplication by e^{i phi}. The specified loss function depends on "
                    "this quantity, so it is ill-defined.")
            inner = vhgv - matmul(vh, vectors * diag.real.unsqueeze(-2))
            lc = values.conj()
            n = values.shape[-1]
            eye = _wrap(xp.eye(n, dtype=values._data.dtype))
            econj = lc.unsqueeze(-2) - lc.unsqueeze(-1) + eye
            inner = inner / econj * (1 - eye)
            if g_l is not None:
                inner = inner + g_l.diag_embed()
        from .linalg_decomp import solve
        ga = solve(vh, matmul(inner, vh))
        return (ga if a._data.dtype.kind == "c" else ga.real,)


def eig(A, *, out=None):
    _check_matrix_input(A, "linalg.eig")
    return linalg_eig(apply(LinalgEigBackward0, A))


def eigvals(A, *, out=None):
    xp = _xp_of(A)
    if GradMode.enabled and A._requires_grad:
        return eig(A)[0]
    a = _check_matrix_input(A, "linalg.eigvals")
    cdt = xp.result_type(a.dtype, D.complex64._np)
    return _wrap(xp.linalg.eigvals(a).astype(cdt, copy=False))


# --- legacy linalg spellings ------------------------------------------------------------

svd_result = _structseq("svd", ("U", "S", "V"))
qr_result = _structseq("qr", ("Q", "R"))
triangular_solve_result = _structseq("triangular_solve", ("solution", "cloned_coefficient"))
frexp_result = _structseq("frexp", ("mantissa", "exponent"))
histogram_result = _structseq("histogram", ("hist", "bin_edges"))


@public
def svd(input, some=True, compute_uv=True, *, out=None):
    from .linalg_decomp import svd as linalg_svd
    u, s, vh = linalg_svd(input, full_matrices=not some)
    if not compute_uv:
        # torch returns zero-filled factors of the full shapes
        m, n = input.shape[-2:]
        return svd_result((u.new_zeros(input.shape[:-2] + (m, m)), s,
                           vh.new_zeros(input.shape[:-2] + (n, n))))
    return svd_result((u, s, _mH(vh)))


@public
def qr(input, some=True, *, out=None):
    from .linalg_decomp import qr as linalg_qr
    return qr_result(tuple(linalg_qr(input, "reduced" if some else "complete")))


class CholeskySolveBackward0(Op):
    args = ("self", "input2")
    saves = ("self", "input2", "result")

    @staticmethod
    def forward(xp, b, f, upper):
        tri = xp.triu(f) if upper else xp.tril(f)
        low = xp.swapaxes(tri, -1, -2).conj() if upper else tri
        x = xp.linalg.solve(xp.swapaxes(low, -1, -2).conj(), xp.linalg.solve(low, b))
        return xp.ascontiguousarray(x)

    def backward(self, grad):
        b, factor, result = self.saved()
        gb = cholesky_solve(grad, factor, self.upper)
        gl = None
        if self._next[1] is not None:
            # torch's formula treats the factor as a full matrix
            common = matmul(gb, _mH(result))
            common = common + _mH(common)
            gl = -matmul(factor, common) if self.upper else -matmul(common, factor)
        return gb if self._next[0] is not None else None, gl


@public
def cholesky_solve(input, input2, upper=False, *, out=None):
    return apply(CholeskySolveBackward0, input, input2, upper=upper)


class CholeskyInverseBackward0(Op):
    """(L L^H)^-1 from a Cholesky factor L (real matrices)."""

    saves = ("self", "result")

    @staticmethod
    def forward(xp, a, upper):
        factor = xp.triu(a) if upper else xp.tril(a)
        factor_inv = xp.linalg.solve(factor, xp.eye(a.shape[-1], dtype=a.dtype))
        f_inv_t = xp.swapaxes(factor_inv, -1, -2)
        r = factor_inv @ f_inv_t if upper else f_inv_t @ factor_inv
        return xp.ascontiguousarray(r)

    def backward(self, grad):
        L, result = self.saved()
        # torch's formula treats L as a full matrix: its other triangle gets gradient too
        common_term = matmul(result, matmul(grad + grad.mT, result))
        if self.upper:
            return (-matmul(L, common_term),)
        return (-matmul(common_term, L),)


@public
def cholesky_inverse(input, upper=False, *, out=None):
    """(L L^H)^-1 from a Cholesky factor L (real matrices)."""
    return apply(CholeskyInverseBackward0, input, upper=upper)


@public
def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False, *, out=None):
    coeff = A.mT if transpose else A
    x = solve_triangular(coeff, input, upper=upper != transpose, unitriangular=unitriangular)
    return triangular_solve_result((x, A.clone()))


# --- integration, mantissas, grids --------------------------------------------------------

def _trapezoid_parts(y, x, dx, dim):
    n = y.shape[dim]
    left, right = y.narrow(dim, 0, n - 1), y.narrow(dim, 1, n - 1)
    if x is None:
        return (left + right) * (0.5 * (1 if dx is None else dx))
    dxs = x.diff(dim=dim if x.ndim == y.ndim else -1)
    if x.ndim == 1 and y.ndim > 1:
        dxs = dxs.reshape([-1 if d == dim % y.ndim else 1 for d in range(y.ndim)])
    return (left + right) * dxs * 0.5


@public
def trapezoid(y, x=None, *, dx=None, dim=-1):
    if y.shape[dim] == 0:
        return y.sum(dim)
    return _trapezoid_parts(y, x, dx, dim).sum(dim)


@public
def trapz(y, x=None, *, dx=None, dim=-1):
    return trapezoid(y, x, dx=dx, dim=dim)


@public
def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    if y.shape[dim] == 0:
        return y.clone()
    return _trapezoid_parts(y, x, dx, dim).cumsum(dim)


@public
def frexp(input, *, out=None):
    xp = _xp_of(input)
    a = input._data
    if a.dtype.kind != "f":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    _, exponent = xp.frexp(a)
    mantissa = input * _wrap(xp.ldexp(xp.ones((), a.dtype), -exponent).astype(a.dtype))
    return frexp_result((mantissa, _wrap(exponent.astype(D.int32._np))))


@public(inplace="both")
def ldexp(input, other, *, out=None):
    from .elementwise import pow as _pow
    return input * _pow(2.0, other)


@public(inplace="method")
def nextafter(input, other, *, out=None):
    xp = _xp_of(input)
    a, b = input._data, other._data
    dt = xp.result_type(a, b)
    if dt.kind != "f":
        raise NotImplementedError(f"\"nextafter_cpu\" not implemented for '{_legacy(dt)}'")
    return _wrap(xp.asarray(xp.nextafter(a.astype(dt), b.astype(dt))))


@public
def unravel_index(indices, shape):
    idx = indices._data if isinstance(indices, Tensor) else _host.asarray(indices)
    xp = _xp_of(idx)
    if idx.dtype.kind not in "iu":
        from .._dtype import FROM_NUMPY
        raise TypeError("expected 'indices' to be integer dtype, but got "
                        f"{FROM_NUMPY[idx.dtype]}")
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    total = math.prod(shape)
    # torch wraps out-of-range (and negative) indices around the total size
    parts = xp.unravel_index(xp.mod(idx, total) if total else idx, shape)
    return tuple(_wrap(xp.asarray(p, D.int64._np)) for p in parts)


@public
def combinations(input, r=2, with_replacement=False):
    xp = _xp_of(input)
    import itertools
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return input.new_empty((0,))
    pick = itertools.combinations_with_replacement if with_replacement else \
        itertools.combinations
    idx = xp.array(list(pick(range(input.shape[0]), r)), D.int64._np).reshape(-1, r)
    return input[_wrap(idx.reshape(-1))].reshape(-1, r)


@public(inplace="method")
def renorm(input, p, dim, maxnorm):
    if input.ndim < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} "
                           "dimensions")
    dim = dim % input.ndim
    others = [d for d in range(input.ndim) if d != dim]
    from .elementwise import where
    norm = input.norm(p, others, keepdim=True)
    return input * where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0)


@public
def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):
    xp = _xp_of(input)
    a = input._data
    if a.dtype.kind != "f":
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{_legacy(a.dtype)}'")
    w = None if weight is None else weight._data
    if isinstance(bins, Tensor):
        edges = bins._data
    else:
        lo, hi = (float(a.min()), float(a.max())) if range is None and a.size else \
            (range or (0.0, 0.0))
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        edges = xp.linspace(lo, hi, int(bins) + 1, dtype=a.dtype)
    hist, _ = xp.histogram(a.reshape(-1), edges, weights=None if w is None else w.reshape(-1),
                           density=density)
    return histogram_result((_wrap(hist.astype(a.dtype)), _wrap(edges.astype(a.dtype))))


@public
def is_signed(input):
    return input.dtype.is_signed


# out= for the ops above that compute a fresh result: one tensor is copied into `out`
# (as torch's out variants do); a tuple result refuses `out` rather than ignore it
def _with_out(fn):
    def op(*args, out=None, **kwargs):
        result = fn(*args, **kwargs)
        if out is None:
            return result
        from .linalg import _into
        return _into(out, result)
    op.__name__, op.__qualname__, op.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
    return op


def _without_out(fn):
    def op(*args, out=None, **kwargs):
        if out is not None:
            raise NotImplementedError(f"taimatsu's {fn.__name__} does not support out= yet")
        return fn(*args, **kwargs)
    op.__name__, op.__qualname__, op.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
    return op


for _name in ("gcd", "lcm", "eigvals", "cholesky_solve", "cholesky_inverse", "ldexp",
              "nextafter"):
    globals()[_name] = _with_out(globals()[_name])
for _name in ("lu", "lu_factor", "eig", "svd", "qr", "triangular_solve", "frexp",
              "histogram"):
    globals()[_name] = _without_out(globals()[_name])
del _name
