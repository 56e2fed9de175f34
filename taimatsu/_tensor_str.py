"""Printing of tensors, character for character like torch's `torch/_tensor_str.py`.

This is a port of torch's printer that works on the numpy array behind a tensor
instead of going through tensor ops: torch's version slices, stacks and masks
tensors, which would cost a taimatsu op (and its Python overhead) per step.
The structure and the quirks are kept on purpose (the widths, the `" ..."`
element, the suffix line-length arithmetic), because the output must match
torch's exactly; where the port differs in *how* it computes something, a
comment says why the result is the same.
"""
import contextlib
import math

from . import _dtype
from ._backend import numpy as np

__all__ = ["PRINT_OPTS", "get_printoptions", "printoptions", "set_printoptions"]

_inf = math.inf


class _PrinterOptions:
    """torch's `__PrinterOptions` dataclass, without importing dataclasses (slow to import)."""

    __slots__ = ("edgeitems", "linewidth", "precision", "sci_mode", "threshold")
    # torch's field order, which get_printoptions' dict keeps
    _FIELDS = ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")

    def __init__(self, precision=4, threshold=1000, edgeitems=3, linewidth=80, sci_mode=None):
        self.precision = precision
        self.threshold = threshold
        self.edgeitems = edgeitems
        self.linewidth = linewidth
        self.sci_mode = sci_mode

    def _asdict(self):
        return {name: getattr(self, name) for name in self._FIELDS}

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return self._asdict() == other._asdict()

    __hash__ = None

    def __repr__(self):
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._FIELDS)
        return f"__PrinterOptions({fields})"


PRINT_OPTS = _PrinterOptions()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    r"""Set options for printing. Items shamelessly taken from NumPy

    Args:
        precision: Number of digits of precision for floating point output
            (default = 4).
        threshold: Total number of array elements which trigger summarization
            rather than full `repr` (default = 1000).
        edgeitems: Number of array items in summary at beginning and end of
            each dimension (default = 3).
        linewidth: The number of characters per line for the purpose of
            inserting line breaks (default = 80). Thresholded matrices will
            ignore this parameter.
        profile: Sane defaults for pretty printing. Can override with any of
            the above options. (any one of `default`, `short`, `full`)
        sci_mode: Enable (True) or disable (False) scientific notation. If
            None (default) is specified, the value is chosen automatically.
    """
    if profile is not None:
        # an unknown profile name is silently ignored, as in torch
        if profile == "default":
            PRINT_OPTS.precision = 4
            PRINT_OPTS.threshold = 1000
            PRINT_OPTS.edgeitems = 3
            PRINT_OPTS.linewidth = 80
        elif profile == "short":
            PRINT_OPTS.precision = 2
            PRINT_OPTS.threshold = 1000
            PRINT_OPTS.edgeitems = 2
            PRINT_OPTS.linewidth = 80
        elif profile == "full":
            PRINT_OPTS.precision = 4
            PRINT_OPTS.threshold = _inf
            PRINT_OPTS.edgeitems = 3
            PRINT_OPTS.linewidth = 80

    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    # torch resets sci_mode on every call, even when it is not passed
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    r"""Gets the current options for printing, as a dictionary that
    can be passed as ``**kwargs`` to set_printoptions().
    """
    return PRINT_OPTS._asdict()


@contextlib.contextmanager
def printoptions(**kwargs):
    r"""Context manager that temporarily changes the print options.  Accepted
    arguments are same as :func:`set_printoptions`."""
    old_kwargs = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old_kwargs)


# Below this many values the formatter formats every value to find the widest; above
# it, it formats only the values that can be widest (see _widest).
_FORMAT_ALL_BELOW = 64


class _Formatter:
    """Chooses how the values of one (real) array are printed: integer, fixed or
    scientific notation, and the common width they are padded to."""

    __slots__ = ("_is_bool", "floating_dtype", "int_mode", "max_width", "sci_mode")

    def __init__(self, values):
        # `values` is a numpy array holding the values torch's formatter would see
        # (the summarized data when printing is summarized)
        kind = values.dtype.kind
        self.floating_dtype = kind == "f"
        self._is_bool = kind == "b"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1

        if not self.floating_dtype:
            if values.size == 0:
                return
            if self._is_bool:
                widest = 5 if not values.all() else 4  # "False" / "True"
            else:
                # str(int) is longest at an extreme (the most digits, with or without "-")
                widest = max(len(str(int(values.max()))), len(str(int(values.min()))))
            self.max_width = max(1, widest)
            return

        flat = values.reshape(-1)
        nonzero_finite_vals = flat[np.isfinite(flat) & (flat != 0)]
        if nonzero_finite_vals.size == 0:
            # no valid number, do nothing
            return

        # torch converts to double here, so float16 cannot overflow the ratio below
        nonzero_finite_abs = np.abs(nonzero_finite_vals)
        nonzero_finite_min = float(nonzero_finite_abs.min())
        nonzero_finite_max = float(nonzero_finite_abs.max())

        # torch compares each value with its ceil in the tensor's own dtype
        self.int_mode = bool((nonzero_finite_vals == np.ceil(nonzero_finite_vals)).all())

        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = (
                nonzero_finite_max / nonzero_finite_min > 1000.0
                or nonzero_finite_max > 1.0e8
                or nonzero_finite_min < 1.0e-4
            )
        else:
            self.sci_mode = PRINT_OPTS.sci_mode

        precision = PRINT_OPTS.precision
        if self.sci_mode:
            spec, extra = f".{precision}e", 0
        elif self.int_mode:
            # in int_mode for floats, all numbers are integers, and a decimal point is
            # appended to show that the tensor is of floating type: one more character
            spec, extra = ".0f", 1
        else:
            spec, extra = f".{precision}f", 0
        widest = max(len(format(value, spec)) for value in _widest(nonzero_finite_vals))
        self.max_width = max(self.max_width, widest + extra)

    def width(self):
        return self.max_width

    def format(self, value):
        if self.floating_dtype:
            if self.sci_mode:
                ret = f"{value:{self.max_width}.{PRINT_OPTS.precision}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{value:.{PRINT_OPTS.precision}f}"
        else:
            ret = f"{value}"
        return (self.max_width - len(ret)) * " " + ret

    def format_all(self, values):
        """`format` for each of a list of python numbers, with one format spec built once."""
        width = self.max_width
        if self.floating_dtype:
            if self.sci_mode:
                return [format(v, f"{width}.{PRINT_OPTS.precision}e") for v in values]
            if self.int_mode:
                return [self.format(v) for v in values]
            return [format(v, f">{width}.{PRINT_OPTS.precision}f") for v in values]
        if self._is_bool:
            # format(True, ">5") would print "    1": bool's format spec is int's
            return [str(v).rjust(width) for v in values]
        return [format(v, f">{width}") for v in values]


def _widest(values):
    """The python floats among `values` whose formatted text can be the longest.

    The length of fixed or scientific text grows with the magnitude (more integer
    digits, a three-digit exponent) and with a minus sign, and rounding is monotonic;
    so the longest text is that of the largest or smallest positive value, or the
    largest or smallest negative one.  Small arrays are simply all formatted.
    """
    if values.size < _FORMAT_ALL_BELOW:
        return values.tolist()
    candidates = []
    positive = values[values > 0]
    if positive.size:
        candidates += [positive.min().item(), positive.max().item()]
    negative = values[values < 0]
    if negative.size:
        candidates += [negative.min().item(), negative.max().item()]
    return candidates


def _join_complex(real_str, imag_str):
    imag_str = (imag_str + "j").lstrip()
    # handles negative numbers, +0.0, -0.0
    if imag_str[0] == "+" or imag_str[0] == "-":
        return real_str + imag_str
    return real_str + "+" + imag_str


def _scalar_str(array, formatter1, formatter2=None):
    value = array.item()
    if formatter2 is not None:
        return _join_complex(formatter1.format(value.real), formatter2.format(value.imag))
    return formatter1.format(value)


def _format_values(values, formatter1, formatter2):
    """Formats a list of python numbers (complex ones when formatter2 is given)."""
    if formatter2 is None:
        return formatter1.format_all(values)
    reals = formatter1.format_all([v.real for v in values])
    imags = formatter2.format_all([v.imag for v in values])
    return [_join_complex(r, i) for r, i in zip(reals, imags, strict=True)]


def _vector_str(array, indent, summarize, formatter1, formatter2=None):
    # length includes spaces and comma between elements
    element_length = formatter1.width() + 2
    if formatter2 is not None:
        # width for imag_formatter + an extra j for complex
        element_length += formatter2.width() + 1

    elements_per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))

    edgeitems = PRINT_OPTS.edgeitems
    if summarize and not edgeitems:
        data = ["..."]
    elif summarize and array.shape[0] > 2 * edgeitems:
        data = [
            *_format_values(array[:edgeitems].tolist(), formatter1, formatter2),
            " ...",
            *_format_values(array[-edgeitems:].tolist(), formatter1, formatter2),
        ]
    else:
        data = _format_values(array.tolist(), formatter1, formatter2)

    lines = [", ".join(data[i:i + elements_per_line])
             for i in range(0, len(data), elements_per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str_with_formatter(array, indent, summarize, formatter1, formatter2=None):
    dim = array.ndim

    if dim == 0:
        return _scalar_str(array, formatter1, formatter2)

    if dim == 1:
        return _vector_str(array, indent, summarize, formatter1, formatter2)

    edgeitems = PRINT_OPTS.edgeitems
    size = array.shape[0]
    if summarize and size > 2 * edgeitems:
        rows = [*range(edgeitems), None, *range(size - edgeitems, size)]
    else:
        rows = range(size)
    slices = [
        "..." if i is None
        else _tensor_str_with_formatter(array[i], indent + 1, summarize, formatter1, formatter2)
        for i in rows
    ]

    tensor_str = ("," + "\n" * (dim - 1) + " " * (indent + 1)).join(slices)
    return "[" + tensor_str + "]"


def _summarized_data(array):
    """The values torch's `get_summarized_data` keeps: the formatter sees only those,
    so widths and notation are chosen from what is printed."""
    dim = array.ndim
    edgeitems = PRINT_OPTS.edgeitems
    if dim == 0:
        return array
    if dim == 1:
        if array.shape[0] > 2 * edgeitems:
            # with edgeitems == 0, array[-0:] is the whole vector, as in torch
            return np.concatenate((array[:edgeitems], array[-edgeitems:]))
        return array
    if not edgeitems:
        return array[(slice(0, 0),) * dim]
    # torch recurses row by row; keeping the first and last `edgeitems` of every
    # axis that is longer than 2 * edgeitems selects the same values
    for axis, size in enumerate(array.shape):
        if size > 2 * edgeitems:
            keep = np.r_[0:edgeitems, size - edgeitems:size]
            array = array.take(keep, axis=axis)
    return array


def _tensor_str(array, indent):
    """The bracketed contents of a tensor holding `array`, as torch prints them."""
    if array.size == 0:
        return "[]"

    summarize = array.size > PRINT_OPTS.threshold
    shown = _summarized_data(array) if summarize else array

    if array.dtype.kind == "c":
        real_formatter = _Formatter(shown.real)
        imag_formatter = _Formatter(shown.imag)
        return _tensor_str_with_formatter(array, indent, summarize, real_formatter,
                                          imag_formatter)
    formatter = _Formatter(shown)
    return _tensor_str_with_formatter(array, indent, summarize, formatter)


def _add_suffixes(tensor_str, suffixes, indent, force_newline):
    tensor_strs = [tensor_str]
    # torch's arithmetic (off by two from the true length), kept so lines wrap where its do
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        suffix_len = len(suffix)
        if force_newline or last_line_len + suffix_len + 2 > PRINT_OPTS.linewidth:
            tensor_strs.append(",\n" + " " * indent + suffix)
            last_line_len = indent + suffix_len
            force_newline = False
        else:
            tensor_strs.append(", " + suffix)
            last_line_len += suffix_len + 2
    tensor_strs.append(")")
    return "".join(tensor_strs)


def _host_array(data):
    """The values as a numpy array: a device array is copied to the host to be printed."""
    if isinstance(data, np.ndarray):
        return data
    if hasattr(data, "get"):  # cupy
        return data.get()
    return np.asarray(data)


def _is_taimatsu_class(cls, name):
    return cls.__name__ == name and cls.__module__.startswith("taimatsu")


def _str_intern(inp, *, tensor_contents=None):
    cls = type(inp)
    # Tensor and Parameter print as "tensor(...)"; a subclass prints its own name
    is_plain_tensor = _is_taimatsu_class(cls, "Tensor") or _is_taimatsu_class(cls, "Parameter")
    prefix = "tensor(" if is_plain_tensor else f"{cls.__name__}("
    indent = len(prefix)
    suffixes = []
    custom_contents_provided = tensor_contents is not None
    if custom_contents_provided:
        tensor_str = tensor_contents

    # torch prints the device only when it differs from the default device (cpu)
    device = inp.device
    if device.type != "cpu":
        suffixes.append("device='" + str(device) + "'")

    dtype = inp.dtype
    default_dtype = _dtype.get_default_dtype()
    default_complex_dtype = (
        _dtype.complex128 if default_dtype is _dtype.float64 else _dtype.complex64
    )
    has_default_dtype = dtype in (default_dtype, default_complex_dtype, _dtype.int64,
                                  _dtype.bool_)

    array = _host_array(inp._data)
    if array.size == 0:
        # Explicitly print the shape if it is not (0,), to match NumPy behavior
        if array.ndim != 1:
            suffixes.append("size=" + str(tuple(array.shape)))
        # In an empty tensor, there are no elements to infer if the dtype
        # should be int64, so it must be shown explicitly.
        if dtype != default_dtype:
            suffixes.append("dtype=" + str(dtype))
        if not custom_contents_provided:
            tensor_str = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append("size=" + str(tuple(array.shape)))
        if not has_default_dtype:
            suffixes.append("dtype=" + str(dtype))
        if not custom_contents_provided:
            tensor_str = _tensor_str(array, indent)

    grad_fn = inp.grad_fn
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(grad_fn).__name__}>")
    elif inp.requires_grad:
        suffixes.append("requires_grad=True")

    string_repr = _add_suffixes(prefix + tensor_str, suffixes, indent, force_newline=False)

    # a subclass of Parameter prints as "Parameter(...)" around its own repr
    if not is_plain_tensor and any(_is_taimatsu_class(base, "Parameter") for base in cls.__mro__):
        string_repr = f"Parameter({string_repr})"
    return string_repr


def _str(self, *, tensor_contents=None):
    """torch's `Tensor.__repr__` text for `self`."""
    return _str_intern(self, tensor_contents=tensor_contents)
