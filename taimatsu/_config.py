"""Process-wide settings that programs set in their first lines.  numpy decides threads
and matmul precision itself, and every taimatsu op is deterministic, so these record the
value for the matching getter and change nothing else."""

__all__ = ["are_deterministic_algorithms_enabled", "get_float32_matmul_precision",
           "get_num_interop_threads", "get_num_threads", "set_float32_matmul_precision",
           "set_num_interop_threads", "set_num_threads", "use_deterministic_algorithms"]

_state = {"threads": None, "interop": None, "deterministic": False, "precision": "highest"}


def set_num_threads(n):
    _state["threads"] = int(n)


def get_num_threads():
    import os
    return _state["threads"] or os.cpu_count() or 1


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
