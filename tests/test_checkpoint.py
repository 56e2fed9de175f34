"""saved_tensors_hooks, save_on_cpu and torch.utils.checkpoint against the oracle: the
same values and gradients, the same nodes, hooks called as torch calls them."""
import warnings

import numpy as np
import pytest
from conftest import load_oracle

import taimatsu as tm

torch = load_oracle()


def _model(m):
    m.manual_seed(0)
    return m.nn.Sequential(m.nn.Linear(3, 6), m.nn.Tanh(), m.nn.Dropout(0.25),
                           m.nn.Linear(6, 6), m.nn.ReLU(), m.nn.Linear(6, 2))


def _same(a, b):
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6, atol=1e-7)


def test_saved_tensors_hooks_pack_what_torch_packs():
    shapes = {}
    for m in (tm, torch):
        seen = []
        x = m.tensor([[0.5, -1.0, 2.0]], requires_grad=True)
        w = m.tensor([[1.0], [2.0], [3.0]], requires_grad=True)

        def pack(t, seen=seen):
            seen.append(tuple(t.shape))
            return t * 1

        with m.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            y = ((x @ w).sigmoid() * x.sum()).exp().sum()
        y.backward()
        shapes[m] = (sorted(seen), x.grad, w.grad)
    assert shapes[tm][0] == shapes[torch][0]
    for a, b in zip(shapes[tm][1:], shapes[torch][1:]):
        _same(a, b)


def test_save_on_cpu_keeps_the_gradients():
    grads = []
    for m in (tm, torch):
        x = m.tensor([0.3, -0.2, 1.5], requires_grad=True)
        with m.autograd.graph.save_on_cpu():
            (x.tanh() * x.exp()).sum().backward()
        grads.append(x.grad)
    _same(*grads)


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_gives_torch_values_gradients_and_nodes(reentrant):
    out = {}
    for m in (tm, torch):
        model = _model(m)
        x = m.linspace(-1, 1, 12).reshape(4, 3).requires_grad_()
        m.manual_seed(5)
        y = m.utils.checkpoint.checkpoint(model, x, use_reentrant=reentrant)
        y.pow(2).sum().backward()
        out[m] = (y, x.grad, model[0].weight.grad, y.grad_fn.name(), m.rand(2))
    for a, b in zip(out[tm][:3], out[torch][:3]):
        _same(a, b)
    assert out[tm][3] == out[torch][3]
    _same(out[tm][4], out[torch][4])  # the generator is where torch's is afterwards


def test_checkpoint_without_reentrant_keeps_no_intermediates():
    model = _model(tm)
    x = tm.randn(4, 3, requires_grad=True)
    y = tm.utils.checkpoint.checkpoint(model, x, use_reentrant=False)
    node, kept = y.grad_fn, []
    stack = [node]
    while stack:
        n = stack.pop()
        if n is None:
            continue
        kept += [v for v in (n._saved or ()) if hasattr(v, "_data")]
        stack += [e[0] for e in n._next if e is not None]
    assert kept == []  # every saved tensor was packed as a number


def test_checkpoint_sequential_and_messages_as_torch():
    results = []
    for m in (tm, torch):
        model = _model(m)
        model.eval()
        x = m.linspace(-1, 1, 12).reshape(4, 3).requires_grad_()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y = m.utils.checkpoint.checkpoint_sequential(model, 2, x)
        y.sum().backward()
        results.append((y, x.grad, y.grad_fn.name(),
                        [str(w.message) for w in caught if "use_reentrant" in str(w.message)]))
        with pytest.raises(ValueError, match="Unexpected keyword arguments: foo"):
            m.utils.checkpoint.checkpoint(model, x, use_reentrant=True, foo=1)
        with pytest.raises(ValueError, match="only supported when use_reentrant=False"):
            m.utils.checkpoint.checkpoint(model, x, use_reentrant=True, debug=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y = m.utils.checkpoint.checkpoint(model, x.detach(), use_reentrant=True)
        assert not y.requires_grad
        assert any("None of the inputs have requires_grad=True" in str(w.message)
                   for w in caught)
    _same(results[0][0], results[1][0])
    _same(results[0][1], results[1][1])
    assert results[0][2:] == results[1][2:]
