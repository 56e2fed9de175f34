"""Tensor: an array (possibly a view of another), its autograd state, and torch's API.

The array is a numpy ndarray (later, any array of the tensor's backend).  Views
made by view ops share memory with their base and one version counter, which
in-place ops bump so that autograd can refuse stale saved values.

The op methods are bound at the bottom of this file, one line each, after the op
modules (which need the Tensor class to exist) are imported.
"""
import warnings

from . import _dtype as D
from ._backend import BY_ARRAY_TYPE as _BY_TYPE
from ._backend import backend_of_type as _BACKEND_OF
from ._backend import numpy as np
from .autograd.grad_mode import GradMode
from .autograd.engine import run_backward

__all__ = ["Tensor", "Size"]

_FROM_NUMPY = D.FROM_NUMPY


class Size(tuple):
    """torch.Size: a tuple of ints with torch's repr."""

    def __repr__(self):
        return f"torch.Size([{', '.join(str(d) for d in self)}])"

    __str__ = __repr__

    def numel(self):
        n = 1
        for d in self:
            n *= d
        return n

    def __getitem__(self, item):
        out = tuple.__getitem__(self, item)
        return Size(out) if isinstance(item, slice) else out

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __reduce__(self):
        return (Size, (tuple(self),))


class Tensor:
    """A multi-dimensional array with autograd, as torch.Tensor."""

    # instance attributes are few; the rest default here so that making a tensor on
    # the hot path sets only `_data`
    _requires_grad = False
    _grad_fn = None
    _output_nr = 0
    _grad = None
    _vc = None            # version counter, a one-element list shared by views
    _base = None          # the tensor this one is a view of
    # for a view made while recording: the shared version counter when its history was
    # set; a later in-place change anywhere in the storage makes that history stale
    _view_version = None
    _accumulator = None   # weakref to this leaf's AccumulateGrad node
    _backward_hooks = None
    _post_accumulate_hooks = None
    _retains_grad = False
    _is_param = False
    _inference = False

    # numpy defers to our reflected operators (ndarray + tensor -> tensor)
    __array_priority__ = 1000

    def __new__(cls, *args, **kwargs):
        return _legacy_new(cls, args, kwargs)

    # --- metadata -------------------------------------------------------------------
    @property
    def _backend(self):
        try:
            return _BY_TYPE[type(self._data)]
        except KeyError:
            return _BACKEND_OF(type(self._data))  # a numpy scalar

    @property
    def _xp(self):
        try:
            return _BY_TYPE[type(self._data)].xp
        except KeyError:
            return _BACKEND_OF(type(self._data)).xp

    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim)]

    @property
    def dtype(self):
        return _FROM_NUMPY[self._data.dtype]

    @property
    def device(self):
        return _BACKEND_OF(type(self._data)).device

    @property
    def is_cuda(self):
        return _BACKEND_OF(type(self._data)).device_type == "cuda"

    @property
    def is_cpu(self):
        return _BACKEND_OF(type(self._data)).device_type == "cpu"

    @property
    def layout(self):
        from ._device import strided
        return strided

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    ndimension = dim

    def numel(self):
        return self._data.size

    nelement = numel

    def element_size(self):
        return self._data.itemsize

    def stride(self, dim=None):
        a = self._data
        item = a.itemsize
        strides = tuple(s // item for s in a.strides)
        if a.size == 0 and not any(strides):
            # numpy zeroes a fresh empty array's strides; torch gives it contiguous ones,
            # counting empty dims as 1
            acc, strides = 1, []
            for s in reversed(a.shape):
                strides.append(acc)
                acc *= max(s, 1)
            strides = tuple(strides[::-1])
        if dim is None:
            return strides
        return strides[_wrap_dim(dim, self._data.ndim)]

    def _root(self):
        return self._base if self._base is not None else self

    def data_ptr(self):
        return _BACKEND_OF(type(self._data)).data_ptr(self._data)

    def storage_offset(self):
        root = self._root()
        return (self.data_ptr() - root.data_ptr()) // self._data.itemsize

    def untyped_storage(self):
        from ._storage import UntypedStorage
        return UntypedStorage(self._root()._data)

    def is_contiguous(self, memory_format=None):
        if memory_format is not None and memory_format._name == "channels_last":
            a = self._data
            return a.ndim == 4 and a.transpose(0, 2, 3, 1).flags.c_contiguous
        return self._data.flags.c_contiguous

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def is_complex(self):
        return self.dtype.is_complex

    def is_signed(self):
        return self.dtype.is_signed

    def is_inference(self):
        return self._inference

    @property
    def is_sparse(self):
        return False

    @property
    def is_quantized(self):
        return False

    @property
    def is_meta(self):
        return False

    @property
    def is_xpu(self):
        return False

    @property
    def is_mps(self):
        return False

    @property
    def nbytes(self):
        return self._data.size * self._data.itemsize

    @property
    def itemsize(self):
        return self._data.itemsize

    def is_pinned(self, device=None):
        return False

    def pin_memory(self, device=None):
        # what a cpu-only torch answers: pinned memory belongs to an accelerator
        raise RuntimeError("Cannot access accelerator device when none is available.")

    def fill_diagonal_(self, fill_value, wrap=False):
        """The main diagonal (all indices equal) set to fill_value, in place; with `wrap`,
        a tall matrix's diagonal starts again every columns + 1 rows, as torch's."""
        shape = self._data.shape
        if len(shape) < 2:
            raise RuntimeError("dimensions must larger than 1")
        if len(shape) > 2 and any(n != shape[0] for n in shape):
            raise RuntimeError("all dimensions of input must be of equal length")
        height, width = shape[0], shape[1]
        stride = sum(self.stride())
        offset = self.storage_offset()
        self.as_strided((min(height, width),), (stride,), offset).fill_(fill_value)
        if wrap and len(shape) == 2 and height > width + 1:
            step = width + 1
            size = (self.numel() + step - 1) // step - min(height, width)
            self.as_strided((size,), (stride,), offset + self.stride(0) * step).fill_(
                fill_value)
        return self

    def get_device(self):
        index = self.device.index
        return -1 if self.is_cpu else (index or 0)

    @property
    def _version(self):
        vc = self._vc
        return 0 if vc is None else vc[0]

    def _get_vc(self):
        vc = self._vc
        if vc is None:
            vc = self._vc = [0]
        return vc

    def _bump_version(self):
        vc = self._vc
        if vc is None:
            self._vc = [1]
        else:
            vc[0] += 1

    # --- autograd state ---------------------------------------------------------------
    @property
    def requires_grad(self):
        if self._view_version is not None:
            _refresh_view(self)
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad=True):
        if self._grad_fn is not None:
            if not requires_grad:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to "
                    "use a computed variable in a subgraph that doesn't require differentiation "
                    "use var_no_grad = var.detach().")
            return self
        if requires_grad and self._data.dtype.kind not in "fc":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad_fn(self):
        if self._view_version is not None:
            _refresh_view(self)
        return self._grad_fn

    @property
    def is_leaf(self):
        if self._view_version is not None:
            _refresh_view(self)
        return self._grad_fn is None

    @property
    def output_nr(self):
        return self._output_nr

    @property
    def grad(self):
        if self._grad_fn is not None and not self._retains_grad:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. "
                "Its .grad attribute won't be populated during autograd.backward(). If you "
                "indeed want the .grad field to be populated for a non-leaf Tensor, use "
                ".retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by "
                "mistake, make sure you access the leaf Tensor instead. See "
                "github.com/pytorch/pytorch/pull/30531 for more informations. (Triggered "
                "internally at /pytorch/build/aten/src/ATen/core/TensorBody.h:500.)",
                UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad "
                                f"of type {type(value).__name__}")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError("assigned grad has data of a different type")
            if value._data.shape != self._data.shape:
                raise RuntimeError("assigned grad has data of a different size")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def retains_grad(self):
        return self._retains_grad

    def retain_grad(self):
        if self._grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if self._retains_grad:
            return
        self._retains_grad = True
        ref = _weak(self)

        def retain(grad):
            t = ref()
            if t is None:
                return
            if t._grad is None:
                t._grad = grad if GradMode.enabled else grad._detached_copy()
            else:
                t._grad = t._grad + grad
        self._grad_fn._add_tensor_hook(self._output_nr, retain)

    def register_hook(self, hook):
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require "
                               "gradient")
        if self._grad_fn is not None:
            return self._grad_fn._add_tensor_hook(self._output_nr, hook)
        if self._backward_hooks is None:
            self._backward_hooks = []
        from .autograd.graph import _RemovableHandle
        self._backward_hooks.append(hook)
        return _RemovableHandle(self._backward_hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        if self._grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                               "tensors")
        if self._post_accumulate_hooks is None:
            self._post_accumulate_hooks = []
        from .autograd.graph import _RemovableHandle
        self._post_accumulate_hooks.append(hook)
        return _RemovableHandle(self._post_accumulate_hooks, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        a = self._data
        if gradient is None and inputs is None and not create_graph and a.size == 1 \
                and a.dtype.kind == "f" and self._requires_grad:
            # the common `loss.backward()`, without the general argument handling
            if type(a) is np.ndarray:
                seed = np.array(1, a.dtype).reshape(a.shape)  # (np.ones is slower)
            else:
                seed = self._xp.ones(a.shape, a.dtype)
            run_backward((self,), (_wrap(seed),),
                         bool(retain_graph))
            return
        from .autograd import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self):
        t = _wrap(self._data)
        t._vc = self._get_vc()
        t._base = self._root() if self._base is not None else None
        return t

    def detach_(self):
        if self._base is not None and self._grad_fn is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self._grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self):
        t = _wrap(self._data)
        t._vc = None  # torch: .data does not share the version counter
        return t

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError("data must be a Tensor")
        self._data = value._data

    def _detached_copy(self):
        return _wrap(self._data.copy())

    # --- conversion ----------------------------------------------------------------------
    def numpy(self, *, force=False):
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        return self._host(force)

    def _host(self, force=True):
        """The array as numpy's, for printing, saving and `.numpy()`: the array itself on
        the cpu, a host copy (`force`) or torch's refusal on another device."""
        a = self._data
        backend = _BACKEND_OF(type(a))
        if backend.device_type == "cpu":
            return a
        if not (force or backend.host_memory):
            raise TypeError(f"can't convert {self.device} device type tensor to numpy. Use "
                            "Tensor.cpu() to copy the tensor to host memory first.")
        return backend.to_host(a)

    def __array__(self, dtype=None, copy=None):
        a = self._host(force=False)
        if dtype is None:
            return a
        return a.astype(dtype, copy=False)

    def __array_wrap__(self, array, context=None, return_scalar=False):
        # numpy functions applied to a tensor (np.exp(t)) give a tensor back, as in torch
        return _wrap(array)

    def tolist(self):
        return self._data.tolist()

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted "
                               "to Scalar")
        return self._data.reshape(()).item()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __complex__(self):
        return complex(self.item())

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self._data.reshape(()).item())

    def __bool__(self):
        if self._data.size != 1:
            which = "more than one value" if self._data.size else "no values"
            raise RuntimeError(f"Boolean value of Tensor with {which} is ambiguous")
        return bool(self._data.reshape(()).item())

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self):
        return id(self)

    def __contains__(self, element):
        if isinstance(element, (Tensor, int, float, bool, complex)):
            return bool((self == element).any())
        raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you "
                           f"passed in a {type(element)}.")

    def __repr__(self, *, tensor_contents=None):
        from ._tensor_str import _str
        return _str(self)

    __str__ = __repr__

    def __format__(self, spec):
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self._data.copy(), self._requires_grad))

    def __deepcopy__(self, memo):
        if self._grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) "
                               "support the deepcopy protocol at the moment.  If you were "
                               "attempting to deepcopy a module, this may be because of a "
                               "torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        if id(self) in memo:
            return memo[id(self)]
        new = type(self).__new__(type(self), _wrap(self._data.copy()), self._requires_grad) \
            if self._is_param else _wrap(self._data.copy())
        if not self._is_param:
            new._requires_grad = self._requires_grad
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        new.__dict__.update({k: v for k, v in self.__dict__.items()
                             if not k.startswith("_") and k not in new.__dict__})
        memo[id(self)] = new
        return new

    # dlpack: numpy implements the protocol on the array
    def __dlpack__(self, stream=None, **kwargs):
        return self._data.__dlpack__(**kwargs) if kwargs else self._data.__dlpack__()

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()

    # --- devices and dtypes --------------------------------------------------------------
    def cpu(self, memory_format=None):
        return self.to("cpu")

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        from ._backend import for_device
        for_device("cuda")

    def type(self, dtype=None, non_blocking=False, **kwargs):
        if dtype is None:
            return "torch." + self.dtype._legacy
        if isinstance(dtype, str):
            name = dtype.rsplit(".", 1)[-1]
            if name not in D.FROM_LEGACY:
                raise ValueError(f"invalid type: '{dtype}'")
            dtype = D.FROM_LEGACY[name]
        elif isinstance(dtype, type) and hasattr(dtype, "_legacy_dtype"):
            dtype = dtype._legacy_dtype
        return self.to(dtype)

    def type_as(self, other):
        return self.to(other.dtype)

    def _to_numpy_dtype(self, np_dtype):
        return self.to(_FROM_NUMPY[np_dtype])


def _weak(t):
    import weakref
    return weakref.ref(t)


def _rebuild(array, requires_grad):
    t = _wrap(array)
    t._requires_grad = requires_grad
    return t


def _wrap_dim(dim, ndim):
    """A dim in range, or torch's IndexError."""
    n = ndim if ndim > 0 else 1
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    return dim + n if dim < 0 else dim


_new_object = object.__new__


def _wrap(array):
    """A new tensor around `array` (no copy): the constructor every op uses."""
    t = _new_object(Tensor)
    t._data = array
    return t


def _legacy_new(cls, args, kwargs):
    """torch.Tensor(...): as torch.FloatTensor(...) in the default dtype (sizes, data),
    but any tensor is aliased whatever its dtype."""
    if cls is not Tensor:
        return _new_object(cls)
    if len(args) == 1 and isinstance(args[0], Tensor) and not kwargs:
        return args[0].detach()
    from ._legacy import legacy_new
    kwargs = dict(kwargs)
    device = kwargs.pop("device", None)
    return legacy_new(D.get_default_dtype(), args, device, kwargs)


# ---------------------------------------------------------------------------------------
# Op methods, one line each.  The op modules import Tensor, so they are imported here,
# after the class exists.
from ._ops import copy as _copy  # noqa: E402
from ._ops._core import numpy_names as _numpy_names  # noqa: E402
from ._ops._core import refresh_view as _refresh_view  # noqa: E402
from ._ops import elementwise as _ew  # noqa: E402
from ._ops import indexing as _ix  # noqa: E402
from ._ops import random as _random  # noqa: E402
from ._ops import inplace as _inp  # noqa: E402
from ._ops import reduction as _red  # noqa: E402
from ._ops import shape as _shp  # noqa: E402


def _reflected(fn):
    def reflected(self, other):
        return fn(other, self)
    reflected.__name__ = "__r" + fn.__name__ + "__"
    return reflected


# conversions and copies
Tensor.to = _copy.to
Tensor.clone = _copy.clone
Tensor.contiguous = _copy.contiguous
Tensor.copy_ = _copy.copy_
Tensor.fill_ = _copy.fill_
Tensor.zero_ = _copy.zero_
Tensor.float = _copy.float_
Tensor.double = _copy.double
Tensor.half = _copy.half
Tensor.int = _copy.int_
Tensor.long = _copy.long
Tensor.short = _copy.short
Tensor.char = _copy.char
Tensor.byte = _copy.byte
Tensor.bool = _copy.bool_
Tensor.cfloat = _copy.cfloat
Tensor.cdouble = _copy.cdouble

# arithmetic
Tensor.add = _ew.add
Tensor.sub = Tensor.subtract = _ew.sub
Tensor.mul = Tensor.multiply = _ew.mul
Tensor.div = Tensor.divide = Tensor.true_divide = _ew.div
Tensor.floor_divide = _ew.floor_divide
Tensor.neg = Tensor.negative = _ew.neg
Tensor.pow = _ew.pow
Tensor.float_power = _ew.float_power
Tensor.square = _ew.square
Tensor.__add__ = _ew.operator(_ew.AddBackward0, _ew.add)
Tensor.__radd__ = Tensor.__add__  # addition commutes, also in floating point
Tensor.__sub__ = _ew.operator(_ew.SubBackward0, _ew.sub)
Tensor.__rsub__ = _ew.operator(_ew.RsubBackward1, _ew.rsub)
Tensor.__mul__ = _ew.operator(_ew.MulBackward0, _ew.mul)
Tensor.__rmul__ = Tensor.__mul__
Tensor.__truediv__ = _ew.operator(_ew.DivBackward0, _ew.div, float_only=True)
Tensor.__rtruediv__ = _ew.rtruediv
Tensor.__floordiv__ = _ew.floor_divide
Tensor.__rfloordiv__ = _reflected(_ew.floor_divide)
Tensor.__neg__ = _ew.neg
Tensor.__pos__ = Tensor.positive = _ew.positive
Tensor.__pow__ = _ew.pow
Tensor.__rpow__ = _reflected(_ew.pow)
Tensor.__abs__ = _ew.abs

# in place
Tensor.add_ = Tensor.__iadd__ = _inp.fast_binary_inplace("add", _ew.add)
Tensor.sub_ = Tensor.subtract_ = Tensor.__isub__ = _inp.fast_binary_inplace("subtract",
                                                                            _ew.sub)
Tensor.mul_ = Tensor.multiply_ = Tensor.__imul__ = _inp.fast_binary_inplace("multiply",
                                                                            _ew.mul)
Tensor.div_ = Tensor.divide_ = Tensor.true_divide_ = Tensor.__itruediv__ = \
    _inp.fast_binary_inplace("true_divide", _ew.div, float_result=True)
Tensor.pow_ = Tensor.__ipow__ = _inp.make_inplace(_ew.pow)

# unary functions
Tensor.exp = _ew.exp
Tensor.log = _ew.log
Tensor.sqrt = _ew.sqrt
Tensor.abs = Tensor.absolute = _ew.abs
Tensor.sigmoid = _ew.sigmoid
Tensor.tanh = _ew.tanh
Tensor.relu = _ew.relu
Tensor.sin = _ew.sin
Tensor.cos = _ew.cos
Tensor.sign = _ew.sign
Tensor.sgn = _ew.sgn
Tensor.conj = _ew.conj
Tensor.where = lambda self, condition, other: _ew.where(condition, self, other)

# comparisons and logic
Tensor.eq = Tensor.__eq__ = _ew.eq
Tensor.ne = Tensor.not_equal = Tensor.__ne__ = _ew.ne
Tensor.lt = Tensor.less = Tensor.__lt__ = _ew.lt
Tensor.le = Tensor.less_equal = Tensor.__le__ = _ew.le
Tensor.gt = Tensor.greater = Tensor.__gt__ = _ew.gt
Tensor.ge = Tensor.greater_equal = Tensor.__ge__ = _ew.ge
Tensor.equal = _ew.equal
Tensor.allclose = _ew.allclose
Tensor.isclose = _ew.isclose
Tensor.isnan = _ew.isnan
Tensor.isinf = _ew.isinf
Tensor.isfinite = _ew.isfinite
Tensor.logical_and = _ew.logical_and
Tensor.logical_or = _ew.logical_or
Tensor.logical_xor = _ew.logical_xor
Tensor.logical_not = _ew.logical_not
Tensor.bitwise_and = Tensor.__and__ = Tensor.__rand__ = _ew.bitwise_and
Tensor.bitwise_or = Tensor.__or__ = Tensor.__ror__ = _ew.bitwise_or
Tensor.bitwise_xor = Tensor.__xor__ = Tensor.__rxor__ = _ew.bitwise_xor
Tensor.bitwise_not = _ew.bitwise_not
Tensor.bitwise_left_shift = Tensor.__lshift__ = _ew.bitwise_left_shift
Tensor.bitwise_right_shift = Tensor.__rshift__ = _ew.bitwise_right_shift
Tensor.__rlshift__ = _ew.rlshift
Tensor.__rrshift__ = _ew.rrshift
Tensor.__invert__ = _ew.invert


# elementwise (more)
Tensor.exp2 = _ew.exp2
Tensor.expm1 = _ew.expm1
Tensor.log2 = _ew.log2
Tensor.log10 = _ew.log10
Tensor.log1p = _ew.log1p
Tensor.rsqrt = _ew.rsqrt
Tensor.reciprocal = _ew.reciprocal
Tensor.tan = _ew.tan
Tensor.asin = Tensor.arcsin = _ew.asin
Tensor.acos = Tensor.arccos = _ew.acos
Tensor.atan = Tensor.arctan = _ew.atan
Tensor.atan2 = Tensor.arctan2 = _ew.atan2
Tensor.sinh = _ew.sinh
Tensor.cosh = _ew.cosh
Tensor.asinh = Tensor.arcsinh = _ew.asinh
Tensor.acosh = Tensor.arccosh = _ew.acosh
Tensor.atanh = Tensor.arctanh = _ew.atanh
Tensor.erf = _ew.erf
Tensor.erfc = _ew.erfc
Tensor.erfinv = _ew.erfinv
Tensor.sinc = _ew.sinc
Tensor.deg2rad = _ew.deg2rad
Tensor.rad2deg = _ew.rad2deg
Tensor.clamp = Tensor.clip = _ew.clamp
Tensor.clamp_min = _ew.clamp_min
Tensor.clamp_max = _ew.clamp_max
Tensor.floor = _ew.floor
Tensor.ceil = _ew.ceil
Tensor.round = _ew.round
Tensor.trunc = Tensor.fix = _ew.trunc
Tensor.frac = _ew.frac
Tensor.fmod = _ew.fmod
Tensor.remainder = Tensor.__mod__ = _ew.remainder
Tensor.__rmod__ = _ew.rmod
Tensor.maximum = _ew.maximum
Tensor.minimum = _ew.minimum
Tensor.fmax = _ew.fmax
Tensor.fmin = _ew.fmin
Tensor.lerp = _ew.lerp
Tensor.addcmul = _ew.addcmul
Tensor.addcdiv = _ew.addcdiv
Tensor.hypot = _ew.hypot
Tensor.logaddexp = _ew.logaddexp
Tensor.logaddexp2 = _ew.logaddexp2
Tensor.xlogy = _ew.xlogy
Tensor.copysign = _ew.copysign
Tensor.heaviside = _ew.heaviside
Tensor.logit = _ew.logit
Tensor.nan_to_num = _ew.nan_to_num
Tensor.real = property(_ew.real)
Tensor.imag = property(_ew.imag)
Tensor.angle = _ew.angle
Tensor.isreal = _ew.isreal
Tensor.signbit = _ew.signbit
Tensor.isposinf = _ew.isposinf
Tensor.isneginf = _ew.isneginf
Tensor.float_power_ = _ew.float_power_

# reductions
Tensor.sum = _red.sum
Tensor.mean = _red.mean
Tensor.sum_to_size = _red.sum_to_size
Tensor.nansum = _red.nansum
Tensor.nanmean = _red.nanmean
Tensor.prod = _red.prod
Tensor.cumsum = _red.cumsum
Tensor.cumprod = _red.cumprod
Tensor.logsumexp = _red.logsumexp
Tensor.max = _red.max
Tensor.min = _red.min
Tensor.amax = _red.amax
Tensor.amin = _red.amin
Tensor.aminmax = _red.aminmax
Tensor.argmax = _red.argmax
Tensor.argmin = _red.argmin
Tensor.var = _red.var
Tensor.std = _red.std
Tensor.norm = _red.norm
Tensor.sort = _red.sort
Tensor.argsort = _red.argsort
Tensor.msort = _red.msort
Tensor.topk = _red.topk
Tensor.kthvalue = _red.kthvalue
Tensor.median = _red.median
Tensor.nanmedian = _red.nanmedian
Tensor.mode = _red.mode
Tensor.quantile = _red.quantile
Tensor.nanquantile = _red.nanquantile
Tensor.cummax = _red.cummax
Tensor.cummin = _red.cummin
Tensor.all = _red.all
Tensor.any = _red.any
Tensor.count_nonzero = _red.count_nonzero
Tensor.bincount = _red.bincount
Tensor.histc = _red.histc
Tensor.unique = _red.unique
Tensor.unique_consecutive = _red.unique_consecutive

# views and shapes
Tensor.view = _shp.view
Tensor.view_as = _shp.view_as
Tensor.reshape = _shp.reshape
Tensor.reshape_as = _shp.reshape_as
Tensor.expand = _shp.expand
Tensor.expand_as = _shp.expand_as
Tensor.unsqueeze = _shp.unsqueeze
Tensor.squeeze = _shp.squeeze
Tensor.permute = _shp.permute
Tensor.transpose = Tensor.swapaxes = Tensor.swapdims = _shp.transpose
Tensor.t = _shp.t
Tensor.flatten = _shp.flatten
Tensor.ravel = _shp.ravel

# indexing
Tensor.__getitem__ = _ix.getitem
Tensor.__setitem__ = _ix.setitem

# random sampling in place
Tensor.uniform_ = _random.uniform_
Tensor.normal_ = _random.normal_
Tensor.random_ = _random.random_
Tensor.bernoulli_ = _random.bernoulli_
Tensor.exponential_ = _random.exponential_
Tensor.cauchy_ = _random.cauchy_
Tensor.log_normal_ = _random.log_normal_
Tensor.geometric_ = _random.geometric_
Tensor.bernoulli = _random.bernoulli
Tensor.multinomial = _random.multinomial

# linalg: matrix products and decompositions
from ._ops import linalg as _la  # noqa: E402
from ._ops import linalg_decomp as _lad  # noqa: E402

Tensor.matmul = Tensor.__matmul__ = _la.matmul
Tensor.__rmatmul__ = _la.rmatmul
Tensor.mm = _la.mm
Tensor.bmm = _la.bmm
Tensor.mv = _la.mv
Tensor.dot = _la.dot
Tensor.vdot = _la.vdot
Tensor.inner = _la.inner
Tensor.outer = Tensor.ger = _la.outer
Tensor.addmm = _la.addmm
Tensor.addmv = _la.addmv
Tensor.addr = _la.addr
Tensor.baddbmm = _la.baddbmm
Tensor.addbmm = _la.addbmm
Tensor.kron = _la.kron
Tensor.cross = _la.cross
Tensor.trace = _la.trace
Tensor.det = _lad.det
Tensor.logdet = _lad.logdet
Tensor.slogdet = _lad.torch_slogdet
Tensor.inverse = _lad.inverse
Tensor.pinverse = _lad.pinverse
Tensor.matrix_power = _lad.matrix_power
Tensor.cholesky = _lad.torch_cholesky

# views and shapes (more)
Tensor.unflatten = _shp.unflatten
Tensor.narrow = _shp.narrow
Tensor.select = _shp.select
Tensor.unbind = _shp.unbind
Tensor.split = _shp.split
Tensor.tensor_split = _shp.tensor_split
Tensor.hsplit = _shp.hsplit
Tensor.vsplit = _shp.vsplit
Tensor.dsplit = _shp.dsplit
Tensor.chunk = _shp.chunk
Tensor.diagonal = _shp.diagonal
Tensor.diag = _shp.diag
Tensor.diag_embed = _shp.diag_embed
Tensor.tril = _shp.tril
Tensor.triu = _shp.triu
Tensor.unfold = _shp.unfold
Tensor.as_strided = _shp.as_strided
Tensor.movedim = Tensor.moveaxis = _shp.movedim
Tensor.flip = _shp.flip
Tensor.fliplr = _shp.fliplr
Tensor.flipud = _shp.flipud
Tensor.roll = _shp.roll
Tensor.rot90 = _shp.rot90
Tensor.repeat = _shp.repeat
Tensor.tile = _shp.tile
Tensor.repeat_interleave = _shp.repeat_interleave
Tensor.broadcast_to = _shp.broadcast_to
Tensor.T = property(_shp.T)
Tensor.mT = property(_shp.mT)
Tensor.H = property(_shp.H)
Tensor.mH = property(_shp.mH)
Tensor.adjoint = _shp.adjoint
Tensor.resize_ = _shp.resize_
Tensor.resize_as_ = _shp.resize_as_

# indexing (more)
Tensor.gather = _ix.gather
Tensor.scatter = _ix.scatter
Tensor.scatter_ = _ix.scatter_
Tensor.scatter_add = _ix.scatter_add
Tensor.scatter_add_ = _ix.scatter_add_
Tensor.scatter_reduce = _ix.scatter_reduce
Tensor.scatter_reduce_ = _ix.scatter_reduce_
Tensor.index_select = _ix.index_select
Tensor.index_add = _ix.index_add
Tensor.index_add_ = _ix.index_add_
Tensor.index_copy = _ix.index_copy
Tensor.index_copy_ = _ix.index_copy_
Tensor.index_fill = _ix.index_fill
Tensor.index_fill_ = _ix.index_fill_
Tensor.index_put = _ix.index_put
Tensor.index_put_ = _ix.index_put_
Tensor.masked_fill = _ix.masked_fill
Tensor.masked_fill_ = _ix.masked_fill_
Tensor.masked_scatter = _ix.masked_scatter
Tensor.masked_scatter_ = _ix.masked_scatter_
Tensor.masked_select = _ix.masked_select
Tensor.nonzero = _ix.nonzero
Tensor.argwhere = _ix.argwhere
Tensor.take = _ix.take
Tensor.take_along_dim = _ix.take_along_dim
Tensor.put = _ix.put
Tensor.put_ = _ix.put_

# activations that are methods
from ._ops import activation as _act  # noqa: E402


def _softmax_method(self, dim, dtype=None):
    return _act.softmax(self, dim, dtype=dtype)


def _log_softmax_method(self, dim, dtype=None):
    return _act.log_softmax(self, dim, dtype=dtype)


Tensor.softmax = _softmax_method
Tensor.log_softmax = _log_softmax_method

# torch's argument parser takes numpy's names (axis, keepdims) for every op; the reductions
# and (un)squeeze take them in their own module, these methods here (their internal callers
# stay direct)
for _name in ("softmax", "log_softmax", "unbind", "gather", "index_select"):
    setattr(Tensor, _name, _numpy_names(getattr(Tensor, _name)))

# new_* factories: the new tensor takes self's dtype unless told otherwise


def _new_factory(name):
    def method(self, *args, dtype=None, device=None, requires_grad=False, **kwargs):
        from ._ops import creation
        return getattr(creation, name)(*args, dtype=self.dtype if dtype is None else dtype,
                                       device=device, requires_grad=requires_grad, **kwargs)
    method.__name__ = "new_" + name
    return method


Tensor.new_zeros = _new_factory("zeros")
Tensor.new_ones = _new_factory("ones")
Tensor.new_empty = _new_factory("empty")
Tensor.new_full = _new_factory("full")
Tensor.new_tensor = _new_factory("tensor")


def _new_method(self, *args, device=None, **kwargs):
    """`x.new(...)`: torch's legacy constructor in x's dtype and device (sizes, data, or a
    tensor of x's dtype to alias)."""
    from ._legacy import legacy_new
    return legacy_new(self.dtype, args, self.device if device is None else device, kwargs)


Tensor.new = _new_method

# more torch functions as methods: diff, searchsorted-family, in-place metadata changes
Tensor.diff = _shp.diff
Tensor.squeeze_ = _shp.squeeze_
Tensor.unsqueeze_ = _shp.unsqueeze_
Tensor.t_ = _shp.t_
Tensor.as_strided_ = _shp.as_strided_
Tensor.transpose_ = Tensor.swapaxes_ = Tensor.swapdims_ = _shp.transpose_

# special functions: the gamma family and Bessel I0
from ._ops import special as _sp  # noqa: E402

Tensor.lgamma = _sp.lgamma
Tensor.digamma = _sp.digamma
Tensor.polygamma = _sp._polygamma_method
Tensor.mvlgamma = _sp.mvlgamma
Tensor.i0 = _sp.i0

# extra ops: complex views, conj/neg bits, matrix_exp, logcumsumexp and friends
from ._ops import extra as _extra  # noqa: E402

Tensor.is_conj = _extra.is_conj
Tensor.is_neg = _extra.is_neg
Tensor.resolve_conj = _extra.resolve_conj
Tensor.resolve_neg = _extra.resolve_neg
Tensor.matrix_exp = _extra.matrix_exp
Tensor.logcumsumexp = _extra.logcumsumexp
Tensor.gcd = _extra.gcd
Tensor.lcm = _extra.lcm
Tensor.diagflat = _extra.diagflat
Tensor.dist = _extra.dist
Tensor.is_same_size = _extra.is_same_size
Tensor.cov = _extra.cov
Tensor.corrcoef = _extra.corrcoef
Tensor.svd = _extra.svd
Tensor.qr = _extra.qr
Tensor.cholesky_solve = _extra.cholesky_solve
Tensor.cholesky_inverse = _extra.cholesky_inverse
Tensor.triangular_solve = _extra.triangular_solve
Tensor.frexp = _extra.frexp
Tensor.ldexp = _extra.ldexp
Tensor.nextafter = _extra.nextafter
Tensor.renorm = _extra.renorm
Tensor.histogram = _extra.histogram


def _stft(self, *args, **kwargs):
    from .functional import stft  # (torch.functional's, above the core: loaded on use)
    return stft(self, *args, **kwargs)


def _istft(self, *args, **kwargs):
    from .functional import istft
    return istft(self, *args, **kwargs)


Tensor.stft = _stft
Tensor.istft = _istft

# the in-place variants the op families declared (Tensor.exp_, torch.exp_ ...), and the
# in-place operators that are those variants
_inp.derive_inplace()
Tensor.__imod__ = Tensor.remainder_
Tensor.__ifloordiv__ = Tensor.floor_divide_
Tensor.__iand__ = Tensor.bitwise_and_
Tensor.__ior__ = Tensor.bitwise_or_
Tensor.__ixor__ = Tensor.bitwise_xor_
Tensor.__ilshift__ = Tensor.bitwise_left_shift_
Tensor.__irshift__ = Tensor.bitwise_right_shift_
