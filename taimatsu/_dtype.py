"""dtypes and type promotion, following torch's rules rather than numpy's.

torch and numpy disagree in a few places that matter to users:
int64 tensor + float32 tensor is float32 in torch (float64 in numpy), a 0-dim
tensor does not widen a dimensioned tensor of the same category, and a python
float turns an integer tensor into the *default* float dtype.
"""
import builtins as _builtins

from ._backend import numpy as np

__all__ = ["dtype", "get_default_dtype", "set_default_dtype", "promote_types", "result_type",
           "can_cast", "finfo", "iinfo"]

builtins_int, builtins_float, builtins_complex = _builtins.int, _builtins.float, _builtins.complex

# categories, ordered: a higher category wins regardless of width
BOOL, INT, FLOAT, COMPLEX = 0, 1, 2, 3


class dtype:
    """A torch dtype: a name, a numpy dtype to store it in, and its category."""

    __slots__ = ("_name", "_np", "_category", "is_signed", "itemsize", "_legacy")

    def __init__(self, name, np_dtype, category, is_signed, legacy):
        self._name = name
        self._np = np_dtype
        self._category = category
        self.is_signed = is_signed
        self.itemsize = np_dtype.itemsize
        self._legacy = legacy

    @property
    def is_floating_point(self):
        return self._category == FLOAT

    @property
    def is_complex(self):
        return self._category == COMPLEX

    def to_real(self):
        return {complex64: float32, complex128: float64}.get(self, self)

    def to_complex(self):
        return {float32: complex64, float64: complex128, float16: complex64}.get(self, self)

    def __repr__(self):
        return "torch." + self._name

    __str__ = __repr__

    def __reduce__(self):
        return (_by_name, (self._name,))


def _by_name(name):
    return _NAMES[name]


float32 = dtype("float32", np.dtype(np.float32), FLOAT, True, "FloatTensor")
float64 = dtype("float64", np.dtype(np.float64), FLOAT, True, "DoubleTensor")
float16 = dtype("float16", np.dtype(np.float16), FLOAT, True, "HalfTensor")
int8 = dtype("int8", np.dtype(np.int8), INT, True, "CharTensor")
int16 = dtype("int16", np.dtype(np.int16), INT, True, "ShortTensor")
int32 = dtype("int32", np.dtype(np.int32), INT, True, "IntTensor")
int64 = dtype("int64", np.dtype(np.int64), INT, True, "LongTensor")
uint8 = dtype("uint8", np.dtype(np.uint8), INT, False, "ByteTensor")
bool_ = dtype("bool", np.dtype(np.bool_), BOOL, False, "BoolTensor")
complex64 = dtype("complex64", np.dtype(np.complex64), COMPLEX, True, "ComplexFloatTensor")
complex128 = dtype("complex128", np.dtype(np.complex128), COMPLEX, True, "ComplexDoubleTensor")

# torch's aliases
float = float32  # noqa: A001 - torch.float is a public name
double = float64
half = float16
short = int16
int = int32  # noqa: A001
long = int64
cfloat = complex64
cdouble = complex128

ALL = (float32, float64, float16, int8, int16, int32, int64, uint8, bool_, complex64, complex128)
_NAMES = {d._name: d for d in ALL}
# numpy dtype -> torch dtype; the hot path looks dtypes up here
FROM_NUMPY = {d._np: d for d in ALL}
FROM_LEGACY = {d._legacy: d for d in ALL}


class _Default:
    float = float32
    complex = complex64


def get_default_dtype():
    return _Default.float


def set_default_dtype(d):
    if not isinstance(d, dtype) or d not in (float32, float64, float16):
        raise TypeError("only floating-point types are supported as the default type")
    _Default.float = d
    _Default.complex = complex128 if d is float64 else complex64


def from_numpy_dtype(np_dtype):
    try:
        return FROM_NUMPY[np_dtype]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type {np_dtype}. The only supported types are: "
            "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, "
            "uint8, and bool.") from None


def promote_types(a, b):
    """torch.promote_types: the smallest dtype both a and b convert to."""
    if a is b:
        return a
    ca, cb = a._category, b._category
    if ca != cb:
        high, low = (a, b) if ca > cb else (b, a)
        if high._category == COMPLEX and low._category == FLOAT:
            return complex128 if low is float64 or high is complex128 else high
        if high._category >= FLOAT:
            return high
        if high._category == INT and low._category == BOOL:
            return high
    return FROM_NUMPY[np.promote_types(a._np, b._np)]


def _scalar_dtype(value):
    """The dtype torch gives a python number taking part in an op (a 'wrapped number')."""
    if isinstance(value, bool):
        return bool_
    if isinstance(value, (builtins_int, np.integer)):
        return int64
    if isinstance(value, (builtins_float, np.floating)):
        return _Default.float
    if isinstance(value, (builtins_complex, np.complexfloating)):
        return _Default.complex
    raise TypeError(f"unsupported operand type: {type(value).__name__}")


def _combine(higher, lower):
    """torch's combine_categories: the dimensioned side wins unless the other is a
    higher category."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher._category == COMPLEX:
        return higher
    if lower._category == COMPLEX:
        if higher._category == FLOAT:
            return higher.to_complex() if higher is not float16 else complex64
        return lower
    if higher._category == FLOAT:
        return higher
    if higher is bool_ or lower._category == FLOAT:
        return promote_types(higher, lower)
    return higher


def result_type(*operands):
    """torch.result_type for tensors and python numbers, with torch's treatment of
    0-dim tensors and numbers (they only matter when they raise the category)."""
    dim_result = zero_result = wrapped_result = None
    for op in operands:
        d = getattr(op, "dtype", None)
        if isinstance(d, dtype):
            if op.dim() > 0:
                dim_result = d if dim_result is None else promote_types(dim_result, d)
            else:
                zero_result = d if zero_result is None else promote_types(zero_result, d)
        else:
            d = _scalar_dtype(op)
            wrapped_result = d if wrapped_result is None else promote_types(wrapped_result, d)
    return _combine(dim_result, _combine(zero_result, wrapped_result))


def can_cast(from_, to):
    """torch.can_cast: same-kind casting (no float -> int, no complex -> real)."""
    if from_._category > to._category:
        return False
    return True


class finfo:
    def __init__(self, type=None):
        type = type or _Default.float
        info = np.finfo(type._np)
        self.bits = info.bits
        self.eps = builtins_float(info.eps)
        self.max = builtins_float(info.max)
        self.min = builtins_float(info.min)
        self.tiny = builtins_float(info.tiny)
        self.smallest_normal = self.tiny
        self.resolution = builtins_float(info.resolution)
        self.dtype = type._name

    def __repr__(self):
        return (f"finfo(resolution={self.resolution}, min={self.min:e}, max={self.max:e}, "
                f"eps={self.eps:e}, smallest_normal={self.tiny:e}, tiny={self.tiny:e}, "
                f"dtype={self.dtype})")


class iinfo:
    def __init__(self, type):
        info = np.iinfo(type._np)
        self.bits = info.bits
        self.max = builtins_int(info.max)
        self.min = builtins_int(info.min)
        self.dtype = type._name

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"


def legacy_type_name(array):
    """torch's legacy name of a tensor type, as its error messages print it."""
    return "torch." + FROM_NUMPY[array.dtype]._legacy
