"""torch.distributions against the oracle: seeded samples bit for bit, log_prob,
entropy, moments, cdf/icdf and KL values with their gradients, shapes, argument
validation, reprs, and two small programs (REINFORCE, a VAE's KL step)."""
import subprocess
import sys

import numpy as np
import pytest

import taimatsu as tm
from conftest import load_oracle
from harness import assert_same, check, check_error, rand, randn

torch = load_oracle()


def _pos(*shape):
    return rand(*shape, low=0.5, high=2.0)


def _spd(n, batch=()):
    a = randn(*batch, n, n)
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def _tril(n, batch=()):
    a = np.tril(randn(*batch, n, n))
    idx = np.arange(n)
    a[..., idx, idx] = np.abs(a[..., idx, idx]) + 0.5
    return a


# --- distributions as (name, constructor from tensors, arrays, a value to score) ---------

CASES = {
    "normal": (lambda m, a, b: m.distributions.Normal(a, b), [randn(3, 2), _pos(3, 2)],
               randn(4, 3, 2)),
    "normal_bcast": (lambda m, a, b: m.distributions.Normal(a, b), [randn(3, 1), _pos(2)],
                     randn(3, 2)),
    "bernoulli_probs": (lambda m, p: m.distributions.Bernoulli(probs=p), [rand(4, low=.1, high=.9)],
                        np.array([0., 1., 1., 0.])),
    "bernoulli_logits": (lambda m, lg: m.distributions.Bernoulli(logits=lg), [randn(2, 3)],
                         np.array([[0., 1., 1.], [1., 0., 0.]])),
    "categorical_probs": (lambda m, p: m.distributions.Categorical(probs=p),
                          [rand(3, 4, low=.1, high=1.)], np.array([[0, 3, 2], [1, 1, 0]])),
    "categorical_logits": (lambda m, lg: m.distributions.Categorical(logits=lg), [randn(2, 5)],
                           np.array([4, 0])),
    "onehot": (lambda m, lg: m.distributions.OneHotCategorical(logits=lg), [randn(2, 3)],
               np.array([[0., 1., 0.], [0., 0., 1.]])),
    "uniform": (lambda m, lo, w: m.distributions.Uniform(lo, lo + w), [randn(3), _pos(3)],
                None),
    "exponential": (lambda m, r: m.distributions.Exponential(r), [_pos(2, 3)],
                    rand(2, 3, low=0., high=3.)),
    "laplace": (lambda m, a, b: m.distributions.Laplace(a, b), [randn(4), _pos(4)], randn(2, 4)),
    "poisson": (lambda m, r: m.distributions.Poisson(r), [_pos(3) * 3],
                np.array([[0., 2., 5.], [1., 7., 3.]])),
    "independent": (lambda m, a, b: m.distributions.Independent(m.distributions.Normal(a, b), 1),
                    [randn(3, 2), _pos(3, 2)], randn(5, 3, 2)),
    "mvn_cov": (lambda m, mu, c: m.distributions.MultivariateNormal(mu, covariance_matrix=c),
                [randn(3), _spd(3)], randn(4, 3)),
    "mvn_prec": (lambda m, mu, p: m.distributions.MultivariateNormal(mu, precision_matrix=p),
                 [randn(2, 3), _spd(3)], randn(2, 3)),
    "mvn_tril": (lambda m, mu, s: m.distributions.MultivariateNormal(mu, scale_tril=s),
                 [randn(3), _tril(3, (2,))], randn(5, 2, 3)),
}

HAS = {
    "cdf": {"normal", "normal_bcast", "uniform", "exponential", "laplace"},
    "icdf": {"normal", "normal_bcast", "uniform", "exponential", "laplace"},
    "entropy": set(CASES) - {"poisson"},
    "rsample": {"normal", "normal_bcast", "uniform", "exponential", "laplace", "independent",
                "mvn_cov", "mvn_prec", "mvn_tril"},
    "mean": set(CASES),
    "variance": set(CASES),
    "stddev": set(CASES),
}


def _score_value(name, m, dist):
    value = CASES[name][2]
    if name == "uniform":
        return (dist.low + dist.high) / 2 - 0.1  # inside the support whatever the draw
    return m.tensor(value)


@pytest.mark.parametrize("name", sorted(CASES))
def test_log_prob_and_grad(name):
    make, arrays, _ = CASES[name]
    # gradients of gradients of lgamma need polygamma, which taimatsu lacks
    check(lambda m, *a: make(m, *a).log_prob(_score_value(name, m, make(m, *a))), arrays,
          gradgrad=name != "poisson")


@pytest.mark.parametrize("name", sorted(HAS["entropy"]))
def test_entropy_and_grad(name):
    make, arrays, _ = CASES[name]
    check(lambda m, *a: make(m, *a).entropy(), arrays)


@pytest.mark.parametrize("prop", ["mean", "variance", "stddev", "mode"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_moments(name, prop):
    make, arrays, _ = CASES[name]
    check(lambda m, *a: getattr(make(m, *a), prop), arrays, gradgrad=False)


@pytest.mark.parametrize("name", sorted(HAS["cdf"]))
def test_cdf_icdf(name):
    make, arrays, _ = CASES[name]
    shape = make(tm, *[tm.tensor(a) for a in arrays]).batch_shape
    q = rand(*shape, low=0.05, high=0.95)
    check(lambda m, qq, *a: make(m, *a).icdf(qq), [q] + arrays)
    check(lambda m, qq, *a: make(m, *a).cdf(make(m, *a).icdf(qq)), [q] + arrays)


# --- seeded draws equal torch's bit for bit ----------------------------------------------

# the draws are torch's; log1p (Laplace) and Cholesky/matmul (MultivariateNormal) may
# round their last bit differently from torch's kernels
ULP_TOLERANCE = {"laplace": 1e-15, "mvn_cov": 1e-13, "mvn_prec": 1e-13, "mvn_tril": 1e-13}


@pytest.mark.parametrize("sample_shape", [(), (5,), (2, 3)])
@pytest.mark.parametrize("name", sorted(CASES))
def test_seeded_samples(name, sample_shape):
    make, arrays, _ = CASES[name]
    outs = []
    for m in (tm, torch):
        dist = make(m, *[m.tensor(a) for a in arrays])
        m.manual_seed(7)
        first = dist.sample(sample_shape)
        second = dist.rsample(sample_shape) if dist.has_rsample else dist.sample(sample_shape)
        outs.append((first, second))
    assert_same(outs[0], outs[1], atol=ULP_TOLERANCE.get(name, 0),
               rtol=ULP_TOLERANCE.get(name, 0))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(HAS["rsample"]))
def test_rsample_grad(name, dtype):
    make, arrays, _ = CASES[name]
    arrays = [a.astype(dtype) for a in arrays]

    def draw(m, *a):
        m.manual_seed(3)
        return make(m, *a).rsample((4,))
    check(draw, arrays, gradgrad=dtype == "float64")


@pytest.mark.parametrize("name", sorted(CASES))
def test_shapes_and_expand(name):
    make, arrays, _ = CASES[name]
    ours = make(tm, *[tm.tensor(a) for a in arrays])
    theirs = make(torch, *[torch.tensor(a) for a in arrays])
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape)
    assert tuple(ours.event_shape) == tuple(theirs.event_shape)
    assert isinstance(ours.batch_shape, tm.Size) and isinstance(ours.event_shape, tm.Size)
    assert ours.has_rsample == theirs.has_rsample
    assert tuple(ours.sample((2, 1)).shape) == tuple(theirs.sample((2, 1)).shape)
    big = (4,) + tuple(theirs.batch_shape)
    e_ours, e_theirs = ours.expand(big), theirs.expand(big)
    assert tuple(e_ours.batch_shape) == tuple(e_theirs.batch_shape)
    assert repr(e_ours) == repr(e_theirs)
    tm.manual_seed(1)
    torch.manual_seed(1)
    assert_same(e_ours.sample(), e_theirs.sample(), atol=ULP_TOLERANCE.get(name, 0),
               rtol=ULP_TOLERANCE.get(name, 0))
    if name != "poisson":
        assert_same(e_ours.entropy(), e_theirs.entropy())


@pytest.mark.parametrize("name", sorted(CASES))
def test_repr_and_support(name):
    make, arrays, _ = CASES[name]
    ours = make(tm, *[tm.tensor(a) for a in arrays])
    theirs = make(torch, *[torch.tensor(a) for a in arrays])
    assert repr(ours) == repr(theirs)
    assert repr(ours.support) == repr(theirs.support)
    assert ours.support.is_discrete == theirs.support.is_discrete
    assert ours.support.event_dim == theirs.support.event_dim
    assert sorted(ours.arg_constraints) == sorted(theirs.arg_constraints)


def test_scalar_parameters_and_reprs():
    D, T = tm.distributions, torch.distributions
    for make in (lambda d: d.Normal(0.0, 1.0), lambda d: d.Bernoulli(0.3),
                 lambda d: d.Uniform(0.0, 2.0), lambda d: d.Exponential(2.0),
                 lambda d: d.Laplace(1.0, 0.5), lambda d: d.Poisson(3.0)):
        ours, theirs = make(D), make(T)
        assert repr(ours) == repr(theirs)
        assert ours.batch_shape == () and ours.loc.dtype == tm.float32 \
            if hasattr(ours, "loc") else True
    assert repr(D.Normal(tm.zeros(1), 1.0)) == repr(T.Normal(torch.zeros(1), 1.0))
    assert repr(D.Categorical(logits=tm.zeros(3))) == repr(T.Categorical(logits=torch.zeros(3)))
    lazily = D.Categorical(logits=tm.zeros(3))
    lazily.probs  # noqa: B018 - computing the lazy property adds it to the repr
    assert repr(lazily) == "Categorical(probs: torch.Size([3]), logits: torch.Size([3]))"
    mvn = D.MultivariateNormal(tm.zeros(2), tm.eye(2))
    assert repr(mvn) == ("MultivariateNormal(loc: torch.Size([2]), "
                         "covariance_matrix: torch.Size([2, 2]))")
    assert repr(D.Independent(D.Normal(tm.zeros(2), 1.0), 1)) == \
        repr(T.Independent(T.Normal(torch.zeros(2), 1.0), 1))


def test_categorical_normalises_as_torch():
    lg = randn(2, 4)
    check(lambda m, x: m.distributions.Categorical(logits=x).logits, [lg])
    check(lambda m, x: m.distributions.Categorical(logits=x).probs, [lg])
    p = rand(2, 4, low=.1, high=2.)
    check(lambda m, x: m.distributions.Categorical(probs=x).probs, [p])
    check(lambda m, x: m.distributions.Categorical(probs=x).logits, [p])
    check(lambda m, x: m.distributions.Bernoulli(logits=x).probs, [randn(3)])
    check(lambda m, x: m.distributions.Bernoulli(probs=x).logits, [rand(3, low=.1, high=.9)])


def test_enumerate_support():
    for expand in (True, False):
        check(lambda m, p: m.distributions.Categorical(p).enumerate_support(expand),
              [rand(2, 3)], grad=False)
        check(lambda m, p: m.distributions.Bernoulli(p).enumerate_support(expand),
              [rand(2, 3)], grad=False)
        check(lambda m, p: m.distributions.OneHotCategorical(p).enumerate_support(expand),
              [rand(2, 3)], grad=False)


def test_mvn_lazy_matrices():
    for kw, arr in (("covariance_matrix", _spd(3)), ("precision_matrix", _spd(3)),
                    ("scale_tril", _tril(3))):
        for prop in ("scale_tril", "covariance_matrix", "precision_matrix"):
            check(lambda m, mu, c: getattr(m.distributions.MultivariateNormal(mu, **{kw: c}),
                                           prop), [randn(2, 3), arr], gradgrad=False)


def test_onehot_straight_through():
    def draw(m, lg):
        m.manual_seed(5)
        return m.distributions.OneHotCategoricalStraightThrough(logits=lg).rsample((3,))
    check(draw, [randn(2, 4)], gradgrad=False)


def test_perplexity_and_bernoulli_half_mode():
    check(lambda m, x: m.distributions.Normal(x, 1.0).perplexity(), [randn(3)])
    check(lambda m: m.distributions.Bernoulli(m.tensor([0.5, 0.2, 0.7])).mode, [], grad=False)


def test_exponential_family_entropy_by_autograd():
    # torch's generic Bregman entropy, reached through the base class
    for make, arrays in ((lambda m, a, b: m.distributions.Normal(a, b), [randn(3), _pos(3)]),
                         (lambda m, r: m.distributions.Exponential(r), [_pos(3)]),
                         (lambda m, p: m.distributions.Bernoulli(p), [rand(3, low=.1, high=.9)])):
        check(lambda m, *a: m.distributions.ExponentialFamily.entropy(make(m, *a)), arrays,
              gradgrad=False)


# --- KL divergence -----------------------------------------------------------------------

def _normal(m, a, b):
    return m.distributions.Normal(a, b)


KL_CASES = [
    ("normal_normal", lambda m, a, b, c, d: (_normal(m, a, b), _normal(m, c, d)),
     [randn(3), _pos(3), randn(3), _pos(3)]),
    ("bernoulli", lambda m, p, q: (m.distributions.Bernoulli(p), m.distributions.Bernoulli(q)),
     [rand(4, low=.1, high=.9), rand(4, low=.1, high=.9)]),
    ("categorical", lambda m, p, q: (m.distributions.Categorical(logits=p),
                                     m.distributions.Categorical(logits=q)),
     [randn(2, 4), randn(4)]),
    ("onehot", lambda m, p, q: (m.distributions.OneHotCategorical(probs=p),
                                m.distributions.OneHotCategorical(probs=q)),
     [rand(2, 3, low=.1), rand(2, 3, low=.1)]),
    ("uniform", lambda m, a, b: (m.distributions.Uniform(a, a + 1.0),
                                 m.distributions.Uniform(a - b, a + 1.0 + b)),
     [randn(3), _pos(3)]),
    ("exponential", lambda m, a, b: (m.distributions.Exponential(a),
                                     m.distributions.Exponential(b)),
     [_pos(3), _pos(3)]),
    ("laplace", lambda m, a, b, c, d: (m.distributions.Laplace(a, b),
                                       m.distributions.Laplace(c, d)),
     [randn(3), _pos(3), randn(3), _pos(3)]),
    ("poisson", lambda m, a, b: (m.distributions.Poisson(a), m.distributions.Poisson(b)),
     [_pos(3), _pos(3)]),
    ("bernoulli_poisson", lambda m, p, r: (m.distributions.Bernoulli(p),
                                           m.distributions.Poisson(r)),
     [rand(3, low=.1, high=.9), _pos(3)]),
    ("exponential_normal", lambda m, r, a, b: (m.distributions.Exponential(r), _normal(m, a, b)),
     [_pos(3), randn(3), _pos(3)]),
    ("laplace_normal", lambda m, a, b, c, d: (m.distributions.Laplace(a, b), _normal(m, c, d)),
     [randn(3), _pos(3), randn(3), _pos(3)]),
    ("normal_laplace", lambda m, a, b, c, d: (_normal(m, a, b), m.distributions.Laplace(c, d)),
     [randn(3), _pos(3), randn(3), _pos(3)]),
    ("uniform_normal", lambda m, a, w, c, d: (m.distributions.Uniform(a, a + w), _normal(m, c, d)),
     [randn(3), _pos(3), randn(3), _pos(3)]),
    ("uniform_exponential", lambda m, w, r: (m.distributions.Uniform(w - 0.4, w + 1.0),
                                             m.distributions.Exponential(r)),
     [rand(4, low=0., high=0.8), _pos(4)]),
    ("independent", lambda m, a, b, c, d: (
        m.distributions.Independent(_normal(m, a, b), 1),
        m.distributions.Independent(_normal(m, c, d), 1)),
     [randn(2, 3), _pos(2, 3), randn(3), _pos(3)]),
    ("mvn", lambda m, mu, s, nu, t: (m.distributions.MultivariateNormal(mu, scale_tril=s),
                                     m.distributions.MultivariateNormal(nu, covariance_matrix=t)),
     [randn(2, 3), _tril(3, (2,)), randn(3), _spd(3)]),
    ("infinite", lambda m, a, b: (_normal(m, a, b), m.distributions.Uniform(a, a + b)),
     [randn(3), _pos(3)]),
]


@pytest.mark.parametrize("name,make,arrays", KL_CASES, ids=[c[0] for c in KL_CASES])
def test_kl_divergence(name, make, arrays):
    check(lambda m, *a: m.distributions.kl_divergence(*make(m, *a)), arrays,
          gradgrad=name != "infinite")


def test_kl_infinite_entries_and_expfamily_fallback():
    check(lambda m, p, q: m.distributions.kl_divergence(m.distributions.Bernoulli(p),
                                                       m.distributions.Bernoulli(q)),
          [np.array([0.3, 0.0, 0.5, 1.0]), np.array([0.0, 0.4, 1.0, 1.0])], grad=False)
    check(lambda m, p, q: m.distributions.kl_divergence(m.distributions.Categorical(p),
                                                       m.distributions.Categorical(q)),
          [np.array([0.5, 0.0, 0.5]), np.array([0.5, 0.5, 0.0])], grad=False)
    # Bernoulli against Poisson's Bregman fallback, reached through the registry
    check(lambda m, a, b: m.distributions.kl._kl_expfamily_expfamily(
        _normal(m, a, b), _normal(m, b, a + 2.0)), [_pos(3), _pos(3)], gradgrad=False)


def test_register_kl_dispatch():
    D = tm.distributions

    class MyNormal(D.Normal):
        pass

    p, q = MyNormal(tm.zeros(2), tm.ones(2)), D.Normal(tm.ones(2), tm.ones(2))
    assert_same(D.kl_divergence(p, q), torch.distributions.kl_divergence(
        torch.distributions.Normal(torch.zeros(2), torch.ones(2)),
        torch.distributions.Normal(torch.ones(2), torch.ones(2))))

    @D.register_kl(MyNormal, D.Normal)
    def _kl_mine(p, q):
        return tm.zeros(p.batch_shape)

    try:
        assert D.kl_divergence(p, q).tolist() == [0.0, 0.0]
        assert D.kl_divergence(q, q).tolist() == [0.0, 0.0]
    finally:
        del D.kl._KL_REGISTRY[MyNormal, D.Normal]
        D.kl._KL_MEMOIZE.clear()


# --- validation ----------------------------------------------------------------------------

def _validation_errors():
    return [
        lambda m: m.distributions.Normal(m.zeros(2), -m.ones(2)),
        lambda m: m.distributions.Normal(m.tensor([0.0, float("nan")]), 1.0),
        lambda m: m.distributions.Uniform(m.zeros(2), -m.ones(2)),
        lambda m: m.distributions.Bernoulli(m.tensor([1.5])),
        lambda m: m.distributions.Bernoulli(),
        lambda m: m.distributions.Bernoulli(probs=0.3, logits=0.1),
        lambda m: m.distributions.Categorical(m.tensor([-0.3, 0.7])),
        lambda m: m.distributions.Categorical(m.tensor(1.0)),
        lambda m: m.distributions.Categorical(logits=m.tensor(1.0)),
        lambda m: m.distributions.Exponential(m.tensor([0.0])),
        lambda m: m.distributions.Poisson(m.tensor([-1.0])),
        lambda m: m.distributions.Laplace(0.0, m.tensor([-1.0])),
        lambda m: m.distributions.Normal("a", 1.0),
        lambda m: m.distributions.MultivariateNormal(m.zeros(2), m.tensor([[1., 2.], [2., 1.]])),
        lambda m: m.distributions.MultivariateNormal(m.zeros(2), m.tensor([[1., 2.], [0., 1.]])),
        lambda m: m.distributions.MultivariateNormal(m.zeros(2), scale_tril=m.ones(2, 2)),
        lambda m: m.distributions.MultivariateNormal(m.zeros(2)),
        lambda m: m.distributions.MultivariateNormal(m.tensor(0.), m.eye(2)),
        lambda m: m.distributions.MultivariateNormal(m.zeros(2), m.ones(2)),
        lambda m: m.distributions.Independent(m.distributions.Normal(m.zeros(2), 1.), 2),
        lambda m: m.distributions.Normal(0.0, 1.0).log_prob(1.0),
        lambda m: m.distributions.Normal(m.zeros(2), 1.0).log_prob(m.zeros(3)),
        lambda m: m.distributions.MultivariateNormal(m.zeros(3), m.eye(3)).log_prob(m.zeros(2)),
        lambda m: m.distributions.Categorical(m.tensor([0.3, 0.7])).log_prob(m.tensor([2])),
        lambda m: m.distributions.Bernoulli(0.3).log_prob(m.tensor(0.5)),
        lambda m: m.distributions.Poisson(2.0).log_prob(m.tensor(1.5)),
        lambda m: m.distributions.Exponential(2.0).log_prob(m.tensor(-1.0)),
        lambda m: m.distributions.Uniform(0.0, 1.0).log_prob(m.tensor(2.0)),
        lambda m: m.distributions.OneHotCategorical(m.ones(3)).log_prob(m.tensor([1., 1., 0.])),
        lambda m: m.distributions.kl_divergence(m.distributions.Normal(0., 1.),
                                                m.distributions.Categorical(m.ones(2))),
        lambda m: m.distributions.kl_divergence(m.distributions.Bernoulli(0.3),
                                                m.distributions.Exponential(1.0)),
        lambda m: m.distributions.Distribution.set_default_validate_args(3),
        lambda m: m.distributions.Normal(0.0, 1.0).enumerate_support(),
        lambda m: m.distributions.Poisson(1.0).entropy(),
    ]


@pytest.mark.parametrize("index", range(len(_validation_errors())))
def test_validation_errors(index):
    check_error(_validation_errors()[index])


def test_validate_args_switches():
    D = tm.distributions
    D.Normal(tm.zeros(2), -tm.ones(2), validate_args=False)  # no check when asked
    D.Distribution.set_default_validate_args(False)
    try:
        dist = D.Normal(tm.zeros(2), -tm.ones(2))
        assert dist._validate_args is False
        assert D.Uniform(0.0, 1.0).log_prob(tm.tensor(2.0)).item() == float("-inf")
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        D.Normal(tm.zeros(2), -tm.ones(2))
    # validate_args=True wins over a disabled default and vice versa
    assert D.Normal(0.0, 1.0, validate_args=False)._validate_args is False


# --- constraints ---------------------------------------------------------------------------

CONSTRAINT_VALUES = [
    ("real", (), np.array([0.0, np.inf, np.nan])),
    ("positive", (), np.array([-1.0, 0.0, 2.0])),
    ("nonnegative", (), np.array([-1.0, 0.0, 2.0])),
    ("unit_interval", (), np.array([-0.1, 0.0, 0.5, 1.0, 1.2])),
    ("boolean", (), np.array([0.0, 1.0, 0.5])),
    ("nonnegative_integer", (), np.array([-1.0, 0.0, 2.0, 2.5])),
    ("positive_integer", (), np.array([0.0, 1.0, 3.5])),
    ("simplex", (), np.array([[0.2, 0.8], [0.5, 0.6], [-0.1, 1.1]])),
    ("one_hot", (), np.array([[0.0, 1.0], [1.0, 1.0], [0.5, 0.5]])),
    ("real_vector", (), np.array([[0.0, np.nan], [1.0, 2.0]])),
    ("lower_triangular", (), np.array([[[1.0, 0.0], [2.0, 3.0]], [[1.0, 1.0], [0.0, 1.0]]])),
    ("lower_cholesky", (), np.array([[[1.0, 0.0], [2.0, 3.0]], [[-1.0, 0.0], [0.0, 1.0]]])),
    ("positive_definite", (), np.array([[[2.0, 0.5], [0.5, 1.0]], [[1.0, 2.0], [2.0, 1.0]]])),
    ("positive_semidefinite", (), np.array([[[1.0, 1.0], [1.0, 1.0]], [[1.0, 2.0], [2.0, 1.0]]])),
    ("symmetric", (), np.array([[[1.0, 2.0], [2.0, 1.0]], [[1.0, 2.0], [0.0, 1.0]]])),
    ("square", (), np.zeros((2, 2, 3))),
    ("greater_than", (1.0,), np.array([0.5, 1.0, 2.0])),
    ("greater_than_eq", (1.0,), np.array([0.5, 1.0, 2.0])),
    ("less_than", (1.0,), np.array([0.5, 1.0, 2.0])),
    ("interval", (0.0, 2.0), np.array([-1.0, 0.0, 2.0, 3.0])),
    ("half_open_interval", (0.0, 2.0), np.array([-1.0, 0.0, 2.0, 1.0])),
    ("integer_interval", (0, 3), np.array([-1.0, 0.0, 2.0, 3.5, 4.0])),
]


@pytest.mark.parametrize("name,args,value", CONSTRAINT_VALUES,
                         ids=[c[0] for c in CONSTRAINT_VALUES])
def test_constraints(name, args, value):
    def run(m, v):
        c = getattr(m.distributions.constraints, name)
        return c(*args) if args else c
    ours, theirs = run(tm, None), run(torch, None)
    assert repr(ours) == repr(theirs)
    assert ours.is_discrete == theirs.is_discrete and ours.event_dim == theirs.event_dim
    assert_same(ours.check(tm.tensor(value)), theirs.check(torch.tensor(value)))


def test_composite_constraints():
    C, TC = tm.distributions.constraints, torch.distributions.constraints
    v = np.array([[1.0, -1.0], [2.0, 3.0]])
    pairs = [(C.independent(C.positive, 1), TC.independent(TC.positive, 1)),
             (C.cat([C.real, C.positive], 1), TC.cat([TC.real, TC.positive], 1)),
             (C.stack([C.real, C.positive], 1), TC.stack([TC.real, TC.positive], 1))]
    for ours, theirs in pairs:
        assert repr(ours) == repr(theirs)
        assert ours.event_dim == theirs.event_dim
        assert_same(ours.check(tm.tensor(v)), theirs.check(torch.tensor(v)))
    assert C.is_dependent(C.dependent) and not C.is_dependent(C.real)
    with pytest.raises(ValueError, match="Cannot determine validity of dependent constraint"):
        C.dependent.check(tm.zeros(1))
    assert C.dependent(is_discrete=True, event_dim=1).event_dim == 1
    assert C.is_dependent(tm.distributions.Uniform.support)
    assert tm.distributions.Categorical.support.is_discrete


def test_utils():
    U, TU = tm.distributions.utils, torch.distributions.utils
    check(lambda m, p: (U if m is tm else TU).clamp_probs(p), [np.array([0.0, 0.5, 1.0])],
          grad=False)
    check(lambda m, p: (U if m is tm else TU).probs_to_logits(p, is_binary=True),
          [rand(3, low=.1, high=.9)])
    check(lambda m, v: (U if m is tm else TU).vec_to_tril_matrix(v), [randn(2, 6)],
          gradgrad=False)
    check(lambda m, v: (U if m is tm else TU).tril_matrix_to_vec(v), [randn(2, 3, 3)],
          gradgrad=False)
    a, b = U.broadcast_all(tm.zeros(2, 1, dtype=tm.float64), 3.0)
    assert b.dtype == tm.float64 and tuple(b.shape) == (2, 1)
    check_error(lambda m: (U if m is tm else TU).broadcast_all("x", 1.0))
    check_error(lambda m: (U if m is tm else TU).vec_to_tril_matrix(m.zeros(4)))


# --- programs --------------------------------------------------------------------------------

def _reinforce(m):
    """A few REINFORCE steps of a softmax policy on a two-armed bandit."""
    m.manual_seed(0)
    policy = m.nn.Linear(4, 2)
    opt = m.optim.Adam(policy.parameters(), lr=0.05)
    state = m.randn(16, 4)
    losses = []
    for _ in range(5):
        dist = m.distributions.Categorical(logits=policy(state))
        action = dist.sample()
        reward = (action == (state[:, 0] > 0).long()).float()
        loss = -(dist.log_prob(action) * (reward - reward.mean())).mean() \
            - 0.01 * dist.entropy().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.detach())
    return m.stack(losses), policy.weight.detach()


def _vae_step(m):
    """One VAE step: reparameterised latent, Gaussian decoder, analytic KL to N(0, I)."""
    m.manual_seed(0)
    enc = m.nn.Linear(6, 4)
    dec = m.nn.Linear(2, 6)
    x = m.randn(8, 6)
    h = enc(x)
    mu, std = h[:, :2], m.nn.functional.softplus(h[:, 2:]) + 1e-3
    q = m.distributions.Independent(m.distributions.Normal(mu, std), 1)
    p = m.distributions.Independent(m.distributions.Normal(m.zeros(2), m.ones(2)), 1)
    z = q.rsample()
    recon = m.distributions.Normal(dec(z), 1.0).log_prob(x).sum(-1)
    kl = m.distributions.kl_divergence(q, p)
    loss = (kl - recon).mean()
    loss.backward()
    return loss.detach(), kl.detach(), enc.weight.grad, dec.weight.grad


def _gaussian_policy(m):
    m.manual_seed(1)
    mean = m.nn.Linear(3, 2)
    log_std = m.nn.Parameter(m.zeros(2))
    obs = m.randn(5, 3)
    dist = m.distributions.Independent(m.distributions.Normal(mean(obs), log_std.exp()), 1)
    act = dist.sample()
    loss = -(dist.log_prob(act) * m.arange(5.0)).mean() - dist.entropy().mean()
    loss.backward()
    mvn = m.distributions.MultivariateNormal(mean(obs).detach(), scale_tril=m.eye(2) * 0.5)
    return act, loss.detach(), log_std.grad, mean.weight.grad, mvn.log_prob(act)


@pytest.mark.parametrize("program", [_reinforce, _vae_step, _gaussian_policy])
def test_programs(program):
    assert_same(program(tm), program(torch), atol=1e-5, rtol=1e-4)


def test_lazy_import():
    code = ("import sys, taimatsu\n"
            "assert 'taimatsu.distributions' not in sys.modules\n"
            "taimatsu.distributions.Normal(0.0, 1.0)\n"
            "assert 'taimatsu.distributions' in sys.modules")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_special_functions_without_scipy():
    # the distributions' lgamma and digamma are the core's numpy kernels
    from taimatsu._ops import special
    x = np.array([0.3, 1.0, 2.5, 7.0, 40.0, -0.5, -2.7])
    for ours, theirs in ((special._lgamma_array(x), torch.lgamma(torch.tensor(x))),
                         (special._digamma_array(x), torch.digamma(torch.tensor(x)))):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-12, atol=1e-12)
    assert special._lgamma_array(np.array([0.0, -2.0])).tolist() == [np.inf, np.inf]


def test_user_distribution_without_constraints_warns():
    class Coin(tm.distributions.Distribution):
        def __init__(self):
            super().__init__(tm.Size([2]))

    with pytest.warns(UserWarning, match="does not define `arg_constraints`"):
        Coin()
    with pytest.warns(FutureWarning, match="sample_n"):
        check_sample_n = tm.distributions.Normal(tm.zeros(2), 1.0).sample_n(3)
    assert tuple(check_sample_n.shape) == (3, 2)
