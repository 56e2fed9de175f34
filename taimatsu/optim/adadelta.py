"""Adadelta: steps scaled by the ratio of running RMS of updates and gradients."""
from . import _arith as A
from .._backend import cpu as _cpu
from .._ops._core import xp_of as _xp_of
from .adam import _check_common
from .optimizer import (
    Optimizer,
    _bump,
    _increment,
    _new_step,
    _zeros_like,
)

_cpu_xp, _ndarray = _cpu.xp, _cpu.array_type  # per-parameter fast path

__all__ = ["Adadelta", "adadelta"]


class Adadelta(Optimizer):
    """Implements the Adadelta algorithm."""

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        _check_common(lr, 0.0, 0.0)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize, "capturable": capturable, "foreach": foreach,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    _setstate_defaults = {"foreach": None, "maximize": False, "differentiable": False,
                          "capturable": False}

    def _initial_state(self, group, p):
        return {"step": _new_step(), "square_avg": _zeros_like(p), "acc_delta": _zeros_like(p)}

    def _update(self, group, params, grads):
        states = self._states(group, params)
        adadelta(params, grads, [s["square_avg"] for s in states],
                 [s["acc_delta"] for s in states], [s["step"] for s in states],
                 lr=group["lr"], rho=group["rho"], eps=group["eps"],
                 weight_decay=group["weight_decay"], maximize=group["maximize"])

    step = Optimizer._step


def adadelta(params, grads, square_avgs, acc_deltas, state_steps, capturable=False,
             foreach=None, differentiable=False, has_complex=False, *, lr, rho, eps,
             weight_decay, maximize):
    """Functional Adadelta: updates params and their state in place."""
    lr = A.scalar(lr)
    for param, grad, square_avg, acc_delta, step_t in zip(params, grads, square_avgs,
                                                           acc_deltas, state_steps):
        _increment(step_t)
        _adadelta_update(A.as_real(param._data), A.as_real(grad._data),
                         A.as_real(square_avg._data), A.as_real(acc_delta._data), lr=lr,
                         rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
        _bump(param, square_avg, acc_delta)


def _adadelta_update(param, grad, square_avg, acc_delta, *, lr, rho, eps, weight_decay,
                     maximize):
    """One parameter's step (torch's _single_tensor_adadelta)."""
    xp = _cpu_xp if type(param) is _ndarray else _xp_of(param)
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = A.added(grad, param, weight_decay)
    square_avg *= rho
    A.addcmul_(square_avg, grad, grad, 1 - rho)
    std = xp.add(square_avg, eps)
    xp.sqrt(std, out=std)
    delta = xp.add(acc_delta, eps)
    xp.sqrt(delta, out=delta)
    delta /= std
    delta *= grad
    acc_delta *= rho
    A.addcmul_(acc_delta, delta, delta, 1 - rho)
    A.add_(param, delta, -lr)
