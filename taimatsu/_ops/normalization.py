"""Batch, layer and group normalisation: their records (NativeBatchNormBackward0 ...)
and the functions that run them; `nn.functional` exports them."""
from ..autograd.grad_mode import GradMode, no_grad
from . import _layout
from ._core import Op, apply, not_differentiable
from .activation import _new


# batch, layer and group norm share one backward: with x̂ = (x - mean) * invstd over the
# normalised axes and g = grad * weight,
#     dx = invstd * (g - mean(g) - x̂ * mean(g * x̂)),
# dweight = sum(grad * x̂), dbias = sum(grad) over the axes the parameters broadcast along.
# When a graph of the backward is being built (double backward), mean and invstd are
# recomputed from the input with tensor ops, so that their own dependence on it is recorded.

class _NormBackward(Op):
    """Normalise the input over `axes` of its stats view (`stats_shape`, None: the input's
    own shape) with its own statistics, or with given ones (`mean`, `var`: the running
    statistics, broadcasting against the stats view), then apply weight and bias
    (broadcast as `param_shape`).  The forward returns (out, mean, invstd, var), mean
    broadcast as invstd: torch's (out, save_mean, save_invstd), and the variance for the
    running statistics.  The result is contiguous, or channels-last for such an input
    where `channels_last` (torch's batch_norm and group_norm keep that format, layer_norm
    does not)."""

    args = ("self", "weight", "bias", "mean", "var")
    nondifferentiable = ("mean", "var")
    differentiable_outputs = (True, False, False, False)
    saves = ("self", "weight", "result1", "result2")

    @staticmethod
    def forward(xp, a, w, b, mean, var, stats_shape, axes, param_shape, param_axes, eps,
                use_input_stats, channels_last, bias_shape):
        x = a if stats_shape is None else a.reshape(stats_shape)
        if use_input_stats:
            mean = x.mean(axes, keepdims=True)
            centred = x - mean
            var = xp.square(centred).mean(axes, keepdims=True)
        else:
            mean = mean.reshape(param_shape).astype(a.dtype, copy=False)
            var = var.reshape(param_shape).astype(a.dtype, copy=False)
            centred = x - mean
        invstd = 1 / xp.sqrt(var + x.dtype.type(eps))
        out = centred * invstd
        if stats_shape is not None:
            out = out.reshape(a.shape)
        if w is not None:
            out *= w.reshape(param_shape)
        if b is not None:
            out += b.reshape(param_shape)
        out = out.astype(a.dtype, copy=False)
        if channels_last:
            out = _layout.suggested(out, a)
        else:
            out = _layout.contiguous_unless(out, a)
        return out, xp.broadcast_to(mean, invstd.shape), invstd, var

    def backward(self, grads):
        grad = grads[0]
        input, weight, mean, invstd = self.saved()
        use_input_stats = self.use_input_stats
        x = input if self.stats_shape is None else input.reshape(self.stats_shape)
        if use_input_stats and GradMode.enabled:
            mean = x.mean(self.axes, keepdim=True)
            invstd = ((x - mean).square().mean(self.axes, keepdim=True) + self.eps).rsqrt()
        xhat = (x - mean) * invstd
        grad_in = grad_w = grad_b = None
        if self._next[0] is not None:
            g = grad if weight is None else grad * weight.reshape(self.param_shape)
            if self.stats_shape is not None:
                g = g.reshape(self.stats_shape)
            if use_input_stats:
                g = g - g.mean(self.axes, keepdim=True) - xhat * (g * xhat).mean(self.axes,
                                                                              keepdim=True)
            grad_in = (g * invstd).reshape(input.shape)
        if weight is not None and self._next[1] is not None:
            grad_w = (grad * xhat.reshape(input.shape)).sum(self.param_axes)
            grad_w = grad_w.reshape(weight.shape)
        if self._next[2] is not None:
            grad_b = grad.sum(self.param_axes).reshape(self.bias_shape)
        return grad_in, grad_w, grad_b


class NativeBatchNormBackward0(_NormBackward):
    pass


class NativeLayerNormBackward0(_NormBackward):
    pass


class NativeGroupNormBackward0(_NormBackward):
    pass


def _normalize(node_cls, input, stats, param_shape, param_axes, weight, bias, eps,
               running=(None, None), channels_last=False):
    """The record `node_cls` run: (out, mean, invstd, var); see _NormBackward."""
    stats_shape, axes = stats
    return apply(node_cls, input, weight, bias, *running, stats_shape=stats_shape, axes=axes,
                 param_shape=param_shape, param_axes=param_axes, eps=eps,
                 use_input_stats=running[0] is None, channels_last=channels_last,
                 bias_shape=None if bias is None else bias.shape)


def _check_param(name, t, n):
    if t is not None and t.numel() != n:
        raise RuntimeError(f"{name} should contain {n} elements not {t.numel()}")


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    a = input._data
    if a.ndim < 2:
        raise ValueError(f"Expected 2D or more input (got {a.ndim}D input)")
    channels = a.shape[1]
    if training and a.size // channels <= 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input "
                         f"size {input.shape}")
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        _check_param(name, t, channels)
    if GradMode.enabled:
        for name, t in (("running_mean", running_mean), ("running_var", running_var)):
            if t is not None and t._requires_grad:
                raise not_differentiable("native_batch_norm", name)
    axes = (0,) + tuple(range(2, a.ndim))
    param_shape = (channels,) + (1,) * (a.ndim - 2)
    running = (None, None)
    if not training:
        if running_mean is None or running_var is None:
            raise RuntimeError("running_mean and running_var must be defined in evaluation "
                               "mode")
        running = (running_mean, running_var)
    out, mean, _, var = _normalize(NativeBatchNormBackward0, input, (None, axes), param_shape,
                                   axes, weight, bias, eps, running, channels_last=True)
    if training:
        n = a.size // channels
        with no_grad():
            mean, var = mean._data, var._data
            if running_mean is not None:
                running_mean.mul_(1 - momentum).add_(_new(mean.reshape(channels)),
                                                     alpha=momentum)
            if running_var is not None:
                unbiased = var.reshape(channels) * var.dtype.type(n / (n - 1))
                running_var.mul_(1 - momentum).add_(_new(unbiased), alpha=momentum)
    return out


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    normalized_shape = tuple(normalized_shape)
    a = input._data
    k = len(normalized_shape)
    if k == 0 or a.shape[a.ndim - k:] != normalized_shape or a.ndim < k:
        raise RuntimeError(f"Given normalized_shape={list(normalized_shape)}, expected input "
                           f"with shape [*, {', '.join(map(str, normalized_shape))}], but got "
                           f"input of size{list(input.shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != normalized_shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but "
                               f"got {name} of shape {list(t.shape)} and normalized_shape = "
                               f"{list(normalized_shape)}")
    axes = tuple(range(a.ndim - k, a.ndim))
    return _normalize(NativeLayerNormBackward0, input, (None, axes), normalized_shape,
                      tuple(range(a.ndim - k)), weight, bias, eps)[0]


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    a = input._data
    if a.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{a.ndim}")
    n, channels = a.shape[:2]
    if channels % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {input.shape} and num_groups="
                           f"{num_groups}")
    _check_param("weight", weight, channels)
    _check_param("bias", bias, channels)
    param_shape = (channels,) + (1,) * (a.ndim - 2)
    param_axes = (0,) + tuple(range(2, a.ndim))
    return _normalize(NativeGroupNormBackward0, input, ((n, num_groups, -1), (2,)),
                      param_shape, param_axes, weight, bias, eps, channels_last=True)[0]
