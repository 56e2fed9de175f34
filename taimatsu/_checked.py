"""The "checked" backend: numpy underneath, arrays that refuse to mix with numpy's.

It exists to prove the op seam without a GPU.  A CuPy array is not a numpy array: numpy's
functions cannot make one, `np.asarray` refuses it, and an operation between it and a
numpy array fails.  `CheckedArray` behaves the same way, so an op that still names numpy
instead of taking `xp` from its inputs' device fails on `device="checked"`:

- its only array module is `xp` (`checked.xp`, a namespace mirroring numpy's that unwraps
  checked arrays, calls numpy and wraps the results back);
- `numpy.<function>(checked)` raises (numpy's dispatch protocols are refused), and so do
  `np.asarray(checked)` and implicit conversion, as for a CuPy array;
- an operator or an `xp` function given a plain numpy array raises (mixing devices); the
  only doors from the host are `xp.asarray`/`xp.array` (as `cupy.asarray`), and back,
  `.get()` (as CuPy's).

Tests only: it is slow (every call wraps and unwraps) and hidden from users' device lists.
"""
import types

import numpy

_ndarray = numpy.ndarray
_generic = numpy.generic


class MixedDeviceError(TypeError):
    """A plain numpy array met a checked array: op code bypassed the backend."""


def _refuse_plain(where):
    raise MixedDeviceError(f"{where}: a plain numpy array met a checked array (op code must "
                           "take its array module from the tensor's device, not name numpy)")


def _unwrap(v, where):
    """Checked arrays to the numpy arrays inside; plain numpy arrays are refused."""
    tv = type(v)
    if tv is CheckedArray:
        return v._a
    if tv is _ndarray:
        _refuse_plain(where)
    if tv is list or tv is tuple:
        return tv(_unwrap(x, where) for x in v)
    return v


def _wrap(v):
    """numpy arrays (and numpy scalars, which CuPy gives as 0-d arrays) to checked arrays."""
    tv = type(v)
    if tv is _ndarray:
        return CheckedArray(v)
    if isinstance(v, _generic):
        return CheckedArray(numpy.asarray(v))
    if tv is tuple or tv is list:
        return tv(_wrap(x) for x in v)
    return v


class ArrayMetadata:
    """The common metadata of a wrapper around a numpy array `_a`, read directly (the
    checked backend's arrays, and torch.compile's traced ones)."""

    __slots__ = ()
    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    strides = property(lambda self: self._a.strides)
    flags = property(lambda self: self._a.flags)


class CheckedArray(ArrayMetadata):
    """A numpy array that is not one: see the module's docstring."""

    __slots__ = ("_a",)
    # numpy scalars and arrays on the left defer to our reflected operators
    __array_priority__ = 10000

    def __init__(self, array):
        object.__setattr__(self, "_a", array)

    def __getattr__(self, name):
        if name.startswith("__"):
            # no array protocols: numpy must not see through a checked array
            raise AttributeError(name)
        value = getattr(self._a, name)
        if callable(value):
            where = f"CheckedArray.{name}"

            def method(*args, **kwargs):
                args = _unwrap(args, where)
                kwargs = {k: _unwrap(v, where) for k, v in kwargs.items()}
                return _wrap(value(*args, **kwargs))
            return method
        return _wrap(value)

    def __setattr__(self, name, value):
        setattr(self._a, name, _unwrap(value, f"CheckedArray.{name}"))

    # --- the doors to and from the host ---------------------------------------------------
    def get(self):
        """A numpy copy on the host, as cupy.ndarray.get()."""
        return self._a.copy()

    def __array__(self, dtype=None, copy=None):
        raise TypeError("Implicit conversion to a NumPy array is not allowed. Please use "
                        "`.get()` to construct a NumPy array explicitly.")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        # a numpy scalar on the left of an operator (np.float32(2) * x) lands here, as in
        # CuPy; any other numpy ufunc call on a checked array is op code naming numpy
        if method == "__call__" and inputs and isinstance(inputs[0], _generic):
            where = f"numpy.{ufunc.__name__}"
            inputs = _unwrap(inputs, where)
            kwargs = {k: _unwrap(v, where) for k, v in kwargs.items()}
            return _wrap(ufunc(*inputs, **kwargs))
        _refuse_numpy(f"numpy.{ufunc.__name__}")

    def __array_function__(self, func, types, args, kwargs):
        _refuse_numpy(f"numpy.{func.__name__}")

    # --- Python protocols ------------------------------------------------------------------
    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return (_wrap(x) for x in self._a)

    def __bool__(self):
        return bool(self._a)

    def __float__(self):
        return float(self._a)

    def __int__(self):
        return int(self._a)

    def __complex__(self):
        return complex(self._a)

    def __index__(self):
        return self._a.__index__()

    def __repr__(self):
        return "checked" + repr(self._a)[5:] if repr(self._a).startswith("array") \
            else f"checked({self._a!r})"

    __str__ = __repr__

    def __getitem__(self, key):
        return _wrap(self._a[_unwrap(key, "CheckedArray.__getitem__")])

    def __setitem__(self, key, value):
        where = "CheckedArray.__setitem__"
        self._a[_unwrap(key, where)] = _unwrap(value, where)

    def __reduce__(self):
        return (CheckedArray, (self._a,))

    def __copy__(self):
        return CheckedArray(self._a.copy())

    def __deepcopy__(self, memo):
        return CheckedArray(self._a.copy())

    def __dlpack__(self, **kwargs):
        return self._a.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self._a.__dlpack_device__()

    __hash__ = None


def _refuse_numpy(where):
    raise TypeError(f"{where} called on a checked array: op code must use the array module "
                    "of the tensor's device (xp), not numpy")


def _operator(name, inplace=False):
    where = f"CheckedArray.{name}"

    def op(self, *others):
        result = getattr(self._a, name)(*_unwrap(others, where))
        if result is NotImplemented:
            return result
        if inplace:
            return self
        return _wrap(result)
    op.__name__ = name
    return op


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and",
              "or", "xor", "lshift", "rshift", "divmod"):
    setattr(CheckedArray, f"__{_name}__", _operator(f"__{_name}__"))
    setattr(CheckedArray, f"__r{_name}__", _operator(f"__r{_name}__"))
    if _name != "divmod":
        setattr(CheckedArray, f"__i{_name}__", _operator(f"__i{_name}__", inplace=True))
for _name in ("eq", "ne", "lt", "le", "gt", "ge", "neg", "pos", "abs", "invert"):
    setattr(CheckedArray, f"__{_name}__", _operator(f"__{_name}__"))


# --- the array module ----------------------------------------------------------------------

class WrappedUfunc:
    """A numpy ufunc for another array type, with its methods (`.at`, `.reduce`, ...):
    each call goes through `self.calling(fn, where, args, kwargs)`."""

    def __init__(self, ufunc):
        self._u = ufunc
        self.__name__ = ufunc.__name__
        self.nin, self.nout, self.identity = ufunc.nin, ufunc.nout, ufunc.identity

    def __call__(self, *args, **kwargs):
        return self.calling(self._u, f"xp.{self.__name__}", args, kwargs)

    def __getattr__(self, name):
        method = getattr(self._u, name)
        where = f"xp.{self.__name__}.{name}"
        return lambda *args, **kwargs: self.calling(method, where, args, kwargs)


class _Ufunc(WrappedUfunc):
    """A numpy ufunc on checked arrays."""

    @staticmethod
    def calling(fn, where, args, kwargs):
        return _call(fn, where, args, kwargs)


def _call(fn, where, args, kwargs):
    args = _unwrap(args, where)
    kwargs = {k: _unwrap(v, where) for k, v in kwargs.items()}
    return _wrap(fn(*args, **kwargs))


def _function(fn, where):
    def call(*args, **kwargs):
        return _call(fn, where, args, kwargs)
    call.__name__ = getattr(fn, "__name__", where)
    return call


def _from_host(fn, where):
    """asarray/array: the door from the host (plain numpy arrays and data are copied in)."""
    def call(obj, *args, **kwargs):
        if type(obj) is CheckedArray:
            obj = obj._a
        elif isinstance(obj, (list, tuple)):
            obj = _unwrap_nested(obj)
        return CheckedArray(numpy.array(fn(obj, *args, **kwargs), copy=None, subok=False))
    call.__name__ = where
    return call


def _unwrap_nested(seq):
    return type(seq)(_unwrap_nested(x) if isinstance(x, (list, tuple)) else
                     x._a if type(x) is CheckedArray else x for x in seq)


class WrappingNamespace(types.SimpleNamespace):
    """numpy's namespace (or a submodule's) with its functions wrapped for another array
    type, each wrapped once, on first use.  Subclasses say how: `array_type`, and
    `host_door(value, where)` (asarray/array), `ufunc(value)`, `function(value, where)`,
    `special(name, value, where)` (a wrapper for a name of their own, or None)."""

    array_type = None
    host_doors = ("asarray", "array", "asanyarray")

    def __init__(self, module, prefix="xp"):
        super().__init__()
        object.__setattr__(self, "_module", module)
        object.__setattr__(self, "_prefix", prefix)

    def special(self, name, value, where):
        return None

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        value = getattr(self._module, name)
        where = f"{self._prefix}.{name}"
        wrapped = self.special(name, value, where)
        if wrapped is not None:
            pass
        elif name == "ndarray":
            wrapped = self.array_type
        elif name in self.host_doors:
            wrapped = self.host_door(value, where)
        elif isinstance(value, numpy.ufunc):
            wrapped = self.ufunc(value)
        elif isinstance(value, types.ModuleType):
            wrapped = type(self)(value, where)
        elif isinstance(value, type) or not callable(value):
            wrapped = value  # dtypes, finfo, constants
        else:
            wrapped = self.function(value, where)
        object.__setattr__(self, name, wrapped)
        return wrapped


class Namespace(WrappingNamespace):
    """numpy's namespace (or a submodule's) over checked arrays."""

    array_type = CheckedArray

    def host_door(self, value, where):
        return _from_host(value, where)

    def ufunc(self, value):
        return _Ufunc(value)

    def function(self, value, where):
        return _function(value, where)


xp = Namespace(numpy)
