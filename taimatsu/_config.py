"""Process-wide settings that programs set in their first lines.  The thread count drives
the BLAS library's thread pool (through threadpoolctl, made for that, imported when a
count is set); numpy decides matmul precision itself and every taimatsu op is
deterministic, so the other settings record the value for the matching getter."""

__all__ = ["are_deterministic_algorithms_enabled", "get_float32_matmul_precision",
           "get_num_interop_threads", "get_num_threads", "set_float32_matmul_precision",
           "set_num_interop_threads", "set_num_threads", "use_deterministic_algorithms"]

_state = {"threads": None, "interop": None, "deterministic": False, "precision": "highest"}


def set_num_threads(n):
    """The number of threads the products (BLAS) use, as torch's intra-op pool."""
    n = int(n)
    if n <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    from threadpoolctl import threadpool_limits
    # (kept: the limit holds while the object lives, as a process setting should)
    _state["limits"] = threadpool_limits(limits=n, user_api="blas")
    _state["threads"] = n


def get_num_threads():
    if _state["threads"]:
        return _state["threads"]
    try:
        from threadpoolctl import threadpool_info
        blas = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
    except ImportError:
        blas = []
    if blas:
        return max(blas)
    import os
    return os.cpu_count() or 1


def set_num_interop_threads(n):
    _state["interop"] = int(n)


def get_num_interop_threads():
    return _state["interop"] or get_num_threads()


def use_deterministic_algorithms(mode, *, warn_only=False):
    _state["deterministic"] = bool(mode)


def are_deterministic_algorithms_enabled():
    return _state["deterministic"]


def set_float32_matmul_precision(precision):
    if precision not in ("highest", "high", "medium"):
        raise RuntimeError(f"Invalid precision {precision}; expected one of highest, high, "
                           "medium")
    _state["precision"] = precision


def get_float32_matmul_precision():
    return _state["precision"]
