"""torch.compile: a replay gives what eager taimatsu gives, bit for bit (values and
gradients), or the function runs eagerly; guards retrace when what a trace assumed
changes; what cannot be replayed breaks the graph (fullgraph=True: Unsupported)."""
import warnings

import numpy as np
import pytest
from test_seam import REPLAYED, replayed_inputs

import taimatsu as tm
import taimatsu.nn.functional as F


def _same(a, b):
    assert a.dtype == b.dtype and a.shape == b.shape
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def _run(fn, args, compiled):
    """fn's result and the gradients it sends to the leaves x and y."""
    x, y, pick = replayed_inputs()
    inputs = [pick[c] for c in args]
    out = (compiled or fn)(*inputs)
    out = out[0] if isinstance(out, tuple) else out
    grads = None
    if out.requires_grad:
        w = tm.linspace(-1, 1, out.numel(), dtype=out.dtype).reshape(out.shape)
        try:
            (out * w).sum().backward()
        except RuntimeError as e:  # ops without a derivative: the same refusal
            return out, str(e)
        grads = (x.grad, y.grad)
    return out, grads


@pytest.mark.parametrize("name,fn,args", REPLAYED, ids=[r[0] for r in REPLAYED])
def test_a_compiled_op_gives_eager_values_and_gradients(name, fn, args):
    eager, eager_grads = _run(fn, args, None)
    compiled = tm.compile(lambda *a: fn(*a))
    for _ in range(2):  # the first call traces, the second replays
        out, grads = _run(fn, args, compiled)
        _same(out, eager)
        if isinstance(eager_grads, str):
            assert grads == eager_grads
        elif eager_grads is not None:
            for g, e in zip(grads, eager_grads):
                assert (g is None) == (e is None)
                if e is not None:
                    _same(g, e)


def _replays(compiled):
    return [not e.eager for e in compiled.entries]


def test_most_ops_replay_rather_than_run_eagerly():
    replayed = 0
    for name, fn, args in REPLAYED:
        c = tm.compile(lambda *a, fn=fn: fn(*a))
        _run(fn, args, c)
        replayed += all(_replays(c))
    assert replayed >= 45, replayed


def rosenbrock(x):
    return (1 - x[0]) ** 2 + 5 * (x[1] - x[0] ** 2) ** 2


def test_a_descent_through_a_compiled_objective_is_the_eager_descent():
    compiled = tm.compile(rosenbrock)
    x = tm.tensor([-1.0, 1.0], requires_grad=True)
    z = tm.tensor([-1.0, 1.0], requires_grad=True)
    for _ in range(50):
        for t, f in ((x, compiled), (z, rosenbrock)):
            f(t).backward()
            with tm.no_grad():
                t.sub_(0.01 * t.grad)
                t.grad.zero_()
    _same(x, z)
    assert _replays(compiled) == [True]
    source = tm.compiler.show(compiled)
    assert "def forward(" in source and "def backward(" in source


def test_a_compiled_module_trains_as_the_eager_one():
    tm.manual_seed(0)
    model = tm.nn.Sequential(tm.nn.Linear(3, 5), tm.nn.Tanh(), tm.nn.Linear(5, 2))
    twin = tm.nn.Sequential(tm.nn.Linear(3, 5), tm.nn.Tanh(), tm.nn.Linear(5, 2))
    twin.load_state_dict(model.state_dict())
    compiled = tm.compile(model)
    assert list(compiled.state_dict()) == ["_orig_mod." + k for k in model.state_dict()]
    opts = [tm.optim.SGD(m.parameters(), lr=0.1) for m in (model, twin)]
    x = tm.randn(8, 3)
    y = tm.randn(8, 2)
    for _ in range(5):
        for m, opt in zip((compiled, twin), opts):
            opt.zero_grad()
            F.mse_loss(m(x), y).backward()
            opt.step()
    for p, q in zip(model.parameters(), twin.parameters()):
        _same(p, q)
    assert _replays(compiled._compiled_forward) == [True]


def test_guards_retrace_on_a_new_shape_dtype_or_grad_mode():
    compiled = tm.compile(lambda x: (x * 2).sum())
    compiled(tm.ones(3))
    compiled(tm.ones(3))
    assert len(compiled.entries) == 1
    _same(compiled(tm.ones(4)), tm.tensor(8.0))
    _same(compiled(tm.ones(3, dtype=tm.float64)), tm.tensor(6.0, dtype=tm.float64))
    out = compiled(tm.ones(3, requires_grad=True))
    assert out.requires_grad
    with tm.no_grad():
        assert not compiled(tm.ones(3, requires_grad=True)).requires_grad
    assert len(compiled.entries) == 5


def test_a_changed_module_attribute_or_learning_rate_retraces():
    class Scale(tm.nn.Module):
        def __init__(self):
            super().__init__()
            self.factor = 2.0

        def forward(self, x):
            return x * self.factor

    m = Scale()
    compiled = tm.compile(m)
    _same(compiled(tm.ones(2)), tm.full((2,), 2.0))
    m.factor = 3.0
    _same(compiled(tm.ones(2)), tm.full((2,), 3.0))
    assert len(compiled._compiled_forward.entries) == 2


def test_dropout_replays_with_the_generator_stream_of_eager_mode():
    model = tm.nn.Sequential(tm.nn.Linear(4, 4), tm.nn.Dropout(0.5))
    compiled = tm.compile(model)
    x = tm.randn(3, 4)
    tm.manual_seed(1)
    ours = [compiled(x) for _ in range(3)] + [tm.rand(2)]
    tm.manual_seed(1)
    theirs = [model(x) for _ in range(3)] + [tm.rand(2)]
    for a, b in zip(ours, theirs):
        _same(a, b)  # the masks, and the numbers drawn after them
    model.eval()
    _same(compiled(x), model(x))
    assert _replays(compiled._compiled_forward) == [True, True]


def test_a_generator_passed_in_is_the_one_the_replay_draws_from():
    def f(x, g):
        return x + tm.rand(x.shape, generator=g)
    compiled = tm.compile(f)
    g1, g2 = tm.Generator().manual_seed(3), tm.Generator().manual_seed(3)
    for _ in range(3):
        _same(compiled(tm.ones(2), g1), f(tm.ones(2), g2))
    assert _replays(compiled) == [True]


def test_a_value_read_in_python_is_guarded():
    def f(x):
        if x.sum() > 0:
            return x * 2
        return x * 3
    compiled = tm.compile(f)
    _same(compiled(tm.ones(2)), tm.full((2,), 2.0))
    _same(compiled(tm.ones(2)), tm.full((2,), 2.0))
    _same(compiled(-tm.ones(2)), tm.full((2,), -3.0))
    assert _replays(compiled) == [True]


def test_printing_breaks_the_graph_and_fullgraph_raises(capsys):
    def f(x):
        y = x + 1
        print(y)
        return y * 2
    compiled = tm.compile(f)
    _same(compiled(tm.ones(2)), tm.full((2,), 4.0))
    assert capsys.readouterr().out.count("tensor") == 1
    assert _replays(compiled) == [False]
    with pytest.raises(tm._dynamo.exc.Unsupported, match="printing"):
        tm.compile(f, fullgraph=True)(tm.ones(2))
    report = tm._dynamo.explain(f)(tm.ones(2))
    assert report.graph_break_count == 1 and "printing" in report.break_reasons[0]


def test_writing_into_an_input_runs_eagerly_with_eager_results():
    def f(x):
        x.add_(1)
        return x * 2
    x = tm.ones(2)
    out = tm.compile(f)(x)
    _same(x, tm.full((2,), 2.0))
    _same(out, tm.full((2,), 4.0))


def test_modifying_a_saved_input_before_backward_fails_as_eager():
    compiled = tm.compile(lambda x: x * x)
    for _ in range(2):
        x = tm.ones(2, requires_grad=True)
        y = x * 1
        out = compiled(y)
        with tm.no_grad():
            y.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            out.sum().backward()


def test_decorator_forms_reset_and_the_recompile_limit():
    @tm.compile
    def f(x):
        return x + 1

    @tm.compile(fullgraph=True, mode="reduce-overhead")
    def g(x):
        return x - 1

    _same(f(tm.ones(1)), tm.full((1,), 2.0))
    _same(g(tm.ones(1)), tm.zeros(1))
    tm.compiler.reset()
    assert f.entries == [] and g.entries == []
    assert tm.compile(f, disable=True) is f
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for n in range(1, tm._dynamo.config.recompile_limit + 2):
            f(tm.ones(n))
    assert any("recompile_limit" in str(w.message) for w in caught)


def test_a_disabled_function_breaks_the_trace():
    @tm.compiler.disable
    def helper(x):
        return x * 5

    compiled = tm.compile(lambda x: helper(x) + 1)
    _same(compiled(tm.ones(2)), tm.full((2,), 6.0))
    assert _replays(compiled) == [False]


def _train(make, steps, compiled, schedule=None, set_to_none=True, switch=None):
    """Losses, parameters and gradients of a training loop over a step function."""
    tm.manual_seed(0)
    model, loss_fn, opt, x, y = make()
    sched = schedule(opt) if schedule else None

    def step(xb, yb):
        loss = loss_fn(model(xb), yb)
        opt.zero_grad(set_to_none=set_to_none)
        loss.backward()
        opt.step()
        return loss
    f = tm.compile(step) if compiled else step
    losses = []
    for i in range(steps):
        if switch is not None and i == switch:
            model.eval()
        loss = f(x, y)
        losses.append(loss.item())
        if sched is not None:
            sched.step()
    return losses, list(model.parameters()), f, loss


def _mlp():
    model = tm.nn.Sequential(tm.nn.Linear(3, 6), tm.nn.Sigmoid(), tm.nn.Linear(6, 1))
    return (model, tm.nn.BCEWithLogitsLoss(), tm.optim.SGD(model.parameters(), lr=0.5),
            tm.randn(4, 3), (tm.rand(4, 1) > 0.5).float())


def _cnn():
    model = tm.nn.Sequential(tm.nn.Conv2d(1, 3, 3, padding=1), tm.nn.ReLU(),
                             tm.nn.MaxPool2d(2), tm.nn.Flatten(), tm.nn.Linear(48, 5))
    return (model, tm.nn.CrossEntropyLoss(),
            tm.optim.SGD(model.parameters(), lr=0.05, momentum=0.9),
            tm.randn(6, 1, 8, 8), tm.randint(0, 5, (6,)))


def _adam(cls=None):
    def make():
        model = tm.nn.Sequential(tm.nn.Linear(6, 8), tm.nn.ReLU(), tm.nn.Linear(8, 3))
        opt = (cls or tm.optim.Adam)(model.parameters(), lr=1e-2)
        return (model, tm.nn.CrossEntropyLoss(), opt, tm.randn(16, 6),
                tm.randint(0, 3, (16,)))
    return make


def _bn():
    model = tm.nn.Sequential(tm.nn.Linear(3, 4), tm.nn.BatchNorm1d(4), tm.nn.Linear(4, 2))
    return (model, tm.nn.MSELoss(), tm.optim.SGD(model.parameters(), lr=0.1),
            tm.randn(5, 3), tm.randn(5, 2))


@pytest.mark.parametrize("case", ["sgd", "momentum cnn", "scheduler", "keep grads",
                                  "train then eval", "batch norm", "adam", "adamw amsgrad"])
def test_a_compiled_training_step_is_the_eager_step(case):
    make, kwargs = {"sgd": (_mlp, {}), "momentum cnn": (_cnn, {}),
                    "scheduler": (_mlp, {"schedule": lambda o: tm.optim.lr_scheduler.StepLR(
                        o, 3, gamma=0.5)}),
                    "keep grads": (_mlp, {"set_to_none": False}),
                    "train then eval": (_bn, {"switch": 4}),
                    "batch norm": (_bn, {}), "adam": (_adam(), {}),
                    "adamw amsgrad": (_adam(lambda p, lr: tm.optim.AdamW(
                        p, lr=lr, amsgrad=True, weight_decay=0.1)), {})}[case]
    eager = _train(make, 8, False, **kwargs)
    compiled = _train(make, 8, True, **kwargs)
    assert compiled[0] == eager[0]
    for p, q in zip(compiled[1], eager[1]):
        _same(p, q)
        _same(p.grad, q.grad)
        assert p._version == q._version
    f, loss = compiled[2], compiled[3]
    assert loss.requires_grad and loss.grad_fn is not None
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        loss.backward()
    if case in ("sgd", "momentum cnn", "scheduler", "adam", "adamw amsgrad"):
        assert any(_replays(f)), [e.reason for e in f.entries]


def test_printing_a_value_read_in_python_breaks_the_graph(capsys):
    def f(x):
        y = x * 2
        print(f"{y.sum().item():.1f}")
        return y
    compiled = tm.compile(f)
    for _ in range(2):
        _same(compiled(tm.ones(2)), tm.full((2,), 2.0))
    assert capsys.readouterr().out == "4.0\n4.0\n"
    assert _replays(compiled) == [False]


def test_torch_logs_output_code_prints_the_replay(monkeypatch, capsys):
    monkeypatch.setenv("TORCH_LOGS", "output_code")
    tm.compile(lambda x: x.exp() + 1)(tm.ones(2))
    err = capsys.readouterr().err
    assert "def forward(v0):" in err and "return (v2, )" in err


def test_strided_and_broadcast_inputs_replay_with_their_layout():
    def f(x, y):
        return (x * 2 + y).sum(0)
    compiled = tm.compile(f)
    base = tm.arange(24.0).reshape(4, 6)
    for _ in range(2):
        x = base[:, ::2]                      # gaps between elements
        y = tm.ones(3).expand(4, 3)           # zero strides, read-only
        z = base.flip(0)[:, 1::2]             # a negative stride
        _same(compiled(x, y), f(x, y))
        _same(compiled(z, y), f(z, y))
    assert all(_replays(compiled))


def test_a_step_returning_numbers_and_nested_results_replays():
    def make():
        tm.manual_seed(0)
        model = tm.nn.Linear(3, 2)
        return model, tm.optim.SGD(model.parameters(), lr=0.1)

    def run(compiled):
        model, opt = make()
        x, y = tm.linspace(-1, 1, 12).reshape(4, 3), tm.tensor([0, 1, 1, 0])

        def step(xb, yb):
            out = model(xb)
            loss = F.cross_entropy(out, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss.item(), {"accuracy": (out.argmax(1) == yb).float().mean().item(),
                                 "logits": out.detach(), "tag": "step"}
        f = tm.compile(step) if compiled else step
        return [f(x, y) for _ in range(4)], f
    eager, _ = run(False)
    compiled, f = run(True)
    for (l1, d1), (l2, d2) in zip(compiled, eager):
        assert type(l1) is float and l1 == l2
        assert d1["accuracy"] == d2["accuracy"] and d1["tag"] == "step"
        _same(d1["logits"], d2["logits"])
    assert any(_replays(f)), [e.reason for e in f.entries]


def test_only_the_result_that_requires_grad_gets_the_compiled_node():
    def f(x):
        return x.exp(), x.detach() * 2
    compiled = tm.compile(f)
    for _ in range(2):
        x = tm.tensor([0.5, -1.0], requires_grad=True)
        a, b = compiled(x)
        assert a.requires_grad and not b.requires_grad
        a.sum().backward()
        _same(x.grad, tm.tensor([0.5, -1.0]).exp())
    assert _replays(compiled) == [True]


def test_parameters_rebound_or_updated_outside_are_read_afresh():
    model = tm.nn.Linear(2, 1)
    compiled = tm.compile(model)
    x = tm.ones(1, 2)
    _same(compiled(x), model(x))
    with tm.no_grad():
        model.weight.mul_(3)                 # in place
    _same(compiled(x), model(x))
    model.weight.data = tm.full((1, 2), 0.5)  # a new array, same metadata
    _same(compiled(x), model(x))
    model.bias = tm.nn.Parameter(tm.tensor([2.0]))  # a new tensor: traced again
    _same(compiled(x), model(x))
    assert len(compiled._compiled_forward.entries) == 2
