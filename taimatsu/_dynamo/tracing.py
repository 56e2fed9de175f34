"""Tracing: the tensors of a function run on a backend that records every array call.

While `torch.compile` traces a function, the tensors it touches hold `TracedArray`s:
numpy arrays underneath (the trace computes real values, eagerly), whose array module is
`Namespace(numpy)`, as the checked backend's (see `_checked.py`).  Every call of that
module, every method, operator, index and index write on a traced array appends an
`Instr` to the `Recorder`: the function called, its arguments with traced arrays
replaced by their slots, and the slots of its results.  The seam is what makes this
sound: op code takes its array module from the tensors' device and never names numpy, so
every computation on a traced tensor's values goes through here, whichever path of
taimatsu (apply, the fast paths, the engine, the optimizers) made it.  Nothing is missed
by forgetting a hook.

What cannot be replayed stops the trace (`GraphBreak`): reading values into Python in a
way that could change what runs (`tolist`, printing, `numpy()`), data-dependent shapes
(`nonzero`, boolean masks), random numbers, host data entering the computation.  A value
read as a Python bool or number (`if (x > 0).all()`, `t.item()`) becomes a value guard:
the replay computes it again and stops (`Diverged`) when it differs, and the call runs
eagerly.
"""
import operator

import numpy

from .._backend import GraphBreak, Tracing  # noqa: F401 - (the core raises GraphBreak too)
from .._checked import ArrayMetadata, WrappedUfunc, WrappingNamespace

_ndarray = numpy.ndarray
_generic = numpy.generic




class Recorder:
    """The instructions of one trace and the arrays behind its slots."""

    def __init__(self):
        self.instrs = []
        self.values = []      # slot -> the traced array (kept alive: ids stay unique)
        self.kinds = []       # slot -> "input", "const" or "op"
        self.const_values = []
        self.generators = {}  # generator -> its state before the trace drew from it

    def new_slot(self, array, kind="op"):
        slot = len(self.values)
        t = TracedArray(array, slot)
        self.values.append(t)
        self.kinds.append(kind)
        return t


class Instr:
    """One recorded call: `fn(*args, **kwargs)` where the templates hold `Slot`s for the
    traced arrays; `outs`: the result's slots (a tuple for several results, None for a
    call whose result is not an array), `as_array`: numpy gave a scalar that the trace
    made a 0-d array (CuPy gives 0-d arrays; the checked backend does the same)."""

    __slots__ = ("kind", "fn", "args", "kwargs", "outs", "as_array", "expect")

    def __init__(self, kind, fn, args, kwargs, outs, as_array=False, expect=None):
        self.kind = kind      # "call", "method", "getattr", "getitem", "setitem", "guard"
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.outs = outs
        self.as_array = as_array
        self.expect = expect


class Slot:
    __slots__ = ("n",)

    def __init__(self, n):
        self.n = n

    def __repr__(self):
        return f"v{self.n}"


RECORDER = None  # the recorder of the trace running now, or None


def _template(v):
    """An argument with traced arrays as Slots; plain numpy arrays break the trace (data
    the trace cannot account for: another tensor's array, host data)."""
    tv = type(v)
    if tv is TracedArray or tv is TracedScalar:
        return Slot(v._slot)
    if tv is tuple or tv is list:
        return tv(_template(x) for x in v)
    if tv is dict:
        return {k: _template(x) for k, x in v.items()}
    if tv is _ndarray:
        raise GraphBreak("an array from outside the traced tensors (host data, or a tensor "
                         "the function reaches in a way the tracer does not follow)")
    return v


def _unwrap(v):
    tv = type(v)
    if tv is TracedArray or tv is TracedScalar:
        return v._a
    if tv is tuple or tv is list:
        return tv(_unwrap(x) for x in v)
    if tv is dict:
        return {k: _unwrap(x) for k, x in v.items()}
    return v


def _wrap_result(r):
    """Results of a recorded call to traced arrays (new slots); returns (value, outs,
    as_array)."""
    rec = RECORDER
    tr = type(r)
    if tr is _ndarray:
        t = rec.new_slot(r)
        return t, t._slot, False
    if isinstance(r, _generic):
        t = rec.new_slot(numpy.asarray(r))
        return t, t._slot, True
    if (tr is tuple or tr is list) and r and all(type(x) is _ndarray for x in r):
        ts = tr(rec.new_slot(x) for x in r)
        return ts, tuple(t._slot for t in ts), False
    if tr is _ndarray or isinstance(r, (tuple, list)) and any(
            isinstance(x, (_ndarray, _generic)) for x in r):
        raise GraphBreak("a call gave several results of mixed kinds")
    return r, None, False


# functions whose Python results describe arrays (shapes, dtypes, memory), not values
_METADATA = {"shape", "ndim", "size", "result_type", "can_cast", "promote_types",
             "may_share_memory", "shares_memory", "iscomplexobj", "isrealobj",
             "broadcast_shapes", "min_scalar_type", "isscalar"}


def _has_traced(v):
    tv = type(v)
    if tv is TracedArray or tv is TracedScalar:
        return True
    if tv is tuple or tv is list:
        return any(_has_traced(x) for x in v)
    if tv is dict:
        return any(_has_traced(x) for x in v.values())
    return False


def record_call(kind, fn, args, kwargs, run):
    """Record `fn(*args, **kwargs)` (kind: how the replay calls it) and return the traced
    result; `run` computes it on the unwrapped arguments."""
    if RECORDER is None:
        raise GraphBreak("a traced array was used after its trace ended")
    targs = _template(args)
    tkwargs = _template(kwargs)
    r = run(_unwrap(args), _unwrap(kwargs))
    value, outs, as_array = _wrap_result(r)
    expect = None
    if outs is None:
        if not (_has_traced(args) or _has_traced(kwargs)) or \
                getattr(fn, "__name__", fn) in _METADATA:
            return value  # (no array in, no array out: nothing to replay)
        if r is not None:
            # a Python value computed from traced values (np.array_equal ...): guarded
            if not isinstance(r, (bool, int, float, complex, str)):
                raise GraphBreak(f"{getattr(fn, '__name__', fn)} gave a Python object "
                                 "computed from traced arrays")
            expect = r
    RECORDER.instrs.append(Instr(kind, fn, targs, tkwargs, outs, as_array, expect))
    return value


# numpy functions whose results' shapes depend on the values: a trace cannot bake the
# Python decisions that follow them
_DATA_DEPENDENT = {"nonzero", "flatnonzero", "argwhere", "unique", "unique_values",
                   "unique_counts", "unique_inverse", "unique_all", "compress", "extract",
                   "trim_zeros", "histogram"}


def _bincount(fn, args, kwargs):
    """bincount has a static length when every value is below `minlength` (max pooling's
    backward counts into a whole plane): recorded with a guard on that length."""
    minlength = kwargs.get("minlength", args[2] if len(args) > 2 else 0)
    r = record_call("call", fn, args, kwargs, lambda a, k: fn(*a, **k))
    if not minlength or len(r) != minlength:
        raise GraphBreak("bincount: a result whose shape depends on the values")
    RECORDER.instrs.append(Instr("guard", "len", (Slot(r._slot),), {}, None,
                                 expect=minlength))
    return r
# array methods that write into the array itself (recorded; the replay writes too)
_ESCAPES = {"tolist", "tobytes", "tofile", "dump", "dumps", "__array__", "get",
            "ctypes", "data", "base", "flat", "__array_interface__", "__array_struct__",
            "__dlpack__"}


class _Guarded:
    """Values read into Python as bool, int, float, complex or an index: guarded (the
    replay computes them again and stops when one differs)."""

    __slots__ = ()

    def __bool__(self):
        return _value_guard(self, "bool", ())

    def __float__(self):
        return _value_guard(self, "float", ())

    def __int__(self):
        return _value_guard(self, "int", ())

    def __complex__(self):
        return _value_guard(self, "complex", ())

    def __index__(self):
        return _value_guard(self, "index", ())


class TracedArray(_Guarded, ArrayMetadata):
    """A numpy array being traced (see the module's docstring)."""

    __slots__ = ("_a", "_slot")
    __array_priority__ = 10000

    def __init__(self, array, slot):
        object.__setattr__(self, "_a", array)
        object.__setattr__(self, "_slot", slot)

    def __getattr__(self, name):
        if name.startswith("__") or name in _ESCAPES:
            raise GraphBreak(f"the values read into Python (printing, numpy(), tolist(): "
                             f"the array's {name})")
        if name == "item":
            # a number for Python arithmetic (an optimizer's step count): symbolic, so
            # that what is computed from it is recomputed by the replay; a decision taken
            # on it is a value guard (TracedScalar.__bool__)
            return lambda *args: record_scalar("method", "item", (self,) + args)
        if name == "itemset":
            raise GraphBreak("itemset")
        value = getattr(self._a, name)
        if name == "view":
            def view(*args, **kwargs):
                # a.view(dtype) reinterprets the memory; a view as another array type
                # would leave the trace
                if "type" in kwargs or any(isinstance(a, type) and issubclass(a, _ndarray)
                                           for a in args):
                    raise GraphBreak("the values read into Python (a view as a numpy array)")
                return record_call("method", name, (self,) + args, kwargs,
                                   lambda a, k: a[0].view(*a[1:], **k))
            return view
        if callable(value):
            def method(*args, **kwargs):
                return record_call("method", name, (self,) + args, kwargs,
                                   lambda a, k: getattr(a[0], name)(*a[1:], **k))
            return method
        return record_call("getattr", name, (self,), {}, lambda a, k: getattr(a[0], name))

    def __setattr__(self, name, value):
        raise GraphBreak(f"setting the array's {name}")

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return (self[i] for i in range(len(self._a)))

    def __array__(self, dtype=None, copy=None):
        raise GraphBreak("a traced array converted to a numpy array")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        fn = ufunc if method == "__call__" else getattr(ufunc, method)
        return record_call("call", fn, inputs, kwargs, lambda a, k: fn(*a, **k))

    def __array_function__(self, func, types_, args, kwargs):
        if func.__name__ == "bincount":
            return _bincount(func, args, kwargs)
        if func.__name__ in _DATA_DEPENDENT:
            raise GraphBreak(f"{func.__name__}: a result whose shape depends on the values")
        return record_call("call", func, args, kwargs, lambda a, k: func(*a, **k))

    def __repr__(self):
        raise GraphBreak("printing a traced array")

    __str__ = __repr__

    def __getitem__(self, key):
        _check_key(key)
        return record_call("getitem", None, (self, key), {}, lambda a, k: a[0][a[1]])

    def __setitem__(self, key, value):
        _check_key(key)
        record_call("setitem", None, (self, key, value), {}, _setitem)

    def __reduce__(self):
        raise GraphBreak("pickling a traced array")

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        return self.copy()

    __hash__ = None


def _setitem(a, k):
    a[0][a[1]] = a[2]


def _check_key(key):
    keys = key if type(key) is tuple else (key,)
    for k in keys:
        if type(k) is TracedArray and k.dtype.kind == "b":
            raise GraphBreak("a boolean mask index: a result whose shape depends on the values")


def record_scalar(kind, fn, args):
    """Record a call whose result is a Python number, kept symbolic (a TracedScalar)."""
    if RECORDER is None:
        raise GraphBreak("a traced number was used after its trace ended")
    targs = _template(args)
    a = _unwrap(args)
    if kind == "method":
        value = getattr(a[0], fn)(*a[1:])
    else:
        value = fn(*a)
    if type(value) not in (bool, int, float, complex):
        raise GraphBreak(f"{getattr(fn, '__name__', fn)} of a traced number gave "
                         f"{type(value).__name__}")
    rec = RECORDER
    slot = len(rec.values)
    t = TracedScalar(value, slot)
    rec.values.append(t)
    rec.kinds.append("op")
    rec.instrs.append(Instr(kind, fn, targs, {}, slot))
    return t


class TracedScalar(_Guarded):
    """A Python number computed from traced values (`t.item()`, and arithmetic on it):
    the replay computes it again.  Reading it as a Python bool, int or float is a value
    guard; formatting or hashing it would leave the trace and breaks it."""

    __slots__ = ("_a", "_slot")

    def __init__(self, value, slot):
        self._a = value
        self._slot = slot

    def __repr__(self):
        raise GraphBreak("printing a value read from a tensor")

    __str__ = __repr__

    def __format__(self, spec):
        raise GraphBreak("formatting a value read from a tensor")

    def __hash__(self):
        raise GraphBreak("a value read from a tensor used as a key")

    def __round__(self, n=None):
        return round(float(self), n) if n is not None else round(float(self))


def _scalar_operator(name, reflected=False):
    fn = getattr(operator, name)
    if reflected:
        def op(self, other):
            return record_scalar("call", fn, (other, self))
    else:
        def op(self, *others):
            if any(type(o) is TracedArray for o in others):
                return NotImplemented  # the array's reflected operator records it
            return record_scalar("call", fn, (self,) + others)
    op.__name__ = f"__{'r' if reflected else ''}{name.rstrip('_')}__"
    return op


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow"):
    setattr(TracedScalar, f"__{_name}__", _scalar_operator(_name))
    setattr(TracedScalar, f"__r{_name}__", _scalar_operator(_name, reflected=True))
for _name in ("eq", "ne", "lt", "le", "gt", "ge", "neg", "pos", "abs"):
    setattr(TracedScalar, f"__{_name}__", _scalar_operator(_name))


def _value_guard(t, how, args):
    """A traced value read into Python: its value now, and an instruction that checks
    the replay computes the same one."""
    a = t._a
    if how == "item":
        value = a.item(*args)
    elif how == "bool":
        value = bool(a)
    elif how == "float":
        value = float(a)
    elif how == "int":
        value = int(a)
    elif how == "complex":
        value = complex(a)
    else:
        value = a.__index__()
    RECORDER.instrs.append(Instr("guard", how, (Slot(t._slot),) + tuple(args), {}, None,
                                 expect=value))
    return value


def _operator(name, inplace=False):
    fn = getattr(operator, name)

    def op(self, *others):
        if inplace:
            record_call("call", fn, (self,) + others, {}, lambda a, k: fn(*a))
            return self
        return record_call("call", fn, (self,) + others, {}, lambda a, k: fn(*a))
    op.__name__ = f"__{name}__"
    return op


def _reflected(name):
    fn = getattr(operator, name)

    def op(self, other):
        return record_call("call", fn, (other, self), {}, lambda a, k: fn(*a))
    op.__name__ = f"__r{name}__"
    return op


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and_",
              "or_", "xor", "lshift", "rshift"):
    _dunder = _name.rstrip("_")
    setattr(TracedArray, f"__{_dunder}__", _operator(_name))
    setattr(TracedArray, f"__r{_dunder}__", _reflected(_name))
    setattr(TracedArray, f"__i{_dunder}__", _operator("i" + _dunder, inplace=True))
for _name in ("eq", "ne", "lt", "le", "gt", "ge", "neg", "pos", "abs", "invert"):
    setattr(TracedArray, f"__{_name}__", _operator(_name))


# --- the array module ---------------------------------------------------------------------

class _Ufunc(WrappedUfunc):
    """A numpy ufunc on traced arrays: every call and method call recorded."""

    @staticmethod
    def calling(fn, where, args, kwargs):
        return record_call("call", fn, args, kwargs, lambda a, k: fn(*a, **k))

    def __getattr__(self, name):
        if name == "at":
            raise GraphBreak("ufunc.at (the backend's ufunc_at is recorded instead)")
        return super().__getattr__(name)


def _function(fn, name):
    if name == "bincount":
        return lambda *args, **kwargs: _bincount(fn, args, kwargs)
    if name in _DATA_DEPENDENT:
        def refuse(*args, **kwargs):
            raise GraphBreak(f"{name}: a result whose shape depends on the values")
        return refuse

    def call(*args, **kwargs):
        return record_call("call", fn, args, kwargs, lambda a, k: fn(*a, **k))
    call.__name__ = name
    return call


def _from_host(fn, name):
    """asarray/array: a traced array passes (asarray: itself, array: a recorded copy);
    numbers and nested lists of numbers become constants; host arrays break."""
    def call(obj, *args, **kwargs):
        if type(obj) is TracedScalar or _has_traced(args) or _has_traced(kwargs):
            return record_call("call", fn, (obj,) + args, kwargs, lambda a, k: fn(*a, **k))
        if type(obj) is TracedArray or (isinstance(obj, (list, tuple)) and any(
                type(x) is TracedArray for x in obj)):
            if name == "asarray" and type(obj) is TracedArray and not args and (
                    kwargs.get("dtype") in (None, obj.dtype)):
                return obj
            return record_call("call", fn, (obj,) + args, kwargs, lambda a, k: fn(*a, **k))
        if type(obj) is _ndarray and obj.size > 1:
            raise GraphBreak("host data entering the trace (it may differ between calls)")
        const = numpy.array(fn(obj, *args, **kwargs), copy=True)
        return constant(const)
    call.__name__ = name
    return call


def constant(array):
    """A constant array of the trace: the replay makes its own copy each call (a constant
    written in place later must start from the same value every time)."""
    rec = RECORDER
    t = rec.new_slot(array, "const")
    rec.instrs.append(Instr("const", None, (len(rec.const_values),), {}, t._slot))
    rec.const_values.append(array.copy())
    return t


class Namespace(WrappingNamespace):
    """numpy's namespace over traced arrays, recording every call."""

    array_type = TracedArray

    def special(self, name, value, where):
        if name == "random":
            raise GraphBreak("numpy's random numbers inside a trace")
        if name == "ascontiguousarray":  # (a recorded call, not a door from the host)
            return _function(value, name)
        return None

    def host_door(self, value, where):
        return _from_host(value, where.rsplit(".", 1)[-1])

    def ufunc(self, value):
        return _Ufunc(value)

    def function(self, value, where):
        return _function(value, where.rsplit(".", 1)[-1])


xp = Namespace(numpy)


# --- the backend ---------------------------------------------------------------------------

def backend():
    """The traced arrays' backend: device "cpu" (what the traced tensors report), the
    recording array module, and the backend methods recorded or refused."""
    from .._backend import Backend

    class TracedBackend(Backend):
        def from_host(self, array):
            if type(array) is TracedArray:
                return array
            return xp.asarray(array)

        def constant(self, array):
            return constant(numpy.asarray(array))

        def to_host(self, array):
            raise GraphBreak("a tensor's values read into Python (numpy(), printing, "
                             "saving)")

        def data_ptr(self, array):
            raise GraphBreak("data_ptr() of a traced tensor")

        def as_strided(self, array, shape, strides, writeable=True):
            fn = numpy.lib.stride_tricks.as_strided
            return record_call("call", fn, (array, shape, strides), {"writeable": writeable},
                               lambda a, k: fn(*a, **k))

        def may_share_memory(self, a, b):
            return numpy.may_share_memory(_unwrap(a), _unwrap(b))

        def writable_alias(self, a):
            raise GraphBreak("writing through an expanded tensor")

        def ufunc_at(self, name, target, index, values):
            fn = getattr(numpy, name).at
            record_call("call", fn, (target, index, values), {}, lambda a, k: fn(*a))

        def special(self, name):
            fn = Backend.special(self, name)
            return lambda *args: record_call("call", fn, args, {}, lambda a, k: fn(*a))

    return TracedBackend(xp, TracedArray, "cpu")


def record_draw(draw, generator, n, dtype, params):
    """A sampler's draw, recorded: the replay calls `draw` with the same generator, which
    then advances as in eager mode.  The trace's own draw advances it too: the tracer
    puts its state back afterwards (`Recorder.generators`)."""
    rec = RECORDER
    if generator not in rec.generators:
        rec.generators[generator] = generator.get_state()
    Tracing.drawing = True
    try:
        return record_call("call", draw, (generator, n, dtype), dict(params),
                           lambda a, k: draw(*a, **k))
    finally:
        Tracing.drawing = False
