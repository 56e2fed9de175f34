"""torch.nn.functional: activations, losses, linear layers, dropout.

Ops that are native in torch (and so have a node of their own there: ReluBackward0,
SoftmaxBackward0, BinaryCrossEntropyBackward0 ...) are node classes here too: the
forward on arrays, the backward with taimatsu tensor ops (so that gradients of
gradients work).  Ops that torch builds from others (softsign, l1_loss, kl_div ...)
are built from the same others here, so that their grad_fn names match.
"""
import math
import warnings

import taimatsu as T

from .. import _dtype as D
from .._backend import cpu
from .._ops._core import Op, apply, backend_of, not_differentiable
from .._ops._core import xp_of as _xp_of
from .._ops import activation as _activation
# the activations: records and functions are _ops/activation's (torch.selu is F.selu)
from .._ops.activation import (celu, celu_, elu, elu_, gelu, glu, hardshrink, hardsigmoid,  # noqa: F401
                               hardswish, hardtanh, hardtanh_, leaky_relu, leaky_relu_,  # noqa: F401
                               log_softmax, logsigmoid, mish, prelu, relu, relu6, relu_, rrelu_,  # noqa: F401
                               selu, selu_, sigmoid, silu, softmax, softmin, softplus,  # noqa: F401
                               softshrink, softsign, tanh, tanhshrink, threshold, threshold_)  # noqa: F401
from .._ops.activation import _c, _new
from .._ops.shape import constant_pad_nd, pad_pairs
# the losses with records of their own are _ops/loss's
from .._ops.loss import (binary_cross_entropy, binary_cross_entropy_with_logits,  # noqa: F401
                         cross_entropy, huber_loss, l1_loss, legacy_get_string,  # noqa: F401
                         mse_loss, nll_loss, smooth_l1_loss, soft_margin_loss)  # noqa: F401
from .._ops.loss import _check_reduction, _reduce, _reduction
from .._ops.normalization import batch_norm, group_norm, layer_norm  # noqa: F401
from .._tensor import Tensor, _wrap

_new_object = object.__new__
_host = cpu.xp  # host-built constants and dtypes; the cpu fast paths
_ndarray = cpu.array_type
_I64, _U8, _F32, _F64 = D.int64._np, D.uint8._np, D.float32._np, D.float64._np
_F32T = _F32.type


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    if inplace:
        return rrelu_(input, lower, upper, training)
    return _activation.rrelu(input, lower, upper, training)


# =========================================================================================
# linear layers and dropout

def linear(input, weight, bias=None):
    # decomposed as aten's linear is, so that grad_fn names match: addmm for 2-D input,
    # addmm on the flattened input for contiguous N-d input, matmul then add otherwise
    if bias is not None:
        ndim = input._data.ndim
        if ndim == 2:
            return T.addmm(bias, input, weight.t())
        if input._data.flags.c_contiguous and bias._data.ndim == 1:
            shape = input._data.shape
            flat = input.reshape(math.prod(shape[:-1]), shape[-1])
            out = T.addmm(bias, flat, weight.t())
            return out.view(*shape[:-1], out.shape[1])
    out = T.matmul(input, weight.t())
    if bias is not None:
        out = out + bias
    return out


def bilinear(input1, input2, weight, bias=None):
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got "
                           f"{list(input1.shape[:-1])} and {list(input2.shape[:-1])}")
    if input1.shape[-1] != weight.shape[1]:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got "
                           f"{input1.shape[-1]} but expected {weight.shape[1]}")
    if input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got "
                           f"{input2.shape[-1]} but expected {weight.shape[2]}")
    # y_k = x1^T W_k x2 + b_k, as (x1 W_k) . x2 summed over the last dim
    left = T.matmul(input1.unsqueeze(-2).unsqueeze(-3), weight)   # (..., out, 1, in2)
    out = (left.squeeze(-2) * input2.unsqueeze(-2)).sum(-1)
    if bias is not None:
        out = out + bias
    return out


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    if not training or p == 0:
        return input
    from .._ops.random import bernoulli_
    if p == 1:
        noise = T.zeros_like(input)
    else:
        noise = bernoulli_(T.empty_like(input), 1 - p)
        noise._data /= noise._data.dtype.type(1 - p)
    if inplace:
        return input.mul_(noise)
    return input * noise


def _feature_dropout(input, p, training, inplace, batched_dim):
    _check_p(p)
    if not training or p == 0:
        return input
    from .._ops.random import bernoulli_
    shape = list(input.shape[:batched_dim]) + [1] * (input.dim() - batched_dim)
    noise = T.empty(shape, dtype=input.dtype)
    if p == 1:
        noise._data[...] = 0
    else:
        bernoulli_(noise, 1 - p)
        noise._data /= noise._data.dtype.type(1 - p)
    if inplace:
        return input.mul_(noise)
    return input * noise


def dropout1d(input, p=0.5, training=True, inplace=False):
    if input.dim() not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a "
                           f"{input.dim()}D input. Note that dropout1d exists to provide "
                           "channel-wise dropout on inputs with 1 spatial dimension, a channel "
                           "dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _feature_dropout(input, p, training, inplace, input.dim() - 1)


def dropout2d(input, p=0.5, training=True, inplace=False):
    # a 3-D input is one unbatched (C, H, W) sample
    return _feature_dropout(input, p, training, inplace, 1 if input.dim() == 3 else 2)


def dropout3d(input, p=0.5, training=True, inplace=False):
    return _feature_dropout(input, p, training, inplace, 1 if input.dim() == 4 else 2)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    _check_p(p)
    if not training or p == 0:
        return input
    from .._ops.random import bernoulli_
    alpha = 1.7580993408473766
    keep = bernoulli_(T.empty_like(input), 1 - p)
    a = ((1 - p) * (1 + p * alpha ** 2)) ** -0.5
    b = keep.add(-1).mul_(alpha * a).add_(alpha * a * p)
    keep.mul_(a)
    return input * keep + b


# =========================================================================================
# losses: the native ones (records of their own) are _ops/loss's

# --- other losses -------------------------------------------------------------------------

def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns "
                      "with the KL div math definition.'mean' will be changed to behave the "
                      "same as 'batchmean' in the next major release.", stacklevel=2)
    if reduction not in ("none", "mean", "sum", "batchmean"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = _xlogy_self(target) - target * input
    if reduction == "batchmean":
        total = loss.sum()
        return total / input.shape[0] if input.dim() != 0 else total
    return _reduce(loss, reduction)


def _xlogy_self(t):
    """t * log(t), 0 where t == 0."""
    xp = _xp_of(t)
    if not t._requires_grad:
        a = t._data
        with xp.errstate(divide="ignore", invalid="ignore"):
            r = xp.where(a == 0, _c(a, 0), a * xp.log(a))
        return _new(r.astype(a.dtype, copy=False))
    safe = T.where(t == 0, 1.0, t).to(t.dtype)
    return t * safe.log()


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    reduction = _reduction(reduction, size_average, reduce)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + (target * (2 * math.pi)).log() * 0.5
        loss = loss + T.where(target > 1, stirling, 0.0).to(loss.dtype)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    xp = _xp_of(input)
    if isinstance(var, (int, float)):
        var = T.full_like(input, float(var)) if hasattr(T, "full_like") else input * 0 + var
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)
        elif input.shape[:-1] == var.shape[:-1] and var.shape[-1] == 1:
            pass
        else:
            raise ValueError("var is of incorrect size")
    _check_reduction(reduction)
    if (var._data < 0).any():
        raise ValueError("var has negative entry/entries")
    # clamped without a gradient, as torch does, so that tiny variances stay stable
    var = var.clone()
    xp.maximum(var._data, eps, out=var._data)
    loss = (var.log() + (input - target) ** 2 / var) * 0.5
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def _clamp_min0(t):
    # torch's clamp_min_(0): unlike relu's, its gradient has no graph of its own
    return t.clamp_min(0)


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    reduction = _reduction(reduction, size_average, reduce)
    targ_dim = input1.dim() - 1
    eps = 1e-12
    prod_sum = (input1 * input2).sum(targ_dim)
    mag_square1 = (input1 * input1).sum(targ_dim) + eps
    mag_square2 = (input2 * input2).sum(targ_dim) + eps
    cos = prod_sum / (mag_square1 * mag_square2).sqrt()
    pos = 1 - cos
    neg = _clamp_min0(cos - margin)
    zeros = cos * 0
    output = T.where(target == 1, pos, zeros) + T.where(target == -1, neg, zeros)
    return _reduce(output, reduction)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    reduction = _reduction(reduction, size_average, reduce)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension "
                           f"but got sizes: input1: {input1.shape}, input2: {input2.shape}, "
                           f"target: {target.shape} ")
    return _reduce(_clamp_min0(-target * (input1 - input2) + margin), reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    reduction = _reduction(reduction, size_average, reduce)
    zeros = input * 0
    margin_clamp = _clamp_min0(margin - input)
    output = T.where(target != 1, margin_clamp, zeros) + T.where(target != -1, input, zeros)
    return _reduce(output, reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    reduction = _reduction(reduction, size_average, reduce)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    loss = loss.sum(dim=class_dim) / input.shape[class_dim]
    return _reduce(loss, reduction)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    diff = x1 - x2 + eps
    if p == 2:
        return (diff * diff).sum(-1, keepdim=keepdim).sqrt()
    if p == 1:
        return diff.abs().sum(-1, keepdim=keepdim)
    return diff.abs().pow(p).sum(-1, keepdim=keepdim).pow(1.0 / p)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(reduction, size_average, reduce)
    dims = (anchor.dim(), positive.dim(), negative.dim())
    if len(set(dims)) != 1:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have "
                           f"the same number of dimensions, but got: anchor {dims[0]}D, "
                           f"positive {dims[1]}D, and negative {dims[2]}D inputs")
    dist_pos = pairwise_distance(anchor, positive, p, eps)
    dist_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        dist_swap = pairwise_distance(positive, negative, p, eps)
        dist_neg = T.where(dist_swap < dist_neg, dist_swap, dist_neg)
    return _reduce(_clamp_min0(dist_pos - dist_neg + margin), reduction)


# =========================================================================================
# utilities

def one_hot(tensor, num_classes=-1):
    xp = _xp_of(tensor)
    a = tensor._data
    if a.dtype != _I64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        num_classes = int(a.max()) + 1 if a.size else 0
    if a.size and (a.min() < 0):
        raise RuntimeError("Class values must be non-negative.")
    if a.size and a.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = xp.zeros(a.shape + (num_classes,), dtype=_I64)
    xp.put_along_axis(out, a[..., None], 1, axis=-1)
    return _wrap(out)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    if p == 2:
        norm = (input * input).sum(dim, keepdim=True).sqrt()
    else:
        norm = input.norm(p, dim, keepdim=True)  # (p = 0 counts, p = inf takes the max)
    denom = T.where(norm > eps, norm, eps).to(norm.dtype)
    return input / denom.expand_as(input)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    w12 = (x1 * x2).sum(dim)
    n1 = (x1 * x1).sum(dim).sqrt()
    n2 = (x2 * x2).sum(dim).sqrt()
    n1 = T.where(n1 > eps, n1, eps).to(n1.dtype)
    n2 = T.where(n2 > eps, n2, eps).to(n2.dtype)
    return w12 / (n1 * n2)



# =========================================================================================
# convolution and pooling (the primitives are in _ops/nn.py)

def _ntuple(value, n, name="value"):
    if isinstance(value, int):
        return (value,) * n
    value = tuple(value)
    if len(value) == 1:
        return value * n
    if len(value) != n:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} "
                           f"values to match the convolution dimensions, but got "
                           f"{name}={list(value)}")
    return value


def _batched(input, nd, fn):
    """input with a batch dimension, and whether one was added (unbatched input)."""
    if input.dim() == nd + 1:
        return input.unsqueeze(0), True
    if input.dim() != nd + 2:
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to "
                           f"{fn}, but got input of size: {list(input.shape)}")
    return input, False


def _conv_pads(padding, kernel, dilation, stride, nd):
    if isinstance(padding, str):
        if padding == "valid":
            return [(0, 0)] * nd
        if padding != "same":
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        # torch pads the odd extra element on the right
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return [(t // 2, t - t // 2) for t in totals]
    return [(p, p) for p in _ntuple(padding, nd, "padding")]


def _conv_weight(weight, x, nd):
    """The weight's array, with torch's message when it has the wrong number of dims."""
    w = weight._data
    if w.ndim != nd + 2:
        raise RuntimeError("weight should have at least three dimensions" if w.ndim < 3 else
                           f"Expected {nd + 2}-dimensional weight for {nd + 2}-dimensional "
                           f"input {list(x.shape)}, but got weight of size {list(w.shape)}")
    return w


def _convnd(nd, input, weight, bias, stride, padding, dilation, groups):
    from .._ops import nn as ops
    name = f"conv{nd}d"
    backend_of(input, weight, bias)  # torch's error for tensors on different devices
    x, unbatched = _batched(input, nd, name)
    w = _conv_weight(weight, x, nd)
    if x.shape[1] != w.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(w.shape)}, expected "
                           f"input{list(x.shape)} to have {w.shape[1] * groups} channels, but "
                           f"got {x.shape[1]} channels instead")
    if x._data.dtype != w.dtype or (bias is not None and bias._data.dtype != w.dtype):
        raise RuntimeError(f"Input type ({x.dtype._legacy[:-6]}) and weight type "
                           f"({weight.dtype._legacy[:-6]}) should be the same")
    stride = _ntuple(stride, nd, "stride")
    dilation = _ntuple(dilation, nd, "dilation")
    kernel = w.shape[2:]
    pads = _conv_pads(padding, kernel, dilation, stride, nd)
    spatial = x.shape[2:]
    padded = [n + lo + hi for n, (lo, hi) in zip(spatial, pads)]
    effective = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    if any(p < e for p, e in zip(padded, effective)):
        raise RuntimeError(f"Calculated padded input size per channel: "
                           f"({' x '.join(map(str, padded))}). Kernel size: "
                           f"({' x '.join(map(str, effective))}). Kernel size can't be greater "
                           f"than actual input size")
    geo = ops._Geometry(spatial, kernel, stride, dilation, pads)
    out = ops.convolution(x, weight, bias, geo, groups)
    return out.squeeze(0) if unbatched else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _convnd(1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _convnd(2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _convnd(3, input, weight, bias, stride, padding, dilation, groups)


def _conv_transposend(nd, input, weight, bias, stride, padding, output_padding, groups,
                      dilation):
    from .._ops import nn as ops
    name = f"conv_transpose{nd}d"
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    x, unbatched = _batched(input, nd, name)
    w = _conv_weight(weight, x, nd)
    stride = _ntuple(stride, nd, "stride")
    padding = _ntuple(padding, nd, "padding")
    output_padding = _ntuple(output_padding, nd, "output_padding")
    dilation = _ntuple(dilation, nd, "dilation")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if w.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{list(w.shape)}] instead")
    if x.shape[1] != w.shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {list(w.shape)}, expected "
                           f"input{list(x.shape)} to have {w.shape[0]} channels, but got "
                           f"{x.shape[1]} channels instead")
    out_channels = w.shape[1] * groups
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise RuntimeError(f"Given transposed=1, weight of size {list(w.shape)}, expected bias "
                           f"to be 1-dimensional with {out_channels} elements, but got bias of "
                           f"size {list(bias.shape)} instead")
    for t in (weight, bias):
        if t is not None and t._data.dtype != x._data.dtype:
            raise RuntimeError(f"expected scalar type {x.dtype._legacy[:-6]} but found "
                               f"{t.dtype._legacy[:-6]}")
    kernel = w.shape[2:]
    spatial = tuple(x.shape[2:])
    # torch checks (and words) a 1-d transposed convolution as a 2-d one of height 1
    pad1 = (lambda v, one: (one,) + tuple(v)) if nd == 1 else (lambda v, one: tuple(v))
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        dims = ("depth", "height", "width")[-max(nd, 2):]
        parts = [f"{label}_{dim}: {v}" for label, values in
                 (("output_padding", pad1(output_padding, 0)), ("stride", pad1(stride, 1)),
                  ("dilation", pad1(dilation, 1))) for dim, v in zip(dims, values)]
        raise RuntimeError("output padding must be smaller than either stride or dilation, "
                           f"but got {' '.join(parts)}")
    out_spatial = [(n - 1) * s - 2 * p + d * (k - 1) + op + 1 for n, s, p, d, k, op
                   in zip(spatial, stride, padding, dilation, kernel, output_padding)]
    if any(n <= 0 for n in out_spatial):
        raise RuntimeError(
            f"Given input size per channel: ({' x '.join(map(str, pad1(spatial, 1)))}). "
            f"Calculated output size per channel: "
            f"({' x '.join(map(str, pad1(out_spatial, 1)))}). Output size is too small")
    geo = ops._Geometry(out_spatial, kernel, stride, dilation, [(p, p) for p in padding])
    # the windows of the output that the input's positions feed: exactly the input's
    # size, also where output_padding >= stride (allowed when it is below the dilation)
    geo.out = spatial
    out = ops.conv_transpose(x, weight, bias, geo, groups,
                             (x.shape[0], out_channels, *out_spatial))
    return out.squeeze(0) if unbatched else out


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    return _conv_transposend(1, input, weight, bias, stride, padding, output_padding, groups,
                             dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    return _conv_transposend(2, input, weight, bias, stride, padding, output_padding, groups,
                             dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    return _conv_transposend(3, input, weight, bias, stride, padding, output_padding, groups,
                             dilation)


def _pool_geometry(nd, x, kernel_size, stride, padding, dilation, ceil_mode, name=None):
    geo = _pool_placement(nd, x, kernel_size, stride, padding, dilation, ceil_mode)
    if any(n <= 0 for n in geo.out):
        if name == "max_pool1d":
            raise RuntimeError(f"max_pool1d() Invalid computed output size: {geo.out[0]}")
        sizes = (x.shape[1],) + tuple(x.shape[2:])
        outs = (x.shape[1],) + tuple(geo.out)
        if nd == 1:  # (torch pools one dimension as two, of height 1)
            sizes, outs = (sizes[0], 1) + sizes[1:], (outs[0], 1) + outs[1:]
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, sizes))}). Calculated "
                           f"output size: ({'x'.join(map(str, outs))}). Output size is too "
                           "small")
    return geo


def _pool_placement(nd, x, kernel_size, stride, padding, dilation, ceil_mode):
    from .._ops import nn as ops
    kernel = _ntuple(kernel_size, nd, "kernel_size")
    stride = kernel if stride is None or stride == [] or stride == () else \
        _ntuple(stride, nd, "stride")
    padding = _ntuple(padding, nd, "padding")
    dilation = _ntuple(dilation, nd, "dilation")
    for p, k, d in zip(padding, kernel, dilation):
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
    return ops._pool_geometry(x.shape[2:], kernel, stride, padding, dilation, ceil_mode)


def _max_poolnd(nd, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    from .._ops import nn as ops
    x, unbatched = _batched(input, nd, f"max_pool{nd}d")
    geo = _pool_geometry(nd, x, kernel_size, stride, padding, dilation, ceil_mode,
                         f"max_pool{nd}d")
    out, indices = ops.max_pool(x, geo)
    if unbatched:
        out, indices = out.squeeze(0), indices.squeeze(0)
    return (out, indices) if return_indices else out


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _max_poolnd(1, input, kernel_size, stride, padding, dilation, ceil_mode,
                       return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _max_poolnd(2, input, kernel_size, stride, padding, dilation, ceil_mode,
                       return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _max_poolnd(3, input, kernel_size, stride, padding, dilation, ceil_mode,
                       return_indices)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    return _max_poolnd(1, input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    return _max_poolnd(2, input, kernel_size, stride, padding, dilation, ceil_mode, True)


def _avg_poolnd(nd, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                divisor_override):
    from .._ops import nn as ops
    x, unbatched = _batched(input, nd, f"avg_pool{nd}d")
    geo = _pool_geometry(nd, x, kernel_size, stride, padding, 1, ceil_mode)
    out = ops.avg_pool(x, geo, count_include_pad, divisor_override)
    return out.squeeze(0) if unbatched else out


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    return _avg_poolnd(1, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                       None)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    return _avg_poolnd(2, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                       divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    return _avg_poolnd(3, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                       divisor_override)


def _adaptive_matrix(n_in, n_out, dtype):
    """The (n_out, n_in) averaging matrix of torch's adaptive windows
    [floor(i n_in / n_out), ceil((i + 1) n_in / n_out))."""
    m = _host.zeros((n_out, n_in), dtype)  # built on the host, moved by the caller
    for i in range(n_out):
        start, end = (i * n_in) // n_out, -(-((i + 1) * n_in) // n_out)
        m[i, start:end] = 1.0 / (end - start)
    return m


def _adaptive_avg_poolnd(nd, input, output_size):
    x, unbatched = _batched(input, nd, f"adaptive_avg_pool{nd}d")
    sizes = _ntuple(output_size, nd, "output_size")
    out = x
    # one averaging product per spatial dimension, the last dimension first
    for i in range(nd):
        axis = x.dim() - 1 - i
        n_in = x.shape[axis]
        n_out = n_in if sizes[nd - 1 - i] is None else sizes[nd - 1 - i]
        m = _new(x._backend.constant(_adaptive_matrix(n_in, n_out, x._data.dtype)))
        out = out.transpose(axis, -1).matmul(m.t()).transpose(axis, -1)
    out = out.contiguous()
    return out.squeeze(0) if unbatched else out


def adaptive_avg_pool1d(input, output_size):
    return _adaptive_avg_poolnd(1, input, output_size)


def adaptive_avg_pool2d(input, output_size):
    return _adaptive_avg_poolnd(2, input, output_size)


def adaptive_avg_pool3d(input, output_size):
    return _adaptive_avg_poolnd(3, input, output_size)


# =========================================================================================
# normalisation and embeddings
#
# batch, layer and group norm: records and functions are _ops/normalization's

class EmbeddingBackward0(Op):
    """The rows of `weight` at the indices; the backward reads the indices."""

    args = ("weight", "indices")
    nondifferentiable = ("indices",)
    saves = ("indices",)

    @staticmethod
    def forward(xp, w, idx, padding_idx, scale_grad_by_freq, num_weights):
        return w[idx]

    def backward(self, grad):
        (indices,) = self.saved()
        flat = indices.reshape(-1)
        g = grad.reshape(flat.shape[0], grad.shape[-1])
        if self.padding_idx is not None:
            g = g.masked_fill((flat == self.padding_idx).unsqueeze(1), 0)
        if self.scale_grad_by_freq:
            counts = T.bincount(flat, minlength=self.num_weights).to(g.dtype)
            g = g / counts[flat].unsqueeze(1)
        zeros = T.zeros(self.num_weights, g.shape[1], dtype=g.dtype)
        return (zeros.index_add(0, flat, g),)


def _embedding_indices(input):
    if not isinstance(input, Tensor) or input._data.dtype.kind not in "iu":
        legacy = input.dtype._legacy if isinstance(input, Tensor) else type(input).__name__
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got torch.{legacy} instead "
                           f"(while checking arguments for embedding)")
    return input._data


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    idx = _embedding_indices(input)
    num = weight.shape[0]
    if padding_idx is not None:
        if padding_idx > 0:
            assert padding_idx < num, "Padding_idx must be within num_embeddings"
        elif padding_idx < 0:
            assert padding_idx >= -num, "Padding_idx must be within num_embeddings"
            padding_idx = num + padding_idx
    if idx.size and (idx.min() < 0 or idx.max() >= num):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _embedding_renorm(weight, idx, max_norm, norm_type)
    return apply(EmbeddingBackward0, weight, input, padding_idx=padding_idx,
                 scale_grad_by_freq=scale_grad_by_freq, num_weights=num)


def _embedding_renorm(weight, idx, max_norm, norm_type):
    """Rescale in place the rows of weight that idx uses whose norm exceeds max_norm, as
    torch's embedding_renorm_ (which records nothing)."""
    xp = _xp_of(weight)
    w = weight._data
    rows = xp.unique(idx)
    norms = xp.linalg.norm(w[rows], ord=norm_type, axis=1)
    big = norms > max_norm
    if big.any():
        scale = (max_norm / (norms[big] + 1e-7)).astype(w.dtype)
        w[rows[big]] *= scale[:, None]
        weight._bump_version()


# =========================================================================================
# padding

_PAD_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def pad(input, pad, mode="constant", value=None):
    xp = _xp_of(input)
    pad = [int(p) for p in pad]
    if mode == "constant":
        pad_pairs(input, pad)  # F.pad's own messages first
        return constant_pad_nd(input, pad, 0 if value is None else value)
    if mode not in _PAD_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    out = input
    # gathering with padded index vectors: index_select carries the gradient back,
    # summing over the positions each element was copied to
    for dim, lo, hi in pad_pairs(input, pad):
        n = input.shape[dim]
        if mode == "reflect" and (lo >= n or hi >= n):
            raise RuntimeError(f"Argument #4: Padding size should be less than the "
                               f"corresponding input dimension, but got: padding ({lo}, {hi}) "
                               f"at dimension {dim} of input {list(input.shape)}")
        # a negative pad crops, as torch's: circular padding wraps the cropped input,
        # reflection and replication pad the whole input and then crop
        cut_lo, cut_hi = max(-lo, 0), max(-hi, 0)
        lo, hi = max(lo, 0), max(hi, 0)
        index = xp.arange(n)
        if mode == "circular":
            index = index[cut_lo:n - cut_hi]
            if lo > len(index) or hi > len(index):
                raise RuntimeError("Padding value causes wrapping around more than once.")
            index = xp.pad(index, (lo, hi), mode="wrap")
        else:
            index = xp.pad(index, (lo, hi), mode=_PAD_MODES[mode])
            index = index[cut_lo:len(index) - cut_hi]
        out = out.index_select(dim, _new(index))
    return out


# =========================================================================================
# resampling, adaptive max pooling, instance norm, embedding bags and attention
#
# composed of taimatsu tensor ops (index_select, gather, matmul, softmax ...), so their
# gradients, and gradients of gradients, come from those ops' records.


def _resize_scale(n_in, n_out, scale, align_corners):
    """torch's source-coordinate step for one dimension."""
    if align_corners:
        return (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    return 1.0 / scale if scale is not None and scale > 0 else n_in / n_out


def _nearest_dim(x, dim, n_out, scale):
    xp = _xp_of(x)
    n_in = x.shape[dim]
    step = _resize_scale(n_in, n_out, scale, False)
    # torch computes nearest source indices in float32
    src = xp.floor(xp.arange(n_out, dtype=_F32) * _F32T(step)).astype(_I64)
    src = xp.minimum(src, n_in - 1)
    return x.index_select(dim, _new(src))


def _nearest_exact_dim(x, dim, n_out, scale):
    xp = _xp_of(x)
    n_in = x.shape[dim]
    step = _F32T(_resize_scale(n_in, n_out, scale, False))
    # torch: floorf((i + 0.5) * scale), in float32
    src = xp.floor((xp.arange(n_out, dtype=_F32) + _F32T(0.5)) * step)
    return x.index_select(dim, _new(xp.minimum(src.astype(_I64), n_in - 1)))


_CUBIC_A = -0.75


def _cubic_dim(x, dim, n_out, scale, align_corners):
    """Cubic convolution (a = -0.75) along one dimension: four taps around each source
    coordinate, which (unlike linear's) is not clamped at 0; taps past an edge read the
    edge (torch's upsample_bicubic2d)."""
    xp = _xp_of(x)
    n_in = x.shape[dim]
    step = _resize_scale(n_in, n_out, scale, align_corners)
    i = xp.arange(n_out, dtype=_F64)
    src = i * step if align_corners else (i + 0.5) * step - 0.5
    dtype = x._data.dtype
    src = src.astype(dtype)
    base = xp.floor(src)
    t = src - base
    a = dtype.type(_CUBIC_A)

    def near(d):   # |d| <= 1
        return ((a + 2) * d - (a + 3)) * d * d + 1

    def far(d):    # 1 < |d| < 2
        return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a
    weights = (far(t + 1), near(t), near(1 - t), far(2 - t))
    shape = [1] * x.dim()
    shape[dim] = n_out
    out = None
    for k, w in enumerate(weights):
        idx = xp.clip(base.astype(_I64) + (k - 1), 0, n_in - 1)
        term = x.index_select(dim, _new(idx)) * _new(w.astype(dtype).reshape(shape))
        out = term if out is None else out + term
    return out


def _linear_dim(x, dim, n_out, scale, align_corners):
    xp = _xp_of(x)
    n_in = x.shape[dim]
    step = _resize_scale(n_in, n_out, scale, align_corners)
    i = xp.arange(n_out, dtype=_F64)
    src = i * step if align_corners else xp.maximum((i + 0.5) * step - 0.5, 0.0)
    lo = xp.minimum(xp.floor(src).astype(_I64), n_in - 1)
    hi = xp.minimum(lo + 1, n_in - 1)
    shape = [1] * x.dim()
    shape[dim] = n_out
    lam = _new((src - lo).astype(x._data.dtype).reshape(shape))
    a, b = x.index_select(dim, _new(lo)), x.index_select(dim, _new(hi))
    return a * (1 - lam) + b * lam


def _resize_tuple(value, nd):
    if isinstance(value, (int, float)):
        return (value,) * nd
    return _ntuple(value, nd)


_INTERP_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    nd = input.dim() - 2
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif mode in _INTERP_DIMS:
        if _INTERP_DIMS[mode] != nd:
            raise NotImplementedError(
                f"Got {input.dim()}D input, but {mode} mode needs {_INTERP_DIMS[mode] + 2}D input")
        align_corners = bool(align_corners)
    if mode not in ("nearest", "nearest-exact", "area", "linear", "bilinear", "bicubic",
                    "trilinear"):
        raise NotImplementedError(f"taimatsu does not implement interpolate mode {mode!r} yet")
    if antialias:
        raise NotImplementedError("taimatsu does not implement interpolate with antialias=True "
                                  "yet")
    if (size is None) == (scale_factor is None):
        raise ValueError("only one of size or scale_factor should be defined" if size is not None
                         else "either size or scale_factor should be defined")
    if size is not None:
        sizes = [int(s) for s in _resize_tuple(size, nd)]
        scales = [None] * nd
    else:
        scales = [float(s) for s in _resize_tuple(scale_factor, nd)]
        sizes = [int(math.floor(input.shape[2 + i] * s)) for i, s in enumerate(scales)]
        if recompute_scale_factor:
            scales = [None] * nd
    if min(sizes) <= 0 or min(input.shape[2:]) <= 0:
        names = "DHW"[3 - nd:]
        raise RuntimeError(
            "Input and output sizes should be greater than 0, but got input ("
            + ", ".join(f"{c}: {n}" for c, n in zip(names, input.shape[2:])) + ") and output ("
            + ", ".join(f"{c}: {n}" for c, n in zip(names, sizes)) + ")")
    if mode == "area":
        return (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d)[nd - 1](
            input, sizes)
    out = input
    # bicubic, as torch's kernel, interpolates the last dimension first
    for i in (reversed(range(nd)) if mode == "bicubic" else range(nd)):
        if mode == "nearest":
            out = _nearest_dim(out, 2 + i, sizes[i], scales[i])
        elif mode == "nearest-exact":
            out = _nearest_exact_dim(out, 2 + i, sizes[i], scales[i])
        elif mode == "bicubic":
            out = _cubic_dim(out, 2 + i, sizes[i], scales[i], align_corners)
        else:
            out = _linear_dim(out, 2 + i, sizes[i], scales[i], align_corners)
    return out


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    return interpolate(input, size, scale_factor, mode, align_corners)


def _adaptive_windows(n_in, n_out):
    return [(i * n_in // n_out, -(-(i + 1) * n_in // n_out)) for i in range(n_out)]


def _adaptive_max_poolnd(nd, input, output_size, return_indices):
    xp = _xp_of(input)
    x, unbatched = _batched(input, nd, f"adaptive_max_pool{nd}d")
    sizes = [x.shape[2 + i] if s is None else int(s)
             for i, s in enumerate(_ntuple(output_size, nd))]
    a = x._data
    n, c, spatial = a.shape[0], a.shape[1], a.shape[2:]
    flat = a.reshape(n, c, -1)
    idx = xp.empty((n, c) + tuple(sizes), _I64)
    plane = xp.arange(flat.shape[-1]).reshape(spatial)
    # each output position takes the argmax of its window, as a flat index into the plane
    grids = [_adaptive_windows(spatial[i], sizes[i]) for i in range(nd)]
    for pos in xp.ndindex(*sizes):
        window = plane[tuple(slice(*grids[d][p]) for d, p in enumerate(pos))].reshape(-1)
        best = xp.argmax(flat[:, :, window], axis=-1)
        idx[(slice(None), slice(None)) + pos] = window[best]
    indices = _new(idx.reshape(n, c, -1))
    out = x.flatten(2).gather(2, indices).view(x.shape[:2] + tuple(sizes))
    indices = indices.view(out.shape)
    if unbatched:
        out, indices = out.squeeze(0), indices.squeeze(0)
    return (out, indices) if return_indices else out


def adaptive_max_pool1d(input, output_size, return_indices=False):
    return _adaptive_max_poolnd(1, input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    return _adaptive_max_poolnd(2, input, output_size, return_indices)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    return _adaptive_max_poolnd(1, input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    return _adaptive_max_poolnd(2, input, output_size, True)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    dims = tuple(range(2, input.dim()))
    if T.is_grad_enabled():  # torch runs batch norm on the reshaped input, which refuses
        for name, t in (("running_mean", running_mean), ("running_var", running_var)):
            if t is not None and t._requires_grad:
                raise not_differentiable("native_batch_norm", name)
    if use_input_stats:
        mean = input.mean(dims, keepdim=True)
        var = input.var(dims, unbiased=False, keepdim=True)
        if running_mean is not None or running_var is not None:
            # torch updates the running stats with each sample's unbiased statistics, averaged
            n = 1
            for d in dims:
                n *= input.shape[d]
            with T.no_grad():
                if running_mean is not None:
                    batch_mean = mean.detach().flatten(1).mean(0)
                    running_mean.mul_(1 - momentum).add_(batch_mean * momentum)
                if running_var is not None:
                    unbiased = var.detach().flatten(1) * (n / max(n - 1, 1))
                    running_var.mul_(1 - momentum).add_(unbiased.mean(0) * momentum)
    else:
        shape = (1, -1) + (1,) * len(dims)
        mean, var = running_mean.view(shape), running_var.view(shape)
    out = (input - mean) * (var + eps).rsqrt()
    shape = (1, -1) + (1,) * len(dims)
    if weight is not None:
        out = out * weight.view(shape)
    if bias is not None:
        out = out + bias.view(shape)
    return out


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,
                  mode="mean", sparse=False, per_sample_weights=None, include_last_offset=False,
                  padding_idx=None):
    xp = _xp_of(input)
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, got {mode}")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. "
                                  f"per_sample_weights is only supported for mode='sum' "
                                  f"(got mode='{mode}'). Please open a feature request on GitHub.")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated "
                             "is a mini-batch of fixed length sequences. However, found offsets "
                             f"of type {type(offsets)}")
        bags, length = input.shape
        offsets_np = xp.arange(0, bags * length, length)
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        offsets_np = offsets._data.astype(_I64)
        if include_last_offset:
            offsets_np = offsets_np[:-1]
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.dim()}")
    idx = input._data
    n, bags = idx.shape[0], offsets_np.shape[0]
    bag_of = xp.searchsorted(offsets_np, xp.arange(n), side="right") - 1
    keep = xp.ones(n, bool) if padding_idx is None else idx != padding_idx
    rows = embedding(input, weight, None, max_norm, norm_type)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.unsqueeze(1)
    if mode == "max":
        pieces = []
        for b in range(bags):
            members = xp.nonzero(keep & (bag_of == b))[0]
            if members.size:
                pieces.append(rows.index_select(0, _new(members)).amax(0))
            else:
                pieces.append(weight.new_zeros(weight.shape[1]))
        return T.stack(pieces) if pieces else weight.new_zeros(0, weight.shape[1])
    members = xp.nonzero(keep)[0]
    out = weight.new_zeros(bags, weight.shape[1]).index_add(
        0, _new(bag_of[members]), rows.index_select(0, _new(members)))
    if mode == "mean":
        counts = xp.bincount(bag_of[members], minlength=bags).astype(weight._data.dtype)
        out = out / _new(xp.maximum(counts, 1)).unsqueeze(1)
    return out


def _attention_mask(attn_mask, dtype):
    """A boolean mask (True: attend) as an additive float mask."""
    if attn_mask is None or attn_mask._data.dtype.kind != "b":
        return attn_mask
    return _new(attn_mask._xp.where(attn_mask._data, 0, -math.inf).astype(dtype))


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    L, S = query.shape[-2], key.shape[-2]
    scale = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    if enable_gqa:
        # grouped-query attention: each key/value head serves a group of query heads
        key = key.repeat_interleave(query.shape[-3] // key.shape[-3], -3)
        value = value.repeat_interleave(query.shape[-3] // value.shape[-3], -3)
    scores = query @ key.transpose(-2, -1) * scale
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be "
                               "set when is_causal=True")
        attn_mask = _new(query._xp.tril(query._xp.ones((L, S), bool)))
    mask = _attention_mask(attn_mask, query._data.dtype)
    if mask is not None:
        scores = scores + mask
    weights = softmax(scores, dim=-1)
    if dropout_p > 0:
        weights = dropout(weights, dropout_p, True)
    return weights @ value


def _merge_masks(attn_mask, key_padding_mask, bsz, heads, L, S, dtype):
    mask = _attention_mask(attn_mask, dtype)
    if mask is not None:
        mask = mask.view(1, L, S) if mask.dim() == 2 else mask
    if key_padding_mask is not None:
        kpm = key_padding_mask
        if kpm._data.dtype.kind == "b":
            kpm = _new(kpm._xp.where(kpm._data, -math.inf, 0).astype(dtype))
        kpm = kpm.view(bsz, 1, 1, S).expand(bsz, heads, 1, S).reshape(bsz * heads, 1, S)
        mask = kpm if mask is None else mask + kpm
    return mask


def _static_keys(t, name, batch_heads, head_dim):
    assert t.shape[0] == batch_heads, \
        f"expecting static_{name}.size(0) of {batch_heads}, but got {t.shape[0]}"
    assert t.shape[2] == head_dim, \
        f"expecting static_{name}.size(2) of {head_dim}, but got {t.shape[2]}"
    return t


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight,
                                 in_proj_bias, bias_k, bias_v, add_zero_attn, dropout_p,
                                 out_proj_weight, out_proj_bias, training=True,
                                 key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None,
                                 k_proj_weight=None, v_proj_weight=None, static_k=None,
                                 static_v=None, average_attn_weights=True, is_causal=False):
    """Sequence-first (L, N, E) multi-head attention, as torch's functional form."""
    unbatched = query.dim() == 2
    if unbatched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    L, bsz, E = query.shape
    S = key.shape[0]
    assert E == embed_dim_to_check, \
        f"was expecting embedding dimension of {embed_dim_to_check}, but got {E}"
    head_dim = E // num_heads
    assert head_dim * num_heads == E, f"embed_dim {E} not divisible by num_heads {num_heads}"
    if use_separate_proj_weight:
        wq, wk, wv = q_proj_weight, k_proj_weight, v_proj_weight
    else:
        wq, wk, wv = in_proj_weight.chunk(3)
    bq = bk = bv = None
    if in_proj_bias is not None:
        bq, bk, bv = in_proj_bias.chunk(3)
    q, k, v = linear(query, wq, bq), linear(key, wk, bk), linear(value, wv, bv)
    if is_causal and attn_mask is None:
        attn_mask = _new(query._xp.triu(query._xp.ones((L, S), bool), 1))
    if attn_mask is not None and attn_mask._data.dtype.kind == "b":
        attn_mask = attn_mask.logical_not()  # True means "masked" here, "attend" below
    mask = _merge_masks(attn_mask, key_padding_mask, bsz, num_heads, L, S, query._data.dtype)
    # keys torch appends (a learned bias key, a zero key) are attended by every query:
    # their mask columns are 0
    extra = 0
    if bias_k is not None and bias_v is not None:
        assert static_k is None, "bias cannot be added to static key."
        assert static_v is None, "bias cannot be added to static value."
        k = T.cat([k, bias_k.repeat(1, bsz, 1)])
        v = T.cat([v, bias_v.repeat(1, bsz, 1)])
        extra += 1
    else:
        assert bias_k is None and bias_v is None
    # (len, batch, E) -> (batch * heads, len, head_dim)
    q = q.reshape(L, bsz * num_heads, head_dim).transpose(0, 1)
    k = k.reshape(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1) if static_k is None \
        else _static_keys(static_k, "k", bsz * num_heads, head_dim)
    v = v.reshape(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1) if static_v is None \
        else _static_keys(static_v, "v", bsz * num_heads, head_dim)
    if add_zero_attn:
        zeros = T.zeros((bsz * num_heads, 1, head_dim), dtype=k.dtype)
        k, v = T.cat([k, zeros], dim=1), T.cat([v, zeros], dim=1)
        extra += 1
    if mask is not None and extra:
        mask = pad(mask, (0, extra))
    S = k.shape[1]
    if not training:
        dropout_p = 0.0
    scores = (q * (1 / math.sqrt(head_dim))) @ k.transpose(-2, -1)
    if mask is not None:
        scores = scores + mask
    weights = softmax(scores, dim=-1)
    if dropout_p > 0:
        weights = dropout(weights, dropout_p, True)
    out = (weights @ v).transpose(0, 1).reshape(L * bsz, E)
    out = linear(out, out_proj_weight, out_proj_bias).view(L, bsz, E)
    if unbatched:
        out = out.squeeze(1)
    if not need_weights:
        return out, None
    weights = weights.view(bsz, num_heads, L, S)
    if average_attn_weights:
        weights = weights.mean(1)
    if unbatched:
        weights = weights.squeeze(0)
    return out, weights


# =========================================================================================
# pixel shuffles, im2col / col2im, and layers torch writes in Python from other ops
#
# pixel (un)shuffle and im2col / col2im are pairs of adjoint rearrangements: each one's
# node differentiates through the other, so derivatives of any order follow.

def _pixel_arrays(a, r, inverse):
    """pixel_shuffle (or, inverse, pixel_unshuffle) of array a (*, C, H, W) by r."""
    xp = _xp_of(a)
    lead, (c, h, w) = a.shape[:-3], a.shape[-3:]
    nl = len(lead)
    if inverse:
        b = a.reshape(lead + (c, h // r, r, w // r, r))
        perm = tuple(range(nl)) + tuple(nl + i for i in (0, 2, 4, 1, 3))
        return xp.ascontiguousarray(b.transpose(perm)).reshape(
            lead + (c * r * r, h // r, w // r))
    b = a.reshape(lead + (c // (r * r), r, r, h, w))
    perm = tuple(range(nl)) + tuple(nl + i for i in (0, 3, 1, 4, 2))
    return xp.ascontiguousarray(b.transpose(perm)).reshape(lead + (c // (r * r), h * r, w * r))


class PixelShuffleBackward0(Op):
    @staticmethod
    def forward(xp, a, factor):
        return _pixel_arrays(a, factor, False)

    def backward(self, grad):
        return (pixel_unshuffle(grad, self.factor),)


class PixelUnshuffleBackward0(Op):
    @staticmethod
    def forward(xp, a, factor):
        return _pixel_arrays(a, factor, True)

    def backward(self, grad):
        return (pixel_shuffle(grad, self.factor),)


def _pixel_op(name, input, factor, inverse):
    if input.dim() < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got "
                           f"input with {input.dim()} dimension(s)")
    what = "upscale_factor" if not inverse else "downscale_factor"
    if factor <= 0:
        raise RuntimeError(f"{name} expects a positive {what}, but got {factor}")
    c, h, w = input.shape[-3:]
    if not inverse and c % (factor * factor):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)={c} "
                           f"is not divisible by {factor * factor}")
    if inverse:
        for side, n in (("height", h), ("width", w)):
            if n % factor:
                raise RuntimeError(f"pixel_unshuffle expects {side} to be divisible by "
                                   f"downscale_factor, but input.size("
                                   f"{-2 if side == 'height' else -1})={n} is not divisible by "
                                   f"{factor}")
    return apply(PixelUnshuffleBackward0 if inverse else PixelShuffleBackward0, input,
                 factor=factor)


def pixel_shuffle(input, upscale_factor):
    return _pixel_op("pixel_shuffle", input, int(upscale_factor), False)


def pixel_unshuffle(input, downscale_factor):
    return _pixel_op("pixel_unshuffle", input, int(downscale_factor), True)


def _pair_arg(name, value):
    value = (value, value) if isinstance(value, int) else tuple(value)
    if len(value) != 2:
        raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(value)}")
    return value


def _fold_geometry(spatial, kernel_size, dilation, padding, stride):
    from .._ops import nn as ops
    kernel, dilation, padding, stride = (
        _pair_arg(name, v) for name, v in (("kernel_size", kernel_size), ("dilation", dilation),
                                           ("padding", padding), ("stride", stride)))
    return ops._Geometry(spatial, kernel, stride, dilation, [(p, p) for p in padding])


def _blocks_error(geo, prefix):
    raise RuntimeError(f"{prefix}kernel_size={geo.kernel}, dilation={geo.dilation}, "
                       f"padding={tuple(p for p, _ in geo.pads)}, calculated shape of the "
                       f"array of sliding blocks as {geo.out}, but its components must be at "
                       f"least one.")


class Im2ColBackward0(Op):
    """(N, C, H, W) -> (N, C * kh * kw, L): each column one window, channel-major."""

    @staticmethod
    def forward(xp, a, geometry):
        win = geometry.windows(geometry.padded(a))                   # N, C, oh, ow, kh, kw
        cols = xp.ascontiguousarray(win.transpose(0, 1, 4, 5, 2, 3))
        return cols.reshape(a.shape[0], -1, math.prod(geometry.out))

    def backward(self, grad):
        return (_col2im(grad, self.geometry),)


class Col2ImBackward0(Op):
    """The adjoint of im2col: (N, C * kh * kw, L) summed back into (N, C, H, W)."""

    @staticmethod
    def forward(xp, a, geometry):
        n = a.shape[0]
        blocks = a.reshape((n, -1) + geometry.kernel + geometry.out).transpose(0, 1, 4, 5, 2,
                                                                               3)
        shape = (n, blocks.shape[1]) + geometry.spatial
        return xp.ascontiguousarray(geometry.scatter(blocks, shape, a.dtype))

    def backward(self, grad):
        return (_im2col(grad, self.geometry),)


def _im2col(x, geo):
    return apply(Im2ColBackward0, x, geometry=geo)


def _col2im(cols, geo):
    return apply(Col2ImBackward0, cols, geometry=geo)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    if input.dim() not in (3, 4) or any(n == 0 for n in input.shape[1:]):
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size "
                           f"and other non-zero dimensions for input, but got: "
                           f"{list(input.shape)}")
    x = input.unsqueeze(0) if input.dim() == 3 else input
    geo = _fold_geometry(x.shape[2:], kernel_size, dilation, padding, stride)
    if any(o < 1 for o in geo.out):
        _blocks_error(geo, f"Given input with spatial size {tuple(x.shape[2:])}, ")
    out = _im2col(x, geo)
    return out.squeeze(0) if input.dim() == 3 else out


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    if input.dim() not in (2, 3) or any(n == 0 for n in input.shape[1:]):
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 "
                           f"batch size and non-zero dimensions for input, but got: "
                           f"{list(input.shape)}")
    x = input.unsqueeze(0) if input.dim() == 2 else input
    output_size = _pair_arg("output_size", output_size)
    geo = _fold_geometry(output_size, kernel_size, dilation, padding, stride)
    kprod = math.prod(geo.kernel)
    if x.shape[1] % kprod:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product "
                           f"of kernel_size, but got input.size(1)={x.shape[1]} and "
                           f"kernel_size={geo.kernel}.")
    if any(o < 1 for o in geo.out):
        _blocks_error(geo, f"Given output_size={tuple(output_size)}, ")
    if x.shape[2] != math.prod(geo.out):
        raise RuntimeError(f"Given output_size={tuple(output_size)}, kernel_size={geo.kernel}, "
                           f"dilation={geo.dilation}, padding={tuple(p for p, _ in geo.pads)}, "
                           f"stride={geo.stride}, expected size of input's dimension 2 to match "
                           f"the calculated number of sliding blocks {geo.out[0]} * "
                           f"{geo.out[1]} = {math.prod(geo.out)}, but got input.size(2)="
                           f"{x.shape[2]}.")
    out = _col2im(x, geo)
    return out.squeeze(0) if input.dim() == 2 else out


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    dim = input.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          "
                         f"input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    # torch's formula: the mean of squares over a window of channels, as an average pool
    div = input.mul(input)
    if dim == 3:
        div = div.unsqueeze(1)
        div = pad(div, (0, 0, size // 2, (size - 1) // 2))
        div = avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        sizes = input.size()
        div = div.view(sizes[0], 1, sizes[1], sizes[2], -1)
        div = pad(div, (0, 0, 0, 0, size // 2, (size - 1) // 2))
        div = avg_pool3d(div, (size, 1, 1), stride=1).squeeze(1)
        div = div.view(sizes)
    div = div.mul(alpha).add(k).pow(beta)
    return input / div


def rms_norm(input, normalized_shape, weight=None, eps=None):
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    normalized_shape = tuple(normalized_shape)
    k = len(normalized_shape)
    if k == 0 or input.dim() < k or tuple(input.shape[input.dim() - k:]) != normalized_shape:
        raise RuntimeError(f"Given normalized_shape={list(normalized_shape)}, expected input "
                           f"with shape [*{', '.join(map(str, normalized_shape))}], but got "
                           f"input of size{list(input.shape)}")
    if eps is None:
        eps = T.finfo(input.dtype).eps
    dims = tuple(range(input.dim() - k, input.dim()))
    result = input * (input.pow(2).mean(dims, keepdim=True) + eps).rsqrt()
    return result * weight if weight is not None else result


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    gumbels = -T.empty_like(logits).exponential_().log()  # ~Gumbel(0,1)
    gumbels = (logits + gumbels) / tau
    y_soft = gumbels.softmax(dim)
    if hard:
        # straight through: one-hot values, the soft sample's gradient
        index = y_soft.max(dim, keepdim=True)[1]
        y_hard = T.zeros_like(logits).scatter_(dim, index, 1.0)
        return y_hard - y_soft.detach() + y_soft
    return y_soft


class ChannelShuffleBackward0(Op):
    @staticmethod
    def forward(xp, a, groups):
        c = a.shape[1]
        b = a.reshape((a.shape[0], groups, c // groups) + a.shape[2:]).swapaxes(1, 2)
        return xp.ascontiguousarray(b).reshape(a.shape)

    def backward(self, grad):
        return (channel_shuffle(grad, grad.shape[1] // self.groups),)


def channel_shuffle(input, groups):
    if input.dim() <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with "
                           f"sizes {list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value "
                           f"of groups:{groups}")
    c = input.shape[1]
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels "
                           f"and {groups} groups.")
    return apply(ChannelShuffleBackward0, input, groups=groups)


def _margin_input(input):
    if input.dim() > 2 or input.numel() == 0:
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch "
                           f"size, but got: {list(input.shape)}")
    return input.unsqueeze(0) if input.dim() < 2 else input


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    xp = _xp_of(input)
    reduction = _reduction(reduction, size_average, reduce)
    if p != 1 and p != 2:
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    if weight is not None and weight._requires_grad and T.is_grad_enabled():
        raise not_differentiable("multi_margin_loss", "weight")
    x = _margin_input(input)
    n, c = x.shape
    t = target._data.reshape(-1)
    if t.size != n or target.dim() > 1:
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to "
                           f"the number of input samples (batch size). Expected target size "
                           f"[{n}], but got {list(target.shape)}. Input has shape "
                           f"{list(input.shape)}.")
    if t.size and (t.min() < 0 or t.max() >= c):
        raise RuntimeError("target out of range")
    index = _new(t.astype(_I64).reshape(n, 1))
    # the hinge of every class against the target's, the target's own term left out
    z = x - x.gather(1, index) + margin
    h = _clamp_min0(z)
    if p == 2:
        h = h * h
    if weight is not None:
        h = h * weight.index_select(0, index.reshape(-1)).unsqueeze(1)
    others = _new(xp.arange(c)[None, :] != t[:, None])
    loss = (h * others).sum(1) / c
    if input.dim() < 2 and reduction == "none":
        return loss.reshape(()) if input.dim() == 1 and target.dim() == 0 else loss
    return _reduce(loss, reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    xp = _xp_of(input)
    reduction = _reduction(reduction, size_average, reduce)
    x = _margin_input(input)
    n, c = x.shape
    t = target._data
    if tuple(target.shape) != tuple(input.shape) and not (input.dim() < 2 and t.size == c):
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: "
                           f"{list(input.shape)}")
    t = t.reshape(n, c).astype(_I64)
    if t.size and (t.min() < -1 or t.max() >= c):
        raise RuntimeError("argument #2 'target' is out of range")
    # each row's targets are the entries before its first -1
    valid = xp.cumprod(t >= 0, axis=1).astype(bool)
    is_target = xp.zeros((n, c), bool)
    rows = xp.nonzero(valid)[0]
    is_target[rows, t[valid]] = True
    xt = x.gather(1, _new(xp.where(valid, t, 0)))
    z = 1 - xt.unsqueeze(2) + x.unsqueeze(1)
    pairs = _new((valid[:, :, None] & ~is_target[:, None, :]).astype(x._data.dtype))
    loss = (_clamp_min0(z) * pairs).sum((1, 2)) / c
    if input.dim() < 2 and reduction == "none":
        return loss.reshape(())
    return _reduce(loss, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    a_dim, p_dim, n_dim = anchor.ndim, positive.ndim, negative.ndim
    if not (a_dim == p_dim and p_dim == n_dim):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have "
                           f"the same number of dimensions, but got: anchor {a_dim}D, "
                           f"positive {p_dim}D, and negative {n_dim}D inputs")
    if distance_function is None:
        distance_function = pairwise_distance
    dist_pos = distance_function(anchor, positive)
    dist_neg = distance_function(anchor, negative)
    if swap:
        dist_swap = distance_function(positive, negative)
        dist_neg = T.minimum(dist_neg, dist_swap)
    loss = T.clamp_min(margin + dist_pos - dist_neg, 0)
    if reduction == "sum":
        return T.sum(loss)
    if reduction == "mean":
        return T.mean(loss)
    return loss


def pdist(input, p=2):
    xp = _xp_of(input)
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = input.shape[0]
    i, j = xp.triu_indices(n, 1)
    diff = input.index_select(0, _new(i)) - input.index_select(0, _new(j))
    return T.linalg.vector_norm(diff, p, dim=-1)


def upsample_nearest(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. "
                  "Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. "
                  "Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def _lp_pool(nd, input, norm_type, kernel_size, stride, ceil_mode):
    max_pool = (max_pool1d, max_pool2d, max_pool3d)[nd - 1]
    avg_pool = (avg_pool1d, avg_pool2d, avg_pool3d)[nd - 1]
    if isinstance(norm_type, (int, float)):
        if norm_type == float("inf"):
            return max_pool(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        if norm_type == -float("inf"):
            return -max_pool(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if stride is not None:
        out = avg_pool(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    else:
        out = avg_pool(input.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
    size = math.prod(_ntuple(kernel_size, nd))
    return (T.sign(out) * relu(T.abs(out))).mul(size).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(3, input, norm_type, kernel_size, stride, ceil_mode)


def _unpool_output_size(input, kernel_size, stride, padding, output_size):
    input_size = input.size()
    default_size = []
    for d in range(len(kernel_size)):
        default_size.append((input_size[-len(kernel_size) + d] - 1) * stride[d]
                            + kernel_size[d] - 2 * padding[d])
    if output_size is None:
        return default_size
    if len(output_size) == len(kernel_size) + 2:
        output_size = output_size[2:]
    if len(output_size) != len(kernel_size):
        raise ValueError(f"output_size should be a sequence containing {len(kernel_size)} or "
                         f"{len(kernel_size) + 2} elements, but it has a length of "
                         f"'{len(output_size)}'")
    for d in range(len(kernel_size)):
        min_size = default_size[d] - stride[d]
        max_size = default_size[d] + stride[d]
        if not (min_size < output_size[d] < max_size):
            raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between '
                             f'{min_size} and {max_size})')
    return output_size


def _max_unpoolnd(nd, input, indices, kernel_size, stride, padding, output_size):
    kernel_size = _ntuple(kernel_size, nd)
    stride = kernel_size if stride is None else _ntuple(stride, nd)
    padding = _ntuple(padding, nd)
    size = [int(s) for s in _unpool_output_size(input, kernel_size, stride, padding,
                                                output_size)]
    if indices._data.dtype != _I64:
        raise RuntimeError(f"elements in indices should be type int64 but got: "
                           f"{indices.dtype._legacy[:-6]}")
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({list(input.shape)}) but got indices tensor with shape: "
                           f"{list(indices.shape)}")
    lead = tuple(input.shape[:-nd])
    plane = math.prod(size)
    idx = indices.reshape(lead + (-1,))
    a = idx._data
    if a.size and (a.min() < 0 or a.max() >= plane):
        bad = int(a[(a < 0) | (a >= plane)].reshape(-1)[0])
        raise RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size "
                           f"{'x'.join(map(str, size))})")
    out = T.zeros(lead + (plane,), dtype=input.dtype)
    out = out.scatter(-1, idx, input.reshape(lead + (-1,)))
    return out.view(lead + tuple(size))


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpoolnd(1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpoolnd(2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpoolnd(3, input, indices, kernel_size, stride, padding, output_size)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    return _adaptive_max_poolnd(3, input, output_size, return_indices)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    return _adaptive_max_poolnd(3, input, output_size, True)
