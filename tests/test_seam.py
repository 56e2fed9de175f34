"""The op seam (issue 7): op code takes its array module from the device, and the test-only
"checked" device refuses anything that bypasses it."""
import collections
import importlib
import pathlib
import pkgutil
import re

import numpy as np
import pytest

import taimatsu as tm
from conftest import load_oracle
from taimatsu._backend import BY_ARRAY_TYPE, for_device

PACKAGE = pathlib.Path(tm.__file__).parent
NUMPY_USE = re.compile(r"\bnp\.|\bimport numpy\b|\bnumpy\.")
# lines of op code that may name numpy: not computation on arrays (documented here)
ALLOWED = {
    # torch's own message for from_numpy's argument
    ('_ops/creation.py', 'raise TypeError(f"expected np.ndarray (got {type(ndarray_).__name__})")'),
}


def _code_lines(path):
    """The lines of a module outside comments and docstrings."""
    text = path.read_text()
    in_doc = False
    for line in text.splitlines():
        stripped = line.strip()
        quotes = stripped.count('"""')
        if in_doc:
            if quotes:
                in_doc = False
            continue
        if stripped.startswith('"""'):
            in_doc = quotes == 1
            continue
        if stripped.startswith("#"):
            continue
        yield stripped


def test_op_code_names_no_array_library():
    found = []
    for sub in ("_ops", "nn", "optim"):
        for path in sorted((PACKAGE / sub).rglob("*.py")):
            rel = path.relative_to(PACKAGE).as_posix()
            for line in _code_lines(path):
                code = line.split("  #")[0]
                if NUMPY_USE.search(code) and (rel, line) not in ALLOWED:
                    found.append(f"{rel}: {line}")
    assert not found, "op code naming numpy (take xp from the tensors):\n" + "\n".join(found)


def _node_classes():
    for info in pkgutil.walk_packages(tm.__path__, "taimatsu."):
        if info.name.endswith(("__main__", ".run")):
            continue
        importlib.import_module(info.name)
    from taimatsu.autograd.graph import Node
    seen, stack = set(), [Node]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return seen


def test_node_names_are_unique():
    """One record per torch node name.  A record that computes in one node what torch
    computes in several (matmul, einsum, an index with None ...) may report torch's top
    node name too, if it says so: its `fused` attribute names the decomposition."""
    # the in-place view ops name their nodes when first run (t_: TBackward1): run them
    x = tm.ones(1, 2, requires_grad=True) * 1
    x.squeeze_().unsqueeze_(0).squeeze_(0).unsqueeze_(1).t_().transpose_(0, 1)
    x.as_strided_((2,), (1,))
    from taimatsu._ops._core import NotImplementedOp
    by_name = collections.defaultdict(list)
    for cls in _node_classes():
        # (the ops without a derivative share torch's one NotImplemented node)
        if getattr(cls, "fused", None) is None and not issubclass(cls, NotImplementedOp):
            by_name[cls.__name__].append(f"{cls.__module__}.{cls.__qualname__}")
    duplicated = {name: where for name, where in by_name.items() if len(where) > 1}
    assert not duplicated, duplicated


def test_records_bind_their_forward_on_every_backend():
    from taimatsu._ops._core import Op
    checked = for_device("checked").xp
    for cls in _node_classes():
        if issubclass(cls, Op) and cls.ufunc is not None:
            assert callable(getattr(np, cls.ufunc)), cls
            assert callable(getattr(checked, cls.ufunc)), cls


# the packages above the core (tensors, ops, autograd): they build on it, never the reverse
HIGHER = {"nn", "optim", "utils", "linalg", "fft", "special", "distributions", "func",
          "serialization", "cuda", "backends", "run"}


def _upward_imports(path, depth):
    import ast
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            if node.level - 1 != depth:
                continue  # relative to a subpackage of the core
            names = [node.module.split(".")[0]] if node.module else \
                [a.name for a in node.names]
            yield from (f"{path.name}:{node.lineno} {n}" for n in names if n in HIGHER)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) \
                else [node.module or ""]
            yield from (f"{path.name}:{node.lineno} {m}" for m in modules
                        if m.split(".")[0] == "taimatsu")


def test_no_import_from_the_core_upward():
    """core (taimatsu/_*.py, _ops/, autograd/) -> nn/optim/data and the namespaces: the
    core imports none of them, not even lazily inside a function."""
    core = [(p, 0) for p in PACKAGE.glob("_*.py") if p.name != "__init__.py"]
    core += [(p, 1) for sub in ("_ops", "autograd") for p in (PACKAGE / sub).glob("*.py")]
    found = [hit for path, depth in core for hit in _upward_imports(path, depth)]
    assert not found, found


# --- the torch namespace, declared by the op families ----------------------------------------

def test_declared_names_are_exported_and_torchs():
    from taimatsu._ops._core import TORCH
    torch = load_oracle()
    for name, fn in TORCH.items():
        assert getattr(tm, name) is fn, name
        assert hasattr(torch, name), f"torch has no {name}"


def test_declared_inplace_variants_are_torchs():
    """Each declared variant exists, and is declared exactly where torch has it."""
    from taimatsu._ops._core import INPLACE, TORCH
    torch = load_oracle()
    for name, kind in INPLACE.items():
        method = hasattr(torch.Tensor, name + "_")
        function = hasattr(torch, name + "_")
        assert kind == {(True, True): "both", (True, False): "method",
                        (False, True): "function"}.get((method, function)), (name, kind)
        assert hasattr(tm.Tensor, name + "_") == method, name
        exported = name + "_" in TORCH and TORCH[name + "_"] is getattr(tm, name + "_")
        assert exported == function, name
    # and nothing torch derives is left undeclared
    for name in TORCH:
        if name not in INPLACE:
            assert not hasattr(torch, name + "_") or name + "_" in TORCH, name


def _test_sources():
    return "\n".join(p.read_text() for p in pathlib.Path(__file__).parent.glob("test_*.py"))


def test_every_declared_function_is_tested():
    """The meta-test of the issue: every torch function an op family declares is named in
    a test (a table row, a call `m.name(` or `.name(`)."""
    from taimatsu._ops._core import INPLACE, TORCH
    text = _test_sources()
    # the derived torch.x_ functions are each run by test_elementwise's
    # test_torch_inplace_functions, which lists them from INPLACE
    derived = {name + "_" for name, kind in INPLACE.items() if kind in ("function", "both")}
    assert "def test_torch_inplace_functions" in text
    untested = [name for name in TORCH if name not in derived
                and not re.search(rf"""["'.]{re.escape(name)}\b""", text)]
    assert not untested, untested


# --- the checked device ---------------------------------------------------------------------

def test_checked_arrays_refuse_numpy():
    from taimatsu._checked import CheckedArray, MixedDeviceError
    xp = for_device("checked").xp
    a = xp.asarray([1.0, 2.0])
    assert type(a) is CheckedArray and BY_ARRAY_TYPE[type(a)].device_type == "checked"
    assert type(xp.exp(a)) is CheckedArray
    assert type(a.sum()) is CheckedArray  # 0-d results stay arrays, as CuPy's
    with pytest.raises(TypeError, match="numpy.exp called on a checked array"):
        np.exp(a)
    with pytest.raises(TypeError, match="numpy.concatenate called on a checked array"):
        np.concatenate([a, a])
    with pytest.raises(TypeError, match="Implicit conversion to a NumPy array"):
        np.asarray(a)
    with pytest.raises(MixedDeviceError):
        a + np.ones(2)
    with pytest.raises(MixedDeviceError):
        xp.add(a, np.ones(2))
    np.testing.assert_array_equal(a.get(), [1.0, 2.0])


def test_tensors_on_the_checked_device():
    x = tm.tensor([1.0, -2.0, 3.0], device="checked", requires_grad=True)
    assert x.device == tm.device("checked") and not x.is_cpu and not x.is_cuda
    y = (x.exp() * x).sum()
    assert y.device.type == "checked"
    y.backward()
    assert x.grad.device.type == "checked"
    expected = (np.exp([1.0, -2.0, 3.0]) * (1 + np.array([1.0, -2.0, 3.0])))
    np.testing.assert_allclose(x.grad.cpu().numpy(), expected)


def test_mixing_devices_is_torchs_error():
    a = tm.ones(3)
    b = tm.ones(3, device="checked")
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        tm.add(a, b, alpha=2)
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        tm.where(a > 0, a, b)


def test_moves_between_devices_carry_gradients_back():
    x = tm.tensor([1.0, 2.0], requires_grad=True)
    y = x.to("checked")
    assert y.device.type == "checked" and type(y.grad_fn).__name__ == "ToCopyBackward0"
    (y * y).sum().backward()
    assert x.grad.device.type == "cpu"
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])
    back = y.cpu()
    assert back.device.type == "cpu" and back.tolist() == [1.0, 2.0]


def test_default_device_and_factories():
    try:
        tm.set_default_device("checked")
        assert tm.get_default_device() == tm.device("checked")
        for t in (tm.zeros(2), tm.ones(2, 3), tm.arange(4), tm.eye(2), tm.tensor([1, 2]),
                  tm.full((2,), 3.0), tm.linspace(0, 1, 5)):
            assert t.device.type == "checked", t
        assert tm.zeros_like(tm.zeros(2, device="cpu")).device.type == "cpu"
    finally:
        tm.set_default_device(None)
    assert tm.zeros(2).device.type == "cpu"


def test_checked_tensor_prints_its_device():
    t = tm.tensor([1.5, 2.0], device="checked")
    assert repr(t) == "tensor([1.5000, 2.0000], device='checked')"


def test_device_checks_match_torch_on_cpu():
    torch = load_oracle()
    for m in (tm, torch):
        t = m.ones(2)
        assert t.device == m.device("cpu") and t.get_device() == -1


def test_apply_runs_a_record():
    # sgn of complex numbers is an Op record run by apply: the forward on the device's xp,
    # the node saving its input and its result, gradients and second derivatives as torch's
    from harness import check
    rng = np.random.default_rng(3)
    z = rng.standard_normal((3, 4)) + 1j * rng.standard_normal((3, 4))
    check(lambda m, z: m.sgn(z), [z])
    for device in ("cpu", "checked"):
        t = tm.tensor(z, device=device, requires_grad=True)
        out = t.sgn()
        assert type(out.grad_fn).__name__ == "SgnBackward0" and out.device.type == device


# --- every op is a record that apply can run ------------------------------------------------

# nodes that are no op's: the engine's leaf node, autograd.Function's and the module hooks'
NOT_OPS = {("graph", "AccumulateGrad"), ("function", "BackwardCFunction"),
           ("function", "DelayedError"), ("function", "InplaceFunctionBackward"),
           ("_hooks", "BackwardHookFunctionBackward"),
           # a compiled function's node: its backward is a replay of traced records
           ("eval_frame", "CompiledFunctionBackward"),
           # torch.utils.checkpoint's autograd.Function (its backward reruns records)
           ("function", "CheckpointFunctionBackward")}

def _runnable(cls):
    from taimatsu._ops._core import Op
    return issubclass(cls, Op) and callable(getattr(cls, "forward", None))


def test_every_op_is_a_record_apply_can_run():
    """Each node an op records is an Op record with its forward, which apply runs (and a
    compiler can replay)."""
    from taimatsu._ops._core import NotImplementedOp, Op
    hand = []
    for cls in _node_classes():
        if cls in (Op, NotImplementedOp) or (cls.__name__.startswith("_") and
                                             cls.__subclasses__()):
            continue  # a base of records
        key = (cls.__module__.split(".")[-1], cls.__qualname__)
        if key not in NOT_OPS and not _runnable(cls):
            hand.append(key)
    assert not hand, f"records without a forward, run by hand: {sorted(hand)}"


def _replay(node, inputs):
    """Run the record of `node` again through apply, from its inputs and the attributes
    its forward takes: what a compiler does to replay a traced op."""
    import inspect
    from taimatsu._ops._core import apply
    params = list(inspect.signature(type(node).forward).parameters.values())[1:]  # after xp
    kwargs = {}
    for p in params:
        if p.kind is inspect.Parameter.VAR_POSITIONAL:
            continue
        if p.kind is inspect.Parameter.VAR_KEYWORD:
            kwargs.update({k: v for k, v in vars(node).items() if not k.startswith("_")})
            continue
        if p.name in vars(node):
            kwargs[p.name] = vars(node)[p.name]
    positional = [p for p in params if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    for p in positional[:len(inputs)]:
        kwargs.pop(p.name, None)
    with tm.no_grad():
        return apply(type(node), *inputs, **kwargs)


def _threshold_backward(*args):
    from taimatsu._ops.elementwise import threshold_backward
    return threshold_backward(*args)


# ops whose fast paths record by hand (x ** 2, x[0], a full sum, mm ...) and ops of every
# converted family: (name, op, which inputs of x, y the op takes); the node each records is
# enough to run it again
F = tm.nn.functional
REPLAYED = [
    ("pow 2", lambda x: x ** 2, "x"), ("pow 3", lambda x: x.pow(3), "x"),
    ("getitem", lambda x: x[0], "x"), ("slice", lambda x: x[1:, ::2], "x"),
    ("sum", lambda x: x.sum(), "x"), ("sum dim", lambda x: x.sum(1, keepdim=True), "x"),
    ("mean", lambda x: x.mean(0), "x"), ("mm", lambda x, y: x @ y, "xY"),
    ("bmm", lambda x, y: tm.bmm(x, y), "BC"),
    ("t", lambda x: x.t(), "x"), ("mT", lambda x: x.mT, "x"),
    ("view", lambda x: x.view(-1), "x"), ("reshape copy", lambda x: x.reshape(-1), "X"),
    ("expand", lambda x: x.expand(3, 4), "r"), ("permute", lambda x: x.permute(1, 0), "x"),
    ("flip", lambda x: x.flip(0), "x"), ("roll", lambda x: x.roll(1, 1), "x"),
    ("repeat", lambda x: x.repeat(2, 1), "x"), ("tril", lambda x: x.tril(), "x"),
    ("cat", lambda x, y: tm.cat([x, y]), "xy"), ("stack", lambda x, y: tm.stack([x, y], 1), "xy"),
    ("max dim", lambda x: x.max(1).values, "x"), ("sort", lambda x: x.sort(1).values, "x"),
    ("topk", lambda x: x.topk(2).values, "x"), ("var", lambda x: x.var(1), "x"),
    ("std_mean", lambda x: tm.std_mean(x, 0)[0], "x"), ("norm", lambda x: x.norm(), "x"),
    ("clamp", lambda x: x.clamp(-0.5, 0.5), "x"), ("clamp_min", lambda x, y: x.clamp_min(y), "xy"),
    ("relu", lambda x: x.relu(), "x"),
    ("relu's gradient", lambda g, x: _threshold_backward(g, x, 0.0), "yx"),
    ("nll_loss", lambda x, t, w: F.nll_loss(x, t), "xt-"), ("softmax", lambda x: x.softmax(1), "x"),
    ("mse", lambda x, y: F.mse_loss(x, y), "xy"), ("clone", lambda x: x.clone(), "x"),
    ("to float32", lambda x: x.float(), "x"), ("lgamma", lambda x: x.lgamma(), "x"),
    ("fft", lambda x: tm.fft.fft(x), "x"),
    ("gather", lambda x, i: x.gather(1, i), "xI"),
    ("index_select", lambda x, t: x.index_select(1, t), "xt"),
    ("layer_norm", lambda x, *none: F.layer_norm(x, (4,)), "x----"),
    ("addmm", lambda x, m1, m2: tm.addmm(x, m1, m2), "xxM"),
    ("advanced index", lambda x: x[[2, 0, 3]], "X"), ("mask index", lambda x: x[x > 0], "x"),
    ("scatter", lambda x, i, y: x.scatter(1, i, y), "xIy"),
    ("scatter value", lambda x, i: x.scatter(1, i, 2.5), "xI"),
    ("scatter reduce=", lambda x, i, y: x.scatter(1, i, y, reduce="multiply"), "xIy"),
    ("scatter_add", lambda x, i, y: x.scatter_add(1, i, y), "xIy"),
    ("scatter_reduce", lambda x, i, y: x.scatter_reduce(1, i, y, "amax"), "xIy"),
    ("index_add", lambda x, t, s: x.index_add(1, t, s, alpha=2), "xtS"),
    ("index_copy", lambda x, t, s: x.index_copy(1, t, s), "xtS"),
    ("index_fill", lambda x, t: x.index_fill(1, t, -1.0), "xt"),
    ("index_fill 0-d", lambda x, t, s: x.index_fill(1, t, s), "xts"),
    ("index_put", lambda x, r: x.index_put((tm.tensor([0, 2]),), r, accumulate=True), "xr"),
    ("masked_fill", lambda x, m: x.masked_fill(m, 0.5), "xm"),
    ("masked_fill 0-d", lambda x, m, s: x.masked_fill(m, s), "xms"),
    ("masked_scatter", lambda x, m, y: x.masked_scatter(m, y), "xmy"),
    ("masked_select", lambda x, m: x.masked_select(m), "xm"),
    ("take", lambda x, t: x.take(t), "xt"),
    ("put", lambda x, t, v: x.put(t, v, accumulate=True), "xtv"),
    ("div floor", lambda x, y: x.div(y, rounding_mode="floor"), "xy"),
    ("div trunc number", lambda x, n: x.div(n, rounding_mode="trunc"), "xn"),
    ("floor_divide", lambda x, y: tm.floor_divide(x, y), "xy"),
    ("fmod number", lambda x: x.fmod(0.7), "x"), ("remainder number", lambda x: x % 0.7, "x"),
    ("number ** x", lambda x: 2.0 ** x, "x"), ("xlogy number", lambda x: x.xlogy(3.0), "x"),
    ("number xlogy", lambda y: tm.xlogy(2.0, y), "y"),
    ("copysign number", lambda x: x.copysign(-1.0), "x"),
    ("lerp", lambda x, y: x.lerp(y, 0.3), "xy"),
    ("lerp tensor", lambda x, y, w: x.lerp(y, w), "xyx"),
    ("heaviside", lambda x, y: x.heaviside(y), "xy"),
]


def replayed_inputs():
    """The leaves x and y, and the inputs REPLAYED's letters name, made from them."""
    rng = np.random.default_rng(0)
    x = tm.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    y = tm.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    # X: x transposed (a non-contiguous input); Y: y as a (4, 3) matrix; r: x's first
    # row; M: a (4, 4) matrix; B, C: batches of one matrix; S, v, s: a (3, 3) matrix, a
    # vector, a 0-d tensor; t, I: indices; m: a mask; n: a number; -: an absent optional
    # input
    pick = {"x": x, "y": y, "X": x.mT, "Y": y.mT.contiguous(), "r": x[:1], "M": y.mT @ y,
            "B": x.unsqueeze(0), "C": y.mT.unsqueeze(0), "-": None,
            "t": tm.tensor([0, 3, 1]), "I": tm.tensor([[0, 3], [1, 1], [2, 0]]),
            "S": y[:, :3], "v": y[0, :3], "s": y[1, 1], "m": x.detach() > 0, "n": 0.3}
    return x, y, pick


@pytest.mark.parametrize("name,fn,args", REPLAYED, ids=[r[0] for r in REPLAYED])
def test_a_recorded_node_replays_its_op(name, fn, args):
    _, _, pick = replayed_inputs()
    inputs = [pick[c] for c in args]
    out = fn(*inputs)
    again = _replay(out.grad_fn, inputs)
    again = again[out.output_nr] if isinstance(again, tuple) else again
    np.testing.assert_array_equal(again.detach().numpy(), out.detach().numpy())


@pytest.mark.parametrize("write", ["setitem", "setitem number", "setitem whole",
                                   "through a view"])
def test_an_index_write_replays_out_of_place(write):
    """`t[index] = value` runs in place; its record's forward computes the value it
    writes out of place, from t's old value and the value written."""
    x = tm.arange(12.0).reshape(3, 4).requires_grad_()
    v = tm.tensor([10.0, 20.0], requires_grad=True)
    old = x.detach().clone()
    y = x * 1
    if write == "setitem":
        y[[0, 2], 1] = v
        inputs = (old, v)
    elif write == "setitem number":
        y[1:, 2] = -1.0
        inputs = (old, -1.0)
    elif write == "setitem whole":
        y[...] = v.sum()
        inputs = (old, v.sum().detach())
    else:
        y[1, 1:3].mul_(v)  # the base is rebased onto the view's new value
        inputs = (old, (old[1, 1:3] * v).detach())
    again = _replay(y.grad_fn, inputs)
    np.testing.assert_array_equal(again.numpy(), y.detach().numpy())


def _inplace(sample, *extra):
    # an in-place sampler: its record's inputs are the tensor's old value (and `extra`)
    def prepare(x):
        return [x.detach().clone(), *extra], lambda: sample(x, *extra)
    return prepare


def _factory(make_inputs, sample):
    def prepare(x):
        inputs = make_inputs(x)
        return inputs, lambda: sample(*inputs)
    return prepare


P = tm.full((4,), 0.6)
RANDOM = [
    ("uniform_", _inplace(lambda x: x.uniform_(-2, 3))),
    ("normal_", _inplace(lambda x: x.normal_(1, 2))),
    ("normal_ non-contiguous", _factory(lambda x: [(x.mT * 1).detach()],
                                        lambda y: y.requires_grad_().mul(1).normal_())),
    ("random_", _inplace(lambda x: x.random_(0, 10))),
    ("bernoulli_", _inplace(lambda x: x.bernoulli_(0.3))),
    ("bernoulli_ tensor", _inplace(lambda x, p: x.bernoulli_(p), P)),
    ("exponential_", _inplace(lambda x: x.exponential_(2.0))),
    ("cauchy_", _inplace(lambda x: x.cauchy_())),
    ("log_normal_", _inplace(lambda x: x.log_normal_())),
    ("geometric_", _inplace(lambda x: x.geometric_(0.4))),
    ("normal(t, float)", _factory(lambda x: [x], lambda m: tm.normal(m, 2.0))),
    ("normal(float, t)", _factory(lambda x: [x.abs()], lambda s: tm.normal(1.0, s))),
    ("normal(t, t)", _factory(lambda x: [x, x.abs()], lambda m, s: tm.normal(m, s))),
    ("bernoulli", _factory(lambda x: [x.sigmoid()], tm.bernoulli)),
    ("bernoulli p", _factory(lambda x: [x], lambda x: tm.bernoulli(x, 0.5))),
    ("poisson", _factory(lambda x: [x.abs()], tm.poisson)),
]


@pytest.mark.parametrize("name,prepare", RANDOM, ids=[r[0] for r in RANDOM])
def test_a_random_record_replays_its_draws(name, prepare):
    """A random op's record draws from the generator it holds: replayed from the same
    generator state, it draws the same samples."""
    x = tm.randn(3, 4, requires_grad=True) * 1
    inputs, sample = prepare(x)
    state = tm.get_rng_state()
    out = sample()
    tm.set_rng_state(state)
    again = _replay(out.grad_fn, inputs)
    np.testing.assert_array_equal(again.detach().numpy(), out.detach().numpy())


def test_inputs_without_edges_are_torchs():
    """Records' `nondifferentiable` inputs get no edge, as torch's nodes have none: the
    same number of next_functions as torch's."""
    torch = load_oracle()
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((4, 3, 6, 6)), rng.standard_normal((5, 3))

    def cases(m):
        xt = m.tensor(x, requires_grad=True)
        wt = m.tensor(w, requires_grad=True)
        F = m.nn.functional
        logp = xt[:, :, 0, 0].log_softmax(1)
        f64 = m.float64
        bn_w = m.ones(3, dtype=f64, requires_grad=True)
        bn_b = m.zeros(3, dtype=f64, requires_grad=True)
        return [F.nll_loss(logp, m.tensor([0, 2, 1, 0])),
                F.embedding(m.tensor([[0, 4], [2, 2]]), wt),
                F.batch_norm(xt, m.zeros(3, dtype=f64), m.ones(3, dtype=f64), bn_w, bn_b,
                             training=False),
                F.max_pool2d(xt, 2),
                xt.gather(1, m.tensor([[[[0]]]]).expand(4, 1, 6, 6)),
                xt.index_select(1, m.tensor([2, 0])),
                xt[:, 0, 0].scatter(1, m.tensor([[0, 1, 2, 0]]).T, wt[:4, :1]),
                xt[:, 0, 0].scatter_add(1, m.tensor([[0, 1, 2, 0]]).T, wt[:4, :1]),
                xt[:, 0, 0].scatter_reduce(1, m.tensor([[0, 1, 2, 0]]).T, wt[:4, :1], "prod"),
                xt[:, 0, 0].scatter(1, m.tensor([[0, 1, 2, 0]]).T, 1.0),
                xt[:, 0, 0].index_fill(1, m.tensor([1]), wt[0, 0]),
                wt.index_add(0, m.tensor([1, 0]), xt[0, :2, 0, :3]),
                wt.masked_fill(wt > 0, wt[0, 0]), wt.masked_fill(wt > 0, 1.0),
                wt.masked_scatter(wt > 0, xt[0, 0, :3, :5]), wt.masked_select(wt > 0),
                wt.take(m.tensor([1, 2])), wt.put(m.tensor([1, 2]), xt[0, 0, 0, :2]),
                xt[m.tensor([1, 0])]]
    for ours, theirs in zip(cases(tm), cases(torch)):
        assert len(ours.grad_fn.next_functions) == len(theirs.grad_fn.next_functions), \
            type(ours.grad_fn).__name__


@pytest.mark.parametrize("grad", [True, False], ids=["recording", "no grad"])
@pytest.mark.parametrize("name,call,ops", [
    ("max(dim)", lambda x: x.max(1), "reduction.MaxBackward0"),
    ("sort", lambda x: x.sort(1), "reduction.SortBackward0"),
    ("max_pool2d", lambda x: F.max_pool2d(x.reshape(1, 1, 4, 4), 2),
     "nn.MaxPool2DWithIndicesBackward0"),
    ("exp", lambda x: x.exp(), "elementwise.ExpBackward0"),
    ("mse_loss", lambda x: F.mse_loss(x, x.detach() * 2), "loss.MseLossBackward0"),
    ("where", lambda x: tm.where(x > 0, x, 0.0), "elementwise.WhereBackward0"),
])
def test_apply_runs_a_forward_once(name, call, ops, grad, monkeypatch):
    """Each path of apply calls the record's forward exactly once."""
    module, cls_name = ops.split(".")
    cls = getattr(importlib.import_module(f"taimatsu._ops.{module}"), cls_name)
    calls = []
    forward = cls.forward

    def counted(*args, **kwargs):
        calls.append(1)
        return forward(*args, **kwargs)
    monkeypatch.setattr(cls, "forward", staticmethod(counted))
    monkeypatch.setattr(cls, "cpu_forward", staticmethod(
        lambda *a, **k: counted(tm._backend.cpu.xp, *a, **k)), raising=False)
    x = tm.randn(4, 4, requires_grad=grad)
    call(x)
    assert len(calls) == 1
