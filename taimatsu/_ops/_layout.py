"""Memory layouts of op results, as torch chooses them.

numpy lays a result out in the order of its inputs (order K); torch has three rules,
one per family of ops, and code that calls `.view()` on a result depends on them:

- contiguous: reductions over dims, softmax, cumulative ops, masked_fill, cat ...
  allocate a C-contiguous result whatever the input's layout (`contiguous`);
- preserve_format: empty_like, clone, sort, flip ... keep a dense input's strides and
  give a non-dense input dense strides in the order of its own (`preserve_axes`);
- TensorIterator: an elementwise op orders dims by its operands' strides, the first
  operand with a strict preference deciding (`iterator_axes`).

Every helper costs one flag check when the input is C-contiguous, the common case.
"""
from .._backend import backend_of_type, BY_ARRAY_TYPE, ndarray


def _xp(a):
    return backend_of_type(type(a)).xp


def contiguous(r):
    """`r` as a C-contiguous array whose unit dims have C strides too (torch gives a
    fresh contiguous tensor's size-1 dims the stride of the dims inside them)."""
    if r.flags.c_contiguous:
        if r.ndim < 2 or 1 not in r.shape or _has_c_strides(r):
            return r
        return r.copy()
    return _xp(r).ascontiguousarray(r)


def contiguous_unless(r, a):
    """`contiguous(r)` for a result of input array `a`; when `a` is C-contiguous numpy
    already laid `r` out so, and this costs one flag check."""
    if a.flags.c_contiguous:
        return r
    return contiguous(r)


def _has_c_strides(r):
    step = r.itemsize
    for n, s in zip(reversed(r.shape), reversed(r.strides)):
        if s != step:
            return False
        step *= n
    return True


def _should_swap(shape, operands, d0, d1):
    """TensorIterator's comparison of dims d0 and d1 (1: d0 is the slower one)."""
    for strides in operands:
        s0 = strides[d0]
        s1 = strides[d1]
        if s0 == 0 or s1 == 0:
            continue  # broadcast: this operand has no preference
        if s0 < s1:
            return -1
        if s0 > s1:
            return 1
        if shape[d0] > shape[d1]:
            return 1
    return 0


def dim_order(shape, operands):
    """The dims from slowest to fastest, as TensorIterator's reorder_dimensions sorts
    them (an insertion sort that leaves ambiguous pairs in C order)."""
    ndim = len(shape)
    perm = list(range(ndim - 1, -1, -1))  # fastest first, as torch keeps it
    for i in range(1, ndim):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            c = _should_swap(shape, operands, perm[d0], perm[d1])
            if c > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif c < 0:
                break
    perm.reverse()
    return perm


def element_strides(a, shape):
    """`a`'s strides in elements, broadcast to `shape` (0 where it is broadcast)."""
    item = a.itemsize
    lead = len(shape) - a.ndim
    out = [0] * lead
    for n, m, s in zip(a.shape, shape[lead:], a.strides):
        out.append(0 if n == 1 and m != 1 else s // item)
    return out


def is_dense(a):
    """Non-overlapping and dense (torch's is_non_overlapping_and_dense), for arrays
    whose strides are non-negative."""
    if a.flags.c_contiguous or a.flags.f_contiguous:
        return True
    dims = sorted((s, n) for n, s in zip(a.shape, a.strides) if n != 1)
    step = a.itemsize
    for s, n in dims:
        if s != step:
            return False
        step *= n
    return True


def preserve_axes(a):
    """The order of dims (slowest first) torch's preserve_format gives a copy of `a`;
    None where that is C order."""
    if a.flags.c_contiguous or a.ndim < 2:
        return None
    axes = dim_order(a.shape, [element_strides(a, a.shape)])
    return None if axes == sorted(axes) else axes


def iterator_axes(shape, arrays):
    """The order of dims (slowest first) TensorIterator gives the result of an op on
    `arrays` (broadcast to `shape`); None where that is C order."""
    if len(shape) < 2:
        return None
    axes = dim_order(shape, [element_strides(a, shape) for a in arrays if a.ndim])
    return None if axes == sorted(axes) else axes


def empty(shape, dtype, axes=None, xp=None):
    """empty() of `xp` (numpy's by default) laid out with dims in `axes` order (slowest
    first; None: C order)."""
    if xp is None:
        xp = BY_ARRAY_TYPE[ndarray].xp
    if axes is None:
        return xp.empty(shape, dtype)
    dense = xp.empty([shape[d] for d in axes], dtype)
    return dense.transpose(sorted(range(len(axes)), key=axes.__getitem__))


def in_order(r, axes):
    """`r`, copied into the layout `axes` (slowest first; None: C order) unless it has it."""
    if axes is None:
        return contiguous(r)
    if r.transpose(axes).flags.c_contiguous:
        return r
    xp = _xp(r)
    out = empty(r.shape, r.dtype, axes, xp)
    xp.copyto(out, r)
    return out


def preserve_empty(a, dtype=None):
    """An empty array shaped as `a`, laid out as torch.empty_like(a) lays it out."""
    dtype = a.dtype if dtype is None else dtype
    xp = _xp(a)
    if a.flags.c_contiguous or a.ndim < 2:
        return xp.empty(a.shape, dtype)
    return empty(a.shape, dtype, preserve_axes(a), xp)


def preserve_copy(a, dtype=None):
    """A copy of `a` (cast to `dtype`) laid out as torch's clone(preserve_format)."""
    if a.flags.c_contiguous or a.ndim < 2:
        return a.copy() if dtype is None else a.astype(dtype)
    out = preserve_empty(a, dtype)
    _xp(a).copyto(out, a, casting="unsafe")
    return out


def preserve(r, a):
    """Result `r` (shaped as input `a`) in the layout torch's preserve_format gives `a`."""
    if a.flags.c_contiguous or a.ndim < 2:
        return contiguous(r)
    return in_order(r, preserve_axes(a))


def suggest_axes(a):
    """torch's suggest_memory_format as an order of dims: channels-last for a 4-D (5-D)
    input whose strides are channels-last's, else None (contiguous)."""
    if a.ndim == 4 and _channels_last_strides(a.shape, a.strides, (1, 3, 2, 0)):
        return [0, 2, 3, 1]
    if a.ndim == 5 and _channels_last_strides(a.shape, a.strides, (1, 4, 3, 2, 0)):
        return [0, 2, 3, 4, 1]
    return None


def _channels_last_strides(shape, strides, dims):
    """c10's is_channels_last_strides_2d/3d: ambiguous cases count as contiguous."""
    if strides[1] == 0:
        return False
    low = 0
    for d in dims:
        if shape[d] == 0 or strides[d] < low:
            return False
        if d == 0 and low == strides[1]:
            return False
        low = strides[d] * (shape[d] if shape[d] > 1 else 1)
    return True


def suggested(r, a):
    """Result `r` of input array `a` laid out in `a`'s suggested memory format
    (channels-last or contiguous), as convolutions, pooling and batch_norm allocate."""
    if a.flags.c_contiguous:
        return r
    return in_order(r, suggest_axes(a))


def binary_result(r, x, y):
    """numpy's result `r` of an elementwise op on arrays `x` (not C-contiguous) and `y`,
    in TensorIterator's layout.  They differ where the operands disagree on an order:
    numpy then falls back to C order, torch follows the first operand."""
    if type(y) is not ndarray or y.ndim == 0 or r.ndim < 2:
        return r
    if _c_ordered(x) and (y.flags.c_contiguous or _c_ordered(y)):
        # no operand prefers another order (an expanded gradient times a contiguous
        # tensor, the common case in backward): both libraries lay the result out in C
        # order, and the general rule below costs ten times this test
        return r
    return in_order(r, iterator_axes(r.shape, (x, y)))


def _c_ordered(a):
    """Whether `a`'s strides never grow from one dim to the next, leaving out broadcast
    and size-1 dims: `a` has no preference against C order."""
    last = None
    for n, s in zip(a.shape, a.strides):
        if n != 1 and s:
            if last is not None and s > last:
                return False
            last = s
    return True
