"""nn.init: statistics of the initialisers, seeded equality with torch, errors; nn.utils."""
import math

import numpy as np
import pytest
from conftest import load_oracle
from harness import assert_same, randn

import taimatsu as tm

torch = load_oracle()
init = tm.nn.init


def test_calculate_gain_and_fans():
    for args in [("linear",), ("sigmoid",), ("tanh",), ("relu",), ("leaky_relu",),
                 ("leaky_relu", 0.2), ("selu",), ("conv2d",)]:
        assert init.calculate_gain(*args) == torch.nn.init.calculate_gain(*args)
    with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
        init.calculate_gain("foo")
    assert init._calculate_fan_in_and_fan_out(tm.empty(8, 3, 5, 5)) == (75, 200)
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed"):
        init._calculate_fan_in_and_fan_out(tm.empty(3))
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(tm.empty(3, 3), mode="fan_avg")


SEEDED = [
    ("uniform_", lambda m, t: m.nn.init.uniform_(t, -0.3, 0.7)),
    ("normal_", lambda m, t: m.nn.init.normal_(t, 0.5, 2.0)),
    ("xavier_uniform_", lambda m, t: m.nn.init.xavier_uniform_(t, gain=2.0)),
    ("xavier_normal_", lambda m, t: m.nn.init.xavier_normal_(t)),
    ("kaiming_uniform_", lambda m, t: m.nn.init.kaiming_uniform_(t, a=math.sqrt(5))),
    ("kaiming_normal_", lambda m, t: m.nn.init.kaiming_normal_(t, mode="fan_out",
                                                               nonlinearity="relu")),
    ("constant_", lambda m, t: m.nn.init.constant_(t, 0.25)),
    ("ones_", lambda m, t: m.nn.init.ones_(t)),
    ("zeros_", lambda m, t: m.nn.init.zeros_(t)),
    ("eye_", lambda m, t: m.nn.init.eye_(t)),
]


@pytest.mark.parametrize("name,fn", SEEDED, ids=[s[0] for s in SEEDED])
def test_seeded_initialisers_match_torch(name, fn):
    tm.manual_seed(11)
    torch.manual_seed(11)
    ours = tm.nn.Parameter(tm.empty(30, 20))
    theirs = torch.nn.Parameter(torch.empty(30, 20))
    out = fn(tm, ours)
    fn(torch, theirs)
    assert out is ours and ours.requires_grad and ours.grad_fn is None
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-6,
                               atol=1e-7)


def test_orthogonal_matches_torch_and_is_orthogonal():
    for shape in [(6, 4), (3, 8), (4, 2, 3)]:
        tm.manual_seed(2)
        torch.manual_seed(2)
        ours = init.orthogonal_(tm.empty(*shape), gain=1.5)
        theirs = torch.nn.init.orthogonal_(torch.empty(*shape), gain=1.5)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-5)
        flat = ours.numpy().reshape(shape[0], -1) / 1.5
        small = flat.T @ flat if shape[0] >= flat.shape[1] else flat @ flat.T
        np.testing.assert_allclose(small, np.eye(len(small)), atol=1e-5)


def test_statistics_of_large_tensors():
    tm.manual_seed(0)
    t = init.kaiming_normal_(tm.empty(500, 400), nonlinearity="relu")
    assert abs(t.numpy().std() - math.sqrt(2 / 400)) < 2e-3 and abs(t.numpy().mean()) < 1e-3
    t = init.xavier_uniform_(tm.empty(500, 300))
    bound = math.sqrt(6 / 800)
    assert t.numpy().max() <= bound and t.numpy().min() >= -bound
    assert abs(t.numpy().std() - bound / math.sqrt(3)) < 1e-3
    t = init.trunc_normal_(tm.empty(200_000), mean=1.0, std=2.0, a=-1.0, b=2.0)
    values = t.numpy()
    assert values.min() >= -1.0 and values.max() <= 2.0
    # the mean of N(1, 2) truncated to [-1, 2]
    ref = torch.nn.init.trunc_normal_(torch.empty(200_000), mean=1.0, std=2.0, a=-1.0, b=2.0)
    assert abs(values.mean() - ref.numpy().mean()) < 0.01
    assert abs(values.std() - ref.numpy().std()) < 0.01


def test_trunc_normal_matches_torch_seeded():
    tm.manual_seed(4)
    torch.manual_seed(4)
    ours = init.trunc_normal_(tm.empty(1000, dtype=tm.float64), std=0.02)
    theirs = torch.nn.init.trunc_normal_(torch.empty(1000, dtype=torch.float64), std=0.02)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-9, atol=1e-12)
    # a narrow interval far in the tail: sampled uniformly with acceptance by the density
    ours = init.trunc_normal_(tm.empty(500), a=2.0, b=3.0)
    theirs = torch.nn.init.trunc_normal_(torch.empty(500), a=2.0, b=3.0)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


def test_sparse_and_dirac():
    tm.manual_seed(1)
    torch.manual_seed(1)
    ours = init.sparse_(tm.empty(10, 6), sparsity=0.3)
    theirs = torch.nn.init.sparse_(torch.empty(10, 6), sparsity=0.3)
    assert ((ours.numpy() == 0).sum(0) >= 3).all()
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
    assert_same(init.dirac_(tm.empty(4, 2, 3, 3), groups=2),
                torch.nn.init.dirac_(torch.empty(4, 2, 3, 3), groups=2))
    with pytest.raises(ValueError, match="Only tensors with 3, 4, or 5 dimensions"):
        init.dirac_(tm.empty(2, 2))


def test_clip_grad_norm_and_value():
    for norm_type in [2.0, 1.0, float("inf"), 3.0]:
        grads = [randn(3, 4), randn(5)]
        ours = [tm.nn.Parameter(tm.zeros(*g.shape, dtype=tm.float64)) for g in grads]
        theirs = [torch.nn.Parameter(torch.zeros(*g.shape, dtype=torch.float64)) for g in grads]
        for p, q, g in zip(ours, theirs, grads):
            p.grad = tm.tensor(g)
            q.grad = torch.tensor(g)
        total = tm.nn.utils.clip_grad_norm_(ours, 0.5, norm_type=norm_type, foreach=True)
        ref = torch.nn.utils.clip_grad_norm_(theirs, 0.5, norm_type=norm_type)
        assert_same(total, ref)
        for p, q in zip(ours, theirs):
            assert_same(p.grad, q.grad)
    p = tm.nn.Parameter(tm.zeros(3))
    p.grad = tm.tensor([float("nan"), 1.0, 2.0])
    with pytest.raises(RuntimeError, match="is non-finite, so it cannot be clipped"):
        tm.nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    p.grad = tm.tensor([-3.0, 0.5, 2.0])
    tm.nn.utils.clip_grad_value_(p, 1.0)
    assert p.grad.tolist() == [-1.0, 0.5, 1.0]
    assert tm.nn.utils.clip_grad_norm_([tm.nn.Parameter(tm.ones(2))], 1.0).item() == 0.0


def test_parameters_vector_round_trip():
    model = tm.nn.Linear(3, 2)
    vec = tm.nn.utils.parameters_to_vector(model.parameters())
    assert vec.shape == (8,) and vec.grad_fn is not None
    tm.nn.utils.vector_to_parameters(tm.arange(8.0), model.parameters())
    assert model.weight.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert model.bias.tolist() == [6.0, 7.0]
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        tm.nn.utils.vector_to_parameters([1.0], model.parameters())
