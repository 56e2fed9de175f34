"""RAdam: Adam with the variance of the adaptive learning rate rectified."""
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

__all__ = ["RAdam", "radam"]


class RAdam(Optimizer):
    """Implements the RAdam algorithm."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
        _check_common(lr, eps, weight_decay, betas)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "decoupled_weight_decay": decoupled_weight_decay,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    _setstate_defaults = {"foreach": None, "maximize": False, "differentiable": False,
                          "decoupled_weight_decay": False, "capturable": False}

    def _initial_state(self, group, p):
        return {"step": _new_step(), "exp_avg": _zeros_like(p), "exp_avg_sq": _zeros_like(p)}

    def _update(self, group, params, grads):
        states = self._states(group, params)
        beta1, beta2 = group["betas"]
        radam(params, grads, [s["exp_avg"] for s in states],
              [s["exp_avg_sq"] for s in states], [s["step"] for s in states],
              beta1=beta1, beta2=beta2, lr=group["lr"],
              weight_decay=group["weight_decay"], eps=group["eps"],
              maximize=group["maximize"],
              decoupled_weight_decay=group["decoupled_weight_decay"])

    step = Optimizer._step


def radam(params, grads, exp_avgs, exp_avg_sqs, state_steps, decoupled_weight_decay=False,
          foreach=None, differentiable=False, capturable=False, has_complex=False,
          maximize=False, *, beta1, beta2, lr, weight_decay, eps):
    """Functional RAdam: updates params and their state in place."""
    lr = A.scalar(lr)
    for i, param in enumerate(params):
        step = _increment(state_steps[i])
        _radam_update(A.as_real(param._data), A.as_real(grads[i]._data),
                      A.as_real(exp_avgs[i]._data), A.as_real(exp_avg_sqs[i]._data), step,
                      beta1=beta1, beta2=beta2, lr=lr, weight_decay=weight_decay, eps=eps,
                      decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        _bump(param, exp_avgs[i], exp_avg_sqs[i])


def _radam_update(param, grad, exp_avg, exp_avg_sq, step, *, beta1, beta2, lr, weight_decay,
                  eps, decoupled_weight_decay, maximize):
    """One parameter's step (torch's _single_tensor_radam, not capturable)."""
    xp = _cpu_xp if type(param) is _ndarray else _xp_of(param)
    if maximize:
        grad = -grad
    if weight_decay != 0:
        if decoupled_weight_decay:
            param *= 1 - lr * weight_decay
        else:
            grad = A.added(grad, param, weight_decay)
    A.lerp_(exp_avg, grad, 1 - beta1)
    exp_avg_sq *= beta2
    A.addcmul_(exp_avg_sq, grad, grad, 1 - beta2)
    bias_correction1 = 1 - beta1 ** step
    bias_correction2 = 1 - beta2 ** step
    # the update is formed as torch forms it: ((m / bc1) * lr) * adaptive_lr * rect
    update = xp.divide(exp_avg, bias_correction1)
    update *= lr
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * beta2 ** step / bias_correction2
    if rho_t > 5.0:
        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        # torch's `scalar / tensor` is `tensor.reciprocal() * scalar`
        adaptive_lr = xp.sqrt(exp_avg_sq)
        adaptive_lr += eps
        xp.reciprocal(adaptive_lr, out=adaptive_lr)
        adaptive_lr *= bias_correction2 ** 0.5
        update *= adaptive_lr
        update *= rect
    param -= update
