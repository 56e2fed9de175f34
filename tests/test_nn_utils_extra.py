"""torch.nn.utils weight_norm, spectral_norm, functional_call, fusion and skip_init vs torch."""
import warnings

import numpy as np
import pytest

import taimatsu as tm
from conftest import load_oracle
from harness import check_error

torch = load_oracle()
LIBS = (tm, torch)

LINEAR = ("linear", lambda m: m.nn.Linear(5, 4), (4, 5))
CONV = ("conv", lambda m: m.nn.Conv2d(3, 4, 3), (2, 3, 5, 5))
CONVT = ("convt", lambda m: m.nn.ConvTranspose2d(3, 4, 3), (2, 3, 4, 4))


def close(ours, theirs, rtol=1e-4):
    ours, theirs = np.asarray(ours.detach().numpy()), np.asarray(theirs.detach().numpy())
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=rtol,
                               atol=1e-5 * max(1.0, float(np.abs(theirs).max(initial=0))))


def train(m, make, shape, reparam, steps=3, **kwargs):
    """Seeded module under `reparam`, a few SGD steps, then one eval forward."""
    m.manual_seed(0)
    module = make(m)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        getattr(m.nn.utils, reparam)(module, **kwargs)
    opt = m.optim.SGD(module.parameters(), lr=0.1)
    m.manual_seed(1)
    x = m.randn(*shape)
    outs, grads = [], []
    for _ in range(steps):
        opt.zero_grad()
        y = module(x)
        y.pow(2).mean().backward()
        grads.append({k: p.grad.clone() for k, p in module.named_parameters()})
        opt.step()
        outs.append(y.detach())
    module.eval()
    outs.append(module(x).detach())
    return module, outs, grads


def compare_training(make, shape, reparam, **kwargs):
    ours, our_outs, our_grads = train(tm, make, shape, reparam, **kwargs)
    theirs, their_outs, their_grads = train(torch, make, shape, reparam, **kwargs)
    for a, b in zip(our_outs, their_outs, strict=True):
        close(a, b)
    for a, b in zip(our_grads, their_grads, strict=True):
        assert list(a) == list(b)
        for k in a:
            close(a[k], b[k])
    ours_sd, theirs_sd = ours.state_dict(), theirs.state_dict()
    assert list(ours_sd) == list(theirs_sd)
    for k in ours_sd:
        close(ours_sd[k], theirs_sd[k])
    assert repr(ours) == repr(theirs)
    return ours, theirs


@pytest.mark.parametrize("case", [LINEAR, CONV, CONVT], ids=lambda c: c[0])
@pytest.mark.parametrize("dim", [0, 1, None, -2])
def test_weight_norm_training(case, dim):
    _, make, shape = case
    ours, theirs = compare_training(make, shape, "weight_norm", dim=dim)
    assert ours.weight_g.shape == theirs.weight_g.shape
    close(ours.weight, theirs.weight)


@pytest.mark.parametrize("case", [LINEAR, CONV, CONVT], ids=lambda c: c[0])
@pytest.mark.parametrize("kwargs", [{}, {"n_power_iterations": 3}, {"dim": 1}, {"eps": 1e-3}])
def test_spectral_norm_training(case, kwargs):
    _, make, shape = case
    ours, theirs = compare_training(make, shape, "spectral_norm", **kwargs)
    close(ours.weight_u, theirs.weight_u)
    close(ours.weight_v, theirs.weight_v)
    assert sorted(b for b, _ in ours.named_buffers()) == ["weight_u", "weight_v"]


@pytest.mark.parametrize("reparam, remove", [("weight_norm", "remove_weight_norm"),
                                             ("spectral_norm", "remove_spectral_norm")])
def test_remove(reparam, remove):
    results = []
    for m in LIBS:
        module, _, _ = train(m, LINEAR[1], LINEAR[2], reparam, steps=2)
        module.train()
        getattr(m.nn.utils, remove)(module)
        assert not module._forward_pre_hooks
        assert isinstance(module.weight, m.nn.Parameter)
        results.append((list(module.state_dict()), module.weight))
    assert results[0][0] == results[1][0]
    close(results[0][1], results[1][1])


def test_weight_norm_deprecation_and_shapes():
    with pytest.warns(FutureWarning, match="weight_norm` is deprecated"):
        module = tm.nn.utils.weight_norm(tm.nn.Linear(20, 40), name="weight")
    assert module.weight_g.shape == (40, 1) and module.weight_v.shape == (40, 20)
    assert [n for n, _ in module.named_parameters()] == ["bias", "weight_g", "weight_v"]
    with pytest.warns(FutureWarning):
        whole = tm.nn.utils.weight_norm(tm.nn.Linear(3, 2), dim=None)
    assert whole.weight_g.shape == ()


def reparam_twice(m, reparam):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        module = getattr(m.nn.utils, reparam)(m.nn.Linear(3, 2))
        getattr(m.nn.utils, reparam)(module)


def test_errors():
    check_error(lambda m: reparam_twice(m, "weight_norm"))
    check_error(lambda m: reparam_twice(m, "spectral_norm"))
    check_error(lambda m: m.nn.utils.remove_weight_norm(m.nn.Linear(3, 2)))
    check_error(lambda m: m.nn.utils.remove_spectral_norm(m.nn.Linear(3, 2), name="bias"))
    check_error(lambda m: m.nn.utils.spectral_norm(m.nn.Linear(3, 2), n_power_iterations=0))
    check_error(lambda m: m.nn.utils.spectral_norm(m.nn.Linear(3, 2, bias=False), name="bias"))


def test_spectral_norm_state_dict_roundtrip():
    for m in LIBS:
        src, outs, _ = train(m, LINEAR[1], LINEAR[2], "spectral_norm", steps=2)
        sd = src.state_dict()
        assert sd._metadata[""]["spectral_norm"] == {"weight.version": 1}
        m.manual_seed(5)
        dst = m.nn.utils.spectral_norm(m.nn.Linear(5, 4))
        dst.load_state_dict(sd)
        dst.eval()
        m.manual_seed(1)
        x = m.randn(*LINEAR[2])
        close(dst(x), outs[-1])
        for k in sd:
            close(dst.state_dict()[k], sd[k])


# --- functional_call ------------------------------------------------------------------------

def run_functional_call(m, call):
    m.manual_seed(0)
    net = m.nn.Sequential(m.nn.Linear(4, 3), m.nn.BatchNorm1d(3), m.nn.Tanh(), m.nn.Linear(3, 2))
    orig = {k: v.clone() for k, v in net.state_dict().items()}
    m.manual_seed(1)
    params = {k: (v.detach() * 0.5 + 0.1).requires_grad_() for k, v in net.named_parameters()}
    buffers = {k: v.clone() for k, v in net.named_buffers()}
    x = m.randn(6, 4)
    y = call(m, net, {**params, **buffers}, x)
    y.pow(2).sum().backward()
    for k, v in net.state_dict().items():
        assert m.equal(v, orig[k]), k
    assert all(p.grad is None for p in net.parameters())
    return [y.detach(), *[p.grad for p in params.values()], *buffers.values()]


@pytest.mark.parametrize("which", ["stateless", "func", "func_list"])
def test_functional_call(which):
    def call(m, net, tensors, x):
        if which == "stateless":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                return m.nn.utils.stateless.functional_call(net, tensors, (x,))
        if which == "func":
            return m.func.functional_call(net, tensors, x)
        names = list(tensors)
        halves = [{k: tensors[k] for k in names[:3]}, {k: tensors[k] for k in names[3:]}]
        out = m.func.functional_call(net, halves, args=(), kwargs={"input": x})
        tensors.update(halves[1])
        return out
    ours = run_functional_call(tm, call)
    theirs = run_functional_call(torch, call)
    for a, b in zip(ours, theirs, strict=True):
        close(a, b)


def tied(m):
    m.manual_seed(0)
    net = m.nn.Sequential(m.nn.Linear(3, 3, bias=False), m.nn.Linear(3, 3, bias=False))
    net[1].weight = net[0].weight
    return net


def test_functional_call_tied_and_partial():
    outs = []
    for m in LIBS:
        net = tied(m)
        x = m.ones(1, 3)
        w = m.eye(3) * 2
        tied_out = m.func.functional_call(net, {"0.weight": w}, x)
        untied_out = m.func.functional_call(net, {"0.weight": w}, x, tie_weights=False)
        outs.append((tied_out, untied_out))
    for a, b in zip(*outs, strict=True):
        close(a, b)


def test_functional_call_errors():
    x = np.ones((1, 3), dtype=np.float32)
    check_error(lambda m, x: m.func.functional_call(
        tied(m), {"0.weight": m.eye(3), "1.weight": m.ones(3, 3)}, x), [x])
    check_error(lambda m, x: m.func.functional_call(
        tied(m), {"0.weight": m.eye(3), "extra": m.ones(1)}, x, strict=True), [x])
    check_error(lambda m, x: m.func.functional_call(
        tied(m), [{"0.weight": m.eye(3)}, {"0.weight": m.eye(3)}], x), [x])
    check_error(lambda m, x: m.func.functional_call(tied(m), [{"0.weight": m.eye(3)}, 1], x),
                [x])
    check_error(lambda m, x: m.func.functional_call(tied(m), 3, x), [x])
    with pytest.warns(FutureWarning, match="functional_call` is deprecated"):
        tm.nn.utils.stateless.functional_call(tied(tm), {}, tm.ones(1, 3))


# --- fusion and skip_init -------------------------------------------------------------------

def fused_outputs(m, kind):
    m.manual_seed(0)
    if kind == "linear":
        layer, bn, x = m.nn.Linear(5, 4), m.nn.BatchNorm1d(4), m.randn(8, 5)
    elif kind == "conv":
        layer, bn, x = m.nn.Conv2d(3, 4, 3, bias=False), m.nn.BatchNorm2d(4), m.randn(2, 3, 6, 6)
    else:
        layer, bn, x = m.nn.ConvTranspose2d(3, 4, 3), m.nn.BatchNorm2d(4), m.randn(2, 3, 4, 4)
    bn(layer(x))  # moves the running statistics off their initial values
    with m.no_grad():
        bn.weight.mul_(1.5)
        bn.bias.add_(0.25)
    layer.eval()
    bn.eval()
    if kind == "linear":
        fused = m.nn.utils.fuse_linear_bn_eval(layer, bn)
    else:
        fused = m.nn.utils.fuse_conv_bn_eval(layer, bn, transpose=kind == "convt")
    assert fused is not layer and isinstance(fused.weight, m.nn.Parameter)
    assert fused.weight.requires_grad and fused.weight.grad_fn is None
    close(fused(x), bn(layer(x)))
    return [fused(x), fused.weight, fused.bias]


@pytest.mark.parametrize("kind", ["linear", "conv", "convt"])
def test_fusion(kind):
    for a, b in zip(fused_outputs(tm, kind), fused_outputs(torch, kind), strict=True):
        close(a, b)


def test_fusion_weights_and_errors():
    rm, rv = np.array([0.1, -0.2], dtype=np.float32), np.array([0.5, 2.0], dtype=np.float32)
    w = np.arange(12, dtype=np.float32).reshape(2, 3, 2)
    res = [m.nn.utils.fuse_conv_bn_weights(m.tensor(w), None, m.tensor(rm), m.tensor(rv), 1e-5,
                                           None, None) for m in LIBS]
    for a, b in zip(*res, strict=True):
        close(a, b)
        assert a.requires_grad == b.requires_grad
    check_error(lambda m: m.nn.utils.fuse_linear_bn_eval(m.nn.Linear(2, 2),
                                                         m.nn.BatchNorm1d(2).eval()))
    check_error(lambda m: m.nn.utils.fuse_linear_bn_eval(m.nn.Linear(2, 3).eval(),
                                                         m.nn.BatchNorm1d(2).eval()))


def test_skip_init():
    draws = []
    for m in LIBS:
        m.manual_seed(0)
        module = m.nn.utils.skip_init(m.nn.Linear, 5, out_features=2, bias=True)
        assert module.weight.shape == (2, 5) and isinstance(module.bias, m.nn.Parameter)
        draws.append(m.rand(3))
    close(*draws)
    check_error(lambda m: m.nn.utils.skip_init(int))
    check_error(lambda m: m.nn.utils.skip_init(m.nn.ReLU))


def test_spectral_norm_loads_version0_state_dict():
    # a pre-version-1 state dict stores the normalized `weight`; v is solved from it
    loaded = []
    for m in LIBS:
        m.manual_seed(0)
        src = m.nn.utils.spectral_norm(m.nn.Linear(3, 5))
        src(m.randn(3, 3))
        old = dict(src.state_dict())
        old["weight"] = src.weight.detach()
        dst = m.nn.utils.spectral_norm(m.nn.Linear(3, 5))
        dst.load_state_dict(old, strict=False)
        loaded.append(dst.weight_v)
    close(*loaded)
