"""torch.backends.cuda: not built here; its flags are kept so that programs can set them
(`torch.backends.cuda.matmul.allow_tf32 = True`), and change nothing."""

__all__ = ["cufft_plan_cache", "is_built", "matmul", "preferred_linalg_library",
           "sdp_kernel", "enable_flash_sdp", "enable_math_sdp", "enable_mem_efficient_sdp",
           "flash_sdp_enabled", "math_sdp_enabled", "mem_efficient_sdp_enabled"]


def is_built():
    return False


class _MatmulFlags:
    """torch.backends.cuda.matmul's settable flags (torch's defaults)."""

    def __init__(self):
        self.allow_tf32 = False
        self.allow_fp16_reduced_precision_reduction = True
        self.allow_bf16_reduced_precision_reduction = True


matmul = _MatmulFlags()


class _PlanCache:
    size = 0
    max_size = 0

    def clear(self):
        pass


cufft_plan_cache = _PlanCache()

# scaled_dot_product_attention's kernel switches: the math kernel is the only one here
_SDP = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True}


def enable_flash_sdp(enabled):
    _SDP["flash"] = bool(enabled)


def enable_mem_efficient_sdp(enabled):
    _SDP["mem_efficient"] = bool(enabled)


def enable_math_sdp(enabled):
    _SDP["math"] = bool(enabled)


def flash_sdp_enabled():
    return _SDP["flash"]


def mem_efficient_sdp_enabled():
    return _SDP["mem_efficient"]


def math_sdp_enabled():
    return _SDP["math"]


def preferred_linalg_library(backend=None):
    return None


class sdp_kernel:
    """The deprecated context manager that switches attention kernels: accepted."""

    def __init__(self, enable_flash=True, enable_math=True, enable_mem_efficient=True,
                 enable_cudnn=True):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
