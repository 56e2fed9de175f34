"""Paths that only large arrays take, against the oracle: float32 normal fills made a
block at a time, optimizer updates made a chunk at a time, and matrix-product gradients
laid out as torch lays them out."""
import numpy as np
import pytest

import taimatsu as tm

torch = pytest.importorskip("torch")


def _bits(a):
    return np.ascontiguousarray(a).view(np.int32)


# 2048 rows of 16 make a block: cover one block, a partial last block and ragged ends
@pytest.mark.parametrize("n", [16, 2048 * 16, 2048 * 16 + 16, 3 * 2048 * 16 + 7 * 16 + 5])
def test_randn_matches_torch_bit_for_bit(n):
    torch.manual_seed(n)
    tm.manual_seed(n)
    assert np.array_equal(_bits(tm.randn(n).numpy()), _bits(torch.randn(n).numpy()))
    # the generator is left where torch leaves it
    assert np.array_equal(_bits(tm.randn(20).numpy()), _bits(torch.randn(20).numpy()))


def test_normal_with_mean_and_std_matches_torch():
    torch.manual_seed(3)
    tm.manual_seed(3)
    ours = tm.empty(2048 * 16 + 40).normal_(0.5, 3.0).numpy()
    theirs = torch.empty(2048 * 16 + 40).normal_(0.5, 3.0).numpy()
    assert np.array_equal(_bits(ours), _bits(theirs))


def _adam_path(m, grads, make_param):
    p = make_param(m)
    opt = m.optim.Adam([p], lr=1e-2, amsgrad=True)
    for g in grads:
        p.grad = m.tensor(g)
        opt.step()
    return p.detach().numpy().copy()


@pytest.mark.parametrize("transposed_grad", [False, True])
def test_adam_on_a_parameter_larger_than_a_chunk(transposed_grad):
    rng = np.random.default_rng(0)
    shape = (301, 250)  # 75,250 elements: two full chunks and a partial one
    start = rng.standard_normal(shape).astype(np.float32)
    grads = [rng.standard_normal(shape).astype(np.float32) for _ in range(15)]
    if transposed_grad:  # a non-contiguous gradient is updated whole
        grads = [np.ascontiguousarray(g.T).T for g in grads]

    def make_param(m):
        return m.tensor(start.copy(), requires_grad=True)

    np.testing.assert_allclose(_adam_path(tm, grads, make_param),
                               _adam_path(torch, grads, make_param), rtol=1e-6, atol=1e-6)


def _linear_grads(m):
    m.manual_seed(0)
    layer = m.nn.Linear(30, 20)
    x = m.tensor(np.linspace(-1, 1, 8 * 30, dtype=np.float32).reshape(8, 30),
                 requires_grad=True)
    layer(x).pow(2).sum().backward()
    return layer.weight.grad, layer.bias.grad, x.grad


def test_linear_gradients_have_torch_values_and_layout():
    for ours, theirs in zip(_linear_grads(tm), _linear_grads(torch)):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6)
        assert ours.stride() == theirs.stride()
        assert ours.is_contiguous()


@pytest.mark.parametrize("layout", ["nn", "tn", "nt", "tt"])
def test_mm_gradient_layouts_match_torch(layout):
    rng = np.random.default_rng(1)
    a0 = rng.standard_normal((5, 3))
    b0 = rng.standard_normal((3, 4))
    g0 = rng.standard_normal((5, 4))

    def grads(m):
        a = m.tensor(a0.T.copy() if layout[0] == "t" else a0, requires_grad=True)
        b = m.tensor(b0.T.copy() if layout[1] == "t" else b0, requires_grad=True)
        ga, gb = m.autograd.grad(m.mm(a.t() if layout[0] == "t" else a,
                                      b.t() if layout[1] == "t" else b),
                                 (a, b), m.tensor(g0))
        return ga, gb

    for ours, theirs in zip(grads(tm), grads(torch)):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
        assert ours.stride() == theirs.stride()
