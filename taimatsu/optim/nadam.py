"""NAdam: Adam with Nesterov momentum and a momentum-decay schedule."""
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

__all__ = ["NAdam", "nadam"]


class NAdam(Optimizer):
    """Implements the NAdam algorithm."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        _check_common(lr, eps, weight_decay, betas)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay,
                    "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    _setstate_defaults = {"maximize": False, "foreach": None, "capturable": False,
                          "differentiable": False, "decoupled_weight_decay": False}

    def _initial_state(self, group, p):
        return {"step": _new_step(), "mu_product": _new_step(1.0), "exp_avg": _zeros_like(p),
                "exp_avg_sq": _zeros_like(p)}

    def _update(self, group, params, grads):
        states = self._states(group, params)
        beta1, beta2 = group["betas"]
        nadam(params, grads, [s["exp_avg"] for s in states],
              [s["exp_avg_sq"] for s in states], [s["mu_product"] for s in states],
              [s["step"] for s in states], beta1=beta1, beta2=beta2, lr=group["lr"],
              weight_decay=group["weight_decay"], momentum_decay=group["momentum_decay"],
              eps=group["eps"], maximize=group["maximize"],
              decoupled_weight_decay=group["decoupled_weight_decay"])

    step = Optimizer._step


def nadam(params, grads, exp_avgs, exp_avg_sqs, mu_products, state_steps,
          decoupled_weight_decay=False, foreach=None, capturable=False, differentiable=False,
          has_complex=False, maximize=False, *, beta1, beta2, lr, weight_decay,
          momentum_decay, eps):
    """Functional NAdam: updates params and their state in place."""
    lr = A.scalar(lr)
    for i, param in enumerate(params):
        step = _increment(state_steps[i])
        _nadam_update(A.as_real(param._data), A.as_real(grads[i]._data),
                      A.as_real(exp_avgs[i]._data), A.as_real(exp_avg_sqs[i]._data),
                      mu_products[i]._data, step, beta1=beta1, beta2=beta2, lr=lr,
                      weight_decay=weight_decay, momentum_decay=momentum_decay, eps=eps,
                      decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        _bump(param, exp_avgs[i], exp_avg_sqs[i], mu_products[i])


def _nadam_update(param, grad, exp_avg, exp_avg_sq, mu_product, step, *, beta1, beta2, lr,
                  weight_decay, momentum_decay, eps, decoupled_weight_decay, maximize):
    """One parameter's step (torch's _single_tensor_nadam, not capturable);
    `mu_product` is the 0-dim array of the running product of momentum coefficients."""
    xp = _cpu_xp if type(param) is _ndarray else _xp_of(param)
    if maximize:
        grad = -grad
    bias_correction2 = 1 - beta2 ** step
    if weight_decay != 0:
        if decoupled_weight_decay:
            param *= 1 - lr * weight_decay
        else:
            grad = A.added(grad, param, weight_decay)
    mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
    mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
    mu_product *= mu  # a host counter, as the step
    A.lerp_(exp_avg, grad, 1 - beta1)
    exp_avg_sq *= beta2
    A.addcmul_(exp_avg_sq, grad, grad, 1 - beta2)
    denom = xp.divide(exp_avg_sq, bias_correction2)
    xp.sqrt(denom, out=denom)
    mu_product = float(mu_product)
    mu_product_next = mu_product * mu_next
    denom += eps
    A.addcdiv_(param, grad, denom, -lr * (1.0 - mu) / (1.0 - mu_product))
    A.addcdiv_(param, exp_avg, denom, -lr * mu_next / (1.0 - mu_product_next))
