"""torch.signal.windows: SciPy's window functions, computed as torch computes them (from
`linspace`, `cos`, `exp` ... of the requested dtype, so the values are torch's)."""
from collections.abc import Iterable
from math import pi, sqrt

import taimatsu as _tm

__all__ = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_cosine",
           "general_hamming", "hamming", "hann", "kaiser", "nuttall"]


def _checks(name, M, dtype, layout):
    if M < 0:
        raise ValueError(f"{name} requires non-negative window length, got M={M}")
    if layout is not _tm.strided:
        raise ValueError(f"{name} is implemented for strided tensors only, got: {layout}")
    if dtype not in (_tm.float32, _tm.float64):
        raise ValueError(f"{name} expects float32 or float64 dtypes, got: {dtype}")


def _start(name, M, dtype, layout, device, requires_grad):
    """The checks, and the window of length 0 or 1 where M says it is one (else None)."""
    dtype = _tm.get_default_dtype() if dtype is None else dtype
    _checks(name, M, dtype, layout)
    if M == 0:
        return dtype, _tm.empty((0,), dtype=dtype, device=device, requires_grad=requires_grad)
    if M == 1 and name not in ("exponential", "cosine", "gaussian"):
        return dtype, _tm.ones((1,), dtype=dtype, device=device, requires_grad=requires_grad)
    return dtype, None


def _grid(start, end, M, dtype, device, requires_grad):
    return _tm.linspace(start, end, M, dtype=dtype, device=device,
                        requires_grad=requires_grad)


def exponential(M, *, center=None, tau=1.0, sym=True, dtype=None, layout=_tm.strided,
                device=None, requires_grad=False):
    dtype = _tm.get_default_dtype() if dtype is None else dtype
    _checks("exponential", M, dtype, layout)
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")
    if M == 0:
        return _tm.empty((0,), dtype=dtype, device=device, requires_grad=requires_grad)
    if center is None:
        center = (M if not sym and M > 1 else M - 1) / 2.0
    constant = 1 / tau
    k = _grid(-center * constant, (-center + (M - 1)) * constant, M, dtype, device,
              requires_grad)
    return _tm.exp(-_tm.abs(k))


def cosine(M, *, sym=True, dtype=None, layout=_tm.strided, device=None,
           requires_grad=False):
    dtype, early = _start("cosine", M, dtype, layout, device, requires_grad)
    if early is not None:
        return early
    constant = pi / (M + 1 if not sym and M > 1 else M)
    k = _grid(0.5 * constant, (0.5 + (M - 1)) * constant, M, dtype, device, requires_grad)
    return _tm.sin(k)


def gaussian(M, *, std=1.0, sym=True, dtype=None, layout=_tm.strided, device=None,
             requires_grad=False):
    dtype = _tm.get_default_dtype() if dtype is None else dtype
    _checks("gaussian", M, dtype, layout)
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")
    if M == 0:
        return _tm.empty((0,), dtype=dtype, device=device, requires_grad=requires_grad)
    start = -(M if not sym and M > 1 else M - 1) / 2.0
    constant = 1 / (std * sqrt(2))
    k = _grid(start * constant, (start + (M - 1)) * constant, M, dtype, device,
              requires_grad)
    return _tm.exp(-(k ** 2))


def kaiser(M, *, beta=12.0, sym=True, dtype=None, layout=_tm.strided, device=None,
           requires_grad=False):
    dtype = _tm.get_default_dtype() if dtype is None else dtype
    _checks("kaiser", M, dtype, layout)
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")
    dtype, early = _start("kaiser", M, dtype, layout, device, requires_grad)
    if early is not None:
        return early
    beta = _tm.tensor(beta, dtype=dtype, device=device)  # (no nan from a Python float)
    start = -beta
    constant = 2.0 * beta / (M if not sym else M - 1)
    end = _tm.minimum(beta, start + (M - 1) * constant)
    k = _grid(start, end, M, dtype, device, requires_grad)
    return _tm.i0(_tm.sqrt(beta * beta - _tm.pow(k, 2))) / _tm.i0(beta)


def general_cosine(M, *, a, sym=True, dtype=None, layout=_tm.strided, device=None,
                   requires_grad=False):
    dtype, early = _start("general_cosine", M, dtype, layout, device, requires_grad)
    if early is not None:
        return early
    if not isinstance(a, Iterable):
        raise TypeError("Coefficients must be a list/tuple")
    if not a:
        raise ValueError("Coefficients cannot be empty")
    constant = 2 * pi / (M if not sym else M - 1)
    k = _grid(0, (M - 1) * constant, M, dtype, device, requires_grad)
    a_i = _tm.tensor([(-1) ** i * w for i, w in enumerate(a)], device=device, dtype=dtype,
                     requires_grad=requires_grad)
    i = _tm.arange(a_i.shape[0], dtype=a_i.dtype, device=a_i.device,
                   requires_grad=a_i.requires_grad)
    return (a_i.unsqueeze(-1) * _tm.cos(i.unsqueeze(-1) * k)).sum(0)


def general_hamming(M, *, alpha=0.54, sym=True, dtype=None, layout=_tm.strided,
                    device=None, requires_grad=False):
    return general_cosine(M, a=[alpha, 1.0 - alpha], sym=sym, dtype=dtype, layout=layout,
                          device=device, requires_grad=requires_grad)


def hamming(M, *, sym=True, dtype=None, layout=_tm.strided, device=None,
            requires_grad=False):
    return general_hamming(M, sym=sym, dtype=dtype, layout=layout, device=device,
                           requires_grad=requires_grad)


def hann(M, *, sym=True, dtype=None, layout=_tm.strided, device=None, requires_grad=False):
    return general_hamming(M, alpha=0.5, sym=sym, dtype=dtype, layout=layout, device=device,
                           requires_grad=requires_grad)


def blackman(M, *, sym=True, dtype=None, layout=_tm.strided, device=None,
             requires_grad=False):
    dtype = _tm.get_default_dtype() if dtype is None else dtype
    _checks("blackman", M, dtype, layout)
    return general_cosine(M, a=[0.42, 0.5, 0.08], sym=sym, dtype=dtype, layout=layout,
                          device=device, requires_grad=requires_grad)


def bartlett(M, *, sym=True, dtype=None, layout=_tm.strided, device=None,
             requires_grad=False):
    dtype, early = _start("bartlett", M, dtype, layout, device, requires_grad)
    if early is not None:
        return early
    constant = 2 / (M if not sym else M - 1)
    k = _grid(-1, -1 + (M - 1) * constant, M, dtype, device, requires_grad)
    return 1 - _tm.abs(k)


def nuttall(M, *, sym=True, dtype=None, layout=_tm.strided, device=None,
            requires_grad=False):
    return general_cosine(M, a=[0.3635819, 0.4891775, 0.1365995, 0.0106411], sym=sym,
                          dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)
