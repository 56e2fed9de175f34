"""Extra torch functions (taimatsu/_ops/extra.py) against the oracle."""
import numpy as np
import pytest
from harness import check, check_error, noncontig, randint, randn

import taimatsu as tm


def crandn(*shape):
    return randn(*shape) + 1j * randn(*shape)


def test_view_as_real_complex_values_and_grads():
    check(lambda m, x: m.view_as_real(x) * 2, [crandn(3, 2)])
    check(lambda m, x: m.view_as_complex(x) * (1 + 2j), [randn(4, 2)])
    check(lambda m, x: m.view_as_complex(x), [randn(2, 3, 2).astype(np.float32)])
    check(lambda m, x: m.view_as_real(x), [crandn().astype(np.complex64)])


def test_view_as_strided_inputs():
    check(lambda m, x: m.view_as_real(x.t()), [crandn(3, 4)])
    check(lambda m, x: m.view_as_complex(x[2:6].reshape(2, 2)), [randn(6)])
    x = tm.zeros(3, 4, dtype=tm.complex128)
    assert tm.view_as_real(x.t()).stride() == (2, 8, 1)


def test_view_as_real_shares_memory():
    x = tm.zeros(3, dtype=tm.complex128)
    r = tm.view_as_real(x)
    r[1, 1] = 5.0
    assert x[1].item() == 5j
    c = tm.view_as_complex(r)
    c[0] = 1 + 1j
    assert x[0].item() == 1 + 1j
    assert r._base is x and c._base is x


@pytest.mark.parametrize("case", [
    (lambda m: m.view_as_real(m.ones(3))),
    (lambda m: m.view_as_complex(m.ones(3))),
    (lambda m: m.view_as_complex(m.ones(3, 2, dtype=m.int64))),
    (lambda m: m.view_as_complex(m.ones(2, 3)[:, :2])),
    (lambda m: m.view_as_complex(m.ones(2, 2).t())),
    (lambda m: m.view_as_complex(m.ones(()))),
    (lambda m: m.view_as_complex(m.arange(8.0).reshape(2, 4)[:, 1:3])),
])
def test_view_as_errors(case):
    check_error(case)


def test_conj_neg_bits():
    check(lambda m, x: (m.resolve_conj(x), m.resolve_neg(x.conj()), m.is_conj(x),
                        m.is_neg(x), x.is_conj(), x.resolve_conj() * 2), [crandn(3)])


@pytest.mark.parametrize("shape, scale", [((3, 3), 1.0), ((2, 4, 4), 3.0), ((1, 1), 0.1)])
def test_matrix_exp(shape, scale):
    check(lambda m, a: m.linalg.matrix_exp(a), [randn(*shape) * scale], atol=1e-9, rtol=1e-7)
    check(lambda m, a: m.matrix_exp(a) + a.matrix_exp(), [randn(*shape)], atol=1e-9)


def test_matrix_exp_complex_float32_and_errors():
    check(lambda m, a: m.matrix_exp(a), [crandn(3, 3)], atol=1e-9)
    check(lambda m, a: m.matrix_exp(a), [randn(3, 3).astype(np.float32)], gradgrad=False)
    check_error(lambda m: m.linalg.matrix_exp(m.ones(2, 3)))
    check_error(lambda m: m.linalg.matrix_exp(m.ones(2, 2, dtype=m.int64)))


def _tri(n, batch=()):
    return randn(*batch, n, n) + 3 * np.eye(n)


@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("unit", [True, False])
def test_solve_triangular(upper, left, unit):
    b = randn(3, 2) if left else randn(2, 3)
    check(lambda m, a, b: m.linalg.solve_triangular(a, b, upper=upper, left=left,
                                                    unitriangular=unit),
          [_tri(3), b], atol=1e-9)


def test_solve_triangular_batched_and_errors():
    check(lambda m, a, b: m.linalg.solve_triangular(a, b, upper=False),
          [_tri(3, (2,)), noncontig(randn(2, 3, 4))], atol=1e-9)
    check_error(lambda m: m.linalg.solve_triangular(m.ones(2, 2), m.ones(3, 2), upper=True))
    check_error(lambda m: m.linalg.solve_triangular(m.ones(2, 2), m.ones(2), upper=True))
    check(lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True),
          [_tri(2).astype(np.float32), randn(2, 2)], grad=False)


def test_linalg_helpers():
    check(lambda m, x, y: m.linalg.vecdot(x, y), [randn(3, 4), randn(4)])
    check(lambda m, x, y: m.linalg.vecdot(x, y, dim=0), [crandn(3, 2), crandn(3, 2)])
    check(lambda m, a: m.linalg.diagonal(a, offset=1), [randn(2, 3, 4)])
    check(lambda m, x: m.linalg.vander(x), [randn(2, 4)])
    check(lambda m, x: m.linalg.vander(x, N=3), [randn(5)])
    # torch.vander's own backward trips over its in-place cumprod: compare derivatives
    # with linalg.vander's instead
    check(lambda m, x: m.vander(x), [randn(4)], grad=False)
    check(lambda m, x: m.vander(x) if m is tm else m.linalg.vander(x).flip(-1), [randn(4)])
    check(lambda m, x: m.vander(x, 5, True), [randn(3)], grad=False)
    check(lambda m, x: m.vander(x, 3), [randint(-3, 3, 4)])
    check(lambda m, a: m.linalg.cond(a), [_tri(3, (2,))], atol=1e-8)
    check(lambda m, a: m.linalg.cond(a, -2), [_tri(3)], atol=1e-8)
    # torch's cond for other norms writes its inverse in place (no backward): values only,
    # derivatives against the product of norms it computes
    check(lambda m, a: m.linalg.cond(a, "fro"), [_tri(3)], atol=1e-8, grad=False)
    check(lambda m, a: m.linalg.cond(a, 1), [_tri(3)], atol=1e-8, grad=False)
    check(lambda m, a: m.linalg.cond(a, "nuc") if m is tm else
          m.linalg.matrix_norm(a, "nuc") * m.linalg.matrix_norm(m.linalg.inv(a), "nuc"),
          [_tri(3)], atol=1e-8)


def test_logcumsumexp():
    check(lambda m, x: m.logcumsumexp(x, 1), [randn(3, 4)])
    check(lambda m, x: x.logcumsumexp(0), [randn(5).astype(np.float32)])
    check(lambda m, x: m.logcumsumexp(x, 0), [np.array([-np.inf, 1.0, 2.0])], grad=False)
    check_error(lambda m: m.logcumsumexp(m.ones(3, dtype=m.int64), 0))


def test_gcd_lcm():
    a, b = randint(-20, 20, 6), randint(-20, 20, 6)
    check(lambda m, x, y: (m.gcd(x, y), m.lcm(x, y), x.gcd(y)), [a, b])
    check(lambda m, x, y: m.gcd(x, y), [a.astype(np.int32), b[:1].astype(np.int32)])
    check_error(lambda m: m.gcd(m.ones(3), m.ones(3)))


def test_small_functions():
    check(lambda m, x: m.diagflat(x), [randn(2, 2)])
    check(lambda m, x: m.diagflat(x, -1), [randn(3)])
    check(lambda m, x, y, z: m.block_diag(x, y, z), [randn(2, 3), randn(2), randn()])
    check(lambda m, x, y: m.block_diag(x, y), [randint(0, 5, 2, 2), randn(1, 2)])
    check(lambda m, x, y: (m.dist(x, y), m.dist(x, y, 1), x.dist(y, 3)),
          [randn(3, 2), randn(2)])
    x, y = tm.ones(2, 3), tm.ones(3, 2)
    assert tm.is_same_size(x, x) and not tm.is_same_size(x, y) and not x.is_same_size(y)
    assert tm.typename(x) == "torch.FloatTensor" and tm.typename(1) == "int"


def test_cov_corrcoef():
    check(lambda m, x: m.cov(x), [randn(3, 5)])
    check(lambda m, x: m.cov(x, correction=0), [randn(5)])
    check(lambda m, x, f, w: m.cov(x, fweights=f, aweights=w),
          [randn(2, 4), randint(1, 4, 4), np.abs(randn(4))])
    check(lambda m, x: m.cov(x), [randint(0, 9, 2, 4)])
    check(lambda m, x: (m.corrcoef(x), x.corrcoef(), x.cov()), [randn(3, 6)])


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (4, 2), (2, 3)])
def test_lu_and_lu_factor(shape):
    square = shape[-1] == shape[-2]
    check(lambda m, a: m.linalg.lu(a), [randn(*shape)], grad=square, atol=1e-9)
    check(lambda m, a: m.linalg.lu_factor(a), [randn(*shape)], grad=square, atol=1e-9)


def test_lu_float32_errors():
    check(lambda m, a: m.linalg.lu_factor(a), [randn(3, 3).astype(np.float32)], grad=False)
    check_error(lambda m: m.linalg.lu_factor(m.ones(2, 3, dtype=m.int64)))


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("adjoint", [True, False])
def test_lu_solve(left, adjoint):
    b = randn(2, 3, 2) if left else randn(2, 2, 3)

    def fn(m, a, b):
        lu, piv = m.linalg.lu_factor(a)
        return m.linalg.lu_solve(lu, piv, b, left=left, adjoint=adjoint)
    check(fn, [randn(2, 3, 3), b], atol=1e-9)


def test_eig():
    a = randn(4, 4)
    # the eigenvectors' phase is arbitrary: compare phase-free quantities
    check(lambda m, x: m.linalg.eigvals(x), [a], atol=1e-9)
    check(lambda m, x: (m.linalg.eig(x)[0], m.linalg.eig(x)[1].abs()), [randn(2, 3, 3)],
          atol=1e-9)
    check(lambda m, x: m.linalg.eigvals(x), [crandn(3, 3)], atol=1e-9)
    check_error(lambda m: m.linalg.eig(m.ones(2, 3)))


def _spd(n, batch=()):
    a = randn(*batch, n, n)
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def test_legacy_svd_qr():
    # singular vectors' signs are arbitrary: compare sign-free products and S
    check(lambda m, a: (m.svd(a)[1], m.svd(a)[0] @ m.svd(a)[2].mT, a.svd()[0].abs()),
          [randn(4, 3)], atol=1e-9)
    check(lambda m, a: m.svd(a, compute_uv=False), [randn(3, 2)], grad=False)
    check(lambda m, a: m.svd(a, some=False)[0].shape, [randn(4, 2)], grad=False)
    check(lambda m, a: m.qr(a), [randn(4, 3)], atol=1e-9)
    check(lambda m, a: a.qr(some=False)[1], [randn(4, 3)], grad=False)


@pytest.mark.parametrize("upper", [True, False])
def test_cholesky_solve_inverse(upper):
    spd = _spd(3)
    factor = np.linalg.cholesky(spd)
    factor = factor.T.copy() if upper else factor
    check(lambda m, b, f: m.cholesky_solve(b, f, upper), [randn(3, 2), factor], atol=1e-9)
    check(lambda m, f: m.cholesky_inverse(f, upper), [factor], atol=1e-9)


@pytest.mark.parametrize("upper, transpose, unit", [(True, False, False), (False, True, False),
                                                     (True, True, True)])
def test_triangular_solve(upper, transpose, unit):
    check(lambda m, b, a: m.triangular_solve(b, a, upper, transpose, unit),
          [randn(3, 2), _tri(3)], atol=1e-9)


def test_trapezoid_family():
    check(lambda m, y: (m.trapezoid(y), m.trapz(y, dx=0.5), m.cumulative_trapezoid(y, dim=0)),
          [randn(3, 4)])
    check(lambda m, y, x: (m.trapezoid(y, x, dim=0), m.cumulative_trapezoid(y, x, dim=0)),
          [randn(4, 3), randn(4)], requires_grad=[True, False])
    check(lambda m, y, x: m.trapezoid(y, x), [randn(2, 3), randn(2, 3)])


def test_frexp_ldexp_nextafter():
    check(lambda m, x: m.frexp(x), [randn(5) * 100])
    check(lambda m, x: x.frexp(), [randn(3).astype(np.float32)])
    # torch's ldexp backward computes 2**e in integers (zero for e < 0): taimatsu's
    # derivative is the true one, so the gradient comparison uses e >= 0
    check(lambda m, x, e: (m.ldexp(x, e), x.ldexp(e)), [randn(3), randint(0, 4, 3)])
    check(lambda m, x, e: m.ldexp(x, e), [randn(3), randint(-3, 0, 3)], grad=False)
    check(lambda m, x, y: m.nextafter(x, y), [randn(4), randn(4)], grad=False)
    check_error(lambda m: m.frexp(m.tensor([1])))
    check_error(lambda m: m.nextafter(m.tensor([1]), m.tensor([2])))


def test_unravel_index_combinations():
    check(lambda m, i: m.unravel_index(i, (3, 4)), [randint(-12, 24, 5)])
    check(lambda m, i: m.unravel_index(i, 6), [np.array(4)])
    check_error(lambda m: m.unravel_index(m.tensor([1.0]), (2,)))
    check(lambda m, x: (m.combinations(x), m.combinations(x, 3, True), m.combinations(x, 1)),
          [randn(4)])
    check(lambda m, x: m.combinations(x, 0), [randn(3)], grad=False)
    check_error(lambda m: m.combinations(m.ones(2, 2)))


def test_renorm_histogram_is_signed():
    check(lambda m, x: (m.renorm(x, 2, 0, 1.0), x.renorm(1, 1, 0.5)), [randn(3, 4) * 2])
    check_error(lambda m: m.renorm(m.ones(3), 2, 0, 1.0))
    check(lambda m, x: m.histogram(x, 4), [randn(10)], grad=False)
    check(lambda m, x, e: m.histogram(x, e, density=True), [randn(10), np.linspace(-2, 2, 5)],
          grad=False)
    check(lambda m, x, w: x.histogram(3, range=(-1.0, 1.0), weight=w), [randn(8), rand_w()],
          grad=False)
    check_error(lambda m: m.histogram(m.tensor([1, 2])))
    assert tm.is_signed(tm.ones(1)) and not tm.is_signed(tm.ones(1, dtype=tm.uint8))


def rand_w():
    return np.abs(randn(8))


def test_lu_factor_without_grad_matches():
    a = randn(2, 4, 3)
    check(lambda m, x: m.linalg.lu_factor(x), [a], grad=False)
    check(lambda m, x: m.linalg.lu_factor(x), [a[..., :2, :]], grad=False)
