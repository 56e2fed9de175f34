"""The array backends: the one place that imports an array library.

A tensor's array is an array of its device's backend; op code takes the array module
`xp` from its inputs (`t._xp`, or `apply`'s `xp` argument) and never names numpy, so a
CuPy backend for `device="cuda"` is a new `Backend` here, not an edit to every op.

What numpy alone offers and another array library spells differently (ufunc `.at`,
stride tricks, the host's bytes, data pointers) is a method of the backend, so that each
backend gives its own.  numpy names (dtypes, `numpy.generic`) that describe arrays rather
than compute on them are re-exported here for the rest of the package.
"""
import warnings

import numpy

ndarray = numpy.ndarray

# torch computes 1/0, log(0) and overflow silently (inf, nan); numpy warns.  Silence
# numpy's floating-point warnings raised from taimatsu's own code only (numpy attributes
# them to the calling module), leaving the user's numpy calls and global state alone.
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"taimatsu\.")


class GraphBreak(Exception):
    """What torch.compile's trace cannot replay (see _dynamo/tracing.py); raised by core
    code that a trace must not run, such as a generator drawing numbers."""


class Tracing:
    """Whether a torch.compile trace is running (set by _dynamo/tracing.py)."""

    active = False
    backward_runs = 0  # the engine counts its runs while a trace is active
    drawing = False    # a sampler's draw being recorded (the generator may run)
    draw = None        # the tracer's recorder of a sampler's draw


class Backend:
    """An array module, the array type it makes and the device it serves."""

    # whether the arrays live in host memory: `.numpy()` and `np.asarray(tensor)` give them
    # to the user as numpy arrays (torch refuses them for a GPU's tensors)
    host_memory = True

    def __init__(self, xp, array_type, device_type):
        self.xp = xp
        self.array_type = array_type
        self.device_type = device_type
        self._device = None

    @property
    def device(self):
        # torch.device objects are made on first use (_device imports nothing of ours)
        if self._device is None:
            from ._device import device
            self._device = device(self.device_type)
        return self._device

    # the doors to and from the host: numpy arrays (from data, files, generators) enter
    # a device here, and leave it for printing, saving and `.numpy()`
    def from_host(self, array):
        if type(array) is not ndarray:
            array = of(array).to_host(array)  # another device's array
        return array

    def to_host(self, array):
        return array

    def constant(self, array):
        """A host array that is a function of Python values only (shapes, a literal index
        list), moved to this device: as from_host, but a torch.compile trace may bake it
        into its replay, where host data (which may change between calls) stops a trace."""
        return self.from_host(array)

    def data_ptr(self, array):
        return array.__array_interface__["data"][0]

    def as_strided(self, array, shape, strides, writeable=True):
        """A view with `strides` in bytes (numpy's stride tricks)."""
        return numpy.lib.stride_tricks.as_strided(array, shape, strides, writeable=writeable)

    def may_share_memory(self, a, b):
        return numpy.may_share_memory(a, b)

    def writable_alias(self, a):
        """A writable alias of read-only (expanded) array `a` over the same memory, or
        None where its root array is read-only too."""
        root = a
        while True:
            base = root.base
            if not isinstance(base, ndarray):
                # the stride tricks' views hold their array through a helper object
                base = getattr(base, "base", None)
                if not isinstance(base, ndarray):
                    break
            root = base
        if not root.flags.writeable:
            return None
        offset = a.__array_interface__["data"][0] - root.__array_interface__["data"][0]
        try:
            return ndarray(a.shape, a.dtype, root, offset, a.strides)
        except (TypeError, ValueError):
            return None

    def ufunc_at(self, name, target, index, values):
        """target[index] = name(target[index], values), applied once per repeated index
        (numpy's ufunc.at: add, multiply, maximum, minimum)."""
        getattr(self.xp, name).at(target, index, values)

    def special(self, name):
        """scipy.special's function `name` (erf, erfc, erfinv) when scipy is installed, else
        a slower numpy version."""
        try:
            from scipy import special
        except ImportError:
            return _FALLBACK_SPECIAL[name]
        return getattr(special, name)


class _CheckedBackend(Backend):
    """numpy underneath, arrays that refuse plain numpy ones (see _checked.py)."""

    def from_host(self, array):
        from ._checked import CheckedArray
        if type(array) is CheckedArray:
            return array
        if type(array) is not ndarray:
            array = of(array).to_host(array)
        return CheckedArray(numpy.array(array, copy=True, subok=False))

    def to_host(self, array):
        return array._a

    def data_ptr(self, array):
        return array._a.__array_interface__["data"][0]

    def as_strided(self, array, shape, strides, writeable=True):
        from ._checked import CheckedArray
        return CheckedArray(numpy.lib.stride_tricks.as_strided(array._a, shape, strides,
                                                               writeable=writeable))

    def may_share_memory(self, a, b):
        return numpy.may_share_memory(a._a, b._a)

    def writable_alias(self, a):
        from ._checked import CheckedArray
        alias = cpu.writable_alias(a._a)
        return None if alias is None else CheckedArray(alias)

    def special(self, name):
        from ._checked import CheckedArray
        host = cpu.special(name)
        return lambda x: CheckedArray(host(x._a))


def _erf_fallback(x):
    import math
    return numpy.frompyfunc(math.erf, 1, 1)(x).astype(x.dtype)


def _erfc_fallback(x):
    import math
    return numpy.frompyfunc(math.erfc, 1, 1)(x).astype(x.dtype)


def _erfinv_fallback(y):
    # Giles' approximation, polished by Newton steps on erf
    np = numpy
    w = -np.log1p(-y * y)
    x = y * np.where(w < 5, 1.50140941 + 0.246640727 * (w - 2.5),
                     2.83297682 + 1.00167406 * (np.sqrt(np.maximum(w, 5)) - 3))
    for _ in range(4):
        x = x - (_erf_fallback(x) - y) / (1.1283791670955126 * np.exp(-x * x))
    x = np.where(np.abs(y) < 1, x, np.where(np.abs(y) == 1, np.sign(y) * np.inf, np.nan))
    return x.astype(y.dtype, copy=False)


_FALLBACK_SPECIAL = {"erf": _erf_fallback, "erfc": _erfc_fallback, "erfinv": _erfinv_fallback}

cpu = Backend(numpy, ndarray, "cpu")
_BY_DEVICE = {"cpu": cpu}
# the backend of an array, by its type: how a tensor knows its device (a plain dict: the
# interpreter's fast path for dict lookups, on every op)
BY_ARRAY_TYPE = {ndarray: cpu}


def backend_of_type(array_type):
    """BY_ARRAY_TYPE[array_type], where a numpy scalar (some numpy functions give them for
    0-d results) counts as a cpu array."""
    backend = BY_ARRAY_TYPE.get(array_type)
    if backend is None:
        if issubclass(array_type, numpy.generic):
            return cpu
        raise KeyError(array_type)
    return backend


def _checked():
    from . import _checked
    backend = _CheckedBackend(_checked.xp, _checked.CheckedArray, "checked")
    BY_ARRAY_TYPE[_checked.CheckedArray] = backend
    return backend


# backends made on first use, so that `import taimatsu` loads no second array library
_LAZY = {"checked": _checked}


def for_device(device_type):
    """The backend serving `device_type`, or torch's error when there is none."""
    backend = _BY_DEVICE.get(device_type)
    if backend is None:
        make = _LAZY.get(device_type)
        if make is not None:
            backend = _BY_DEVICE[device_type] = make()
            return backend
        if device_type == "cuda":
            # torch's CPU build raises exactly this
            raise AssertionError("Torch not compiled with CUDA enabled")
        raise RuntimeError(f"taimatsu has no backend for device type '{device_type}'")
    return backend


def of(array):
    """The backend an array belongs to."""
    return BY_ARRAY_TYPE[type(array)]
