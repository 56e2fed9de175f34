"""torch.optim against the oracle: trajectories step by step, state dicts, errors."""
import copy
import importlib
import pickle
import warnings

import numpy as np
import pytest
from harness import check_error

import taimatsu as tm

torch = pytest.importorskip("torch")

LIBS = {"taimatsu": tm, "torch": torch}
TOL = {np.float32: {"atol": 1e-6, "rtol": 1e-6}, np.float64: {"atol": 1e-12, "rtol": 1e-12}}

# a fixed regression problem: loss = 0.5 |X w - y|^2 + 0.5 |b - c|^2, per parameter
_RNG = np.random.default_rng(1234)
X = 0.3 * _RNG.standard_normal((16, 12))  # well conditioned: rounding is not amplified
Y = _RNG.standard_normal(16)
C = _RNG.standard_normal(3)
W0 = 0.5 * _RNG.standard_normal((3, 4))
B0 = _RNG.standard_normal(3)


def _grads(w, b, sign):
    """The problem's gradients in float64 numpy, so that both libraries see the same."""
    w = np.asarray(w, np.float64)
    b = np.asarray(b, np.float64)
    residual = X @ w.reshape(-1) - Y
    return sign * (X.T @ residual).reshape(w.shape), sign * (b - C)


def _make_params(m, dtype):
    w = m.tensor(W0.astype(dtype), requires_grad=True)
    b = m.tensor(B0.astype(dtype), requires_grad=True)
    frozen = m.tensor(np.ones(2, dtype), requires_grad=True)  # never gets a gradient
    return w, b, frozen


def _trajectory(m, make_opt, dtype, steps, sign=1.0):
    w, b, frozen = _make_params(m, dtype)
    opt = make_opt(m, [w, b, frozen])
    path = []
    for _ in range(steps):
        opt.zero_grad()
        gw, gb = _grads(w.detach().numpy(), b.detach().numpy(), sign)
        w.grad = m.tensor(gw.astype(dtype))
        b.grad = m.tensor(gb.astype(dtype))
        opt.step()
        path.append((w.detach().numpy().copy(), b.detach().numpy().copy()))
    assert frozen.detach().numpy().tolist() == [1.0, 1.0]
    return opt, path


def _compare_paths(ours, theirs, dtype):
    for i, ((wo, bo), (wt, bt)) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(wo, wt, **TOL[dtype], err_msg=f"w after step {i + 1}")
        np.testing.assert_allclose(bo, bt, **TOL[dtype], err_msg=f"b after step {i + 1}")


CASES = [
    ("SGD", {"lr": 0.01}),
    ("SGD", {"lr": 0.01, "momentum": 0.9, "dampening": 0.2}),
    ("SGD", {"lr": 0.01, "momentum": 0.9, "nesterov": True, "weight_decay": 0.05}),
    ("SGD", {"lr": 0.01, "momentum": 0.5, "maximize": True}),
    ("Adam", {"lr": 0.05}),
    ("Adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6, "maximize": True}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("AdamW", {"lr": 0.05}),
    ("AdamW", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.3}),
    ("Adagrad", {"lr": 0.3}),
    ("Adagrad", {"lr": 0.3, "lr_decay": 0.01, "initial_accumulator_value": 0.1,
                     "weight_decay": 0.05}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "centered": True, "momentum": 0.5}),
    ("RMSprop", {"lr": 0.01, "weight_decay": 0.1, "momentum": 0.3, "maximize": True}),
    ("Adamax", {"lr": 0.05}),
    ("Adamax", {"lr": 0.05, "weight_decay": 0.1, "betas": (0.8, 0.9)}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "weight_decay": 0.1, "maximize": True}),
    ("NAdam", {"lr": 0.05}),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.1, "momentum_decay": 0.01}),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {"lr": 0.05}),
    ("RAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {"lr": 0.05, "weight_decay": 0.1, "maximize": True}),
    ("Rprop", {"lr": 0.01}),
    ("Rprop", {"lr": 0.01, "etas": (0.3, 1.5), "step_sizes": (1e-4, 0.05), "maximize": True}),
    ("ASGD", {"lr": 0.05}),
    ("ASGD", {"lr": 0.05, "lambd": 1e-2, "alpha": 0.5, "t0": 10, "weight_decay": 0.1}),
]


def _case_id(case):
    name, kwargs = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_trajectory_matches_torch(case, dtype):
    name, kwargs = case
    sign = -1.0 if kwargs.get("maximize") else 1.0  # maximize -f, i.e. still minimise f

    def make(m, params):
        return getattr(m.optim, name)(params, **kwargs)

    _, ours = _trajectory(tm, make, dtype, 40, sign)
    _, theirs = _trajectory(torch, make, dtype, 40, sign)
    _compare_paths(ours, theirs, dtype)


@pytest.mark.parametrize("name", ["SGD", "Adam", "Adagrad", "RMSprop", "NAdam", "RAdam"])
def test_param_groups_with_own_options_and_tensor_lr(name):
    def make(m, params):
        w, b, frozen = params
        return getattr(m.optim, name)(
            [{"params": [w], "lr": m.tensor(0.02)}, {"params": [b, frozen], "lr": 0.005}],
            lr=0.01, weight_decay=0.01)

    _, ours = _trajectory(tm, make, np.float32, 25)
    _, theirs = _trajectory(torch, make, np.float32, 25)
    _compare_paths(ours, theirs, np.float32)


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "Adagrad"])
def test_complex_parameters(name):
    rng = np.random.default_rng(5)
    start = (rng.standard_normal(4) + 1j * rng.standard_normal(4)).astype(np.complex64)
    grads = [(rng.standard_normal(4) + 1j * rng.standard_normal(4)).astype(np.complex64)
             for _ in range(20)]
    paths = []
    for m in (tm, torch):
        z = m.tensor(start.copy(), requires_grad=True)
        kwargs = {"momentum": 0.9} if name in ("SGD", "RMSprop") else {}
        opt = getattr(m.optim, name)([z], lr=0.05, **kwargs)
        path = []
        for g in grads:
            z.grad = m.tensor(g)
            opt.step()
            path.append(z.detach().numpy().copy())
        paths.append(np.array(path))
    np.testing.assert_allclose(paths[0], paths[1], atol=1e-6, rtol=1e-6)


SIZE_CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.1, "momentum": 0.5, "dampening": 0.3, "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1, "maximize": True}),
    ("AdamW", {"lr": 0.01, "betas": (0.3, 0.6)}),  # lerp's weight >= 0.5 branch
]


def _sized_run(m, name, kwargs, steps):
    """Parameters on both sides of the chunk size (32768) and of the small-array path,
    a 0-dim one and a transposed (non-contiguous) one, with gradients over five decades.
    (Not more: where an FMA's addend is below 2**-53 of its product, the float64 sum
    cannot break a float32 tie, and the emulation may round one ulp off, about once in
    2**24 such updates.)"""
    rng = np.random.default_rng(11)
    shapes = [(), (7,), (5000,), (3, 33000), (70000,)]
    params = [m.tensor(rng.standard_normal(s).astype(np.float32), requires_grad=True)
              for s in shapes]
    params.append(m.tensor(rng.standard_normal((300, 200)).astype(np.float32)).t()
                  .detach().requires_grad_())
    opt = getattr(m.optim, name)(params, **kwargs)
    for _ in range(steps):
        for p in params:
            scale = 10.0 ** rng.uniform(-3, 2, p.shape)
            p.grad = m.tensor((rng.standard_normal(p.shape) * scale).astype(np.float32))
        opt.step()
    states = [{k: v.detach().numpy().copy() for k, v in opt.state[p].items()}
              for p in params]
    versions = [(p._version, {k: v._version for k, v in opt.state[p].items()})
                for p in params]
    return [p.detach().numpy().copy() for p in params], states, versions


@pytest.mark.parametrize("case", SIZE_CASES, ids=[_case_id(c) for c in SIZE_CASES])
def test_large_tiny_and_strided_parameters_match_torch_exactly(case):
    """The float32 arithmetic is torch's bit for bit, whichever path an array takes;
    except that torch's float32 sqrt (MKL's, on large arrays) is not correctly rounded
    (about 1 in 200 results is one ulp off): Adam's parameters, and the moments where
    they feed back into the gradient (coupled weight decay), are compared to a few ulps."""
    name, kwargs = case
    ours, our_states, our_versions = _sized_run(tm, name, kwargs, 6)
    theirs, their_states, their_versions = _sized_run(torch, name, kwargs, 6)
    for o, t in zip(ours, theirs):
        if name == "SGD":
            np.testing.assert_array_equal(o, t)
        else:
            np.testing.assert_allclose(o, t, rtol=1e-6, atol=1e-8)
    coupled = name == "Adam" and kwargs.get("weight_decay")
    for o, t in zip(our_states, their_states):
        assert o.keys() == t.keys()
        for key in o:
            assert o[key].dtype == t[key].dtype, key
            if coupled:
                np.testing.assert_allclose(o[key], t[key], rtol=1e-5, atol=1e-9, err_msg=key)
            else:
                np.testing.assert_array_equal(o[key], t[key], err_msg=key)
    assert our_versions == their_versions


def _adam_with_closure(m, target, scale, steps):
    x = m.tensor(np.zeros(3, np.float32), requires_grad=True)
    t, s = m.tensor(target), m.tensor(scale)
    opt = m.optim.Adam([x], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (((x - t) ** 2) * s).sum()
        loss.backward()
        return loss

    losses = [opt.step(closure).item() for _ in range(steps)]
    return losses, x.detach().numpy().copy()


def test_training_with_autograd_and_closure():
    """backward() fills .grad; step(closure) returns the closure's loss."""
    target = np.array([1.0, -2.0, 0.5], np.float32)
    scale = np.array([1.0, 3.0, 0.5], np.float32)
    ours = _adam_with_closure(tm, target, scale, 30)
    theirs = _adam_with_closure(torch, target, scale, 30)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-5)
    np.testing.assert_allclose(ours[1], theirs[1], atol=1e-6)


def test_parameter_version_counter_and_grad_mode():
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    x.grad = tm.tensor([1.0, 1.0])
    opt = tm.optim.SGD([x], lr=0.5)
    before = x._version
    opt.step()
    assert x._version > before
    assert x.detach().numpy().tolist() == [0.5, 1.5]
    assert tm.is_grad_enabled()
    seen = []
    opt.step(lambda: seen.append(tm.is_grad_enabled()))
    assert seen == [True]


# --- LBFGS ------------------------------------------------------------------------------

def _rosenbrock_run(m, line_search_fn, history_size, steps):
    xy = m.tensor(np.array([-1.5, 2.0], np.float64), requires_grad=True)
    opt = m.optim.LBFGS([xy], lr=1, max_iter=5, history_size=history_size,
                        line_search_fn=line_search_fn)

    def closure():
        opt.zero_grad()
        x, y = xy[0], xy[1]
        loss = (1 - x) ** 2 + 100 * (y - x * x) ** 2
        loss.backward()
        return loss

    path = []
    for _ in range(steps):
        loss = opt.step(closure)
        path.append([loss.item()] + xy.detach().numpy().tolist())
    return opt, np.array(path)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_matches_torch(line_search_fn):
    steps = 8 if line_search_fn else 4
    ours_opt, ours = _rosenbrock_run(tm, line_search_fn, 4, steps)
    theirs_opt, theirs = _rosenbrock_run(torch, line_search_fn, 4, steps)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-10)
    ours_state = ours_opt.state_dict()["state"][0]
    theirs_state = theirs_opt.state_dict()["state"][0]
    assert list(ours_state) == list(theirs_state)
    for key in ("func_evals", "n_iter"):
        assert ours_state[key] == theirs_state[key], key
    assert len(ours_state["old_dirs"]) == len(theirs_state["old_dirs"])
    np.testing.assert_allclose(ours_state["d"].numpy(), theirs_state["d"].numpy(),
                               rtol=1e-8, atol=1e-12)


def _lbfgs_regression(m, steps):
    w = m.tensor(np.zeros(12, np.float32), requires_grad=True)
    Xt, Yt = m.tensor(X.astype(np.float32)), m.tensor(Y.astype(np.float32))
    opt = m.optim.LBFGS([w], lr=0.5, history_size=5, max_iter=10)

    def closure():
        opt.zero_grad()
        r = (Xt * w).sum(1) - Yt
        loss = (r * r).sum()
        loss.backward()
        return loss

    return [(opt.step(closure).item(), w.detach().numpy().copy()) for _ in range(steps)]


def test_lbfgs_float32_regression():
    """float32 dot products and sums may round differently (BLAS vs torch's kernels)."""
    for (lo, wo), (lt, wt) in zip(_lbfgs_regression(tm, 3), _lbfgs_regression(torch, 3)):
        assert abs(lo - lt) <= 1e-4 * abs(lt)
        np.testing.assert_allclose(wo, wt, atol=1e-4)


def test_lbfgs_rejects_groups():
    check_error(lambda m: m.optim.LBFGS([{"params": [m.ones(1, requires_grad=True)]},
                                         {"params": [m.ones(1, requires_grad=True)]}]))


# --- state dicts -------------------------------------------------------------------------

STATE_CASES = [("SGD", {"lr": 0.1, "momentum": 0.9}), ("Adam", {"amsgrad": True}),
               ("AdamW", {}), ("Adagrad", {}), ("RMSprop", {"centered": True, "momentum": 0.1}),
               ("Adamax", {}), ("Adadelta", {}), ("NAdam", {}), ("RAdam", {}), ("Rprop", {}),
               ("ASGD", {"t0": 2})]


def _describe(value):
    """A state value's structure: tensors by dtype and shape, the rest as is."""
    if hasattr(value, "dtype") and hasattr(value, "shape"):
        return ("tensor", str(value.dtype), tuple(value.shape))
    if isinstance(value, (list, tuple)):
        return type(value).__name__, [_describe(v) for v in value]
    return value


@pytest.mark.parametrize("case", STATE_CASES, ids=[c[0] for c in STATE_CASES])
def test_state_dict_structure_matches_torch(case):
    name, kwargs = case

    def make(m, params):
        return getattr(m.optim, name)(params, **kwargs)

    ours_opt, _ = _trajectory(tm, make, np.float32, 3)
    theirs_opt, _ = _trajectory(torch, make, np.float32, 3)
    ours, theirs = ours_opt.state_dict(), theirs_opt.state_dict()
    assert ours["param_groups"] == theirs["param_groups"]
    assert [list(g) for g in ours["param_groups"]] == [list(g) for g in theirs["param_groups"]]
    assert list(ours["state"]) == list(theirs["state"])
    for pid, theirs_state in theirs["state"].items():
        ours_state = ours["state"][pid]
        assert list(ours_state) == list(theirs_state)
        for key, value in theirs_state.items():
            assert _describe(ours_state[key]) == _describe(value), key
            np.testing.assert_allclose(ours_state[key].numpy(), value.numpy(), rtol=1e-6,
                                       atol=1e-7, err_msg=key)
    assert repr(ours_opt) == repr(theirs_opt)


def _resume(m, make, first, dtype, steps):
    """A new optimizer on copies of `first`'s parameters, loaded from its state dict
    (after a deepcopy and, for taimatsu, a pickle round trip), run for more steps."""
    saved = copy.deepcopy(first.state_dict())
    if m is tm:
        saved = pickle.loads(pickle.dumps(saved))
    params = [m.tensor(p.detach().numpy().copy(), requires_grad=True)
              for p in first.param_groups[0]["params"]]
    resumed = make(m, params)
    resumed.load_state_dict(saved)
    assert resumed.state_dict()["param_groups"] == first.state_dict()["param_groups"]
    w, b = params[:2]
    for _ in range(steps):
        gw, gb = _grads(w.detach().numpy(), b.detach().numpy(), 1.0)
        w.grad, b.grad = m.tensor(gw.astype(dtype)), m.tensor(gb.astype(dtype))
        resumed.step()
    return w.detach().numpy(), b.detach().numpy()


@pytest.mark.parametrize("case", STATE_CASES, ids=[c[0] for c in STATE_CASES])
def test_state_dict_round_trip_continues_the_same_run(case):
    name, kwargs = case

    def make(m, params):
        return getattr(m.optim, name)(params, **kwargs)

    dtype = np.float64
    _, whole = _trajectory(tm, make, dtype, 10)
    ours = _resume(tm, make, _trajectory(tm, make, dtype, 5)[0], dtype, 5)
    theirs = _resume(torch, make, _trajectory(torch, make, dtype, 5)[0], dtype, 5)
    np.testing.assert_allclose(ours[0], theirs[0], **TOL[dtype])
    np.testing.assert_allclose(ours[1], theirs[1], **TOL[dtype])
    if name != "NAdam":  # loading casts NAdam's float32 mu_product to the params' float64
        np.testing.assert_array_equal(ours[0], whole[-1][0])
        np.testing.assert_array_equal(ours[1], whole[-1][1])


def test_state_dict_loads_into_torch_shape_and_shares_tensors():
    results = {}
    for lib, m in LIBS.items():
        p = m.ones(3, requires_grad=True)
        opt = m.optim.Adam([p], lr=0.1)
        p.sum().backward()
        opt.step()
        sd = opt.state_dict()
        q = m.ones(3, requires_grad=True)
        opt2 = m.optim.Adam([q])
        opt2.load_state_dict(sd)
        results[lib] = (sd["state"][0]["exp_avg"] is opt.state[p]["exp_avg"],
                        opt2.state[q]["exp_avg"] is sd["state"][0]["exp_avg"],
                        opt2.param_groups[0]["lr"], str(sd["state"][0]["step"].dtype),
                        sd["state"][0]["step"].dim())
    assert results["taimatsu"] == results["torch"]


def test_load_state_dict_errors():
    def different_group_count(m):
        p = m.ones(2, requires_grad=True)
        opt = m.optim.SGD([p], lr=0.1)
        opt.load_state_dict({"state": {}, "param_groups": []})

    def different_group_size(m):
        p, q = m.ones(2, requires_grad=True), m.ones(2, requires_grad=True)
        source = m.optim.SGD([p, q], lr=0.1).state_dict()
        m.optim.SGD([p], lr=0.1).load_state_dict(source)

    check_error(different_group_count)
    check_error(different_group_size)


def test_zero_grad():
    for m in (tm, torch):
        p = m.ones(2, requires_grad=True)
        opt = m.optim.SGD([p], lr=0.1)
        p.grad = m.ones(2)
        opt.zero_grad(set_to_none=False)
        assert p.grad is not None and p.grad.numpy().tolist() == [0.0, 0.0]
        opt.zero_grad()
        assert p.grad is None


def test_add_param_group_and_repr():
    for_repr = []
    for m in (tm, torch):
        p, q = m.ones(2, requires_grad=True), m.ones(3, requires_grad=True)
        opt = m.optim.SGD([p], lr=0.1, momentum=0.9)
        opt.add_param_group({"params": q, "lr": 0.01})
        assert [len(g["params"]) for g in opt.param_groups] == [1, 1]
        assert opt.param_groups[1]["momentum"] == 0.9
        for_repr.append(repr(opt))
        for_repr.append(repr(m.optim.Adam([p], lr=m.tensor(0.01))))
    assert for_repr[:2] == for_repr[2:]


def test_named_parameters_and_duplicate_warning():
    p = tm.ones(2, requires_grad=True)
    opt = tm.optim.SGD([("weight", p)], lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["weight"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["weight"]
    with pytest.warns(UserWarning, match="duplicate parameters"):
        tm.optim.SGD([p, p], lr=0.1)


def test_step_hooks():
    p = tm.ones(2, requires_grad=True)
    p.grad = tm.ones(2)
    opt = tm.optim.SGD([p], lr=0.1)
    calls = []
    pre = opt.register_step_pre_hook(lambda o, a, k: calls.append("pre"))
    opt.register_step_post_hook(lambda o, a, k: calls.append("post"))
    glob = _optimizer_module(tm).register_optimizer_step_pre_hook(
        lambda o, a, k: calls.append("global"))
    opt.step()
    assert calls == ["global", "pre", "post"]
    pre.remove()
    glob.remove()
    opt.step()
    assert calls == ["global", "pre", "post", "post"]
    opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1})
    assert opt.state_dict()["extra"] == 1


# --- argument validation -------------------------------------------------------------------

def _optimizer_module(m):
    return importlib.import_module(m.__name__ + ".optim.optimizer")


def _p(m):
    return [m.ones(2, requires_grad=True)]


ERRORS = [
    lambda m: m.optim.SGD(m.ones(2, requires_grad=True)),
    lambda m: m.optim.SGD([]),
    lambda m: m.optim.SGD([1, 2]),
    lambda m: m.optim.SGD(_p(m) + [{"params": []}]),
    lambda m: m.optim.SGD({"params": _p(m)}),
    lambda m: m.optim.SGD(_p(m), lr=-0.1),
    lambda m: m.optim.SGD(_p(m), lr=0.1, momentum=-1),
    lambda m: m.optim.SGD(_p(m), lr=0.1, weight_decay=-1e-3),
    lambda m: m.optim.SGD(_p(m), lr=0.1, nesterov=True),
    lambda m: m.optim.SGD(_p(m), lr=m.tensor([0.1, 0.2])),
    lambda m: m.optim.Adam(_p(m), lr=-1.0),
    lambda m: m.optim.Adam(_p(m), eps=-1.0),
    lambda m: m.optim.Adam(_p(m), betas=(1.0, 0.9)),
    lambda m: m.optim.Adam(_p(m), betas=(0.9, -0.1)),
    lambda m: m.optim.Adam(_p(m), weight_decay=-0.5),
    lambda m: m.optim.Adam(_p(m), betas=(0.9, m.tensor(0.99))),
    lambda m: m.optim.AdamW(_p(m), lr=-1e-3),
    lambda m: m.optim.Adagrad(_p(m), lr_decay=-1),
    lambda m: m.optim.Adagrad(_p(m), initial_accumulator_value=-1),
    lambda m: m.optim.RMSprop(_p(m), alpha=-1),
    lambda m: m.optim.RMSprop(_p(m), momentum=-0.5),
    lambda m: m.optim.Adamax(_p(m), betas=(0.9, 1.5)),
    lambda m: m.optim.Adadelta(_p(m), rho=1.5),
    lambda m: m.optim.NAdam(_p(m), momentum_decay=-1),
    lambda m: m.optim.RAdam(_p(m), eps=-1e-8),
    lambda m: m.optim.LBFGS(_p(m), lr=-1),
    lambda m: m.optim.Adam(_p(m), lr=0.1, fused=True, foreach=True),
    lambda m: m.optim.SGD([m.ones(1, requires_grad=True) * 2]),
    lambda m: m.optim.Optimizer(_p(m), {"lr": _optimizer_module(m).required}),
    lambda m: m.optim.SGD(_p(m)).add_param_group(_p(m)),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_argument_errors_match_torch(index):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_error(ERRORS[index])


def test_some_parameters_in_two_groups():
    def two_groups(m):
        p = m.ones(2, requires_grad=True)
        m.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)

    check_error(two_groups)
