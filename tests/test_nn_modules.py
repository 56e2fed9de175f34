"""nn.Module, Parameter, containers and layers against the oracle."""
import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest
from conftest import load_oracle
from harness import assert_same, rand, randint, randn

import taimatsu as tm

torch = load_oracle()


def both(build):
    """The same module built on taimatsu and torch, torch's parameters copied over."""
    ours, theirs = build(tm), build(torch)
    with torch.no_grad():
        for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
            assert name == tname
            tp.copy_(torch.tensor(p.detach().numpy()))
    return ours, theirs


def run_both(build, *arrays, dtype=np.float64, grad_input=True):
    """Forward and backward on both; compare outputs, input and parameter gradients."""
    ours, theirs = both(build)
    ours_in = [tm.tensor(a.astype(dtype) if a.dtype.kind == "f" else a,
                         requires_grad=grad_input and a.dtype.kind == "f") for a in arrays]
    theirs_in = [torch.tensor(a.astype(dtype) if a.dtype.kind == "f" else a,
                              requires_grad=grad_input and a.dtype.kind == "f") for a in arrays]
    out, ref = ours(*ours_in), theirs(*theirs_in)
    assert_same(out, ref)
    if ref.grad_fn is None:
        return ours, theirs
    assert out.grad_fn.name() == ref.grad_fn.name()
    seed = randn(*ref.shape).astype(dtype)
    out.backward(tm.tensor(seed))
    ref.backward(torch.tensor(seed))
    for a, b in zip(ours_in, theirs_in):
        if b.grad is not None:
            assert_same(a.grad, b.grad, what="input grad")
    for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert_same(p.grad, tp.grad, what=f"grad of {name}")
    return ours, theirs


def dtype_of(m):
    return m.float64


LAYERS = [
    ("Linear", lambda m: m.nn.Linear(5, 3, dtype=m.float64), [randn(4, 5)]),
    ("Linear3d", lambda m: m.nn.Linear(5, 3, dtype=m.float64), [randn(2, 4, 5)]),
    ("Linear1d", lambda m: m.nn.Linear(5, 3, dtype=m.float64), [randn(5)]),
    ("Linear3dNoBias", lambda m: m.nn.Linear(5, 3, bias=False, dtype=m.float64),
     [randn(2, 4, 5)]),
    ("LinearNoBias", lambda m: m.nn.Linear(5, 3, bias=False, dtype=m.float64), [randn(4, 5)]),
    ("Bilinear", lambda m: m.nn.Bilinear(2, 3, 4, dtype=m.float64), [randn(5, 2), randn(5, 3)]),
    ("Identity", lambda m: m.nn.Identity(3, unused=True), [randn(4, 5)]),
    ("Flatten", lambda m: m.nn.Flatten(), [randn(2, 3, 4)]),
    ("Unflatten", lambda m: m.nn.Unflatten(1, (2, 3)), [randn(4, 6)]),
    ("PReLU", lambda m: m.nn.PReLU(3, dtype=m.float64), [randn(2, 3, 4)]),
    ("Softmax", lambda m: m.nn.Softmax(dim=1), [randn(4, 5)]),
    ("LogSoftmax", lambda m: m.nn.LogSoftmax(1), [randn(4, 5)]),
    ("Softmin", lambda m: m.nn.Softmin(1), [randn(4, 5)]),
    ("GLU", lambda m: m.nn.GLU(), [randn(4, 6)]),
    ("GELU", lambda m: m.nn.GELU("tanh"), [randn(4, 5)]),
    ("Threshold", lambda m: m.nn.Threshold(0.1, 2.0), [randn(4, 5)]),
    ("Hardtanh", lambda m: m.nn.Hardtanh(-0.5, 0.5), [randn(4, 5)]),
    ("Softplus", lambda m: m.nn.Softplus(2.0, 3.0), [randn(4, 5)]),
] + [(name, lambda m, name=name: getattr(m.nn, name)(), [randn(4, 5) * 3])
     for name in ["ReLU", "LeakyReLU", "ELU", "SELU", "CELU", "SiLU", "Mish", "Sigmoid", "Tanh",
                  "Softsign", "ReLU6", "Hardsigmoid", "Hardswish", "Tanhshrink", "Softshrink",
                  "Hardshrink", "LogSigmoid"]]


@pytest.mark.parametrize("name,build,arrays", LAYERS, ids=[x[0] for x in LAYERS])
def test_layer_matches_torch(name, build, arrays):
    ours, theirs = run_both(build, *arrays)
    assert repr(ours) == repr(theirs)


def test_linear_float32_and_addmm():
    ours, _ = run_both(lambda m: m.nn.Linear(5, 3), randn(4, 5), dtype=np.float32)
    assert ours.weight.dtype == tm.float32
    out = ours(tm.randn(7, 5))
    assert out.grad_fn.name() == "AddmmBackward0"


def test_linear_default_init_matches_torch_seeded():
    tm.manual_seed(5)
    torch.manual_seed(5)
    ours, theirs = tm.nn.Linear(7, 4), torch.nn.Linear(7, 4)
    np.testing.assert_array_equal(ours.weight.detach().numpy(), theirs.weight.detach().numpy())
    np.testing.assert_array_equal(ours.bias.detach().numpy(), theirs.bias.detach().numpy())


def test_linear_wrong_shape_message():
    lin = tm.nn.Linear(4, 2)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied "
                                           r"\(3x5 and 4x2\)"):
        lin(tm.randn(3, 5))


W5 = rand(5, low=0.5, high=1.5)


@pytest.mark.parametrize("name,build,arrays", [
    ("MSELoss", lambda m: m.nn.MSELoss(), [randn(4, 5), randn(4, 5)]),
    ("L1Loss", lambda m: m.nn.L1Loss(reduction="sum"), [randn(4, 5), randn(4, 5)]),
    ("SmoothL1Loss", lambda m: m.nn.SmoothL1Loss(beta=0.5), [randn(4, 5), randn(4, 5)]),
    ("HuberLoss", lambda m: m.nn.HuberLoss(delta=0.3), [randn(4, 5), randn(4, 5)]),
    ("BCELoss", lambda m: m.nn.BCELoss(weight=m.tensor(W5)),
     [rand(4, 5, low=0.1, high=0.9), rand(4, 5)]),
    ("BCEWithLogitsLoss", lambda m: m.nn.BCEWithLogitsLoss(
        pos_weight=m.tensor(W5 * 2)), [randn(4, 5), rand(4, 5)]),
    ("CrossEntropyLoss", lambda m: m.nn.CrossEntropyLoss(label_smoothing=0.1, ignore_index=1),
     [randn(4, 5), randint(0, 5, 4)]),
    ("NLLLoss", lambda m: m.nn.NLLLoss(weight=m.tensor(W5)), [randn(4, 5), randint(0, 5, 4)]),
    ("KLDivLoss", lambda m: m.nn.KLDivLoss(reduction="batchmean"), [randn(4, 5), rand(4, 5)]),
    ("PoissonNLLLoss", lambda m: m.nn.PoissonNLLLoss(), [randn(4, 5), rand(4, 5)]),
    ("GaussianNLLLoss", lambda m: m.nn.GaussianNLLLoss(),
     [randn(4, 5), randn(4, 5), rand(4, 5, low=0.5)]),
    ("SoftMarginLoss", lambda m: m.nn.SoftMarginLoss(), [randn(4, 5), np.sign(randn(4, 5))]),
    ("MultiLabelSoftMarginLoss", lambda m: m.nn.MultiLabelSoftMarginLoss(),
     [randn(4, 5), (rand(4, 5) > 0.5) * 1.0]),
    ("HingeEmbeddingLoss", lambda m: m.nn.HingeEmbeddingLoss(),
     [randn(4, 5), np.sign(randn(4, 5))]),
    ("CosineEmbeddingLoss", lambda m: m.nn.CosineEmbeddingLoss(0.2),
     [randn(4, 5), randn(4, 5), np.sign(randn(4))]),
    ("MarginRankingLoss", lambda m: m.nn.MarginRankingLoss(0.1),
     [randn(4), randn(4), np.sign(randn(4))]),
    ("TripletMarginLoss", lambda m: m.nn.TripletMarginLoss(),
     [randn(4, 5), randn(4, 5), randn(4, 5)]),
])
def test_loss_modules(name, build, arrays):
    ours, theirs = both(build)
    ins = [tm.tensor(a, requires_grad=i == 0) for i, a in enumerate(arrays)]
    refs = [torch.tensor(a, requires_grad=i == 0) for i, a in enumerate(arrays)]
    out, ref = ours(*ins), theirs(*refs)
    assert_same(out, ref)
    out.backward()
    ref.backward()
    assert_same(ins[0].grad, refs[0].grad)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())


# --- Module machinery ---------------------------------------------------------------------

class Net:
    """A nested model written once for both libraries."""

    @staticmethod
    def build(m):
        class Block(m.nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = m.nn.Linear(4, 4)
                self.act = m.nn.ReLU(inplace=True)
                self.register_buffer("steps", m.zeros(1))
                self.register_buffer("scratch", m.zeros(2), persistent=False)

            def forward(self, x):
                return self.act(self.fc(x)) + x

        class Model(m.nn.Module):
            def __init__(self):
                super().__init__()
                self.blocks = m.nn.ModuleList([Block(), Block()])
                self.head = m.nn.Sequential(OrderedDict([
                    ("drop", m.nn.Dropout(0.1)),
                    ("out", m.nn.Linear(4, 2, bias=False)),
                ]))
                self.scale = m.nn.Parameter(m.ones(1))
                self.extra = m.nn.ModuleDict({"norm": m.nn.Identity(), "soft": m.nn.Softmax(-1)})

            def forward(self, x):
                for b in self.blocks:
                    x = b(x)
                return self.head(x) * self.scale
        return Model()


def test_nested_repr_names_and_state_dict():
    ours, theirs = both(Net.build)
    assert repr(ours) == repr(theirs)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    sd, tsd = ours.state_dict(), theirs.state_dict()
    assert isinstance(sd, OrderedDict) and list(sd) == list(tsd)
    assert all(not v.requires_grad for v in sd.values())
    ours.eval()
    theirs.eval()
    x = randn(3, 4).astype(np.float32)
    assert_same(ours(tm.tensor(x)), theirs(torch.tensor(x)))
    assert not any(m.training for m in ours.modules())


def test_module_list_repr_compresses_repeats():
    ours = tm.nn.ModuleList([tm.nn.Linear(2, 2) for _ in range(3)] + [tm.nn.ReLU()])
    theirs = torch.nn.ModuleList([torch.nn.Linear(2, 2) for _ in range(3)] + [torch.nn.ReLU()])
    assert repr(ours) == repr(theirs)
    assert repr(tm.nn.ParameterList([tm.nn.Parameter(tm.ones(2, 3))])) == \
        repr(torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2, 3))]))


def test_state_dict_round_trip_and_errors():
    a, b = tm.nn.Linear(3, 2), tm.nn.Linear(3, 2)
    result = b.load_state_dict(a.state_dict())
    assert repr(result) == "<All keys matched successfully>"
    assert tm.equal(a.weight, b.weight) and tm.equal(a.bias, b.bias)
    sd_weight = a.state_dict()["weight"]
    assert sd_weight._data is a.weight._data or np.shares_memory(sd_weight._data,
                                                                   a.weight._data)
    for mod in (tm, torch):
        lin = mod.nn.Linear(3, 2)
        cases = [{"weight": mod.zeros(2, 3)},
                 {"weight": mod.zeros(2, 3), "bias": mod.zeros(2), "extra": mod.zeros(1)},
                 {"weight": mod.zeros(3, 2), "bias": mod.zeros(2)}]
        messages = []
        for case in cases:
            with pytest.raises(RuntimeError) as info:
                lin.load_state_dict(case)
            messages.append(str(info.value))
        if mod is tm:
            ours = messages
        else:
            assert ours == messages
    lin = tm.nn.Linear(3, 2)
    keys = lin.load_state_dict({"weight": tm.zeros(2, 3), "other": tm.ones(1)}, strict=False)
    assert keys.missing_keys == ["bias"] and keys.unexpected_keys == ["other"]
    assert lin.weight.abs().sum().item() == 0


def test_parameter():
    t = tm.ones(2, 2)
    p = tm.nn.Parameter(t)
    assert isinstance(p, tm.Tensor) and p.requires_grad and p.is_leaf
    p.data[0, 0] = 5
    assert t[0, 0].item() == 5, "Parameter shares its data"
    assert repr(p) == repr(torch.nn.Parameter(torch.tensor(p.detach().numpy())))
    assert not tm.nn.Parameter(t, requires_grad=False).requires_grad
    q = copy.deepcopy(p)
    assert isinstance(q, tm.nn.Parameter) and q.requires_grad
    assert not np.shares_memory(q._data, p._data)
    r = pickle.loads(pickle.dumps(p))
    assert isinstance(r, tm.nn.Parameter) and tm.equal(r, p)


def test_module_deepcopy_and_pickle():
    model = tm.nn.Sequential(tm.nn.Linear(3, 2), tm.nn.Tanh())
    clone = copy.deepcopy(model)
    assert repr(clone) == repr(model)
    assert tm.equal(clone[0].weight, model[0].weight)
    assert clone[0].weight is not model[0].weight
    restored = pickle.loads(pickle.dumps(model))
    assert tm.equal(restored[0].bias, model[0].bias)


def _registration_errors(mod):
    m = mod.nn.Module()
    actions = [lambda: m.register_buffer("a.b", None),
               lambda: m.register_buffer("", None),
               lambda: m.register_buffer("x", 3),
               lambda: m.register_parameter("w", mod.ones(2)),
               lambda: setattr(m, "lin", mod.nn.Linear(1, 1)) or setattr(m, "lin", 3),
               lambda: m.register_parameter("q", mod.nn.Parameter(mod.ones(1)) * 2),
               lambda: m.forward(1)]
    errors = []
    for action in actions:
        try:
            action()
        except Exception as e:  # noqa: BLE001 - comparing with torch
            errors.append((type(e).__name__, str(e)))
    return errors


def test_registration_errors():
    assert _registration_errors(tm) == _registration_errors(torch)

    class Early(tm.nn.Module):
        def __init__(self):
            self.w = tm.nn.Parameter(tm.ones(1))
    with pytest.raises(AttributeError, match="cannot assign parameters before"):
        Early()


def test_setattr_delattr_and_dir():
    m = tm.nn.Module()
    m.w = tm.nn.Parameter(tm.ones(2))
    m.register_buffer("b", tm.zeros(2))
    m.sub = tm.nn.Linear(2, 2)
    m.plain = 3
    assert list(m._parameters) == ["w"] and list(m._buffers) == ["b"]
    assert "w" in dir(m) and "sub" in dir(m) and "b" in dir(m)
    m.b = tm.ones(2)
    assert m._buffers["b"].sum().item() == 2
    m.w = None
    assert m.w is None and "w" in m._parameters
    del m.sub
    assert "sub" not in m._modules
    with pytest.raises(AttributeError, match="'Module' object has no attribute 'sub'"):
        _ = m.sub
    m.buf2 = tm.nn.Buffer(tm.ones(1), persistent=False)
    assert "buf2" in m._buffers and "buf2" not in m.state_dict()
    assert m.get_submodule("") is m


def test_sequential_operations():
    layers = [tm.nn.Linear(2, 2), tm.nn.ReLU(), tm.nn.Linear(2, 3)]
    seq = tm.nn.Sequential(*layers)
    assert len(seq) == 3 and seq[0] is layers[0] and seq[-1] is layers[2]
    sub = seq[1:]
    assert isinstance(sub, tm.nn.Sequential) and len(sub) == 2 and sub[0] is layers[1]
    seq.append(tm.nn.Tanh())
    seq.insert(0, tm.nn.Identity())
    seq.extend([tm.nn.Sigmoid()])
    assert [type(m).__name__ for m in seq] == ["Identity", "Linear", "ReLU", "Linear", "Tanh",
                                               "Sigmoid"]
    del seq[0]
    assert list(seq._modules) == ["0", "1", "2", "3", "4"]
    assert seq(tm.randn(4, 2)).shape == (4, 3)
    with pytest.raises(IndexError, match="index 9 is out of range"):
        seq[9]
    tseq = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 3),
                               torch.nn.Tanh(), torch.nn.Sigmoid())
    assert repr(seq) == repr(tseq)


def test_module_dict_and_parameter_containers():
    md = tm.nn.ModuleDict({"a": tm.nn.ReLU(), "b": tm.nn.Tanh()})
    assert list(md.keys()) == ["a", "b"] and "a" in md and len(md) == 2
    pl = tm.nn.ParameterList([tm.ones(2), tm.zeros(3)])
    assert all(isinstance(p, tm.nn.Parameter) for p in pl) and len(list(pl.parameters())) == 2
    pd = tm.nn.ParameterDict({"x": tm.ones(2)})
    pd["y"] = tm.zeros(1)
    assert [n for n, _ in pd.named_parameters()] == ["x", "y"]
    tpd = torch.nn.ParameterDict({"x": torch.ones(2)})
    tpd["y"] = torch.zeros(1)
    assert repr(pd) == repr(tpd)


def test_train_eval_zero_grad_apply_requires_grad():
    model = tm.nn.Sequential(tm.nn.Linear(3, 2), tm.nn.Dropout(0.5))
    assert model.training and model[1].training
    model.eval()
    assert not model[1].training
    x = tm.ones(4, 3)
    assert tm.equal(model[1](x), x)
    model.train()
    model(x).sum().backward()
    assert model[0].weight.grad is not None
    model.zero_grad(set_to_none=False)
    assert model[0].weight.grad.abs().sum().item() == 0
    model.zero_grad()
    assert model[0].weight.grad is None
    seen = []
    model.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "Dropout", "Sequential"]
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        model.train("yes")


def test_to_double_keeps_parameter_identity():
    lin = tm.nn.Linear(3, 2)
    w = lin.weight
    lin.double()
    assert lin.weight is w and w.dtype == tm.float64
    lin.to(tm.float32)
    assert w.dtype == tm.float32
    lin.to("cpu")
    with pytest.raises(TypeError, match="nn.Module.to only accepts floating point"):
        lin.to(tm.int64)
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        lin.cuda()


def test_forward_hooks():
    lin = tm.nn.Linear(2, 2)
    calls = []
    h1 = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    h2 = lin.register_forward_hook(lambda m, args, out: calls.append(out.shape) or out + 1)
    out = lin(tm.ones(3, 2))
    assert calls == [tm.Size([3, 2])]
    assert tm.allclose(out, lin.bias.expand(3, 2) + 1)
    h1.remove()
    h2.remove()
    assert not lin._forward_hooks and not lin._forward_pre_hooks
    h = lin.register_forward_hook(lambda m, args, kwargs, out: out * 2, with_kwargs=True)
    assert tm.allclose(lin(tm.zeros(1, 2)), lin.bias * 2)
    h.remove()


def test_full_backward_hooks_match_torch():
    records = {}
    for mod in (tm, torch):
        lin = mod.nn.Linear(3, 2, dtype=mod.float64)
        with mod.no_grad():
            lin.weight.copy_(mod.tensor(np.arange(6.0).reshape(2, 3)))
            lin.bias.zero_()
        seen = []
        lin.register_full_backward_pre_hook(
            lambda m, go, seen=seen: seen.append(("pre", go[0].tolist())))
        lin.register_full_backward_hook(
            lambda m, gi, go, seen=seen: seen.append(("post", gi[0].tolist(), go[0].tolist())))
        x = mod.tensor(np.ones((1, 3)), requires_grad=True)
        lin(x).pow(2).sum().backward()
        records[mod.__name__] = (seen, x.grad.tolist())
    assert records["taimatsu"] == records["torch"]


def test_global_forward_hook():
    calls = []
    handle = tm.nn.modules.module.register_module_forward_hook(
        lambda m, args, out: calls.append(type(m).__name__))
    try:
        tm.nn.Sequential(tm.nn.ReLU())(tm.ones(1))
    finally:
        handle.remove()
    assert calls == ["ReLU", "Sequential"]


def test_get_submodule_and_parameter():
    model = tm.nn.Sequential(OrderedDict([("enc", tm.nn.Sequential(tm.nn.Linear(2, 2)))]))
    assert model.get_submodule("enc.0") is model.enc[0]
    assert model.get_parameter("enc.0.bias") is model.enc[0].bias
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        model.get_submodule("enc.nope")


def test_training_loop_converges():
    tm.manual_seed(0)
    x = tm.randn(64, 3)
    y = (x.sum(1, keepdim=True) > 0).float()
    model = tm.nn.Sequential(tm.nn.Linear(3, 8), tm.nn.Tanh(), tm.nn.Linear(8, 1))
    loss_fn = tm.nn.BCEWithLogitsLoss()
    first = None
    for _ in range(100):
        loss = loss_fn(model(x), y)
        first = first if first is not None else loss.item()
        model.zero_grad()
        loss.backward()
        with tm.no_grad():
            for p in model.parameters():
                p -= 0.5 * p.grad
    assert loss.item() < 0.3 * first


def test_lazy_modules_become_their_regular_class():
    from taimatsu.nn.parameter import is_lazy
    m = tm.nn.LazyLinear(3)
    params = list(m.parameters())
    assert m.has_uninitialized_params() and all(is_lazy(p) for p in params)
    with pytest.raises(RuntimeError, match="uninitialized parameter"):
        m.weight.shape
    m(tm.ones(2, 5))
    assert type(m) is tm.nn.Linear and m.in_features == 5
    # the same parameter objects, materialised: an optimizer made before sees them
    assert [id(p) for p in m.parameters()] == [id(p) for p in params]
    assert type(m.weight) is tm.nn.Parameter and tuple(m.weight.shape) == (3, 5)
    assert not hasattr(m, "_initialize_hook")
