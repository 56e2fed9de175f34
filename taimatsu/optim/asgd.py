"""ASGD: averaged stochastic gradient descent."""
from .._backend import cpu as _cpu
from .._ops._core import xp_of as _xp_of
from . import _arith as A
from .optimizer import (
    Optimizer,
    _bump,
    _check_tensor_lr,
    _get_scalar_dtype,
    _increment,
    _new_step,
    _zeros_like,
)

_cpu_xp, _ndarray = _cpu.xp, _cpu.array_type  # per-parameter fast path

__all__ = ["ASGD", "asgd"]


class ASGD(Optimizer):
    """Implements Averaged Stochastic Gradient Descent."""

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False):
        _check_tensor_lr(lr)
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0,
                    "weight_decay": weight_decay, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def _initial_state(self, group, p):
        return {"step": _new_step(), "eta": _new_step(A.scalar(group["lr"])),
                "mu": _new_step(1.0), "ax": _zeros_like(p)}

    def _update(self, group, params, grads):
        states = self._states(group, params)
        asgd(params, grads, [s["ax"] for s in states], [s["mu"] for s in states],
             [s["eta"] for s in states], [s["step"] for s in states],
             lambd=group["lambd"], lr=group["lr"], t0=group["t0"], alpha=group["alpha"],
             weight_decay=group["weight_decay"], maximize=group["maximize"])

    step = Optimizer._step


def asgd(params, grads, axs, mus, etas, state_steps, foreach=None, maximize=False,
         differentiable=False, capturable=False, has_complex=False, *, lambd, lr, t0, alpha,
         weight_decay):
    """Functional ASGD: updates params, their averages and step schedules in place."""
    lr = A.scalar(lr)
    for i, param in enumerate(params):
        step = _increment(state_steps[i])
        _asgd_update(A.as_real(param._data), A.as_real(grads[i]._data),
                     A.as_real(axs[i]._data), mus[i]._data, etas[i]._data, step, lambd=lambd,
                     lr=lr, t0=t0, alpha=alpha, weight_decay=weight_decay, maximize=maximize)
        _bump(param, axs[i], mus[i], etas[i])


def _asgd_update(param, grad, ax, mu, eta, step, *, lambd, lr, t0, alpha, weight_decay,
                 maximize):
    """One parameter's step (torch's _single_tensor_asgd, not capturable); `mu` and `eta`
    are 0-dim arrays updated in place."""
    xp = _cpu_xp if type(param) is _ndarray else _xp_of(param)
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = A.added(grad, param, weight_decay)
    eta_value = float(eta)
    param *= 1 - lambd * eta_value
    A.add_(param, grad, -eta_value)
    if float(mu) != 1:
        diff = xp.subtract(param, ax)
        diff *= mu[()]  # the host counter as a numpy scalar (its dtype's arithmetic)
        ax += diff
    else:
        ax[...] = param
    # torch.as_tensor(value) rounds to the default dtype before the copy into eta and mu
    default_dtype = _get_scalar_dtype().type
    eta[...] = default_dtype(lr / (1 + lambd * lr * step) ** alpha)
    mu[...] = default_dtype(1 / max(1, step - t0))
