"""Adam (and, with decoupled weight decay, AdamW's arithmetic)."""
from .._tensor import Tensor
from .._backend import cpu as _cpu
from .._ops._core import xp_of as _xp_of
from . import _arith as A
from .optimizer import (
    Optimizer,
    _bump,
    _increment,
    _new_step,
    _to_scalar,
    _zeros_like,
)

_cpu_xp, _ndarray = _cpu.xp, _cpu.array_type  # per-parameter fast path

__all__ = ["Adam", "adam"]


def _check_betas(betas):
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")


def _check_common(lr, eps, weight_decay, betas=None):
    """The validation shared by the Adam family, with torch's messages and order."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if betas is not None:
        _check_betas(betas)
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


class Adam(Optimizer):
    """Implements the Adam algorithm."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        if isinstance(lr, Tensor) and foreach and not capturable:
            raise ValueError("lr as a Tensor is not supported for capturable=False and "
                             "foreach=True")
        _check_common(lr, eps, weight_decay, betas)
        if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
                or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
            raise ValueError(  # noqa: TRY004 - torch's exception type
                "betas must be either both floats or both Tensors")
        for i in (0, 1):
            if isinstance(betas[i], Tensor):
                if not capturable and foreach:
                    raise ValueError(f"betas[{i}] as a Tensor is not supported for "
                                     "capturable=False and foreach=True")
                if betas[i].numel() != 1:
                    raise ValueError(f"Tensor betas[{i}] must be 1-element")
        betas = tuple(map(_to_scalar, betas))
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize, "foreach": foreach,
                    "capturable": capturable, "differentiable": differentiable,
                    "fused": fused, "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    _setstate_defaults = {"amsgrad": False, "maximize": False, "foreach": None,
                          "capturable": False, "differentiable": False,
                          "decoupled_weight_decay": False, "fused": None}

    def _initial_state(self, group, p):
        state = {"step": _new_step(), "exp_avg": _zeros_like(p), "exp_avg_sq": _zeros_like(p)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = _zeros_like(p)
        return state

    def _update(self, group, params, grads):
        states = self._states(group, params)
        beta1, beta2 = group["betas"]
        adam(params, grads, [s["exp_avg"] for s in states], [s["exp_avg_sq"] for s in states],
             [s["max_exp_avg_sq"] for s in states] if group["amsgrad"] else [],
             [s["step"] for s in states], amsgrad=group["amsgrad"],
             beta1=beta1, beta2=beta2, lr=group["lr"],
             weight_decay=group["weight_decay"], eps=group["eps"],
             maximize=group["maximize"],
             decoupled_weight_decay=group["decoupled_weight_decay"])

    step = Optimizer._step


def adam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, foreach=None,
         capturable=False, differentiable=False, fused=None, grad_scale=None, found_inf=None,
         has_complex=False, decoupled_weight_decay=False, *, amsgrad, beta1, beta2, lr,
         weight_decay, eps, maximize):
    """Functional Adam: updates params and their state in place."""
    lr, beta1, beta2 = A.scalar(lr), A.scalar(beta1), A.scalar(beta2)
    as_real = A.as_real
    for i, param in enumerate(params):
        max_sq = max_exp_avg_sqs[i] if amsgrad else None
        step = _increment(state_steps[i])
        # the scalars of torch's _single_tensor_adam, once per parameter, not per chunk
        hyper = (beta1, beta2, lr, weight_decay, eps, maximize, decoupled_weight_decay,
                 lr / (1 - beta1 ** step), (1 - beta2 ** step) ** 0.5)
        arrays = (as_real(param._data), as_real(grads[i]._data), as_real(exp_avgs[i]._data),
                  as_real(exp_avg_sqs[i]._data),
                  None if max_sq is None else as_real(max_sq._data))
        if arrays[0].size <= A.CHUNK:
            _adam_update(*arrays, hyper)
        else:
            for parts in A.chunks(*arrays):
                _adam_update(*parts, hyper)
        # one bump per in-place op of torch's: exp_avg_sq.mul_().addcmul_() is two, as is
        # param.mul_() before param.addcdiv_()
        _bump(param, exp_avgs[i], exp_avg_sqs[i], exp_avg_sqs[i], max_sq)
        if decoupled_weight_decay and weight_decay != 0:
            param._bump_version()


def _adam_update(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, hyper):
    """One parameter's (or chunk's) step: torch's _single_tensor_adam, not capturable."""
    xp = _cpu_xp if type(param) is _ndarray else _xp_of(param)
    (beta1, beta2, lr, weight_decay, eps, maximize, decoupled_weight_decay, step_size,
     bias_correction2_sqrt) = hyper
    if maximize:
        grad = -grad
    if weight_decay != 0:
        if decoupled_weight_decay:
            param *= 1 - lr * weight_decay
        else:
            grad = A.added(grad, param, weight_decay, A.work(grad, "decayed"))
    A.lerp_(exp_avg, grad, 1 - beta1)
    exp_avg_sq *= beta2
    A.addcmul_(exp_avg_sq, grad, grad, 1 - beta2)
    if max_exp_avg_sq is not None:
        xp.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        exp_avg_sq = max_exp_avg_sq
    denom = xp.sqrt(exp_avg_sq, out=A.work(exp_avg_sq, "denom"))
    denom /= bias_correction2_sqrt
    denom += eps
    A.addcdiv_(param, exp_avg, denom, -step_size)
