"""Loss functions with records of their own: mse, l1, smooth l1, huber, soft margin,
binary cross entropy (with and without logits), nll and cross entropy.

torch's native losses have nodes (MseLossBackward0, NllLossBackward0 ...): their records
live here, with the functions that run them; `nn.functional` exports them and builds
the other losses (kl_div, margin losses ...) from these and other ops.
"""
import warnings
from functools import partial
from math import prod as _prod

from .. import _dtype as D
from .._backend import cpu
from .._tensor import Tensor
from ._core import Op, apply, backend_of, binary_dtype, broadcast_error, broadcast_shapes
from ._core import xp_of as _xp_of
from .activation import _c, log_softmax, logsigmoid
from .elementwise import where

_host = cpu.xp  # host-built constants and dtypes; the cpu fast paths
_ndarray = cpu.array_type
_I64, _U8 = D.int64._np, D.uint8._np


def _float_array(input, fn):
    if not isinstance(input, Tensor):
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    a = input._data
    if a.dtype.kind not in "fc":
        raise RuntimeError(f"\"{fn}\" not implemented for '{input.dtype._legacy[:-6]}'")
    return a


# --- reductions of losses ----------------------------------------------------------------

_REDUCTIONS = ("none", "mean", "sum")


def _check_reduction(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def legacy_get_string(size_average, reduce, emit_warning=True):
    """The `reduction` meant by the deprecated size_average / reduce arguments."""
    warning = ("size_average and reduce args will be deprecated, please use reduction='{}' "
               "instead.")
    if size_average is None:
        size_average = True
    if reduce is None:
        reduce = True
    if size_average and reduce:
        ret = "mean"
    elif reduce:
        ret = "sum"
    else:
        ret = "none"
    if emit_warning:
        warnings.warn(warning.format(ret), stacklevel=2)
    return ret


def _reduction(reduction, size_average, reduce):
    if size_average is not None or reduce is not None:
        return legacy_get_string(size_average, reduce)
    _check_reduction(reduction)
    return reduction


def _reduce_array(a, reduction):
    xp = _host if type(a) is _ndarray else _xp_of(a)
    if reduction == "none":
        return a
    total = xp.add.reduce(a, axis=None)
    if reduction == "mean":
        # sum / n: ndarray.mean costs several microseconds more on small arrays
        total = total / a.dtype.type(a.size) if a.size else a.dtype.type("nan")
    return xp.asarray(total, dtype=a.dtype)


def _grad_scale(grad, reduction, n):
    """The incoming gradient as a factor of each element's local derivative."""
    if reduction == "mean":
        return grad / n
    return grad


def _warn_size(input, target, stacklevel=3):
    if target._data.shape != input._data.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input "
                      f"size ({input.shape}). This will likely lead to incorrect results due "
                      "to broadcasting. Please ensure they have the same size.",
                      stacklevel=stacklevel)


class _PointwiseLoss(Op):
    """A loss computed elementwise from (input, target) arrays in `dtype`, then reduced;
    a record names its elementwise function `pointwise(xp, x, t, **params)`."""

    args = ("self", "target")
    saves = ("self", "target")

    def __init_subclass__(cls, **kwargs):
        pointwise = cls.__dict__.get("pointwise")
        if pointwise is not None:
            cls.forward = staticmethod(partial(_pointwise_forward, pointwise.__func__))
        super().__init_subclass__(**kwargs)

    def _scale(self, grad, x, t):
        """The incoming gradient as a factor of each element's local derivative."""
        if self.reduction != "mean":
            return grad
        shape = x._data.shape
        if t._data.shape != shape:
            shape = broadcast_shapes(shape, t._data.shape)
        return grad / _prod(shape)


def _pointwise_forward(pointwise, xp, x, t, dtype, reduction, **params):
    if x.dtype != dtype:
        x = x.astype(dtype)
    if t.dtype != dtype:
        t = t.astype(dtype)
    try:
        values = pointwise(xp, x, t, **params)
    except ValueError:
        raise broadcast_error(x.shape, t.shape) from None
    return _reduce_array(values, reduction)


def _pointwise_loss(node_cls, input, target, reduction, **params):
    return apply(node_cls, input, target, dtype=binary_dtype(input, target),
                 reduction=reduction, **params)


class MseLossBackward0(_PointwiseLoss):
    @staticmethod
    def pointwise(xp, x, t):
        return xp.square(x - t)

    def backward(self, grad):
        x, t = self.saved()
        gx = (x - t) * (self._scale(grad, x, t) * 2)
        return gx, -gx if self._next[1] is not None else None


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    reduction = _reduction(reduction, size_average, reduce)
    _warn_size(input, target)
    if weight is not None:
        loss = (input - target) ** 2 * weight
        return loss if reduction == "none" else (loss.sum() if reduction == "sum"
                                                 else loss.mean())
    dt = binary_dtype(input, target)
    if dt.kind not in "fc":
        raise NotImplementedError(f"\"mse_cpu\" not implemented for "
                                  f"'{D.FROM_NUMPY[dt]._legacy[:-6]}'")
    return _pointwise_loss(MseLossBackward0, input, target, reduction)


def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.mean()


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    reduction = _reduction(reduction, size_average, reduce)
    _warn_size(input, target)
    loss = (input - target).abs()
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


class SmoothL1LossBackward0(_PointwiseLoss):
    @staticmethod
    def pointwise(xp, x, t, beta):
        d = xp.abs(x - t)
        return xp.where(d < beta, _c(d, 0.5) * d * d / _c(d, beta), d - _c(d, 0.5 * beta))

    def backward(self, grad):
        x, t = self.saved()
        d = x - t
        beta = self.beta
        local = where(d.abs() < beta, d / beta, d.sign()).to(d.dtype)
        gx = local * self._scale(grad, x, t)
        return gx, -gx if self._next[1] is not None else None


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    reduction = _reduction(reduction, size_average, reduce)
    _warn_size(input, target)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:
        return l1_loss(input, target, reduction=reduction)
    return _pointwise_loss(SmoothL1LossBackward0, input, target, reduction, beta=beta)


class HuberLossBackward0(_PointwiseLoss):
    @staticmethod
    def pointwise(xp, x, t, delta):
        d = xp.abs(x - t)
        return xp.where(d < delta, _c(d, 0.5) * d * d, _c(d, delta) * (d - _c(d, 0.5 * delta)))

    def backward(self, grad):
        x, t = self.saved()
        d = x - t
        delta = self.delta
        local = where(d.abs() <= delta, d, d.sign() * delta).to(d.dtype)
        gx = local * self._scale(grad, x, t)
        return gx, -gx if self._next[1] is not None else None


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    _check_reduction(reduction)
    _warn_size(input, target)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is not None:
        d = (input - target).abs()
        loss = where(d < delta, d * d * 0.5, (d - 0.5 * delta) * delta) * weight
        return _reduce(loss, reduction)
    return _pointwise_loss(HuberLossBackward0, input, target, reduction, delta=delta)


class SoftMarginLossBackward0(_PointwiseLoss):
    @staticmethod
    def pointwise(xp, x, t):
        return xp.logaddexp(_c(x, 0), -t * x).astype(x.dtype)

    def backward(self, grad):
        if self._next[1] is not None:
            raise RuntimeError("The function 'soft_margin_loss' is not differentiable with "
                               "respect to argument 'target'. This input cannot have "
                               "requires_grad True.")
        x, y = self.saved()
        return -y * (-y * x).sigmoid() * self._scale(grad, x, y), None


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input "
                         f"size ({input.shape}) is deprecated. Please ensure they have the same "
                         "size.")
    return _pointwise_loss(SoftMarginLossBackward0, input, target, reduction)


# --- binary cross entropy -----------------------------------------------------------------

_BCE_EPS = 1e-12


class BinaryCrossEntropyBackward0(Op):
    args = ("self", "target", "weight")
    nondifferentiable = ("weight",)
    aten = "binary_cross_entropy"
    saves = ("self", "target", "weight")

    @staticmethod
    def forward(xp, x, t, w, reduction):
        if t.dtype != x.dtype:
            t = t.astype(x.dtype)
        if not xp.all((x >= 0) & (x <= 1)):
            raise RuntimeError("all elements of input should be between 0 and 1")
        with xp.errstate(divide="ignore"):
            log_x = xp.maximum(xp.log(x), _c(x, -100))
            log_1mx = xp.maximum(xp.log1p(-x), _c(x, -100))
        pointwise = -(t * log_x + (1 - t) * log_1mx)
        if w is not None:
            pointwise = pointwise * w.astype(x.dtype, copy=False)
        return _reduce_array(pointwise.astype(x.dtype, copy=False), reduction)

    def backward(self, grad):
        x, t, w = self.saved()
        scale = _grad_scale(grad, self.reduction, x.numel())
        if w is not None:
            scale = scale * w
        gx = gt = None
        if self._next[0] is not None:
            denom = (1 - x) * x
            denom = where(denom > _BCE_EPS, denom, _BCE_EPS).to(x.dtype)
            gx = (x - t) / denom * scale
        if self._next[1] is not None:
            gt = ((1 - x).log() - x.log()) * scale
        return gx, gt


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    backend_of(input, target, weight)  # the device check comes first, as torch's
    reduction = _reduction(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input "
                         f"size ({input.shape}) is deprecated. Please ensure they have the same "
                         "size.")
    _float_array(input, "binary_cross_entropy")
    return apply(BinaryCrossEntropyBackward0, input, target, weight, reduction=reduction)


class BinaryCrossEntropyWithLogitsBackward0(Op):
    args = ("self", "target", "weight", "pos_weight")
    nondifferentiable = ("weight", "pos_weight")
    aten = "binary_cross_entropy_with_logits"
    saves = ("self", "target", "weight", "pos_weight")

    @staticmethod
    def forward(xp, x, t, w, pw, reduction):
        if t.dtype != x.dtype:
            t = t.astype(x.dtype)
        # log(1 + exp(-|x|)) + max(-x, 0) is -log(sigmoid(x)) without overflow (exp of a
        # non-positive number cannot overflow); -|x| as min(x, -x) and in place, which
        # saves numpy calls that cost more than the arithmetic on a batch
        neg = xp.negative(x)
        log_sig_neg = xp.minimum(x, neg)
        xp.exp(log_sig_neg, out=log_sig_neg)
        xp.log1p(log_sig_neg, out=log_sig_neg)
        log_sig_neg += xp.maximum(neg, _c(x, 0))
        if pw is None:
            pointwise = xp.subtract(1, t)
            pointwise *= x
            pointwise += log_sig_neg
        else:
            pw = pw.astype(x.dtype, copy=False)
            pointwise = (1 - t) * x + (1 + (pw - 1) * t) * log_sig_neg
        if w is not None:
            pointwise = pointwise * w.astype(x.dtype, copy=False)
        return _reduce_array(pointwise.astype(x.dtype, copy=False), reduction)

    def backward(self, grad):
        x, t, w, pw = self.saved()
        scale = _grad_scale(grad, self.reduction, x.numel())
        if w is not None:
            scale = scale * w
        gx = gt = None
        if self._next[0] is not None:
            if pw is None:
                gx = (x.sigmoid() - t) * scale
            else:
                pt = pw * t
                gx = ((pt + 1 - t) * x.sigmoid() - pt) * scale
        if self._next[1] is not None:
            if pw is None:
                gt = -x * scale
            else:
                gt = (logsigmoid(-x) - pw * logsigmoid(x)) * scale
        return gx, gt


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    reduction = _reduction(reduction, size_average, reduce)
    if target._data.shape != input._data.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    _float_array(input, "binary_cross_entropy_with_logits")
    if target._data.dtype.kind not in "fc":
        raise RuntimeError(f"result type {input.dtype._legacy[:-6]} can't be cast to the "
                           f"desired output type {target.dtype._legacy[:-6]}")
    return apply(BinaryCrossEntropyWithLogitsBackward0, input, target, weight, pos_weight,
                 reduction=reduction)


# --- negative log likelihood and cross entropy --------------------------------------------

class NllLossBackward0(Op):
    """torch's nll_loss_forward: (loss, total_weight); the backward reads the target, the
    weight and the total weight, as torch's."""

    args = ("self", "target", "weight")
    nondifferentiable = ("target", "weight")
    aten = "nll_loss_forward"
    # (loss, total_weight) as torch's, and each element's class and weight, which the
    # backward reads rather than finding them again
    differentiable_outputs = (True, False, False, False)
    saves = ("result1", "result2", "result3")

    @staticmethod
    def forward(xp, x, target, weight, reduction, ignore_index, shape):
        safe, w = _class_targets(xp, x, target, weight, ignore_index)
        if x.ndim == 1:
            picked = x[safe]
        else:
            picked = xp.take_along_axis(x, xp.expand_dims(safe, 1), axis=1).squeeze(1)
        losses = -picked * w
        total_weight = w.sum()
        if reduction == "none":
            r = losses
        elif reduction == "sum":
            r = xp.asarray(losses.sum(), dtype=x.dtype)
        else:
            with xp.errstate(invalid="ignore", divide="ignore"):
                r = xp.asarray(losses.sum() / total_weight, dtype=x.dtype)
        return r, xp.asarray(total_weight, dtype=x.dtype), safe, w

    def backward(self, grads):
        grad = grads[0]
        total_weight, safe, w = self.saved()
        coefficients = apply(_NllCoefficients, safe, w, shape=self.shape)
        if self.reduction == "none":
            grad = grad.unsqueeze(1 if len(self.shape) > 1 else 0)
        elif self.reduction == "mean":
            # divided by the total weight (in the loss's dtype, as torch's kernel does)
            grad = grad / total_weight
        return (grad * coefficients,)


class _NllCoefficients(Op):
    """d loss_i / d x[i, c] of nll_loss: -w_i at c = target_i and 0 elsewhere (from each
    element's class and weight, which never require grad: never recorded)."""

    args = ("target", "weight")

    @staticmethod
    def forward(xp, safe, w, shape):
        coefficients = xp.zeros(shape, dtype=w.dtype)
        if len(shape) == 1:
            coefficients[safe] = -w
        else:
            xp.put_along_axis(coefficients, xp.expand_dims(safe, 1), xp.expand_dims(-w, 1),
                              axis=1)
        return coefficients


class NllLoss2DBackward0(NllLossBackward0):
    pass


def _class_targets(xp, x, t, weight, ignore_index):
    """Per-element class index and weight (0 where ignored) for input `x` (N, C, ...)."""
    ignored = t == ignore_index
    safe = xp.where(ignored, 0, t)
    n_classes = x.shape[1] if x.ndim > 1 else x.shape[0]
    bad = (safe < 0) | (safe >= n_classes)
    if bad.any():
        raise IndexError(f"Target {int(t[bad].flat[0])} is out of bounds.")
    w = weight[safe] if weight is not None else xp.ones(safe.shape, dtype=x.dtype)
    return safe, xp.where(ignored, _c(w, 0), w).astype(x.dtype, copy=False)


def _check_nll_shapes(input, target, weight):
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    if input.dim() == 1:
        if target.dim() != 0:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    elif target.dim() > 1 and input.dim() == 2:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input.dim() >= 2 and input.shape[0] != target.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         f"batch_size ({target.shape[0]}).")
    if input.dim() > 2 and tuple(target.shape[1:]) != tuple(input.shape[2:]):
        raise RuntimeError(f"size mismatch (got input: {list(input.shape)}, "
                           f"target: {list(target.shape)})")
    n_classes = input.shape[1] if input.dim() > 1 else input.shape[0]
    if weight is not None and weight.numel() != n_classes:
        raise RuntimeError(f"weight tensor should be defined either for all {n_classes} "
                           f"classes or no classes but got weight tensor of shape: "
                           f"{list(weight.shape)}")


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    reduction = _reduction(reduction, size_average, reduce)
    _check_nll_shapes(input, target, weight)
    x = _float_array(input, "nll_loss_forward_reduce_cuda_kernel_2d_index")
    if target._data.dtype not in (_I64, _U8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{target.dtype._legacy[:-6]}")
    node_cls = NllLoss2DBackward0 if x.ndim == 4 else NllLossBackward0
    return apply(node_cls, input, target, weight, reduction=reduction,
                 ignore_index=ignore_index, shape=x.shape)[0]


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    reduction = _reduction(reduction, size_average, reduce)
    if label_smoothing < 0.0 or label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing}")
    class_dim = 0 if input.dim() == 1 else 1
    log_probs = log_softmax(input, class_dim)
    if input.shape == target.shape:
        return _cross_entropy_probs(input, log_probs, target, weight, reduction,
                                    label_smoothing, class_dim)
    nll = nll_loss(log_probs, target, weight, None, ignore_index, None, reduction)
    if label_smoothing == 0.0:
        return nll
    n_classes = input.shape[class_dim]
    ignore_mask = target == ignore_index
    if weight is not None:
        shape = [1] * input.dim()
        shape[class_dim] = n_classes
        smooth = -(log_probs * weight.reshape(shape)).sum(class_dim)
    else:
        smooth = -log_probs.sum(class_dim)
    smooth = where(ignore_mask, 0.0, smooth).to(smooth.dtype)
    if reduction == "mean":
        if weight is not None:
            kept = target._data[~ignore_mask._data]
            smooth = smooth.sum() / float(weight._data[kept].sum())
        else:
            smooth = smooth.sum() / float((~ignore_mask._data).sum())
    elif reduction == "sum":
        smooth = smooth.sum()
    return nll * (1 - label_smoothing) + smooth * (label_smoothing / n_classes)


def _cross_entropy_probs(input, log_probs, target, weight, reduction, label_smoothing,
                         class_dim):
    if not target.is_floating_point():
        raise RuntimeError("Expected floating point type for target with class probabilities, "
                           f"got {target.dtype._legacy[:-6]}")
    n_classes = input.shape[class_dim]
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    if weight is not None:
        shape = [1] * input.dim()
        shape[class_dim] = n_classes
        log_probs = log_probs * weight.reshape(shape)
    if reduction == "none":
        return -(log_probs * target).sum(class_dim)
    if reduction == "sum":
        return -(log_probs * target).sum()
    return -(log_probs * target).sum() / (input.numel() / n_classes)
