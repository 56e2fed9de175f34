"""torch.cuda on a machine without CUDA: the queries answer "none", seeding is a no-op
and what needs a device fails with torch's message, so that the usual
`device = "cuda" if torch.cuda.is_available() else "cpu"` programs run on the CPU."""

__all__ = ["current_device", "device_count", "empty_cache", "get_device_name", "init",
           "is_available", "is_bf16_supported", "is_initialized", "manual_seed",
           "manual_seed_all", "max_memory_allocated", "memory_allocated", "seed", "seed_all",
           "synchronize"]

_NOT_COMPILED = "Torch not compiled with CUDA enabled"


def _lazy_init():
    raise AssertionError(_NOT_COMPILED)


def is_available():
    return False


def device_count():
    return 0


def is_initialized():
    return False


def is_bf16_supported(including_emulation=True):
    return False


def manual_seed(seed):
    """Seeds nothing: torch ignores CUDA seeds until CUDA is initialised."""


def manual_seed_all(seed):
    """Seeds nothing, as manual_seed."""


def seed():
    """Seeds nothing, as manual_seed."""


def seed_all():
    """Seeds nothing, as manual_seed."""


def empty_cache():
    """Frees nothing: no CUDA memory was ever allocated."""


def memory_allocated(device=None):
    return 0


def max_memory_allocated(device=None):
    return 0


def init():
    _lazy_init()


def synchronize(device=None):
    _lazy_init()


def current_device():
    _lazy_init()


def get_device_name(device=None):
    _lazy_init()
