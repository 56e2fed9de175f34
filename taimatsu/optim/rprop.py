"""Rprop: resilient backpropagation, per-entry step sizes adapted by gradient signs."""
from .._tensor import _wrap
from .._backend import cpu as _cpu
from .._ops._core import xp_of as _xp_of
from . import _arith as A
from .optimizer import (
    Optimizer,
    _bump,
    _check_tensor_lr,
    _increment,
    _new_step,
    _zeros_like,
)

_cpu_xp, _ndarray = _cpu.xp, _cpu.array_type  # per-parameter fast path

__all__ = ["Rprop", "rprop"]


class Rprop(Optimizer):
    """Implements the resilient backpropagation algorithm."""

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check_tensor_lr(lr)
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable,
                    "capturable": capturable}
        super().__init__(params, defaults)

    def _initial_state(self, group, p):
        xp = _cpu_xp if type(p) is _ndarray else _xp_of(p)
        step_size = _wrap(xp.empty_like(p._grad._data))
        A.as_real(step_size._data)[...] = A.scalar(group["lr"])
        return {"step": _new_step(), "prev": _zeros_like(p), "step_size": step_size}

    def _update(self, group, params, grads):
        states = self._states(group, params)
        etaminus, etaplus = group["etas"]
        step_size_min, step_size_max = group["step_sizes"]
        rprop(params, grads, [s["prev"] for s in states], [s["step_size"] for s in states],
              [s["step"] for s in states], step_size_min=step_size_min,
              step_size_max=step_size_max, etaminus=etaminus, etaplus=etaplus,
              maximize=group["maximize"])

    step = Optimizer._step


def rprop(params, grads, prevs, step_sizes, state_steps, foreach=None, capturable=False,
          maximize=False, differentiable=False, has_complex=False, *, step_size_min,
          step_size_max, etaminus, etaplus):
    """Functional Rprop: updates params and their state in place."""
    for i, param in enumerate(params):
        _increment(state_steps[i])
        _rprop_update(A.as_real(param._data), A.as_real(grads[i]._data),
                      A.as_real(prevs[i]._data), A.as_real(step_sizes[i]._data),
                      step_size_min=step_size_min, step_size_max=step_size_max,
                      etaminus=etaminus, etaplus=etaplus, maximize=maximize)
        _bump(param, prevs[i], step_sizes[i])


def _rprop_update(param, grad, prev, step_size, *, step_size_min, step_size_max, etaminus,
                  etaplus, maximize):
    """One parameter's step (torch's _single_tensor_rprop, not capturable)."""
    xp = _cpu_xp if type(param) is _ndarray else _xp_of(param)
    if maximize:
        grad = -grad
    sign = xp.sign(grad * prev)
    sign[sign > 0] = etaplus
    sign[sign < 0] = etaminus
    sign[sign == 0] = 1
    step_size *= sign
    xp.clip(step_size, step_size_min, step_size_max, out=step_size)
    # where the gradient changed sign, skip this update and forget the gradient
    grad = grad.copy()
    grad[sign == sign.dtype.type(etaminus)] = 0
    A.addcmul_(param, xp.sign(grad), step_size, -1)
    prev[...] = grad
