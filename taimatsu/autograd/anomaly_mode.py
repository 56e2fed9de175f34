"""torch.autograd.detect_anomaly / set_detect_anomaly: while on, every node remembers the
forward call that made it; a backward that fails, or (check_nan) gives a nan gradient,
is reported with that traceback, and the nan raises torch's error."""
import functools
import warnings

from .graph import ANOMALY

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled"]


def is_anomaly_enabled():
    return bool(ANOMALY)


def is_anomaly_check_nan_enabled():
    return ANOMALY[0] if ANOMALY else True


def _set(mode, check_nan):
    ANOMALY[:] = [bool(check_nan)] if mode else []


class detect_anomaly:
    """A context manager (and decorator) that turns anomaly detection on."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        self.prev = None
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the "
                      "runtime and should only be enabled for debugging.", stacklevel=2)

    def __enter__(self):
        self.prev = (is_anomaly_enabled(), is_anomaly_check_nan_enabled())
        _set(True, self.check_nan)

    def __exit__(self, *exc):
        _set(*self.prev)

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(self.check_nan):
                return fn(*args, **kwargs)
        return wrapper


class set_detect_anomaly:
    """Turns anomaly detection on or off now (a function call), or for a `with` block."""

    def __init__(self, mode, check_nan=True):
        self.prev = (is_anomaly_enabled(), is_anomaly_check_nan_enabled())
        _set(mode, check_nan)

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        _set(*self.prev)
