"""RMSprop: gradients scaled by a running root mean square."""
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

__all__ = ["RMSprop", "rmsprop"]


class RMSprop(Optimizer):
    """Implements the RMSprop algorithm."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        _check_common(lr, eps, 0.0)
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                    "centered": centered, "weight_decay": weight_decay,
                    "capturable": capturable, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    _setstate_defaults = {"momentum": 0, "centered": False, "foreach": None, "maximize": False,
                          "differentiable": False, "capturable": False}

    def _initial_state(self, group, p):
        state = {"step": _new_step(), "square_avg": _zeros_like(p)}
        if group["momentum"] > 0:
            state["momentum_buffer"] = _zeros_like(p)
        if group["centered"]:
            state["grad_avg"] = _zeros_like(p)
        return state

    def _update(self, group, params, grads):
        states = self._states(group, params)
        rmsprop(params, grads, [s["square_avg"] for s in states],
                [s["grad_avg"] for s in states] if group["centered"] else [],
                [s["momentum_buffer"] for s in states] if group["momentum"] > 0 else [],
                [s["step"] for s in states], lr=group["lr"], alpha=group["alpha"],
                eps=group["eps"], weight_decay=group["weight_decay"],
                momentum=group["momentum"], centered=group["centered"],
                maximize=group["maximize"])

    step = Optimizer._step


def rmsprop(params, grads, square_avgs, grad_avgs, momentum_buffer_list, state_steps,
            foreach=None, maximize=False, differentiable=False, capturable=False,
            has_complex=False, *, lr, alpha, eps, weight_decay, momentum, centered):
    """Functional RMSprop: updates params and their state in place."""
    lr = A.scalar(lr)
    for i, param in enumerate(params):
        _increment(state_steps[i])
        grad_avg = grad_avgs[i] if centered else None
        buf = momentum_buffer_list[i] if momentum > 0 else None
        _rmsprop_update(A.as_real(param._data), A.as_real(grads[i]._data),
                        A.as_real(square_avgs[i]._data),
                        None if grad_avg is None else A.as_real(grad_avg._data),
                        None if buf is None else A.as_real(buf._data), lr=lr, alpha=alpha,
                        eps=eps, weight_decay=weight_decay, momentum=momentum,
                        maximize=maximize)
        _bump(param, square_avgs[i], grad_avg, buf)


def _rmsprop_update(param, grad, square_avg, grad_avg, buf, *, lr, alpha, eps, weight_decay,
                    momentum, maximize):
    """One parameter's step (torch's _single_tensor_rmsprop); centered when grad_avg is
    given, with momentum when buf is."""
    xp = _cpu_xp if type(param) is _ndarray else _xp_of(param)
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = A.added(grad, param, weight_decay)
    square_avg *= alpha
    A.addcmul_(square_avg, grad, grad, 1 - alpha)
    if grad_avg is not None:
        A.lerp_(grad_avg, grad, 1 - alpha)
        avg = A.addcmul_(square_avg.copy(), grad_avg, grad_avg, -1)
        xp.sqrt(avg, out=avg)
    else:
        avg = xp.sqrt(square_avg)
    avg += eps
    if buf is not None:
        buf *= momentum
        A.addcdiv_(buf, grad, avg, 1)
        A.add_(param, buf, -lr)
    else:
        A.addcdiv_(param, grad, avg, -lr)
