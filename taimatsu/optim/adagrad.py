"""Adagrad: per-entry learning rates from the sum of squared gradients."""
from .._tensor import _wrap
from .._backend import cpu as _cpu
from .._ops._core import xp_of as _xp_of
from . import _arith as A
from .adam import _check_common
from .optimizer import (
    Optimizer,
    _bump,
    _increment,
    _new_step,
)

_cpu_xp, _ndarray = _cpu.xp, _cpu.array_type  # per-parameter fast path

__all__ = ["Adagrad", "adagrad"]


class Adagrad(Optimizer):
    """Implements the Adagrad algorithm."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0,
                 initial_accumulator_value=0, eps=1e-10, foreach=None, *, maximize=False,
                 differentiable=False, fused=None):
        _check_common(lr, 0.0, 0.0)
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError("Invalid initial_accumulator_value value: "
                             f"{initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value,
                    "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        # unlike the other optimizers, Adagrad's state exists before the first step
        for group in self.param_groups:
            self._states(group, group["params"])

    _setstate_defaults = {"foreach": None, "maximize": False, "differentiable": False,
                          "fused": None}

    def _initial_state(self, group, p):
        value = self.defaults["initial_accumulator_value"]
        xp = _cpu_xp if type(p) is _ndarray else _xp_of(p)
        accumulator = _wrap(xp.full_like(p._data, value))
        if p._data.dtype.kind == "c":
            A.as_real(accumulator._data)[...] = value
        return {"step": _new_step(), "sum": accumulator}

    def share_memory(self):
        """A no-op: there are no other processes to share numpy memory with."""

    def _update(self, group, params, grads):
        states = self._states(group, params)
        adagrad(params, grads, [s["sum"] for s in states], [s["step"] for s in states],
                lr=group["lr"], weight_decay=group["weight_decay"],
                lr_decay=group["lr_decay"], eps=group["eps"], maximize=group["maximize"])

    step = Optimizer._step


def adagrad(params, grads, state_sums, state_steps, fused=None, grad_scale=None,
            found_inf=None, has_sparse_grad=False, foreach=None, differentiable=False,
            has_complex=False, *, lr, weight_decay, lr_decay, eps, maximize):
    """Functional Adagrad: updates params and their sums in place."""
    lr = A.scalar(lr)
    for param, grad, state_sum, step_t in zip(params, grads, state_sums, state_steps):
        step = _increment(step_t)
        _adagrad_update(A.as_real(param._data), A.as_real(grad._data),
                        A.as_real(state_sum._data), step, lr=lr, weight_decay=weight_decay,
                        lr_decay=lr_decay, eps=eps, maximize=maximize)
        _bump(param, state_sum)


def _adagrad_update(param, grad, state_sum, step, *, lr, weight_decay, lr_decay, eps,
                    maximize):
    """One parameter's step (torch's _single_tensor_adagrad, dense gradients)."""
    xp = _cpu_xp if type(param) is _ndarray else _xp_of(param)
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = A.added(grad, param, weight_decay)
    clr = lr / (1 + (step - 1) * lr_decay)
    A.addcmul_(state_sum, grad, grad, 1)
    std = xp.sqrt(state_sum)
    std += eps
    A.addcdiv_(param, grad, std, -clr)
