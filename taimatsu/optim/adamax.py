"""Adamax: Adam with the infinity norm in place of the second moment."""
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

__all__ = ["Adamax", "adamax"]


class Adamax(Optimizer):
    """Implements the Adamax algorithm (a variant of Adam based on infinity norm)."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        _check_common(lr, eps, weight_decay, betas)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    _setstate_defaults = {"foreach": None, "maximize": False, "differentiable": False,
                          "capturable": False}

    def _initial_state(self, group, p):
        return {"step": _new_step(), "exp_avg": _zeros_like(p), "exp_inf": _zeros_like(p)}

    def _update(self, group, params, grads):
        states = self._states(group, params)
        beta1, beta2 = group["betas"]
        adamax(params, grads, [s["exp_avg"] for s in states],
               [s["exp_inf"] for s in states], [s["step"] for s in states],
               eps=group["eps"], beta1=beta1, beta2=beta2, lr=group["lr"],
               weight_decay=group["weight_decay"], maximize=group["maximize"])

    step = Optimizer._step


def adamax(params, grads, exp_avgs, exp_infs, state_steps, foreach=None, maximize=False,
           differentiable=False, capturable=False, has_complex=False, *, eps, beta1, beta2,
           lr, weight_decay):
    """Functional Adamax: updates params and their state in place."""
    lr = A.scalar(lr)
    for i, param in enumerate(params):
        step = _increment(state_steps[i])
        _adamax_update(A.as_real(param._data), A.as_real(grads[i]._data),
                       A.as_real(exp_avgs[i]._data), A.as_real(exp_infs[i]._data), step,
                       eps=eps, beta1=beta1, beta2=beta2, lr=lr, weight_decay=weight_decay,
                       maximize=maximize)
        _bump(param, exp_avgs[i], exp_infs[i])


def _adamax_update(param, grad, exp_avg, exp_inf, step, *, eps, beta1, beta2, lr,
                   weight_decay, maximize):
    """One parameter's step (torch's _single_tensor_adamax, not capturable)."""
    xp = _cpu_xp if type(param) is _ndarray else _xp_of(param)
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = A.added(grad, param, weight_decay)
    A.lerp_(exp_avg, grad, 1 - beta1)
    exp_inf *= beta2
    norm = xp.abs(grad)
    norm += eps
    xp.maximum(exp_inf, norm, out=exp_inf)
    bias_correction = 1 - beta1 ** step
    clr = lr / bias_correction
    A.addcdiv_(param, exp_avg, exp_inf, -clr)
