"""Matrix products, einsum and torch.linalg against the PyTorch oracle."""
import numpy as np
import pytest
from harness import check, check_error, noncontig, randn

import taimatsu as tm

F32 = np.float32


def _spd(n, batch=()):
    a = randn(*batch, n, n)
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


# --- matmul and its decompositions -------------------------------------------------------

MATMUL_SHAPES = [
    ((3,), (3,)), ((2, 3), (3, 4)), ((2, 3), (3,)), ((3,), (3, 4)), ((5, 2, 3), (3, 4)),
    ((5, 2, 3), (5, 3, 4)), ((2, 3), (5, 3, 4)), ((3,), (5, 3, 4)), ((5, 2, 3), (3,)),
    ((1, 2, 3), (5, 3, 4)), ((2, 1, 2, 3), (5, 3, 4)), ((5, 2, 3), (1, 3, 4)),
]


@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES)
def test_matmul_shapes(sa, sb):
    check(lambda m, a, b: m.matmul(a, b), [randn(*sa), randn(*sb)])


@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES)
def test_matmul_node_name(oracle, sa, sb):
    names = []
    for m in (tm, oracle):
        a = m.tensor(randn(*sa), requires_grad=True)
        b = m.tensor(randn(*sb), requires_grad=True)
        names.append(type((a @ b).grad_fn).__name__)
    assert names[0] == names[1]


def test_matmul_float32_stays_float32():
    check(lambda m, a, b: a @ b, [randn(4, 5, dtype=F32), randn(5, 3, dtype=F32)])


def test_matmul_noncontiguous_and_int():
    check(lambda m, a, b: a @ b, [noncontig(randn(4, 5)), noncontig(randn(5, 3))])
    check(lambda m, a, b: a @ b, [np.arange(6).reshape(2, 3), np.arange(3)], grad=False)


def test_rmatmul_numpy():
    b = tm.randn(3, 2)
    a = np.ones((2, 3), F32)
    assert (a @ b).shape == (2, 2)


@pytest.mark.parametrize("fn,shapes", [
    (lambda m, a, b: m.mm(a, b), [(2, 3), (3, 4)]),
    (lambda m, a, b: m.bmm(a, b), [(4, 2, 3), (4, 3, 5)]),
    (lambda m, a, b: m.mv(a, b), [(2, 3), (3,)]),
    (lambda m, a, b: m.dot(a, b), [(3,), (3,)]),
    (lambda m, a, b: m.vdot(a, b), [(3,), (3,)]),
    (lambda m, a, b: m.inner(a, b), [(2, 3), (4, 3)]),
    (lambda m, a, b: m.outer(a, b), [(3,), (4,)]),
    (lambda m, a, b: a.ger(b), [(3,), (4,)]),
    (lambda m, a, b: m.kron(a, b), [(2, 3), (3, 2)]),
    (lambda m, a, b: m.kron(a, b), [(2,), (3, 2)]),
    (lambda m, a, b: m.tensordot(a, b, dims=2), [(2, 3, 4), (3, 4, 5)]),
    (lambda m, a, b: m.tensordot(a, b, dims=([0, 2], [1, 0])), [(2, 3, 4), (4, 2, 5)]),
    (lambda m, a, b: m.tensordot(a, b, dims=0), [(2,), (3,)]),
    (lambda m, a, b: m.cross(a, b, dim=1), [(4, 3), (4, 3)]),
    (lambda m, a, b: m.linalg.cross(a, b), [(4, 3), (1, 3)]),
])
def test_products(fn, shapes):
    check(fn, [randn(*s) for s in shapes])


def test_trace():
    check(lambda m, a: m.trace(a), [randn(3, 4)])
    check(lambda m, a: m.trace(a), [np.arange(9).reshape(3, 3)], grad=False)


@pytest.mark.parametrize("fn,shapes", [
    (lambda m, c, a, b: m.addmm(c, a, b), [(2, 4), (2, 3), (3, 4)]),
    (lambda m, c, a, b: m.addmm(c, a, b, beta=0.5, alpha=2.0), [(4,), (2, 3), (3, 4)]),
    (lambda m, c, a, b: m.addmv(c, a, b, alpha=3), [(2,), (2, 3), (3,)]),
    (lambda m, c, a, b: m.addr(c, a, b, beta=2), [(3, 4), (3,), (4,)]),
    (lambda m, c, a, b: m.baddbmm(c, a, b, alpha=0.5), [(5, 2, 4), (5, 2, 3), (5, 3, 4)]),
    (lambda m, c, a, b: m.addbmm(c, a, b, beta=1.5), [(2, 4), (5, 2, 3), (5, 3, 4)]),
])
def test_fused_products(oracle, fn, shapes):
    check(fn, [randn(*s) for s in shapes])
    ins = [randn(*s) for s in shapes]
    names = [type(fn(m, *[m.tensor(a, requires_grad=True) for a in ins]).grad_fn).__name__
             for m in (tm, oracle)]
    assert names[0] == names[1]


def test_addmm_beta_zero_ignores_nan():
    check(lambda m, c, a, b: m.addmm(c, a, b, beta=0), [np.full((2, 2), np.nan), randn(2, 3),
                                                       randn(3, 2)], requires_grad=[False, 1, 1])


def test_addmm_inplace():
    check(lambda m, c, a, b: c.clone().addmm_(a, b), [randn(2, 4), randn(2, 3), randn(3, 4)])


MATMUL_ERRORS = [
    ((2, 3), (2, 3)), ((2, 3), (2,)), ((4, 2, 3), (5, 3, 4)), ((4, 2, 3), (4, 2, 4)),
    ((3,), (4,)), ((), (3,)), ((3,), ()), ((3,), (4, 5)), ((5, 2, 3), (4, 5)),
    ((5, 2, 3), (4,)), ((4,), (5, 3, 5)),
]


@pytest.mark.parametrize("sa,sb", MATMUL_ERRORS)
def test_matmul_errors(sa, sb):
    check_error(lambda m, a, b: m.matmul(a, b), [randn(*sa), randn(*sb)])


@pytest.mark.parametrize("fn,arrays", [
    (lambda m, a, b: m.mm(a, b), [randn(2, 3), randn(2, 3)]),
    (lambda m, a, b: m.mm(a, b), [randn(2, 3), randn(3)]),
    (lambda m, a, b: m.mm(a, b), [randn(2, 3, 3), randn(3, 3)]),
    (lambda m, a, b: m.bmm(a, b), [randn(2, 3), randn(3, 3)]),
    (lambda m, a, b: m.bmm(a, b), [randn(2, 2, 3), randn(3, 3, 3)]),
    (lambda m, a, b: m.mv(a, b), [randn(2, 3), randn(4)]),
    (lambda m, a, b: m.mv(a, b), [randn(2, 3), randn(3, 1)]),
    (lambda m, a, b: m.dot(a, b), [randn(3), randn(4)]),
    (lambda m, a, b: m.dot(a, b), [randn(3, 1), randn(3)]),
    (lambda m, a, b: m.dot(a, b), [randn(3, dtype=F32), randn(3)]),
    (lambda m, a, b: m.matmul(a, b), [randn(2, 3, dtype=F32), randn(3, 4)]),
    (lambda m, a, b: m.matmul(a, b), [randn(2, 3, dtype=F32), randn(3)]),
    (lambda m, a, b: m.matmul(a, b), [randn(5, 2, 3, dtype=F32), randn(5, 3, 4)]),
    (lambda m, a, b: m.matmul(a, b), [np.ones((2, 3), bool), np.ones((3, 2), bool)]),
    (lambda m, a, b: m.matmul(a, b), [np.ones((2, 3), np.int32), np.ones((3, 2), np.int64)]),
    (lambda m, c, a: m.addmm(c, a, a), [randn(2, 4), randn(2, 3)]),
    (lambda m, c, a: m.addmm(c, a, a.t()), [randn(3, 4), randn(2, 3)]),
    (lambda m, a, b: m.outer(a, b), [randn(3, 1), randn(4)]),
    (lambda m, a: m.trace(a), [randn(3)]),
    (lambda m, a, b: m.linalg.cross(a, b), [randn(3, 2), randn(3, 2)]),
    (lambda m, a, b: m.tensordot(a, b, dims=1), [randn(2, 3), randn(4, 5)]),
])
def test_product_errors(fn, arrays):
    check_error(fn, arrays)


# --- einsum ------------------------------------------------------------------------------

EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ii", [(3, 3)]), ("ii->i", [(3, 3)]),
    ("ij->ji", [(2, 3)]), ("bij,bjk->bik", [(5, 2, 3), (5, 3, 4)]), ("i,i", [(3,), (3,)]),
    ("i,j->ij", [(3,), (4,)]), ("ij->", [(3, 4)]), ("ij->i", [(3, 4)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]), ("...ij,...jk->...ik", [(5, 2, 3), (3, 4)]),
    ("...i,...i", [(5, 2, 3), (2, 3)]), ("Ab,ba", [(2, 3), (3, 2)]), ("ij,jk", [(2, 1), (3, 4)]),
    ("i...j->j...i", [(2, 3, 4, 5)]), ("iij->j", [(3, 3, 2)]), ("ij,ij->ij", [(2, 3), (2, 3)]),
]


@pytest.mark.parametrize("eq,shapes", EINSUM_CASES)
def test_einsum(oracle, eq, shapes):
    check(lambda m, *ops: m.einsum(eq, *ops), [randn(*s) for s in shapes])
    ins = [randn(*s) for s in shapes]
    names = [type(m.einsum(eq, *[m.tensor(a, requires_grad=True) for a in ins]).grad_fn)
             .__name__ for m in (tm, oracle)]
    assert names[0] == names[1]


def test_einsum_list_and_sublist():
    check(lambda m, a, b: m.einsum("ij,jk", [a, b]), [randn(2, 3), randn(3, 4)])
    check(lambda m, a, b: m.einsum(a, [0, 1], b, [1, 2], [0, 2]), [randn(2, 3), randn(3, 4)])


@pytest.mark.parametrize("eq,shapes", [
    ("ij,jk->ik", [(2, 3), (4, 4)]), ("ij,jk->ik", [(2, 3)]), ("ijk->ik", [(2, 3)]),
    ("i...jk,jk", [(2, 3), (3, 4)]), ("ij->k", [(2, 3)]), ("ij->ii", [(2, 3)]),
    ("i.j", [(2, 3)]), ("ij,jk", [(2, 3), (3, 4), (2,)]),
])
def test_einsum_errors(eq, shapes):
    check_error(lambda m, *ops: m.einsum(eq, *ops), [randn(*s) for s in shapes])


# --- torch.linalg ------------------------------------------------------------------------

def _sym(m, a):
    return (a + a.mT) / 2


LINALG_CASES = [
    (lambda m, a: m.linalg.det(a), [randn(3, 3)]),
    (lambda m, a: m.det(a), [randn(2, 3, 3)]),
    (lambda m, a: m.linalg.slogdet(a), [randn(3, 3)]),
    (lambda m, a: m.logdet(a), [_spd(3)]),
    (lambda m, a: m.linalg.inv(a), [randn(2, 3, 3)]),
    (lambda m, a: a.inverse(), [randn(3, 3)]),
    (lambda m, a, b: m.linalg.solve(a, b), [randn(3, 3), randn(3, 2)]),
    (lambda m, a, b: m.linalg.solve(a, b), [randn(2, 3, 3), randn(2, 3)]),
    (lambda m, a, b: m.linalg.solve(a, b, left=False), [randn(3, 3), randn(2, 3)]),
    (lambda m, a: m.linalg.cholesky(a), [_spd(3)]),
    (lambda m, a: m.linalg.cholesky(a, upper=True), [_spd(3, (2,))]),
    (lambda m, a: m.linalg.matrix_power(a, 3), [randn(3, 3)]),
    (lambda m, a: m.linalg.matrix_power(a, -2), [randn(3, 3)]),
    (lambda m, a: m.linalg.matrix_power(a, 0), [randn(3, 3)]),
    (lambda m, a, b, c: m.linalg.multi_dot([a, b, c]), [randn(3), randn(3, 4), randn(4, 5)]),
    (lambda m, a: m.linalg.pinv(a), [randn(4, 3)]),
    (lambda m, a: m.linalg.pinv(a), [randn(3, 4)]),
    (lambda m, a: m.linalg.vector_norm(a, 3, dim=1), [randn(3, 4)]),
    (lambda m, a: m.linalg.matrix_norm(a), [randn(3, 4)]),
    (lambda m, a: m.linalg.matrix_norm(a, 1), [randn(2, 3, 4)], False),
    (lambda m, a: m.linalg.matrix_norm(a, float("inf"), keepdim=True), [randn(3, 4)], False),
    (lambda m, a: m.linalg.matrix_norm(a, "nuc"), [randn(3, 4)]),
    (lambda m, a: m.linalg.matrix_norm(a, 2), [randn(4, 3)]),
    (lambda m, a: m.linalg.norm(a), [randn(3, 4)]),
    (lambda m, a: m.linalg.norm(a, 1), [randn(4)], False),
    (lambda m, a: m.linalg.norm(a, "fro", dim=(0, 1)), [randn(3, 4, 2)]),
    (lambda m, a: m.linalg.svdvals(a), [randn(4, 3)]),
    (lambda m, a: m.linalg.eigh(_sym(m, a)).eigenvalues, [randn(4, 4)]),
]


@pytest.mark.parametrize("fn,arrays,gradgrad", [c if len(c) == 3 else c + (True,)
                                                for c in LINALG_CASES])
def test_linalg_ops(fn, arrays, gradgrad):
    # piecewise-linear norms: torch's second derivative is a ZeroTensor the harness can't read
    check(fn, arrays, atol=1e-8, gradgrad=gradgrad)


def test_lstsq():
    check(lambda m, a, b: m.linalg.lstsq(a, b).solution, [randn(5, 3), randn(5, 2)], atol=1e-8)


def _sign_fixed(m, vectors):
    """Eigen/singular vectors are defined up to sign: make the first row positive."""
    return vectors * m.sign(vectors[..., :1, :])


def test_eigh_vectors():
    check(lambda m, a: _sign_fixed(m, m.linalg.eigh(_sym(m, a))[1]), [randn(4, 4)], atol=1e-8)


def test_svd():
    def fn(m, a):
        u, s, vh = m.linalg.svd(a, full_matrices=False)
        sign = m.sign(u[..., :1, :])
        return u * sign, s, vh * sign.mT
    check(fn, [randn(4, 3)], atol=1e-8)
    check(fn, [randn(3, 5)], atol=1e-8)


def test_qr():
    check(lambda m, a: tuple(m.linalg.qr(a)), [randn(4, 3)], atol=1e-8)
    check(lambda m, a: tuple(m.linalg.qr(a)), [randn(3, 3)], atol=1e-8)


def test_matrix_rank_and_return_types(oracle):
    a = randn(4, 3)
    a[:, 2] = a[:, 0]
    assert tm.linalg.matrix_rank(tm.tensor(a)).item() == oracle.linalg.matrix_rank(
        oracle.tensor(a)).item()
    q = tm.linalg.qr(tm.randn(3, 3))
    assert type(q).__name__ == "linalg_qr" and q.Q.shape == (3, 3)
    assert tm.linalg.vector_norm is tm._ops.reduction.vector_norm


@pytest.mark.parametrize("fn,arrays", [
    (lambda m, a: m.linalg.inv(a), [randn(2, 3)]),
    (lambda m, a: m.linalg.inv(a), [np.ones((3, 3), np.int64)]),
    (lambda m, a: m.linalg.det(a), [randn(2, 3)]),
    (lambda m, a, b: m.linalg.solve(a, b), [randn(3, 3), randn(4)]),
    (lambda m, a: m.linalg.matrix_power(a, 2), [randn(2, 3)]),
    (lambda m, a: m.linalg.matrix_norm(a), [randn(3)]),
    (lambda m, a: m.linalg.norm(a, ord=2), [randn(3, 3, 3)]),
    (lambda m, a: m.linalg.multi_dot([a]), [randn(3)]),
])
def test_linalg_errors(fn, arrays):
    check_error(fn, arrays)


@pytest.mark.parametrize("fn,arrays", [
    (lambda m, a: m.linalg.inv(a), [np.zeros((3, 3))]),
    (lambda m, a: m.linalg.inv(a), [np.array([[1.0, 2.0], [2.0, 4.0]])]),
    (lambda m, a, b: m.linalg.solve(a, b), [np.zeros((3, 3)), randn(3)]),
    (lambda m, a: m.linalg.cholesky(a), [-np.eye(3)]),
    (lambda m, a: m.linalg.cholesky(a), [np.diag([1.0, 1.0, -1.0])]),
])
def test_linalg_singular_errors(oracle, fn, arrays):
    """torch raises torch.linalg.LinAlgError (a RuntimeError); so do we, with its text."""
    with pytest.raises(oracle.linalg.LinAlgError) as theirs:
        fn(oracle, *[oracle.tensor(a) for a in arrays])
    with pytest.raises(tm.linalg.LinAlgError) as ours:
        fn(tm, *[tm.tensor(a) for a in arrays])
    assert str(ours.value) == str(theirs.value)


def test_linalg_error_type():
    with pytest.raises(tm.linalg.LinAlgError):
        tm.linalg.inv(tm.zeros(3, 3))
    assert issubclass(tm.linalg.LinAlgError, RuntimeError)


# --- speed: a large product is one numpy call ------------------------------------------

def test_large_matmul_is_the_numpy_product():
    # one BLAS call in float32, no detour: bit for bit numpy's product (its cost against
    # numpy's is measured by benchmarks/run.py, not asserted here: timings are noisy)
    a = np.random.default_rng(0).standard_normal((512, 512)).astype(F32)
    ta, tb = tm.from_numpy(a), tm.from_numpy(a.T.copy())
    r = ta @ tb
    assert r.dtype == tm.float32 and r.is_contiguous()
    np.testing.assert_array_equal(r.numpy(), a @ tb.numpy())


# regressions found by tests/test_fuzz.py

@pytest.mark.parametrize("call", [
    lambda m, a, b: m.dot(a[0], a[0]), lambda m, a, b: a[0] @ a[0], lambda m, a, b: m.mv(a, b),
    lambda m, a, b: m.mv(a[0, 0], b), lambda m, a, b: m.mv(a, b[0])])
def test_bool_and_zero_dim_errors(call):
    check_error(call, [np.array([[True, False], [True, True]]), np.array([True, False])])


@pytest.mark.parametrize("sa, sb", [
    ((3, 0), (0, 2)), ((0, 2), (2, 3)), ((3, 2), (2, 0)), ((2, 3, 0), (0, 2)), ((3, 0), (0,)),
    ((0,), (0, 3)), ((2, 2, 0), (2, 0, 3)), ((2, 0, 2), (2, 2))])
def test_bool_products_of_empty_operands(sa, sb):
    # torch returns (False) zeros before refusing bool when an operand is empty
    a, b = np.ones(sa, bool), np.ones(sb, bool)
    check(lambda m, x, y: m.matmul(x, y), [a, b])
    if len(sa) == len(sb) == 2:
        check(lambda m, x, y: m.mm(x, y), [a, b])
        check(lambda m, x, y: m.einsum("ij,jk->ik", x, y), [a, b])
    if len(sa) == 2 and len(sb) == 1:
        check(lambda m, x, y: m.mv(x, y), [a, b])


def test_bool_bmm_error():
    check_error(lambda m, x, y: m.bmm(x, y), [np.ones((1, 3, 2), bool), np.ones((1, 2, 2), bool)])
    check(lambda m, x, y: m.bmm(x, y), [np.ones((1, 3, 0), bool), np.ones((1, 0, 2), bool)])
