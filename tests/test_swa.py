"""torch.optim.swa_utils against the oracle: averaged weights, EMA, SWALR, update_bn."""
import numpy as np
import pytest
from conftest import load_oracle

import taimatsu as tm

torch = load_oracle()


def _run(m, make_avg, steps=6):
    m.manual_seed(0)
    model = m.nn.Sequential(m.nn.Linear(3, 4), m.nn.BatchNorm1d(4), m.nn.ReLU(),
                            m.nn.Linear(4, 1))
    opt = m.optim.SGD(model.parameters(), lr=0.1)
    avg = make_avg(m, model)
    sched = m.optim.swa_utils.SWALR(opt, swa_lr=0.05, anneal_epochs=3,
                                    anneal_strategy="linear")
    x = m.linspace(-2, 2, 24).reshape(8, 3)
    y = x.sum(1, keepdim=True).sin()
    lrs = []
    for _ in range(steps):
        opt.zero_grad()
        m.nn.functional.mse_loss(model(x), y).backward()
        opt.step()
        avg.update_parameters(model)
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    m.optim.swa_utils.update_bn([(x, y), (x * 0.5, y)], avg)
    avg.eval()
    return avg(x), lrs, [p.detach() for p in avg.parameters()], \
        [b.detach() for b in avg.buffers()]


AVERAGERS = [
    ("swa", lambda m, model: m.optim.swa_utils.AveragedModel(model)),
    ("ema multi", lambda m, model: m.optim.swa_utils.AveragedModel(
        model, multi_avg_fn=m.optim.swa_utils.get_ema_multi_avg_fn(0.9))),
    ("ema avg_fn", lambda m, model: m.optim.swa_utils.AveragedModel(
        model, avg_fn=m.optim.swa_utils.get_ema_avg_fn(0.8))),
    ("swa buffers", lambda m, model: m.optim.swa_utils.AveragedModel(model,
                                                                     use_buffers=True)),
]


@pytest.mark.parametrize("name,make", AVERAGERS, ids=[a[0] for a in AVERAGERS])
def test_averaged_models_as_torch(name, make):
    ours, theirs = _run(tm, make), _run(torch, make)
    np.testing.assert_allclose(ours[0].detach().numpy(), theirs[0].detach().numpy(),
                               rtol=1e-5, atol=1e-6)
    assert ours[1] == pytest.approx(theirs[1])
    for a, b in zip(ours[2] + ours[3], theirs[2] + theirs[3]):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)


def test_swa_errors_as_torch():
    for m in (tm, torch):
        opt = m.optim.SGD([m.zeros(1, requires_grad=True)], lr=0.1)
        with pytest.raises(ValueError, match="anneal_strategy must be one of"):
            m.optim.swa_utils.SWALR(opt, 0.1, anneal_strategy="step")
        with pytest.raises(ValueError, match="anneal_epochs must be equal or greater"):
            m.optim.swa_utils.SWALR(opt, 0.1, anneal_epochs=-1)
        with pytest.raises(ValueError, match="Invalid decay value"):
            m.optim.swa_utils.get_ema_avg_fn(1.5)
