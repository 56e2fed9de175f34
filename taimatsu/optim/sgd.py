"""SGD: stochastic gradient descent, optionally with (Nesterov) momentum."""
from . import _arith as A
from .optimizer import (
    Optimizer,
    _check_tensor_lr,
    _zeros_like,
)

__all__ = ["SGD", "sgd"]


class SGD(Optimizer):
    """Implements stochastic gradient descent (optionally with momentum)."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None, differentiable=False,
                 fused=None):
        _check_tensor_lr(lr)
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize,
                    "foreach": foreach, "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    _setstate_defaults = {"nesterov": False, "maximize": False, "foreach": None,
                          "differentiable": False, "fused": False}


    def _update(self, group, params, grads):
        # only momentum has state (torch keeps no entry for a parameter without it)
        uses_momentum = group["momentum"] != 0
        buffers = [self.state[p].get("momentum_buffer") for p in params] \
            if uses_momentum else []
        sgd(params, grads, buffers, weight_decay=group["weight_decay"],
            momentum=group["momentum"], lr=group["lr"], dampening=group["dampening"],
            nesterov=group["nesterov"], maximize=group["maximize"])
        if uses_momentum:
            for p, buf in zip(params, buffers):
                self.state[p]["momentum_buffer"] = buf

    step = Optimizer._step


def sgd(params, d_p_list, momentum_buffer_list, has_sparse_grad=False, foreach=None,
        fused=None, grad_scale=None, found_inf=None, *, weight_decay, momentum, lr,
        dampening, nesterov, maximize):
    """Functional SGD: updates params (and fills momentum_buffer_list) in place."""
    lr = A.scalar(lr)
    weight_decay = A.scalar(weight_decay)
    if momentum == 0 and weight_decay == 0 and not maximize:
        _plain_sgd(params, d_p_list, lr)
        return
    hyper = (weight_decay, momentum, lr, dampening, nesterov, maximize)
    as_real = A.as_real
    for i, param in enumerate(params):
        buf = None
        first = False
        if momentum != 0:
            buf = momentum_buffer_list[i]
            first = buf is None
            if first:
                buf = momentum_buffer_list[i] = _zeros_like(param)
        arrays = (as_real(param._data), as_real(d_p_list[i]._data),
                  None if buf is None else as_real(buf._data))
        if arrays[0].size <= A.CHUNK:
            _sgd_update(*arrays, first, hyper)
        else:
            for parts in A.chunks(*arrays):
                _sgd_update(*parts, first, hyper)
        param._bump_version()
        if not first and buf is not None:  # buf.mul_().add_(); a new buffer is a clone
            buf._bump_version()
            buf._bump_version()


def _plain_sgd(params, grads, lr):
    """param -= lr * grad: the common case, with the least per-parameter work."""
    for param, grad in zip(params, grads):
        data = param._data
        if data.size <= A.CHUNK and data.dtype.kind != "c":
            A.add_(data, grad._data, -lr)
        else:
            for data, grad_data in A.chunks(A.as_real(data), A.as_real(grad._data)):
                A.add_(data, grad_data, -lr)
        param._bump_version()


def _sgd_update(param, grad, buf, first, hyper):
    """One parameter's (or chunk's) step: torch's _single_tensor_sgd; `first`: buf is new."""
    weight_decay, momentum, lr, dampening, nesterov, maximize = hyper
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = A.added(grad, param, weight_decay, A.work(grad, "decayed"))
    if momentum != 0:
        if first:
            buf[...] = grad
        else:
            buf *= momentum
            A.add_(buf, grad, 1 - dampening)
        if nesterov:
            grad = A.added(grad, buf, momentum, A.work(grad, "nesterov"))
        else:
            grad = buf
    A.add_(param, grad, -lr)
