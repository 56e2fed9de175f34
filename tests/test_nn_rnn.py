"""RNN, LSTM and GRU against the oracle: seeded initialisation, outputs, final states
and gradients (weights copied across where the two are built from the same seed)."""
import numpy as np
import pytest
from harness import check_error

import taimatsu as tm

torch = pytest.importorskip("torch")

CASES = [
    ("LSTM", {}, False),
    ("LSTM", {"num_layers": 2, "batch_first": True}, False),
    ("LSTM", {"bidirectional": True, "num_layers": 2}, True),
    ("LSTM", {"proj_size": 3, "batch_first": True}, False),
    ("GRU", {"num_layers": 2, "bidirectional": True}, False),
    ("GRU", {"batch_first": True, "bias": False}, True),
    ("RNN", {"nonlinearity": "relu", "num_layers": 2}, False),
    ("RNN", {"bidirectional": True}, True),
]


def _run(m, name, kwargs, with_state, unbatched=False):
    m.manual_seed(0)
    layer = getattr(m.nn, name)(5, 6, **kwargs)
    rng = np.random.default_rng(1)
    directions = 2 if kwargs.get("bidirectional") else 1
    layers = kwargs.get("num_layers", 1)
    if unbatched:
        x = m.tensor(rng.standard_normal((7, 5)), dtype=m.float32, requires_grad=True)
    elif kwargs.get("batch_first"):
        x = m.tensor(rng.standard_normal((3, 7, 5)), dtype=m.float32, requires_grad=True)
    else:
        x = m.tensor(rng.standard_normal((7, 3, 5)), dtype=m.float32, requires_grad=True)
    state = None
    if with_state:
        batch = () if unbatched else (3,)
        h0 = m.tensor(rng.standard_normal((layers * directions,) + batch + (6,)),
                      dtype=m.float32)
        state = (h0, m.tanh(h0)) if name == "LSTM" else h0
    out, final = layer(x, state)
    finals = list(final) if name == "LSTM" else [final]
    loss = out.pow(2).sum() + sum(f.sin().sum() for f in finals)
    loss.backward()
    params = {n: p.detach().numpy().copy() for n, p in layer.named_parameters()}
    grads = {n: p.grad.numpy().copy() for n, p in layer.named_parameters()}
    return params, out.detach().numpy(), [f.detach().numpy() for f in finals], \
        x.grad.numpy(), grads


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}-{c[2]}")
def test_matches_torch(case):
    ours, theirs = _run(tm, *case), _run(torch, *case)
    assert list(ours[0]) == list(theirs[0])  # parameter names, in torch's order
    for name in ours[0]:
        np.testing.assert_array_equal(ours[0][name], theirs[0][name], err_msg=name)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-5, atol=1e-6)
    for a, b in zip(ours[2], theirs[2]):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours[3], theirs[3], rtol=1e-4, atol=1e-5)
    for name in ours[4]:
        np.testing.assert_allclose(ours[4][name], theirs[4][name], rtol=1e-4, atol=1e-5,
                                   err_msg=name)


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_unbatched_input(name):
    ours, theirs = _run(tm, name, {}, True, True), _run(torch, name, {}, True, True)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-5, atol=1e-6)
    assert [f.shape for f in ours[2]] == [f.shape for f in theirs[2]]
    np.testing.assert_allclose(ours[3], theirs[3], rtol=1e-4, atol=1e-5)


def test_double_backward_through_lstm():
    def grad_norm(m):
        m.manual_seed(0)
        lstm = m.nn.LSTM(2, 3)
        x = m.tensor(np.linspace(-1, 1, 4 * 1 * 2).reshape(4, 1, 2), dtype=m.float64,
                     requires_grad=True)
        lstm = lstm.double()
        out, _ = lstm(x)
        (g,) = m.autograd.grad(out.sum(), x, create_graph=True)
        (gg,) = m.autograd.grad(g.pow(2).sum(), x)
        return gg.numpy()

    np.testing.assert_allclose(grad_norm(tm), grad_norm(torch), rtol=1e-10)


@pytest.mark.parametrize("make", [
    lambda m: m.nn.LSTM(3, 4, 2, batch_first=True, bidirectional=True),
    lambda m: m.nn.GRU(3, 4, dropout=0.5, num_layers=2),
    lambda m: m.nn.RNN(3, 4, nonlinearity="relu", bias=False),
    lambda m: m.nn.LSTM(3, 4, proj_size=2),
])
def test_repr(make):
    assert repr(make(tm)) == repr(make(torch))


@pytest.mark.parametrize("fn", [
    lambda m: m.nn.LSTM(3, 4)(m.zeros(5, 2, 4)),
    lambda m: m.nn.GRU(3, 4)(m.zeros(2, 5, 2, 3)),
    lambda m: m.nn.RNN(3, 4, nonlinearity="sigmoid"),
    lambda m: m.nn.LSTM(3, 4, proj_size=4),
    lambda m: m.nn.GRU(3, 4, proj_size=2),
    lambda m: m.nn.LSTM(3, 4, dropout=2),
])
def test_errors(fn):
    check_error(fn)
