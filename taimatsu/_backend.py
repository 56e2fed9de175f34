"""The one place that imports the array library.

Op code never names numpy: it asks the tensor for its module (`t._xp`), so that
a CuPy backend for `device="cuda"` is a new entry here, not an edit to every op.
"""
import numpy

ndarray = numpy.ndarray


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
