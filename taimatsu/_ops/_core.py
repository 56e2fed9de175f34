"""What every op shares: the op record, `apply`, recording a node, promoting dtypes, and
the unary and binary specialisations of `apply`.

An op is one record: a `Op` subclass named as torch names its node (`ExpBackward0`),
holding `forward(xp, *arrays, **params)` on raw arrays of the array module `xp`, what its
backward reads (`saves`), and `backward(self, grad)` written with taimatsu's own ops.
`apply(op, *inputs, **params)` runs it: `xp` from the inputs' device, the forward, the
result wrapped, the node recorded when a gradient is needed.  `unary` and `binary` are
`apply` specialised for the elementwise families, with the fast paths that keep tiny ops
cheap; each computes what `apply` computes.
"""
from functools import partial

from .. import _dtype as D
from .._backend import BY_ARRAY_TYPE, backend_of_type, cpu, ndarray
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import GradMode
from ..autograd.graph import ANOMALY as _ANOMALY, HOOKS as _HOOKS, remember_forward
from ..autograd.graph import Node, SavedOutput, accumulator_of, next_seq, pack_saved
from ._layout import binary_result

_FROM_NUMPY = D.FROM_NUMPY
_new_object = object.__new__
_cpu_xp = cpu.xp


# The torch namespace, as the op families declare it: `torch.<name>` for each public
# function (`public`), and which in-place variants each has.  `taimatsu/__init__` exports
# TORCH; `inplace.derive_inplace` makes the variants once every family is loaded.
TORCH = {}
INPLACE = {}  # name -> "method" (Tensor.name_), "function" (torch.name_) or "both"


def public(fn=None, *, name=None, inplace=None):
    """Declare `fn` as `torch.<name>` (default: its own name), with the in-place variants
    `inplace` names.  A decorator too: `@public(inplace="both")`."""
    if fn is None:
        return partial(public, name=name, inplace=inplace)
    if inplace not in (None, "method", "function", "both"):
        raise ValueError(f"inplace={inplace!r}")
    name = fn.__name__ if name is None else name
    TORCH[name] = fn
    if inplace is not None:
        INPLACE[name] = inplace
    return fn


def _op_name(node):
    """The aten op behind a node, as torch names it in messages: LinalgInvExBackward0 ->
    linalg_inv_ex, Log1PBackward0 -> log1p; a fused record's is the op it fuses."""
    fused = getattr(node, "fused", None)
    if fused is not None:
        return fused.split(":")[0]
    import re
    stem = type(node).__name__.split("Backward")[0]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", stem).lower()


# the C++ type names torch's "Expected out tensor to have dtype ..." message uses
_CPP_NAMES = {"float64": "double", "float32": "float", "float16": "c10::Half",
              "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
              "uint8": "unsigned char", "bool": "bool", "complex64": "c10::complex<float>",
              "complex128": "c10::complex<double>"}


def write_out(out, result, inputs=(), name=None, dtype="cast"):
    """torch's out= for every op: `result` written into `out` (resized as torch resizes it)
    and `out` returned, or `result` when there is no `out`.  As torch: no out= where a
    gradient is needed (`name`, default from the node's name, is the op in the message);
    never a resize of an out= that is one of the op's `inputs`, nor one that overlaps them
    in part.  `dtype` is the op's rule for out's dtype: "cast" (elementwise ops: no result
    of a higher category than out's, float into int), "same" (matrix products, linalg,
    gather: out's dtype must be the result's) or "any" (reductions: any dtype)."""
    if out is None:
        return result
    if result._requires_grad and GradMode.enabled:
        if name is None:
            name = _op_name(result._grad_fn)
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support "
                           "automatic differentiation, but one of the arguments requires grad.")
    if out.shape != result.shape and any(out is t for t in inputs):
        raise RuntimeError(f"output with shape {list(out.shape)} doesn't match the broadcast "
                           f"shape {list(result.shape)}")
    from .copy import check_partial_overlap, check_writable_dtype
    check_partial_overlap(out._data, inputs)
    if dtype == "cast":
        check_writable_dtype(out, result._data.dtype)
    elif dtype == "same" and out._data.dtype != result._data.dtype:
        want, got = result._data.dtype.name, out._data.dtype.name
        raise RuntimeError(f"Expected out tensor to have dtype {_CPP_NAMES.get(want, want)}, "
                           f"but got {_CPP_NAMES.get(got, got)} instead")
    if out.shape != result.shape:
        out.resize_(result.shape)
    out.copy_(result)
    return out


class Op(Node):
    """An op's record: see the module's docstring.

    - `args`: the names of the forward's array inputs, in order;
    - `saves`: what backward reads from `self.saved()`, by name: input names, "result"
      (the output), or "result0", "result1" ... (one output of several); or "inputs",
      all of them, however many;
    - `ufunc`: for an op whose forward is one function of the array module, its name
      (`"exp"`): the forward is then made here, as is `cpu_forward`, the same function
      of numpy bound once, which the fast paths call on cpu arrays without `xp`;
    - `view`: the forward returns views of its first input's array, and the results are
      views of that tensor (its memory, version counter and `_base`), as torch's views;
    - `differentiable_outputs`: for an op with several outputs, which are differentiable
      (torch's output_differentiability; default: every float output);
    - `nondifferentiable`: the names of inputs that get no edge in the graph (a loss's
      target, batch norm's running statistics), as torch's nodes have none for them; the
      backward returns gradients for the others only;
    - `aten`: torch's name for the function, where torch refuses a `nondifferentiable`
      input that requires grad ("The function 'nll_loss_forward' is not differentiable
      with respect to argument 'weight'"); the op's args carry torch's argument names.
    """

    args = ("self",)
    aten = None
    saves = ()
    ufunc = None
    view = False
    nondifferentiable = ()
    _edge_at = None  # the positions of the inputs with edges, where some have none
    _refused_at = ()  # (position, name) of the inputs torch refuses to see requiring grad

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("ufunc")
        if name is not None:
            cls.forward = staticmethod(_ufunc_forward(name))
            cls.cpu_forward = staticmethod(getattr(_cpu_xp, name))
        elif "forward" in cls.__dict__:
            cls.cpu_forward = staticmethod(partial(cls.__dict__["forward"].__func__, _cpu_xp))
        if cls.saves == "inputs":  # every input, however many (einsum's operands)
            cls._save_at = "inputs"
        else:
            cls._save_at = tuple(_save_position(cls.args, s) for s in cls.saves)
        if cls.nondifferentiable:
            cls._edge_at = tuple(i for i, name in enumerate(cls.args)
                                 if name not in cls.nondifferentiable)
            cls._refused_at = tuple((i, name) for i, name in enumerate(cls.args)
                                    if name in cls.nondifferentiable) if cls.aten else ()


class NotImplementedOp(Op):
    """The record of an op that torch has no derivative formula for: torch records a
    NotImplemented node, and a backward through it fails.  Each such op is a subclass
    holding its forward (`aten`: the op's name in the error); all share torch's node
    name."""

    aten = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.__name__ = "NotImplemented"

    def name(self):
        return "torch::autograd::NotImplemented"

    def backward(self, grad):
        raise RuntimeError(f"derivative for aten::{self.aten} is not implemented")


def _save_position(args, name):
    # an input's position; -1 for the result, -2 - k for the k-th of several results
    if name == "result":
        return -1
    if name.startswith("result"):
        return -2 - int(name[6:])
    return args.index(name)


def _ufunc_forward(name):
    def forward(xp, *arrays):
        return getattr(xp, name)(*arrays)
    forward.__name__ = name
    return forward


def device_error(a, b):
    return RuntimeError("Expected all tensors to be on the same device, but found at least two "
                        f"devices, {backend_of_type(type(a)).device} and "
                        f"{backend_of_type(type(b)).device}!")


def backend_of(*inputs):
    """The backend of the tensors among `inputs` (the cpu's if there are none), or torch's
    error when they are on different devices."""
    first = None
    for t in inputs:
        if isinstance(t, Tensor):
            a = t._data
            if first is None:
                first = a
            elif type(a) is not type(first) and \
                    backend_of_type(type(a)) is not backend_of_type(type(first)):
                raise device_error(first, a)
    return cpu if first is None else backend_of_type(type(first))


def broadcast_shapes(*shapes):
    """The shape `shapes` broadcast to, or numpy's ValueError (shape arithmetic on the
    host, for every backend)."""
    ndim = max((len(s) for s in shapes), default=0)
    out = [1] * ndim
    for shape in shapes:
        for i, n in enumerate(shape, ndim - len(shape)):
            if n != 1:
                if out[i] != 1 and out[i] != n:
                    raise ValueError(f"shape mismatch: objects cannot be broadcast to a single "
                                     f"shape: {shape}")
                out[i] = n
    return tuple(out)


def xp_of(value):
    """The array module of a tensor, an array, or the first tensor of a sequence; numpy's
    for numbers and host data."""
    if type(value) is Tensor:
        value = value._data
    try:
        return BY_ARRAY_TYPE[type(value)].xp  # one lookup: called by most ops
    except KeyError:
        pass
    if isinstance(value, Tensor):
        return value._xp
    if isinstance(value, (list, tuple)):
        for v in value:
            if isinstance(v, Tensor) or type(v) in BY_ARRAY_TYPE:
                return xp_of(v)
    return _cpu_xp


def apply(op, *inputs, **params):
    """Run the record `op` on `inputs` (tensors, or numbers and None where the op takes
    them): the one seam every op passes.  `params` go to the forward and become the
    node's attributes.  The forward returns an array or a tuple of arrays."""
    if len(inputs) == 1 and type(inputs[0]) is Tensor:
        # one tensor (the activations, reductions, views ...): its array's backend, one
        # result (make_view inlined: backward formulas make many views)
        t = inputs[0]
        a = t._data
        xp = BY_ARRAY_TYPE[type(a)].xp
        # (a call with **{} costs more than one without: most ops have no params)
        r = op.forward(xp, a, **params) if params else op.forward(xp, a)
        if type(r) is not tuple:
            out = _new_object(Tensor)
            if op.view:
                out._data = r
                vc = t._vc
                if vc is None:
                    vc = t._vc = [0]
                out._vc = vc
                b = t._base
                out._base = b if b is not None else t
                if GradMode.enabled:
                    out._view_version = vc[0]
            else:
                out._data = r if type(r) in BY_ARRAY_TYPE else xp.asarray(r)
            if t._requires_grad and GradMode.enabled and out._data.dtype.kind in "fc":
                save_at = op._save_at
                saved = None
                if save_at:
                    saved = inputs if save_at == "inputs" else \
                        tuple(out if i == -1 else t for i in save_at)
                record(op, inputs, out, saved, params)
            return out
        return _finish(op, inputs, xp, r, params)  # several results (max(dim), sort ...)
    elif len(inputs) == 2 and not op.view:
        # two tensors on one device (the products, losses ...): one result, and for the
        # common saves, the two-input record unrolled
        t, u = inputs
        if type(t) is Tensor and type(u) is Tensor:
            a = t._data
            b = u._data
            if type(a) is type(b):
                xp = BY_ARRAY_TYPE[type(a)].xp
                r = op.forward(xp, a, b, **params) if params else op.forward(xp, a, b)
                if type(r) is not tuple:
                    out = _new_object(Tensor)
                    out._data = r if type(r) in BY_ARRAY_TYPE else xp.asarray(r)
                    if (t._requires_grad or u._requires_grad) and GradMode.enabled and \
                            out._data.dtype.kind in "fc":
                        save_at = op._save_at
                        if op._edge_at is None and (not save_at or save_at == (0, 1)):
                            node = record_binary(op, t, u, out, bool(save_at))
                            if params:
                                node.__dict__.update(params)
                        else:
                            _record_applied(op, inputs, out, params)
                    return out
                return _finish(op, inputs, xp, r, params)
    # the general path: one pass over the inputs finds the arrays, the device (torch's
    # error for two) and whether a gradient is needed
    first = None
    grad = False
    arrays = []
    for t in inputs:
        if type(t) is Tensor or (t is not None and isinstance(t, Tensor)):
            a = t._data
            if first is None:
                first = a
            elif type(a) is not type(first) and \
                    backend_of_type(type(a)) is not backend_of_type(type(first)):
                raise device_error(first, a)
            if t._requires_grad:
                grad = True
            arrays.append(a)
        else:
            arrays.append(t)
    if first is None:
        xp = _cpu_xp
    else:
        backend = BY_ARRAY_TYPE.get(type(first))
        # (backend_of_type: a numpy scalar some numpy function left in a tensor is cpu's)
        xp = (backend if backend is not None else backend_of_type(type(first))).xp
    r = op.forward(xp, *arrays, **params)
    if type(r) is not tuple and not op.view:
        out = _new_object(Tensor)
        out._data = r if type(r) in BY_ARRAY_TYPE else xp.asarray(r)
        if grad and GradMode.enabled and out._data.dtype.kind in "fc":
            _record_applied(op, inputs, out, params)
        return out
    return _finish(op, inputs, xp, r, params)


def _finish(op, inputs, xp, r, params):
    """apply's general path after the forward: wrap the result(s), record the node."""
    if op.view:
        base = inputs[0]
        out = tuple(make_view(base, a) for a in r) if type(r) is tuple else make_view(base, r)
    elif type(r) is tuple:
        out = tuple(None if a is None else _as_result(xp, a) for a in r)
    else:
        out = _as_result(xp, r)
    if GradMode.enabled and (type(out) is tuple or out._data.dtype.kind in "fc"):
        # (an integer or bool result has no gradient: a cast, an index ...)
        for t in inputs:
            if getattr(t, "_requires_grad", False):
                _record_applied(op, inputs, out, params)
                break
    return out


def _record_applied(op, inputs, out, params):
    # (loops, not generators: this runs for every recorded op of the general path)
    save_at = op._save_at
    saved = None
    if save_at == "inputs":
        saved = inputs
    elif save_at:
        saved = []
        for i in save_at:
            saved.append(inputs[i] if i >= 0 else out if i == -1 else out[-2 - i])
    edge_at = op._edge_at
    if edge_at is not None:
        kept = []
        for i in edge_at:
            kept.append(inputs[i])
        for i, name in op._refused_at:
            if getattr(inputs[i], "_requires_grad", False):
                # torch refuses a tensor that requires grad where an op has no derivative
                # for it (a loss's weight), rather than leaving it without a gradient
                raise not_differentiable(op.aten, name)
        inputs = kept
    record(op, inputs, out, saved, params)


def not_differentiable(function, argument):
    return RuntimeError(f"The function '{function}' is not differentiable with respect to "
                        f"argument '{argument}'. This input cannot have requires_grad True.")


def _as_result(xp, r):
    # functions of the array module give 0-d results as scalars (numpy) or arrays (CuPy)
    if type(r) not in BY_ARRAY_TYPE:
        r = xp.asarray(r)
    return _wrap(r)


def make_view(base, array):
    """A tensor over `array`, a view of `base`'s array: it shares `base`'s version counter
    and has `base`'s base (or `base`) as its `_base`, as torch's views."""
    t = _new_object(Tensor)
    t._data = array
    vc = base._vc
    if vc is None:  # base._get_vc(), inlined: backward formulas make many views
        vc = base._vc = [0]
    t._vc = vc
    b = base._base
    t._base = b if b is not None else base
    if GradMode.enabled:
        t._view_version = vc[0]
    return t


def zeros_of(t):
    """torch's zeros_like(grad) in derivative formulas: a constant, without a graph (and
    without the nan that grad * 0 makes of an infinite gradient)."""
    return _wrap(t._xp.zeros(t._data.shape, t._data.dtype))


def numpy_names(fn):
    """`fn` also taking numpy's argument names, as torch's argument parser does for every
    op: `axis` for `dim` and `keepdims` for `keepdim` (`x.sum(axis=1, keepdims=True)`)."""
    def op(*args, **kwargs):
        if kwargs:
            if "axis" in kwargs:
                if "dim" in kwargs:
                    raise TypeError(f"{fn.__name__}() got multiple values for argument 'dim'")
                kwargs["dim"] = kwargs.pop("axis")
            if "keepdims" in kwargs:
                kwargs["keepdim"] = kwargs.pop("keepdims")
        return fn(*args, **kwargs)
    op.__name__ = fn.__name__
    op.__qualname__ = fn.__qualname__
    op.__doc__ = fn.__doc__
    op.__wrapped__ = fn
    return op


def record(node_cls, inputs, out, saved=None, attr_dict=None, **attrs):
    """Make `out` (a tensor, or a tuple of tensors for multi-output ops) the result of a
    `node_cls` node whose inputs are `inputs`.  Non-tensor inputs get no edge.  The
    node's attributes are `attrs`, or `attr_dict` (apply's params, not packed again).

    The node remembers an input's shape and dtype only where they differ from the
    output's: there the engine must reduce or cast the gradient (see engine._fit)."""
    if attr_dict is not None:
        attrs = attr_dict
    node = _new_object(node_cls)
    node._seq = next_seq()
    edges = []
    meta = None
    multi = type(out) is tuple
    if not multi:
        oa = out._data
        out_shape = oa.shape
        out_dtype = oa.dtype
    for t in inputs:
        if type(t) is not Tensor and (t is None or not isinstance(t, Tensor)):
            edges.append(None)  # a number or an absent optional input
            continue
        vv = t._view_version
        if vv is not None and t._vc[0] != vv:
            refresh_view(t)
        if t._requires_grad:
            fn = t._grad_fn
            if fn is None:
                ref = t._accumulator
                fn = ref() if ref is not None else None
                if fn is None:
                    fn = accumulator_of(t)
                edge = (fn, 0)
            else:
                edge = (fn, t._output_nr)
            a = t._data
            if multi or a.shape != out_shape or a.dtype is not out_dtype:
                if meta is None:
                    meta = [None] * len(inputs)
                meta[len(edges)] = (a.shape, a.dtype)
            edges.append(edge)
        else:
            edges.append(None)
    node._next = edges
    if meta is not None:
        node._in_meta = meta
    if attrs:
        node.__dict__.update(attrs)
    if multi:
        node._n_outputs = len(out)
        differentiable = getattr(node_cls, "differentiable_outputs", None)
        for i, o in enumerate(out):
            if o is not None and o._data.dtype.kind in "fc" and (
                    differentiable is None or differentiable[i]):
                o._requires_grad = True
                o._grad_fn = node
                o._output_nr = i
        if saved is not None:
            # an output with this node as its history is saved without a reference to it;
            # a non-differentiable one is saved as it is (it has no history to cycle back)
            saved = [SavedOutput(s) if isinstance(s, Tensor) and s._grad_fn is node else s
                     for s in saved]
            node._store(saved)
    else:
        out._requires_grad = True
        out._grad_fn = node
        if saved is not None:
            # one pass: the output is saved as a SavedOutput (no reference cycle), other
            # tensors with the version they have now
            values = []
            versions = []
            for s in saved:
                if s is out:
                    values.append(SavedOutput(s))
                    versions.append(None)
                else:
                    values.append(s)
                    vc = s._vc if type(s) is Tensor else getattr(s, "_vc", None)
                    versions.append(vc[0] if vc is not None else None)
            node._saved = values
            node._saved_versions = versions
    if _HOOKS and saved is not None:
        pack_saved(node)
    if _ANOMALY:
        remember_forward(node)
    return node


def refresh_view(t):
    """A view whose storage was changed in place since its history was set (through its
    base or another view) gets a new history through the base, as torch regenerates it
    (AsStridedBackward0).  Checked lazily, where a view's history is read."""
    vc = t._vc
    if vc[0] == t._view_version:
        return
    t._view_version = vc[0]
    base = t._base
    if base._requires_grad and (t._requires_grad or base._grad_fn is not None):
        from .indexing import regenerate_view
        regenerate_view(t)


def _edge(t):
    if t._view_version is not None and t._vc[0] != t._view_version:
        refresh_view(t)
    fn = t._grad_fn
    if fn is not None:
        return (fn, t._output_nr)
    ref = t._accumulator
    fn = ref() if ref is not None else None
    return (fn if fn is not None else accumulator_of(t), 0)


def record_binary(node_cls, a, b, out, save_inputs):
    """`record` for a binary op on tensor `a` and tensor-or-number `b`, unrolled: the
    per-op cost of recording is most of the cost of a small op with autograd."""
    node = _new_object(node_cls)
    node._seq = next_seq()
    oa = out._data
    meta = None
    if a._requires_grad:
        # _edge(a) inlined for the two common cases, a result of an op and a leaf whose
        # AccumulateGrad node is alive (a graph still uses it)
        fn = a._grad_fn
        if a._view_version is not None:
            ea = _edge(a)
        elif fn is not None:
            ea = (fn, a._output_nr)
        else:
            ref = a._accumulator
            fn = ref() if ref is not None else None
            ea = (fn, 0) if fn is not None else (accumulator_of(a), 0)
        x = a._data
        if x.shape != oa.shape or x.dtype is not oa.dtype:
            meta = [(x.shape, x.dtype), None]
    else:
        ea = None
    if getattr(b, "_requires_grad", False):
        eb = _edge(b)
        y = b._data
        if y.shape != oa.shape or y.dtype is not oa.dtype:
            if meta is None:
                meta = [None, (y.shape, y.dtype)]
            else:
                meta[1] = (y.shape, y.dtype)
    else:
        eb = None
    node._next = (ea, eb)
    if meta is not None:
        node._in_meta = meta
    out._requires_grad = True
    out._grad_fn = node
    if save_inputs:
        node._saved = (a, b)
        vb = getattr(b, "_vc", None)
        node._saved_versions = (a._vc[0] if a._vc is not None else None,
                                vb[0] if vb is not None else None)
        if _HOOKS:
            pack_saved(node)
    if _ANOMALY:
        remember_forward(node)
    return node


# ---------------------------------------------------------------------------------------
# dtype promotion

def binary_dtype(a, b):
    """The numpy dtype torch computes `a op b` in (a or b may be python numbers)."""
    ta = type(a) is Tensor or isinstance(a, Tensor)
    tb = type(b) is Tensor or isinstance(b, Tensor)
    if ta and tb:
        da, db = a._data.dtype, b._data.dtype
        if da is db or da == db:
            return da
        return D.result_type(a, b)._np
    if ta:
        return _with_scalar(a._data.dtype, b)
    if tb:
        return _with_scalar(b._data.dtype, a)
    return D.result_type(a, b)._np


def _with_scalar(tdtype, scalar):
    kind = tdtype.kind
    st = type(scalar)
    if st is float:
        return tdtype if kind in "fc" else D.get_default_dtype()._np
    if st is int:
        return tdtype if kind != "b" else D.int64._np
    if st is bool:
        return tdtype
    return D.result_type(_Probe(tdtype, 1), scalar)._np


class _Probe:
    """Stands for an operand in dtype promotion: only its dtype and dim matter."""

    __slots__ = ("dtype", "_dim")

    def __init__(self, np_dtype, dim):
        self.dtype = _FROM_NUMPY[np_dtype]
        self._dim = dim

    def dim(self):
        return self._dim


def to_array(x, np_dtype, xp=_cpu_xp):
    """An operand as an array (or python scalar) in the dtype of the computation; `xp`:
    the array module of the computation, for a number that must become an array."""
    if isinstance(x, Tensor):
        a = x._data
        return a if a.dtype is np_dtype or a.dtype == np_dtype else a.astype(np_dtype)
    if isinstance(x, (bool, int, float, complex)):
        if type(x) is int and np_dtype.kind in "iu" and np_dtype.itemsize < 8:
            # torch wraps the number into the tensor's dtype (uint8 - 2); numpy raises
            return xp.asarray(_cpu_xp.asarray(x).astype(np_dtype))
        return x
    return xp.asarray(x, dtype=np_dtype)


def as_tensor_operand(x):
    """A numpy array or numpy scalar operand becomes a tensor; numbers stay numbers."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, _cpu_xp.generic):
        # numpy scalars take part as python numbers do (a float64 scalar is a float subclass,
        # but it must not widen a float32 tensor)
        return x.item()
    if isinstance(x, (bool, int, float, complex)):
        return x
    if isinstance(x, ndarray):
        return _wrap(x)
    if type(x) in BY_ARRAY_TYPE:
        # another backend's array; its 0-d results stand where numpy gives numpy scalars
        return x.item() if x.ndim == 0 else _wrap(x)
    raise TypeError(f"unsupported operand type: '{type(x).__name__}'")


def wrap_result(r, xp=_cpu_xp):
    """ufuncs return numpy scalars for 0-d inputs; tensors always hold arrays."""
    if type(r) is not ndarray:
        r = xp.asarray(r)
    return _wrap(r)


def broadcast_error(sa, sb):
    """torch's message for shapes that do not broadcast."""
    na, nb = len(sa), len(sb)
    n = max(na, nb)
    for i in range(1, n + 1):
        da = sa[-i] if i <= na else 1
        db = sb[-i] if i <= nb else 1
        if da != db and da != 1 and db != 1:
            return RuntimeError(f"The size of tensor a ({da}) must match the size of tensor b "
                                f"({db}) at non-singleton dimension {n - i}")
    return RuntimeError(f"shapes {list(sa)} and {list(sb)} cannot be broadcast")


def shape_of(x):
    return x._data.shape if isinstance(x, Tensor) else ()


def binary(node_cls, a, b, dtype=None, save=None):
    """`apply` for an elementwise binary op: promote, broadcast, compute, record.

    `save` picks what the backward reads: a tuple of 'a', 'b', 'out'."""
    a = a if type(a) is Tensor else as_tensor_operand(a)
    b = b if type(b) is Tensor else as_tensor_operand(b)
    xp = backend_of(a, b).xp
    np_dtype = binary_dtype(a, b) if dtype is None else dtype
    x = to_array(a, np_dtype, xp)
    y = to_array(b, np_dtype, xp)
    try:
        r = node_cls.forward(xp, x, y)
    except ValueError:
        sa, sb = shape_of(a), shape_of(b)
        try:
            broadcast_shapes(sa, sb)
        except ValueError:
            raise broadcast_error(sa, sb) from None
        raise
    if type(x) in BY_ARRAY_TYPE and not x.flags.c_contiguous and type(r) in BY_ARRAY_TYPE:
        r = binary_result(r, x, y)
    out = _wrap(r) if type(r) is ndarray else wrap_result(r, xp)
    if GradMode.enabled and (getattr(a, "_requires_grad", False)
                             or getattr(b, "_requires_grad", False)):
        if save is None:
            record(node_cls, (a, b), out)
        else:
            record(node_cls, (a, b), out, _pick(save, a, b, out))
    return out


def _pick(save, a, b, out):
    return tuple(a if s == "a" else b if s == "b" else out for s in save)


def unary(node_cls, x, save=None, float_only=False):
    """Apply an elementwise unary op; integer inputs of float-only ops (exp, sin...)
    compute in the default float dtype, as torch does."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{node_cls.__name__[:-9].lower()}(): argument 'input' (position 1) "
                        f"must be Tensor, not {type(x).__name__}")
    a = x._data
    if float_only and a.dtype.kind not in "fc":
        a = a.astype(D.get_default_dtype()._np)
    if type(a) is ndarray:
        r = node_cls.cpu_forward(a)
        out = _wrap(r) if type(r) is ndarray else wrap_result(r)
    else:
        xp = backend_of_type(type(a)).xp
        out = wrap_result(node_cls.forward(xp, a), xp)
    if x._requires_grad and GradMode.enabled:
        record_unary(node_cls, x, out, save)
    return out


def record_unary(node_cls, x, out, save):
    """`record` unrolled for one input: `save` is None, "x" (the input) or "out"."""
    node = _new_object(node_cls)
    node._seq = next_seq()
    a = x._data
    oa = out._data
    node._next = (_edge(x),)
    if a.shape != oa.shape or a.dtype is not oa.dtype:
        node._in_meta = ((a.shape, a.dtype),)
    out._requires_grad = True
    out._grad_fn = node
    if save is not None:
        if save == "x":
            node._saved = (x,)
            vc = x._vc
            node._saved_versions = (vc[0] if vc is not None else None,)
        else:
            node._saved = (SavedOutput(out),)
            node._saved_versions = (None,)
        if _HOOKS:
            pack_saved(node)
    if _ANOMALY:
        remember_forward(node)
    return node
