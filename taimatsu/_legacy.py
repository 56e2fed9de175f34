"""torch's legacy tensor types: `torch.FloatTensor`, `torch.LongTensor` ...

Old programs and tutorials still construct tensors with them (`torch.FloatTensor(2, 3)`,
`torch.LongTensor([1, 2])`), test for them (`isinstance(x, torch.FloatTensor)`), convert
with them (`x.type(torch.LongTensor)`) and name them in annotations.  As in torch, each
is a class of the metaclass `tensortype`, not a subclass of Tensor: a tensor is an
instance of one when it has that type's dtype (on the cpu).
"""
from . import _dtype as D
from ._tensor import Size, Tensor

# torch's legacy names and their dtypes (BFloat16Tensor comes with bfloat16)
_TYPES = (("FloatTensor", D.float32), ("DoubleTensor", D.float64),
          ("HalfTensor", D.float16), ("ByteTensor", D.uint8), ("CharTensor", D.int8),
          ("ShortTensor", D.int16), ("IntTensor", D.int32), ("LongTensor", D.int64),
          ("BoolTensor", D.bool_))

_SIGNATURES = """, but expected one of:
 * (*, torch.device device = None)
 * (torch.Storage storage)
 * (Tensor other)
 * (tuple of ints size, *, torch.device device = None)
 * (object data, *, torch.device device = None)
"""


def _type_names(args, kwargs):
    def name(v):
        from ._device import device
        if isinstance(v, (D.dtype, device)):
            return "torch." + type(v).__name__
        return type(v).__name__
    names = [name(a) for a in args] + [f"{k}={name(v)}" for k, v in kwargs.items()]
    return ", ".join(names)


class tensortype(type):
    """The metaclass of the legacy types: calling one makes a tensor of its dtype."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and \
            obj.device.type == "cpu"

    def __repr__(cls):
        return f"<class 'torch.{cls.__name__}'>"

    def __call__(cls, *args, device=None, **kwargs):
        return legacy_new(cls.dtype, args, device, kwargs)


tensortype.__module__ = "torch"


def legacy_new(dtype, args, device=None, kwargs=None):
    """torch's legacy constructor (`torch.FloatTensor(...)`, `Tensor.new(...)`): no
    arguments, sizes (ints or a torch.Size), a tensor of the same dtype (aliased) or
    data."""
    from ._ops.creation import empty, tensor
    if kwargs:
        raise TypeError("new() received an invalid combination of arguments - got "
                        f"({_type_names(args, kwargs)}){_SIGNATURES}")
    if not args:
        return empty(0, dtype=dtype, device=device)
    first = args[0]
    if len(args) == 1 and isinstance(first, Tensor):
        if first.dtype is not dtype:
            raise TypeError(
                f"expected TensorOptions(dtype={_cpp(dtype)}, device=cpu, layout=Strided, "
                "requires_grad=false (default), pinned_memory=false (default), "
                f"memory_format=(nullopt)) (got TensorOptions(dtype={_cpp(first.dtype)}, "
                "device=cpu, layout=Strided, requires_grad=false (default), "
                "pinned_memory=false (default), memory_format=(nullopt)))")
        return first.detach()  # an alias: the same memory
    if len(args) == 1 and isinstance(first, Size):
        return empty(tuple(first), dtype=dtype, device=device)
    if all(_is_int(a) for a in args):
        return empty(tuple(int(a) for a in args), dtype=dtype, device=device)
    if len(args) == 1:
        if isinstance(first, (bool, int, float, complex)):
            raise TypeError(f"new(): data must be a sequence (got {type(first).__name__})")
        return tensor(first, dtype=dtype, device=device)
    bad = next(i for i, a in enumerate(args) if not _is_int(a))
    raise TypeError(f"new(): argument 'size' failed to unpack the object at pos {bad + 1} "
                    f"with error \"type must be tuple of ints,but got "
                    f"{type(args[bad]).__name__}\"")


def _is_int(a):
    import numbers
    return isinstance(a, numbers.Integral) and not isinstance(a, bool)


def _cpp(dtype):
    from ._ops._core import _CPP_NAMES
    return _CPP_NAMES.get(dtype._np.name, dtype._np.name)


def _make(name, dtype):
    cls = tensortype(name, (), {"dtype": dtype, "_legacy_dtype": dtype, "is_sparse": False,
                                "is_cuda": False, "__module__": "torch",
                                "__doc__": f"torch's legacy type of {dtype} cpu tensors."})
    return cls


LEGACY = {name: _make(name, dtype) for name, dtype in _TYPES}
