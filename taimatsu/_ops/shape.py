"""View ops: results share memory with their input and its version counter.

Their backward is the inverse rearrangement of the gradient.
"""
from .._backend import numpy as np
from .._tensor import Size, Tensor, _wrap, _wrap_dim
from ..autograd.grad_mode import GradMode
from ..autograd.graph import Node
from ._core import record

_new_object = object.__new__


def make_view(base, array):
    """A tensor over `array`, a numpy view of `base`'s array."""
    t = _new_object(Tensor)
    t._data = array
    t._vc = base._get_vc()
    t._base = base._base if base._base is not None else base
    return t


def _shape_args(shape):
    """view(2, 3), view((2, 3)) and view([2, 3]) all mean (2, 3)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


def _infer(shape, numel):
    """Resolve a -1 in `shape`, with torch's errors."""
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = shape[:neg[0]] + (numel // known,) + shape[neg[0] + 1:]
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


class ViewBackward0(Node):
    def backward(self, grad):
        return (grad.reshape(self.shape),)


class UnsafeViewBackward0(ViewBackward0):
    pass


def _try_view(a, shape):
    v = a.view()
    try:
        v.shape = shape
    except AttributeError:
        return None
    return v


def view(input, *shape):
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, Size, int)):
        from .. import _dtype as D
        if isinstance(shape[0], D.dtype):
            return _view_dtype(input, shape[0])
    a = input._data
    shape = _infer(_shape_args(shape), a.size)
    v = _try_view(a, shape)
    if v is None:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    result = make_view(input, v)
    if GradMode.enabled and input._requires_grad:
        record(ViewBackward0, (input,), result, shape=a.shape)
    return result


def _view_dtype(input, dtype):
    return make_view(input, input._data.view(dtype._np))


def reshape(input, *shape):
    a = input._data
    shape = _infer(_shape_args(shape), a.size)
    v = _try_view(a, shape)
    if v is not None:
        result = make_view(input, v)
        node = ViewBackward0
    else:
        result = _wrap(a.reshape(shape))
        node = UnsafeViewBackward0
    if GradMode.enabled and input._requires_grad:
        record(node, (input,), result, shape=a.shape)
    return result


def view_as(input, other):
    return view(input, other._data.shape)


def reshape_as(input, other):
    return reshape(input, other._data.shape)


class ExpandBackward0(Node):
    def backward(self, grad):
        return (grad.sum_to_size(self.shape),)


def expand(input, *sizes):
    a = input._data
    sizes = _shape_args(sizes)
    if len(sizes) < a.ndim:
        raise RuntimeError(
            f"expand(torch.{input.dtype._legacy}{{[{', '.join(map(str, a.shape))}]}}, "
            f"size=[{', '.join(map(str, sizes))}]): the number of sizes provided "
            f"({len(sizes)}) must be greater or equal to the number of dimensions in the "
            f"tensor ({a.ndim})")
    lead = len(sizes) - a.ndim
    target = list(sizes)
    for i, s in enumerate(sizes):
        if s == -1:
            if i < lead:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a "
                                   f"leading, non-existing dimension {i}")
            target[i] = a.shape[i - lead]
        elif i >= lead and a.shape[i - lead] != 1 and a.shape[i - lead] != s:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size "
                f"({a.shape[i - lead]}) at non-singleton dimension {i}.  Target sizes: "
                f"[{', '.join(map(str, sizes))}].  Tensor sizes: "
                f"[{', '.join(map(str, a.shape))}]")
    target = tuple(target)
    if target == a.shape:
        v = a.view()
    else:
        v = np.broadcast_to(a, target)
    result = make_view(input, v)
    if GradMode.enabled and input._requires_grad:
        record(ExpandBackward0, (input,), result, shape=a.shape)
    return result


def expand_as(input, other):
    return expand(input, other._data.shape)


class UnsqueezeBackward0(Node):
    def backward(self, grad):
        return (grad.squeeze(self.dim),)


def unsqueeze(input, dim):
    a = input._data
    dim = _wrap_dim(dim, a.ndim + 1)
    result = make_view(input, np.expand_dims(a, dim))
    if GradMode.enabled and input._requires_grad:
        record(UnsqueezeBackward0, (input,), result, dim=dim)
    return result


class SqueezeBackward0(Node):
    def backward(self, grad):
        return (grad.reshape(self.shape),)


class SqueezeBackward1(SqueezeBackward0):
    pass


class SqueezeBackward2(SqueezeBackward0):
    pass


def squeeze(input, dim=None):
    a = input._data
    if dim is None:
        node = SqueezeBackward0
        axes = tuple(i for i, s in enumerate(a.shape) if s == 1)
    else:
        node = SqueezeBackward1 if isinstance(dim, int) else SqueezeBackward2
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        axes = tuple(d for d in (_wrap_dim(d, a.ndim) for d in dims)
                     if a.ndim and a.shape[d] == 1)
    result = make_view(input, np.squeeze(a, axes) if axes else a.view())
    if GradMode.enabled and input._requires_grad:
        record(node, (input,), result, shape=a.shape)
    return result


class PermuteBackward0(Node):
    def backward(self, grad):
        return (grad.permute(np.argsort(self.dims).tolist()),)


def permute(input, *dims):
    a = input._data
    dims = _shape_args(dims)
    if len(dims) != a.ndim:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            "length of the desired ordering of dimensions i.e. input.dim() = "
            f"{a.ndim} is not equal to len(dims) = {len(dims)}")
    dims = tuple(_wrap_dim(d, a.ndim) for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    result = make_view(input, a.transpose(dims))
    if GradMode.enabled and input._requires_grad:
        record(PermuteBackward0, (input,), result, dims=dims)
    return result


class TransposeBackward0(Node):
    def backward(self, grad):
        return (grad.transpose(self.dim0, self.dim1),)


def transpose(input, dim0, dim1):
    a = input._data
    d0, d1 = _wrap_dim(dim0, a.ndim), _wrap_dim(dim1, a.ndim)
    result = make_view(input, np.swapaxes(a, d0, d1))
    if GradMode.enabled and input._requires_grad:
        record(TransposeBackward0, (input,), result, dim0=d0, dim1=d1)
    return result


swapaxes = swapdims = transpose


class TBackward0(Node):
    def backward(self, grad):
        return (grad.t(),)


def t(input):
    a = input._data
    if a.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {a.ndim}D")
    result = make_view(input, a.T)
    if GradMode.enabled and input._requires_grad:
        record(TBackward0, (input,), result)
    return result


def flatten(input, start_dim=0, end_dim=-1):
    a = input._data
    if a.ndim == 0:
        return reshape(input, 1)
    s = _wrap_dim(start_dim, a.ndim)
    e = _wrap_dim(end_dim, a.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    n = 1
    for d in a.shape[s:e + 1]:
        n *= d
    return reshape(input, a.shape[:s] + (n,) + a.shape[e + 1:])


def ravel(input):
    return reshape(input, -1)
