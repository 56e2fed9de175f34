"""Matrix products: matmul and its family (mm, bmm, mv, dot, the add* fused forms),
einsum, tensordot, kron, cross, trace.

torch's matmul does not promote dtypes: mixing float32 and float64 is an error, so
the forward is one numpy call on the arrays as they are (float32 stays float32).
Batched and broadcast products are one `matmul` of the array module too; their node carries the
name torch reports at the top of its decomposition (`UnsafeViewBackward0`, ...),
and its backward undoes the 1-D promotions and leaves the batch reduction to the
engine.  Backward formulas are themselves products, so gradients of gradients work.
"""
from functools import partial

from .. import _dtype as D
from .._backend import BY_ARRAY_TYPE, cpu, ndarray
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import GradMode
from . import _layout
from ._core import Op, apply, backend_of, broadcast_shapes, public, record_binary
from ._core import _CPP_NAMES, record, write_out
from ._core import xp_of as _xp_of

_host = cpu.xp
_host_dot = _host.dot
# out= with the matrix products' and linalg's dtype rule (see _core.write_out)
_into = partial(write_out, dtype="same")

_new_object = object.__new__
# the C type names torch prints in "expected m1 and m2 to have the same dtype"
_C_NAMES = _CPP_NAMES


def _legacy(np_dtype):
    """torch's short dtype name: Float, Double, Long ..."""
    return D.FROM_NUMPY[np_dtype]._legacy[:-6]


def _conj(t):
    return t.conj() if t._data.dtype.kind == "c" else t


def _scale(t, factor):
    return t if factor == 1 else t * factor


def _check_tensor(x, fn, name, pos):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be Tensor, not "
                        f"{type(x).__name__}")


def _same_dtype_mm(a, b):
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_C_NAMES[a.dtype.name]} != {_C_NAMES[b.dtype.name]}")


def _no_bool(a, kernel="addmm_impl_cpu_", b=None):
    # torch's product kernels return zeros before dispatching on dtype when an operand
    # is empty (an empty result or an empty sum), so bool is refused only otherwise
    if a.dtype.kind == "b" and (b is None or (a.size and b.size)):
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _as_array(r):
    # numpy gives 0-d results as numpy scalars (and only numpy: they are cpu results)
    return r if type(r) in BY_ARRAY_TYPE else _host.asarray(r)




# --- dot, vdot ---------------------------------------------------------------------------

class _Product(Op):
    """A product of two tensors; the backward reads both."""

    args = ("self", "other")
    saves = ("self", "other")


class DotBackward0(_Product):
    @staticmethod
    def forward(xp, a, b):
        return xp.dot(a, b)

    def backward(self, grad):
        a, b = self.saved()
        ga = grad * _conj(b) if self._next[0] is not None else None
        gb = grad * _conj(a) if self._next[1] is not None else None
        return ga, gb


class VdotBackward0(_Product):
    @staticmethod
    def forward(xp, a, b):
        return xp.vdot(a, b)

    def backward(self, grad):
        a, b = self.saved()
        ga = _conj(grad) * b if self._next[0] is not None else None
        gb = grad * a if self._next[1] is not None else None
        return ga, gb


def _check_vectors(a, b, fn):
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.dtype != b.dtype:
        raise RuntimeError(f"{fn} : expected both vectors to have same dtype, but found "
                           f"{_legacy(a.dtype)} and {_legacy(b.dtype)}")
    if a.shape[0] != b.shape[0]:
        n, m = a.shape[0], b.shape[0]
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to "
                           f"have the same number of elements, but got {n} and {m} elements "
                           "respectively")


@public
def dot(input, other, *, out=None):
    backend_of(input, other)  # the device check comes first, as torch's
    _check_tensor(input, "dot", "input", 1)
    _check_tensor(other, "dot", "tensor", 2)
    a, b = input._data, other._data
    _check_vectors(a, b, "dot")
    _no_bool(a, "dot")
    return _into(out, apply(DotBackward0, input, other))


@public
def vdot(input, other, *, out=None):
    backend_of(input, other)
    _check_vectors(input._data, other._data, "vdot")
    return _into(out, apply(VdotBackward0, input, other))


# --- mv, mm, bmm -------------------------------------------------------------------------

class MvBackward0(_Product):
    @staticmethod
    def forward(xp, a, b):
        return xp.matmul(a, b)

    def backward(self, grad):
        mat, vec = self.saved()
        gmat = outer(grad, _conj(vec)) if self._next[0] is not None else None
        gvec = mv(_conj(mat).mT, grad) if self._next[1] is not None else None
        return gmat, gvec


class MmBackward0(_Product):
    @staticmethod
    def forward(xp, a, b):
        # dot() goes straight to BLAS; numpy's matmul dispatch is measurably slower for
        # small and thin matrices (8x for a 100x1 @ 1x32 outer product, 2x for
        # 128x256 @ 256x10), with the same result
        return xp.dot(a, b)

    def backward(self, grad):
        a, b = self.saved()
        ga = _mm_mat1_grad(grad, a, b) if self._next[0] is not None else None
        gb = _mm_mat2_grad(grad, a, b) if self._next[1] is not None else None
        return ga, gb


def _column_major(t):
    """Whether a matrix is laid out column by column (a transposed row-major matrix, like
    the `weight.t()` that linear multiplies by)."""
    a = t._data
    return a.strides[0] == a.itemsize and a.strides[1] == a.shape[0] * a.itemsize


def _mm_mat1_grad(grad, mat1, mat2):
    """grad @ mat2^H, column-major where mat1 is (torch's mm_mat1_backward): a gradient in
    its input's layout reaches a transposed leaf contiguous, ready to accumulate."""
    if _column_major(mat1):
        return mm(_conj(mat2), grad.mT).mT
    return mm(grad, _conj(mat2).mT)


def _mm_mat2_grad(grad, mat1, mat2):
    """mat1^H @ grad, column-major where mat2 is (torch's mm_mat2_backward)."""
    if _column_major(mat2):
        return mm(grad.mT, _conj(mat1)).mT
    return mm(_conj(mat1).mT, grad)


class BmmBackward0(_Product):
    @staticmethod
    def forward(xp, a, b):
        return xp.matmul(a, b)

    def backward(self, grad):
        a, b = self.saved()
        ga = bmm(grad, _conj(b).mT) if self._next[0] is not None else None
        gb = bmm(_conj(a).mT, grad) if self._next[1] is not None else None
        return ga, gb


def _check_mv(a, b):
    if a.ndim == 0:  # torch sizes the result from the matrix first
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if a.ndim != 2 or b.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {b.ndim}")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({a.shape[0]}), mat "
                           f"({a.shape[0]}x{a.shape[1]}), vec ({b.shape[0]})")
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected scalar type {_legacy(a.dtype)} but found "
                           f"{_legacy(b.dtype)}")


@public
def mv(input, vec, *, out=None):
    backend_of(input, vec)
    a, b = input._data, vec._data
    _check_mv(a, b)
    _no_bool(a, "addmv_impl_cpu", b)
    return _into(out, apply(MvBackward0, input, vec))


def _check_mm(a, b):
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    _check_mm_shapes(a.shape, b.shape)
    _same_dtype_mm(a, b)


def _check_mm_shapes(sa, sb):
    if sa[1] != sb[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({sa[0]}x{sa[1]} and "
                           f"{sb[0]}x{sb[1]})")


@public
def mm(input, mat2, *, out=None):
    try:
        a, b = input._data, mat2._data
    except AttributeError:
        _check_tensor(input, "mm", "input", 1)
        _check_tensor(mat2, "mm", "mat2", 2)
        raise
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0] or a.dtype is not b.dtype \
            or a.dtype.kind == "b":
        _check_mm(a, b)
        _no_bool(a, b=b)
    if type(a) is ndarray and type(b) is ndarray:
        # apply's two-tensor path, specialised for cpu arrays (every Linear backward)
        result = _new_object(Tensor)
        result._data = _host_dot(a, b)
        if (input._requires_grad or mat2._requires_grad) and GradMode.enabled:
            record_binary(MmBackward0, input, mat2, result, True)
    else:
        result = apply(MmBackward0, input, mat2)
    return result if out is None else _into(out, result)


def _check_bmm(a, b, first="batch1", second="batch2"):
    if a.ndim != 3:
        raise RuntimeError(f"{first} must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError(f"{second} must be a 3D tensor")
    if b.shape[0] != a.shape[0] or b.shape[1] != a.shape[2]:
        raise RuntimeError(f"Expected size for first two dimensions of {second} tensor to be: "
                           f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, "
                           f"{b.shape[1]}].")
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected scalar type {_legacy(a.dtype)} but found "
                           f"{_legacy(b.dtype)}")


@public
def bmm(input, mat2, *, out=None):
    backend_of(input, mat2)
    a, b = input._data, mat2._data
    _check_bmm(a, b)
    _no_bool(a, "bmm", b)
    return _into(out, apply(BmmBackward0, input, mat2))


# --- matmul ------------------------------------------------------------------------------

class _BroadcastMatmul(_Product):
    """A broadcast matmul with 1-D operands promoted as numpy and torch promote them.
    The gradients come out in the broadcast batch shape; the engine sums them down."""

    fused = "matmul: torch's expand, reshape, bmm and view, named as its top node"

    @staticmethod
    def forward(xp, a, b):
        # numpy may lay a batched product out in its operands' order; torch's is contiguous
        return _layout.contiguous(_as_array(xp.matmul(a, b)))

    def backward(self, grad):
        a, b = self.saved()
        a_vec, b_vec = a.ndim == 1, b.ndim == 1
        if a_vec:
            grad = grad.unsqueeze(-2)
        if b_vec:
            grad = grad.unsqueeze(-1)
        ga = gb = None
        if self._next[0] is not None:
            ga = matmul(grad, _conj(b.unsqueeze(-1) if b_vec else b).mT)
            if a_vec:
                ga = ga.squeeze(-2)
        if self._next[1] is not None:
            gb = self._grad_other(a, a_vec, b, b_vec, grad)
        return ga, gb

    @staticmethod
    def _grad_other(a, a_vec, b, b_vec, grad):
        a2 = _conj(a.unsqueeze(0) if a_vec else a)
        if b.ndim <= 2 < a.ndim:
            # fold the batch into the rows: one product instead of a batch to sum
            k = a.shape[-1]
            gb = matmul(a2.reshape(-1, k).mT, grad.reshape(-1, grad.shape[-1]))
        else:
            gb = matmul(a2.mT, grad)
        return gb.squeeze(-1) if b_vec else gb


class UnsafeViewBackward0(_BroadcastMatmul):
    pass


class SqueezeBackward4(_BroadcastMatmul):
    pass


class CloneBackward0(_BroadcastMatmul):
    pass


def _matmul_node(input, other, sa, sb):
    """The node class torch reports at the top of this product's decomposition."""
    if len(sa) == 1 and len(sb) == 2:
        return SqueezeBackward4
    # torch computes 2-D @ batched as (b^T @ a^T)^T, made contiguous, when a needs grad
    a_matrix = len(sa) == 2 or (len(sa) == 3 and len(sb) == 3 and sa[0] == 1)
    if a_matrix and len(sb) >= 3 and input._requires_grad:
        return CloneBackward0
    return UnsafeViewBackward0


def _check_broadcast_matmul(input, a, b):
    sa, sb = a.shape, b.shape
    if a.ndim >= 3 and b.ndim <= 2:
        rows = a.size // sa[-1] if sa[-1] else 0
        if b.ndim == 1:
            if sa[-1] != sb[0]:
                raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{sa[-1]}), "
                                   f"vec ({sb[0]})")
        else:
            _check_mm_shapes((rows, sa[-1]), sb)
        _same_dtype_mm(a, b)
        return
    if a.ndim == 1 and b.ndim == 2:
        _check_mm_shapes((1, sa[0]), sb)
        _same_dtype_mm(a, b)
        return
    if a.ndim == 2 and b.ndim >= 3 and input._requires_grad:
        rows = b.size // sb[-2] if sb[-2] else 0
        _check_mm_shapes((rows, sb[-2]), (sa[1], sa[0]))
        _same_dtype_mm(a, b)
        return
    batch_a = sa[:-2]
    batch_b = sb[:-2]
    try:
        batch = broadcast_shapes(batch_a, batch_b)
    except ValueError:
        from ._core import broadcast_error
        raise broadcast_error(batch_a, batch_b) from None
    n = 1
    for d in batch:
        n *= d
    k = sa[-1]
    k2 = sb[-2] if b.ndim >= 2 else sb[0]
    if k != k2:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{n}, {k}] but got: [{n}, {k2}].")
    if a.dtype != b.dtype:
        _no_bool(a, "bmm", b)  # torch's bmm dispatches on the first operand's dtype first
        raise RuntimeError(f"expected scalar type {_legacy(a.dtype)} but found "
                           f"{_legacy(b.dtype)}")


@public
def matmul(input, other, *, out=None):
    try:
        a, b = input._data, other._data
    except AttributeError:
        _check_tensor(input, "matmul", "input", 1)
        _check_tensor(other, "matmul", "other", 2)
        raise
    da, db = a.ndim, b.ndim
    if da == 2 and db == 2:
        return mm(input, other, out=out)
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{da}D and {db}D")
    if da == 1 and db == 1:
        return dot(input, other, out=out)
    if da == 2 and db == 1:
        if a.dtype != b.dtype:
            raise RuntimeError(f"addmv input tensors must have the same dtype, but got "
                               f"{_legacy(b.dtype)}, {_legacy(a.dtype)}, and {_legacy(b.dtype)}")
        return mv(input, other, out=out)
    _check_broadcast_matmul(input, a, b)
    _no_bool(a, b=b)
    backend_of(input, other)
    return _into(out, apply(_matmul_node(input, other, a.shape, b.shape), input, other))


def rmatmul(self, other):
    """other @ self, where `other` is not a Tensor (a numpy array)."""
    from ._core import as_tensor_operand
    return matmul(as_tensor_operand(other), self)


# --- fused add-and-multiply --------------------------------------------------------------

class _AddProduct(Op):
    """beta * input + alpha * (mat1 op mat2); the record's `product(xp, a, b)` is the op."""

    args = ("self", "mat1", "mat2")
    saves = ("mat1", "mat2")

    def __init_subclass__(cls, **kwargs):
        product = cls.__dict__.get("product")
        if product is not None:
            cls.forward = staticmethod(partial(_add_product,
                                               getattr(product, "__func__", product)))
        super().__init_subclass__(**kwargs)


def _add_product(product, xp, bias, a, b, beta, alpha):
    return _add_scaled(product(xp, a, b), bias, beta, alpha)


class AddmmBackward0(_AddProduct):
    @staticmethod
    def forward(xp, bias, a, b, beta, alpha):
        # written out rather than made from MmBackward0's forward as the other fused
        # products are: every nn.Linear call runs it, and each call level costs
        return _add_scaled(xp.dot(a, b), bias, beta, alpha)

    def backward(self, grad):
        m1, m2 = self.saved()
        g_in = _scale(grad, self.beta) if self._next[0] is not None else None
        g1 = _scale(_mm_mat1_grad(grad, m1, m2), self.alpha) if self._next[1] is not None \
            else None
        g2 = _scale(_mm_mat2_grad(grad, m1, m2), self.alpha) if self._next[2] is not None \
            else None
        return g_in, g1, g2


class AddmvBackward0(_AddProduct):
    @staticmethod
    def product(xp, a, b):
        return _as_array(xp.matmul(a, b))

    def backward(self, grad):
        mat, vec = self.saved()
        g_in = _scale(grad, self.beta) if self._next[0] is not None else None
        gm = _scale(outer(grad, _conj(vec)), self.alpha) if self._next[1] is not None else None
        gv = _scale(mv(_conj(mat).mT, grad), self.alpha) if self._next[2] is not None else None
        return g_in, gm, gv


class AddrBackward0(_AddProduct):
    @staticmethod
    def product(xp, a, b):
        return xp.multiply.outer(a, b)

    def backward(self, grad):
        v1, v2 = self.saved()
        g_in = _scale(grad, self.beta) if self._next[0] is not None else None
        g1 = _scale(mv(grad, _conj(v2)), self.alpha) if self._next[1] is not None else None
        g2 = _scale(mv(grad.mT, _conj(v1)), self.alpha) if self._next[2] is not None else None
        return g_in, g1, g2


class BaddbmmBackward0(_AddProduct):
    product = BmmBackward0.forward

    def backward(self, grad):
        b1, b2 = self.saved()
        g_in = _scale(grad, self.beta) if self._next[0] is not None else None
        g1 = _scale(bmm(grad, _conj(b2).mT), self.alpha) if self._next[1] is not None else None
        g2 = _scale(bmm(_conj(b1).mT, grad), self.alpha) if self._next[2] is not None else None
        return g_in, g1, g2


class AddbmmBackward0(_AddProduct):
    @staticmethod
    def product(xp, a, b):
        n, k, m = a.shape[1], a.shape[2], b.shape[2]
        if not k:
            return xp.zeros((n, m), a.dtype)
        # one product over the concatenated batch: (n, B*k) @ (B*k, m)
        return xp.matmul(a.transpose(1, 0, 2).reshape(n, -1), b.reshape(-1, m))

    def backward(self, grad):
        b1, b2 = self.saved()
        g_in = _scale(grad, self.beta) if self._next[0] is not None else None
        g1 = g2 = None
        if self._next[1] is not None:
            g1 = _scale(matmul(grad, _conj(b2).mT), self.alpha)
        if self._next[2] is not None:
            g2 = _scale(matmul(_conj(b1).mT, grad), self.alpha)
        return g_in, g1, g2


def _add_scaled(product, input, beta, alpha):
    """beta * input + alpha * product, on arrays; beta == 0 ignores input (even nan)."""
    if alpha != 1:
        product *= alpha
    if beta == 0:
        return product
    term = input if beta == 1 else input * beta
    try:
        product += term
    except ValueError:
        raise _expand_error(product.shape, getattr(input, "shape", ())) from None
    return product


def _expand_error(target, shape):
    """torch's message for `shape` not expanding to `target` (it checks from the right)."""
    sizes, have = ", ".join(map(str, target)), ", ".join(map(str, shape))
    lead = len(target) - len(shape)
    for i in range(len(shape) - 1, -1, -1):
        if shape[i] != 1 and shape[i] != target[lead + i]:
            return RuntimeError(f"The expanded size of the tensor ({target[lead + i]}) must "
                                f"match the existing size ({shape[i]}) at non-singleton "
                                f"dimension {lead + i}.  Target sizes: [{sizes}].  Tensor "
                                f"sizes: [{have}]")
    return RuntimeError(f"expand: cannot expand [{have}] to [{sizes}]")


def _check_input_dtype(input, mat, second="mat2"):
    if input._data.dtype != mat.dtype:
        raise RuntimeError(f"self and {second} must have the same dtype, but got "
                           f"{_legacy(input._data.dtype)} and {_legacy(mat.dtype)}")


def _fused(node_cls, input, x, y, beta, alpha, out):
    return _into(out, apply(node_cls, input, x, y, beta=beta, alpha=alpha))


_UNSCALED = {"beta": 1, "alpha": 1}  # the attributes of nn.Linear's addmm record


@public(inplace="method")
def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    a, b = mat1._data, mat2._data
    bias = input._data
    if beta == 1 and alpha == 1 and out is None and a.ndim == 2 and b.ndim == 2 and \
            a.shape[1] == b.shape[0] and a.dtype is b.dtype and bias.dtype is a.dtype and \
            a.dtype.kind == "f" and bias.ndim <= 2 and type(a) is type(b) is type(bias):
        # nn.Linear's call with well-formed operands: the checks below cannot fail, and
        # apply's general path is specialised (the record and its parameters are apply's)
        result = _new_object(Tensor)
        if type(a) is ndarray:  # the forward with beta = alpha = 1, inlined
            r = _host_dot(a, b)
            try:
                r += bias
            except ValueError:
                raise _expand_error(r.shape, bias.shape) from None
            result._data = r
        else:
            result._data = AddmmBackward0.forward(_xp_of(a), bias, a, b, 1, 1)
        if GradMode.enabled and (input._requires_grad or mat1._requires_grad
                                 or mat2._requires_grad):
            record(AddmmBackward0, (input, mat1, mat2), result, (mat1, mat2), _UNSCALED)
        return result
    backend_of(input, mat1, mat2)  # torch's error for operands on different devices
    if a.ndim != 2:
        raise RuntimeError(f"mat1 must be a matrix, got {a.ndim}-D tensor")
    if b.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix, got {b.ndim}-D tensor")
    _check_mm_shapes(a.shape, b.shape)
    _same_dtype_mm(a, b)
    _check_input_dtype(input, b)
    _no_bool(a)
    return _fused(AddmmBackward0, input, mat1, mat2, beta, alpha, out)


@public(inplace="both")
def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    backend_of(input, mat, vec)
    a, b = mat._data, vec._data
    _check_mv(a, b)
    _check_input_dtype(input, a, "mat")
    _no_bool(a)
    return _fused(AddmvBackward0, input, mat, vec, beta, alpha, out)


@public(inplace="method")
def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    backend_of(input, vec1, vec2)
    a, b = vec1._data, vec2._data
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"addr: Expected 1-D argument vec{1 if a.ndim != 1 else 2}, but "
                           f"got {a.ndim if a.ndim != 1 else b.ndim}-D")
    return _fused(AddrBackward0, input, vec1, vec2, beta, alpha, out)


@public(inplace="method")
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    backend_of(input, batch1, batch2)
    a, b = batch1._data, batch2._data
    _check_bmm(a, b)
    _no_bool(a)
    return _fused(BaddbmmBackward0, input, batch1, batch2, beta, alpha, out)


@public(inplace="method")
def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    backend_of(input, batch1, batch2)
    a, b = batch1._data, batch2._data
    _check_bmm(a, b)
    _no_bool(a)
    return _fused(AddbmmBackward0, input, batch1, batch2, beta, alpha, out)


# --- outer, inner, tensordot, kron -------------------------------------------------------

@public
def outer(input, vec2, *, out=None):
    for name, v in (("self", input), ("vec2", vec2)):
        if v._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v._data.ndim}-D")
    return _into(out, input.reshape(-1, 1) * vec2)


ger = public(outer, name="ger")


@public
def inner(input, other, *, out=None):
    if input._data.ndim == 0 or other._data.ndim == 0:
        return _into(out, input * other)
    if input._data.shape[-1] != other._data.shape[-1]:
        sa, sb = input._data.shape, other._data.shape
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but "
                           f"got shapes {list(sa)} and {list(sb)}")
    return _into(out, tensordot(input, other, ([-1], [-1])))


def _tensordot_dims(dims, na, nb):
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(na, nb):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        return list(range(na - dims, na)), list(range(dims))
    dims_a, dims_b = dims
    dims_a = [dims_a] if isinstance(dims_a, int) else list(dims_a)
    dims_b = [dims_b] if isinstance(dims_b, int) else list(dims_b)
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    return [d % na for d in dims_a], [d % nb for d in dims_b]


@public
def tensordot(a, b, dims=2, out=None):
    """Contract `dims` of a with those of b, as torch does: permute, fold, mm, unfold."""
    if a._data.dtype != b._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    sa, sb = a._data.shape, b._data.shape
    dims_a, dims_b = _tensordot_dims(dims, len(sa), len(sb))
    k = 1
    for da, db in zip(dims_a, dims_b):
        if sa[da] != sb[db]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{sa[da]} in dim {da - len(sa)} and second has size {sb[db]} "
                               f"in dim {db}")
        k *= sa[da]
    free_a = [d for d in range(len(sa)) if d not in dims_a]
    free_b = [d for d in range(len(sb)) if d not in dims_b]
    rows = [sa[d] for d in free_a]
    cols = [sb[d] for d in free_b]
    left = a.permute(free_a + dims_a).reshape(_prod(rows), k)
    right = b.permute(dims_b + free_b).reshape(k, _prod(cols))
    return _into(out, mm(left, right).reshape(rows + cols))


def _prod(sizes):
    n = 1
    for s in sizes:
        n *= s
    return n


@public
def kron(input, other, *, out=None):
    na, nb = input._data.ndim, other._data.ndim
    n = max(na, nb)
    a = input.reshape((1,) * (n - na) + input._data.shape)
    b = other.reshape((1,) * (n - nb) + other._data.shape)
    # interleave: a's dim i goes before b's dim i, then fold each pair
    a_shape, b_shape = [], []
    for da, db in zip(a._data.shape, b._data.shape):
        a_shape += [da, 1]
        b_shape += [1, db]
    product = a.reshape(a_shape) * b.reshape(b_shape)
    shape = [da * db for da, db in zip(a._data.shape, b._data.shape)]
    return _into(out, product.reshape(shape))


# --- cross, trace -----------------------------------------------------------------------

class LinalgCrossBackward0(_Product):
    @staticmethod
    def forward(xp, a, b, dim):
        return _layout.contiguous(xp.cross(a, b, axis=dim))

    def backward(self, grad):
        a, b = self.saved()
        ga = linalg_cross(b, grad, dim=self.dim) if self._next[0] is not None else None
        gb = linalg_cross(grad, a, dim=self.dim) if self._next[1] is not None else None
        return _conj(ga) if ga is not None else None, _conj(gb) if gb is not None else None


def linalg_cross(input, other, *, dim=-1, out=None):
    backend_of(input, other)
    a, b = input._data, other._data
    if a.ndim != b.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = dim + a.ndim if dim < 0 else dim
    if a.shape[d] != 3 or b.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{a.shape[d]} and {b.shape[d]}")
    return _into(out, apply(LinalgCrossBackward0, input, other, dim=d))


@public
def cross(input, other, dim=None, *, out=None):
    if dim is None:
        import warnings
        warnings.warn(
            "Using torch.cross without specifying the dim arg is deprecated.\nPlease either "
            "pass the dim explicitly or simply use torch.linalg.cross.\nThe default value of "
            "dim will change to agree with that of linalg.cross in a future release.",
            UserWarning, stacklevel=2)
        shape = broadcast_shapes(input._data.shape, other._data.shape)
        dim = next((i for i, s in enumerate(shape) if s == 3), -1)
    return linalg_cross(input, other, dim=dim, out=out)


class TraceBackward0(Op):
    @staticmethod
    def forward(xp, a, shape, dtype):
        acc = D.int64._np if a.dtype.kind in "biu" else a.dtype
        return xp.asarray(xp.trace(a, dtype=acc))

    def backward(self, grad):
        xp = _xp_of(grad)
        n, m = self.shape
        eye = _wrap(xp.eye(n, m, dtype=self.dtype))
        return (grad * eye,)


@public
def trace(input):
    a = input._data
    if a.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {a.ndim}")
    return apply(TraceBackward0, input, shape=a.shape, dtype=a.dtype)


# --- einsum ------------------------------------------------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


class _EinsumBackward(Op):
    """einsum of the operands with subscripts `subs` into `out_sub`.  d out / d operand_i
    is itself an einsum: the output gradient contracted with the other operands, written
    out to operand i's subscripts."""

    fused = "einsum: torch's permutes, sums, muls and bmm, named as its top node"
    saves = "inputs"

    @staticmethod
    def forward(xp, *arrays, subs, out_sub, sizes):
        eq = ",".join(subs) + "->" + out_sub
        big = len(arrays) > 1 and sum(a.size for a in arrays) > 4096
        r = xp.einsum(eq, *arrays, optimize=big)
        if type(r) not in BY_ARRAY_TYPE:
            return xp.asarray(r)
        backend = BY_ARRAY_TYPE[type(r)]
        if any(backend.may_share_memory(r, a) for a in arrays):
            r = r.copy()
        return r

    def backward(self, grad):
        operands = self.saved()
        grads = []
        for i in range(len(operands)):
            if self._next[i] is None:
                grads.append(None)
                continue
            grads.append(_einsum_grad(grad, operands, i, self.subs, self.out_sub, self.sizes))
        return tuple(grads)


# torch decomposes einsum into permutes, sums, muls and bmm; its top node is one of these
_EINSUM_NODES = {name: type(name, (_EinsumBackward,), {"__module__": __name__})
                 for name in ("SumBackward1", "PermuteBackward0", "ViewBackward0",
                              "MulBackward0")}


def _einsum_node(subs, out_sub):
    letters = set("".join(subs))
    if len(subs) == 1:
        return _EINSUM_NODES["SumBackward1" if len(set(out_sub)) < len(letters)
                             else "PermuteBackward0"]
    return _EINSUM_NODES["ViewBackward0" if letters - set(out_sub) else "MulBackward0"]


def _einsum_grad(grad, operands, i, subs, out_sub, sizes):
    xp = _xp_of(grad)
    target = subs[i]
    terms = [out_sub] + [s for j, s in enumerate(subs) if j != i]
    tensors = [grad] + [t for j, t in enumerate(operands) if j != i]
    fresh = iter(c for c in _LETTERS if c not in sizes)
    # a repeated subscript (a diagonal) gets a fresh letter tied to it by an identity
    renamed = []
    for c in target:
        if c in renamed:
            d = next(fresh)
            terms.append(c + d)
            tensors.append(_wrap(xp.eye(sizes[c], dtype=grad._data.dtype)))
            c = d
        renamed.append(c)
    # a subscript summed away in operand i alone: its gradient is broadcast along it
    present = set("".join(terms))
    for c in renamed:
        if c not in present:
            terms.append(c)
            tensors.append(_wrap(xp.ones(sizes[c], dtype=grad._data.dtype)))
    g = einsum(",".join(terms) + "->" + "".join(renamed), *tensors)
    # a size-1 dimension broadcast against a larger one: sum it; the reverse: expand
    shape = operands[i]._data.shape
    summed = [k for k, (s, n) in enumerate(zip(shape, g._data.shape)) if s == 1 and n != 1]
    if summed:
        g = g.sum(summed, keepdim=True)
    if g._data.shape != shape:
        g = g.expand(shape)
    return g


def _sublist_equation(args):
    """einsum(op0, [0, 1], op1, [1, 2], [0, 2]) as an equation and operands."""
    def letters(sub):
        return "".join("..." if s is Ellipsis else _LETTERS[s] for s in sub)
    operands = list(args[0::2])
    subs = [letters(s) for s in args[1::2]]
    out = None
    if len(subs) > len(operands) or (len(args) % 2 == 1):
        out = letters(args[-1])
        operands = list(args[0:-1:2])
        subs = [letters(s) for s in args[1:-1:2]]
    equation = ",".join(subs) + ("->" + out if out is not None else "")
    return equation, operands


def _expand_ellipsis(term, ndim, index, ell):
    """A term's subscripts with '...' spelled out in the letters `ell` (rightmost first)."""
    if "..." in term:
        if term.count(".") != 3:
            raise RuntimeError(f"einsum(): found '.' for operand {index} that is not part of "
                               "any ellipsis")
        n_letters = len(term) - 3
        if n_letters > ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation "
                               f"({n_letters}) is more than the number of dimensions ({ndim}) "
                               f"for operand {index}")
        n_ell = ndim - n_letters
        return term.replace("...", ell[len(ell) - n_ell:] if n_ell else "")
    if "." in term:
        raise RuntimeError(f"einsum(): found '.' for operand {index} that is not part of any "
                           "ellipsis")
    if len(term) != ndim:
        raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(term)}) "
                           f"does not match the number of dimensions ({ndim}) for operand "
                           f"{index} and no ellipsis was given")
    return term


def _parse_einsum(equation, operands):
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) > len(operands):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the "
                           "equation")
    if len(terms) < len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the "
                           "equation")
    n_ell = max((op._data.ndim - (len(t) - 3) for t, op in zip(terms, operands) if "..." in t),
                default=0)
    unused = [c for c in _LETTERS if c not in equation]
    ell = "".join(unused[:n_ell])
    subs = [_expand_ellipsis(t, op._data.ndim, i, ell)
            for i, (t, op) in enumerate(zip(terms, operands))]
    if arrow:
        out_sub = rhs.replace("...", ell)
        for c in out_sub:
            if out_sub.count(c) > 1:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in "
                                   "the output")
            if c not in lhs and c not in ell:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the "
                                   "equation for any input operand")
    else:
        once = sorted(c for c in set(lhs) if c.isalpha() and lhs.count(c) == 1)
        out_sub = ell + "".join(once)
    return subs, out_sub


def _einsum_sizes(subs, operands):
    sizes = {}
    for i, (sub, op) in enumerate(zip(subs, operands)):
        for c, n in zip(sub, op._data.shape):
            seen = sizes.get(c)
            if seen is None or seen == 1:
                sizes[c] = n
            elif n != seen and n != 1:
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {i} "
                                   f"which does not broadcast with previously seen size {seen}")
    return sizes


@public
def einsum(*args):
    if args and not isinstance(args[0], str):
        equation, operands = _sublist_equation(args)
    else:
        equation, operands = args[0], list(args[1:])
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = list(operands[0])
    subs, out_sub = _parse_einsum(equation, operands)
    sizes = _einsum_sizes(subs, operands)
    arrays = [op._data for op in operands]
    for a in arrays[1:]:
        if a.dtype != arrays[0].dtype:
            raise RuntimeError(f"expected scalar type {_legacy(arrays[0].dtype)} but found "
                               f"{_legacy(a.dtype)}")
    if arrays[0].dtype.kind == "b" and len(arrays) > 1 and all(a.size for a in arrays):
        raise NotImplementedError("\"bmm\" not implemented for 'Bool'")
    return apply(_einsum_node(subs, out_sub), *operands, subs=subs, out_sub=out_sub,
                 sizes=sizes)


@public
def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """Pairwise p-norm distances between the rows of x1 and x2 (batched over leading dims)."""
    if x1.dim() < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.dim()}D")
    if x2.dim() < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X2 got: {x2.dim()}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    # composed of broadcast differences and a vector norm, whose backward sends zero
    # gradient where a distance is zero, as CdistBackward0 does
    d = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    from .reduction import vector_norm
    return vector_norm(d, p, dim=-1)
