"""The one place that imports the array library.

Op code never names numpy: it asks the tensor for its module (`t._xp`), so that
a CuPy backend for `device="cuda"` is a new entry here, not an edit to every op.
"""
import warnings

import numpy

ndarray = numpy.ndarray

# torch computes 1/0, log(0) and overflow silently (inf, nan); numpy warns.  Silence
# numpy's floating-point warnings raised from taimatsu's own code only (numpy attributes
# them to the calling module), leaving the user's numpy calls and global state alone.
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"taimatsu\.")


class Backend:
    """An array module and the device type it serves."""

    __slots__ = ("xp", "device_type")

    def __init__(self, xp, device_type):
        self.xp = xp
        self.device_type = device_type


cpu = Backend(numpy, "cpu")
_BY_DEVICE = {"cpu": cpu}


def for_device(device_type):
    """The backend serving `device_type`, or torch's error when there is none."""
    backend = _BY_DEVICE.get(device_type)
    if backend is None:
        if device_type == "cuda":
            # torch's CPU build raises exactly this
            raise AssertionError("Torch not compiled with CUDA enabled")
        raise RuntimeError(f"taimatsu has no backend for device type '{device_type}'")
    return backend
