"""torch.accelerator: the device-agnostic queries current programs start with
(`torch.accelerator.current_accelerator()` picks the device).  taimatsu computes on the
CPU only, so there is no accelerator: the answers of a cpu-only torch."""

__all__ = ["current_accelerator", "current_device_index", "device_count", "is_available",
           "synchronize"]


def is_available():
    return False


def device_count():
    return 0


def current_accelerator(check_available=False):
    return None


def current_device_index():
    raise RuntimeError("Cannot access accelerator device when none is available.")


current_device_idx = current_device_index


def synchronize(device=None):
    raise RuntimeError("Cannot access accelerator device when none is available.")
