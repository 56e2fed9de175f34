"""torch.special and the gamma family: values at poles, signed zeros, infinities and
large arguments, float32 and float64, first and second derivatives, against torch."""
import numpy as np
import pytest

import taimatsu as tm
from conftest import load_oracle
from harness import assert_same, check, rand, randn

torch = load_oracle()

# poles, signed zeros, negative non-integers, large and tiny arguments, inf and nan
EDGES = np.array([0.0, -0.0, -1.0, -2.0, -2.5, -0.3, 0.2, 1.0, 1.4616, 2.0, 3.7, 10.0, 25.3,
                  1e5, 1e17, 1e300, np.inf, -np.inf, np.nan, 1e-300, -1e20, -7.25, -20.5,
                  1e-8, 30.0, -30.0, -5.0, 5.0, 8.0, 8.5, -38.0, 700.0])
PROBABILITIES = np.array([0.0, 1.0, 0.5, 1e-300, 1e-20, 0.01, 0.1, 0.135, 0.2, 0.87, 0.9,
                          0.99, 1 - 1e-10, -0.1, 1.5, np.nan, 1e-5])

UNARY = {
    "lgamma": lambda m, x: m.lgamma(x),
    "gammaln": lambda m, x: m.special.gammaln(x),
    "digamma": lambda m, x: m.digamma(x),
    "psi": lambda m, x: m.special.psi(x),
    "polygamma0": lambda m, x: m.polygamma(0, x),
    "polygamma1": lambda m, x: m.polygamma(1, x),
    "polygamma2": lambda m, x: m.special.polygamma(2, x),
    "polygamma3": lambda m, x: x.polygamma(3),
    "polygamma6": lambda m, x: m.polygamma(6, x),
    "mvlgamma1": lambda m, x: m.mvlgamma(x, 1),
    "multigammaln3": lambda m, x: m.special.multigammaln(x, p=3),
    "i0": lambda m, x: m.i0(x),
    "special_i0": lambda m, x: m.special.i0(x),
    "i0e": lambda m, x: m.special.i0e(x),
    "i1": lambda m, x: m.special.i1(x),
    "i1e": lambda m, x: m.special.i1e(x),
    "erfcx": lambda m, x: m.special.erfcx(x),
    "ndtr": lambda m, x: m.special.ndtr(x),
    "log_ndtr": lambda m, x: m.special.log_ndtr(x),
    "entr": lambda m, x: m.special.entr(x),
    "expit": lambda m, x: m.special.expit(x),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(UNARY))
def test_values_at_edges(name, dtype):
    with np.errstate(over="ignore"):
        x = EDGES.astype(dtype)
    check(UNARY[name], [x], grad=False)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_ndtri_values(dtype):
    check(lambda m, p: m.special.ndtri(p), [PROBABILITIES.astype(dtype)], grad=False)


@pytest.mark.parametrize("name", ["lgamma", "digamma", "polygamma0", "polygamma1",
                                  "polygamma2", "polygamma3", "i0", "erfcx", "entr"])
def test_integer_inputs_promote(name):
    check(UNARY[name], [np.array([1, 2, 3, 7, 0, -2])], grad=False)


def _mixed_signs(n=12):
    """Negative non-integers and positive values."""
    x = np.concatenate([rand(n // 2, low=0.1, high=6.0), -rand(n // 2, low=0.1, high=4.0)])
    return x[np.abs(x - np.round(x)) > 0.05]


@pytest.mark.parametrize("name", ["lgamma", "digamma", "polygamma0", "polygamma1",
                                  "polygamma2", "polygamma3"])
def test_gamma_family_gradients(name):
    check(UNARY[name], [_mixed_signs()], rtol=1e-6)


@pytest.mark.parametrize("name", ["lgamma", "digamma", "polygamma1", "polygamma2"])
def test_gamma_family_gradients_float32(name):
    check(UNARY[name], [rand(6, low=0.5, high=5.0, dtype=np.float32)], atol=1e-4, rtol=1e-3)


@pytest.mark.parametrize("name", ["mvlgamma1", "multigammaln3"])
def test_mvlgamma_gradients(name):
    check(UNARY[name], [rand(3, 4, low=1.2, high=6.0)])


@pytest.mark.parametrize("name", ["i0", "i0e", "i1", "i1e", "erfcx", "ndtr", "log_ndtr",
                                  "expit"])
def test_gradients(name):
    x = np.concatenate([randn(8) * 4, [0.0, -9.5, 12.0]])
    check(UNARY[name], [x])


def test_entr_and_ndtri_gradients():
    check(lambda m, x: m.special.entr(x), [rand(5, low=0.1, high=3.0)])
    check(lambda m, p: m.special.ndtri(p), [rand(6, low=0.01, high=0.99)])


def test_xlog1py():
    x, y = randn(3, 4), rand(4, low=-0.9, high=3.0)
    x[0, 0] = 0.0
    check(lambda m, a, b: m.special.xlog1py(a, b), [x, y])
    check(lambda m, b: m.special.xlog1py(2.5, b), [y])
    check(lambda m, a: m.special.xlog1py(a, 0.5), [x])
    special_points = np.array([0.0, 0.0, 1.0, 2.0, 0.0])
    check(lambda m, a, b: m.special.xlog1py(a, b),
          [special_points, np.array([np.nan, -1.0, -1.0, np.inf, 3.0])], grad=False)
    check(lambda m, a, b: m.special.xlog1py(a, b), [np.array([1, 2]), np.array([3, 0])])


def test_zeta():
    q = rand(5, low=0.2, high=12.0)
    s = rand(5, low=1.5, high=6.0)
    check(lambda m, a, b: m.special.zeta(a, b), [s, q], requires_grad=[False, True])
    check(lambda m, b: m.special.zeta(3.0, b), [q])
    edges = np.array([1.0, 0.5, 2.0, 3.0, 2.5, 4.0, np.nan, 2.0])
    qs = np.array([1.0, 1.0, -2.0, -2.5, -2.5, np.inf, 1.0, 1e-300])
    check(lambda m, a, b: m.special.zeta(a, b), [edges, qs], grad=False)


def test_zeta_has_no_derivative_in_its_first_argument():
    s = tm.tensor([2.0, 3.0], requires_grad=True)
    with pytest.raises(NotImplementedError, match="the derivative for 'zeta' is not"):
        tm.special.zeta(s, 2.0).sum().backward()


def test_errors_as_torch():
    x = tm.tensor([1.5])
    with pytest.raises(RuntimeError, match="does not support negative n"):
        tm.polygamma(-1, x)
    with pytest.raises(TypeError, match="argument 'n'"):
        tm.polygamma(1.5, x)
    with pytest.raises(RuntimeError, match="p has to be greater than or equal to 1"):
        tm.mvlgamma(x, 0)
    c = tm.tensor([1j])
    for fn, kernel in ((tm.lgamma, "lgamma_vml_cpu"), (tm.digamma, "digamma"),
                       (tm.i0, "i0_vml_cpu"), (tm.special.ndtri, "ndtri_cpu"),
                       (lambda t: tm.polygamma(1, t), "trigamma")):
        with pytest.raises(NotImplementedError, match=f'"{kernel}" not implemented'):
            fn(c)


def test_methods_and_inplace():
    a = randn(2, 3) + 3.0
    for name, args in (("lgamma_", ()), ("digamma_", ()), ("polygamma_", (2,)),
                       ("mvlgamma_", (2,)), ("i0_", ())):
        ours, theirs = tm.tensor(a), torch.tensor(a)
        getattr(ours, name)(*args)
        getattr(theirs, name)(*args)
        assert_same(ours, theirs)
    ours, theirs = tm.tensor(a), torch.tensor(a)
    assert_same(tm.i0_(ours), torch.i0_(theirs))
    check(lambda m, x: x.lgamma() + x.digamma() + x.mvlgamma(2) + x.i0(), [rand(4, low=1, high=3)])


def test_grad_fn_names():
    x = tm.tensor([1.5, 2.5], requires_grad=True)
    y = torch.tensor([1.5, 2.5], requires_grad=True)
    for fn in (lambda m, t: m.lgamma(t), lambda m, t: m.special.psi(t),
               lambda m, t: m.polygamma(0, t), lambda m, t: m.special.multigammaln(t, 2),
               lambda m, t: m.special.i1e(t), lambda m, t: m.special.log_ndtr(t),
               lambda m, t: m.special.xlog1py(t, 2.0), lambda m, t: m.special.zeta(3.0, t)):
        assert type(fn(tm, x).grad_fn).__name__ == fn(torch, y).grad_fn.name()


def test_namespace_is_torchs():
    ours = {n for n in dir(tm.special) if not n.startswith("_")}
    assert set(tm.special.__all__) <= set(dir(torch.special))
    assert set(tm.special.__all__) <= ours
    for name in ("gammaln", "digamma", "psi", "polygamma", "multigammaln", "ndtr", "ndtri",
                 "log_ndtr", "entr", "expit", "logit", "xlogy", "xlog1py", "erf", "erfc",
                 "erfinv", "exp2", "expm1", "log1p", "round", "sinc", "i0", "logsumexp",
                 "softmax", "log_softmax", "zeta"):
        assert name in tm.special.__all__
    x = randn(3, 4)
    check(lambda m, t: m.special.softmax(t, 1), [x])
    check(lambda m, t: m.special.log_softmax(t, dim=0), [x])
    check(lambda m, t: m.special.logsumexp(t, 1), [x])


def test_large_arrays_are_vectorised():
    x = np.linspace(-50.5, 60.0, 200_001)
    for name in ("lgamma", "digamma", "polygamma1", "polygamma3"):
        assert_same(UNARY[name](tm, tm.tensor(x)), UNARY[name](torch, torch.tensor(x)))


def test_poisson_uses_core_lgamma():
    rate = rand(4, low=0.5, high=5.0)
    value = np.array([0.0, 1.0, 3.0, 7.0])
    check(lambda m, r: m.distributions.Poisson(r).log_prob(m.tensor(value)), [rate])
