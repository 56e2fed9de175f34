"""torch.optim.lr_scheduler against the oracle: lr (and momentum) sequences step by step,
state dicts, closed forms, warnings and errors."""
import copy
import importlib
import warnings

import pytest
from harness import check_error

import taimatsu as tm

torch = pytest.importorskip("torch")


def _sched(m):
    return importlib.import_module(m.__name__ + ".optim.lr_scheduler")


def _optimizer(m, kind="SGD"):
    """Two param groups with different lrs, so that per-group handling shows."""
    p, q = m.ones(2, requires_grad=True), m.ones(3, requires_grad=True)
    if kind == "SGD":
        return m.optim.SGD([{"params": [p]}, {"params": [q], "lr": 0.05}], lr=0.1,
                           momentum=0.9)
    return m.optim.Adam([{"params": [p]}, {"params": [q], "lr": 0.05}], lr=0.1)


def _options(opt):
    groups = opt.param_groups
    return ([float(g["lr"]) for g in groups], [g.get("momentum") for g in groups],
            [tuple(float(b) for b in g["betas"]) if "betas" in g else None for g in groups])


def _run(m, make, steps, kind="SGD", metrics=None):
    """Each step: optimizer step, then scheduler step; record lrs and momenta."""
    opt = _optimizer(m, kind)
    sched = make(_sched(m), opt)
    record = [(list(map(float, sched.get_last_lr())), _options(opt))]
    for i in range(steps):
        opt.step()
        if metrics is not None:
            sched.step(metrics[i])
        else:
            sched.step()
        record.append((list(map(float, sched.get_last_lr())), _options(opt)))
    return sched, record


def _same_sequence(make, steps, kind="SGD", metrics=None):
    """Both libraries give the same lrs and momenta at every step, exactly: the
    schedulers do the same float arithmetic in the same order."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours_sched, ours = _run(tm, make, steps, kind, metrics)
        theirs_sched, theirs = _run(torch, make, steps, kind, metrics)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert a == b, f"step {i}: {a} vs {b}"
    return ours_sched, theirs_sched


SCHEDULERS = {
    "StepLR": lambda s, o: s.StepLR(o, step_size=7, gamma=0.5),
    "MultiStepLR": lambda s, o: s.MultiStepLR(o, milestones=[5, 12, 12, 30], gamma=0.3),
    "ConstantLR": lambda s, o: s.ConstantLR(o, factor=0.25, total_iters=8),
    "LinearLR": lambda s, o: s.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=20),
    "ExponentialLR": lambda s, o: s.ExponentialLR(o, gamma=0.95),
    "PolynomialLR": lambda s, o: s.PolynomialLR(o, total_iters=25, power=2.0),
    "CosineAnnealingLR": lambda s, o: s.CosineAnnealingLR(o, T_max=15, eta_min=0.001),
    "WarmRestarts": lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2,
                                                               eta_min=1e-4),
    "LambdaLR": lambda s, o: s.LambdaLR(o, lr_lambda=[lambda e: 0.9 ** e,
                                                      lambda e: 1 / (1 + e)]),
    "MultiplicativeLR": lambda s, o: s.MultiplicativeLR(o, lr_lambda=lambda e: 0.97),
    "CyclicLR": lambda s, o: s.CyclicLR(o, base_lr=0.01, max_lr=[0.1, 0.2], step_size_up=4,
                                        step_size_down=6),
    "CyclicLR-triangular2": lambda s, o: s.CyclicLR(o, base_lr=0.01, max_lr=0.1,
                                                    step_size_up=3, mode="triangular2"),
    "CyclicLR-exp_range": lambda s, o: s.CyclicLR(o, base_lr=0.01, max_lr=0.1,
                                                  step_size_up=5, mode="exp_range",
                                                  gamma=0.97, cycle_momentum=False),
    "OneCycleLR": lambda s, o: s.OneCycleLR(o, max_lr=[0.5, 1.0], total_steps=60),
    "OneCycleLR-linear-3phase": lambda s, o: s.OneCycleLR(o, max_lr=0.5, epochs=6,
                                                          steps_per_epoch=10,
                                                          anneal_strategy="linear",
                                                          three_phase=True),
    "SequentialLR": lambda s, o: s.SequentialLR(
        o, [s.LinearLR(o, start_factor=0.2, total_iters=5), s.ExponentialLR(o, gamma=0.9),
            s.StepLR(o, step_size=3)], milestones=[5, 20]),
    "ChainedScheduler": lambda s, o: s.ChainedScheduler(
        [s.ConstantLR(o, factor=0.5, total_iters=4), s.ExponentialLR(o, gamma=0.9),
         s.MultiStepLR(o, milestones=[10, 20])]),
}


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_lr_sequence_matches_torch(name):
    _same_sequence(SCHEDULERS[name], 60)


@pytest.mark.parametrize("name", ["OneCycleLR", "CyclicLR"])
def test_beta1_cycles_with_adam(name):
    make = SCHEDULERS[name]
    _same_sequence(make, 50, kind="Adam")


def test_reduce_lr_on_plateau():
    metrics = [1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8] * 3

    def make(s, o):
        return s.ReduceLROnPlateau(o, factor=0.5, patience=2, cooldown=1, min_lr=[0.0, 0.02])

    def make_max(s, o):
        return s.ReduceLROnPlateau(o, mode="max", threshold=0.1, threshold_mode="abs",
                                   patience=1)

    ours, theirs = _same_sequence(make, len(metrics), metrics=metrics)
    assert ours.state_dict() == theirs.state_dict()
    _same_sequence(make_max, len(metrics), metrics=metrics)


def _assert_same_state(ours, theirs, path="state"):
    """Scheduler state dicts agree key for key; numbers to rounding, callables skipped."""
    if isinstance(theirs, dict):
        assert sorted(ours) == sorted(theirs), path
        for key in theirs:
            if key != "_scale_fn_ref":
                _assert_same_state(ours[key], theirs[key], f"{path}[{key!r}]")
    elif isinstance(theirs, (list, tuple)):
        assert len(ours) == len(theirs), path
        for i, (a, b) in enumerate(zip(ours, theirs)):
            _assert_same_state(a, b, f"{path}[{i}]")
    elif isinstance(theirs, float):
        assert ours == pytest.approx(theirs, rel=1e-12), path
    elif not callable(theirs):
        assert ours == theirs, path


@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR", "CyclicLR", "OneCycleLR",
                                  "LambdaLR", "SequentialLR", "ChainedScheduler",
                                  "WarmRestarts"])
def test_state_dict_matches_torch_and_resumes(name):
    make = SCHEDULERS[name]
    ours, theirs = _same_sequence(make, 13)
    ours_state = ours.state_dict()
    _assert_same_state(ours_state, theirs.state_dict())

    # a scheduler loaded from the state continues the same sequence
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        opt = ours.optimizer
        fresh = make(_sched(tm), _optimizer(tm))
        fresh.load_state_dict(copy.deepcopy(ours_state))
        fresh.optimizer.load_state_dict(opt.state_dict())
        for _ in range(10):
            opt.step()
            ours.step()
            fresh.optimizer.step()
            fresh.step()
            assert fresh.get_last_lr() == ours.get_last_lr()


def test_closed_form_with_epoch_argument():
    for name in ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR",
                 "ConstantLR", "PolynomialLR", "WarmRestarts"]:
        lrs = []
        for m in (tm, torch):
            opt = _optimizer(m)
            sched = SCHEDULERS[name](_sched(m), opt)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                for epoch in [3, 10, 4, 17]:
                    opt.step()
                    sched.step(epoch)
            lrs.append([float(g["lr"]) for g in opt.param_groups])
            if name != "WarmRestarts":
                assert any("epoch parameter" in str(w.message) for w in caught)
        assert lrs[0] == pytest.approx(lrs[1], rel=1e-12), name


def test_warnings_match_torch():
    messages = []
    for m in (tm, torch):
        opt = _optimizer(m)
        sched = _sched(m).StepLR(opt, step_size=2)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sched.step()  # before optimizer.step()
            sched.get_lr()  # outside step()
        messages.append([str(w.message) for w in caught])
    assert messages[0] == messages[1]
    assert len(messages[0]) == 2


def test_tensor_lr_is_updated_in_place():
    for m in (tm, torch):
        p = m.ones(2, requires_grad=True)
        lr = m.tensor(0.1)
        opt = m.optim.SGD([p], lr=lr)
        sched = _sched(m).ExponentialLR(opt, gamma=0.5)
        opt.step()
        sched.step()
        assert opt.param_groups[0]["lr"] is lr
        assert abs(float(lr) - 0.05) < 1e-8


ERRORS = [  # each is called with (the lr_scheduler module, an optimizer)
    lambda s, o: s.StepLR(object(), step_size=3),
    lambda s, o: s.ConstantLR(o, factor=1.5),
    lambda s, o: s.LinearLR(o, start_factor=0),
    lambda s, o: s.LinearLR(o, end_factor=2),
    lambda s, o: s.StepLR(o, step_size=3, last_epoch=4),
    lambda s, o: s.LambdaLR(o, lr_lambda=[lambda e: 1.0]),
    lambda s, o: s.MultiplicativeLR(o, lr_lambda=0.9),
    lambda s, o: s.SequentialLR(o, [s.StepLR(o, 2)], milestones=[3]),
    lambda s, o: s.SequentialLR(o, [], milestones=[]),
    lambda s, o: s.SequentialLR(o, [s.ReduceLROnPlateau(o)], milestones=[]),
    lambda s, o: s.ChainedScheduler([]),
    lambda s, o: s.ReduceLROnPlateau(o, factor=1.0),
    lambda s, o: s.ReduceLROnPlateau(o, mode="middle"),
    lambda s, o: s.ReduceLROnPlateau(o, threshold_mode="both"),
    lambda s, o: s.ReduceLROnPlateau(o, min_lr=[0.1]),
    lambda s, o: s.CyclicLR(o, base_lr=0.1, max_lr=[1.0]),
    lambda s, o: s.CyclicLR(o, base_lr=0.1, max_lr=1.0, mode="square"),
    lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=0),
    lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0),
    lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=2).step(-1),
    lambda s, o: s.OneCycleLR(o, max_lr=1.0),
    lambda s, o: s.OneCycleLR(o, max_lr=1.0, total_steps=0),
    lambda s, o: s.OneCycleLR(o, max_lr=1.0, total_steps=10, pct_start=1),
    lambda s, o: s.OneCycleLR(o, max_lr=1.0, total_steps=10, anneal_strategy="cubic"),
    lambda s, o: _step_past_the_end(s.OneCycleLR(o, max_lr=1.0, total_steps=2)),
]


def _step_past_the_end(scheduler):
    for _ in range(3):
        scheduler.step()


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_errors_match_torch(index):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_error(lambda m: ERRORS[index](_sched(m), _optimizer(m)))
