"""torch.testing: `assert_close` and `make_tensor`, as tests written for PyTorch use them.

`assert_close` compares tensors, numpy arrays, numbers, and sequences and mappings of
them (recursively), with torch's default tolerances per dtype, torch's attribute checks
(shape, then device, dtype, stride where asked) and torch's messages.  `make_tensor`
draws with torch's calls in torch's order, so a seeded program gets torch's values.
"""
import cmath
import collections.abc
import math

__all__ = ["assert_allclose", "assert_close", "make_tensor"]

_PRECISIONS = {"float16": (0.001, 1e-5), "bfloat16": (0.016, 1e-5),
               "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7),
               "complex64": (1.3e-6, 1e-5), "complex128": (1e-7, 1e-7)}


class _Mismatch(Exception):
    """A failed comparison: the exception type torch raises and its message."""

    def __init__(self, kind, message, path=()):
        super().__init__(message)
        self.kind, self.message, self.path = kind, message, path


def _torch():
    import taimatsu
    return taimatsu


def _dtype_name(dtype):
    return str(dtype).split(".")[-1]


def _tolerances(dtypes, rtol, atol):
    if (rtol is None) ^ (atol is None):
        raise _Mismatch(ValueError, "Both 'rtol' and 'atol' must be either specified or "
                        f"omitted, but got no {'rtol' if rtol is None else 'atol'}.")
    if rtol is not None:
        return rtol, atol
    pairs = [_PRECISIONS.get(_dtype_name(d), (0.0, 0.0)) for d in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _message(identifier, equality, extra, abs_diff, abs_idx, atol, rel_diff, rel_idx, rtol):
    def line(kind, diff, idx, tol):
        text = f"{kind.title()} difference: {diff}" if idx is None else \
            f"Greatest {kind} difference: {diff} at index {idx}"
        return text + ("" if equality else f" (up to {tol} allowed)") + "\n"
    text = f"{identifier} are not {'equal' if equality else 'close'}!\n\n"
    if extra:
        text += extra.strip() + "\n"
    text += line("absolute", abs_diff, abs_idx, atol) + line("relative", rel_diff, rel_idx, rtol)
    return text.strip()


def _compare_numbers(actual, expected, rtol, atol, equal_nan, check_dtype):
    if isinstance(actual, bool) or isinstance(expected, bool):
        if not (isinstance(actual, bool) and isinstance(expected, bool)):
            raise _Mismatch(AssertionError, f"The (d)types do not match: {type(actual)} != "
                            f"{type(expected)}.")
        if actual != expected:
            raise _Mismatch(AssertionError, f"Booleans mismatch: {actual} is not {expected}")
        return
    if check_dtype and type(actual) is not type(expected):
        raise _Mismatch(AssertionError, f"The (d)types do not match: {type(actual)} != "
                        f"{type(expected)}.")
    kind = complex if isinstance(actual, complex) or isinstance(expected, complex) else \
        float if isinstance(actual, float) or isinstance(expected, float) else int
    defaults = {complex: "complex128", float: "float64", int: "int64"}
    rtol, atol = _tolerances([defaults[kind]], rtol, atol)
    if actual == expected:
        return
    if equal_nan and kind is not int and cmath.isnan(actual) and cmath.isnan(expected):
        return
    if kind is not int and cmath.isfinite(actual) and cmath.isfinite(expected) and \
            abs(actual - expected) <= atol + rtol * abs(expected):
        return
    raise _scalar_mismatch(actual, expected, rtol, atol)


def _scalar_mismatch(actual, expected, rtol, atol):
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _Mismatch(AssertionError, _message(
        "Scalars", rtol == 0 and atol == 0,
        f"Expected {expected} but got {actual}.", abs_diff, None, atol, rel_diff, None, rtol))


def _unravel(flat, shape):
    index = []
    for size in shape[::-1]:
        flat, mod = divmod(flat, size)
        index.append(mod)
    return tuple(index[::-1])


def _compare_tensors(actual, expected, rtol, atol, equal_nan, check_device, check_dtype,
                     check_stride):
    torch = _torch()

    def mismatch(attribute, a, b):
        raise _Mismatch(AssertionError, f"The values for attribute '{attribute}' do not "
                        f"match: {a} != {b}.")
    if actual.shape != expected.shape:
        mismatch("shape", actual.shape, expected.shape)
    if check_stride and actual.stride() != expected.stride():
        mismatch("stride()", actual.stride(), expected.stride())
    if check_device and actual.device != expected.device:
        mismatch("device", actual.device, expected.device)
    if check_dtype and actual.dtype != expected.dtype:
        mismatch("dtype", actual.dtype, expected.dtype)
    rtol, atol = _tolerances([actual.dtype, expected.dtype], rtol, atol)
    actual, expected = actual.detach().cpu(), expected.detach().cpu()
    if actual.dtype != expected.dtype:
        dtype = torch.promote_types(actual.dtype, expected.dtype)
        actual, expected = actual.to(dtype), expected.to(dtype)
    matches = torch.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if bool(matches.all()):
        return
    if actual.shape == ():
        raise _scalar_mismatch(actual.item(), expected.item(), rtol, atol)
    total = matches.numel()
    wrong = total - int(matches.sum())
    extra = f"Mismatched elements: {wrong} / {total} ({wrong / total:.1%})"
    a, e, hit = actual.flatten(), expected.flatten(), matches.flatten()
    if not (a.dtype.is_floating_point or a.dtype.is_complex):
        a, e = a.to(torch.int64), e.to(torch.int64)
    abs_diff = (a - e).abs()
    abs_diff[hit] = 0
    max_abs, abs_at = abs_diff.max(0)
    rel_diff = abs_diff / e.abs()
    rel_diff[hit] = 0
    max_rel, rel_at = rel_diff.max(0)
    raise _Mismatch(AssertionError, _message(
        "Tensor-likes", rtol == 0 and atol == 0, extra, max_abs.item(),
        _unravel(int(abs_at), tuple(matches.shape)), atol, max_rel.item(),
        _unravel(int(rel_at), tuple(matches.shape)), rtol))


def _compare(actual, expected, path, options):
    torch = _torch()
    import numpy
    numbers = (bool, int, float, complex)
    if isinstance(actual, torch.Tensor) and isinstance(expected, torch.Tensor):
        return _compare_tensors(actual, expected, **options)
    if type(actual) is numpy.ndarray and type(expected) is numpy.ndarray:
        return _compare_tensors(torch.from_numpy(actual), torch.from_numpy(expected),
                                **options)
    if isinstance(actual, numbers) and isinstance(expected, numbers):
        return _compare_numbers(actual, expected, options["rtol"], options["atol"],
                                options["equal_nan"], options["check_dtype"])
    sequences = (collections.abc.Sequence,)
    if isinstance(actual, sequences) and isinstance(expected, sequences) and \
            not isinstance(actual, str) and not isinstance(expected, str):
        if len(actual) != len(expected):
            raise _Mismatch(AssertionError, f"The length of the sequences mismatch: "
                            f"{len(actual)} != {len(expected)}", path)
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare_at(a, e, path + (i,), options)
        return
    if isinstance(actual, collections.abc.Mapping) and \
            isinstance(expected, collections.abc.Mapping):
        keys_a, keys_e = set(actual), set(expected)
        if keys_a != keys_e:
            missing, extra = sorted(keys_e - keys_a), sorted(keys_a - keys_e)
            raise _Mismatch(AssertionError, "The keys of the mappings do not match:\n"
                            f"Missing keys in the actual mapping: {missing}\n"
                            f"Additional keys in the actual mapping: {extra}", path)
        for key in expected:
            _compare_at(actual[key], expected[key], path + (key,), options)
        return
    raise _Mismatch(TypeError, f"No comparison pair was able to handle inputs of type "
                    f"{type(actual)} and {type(expected)}.", path)


def _compare_at(actual, expected, path, options):
    try:
        _compare(actual, expected, path, options)
    except _Mismatch as m:
        if not m.path:
            m.path = path
        raise


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None,
                 equal_nan=False, check_device=True, check_dtype=True, check_layout=True,
                 check_stride=False, msg=None):
    """Raise AssertionError (torch's message) unless `actual` and `expected` are close:
    |actual - expected| <= atol + rtol * |expected| elementwise, after equal shapes (and
    devices and dtypes, unless told otherwise)."""
    options = {"rtol": rtol, "atol": atol, "equal_nan": equal_nan, "check_device": check_device,
               "check_dtype": check_dtype, "check_stride": check_stride}
    try:
        _compare(actual, expected, (), options)
    except _Mismatch as m:
        text = m.message
        if m.path:
            text += "\n\nThe failure occurred for item " + "".join(f"[{p!r}]" for p in m.path)
        if isinstance(msg, str):
            text = msg
        elif callable(msg):
            text = msg(text)
        raise m.kind(text) from None


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=""):
    """The deprecated form: numbers and sequences become tensors first."""
    import warnings
    warnings.warn("`torch.testing.assert_allclose()` is deprecated since 1.12 and will be "
                  "removed in a future release. Please use `torch.testing.assert_close()` "
                  "instead.", FutureWarning, stacklevel=2)
    torch = _torch()
    actual = actual if isinstance(actual, torch.Tensor) else torch.tensor(actual)
    expected = expected if isinstance(expected, torch.Tensor) else \
        torch.tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        rtol, atol = _tolerances([actual.dtype, expected.dtype], None, None)
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan,
                 check_device=True, check_dtype=False, check_stride=False, msg=msg or None)


def make_tensor(*shape, dtype, device=None, low=None, high=None, requires_grad=False,
                noncontiguous=False, exclude_zero=False, memory_format=None):
    """A tensor of `shape` with values drawn uniformly from [low, high) (torch's defaults
    per dtype: bool [0, 2), unsigned [0, 10), signed [-9, 10), float and complex [-9, 9)),
    made with the calls torch makes, so seeded values are torch's."""
    torch = _torch()
    if len(shape) == 1 and isinstance(shape[0], collections.abc.Sequence):
        shape = shape[0]
    shape = tuple(shape)
    if noncontiguous and memory_format is not None:
        raise ValueError(f"The parameters `noncontiguous` and `memory_format` are mutually "
                         f"exclusive, but got noncontiguous={noncontiguous} and "
                         f"memory_format={memory_format}")
    floating = dtype.is_floating_point or dtype.is_complex
    if requires_grad and not floating:
        raise ValueError(f"`requires_grad=True` is not supported for boolean and integral "
                         f"dtypes, but got dtype={dtype}")
    noncontiguous = noncontiguous and math.prod(shape) > 1
    if noncontiguous:
        shape = (*shape[:-1], 2 * shape[-1])

    def bounds(lowest, highest, default_low, default_high):
        lo = default_low if low is None else low
        hi = default_high if high is None else high
        if any(isinstance(v, float) and math.isnan(v) for v in (lo, hi)):
            raise ValueError(f"`low` and `high` cannot be NaN, but got low={lo} and high={hi}")
        if lo >= hi and not (lo == hi and floating):
            raise ValueError(f"`low` must be less than `high`, but got {lo} >= {hi}")
        if hi < lowest or lo >= highest:
            raise ValueError(f"The value interval specified by `low` and `high` is [{lo}, "
                             f"{hi}), but {dtype} only supports [{lowest}, {highest})")
        lo, hi = min(max(lo, lowest), highest), min(max(hi, lowest), highest)
        return (math.ceil(lo), math.ceil(hi)) if not floating else (lo, hi)

    if dtype is torch.bool:
        lo, hi = bounds(0, 2, 0, 2)
        result = torch.randint(lo, hi, shape, device=device, dtype=dtype)
    elif not floating:
        info = torch.iinfo(dtype)
        lo, hi = bounds(info.min, info.max + (dtype is not torch.int64), -9, 10)
        result = torch.randint(lo, hi, shape, device=device, dtype=dtype)
    else:
        info = torch.finfo(dtype)
        lo, hi = bounds(info.min, info.max, -9, 9)
        result = torch.empty(shape, device=device, dtype=dtype)
        target = torch.view_as_real(result) if dtype.is_complex else result
        if hi - lo >= torch.finfo(target.dtype).max:
            target.uniform_(lo / 2, hi / 2).mul_(2)
        else:
            target.uniform_(lo, hi)
    if noncontiguous:
        result = result[..., 1::2]
    elif memory_format is not None:
        result = result.clone(memory_format=memory_format)
    if exclude_zero:
        result[result == 0] = torch.finfo(dtype).tiny if floating else 1
    if floating:
        result.requires_grad = requires_grad
    return result
