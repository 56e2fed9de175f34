"""Gradient clipping: by total norm and by value, in place on each `.grad`."""
from ..._dtype import float32
from ..._ops._core import xp_of as _xp_of
from ..._ops.creation import zeros
from ..._tensor import Tensor, _wrap

__all__ = [
    "clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_",
    "get_total_norm",
]


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p._grad for p in parameters if p._grad is not None]


def _vector_norm(a, norm_type):
    xp = _xp_of(a)
    if norm_type == float("inf"):
        return xp.abs(a).max() if a.size else a.dtype.type(0)
    if norm_type == float("-inf"):
        return xp.abs(a).min()
    if norm_type == 0:
        return a.dtype.type(xp.count_nonzero(a))
    if norm_type == 2:
        return xp.sqrt(xp.vdot(a.ravel(), a.ravel()).real)
    if norm_type == 1:
        return xp.abs(a).sum()
    return (xp.abs(a) ** norm_type).sum() ** (1.0 / norm_type)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The norm of the per-tensor norms (torch.linalg.vector_norm of them, stacked)."""
    xp = _xp_of(tensors)
    if isinstance(tensors, Tensor):
        tensors = [tensors]
    tensors = [t._data for t in tensors]
    norm_type = float(norm_type)
    if not tensors:
        return zeros((), dtype=float32)
    dtype = tensors[0].dtype
    norms = xp.asarray([_vector_norm(a, norm_type) for a in tensors], dtype=dtype)
    total = xp.asarray(_vector_norm(norms, norm_type), dtype=dtype)
    if error_if_nonfinite and not xp.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from "
                           "`parameters` is non-finite, so it cannot be clipped. To disable "
                           "this error and scale the gradients by the non-finite norm anyway, "
                           "set `error_if_nonfinite=False`")
    return _wrap(total)


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    grads = _grads(parameters)
    if not grads:
        return
    total = total_norm._data if isinstance(total_norm, Tensor) else total_norm
    coef = min(float(max_norm) / (float(total) + 1e-6), 1.0)
    for g in grads:
        # torch multiplies even by a coefficient of 1 (clamped), leaving values unchanged
        a = g._data
        g._xp.multiply(a, a.dtype.type(coef), out=a)
        g._bump_version()


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    """Scale the gradients so that their total norm is at most max_norm; return the norm
    they had."""
    if not isinstance(parameters, Tensor):
        parameters = list(parameters)
    grads = _grads(parameters)
    max_norm = float(max_norm)
    if not grads:
        return zeros((), dtype=float32)
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                   foreach=None):
    import warnings
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`torch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    clip_value = float(clip_value)
    for g in _grads(parameters):
        a = g._data
        g._xp.clip(a, a.dtype.type(-clip_value), a.dtype.type(clip_value), out=a)
        g._bump_version()
