"""Convolution and pooling primitives over any number of spatial dimensions.

A convolution is one matrix product over a strided window view of the padded input
(im2col by numpy stride tricks).  Its two gradients are convolutions too: the input
gradient is the transposed convolution of the output gradient with the weight, and the
weight gradient correlates the input with the output gradient.  The three ops are each
other's derivatives, so gradients of any order come from these three records:

    <conv(x, w), g> = <x, input_grad(g, w)> = <w, weight_grad(x, g)>

Geometry (`_Geometry`) is shared: per spatial dimension a stride, dilation and a
(before, after) zero padding.  Pooling uses the same window views, padded with -inf
for max pooling.
"""
import itertools
import math

from .. import _dtype as D
from .._backend import backend_of_type, cpu
from ._core import Op, apply
from ._core import xp_of as _xp_of

_host = cpu.xp  # integer limits of dtypes
_INT64 = D.int64._np



def _as_strided(a, shape, strides, writeable=True):
    return backend_of_type(type(a)).as_strided(a, shape, strides, writeable)


def _offsets(kernel):
    """Every offset in a kernel, in C order (numpy's ndindex)."""
    return itertools.product(*(range(k) for k in kernel))
_new_object = object.__new__


class _Geometry:
    """Window placement: output size and where each window reads the padded input."""

    def __init__(self, spatial, kernel, stride, dilation, pads):
        self.spatial = tuple(spatial)
        self.kernel = tuple(kernel)
        self.stride = tuple(stride)
        self.dilation = tuple(dilation)
        self.pads = tuple(pads)  # per dimension: (before, after)
        self.out = tuple((n + lo + hi - d * (k - 1) - 1) // s + 1 for n, k, s, d, (lo, hi)
                         in zip(spatial, kernel, stride, dilation, pads))

    def padded(self, a, fill=0):
        """a (N, C, *spatial) with the padding added."""
        xp = _xp_of(a)
        if not any(lo or hi for lo, hi in self.pads):
            return a
        out = xp.full(a.shape[:2] + tuple(n + lo + hi for n, (lo, hi)
                                          in zip(self.spatial, self.pads)), fill, a.dtype)
        out[self.interior()] = a
        return out

    def interior(self):
        """The slices of a padded array that hold the input."""
        return (slice(None), slice(None)) + tuple(slice(lo, lo + n) for n, (lo, _)
                                                  in zip(self.spatial, self.pads))

    def windows(self, padded):
        """A read-only view (N, C, *out, *kernel) of the windows of a padded array."""
        st = padded.strides
        shape = padded.shape[:2] + self.out + self.kernel
        strides = st[:2] + tuple(st[2 + i] * s for i, s in enumerate(self.stride)) + \
            tuple(st[2 + i] * d for i, d in enumerate(self.dilation))
        return _as_strided(padded, shape, strides, writeable=False)

    def scatter(self, cols, shape, dtype):
        """The adjoint of `windows`: add cols (N, C, *out, *kernel) back into an input
        of `shape`, one kernel offset at a time (overlapping windows add up)."""
        xp = _xp_of(cols)
        padded = xp.zeros(shape[:2] + tuple(n + lo + hi for n, (lo, hi)
                                            in zip(self.spatial, self.pads)), dtype)
        nd = len(self.kernel)
        for offset in _offsets(self.kernel):
            dest = (slice(None), slice(None)) + tuple(
                slice(o * d, o * d + s * (m - 1) + 1, s)
                for o, d, s, m in zip(offset, self.dilation, self.stride, self.out))
            padded[dest] += cols[(Ellipsis,) + offset] if nd else cols
        return padded[self.interior()]


def _grouped(a, groups):
    """(N, C, ...) -> (N, groups, C // groups, ...)"""
    return a.reshape(a.shape[:1] + (groups, a.shape[1] // groups) + a.shape[2:])


def _cols(x, geo, groups):
    """im2col with the channels last: the windows of x (N, C, *S) as a matrix per group,
    shape (N * prod(out), groups, prod(kernel) * C // groups).  Moving the channels last
    first makes each kernel row a contiguous run of the copy (kernel width times
    channels), several times faster than gathering windows of the (N, C, *S) layout."""
    xp = _xp_of(x)
    nd = len(geo.kernel)
    padded = xp.ascontiguousarray(xp.moveaxis(geo.padded(x), 1, -1))    # N, *Sp, C
    st = padded.strides
    cg = padded.shape[-1] // groups
    shape = (padded.shape[0],) + geo.out + (groups,) + geo.kernel + (cg,)
    strides = (st[0],) + tuple(st[1 + i] * s for i, s in enumerate(geo.stride)) + \
        (cg * st[-1],) + tuple(st[1 + i] * d for i, d in enumerate(geo.dilation)) + (st[-1],)
    windows = _as_strided(padded, shape, strides, writeable=False)
    rows = math.prod(shape[:1 + nd])
    return windows.reshape(rows, groups, -1)


def _kernel_rows(w, groups):
    """w (O, C // groups, *K) as (groups, O // groups, prod(K) * C // groups), the
    channels last to match _cols."""
    wl = _xp_of(w).moveaxis(w, 1, -1)                                    # O, *K, Cg
    return wl.reshape(groups, w.shape[0] // groups, -1)


def _conv_array(x, w, geo, groups):
    """The convolution of arrays x (N, C, *S) and w (O, C // groups, *K): one matrix
    product per group over the im2col matrix."""
    xp = _xp_of(x)
    cols = _cols(x, geo, groups)
    kernels = _kernel_rows(w, groups)
    parts = [xp.dot(cols[:, i], kernels[i].T) for i in range(groups)]
    out = parts[0] if groups == 1 else xp.concatenate(parts, axis=-1)
    out = out.reshape((x.shape[0],) + geo.out + (w.shape[0],))
    return xp.ascontiguousarray(xp.moveaxis(out, -1, 1))


def _grad_rows(g, groups):
    """g (N, O, *out) as (N * prod(out), groups, O // groups), channels last."""
    xp = _xp_of(g)
    gl = xp.ascontiguousarray(xp.moveaxis(g, 1, -1))
    return gl.reshape(-1, groups, g.shape[1] // groups)


def _input_grad_array(g, w, geo, groups, input_shape):
    """The transposed convolution: the gradient of conv(x, w) with respect to x.  Each
    window's gradient (a column of kernel^T @ grad) is added back where the window read
    (col2im), one kernel offset at a time.  With the channels first and the batch second,
    every add reads one contiguous block and writes rows of the output."""
    n = input_shape[0]
    og, cg = w.shape[0] // groups, w.shape[1]
    kernels = _kernel_rows(w, groups)                                    # g, Og, K*Cg
    xp = _xp_of(g)
    grad_rows = xp.ascontiguousarray(xp.moveaxis(g, 1, 0)).reshape(g.shape[1], -1)
    padded = xp.zeros((groups * cg, n) + tuple(m + lo + hi for m, (lo, hi)
                                               in zip(geo.spatial, geo.pads)),
                      xp.result_type(g, w))
    for i in range(groups):
        cols = xp.dot(kernels[i].T, grad_rows[i * og:(i + 1) * og])     # K*Cg, N*out
        cols = cols.reshape(geo.kernel + (cg, n) + geo.out)
        target = padded[i * cg:(i + 1) * cg]
        for offset in _offsets(geo.kernel):
            dest = (slice(None), slice(None)) + tuple(
                slice(o * d, o * d + s * (m - 1) + 1, s)
                for o, d, s, m in zip(offset, geo.dilation, geo.stride, geo.out))
            target[dest] += cols[offset]
    inside = (slice(None), slice(None)) + tuple(slice(lo, lo + m) for m, (lo, _)
                                                in zip(geo.spatial, geo.pads))
    return xp.ascontiguousarray(xp.moveaxis(padded[inside], 1, 0))


def _weight_grad_array(x, g, geo, groups, weight_shape):
    """The gradient of conv(x, w) with respect to w: grad^T @ im2col, per group."""
    xp = _xp_of(x)
    cols = _cols(x, geo, groups)
    grows = _grad_rows(g, groups)
    og = grows.shape[-1]
    parts = [xp.dot(grows[:, i].T, cols[:, i]) for i in range(groups)]    # Og, K*Cg
    dw = xp.concatenate(parts, axis=0) if groups > 1 else parts[0]
    dw = dw.reshape((groups * og,) + geo.kernel + (weight_shape[1],))
    return xp.ascontiguousarray(xp.moveaxis(dw, -1, 1)).astype(x.dtype, copy=False)


def _add_bias(out, b, geometry):
    if b is not None:
        out += b.reshape((-1,) + (1,) * len(geometry.kernel))
    return out


class ConvolutionBackward0(Op):
    """conv(x, w) + b for x (N, C, *S), w (O, C // groups, *K), b (O,) or None."""

    args = ("self", "weight", "bias")
    saves = ("self", "weight")

    @staticmethod
    def forward(xp, x, w, b, geometry, groups):
        return _add_bias(_conv_array(x, w, geometry, groups), b, geometry)

    def backward(self, grad):
        x, w = self.saved()
        geo, groups = self.geometry, self.groups
        gx = conv_input_grad(grad, w, geo, groups, x.shape) if self._next[0] is not None \
            else None
        gw = conv_weight_grad(x, grad, geo, groups, w.shape) if self._next[1] is not None \
            else None
        gb = None
        if len(self._next) > 2 and self._next[2] is not None:
            gb = conv_bias_grad(grad, x, w)
        return gx, gw, gb


class ConvolutionBackwardBackward0(Op):
    """The node of a convolution's input gradient (a transposed convolution)."""

    args = ("grad_output", "weight")
    saves = ("grad_output", "weight")

    @staticmethod
    def forward(xp, g, w, geometry, groups, input_shape):
        return _input_grad_array(g, w, geometry, groups, tuple(input_shape))

    def backward(self, grad):
        g, w = self.saved()
        geo, groups = self.geometry, self.groups
        dg = convolution(grad, w, None, geo, groups) if self._next[0] is not None else None
        dw = conv_weight_grad(grad, g, geo, groups, w.shape) if self._next[1] is not None \
            else None
        return dg, dw


class _ConvWeightGradBackward(Op):
    """The node of a convolution's weight gradient."""

    args = ("self", "grad_output")
    saves = ("self", "grad_output")

    @staticmethod
    def forward(xp, x, g, geometry, groups, weight_shape):
        return _weight_grad_array(x, g, geometry, groups, tuple(weight_shape))

    def name(self):
        return "ConvolutionBackwardBackward0"

    def backward(self, grad):
        x, g = self.saved()
        geo, groups = self.geometry, self.groups
        dx = conv_input_grad(g, grad, geo, groups, x.shape) if self._next[0] is not None \
            else None
        dg = convolution(x, grad, None, geo, groups) if self._next[1] is not None else None
        return dx, dg


class _ConvBiasGradBackward(Op):
    """The node of a convolution's bias gradient.  Like torch's (one node computes all
    three gradients), it has the input and weight as inputs too, with zero derivative."""

    args = ("grad_output", "self", "weight")

    @staticmethod
    def forward(xp, g, x, w, grad_shape):
        return g.sum(axis=(0,) + tuple(range(2, g.ndim)), dtype=g.dtype)

    def name(self):
        return "ConvolutionBackwardBackward0"

    def backward(self, grad):
        shape = (1, -1) + (1,) * (len(self.grad_shape) - 2)
        return grad.reshape(shape).expand(self.grad_shape), None, None


def conv_bias_grad(g, x, w):
    return apply(_ConvBiasGradBackward, g, x, w, grad_shape=g.shape)


def convolution(x, w, b, geo, groups):
    """conv(x, w) + b for tensors x (N, C, *S), w (O, C // groups, *K), b (O,) or None."""
    return apply(ConvolutionBackward0, x, w, b, geometry=geo, groups=groups)


def conv_input_grad(g, w, geo, groups, input_shape):
    return apply(ConvolutionBackwardBackward0, g, w, geometry=geo, groups=groups,
                 input_shape=input_shape)


def conv_weight_grad(x, g, geo, groups, weight_shape):
    return apply(_ConvWeightGradBackward, x, g, geometry=geo, groups=groups,
                 weight_shape=weight_shape)


class _ConvTransposeBackward(Op):
    """The node of a transposed convolution (torch records it as ConvolutionBackward0:
    one `convolution` op with transposed=True).  By the adjoint identity above, its input
    gradient is a plain convolution of the output gradient, and its weight gradient
    correlates the output gradient with the input."""

    args = ("self", "weight", "bias")
    saves = ("self", "weight")

    @staticmethod
    def forward(xp, x, w, b, geometry, groups, output_shape):
        return _add_bias(_input_grad_array(x, w, geometry, groups, tuple(output_shape)), b,
                         geometry)

    def name(self):
        return "ConvolutionBackward0"

    def backward(self, grad):
        x, w = self.saved()
        geo, groups = self.geometry, self.groups
        gx = convolution(grad, w, None, geo, groups) if self._next[0] is not None else None
        gw = conv_weight_grad(grad, x, geo, groups, w.shape) if self._next[1] is not None \
            else None
        gb = None
        if len(self._next) > 2 and self._next[2] is not None:
            gb = conv_bias_grad(grad, x, w)
        return gx, gw, gb


def conv_transpose(x, w, b, geo, groups, output_shape):
    """The transposed convolution of x (N, C_in, *S) with w (C_in, C_out // groups, *K),
    plus b (C_out,) or None: the input gradient of the convolution of an input of
    `output_shape` whose windows `geo` places (geo.out is x's spatial size)."""
    return apply(_ConvTransposeBackward, x, w, b, geometry=geo, groups=groups,
                 output_shape=output_shape)


# --- max pooling ------------------------------------------------------------------------

def _pool_geometry(spatial, kernel, stride, padding, dilation, ceil_mode):
    """Geometry of a pooling: with ceil_mode a last partial window is kept when it
    starts inside the input or its left padding, and the right padding grows to hold it."""
    pads = []
    for n, k, s, p, d in zip(spatial, kernel, stride, padding, dilation):
        span = n + 2 * p - d * (k - 1) - 1
        out = (-(-span // s) if ceil_mode else span // s) + 1
        if ceil_mode and (out - 1) * s >= n + p:
            out -= 1
        pads.append((p, max(p, (out - 1) * s + d * (k - 1) + 1 - n - p)))
    return _Geometry(spatial, kernel, stride, dilation, pads)


def _max_pool_arrays(x, geo):
    """Values and torch's indices (flat positions in each input plane) of a max pool.

    torch's kernel scans each window in row-major order from its first position inside
    the input, keeping a value greater than the best so far, or a nan (the last nan
    wins).  Here every pass runs over the strided view of all windows' elements at one
    kernel offset (no copy of the windows): the values are a running maximum (which
    propagates nan as the scan does); the index of a window is its first position that
    equals the maximum, found by assigning offsets last to first; windows holding a nan
    then take their last nan's position."""
    xp = _xp_of(x)
    nd = len(geo.kernel)
    floating = x.dtype.kind == "f"
    fill = -math.inf if floating else _host.iinfo(x.dtype).min
    padded = geo.padded(x, fill)
    out_shape = x.shape[:2] + geo.out
    starts = [xp.arange(geo.out[i]) * geo.stride[i] - geo.pads[i][0] for i in range(nd)]
    padding = any(lo or hi for lo, hi in geo.pads)
    offsets = list(_offsets(geo.kernel))

    def view(offset):
        return padded[(slice(None), slice(None)) + tuple(
            slice(o * d, o * d + s * (m - 1) + 1, s)
            for o, d, s, m in zip(offset, geo.dilation, geo.stride, geo.out))]

    def position(offset):
        """Flat input positions read at `offset`, and where they are inside the input."""
        flat = xp.zeros(geo.out, _INT64)
        inside = xp.ones(geo.out, bool) if padding else None
        for i in range(nd):
            at = (starts[i] + offset[i] * geo.dilation[i]).reshape(
                (-1,) + (1,) * (nd - 1 - i))
            flat = flat * geo.spatial[i] + at
            if padding:
                inside = inside & (at >= 0) & (at < geo.spatial[i])
        return flat, inside

    best = view(offsets[0]).copy()
    for offset in offsets[1:]:
        xp.maximum(best, view(offset), out=best)
    # torch's starting index: each window's first position inside the input
    first = xp.zeros(geo.out, _INT64)
    for i in range(nd):
        first = first * geo.spatial[i] + xp.maximum(starts[i], 0).reshape(
            (-1,) + (1,) * (nd - 1 - i))
    index = xp.broadcast_to(first, out_shape).copy()
    hit = xp.empty(out_shape, bool)
    for offset in reversed(offsets):
        xp.equal(view(offset), best, out=hit)
        flat, inside = position(offset)
        if inside is not None:
            hit &= inside
        xp.copyto(index, flat, where=hit)
    if floating and xp.isnan(best).any():
        for offset in offsets:
            xp.isnan(view(offset), out=hit)
            xp.copyto(index, position(offset)[0], where=hit)
    return best, index


class _MaxPoolBackward(Op):
    """(values, indices) of a max pool of x (N, C, *S)."""

    saves = ("result1", "self")

    @staticmethod
    def forward(xp, x, geometry, nd):
        return _max_pool_arrays(x, geometry)

    def backward(self, grads):
        indices, x = self.saved()
        return (max_pool_backward(grads[0], x, indices, self.nd),)


class MaxPool1DWithIndicesBackward0(_MaxPoolBackward):
    pass


class MaxPool2DWithIndicesBackward0(_MaxPoolBackward):
    pass


class MaxPool3DWithIndicesBackward0(_MaxPoolBackward):
    pass


_MAX_POOL_NODES = {1: MaxPool1DWithIndicesBackward0, 2: MaxPool2DWithIndicesBackward0,
                   3: MaxPool3DWithIndicesBackward0}


def max_pool(x, geo):
    """(values, indices) of a max pool of x (N, C, *S)."""
    nd = len(geo.kernel)
    return apply(_MAX_POOL_NODES[nd], x, geometry=geo, nd=nd)


class MaxPoolBackwardBackward(Op):
    """The node of a max pool's input gradient: each output's gradient added at its
    argmax.  As torch's, it has the pooled input as an input too, with zero derivative."""

    args = ("grad_output", "self", "indices")
    nondifferentiable = ("indices",)
    saves = ("indices",)

    @staticmethod
    def forward(xp, g, x, index, nd):
        lead = g.shape[:-nd]
        plane = math.prod(x.shape[-nd:])
        rows = math.prod(lead)
        base = (xp.arange(rows) * plane).reshape(lead + (1,) * nd)
        total = xp.bincount((index + base).reshape(-1), weights=g.reshape(-1),
                            minlength=rows * plane)
        return total.astype(g.dtype, copy=False).reshape(x.shape)

    def name(self):
        return f"MaxPool{self.nd}DWithIndicesBackwardBackward0"

    def backward(self, grad):
        (indices,) = self.saved()
        nd = self.nd
        flat = grad.flatten(-nd).gather(-1, indices.flatten(-nd))
        return flat.reshape(indices.shape), None


def max_pool_backward(grad, x, indices, nd):
    """The gradient of a max pool of x: each output's gradient added at its argmax."""
    return apply(MaxPoolBackwardBackward, grad, x, indices, nd=nd)


# --- average pooling --------------------------------------------------------------------

def _avg_divisor(geo, count_include_pad, divisor_override, dtype, xp):
    """The divisor of each output position (torch's pool_size / valid count)."""
    if divisor_override:
        return dtype.type(divisor_override)
    counts = None
    for i, (n, k, s, d, (lo, _)) in enumerate(zip(geo.spatial, geo.kernel, geo.stride,
                                                  geo.dilation, geo.pads)):
        start = xp.arange(geo.out[i]) * s - lo
        end = xp.minimum(start + k, n + lo)
        if count_include_pad:
            size = end - start
        else:
            size = xp.minimum(end, n) - xp.maximum(start, 0)
        size = size.reshape((-1,) + (1,) * (len(geo.kernel) - 1 - i))
        counts = size if counts is None else counts * size
    return counts.astype(dtype)


class _AvgPoolBackward(Op):
    """Window sums over their divisors (the adjoint of avg_pool_backward)."""

    saves = ("self",)

    @staticmethod
    def forward(xp, a, geometry, divisor):
        nd = len(geometry.kernel)
        total = geometry.windows(geometry.padded(a)).sum(axis=tuple(range(-nd, 0)),
                                                         dtype=a.dtype)
        return (total / divisor).astype(a.dtype, copy=False)

    def backward(self, grad):
        (x,) = self.saved()
        return (avg_pool_backward(grad, x, self.geometry, self.divisor),)


class AvgPool1DBackward0(_AvgPoolBackward):
    pass


class AvgPool2DBackward0(_AvgPoolBackward):
    pass


class AvgPool3DBackward0(_AvgPoolBackward):
    pass


_AVG_POOL_NODES = {1: AvgPool1DBackward0, 2: AvgPool2DBackward0, 3: AvgPool3DBackward0}


def avg_pool(x, geo, count_include_pad=True, divisor_override=None):
    divisor = _avg_divisor(geo, count_include_pad, divisor_override, x._data.dtype, x._xp)
    return _avg_pool_sums(x, geo, divisor)


def _avg_pool_sums(x, geo, divisor):
    return apply(_AVG_POOL_NODES[len(geo.kernel)], x, geometry=geo, divisor=divisor)


class AvgPoolBackwardBackward(Op):
    """The node of an average pool's input gradient (the pooled input is an input too,
    with zero derivative, as in torch)."""

    args = ("grad_output", "self")

    @staticmethod
    def forward(xp, g, x, geometry, divisor):
        nd = len(geometry.kernel)
        spread = (g / divisor).astype(g.dtype, copy=False)
        cols = xp.broadcast_to(spread[(Ellipsis,) + (None,) * nd], g.shape + geometry.kernel)
        return xp.ascontiguousarray(geometry.scatter(cols, x.shape, g.dtype))

    def name(self):
        return f"AvgPool{len(self.geometry.kernel)}DBackwardBackward0"

    def backward(self, grad):
        return _avg_pool_sums(grad, self.geometry, self.divisor), None


def avg_pool_backward(grad, x, geo, divisor):
    return apply(AvgPoolBackwardBackward, grad, x, geometry=geo, divisor=divisor)
