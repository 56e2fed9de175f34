"""torch.func transforms against the oracle: values, nesting, argnums, has_aux, errors."""
import numpy as np
import pytest
from conftest import load_oracle

import taimatsu as tm

torch = load_oracle()


def _close(a, b):
    if isinstance(a, (tuple, list)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _close(x, y)
        return
    assert tuple(a.shape) == tuple(b.shape) and str(a.dtype) == str(b.dtype)
    assert a.requires_grad == b.requires_grad
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)


def _f(m):
    return lambda x, y: (x.sin() * y ** 2).sum() + (x * y).exp().mean()


X = [0.3, -1.2, 0.7]
Y = [1.5, 0.4, -0.2]

CASES = [
    ("grad", lambda m: m.func.grad(_f(m))(m.tensor(X), m.tensor(Y))),
    ("grad argnums", lambda m: m.func.grad(_f(m), argnums=(0, 1))(m.tensor(X), m.tensor(Y))),
    ("grad negative argnum", lambda m: m.func.grad(_f(m), argnums=-1)(m.tensor(X),
                                                                      m.tensor(Y))),
    ("grad_and_value", lambda m: m.func.grad_and_value(_f(m))(m.tensor(X), m.tensor(Y))),
    ("grad has_aux", lambda m: m.func.grad(lambda x: ((x ** 2).sum(), x.detach() * 3),
                                           has_aux=True)(m.tensor(X))),
    ("grad of grad", lambda m: m.func.grad(lambda x: m.func.grad(
        lambda z: (z ** 3).sum())(x).sum())(m.tensor(X))),
    ("grad unused input", lambda m: m.func.grad(lambda x, y: x.sum(), argnums=1)(
        m.tensor(X), m.tensor(Y))),
    ("jacrev", lambda m: m.func.jacrev(lambda x: x.sin() * x.sum())(m.tensor(X))),
    ("jacrev matrix", lambda m: m.func.jacrev(lambda w: w @ m.tensor(Y))(
        m.tensor([X, Y]))),
    ("jacfwd", lambda m: m.func.jacfwd(lambda x: x.exp() * 2)(m.tensor(X))),
    ("hessian", lambda m: m.func.hessian(lambda x: (x ** 3).sum() * x.prod())(m.tensor(X))),
    ("vmap", lambda m: m.func.vmap(lambda a, b: (a * b).sum())(
        m.tensor([X, Y]), m.tensor([Y, X]))),
    ("vmap in_dims", lambda m: m.func.vmap(lambda a, b: a * b, in_dims=(1, None))(
        m.tensor([X, Y]), m.tensor(2.0))),
    ("vmap out_dims", lambda m: m.func.vmap(lambda a: a * 2, out_dims=1)(m.tensor([X, Y]))),
    ("vmap of grad", lambda m: m.func.vmap(m.func.grad(lambda x: (x ** 2).sum()))(
        m.tensor([X, Y]))),
    ("vmap tuple", lambda m: m.func.vmap(lambda a: (a.sum(), a * 2))(m.tensor([X, Y]))),
]


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_transforms_as_torch(name, fn):
    _close(fn(tm), fn(torch))


def test_vjp_as_torch():
    out = {}
    for m in (tm, torch):
        value, vjp_fn = m.func.vjp(lambda x: x.exp() * x, m.tensor(X))
        out[m] = (value, vjp_fn(m.tensor(Y)))
    _close(out[tm][0], out[torch][0])
    _close(out[tm][1], out[torch][1])


def test_errors_as_torch():
    for m in (tm, torch):
        with pytest.raises(RuntimeError, match="Expected f\\(\\*args\\) to return a scalar "
                                               "Tensor, got tensor with 1 dims"):
            m.func.grad(lambda x: x * 2)(m.tensor(X))
        with pytest.raises(RuntimeError, match="called random operation while in "
                                               "randomness error mode"):
            m.func.vmap(lambda x: m.rand(2))(m.ones(3, 2))
        with pytest.raises(ValueError, match="Expected all tensors to have the same size "
                                             "in the mapped dimension"):
            m.func.vmap(lambda a, b: a + b)(m.ones(3, 2), m.ones(2, 2))


def test_vmap_same_randomness_draws_one_sample_for_every_slice():
    tm.manual_seed(0)
    r = tm.func.vmap(lambda x: x + tm.rand(2), randomness="same")(tm.zeros(3, 2))
    assert (r[0] == r[1]).all() and (r[1] == r[2]).all()
