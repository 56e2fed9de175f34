"""Random sampling: rand, randn, randint, randperm, normal, bernoulli, multinomial,
poisson, the *_like factories and the in-place samplers (uniform_, normal_ ...).

The numbers come from `taimatsu._generator`, which reproduces torch's CPU kernels.
What this layer adds is torch's plumbing around them: argument parsing, checks
with torch's messages, the order in which torch's TensorIterator visits a
non-contiguous tensor (memory order), and which overloads run which kernels.
"""
import math

from .. import _dtype as D
from .. import _generator as G
from .._backend import cpu
from .._device import resolve
from .._tensor import Size, Tensor, _wrap
from .._backend import Tracing as _Tracing, backend_of_type
from ._core import NotImplementedOp, Op, apply, broadcast_shapes, public
from .creation import check_storage_size
from ._core import xp_of as _xp_of
from ..autograd.grad_mode import GradMode
from .copy import check_inplace

_host = cpu.xp  # the generator works on the host; dtypes
_F64_NP = D.float64._np

__all__ = [
    "bernoulli",
    "bernoulli_",
    "cauchy_",
    "exponential_",
    "geometric_",
    "log_normal_",
    "multinomial",
    "normal",
    "normal_",
    "poisson",
    "rand",
    "rand_like",
    "randint",
    "randint_like",
    "randn",
    "randn_like",
    "random_",
    "randperm",
    "uniform_",
]


# ------------------------------------------------------------------------------- helpers
def _gen(generator):
    return G.default_generator if generator is None else generator


def _fmt(x):
    """A double as C++'s ostream prints it in torch's messages (6 significant digits)."""
    return f"{float(x):g}"


def _legacy_name(np_dtype):
    return D.FROM_NUMPY[_host.dtype(np_dtype)]._legacy[:-len("Tensor")]


def _require_float(np_dtype, kernel):
    if _host.dtype(np_dtype).kind != "f":
        raise NotImplementedError(
            f"\"{kernel}\" not implemented for '{_legacy_name(np_dtype)}'")


def _size(name, size):
    """rand(2, 3), rand((2, 3)), rand([2, 3]) and rand(torch.Size(...)) all mean (2, 3)."""
    if not size:
        raise TypeError(f"{name}() received an invalid combination of arguments - got (), but "
                        f"expected (tuple of ints size, ...)")
    from .creation import size_args
    return size_args(size, None, name)


def _sizes(sizes, size, name):
    """The sizes given positionally, or as the keyword `size=` (torch takes either)."""
    if size is None:
        return sizes
    if sizes:
        got = ", ".join(type(s).__name__ for s in sizes)
        raise TypeError(f"{name}() received an invalid combination of arguments - got ({got}, "
                        f"size={type(size).__name__}), but expected (tuple of ints size, ...)")
    return (size,)


def _np_dtype(dtype, default):
    if dtype is None:
        return default._np
    if not isinstance(dtype, D.dtype):
        raise TypeError(f"dtype must be torch.dtype, not {type(dtype).__name__}")
    return dtype._np


def _memory_axes(a):
    """The axes of `a` from the largest stride to the smallest: the order in which
    torch's TensorIterator feeds a nullary random kernel is C order over them."""
    return sorted(range(a.ndim), key=lambda d: -abs(a.strides[d]))


def _memory_order(a, axes=None):
    """A view of `a` whose C order is the memory order of `a` (or of the tensor whose
    `axes` are given, for an operand read alongside it)."""
    if axes is None:
        if a.flags.c_contiguous:
            return a
        axes = _memory_axes(a)
    return a.transpose(axes)


def _empty_like_array(a, np_dtype):
    """An empty array shaped as `a`, laid out as torch.empty_like's preserve_format lays it
    out (a dense input's strides; for others, dense strides in their stride order)."""
    from ._layout import preserve_empty
    return preserve_empty(a, np_dtype)


# ------------------------------------------------------------------- the ops' records
class _Resampled(Op):
    """A random op's record.  The forward draws fresh samples from `generator` (a
    parameter: a replay draws new ones, as the op would) into a new array laid out as its
    first input, as torch.empty_like lays it out, in that array's memory order.  The
    samples do not depend on the values of the inputs (a tensor filled in place, a mean,
    a probability), so every input's gradient is zero, as in torch's formulas
    (`zeros_like(grad)`).

    The in-place samplers (`uniform_` ...) record the same op: the forward computes, out
    of place, the value they write; `draw(generator, n, np_dtype, **params)` gives the n
    host samples both draw."""

    def __init_subclass__(cls, **kwargs):
        # a record that declares its draw gets the forward every sampler has: fresh
        # samples laid out as its input
        draw = cls.__dict__.get("draw")
        if draw is not None and "forward" not in cls.__dict__:
            draw = draw.__func__

            def forward(xp, a, generator, **params):
                return _drawn_like(a, draw, generator, **params)
            cls.forward = staticmethod(forward)
        super().__init_subclass__(**kwargs)

    def backward(self, grad):
        return tuple(None if e is None else grad.new_zeros(grad.shape) for e in self._next)


def _draw_into(array, draw, generator, params):
    """Write draw(generator, n, dtype, **params) into `array` in memory order."""
    view = _memory_order(array)
    if view.size:
        if _Tracing.active:
            # torch.compile records the draw itself: its replay draws from the generator
            # as this call does
            values = _Tracing.draw(draw, generator, view.size, array.dtype, params)
        else:
            values = draw(generator, view.size, array.dtype, **params)
        view[...] = _to_device(array, values.reshape(view.shape))


def _to_device(array, values):
    """The generator's host draws (numpy arrays), moved to `array`'s device."""
    if type(values) is type(array):
        return values
    return backend_of_type(type(array)).from_host(values)


def _drawn_like(a, draw, generator, **params):
    out = _empty_like_array(a, a.dtype)
    _draw_into(out, draw, generator, params)
    return out


class UniformBackward0(_Resampled):
    @staticmethod
    def draw(generator, n, np_dtype, low, high):
        return G.uniform(generator, n, np_dtype, low, high)


class NormalBackward0(_Resampled):
    @staticmethod
    def draw(generator, n, np_dtype, mean, std, contiguous):
        # torch vectorises only contiguous tensors; others go element by element
        return G.normal(generator, n, np_dtype, mean, std, contiguous)


def _standard_normals(generator, array, std=1.0):
    _draw_into(array, NormalBackward0.draw, generator,
               {"mean": 0.0, "std": std, "contiguous": array.flags.c_contiguous})


class NormalBackward1(_Resampled):
    """normal(Tensor mean, float std)."""

    args = ("mean",)

    @staticmethod
    def forward(xp, mean, generator, std):
        result = _empty_like_array(mean, mean.dtype)
        _standard_normals(generator, result, std)
        result[...] = result + mean
        return result


class NormalBackward2(_Resampled):
    """normal(float mean, Tensor std)."""

    args = ("std",)

    @staticmethod
    def forward(xp, std, generator, mean):
        result = _empty_like_array(std, std.dtype)
        _standard_normals(generator, result)
        result[...] = result * std
        result[...] = result + xp.asarray(mean, result.dtype)
        return result


class NormalBackward3(_Resampled):
    """normal(Tensor mean, Tensor std): N(0, 1) samples in mean's dtype, scaled and
    shifted in place."""

    args = ("mean", "std")

    @staticmethod
    def forward(xp, mean, std, generator):
        result = xp.empty(broadcast_shapes(mean.shape, std.shape), mean.dtype)
        _standard_normals(generator, result)
        result[...] = result * std
        result[...] = result + mean
        return result


class _Random(_Resampled):
    """random_'s integers with torch's modulo: `bounds` None (random_()), "full" (the
    whole 64-bit range) or (base, span)."""

    @staticmethod
    def draw(generator, n, np_dtype, bounds):
        if bounds is None:
            return G.random_default(generator, n, np_dtype)
        if bounds == "full":
            return G.random_full_range(generator, n, np_dtype)
        return G.random_from_to(generator, n, np_dtype, *bounds)


class RandomBackward0(_Random):
    """random_(from, to)."""


class RandomBackward1(_Random):
    """random_(to)."""


class RandomBackward2(_Random):
    """random_()."""


def _bernoulli_into(array, probs, generator):
    """Bernoulli draws with probabilities `probs` (broadcast to `array`, read in the order
    `array` is written) into `array`."""
    axes = _memory_axes(array)
    order = _memory_order(_xp_of(array).broadcast_to(probs, array.shape), axes)
    view = _memory_order(array, axes)
    if view.size:
        view[...] = _to_device(array, _cast(G.bernoulli_tensor(generator, order), array.dtype))


class BernoulliBackward0(_Resampled):
    """bernoulli(input): draws with probabilities `input`."""

    @staticmethod
    def forward(xp, probs, generator):
        out = _empty_like_array(probs, probs.dtype)
        _bernoulli_into(out, probs, generator)
        return out


class BernoulliBackward1(_Resampled):
    """bernoulli_(Tensor p)."""

    args = ("self", "p")

    @staticmethod
    def forward(xp, a, probs, generator):
        out = _empty_like_array(a, a.dtype)
        _bernoulli_into(out, probs, generator)
        return out


class BernoulliBackward2(_Resampled):
    """bernoulli_(float p)."""

    @staticmethod
    def draw(generator, n, np_dtype, p):
        return _cast(G.bernoulli_scalar(generator, n, p), np_dtype)


class BernoulliFloatNotImplemented(NotImplementedOp):
    """bernoulli(input, p) with a float p: torch has no derivative for it."""

    aten = "bernoulli"

    @staticmethod
    def forward(xp, a, generator, p):
        return _drawn_like(a, BernoulliBackward2.draw, generator, p=p)


class ExponentialBackward0(_Resampled):
    @staticmethod
    def draw(generator, n, np_dtype, lambd):
        return _cast(G.exponential(generator, n, lambd), np_dtype)


class CauchyBackward0(_Resampled):
    @staticmethod
    def draw(generator, n, np_dtype, median, sigma):
        return _cast(G.cauchy(generator, n, median, sigma), np_dtype)


class LogNormalBackward0(_Resampled):
    @staticmethod
    def draw(generator, n, np_dtype, mean, std):
        return _cast(G.log_normal(generator, n, mean, std), np_dtype)


class GeometricBackward0(_Resampled):
    @staticmethod
    def draw(generator, n, np_dtype, p):
        return _cast(G.geometric(generator, n, p), np_dtype)


class PoissonBackward0(_Resampled):
    @staticmethod
    def forward(xp, rates, generator):
        result = _empty_like_array(rates, rates.dtype)
        axes = _memory_axes(result)
        order = _memory_order(rates, axes)
        _memory_order(result, axes)[...] = _cast(G.poisson(generator, order),
                                                 rates.dtype).reshape(order.shape)
        return result


def _tracked(*tensors):
    return GradMode.enabled and any(getattr(t, "_requires_grad", False) for t in tensors)


def _fill(t, op, generator, **params):
    """The in-place sampler of record `op`: draws written into t in memory order; with a
    graph being built, t's old value goes through `op` (as its input, zero gradient) and
    t takes the result's history, as torch rebases an in-place op."""
    check_inplace(t)
    if _tracked(t):
        from .inplace import apply_inplace
        return apply_inplace(lambda old: apply(op, old, generator=generator, **params), t)
    _draw_into(t._data, op.draw, generator, params)
    t._bump_version()
    return t


def _new(array, out=None, requires_grad=False, device=None):
    """Wrap a fresh result, or store it into `out=` (resized as torch resizes)."""
    if out is not None:
        array = _to_device(out._data, array)
        if out._data.shape == array.shape:
            out._data[...] = array
        else:
            out._data = array.astype(out._data.dtype)
        out._bump_version()
        return out
    backend = resolve(device)
    t = _wrap(array if type(array) is backend.array_type else backend.from_host(array))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _out_dtype(out, dtype, default):
    if out is not None and dtype is None:
        return out._data.dtype
    return _np_dtype(dtype, default)


def _as_double(x):
    return float(x.item() if isinstance(x, Tensor) else x)


# ------------------------------------------------------------------------ in-place ops
def uniform_(self, from_=0.0, to=1.0, *, generator=None, **kwargs):
    from_ = _as_double(kwargs.pop("from", from_))
    to = _as_double(to)
    np_dtype = self._data.dtype
    _require_float(np_dtype, "check_uniform_bounds")
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                           f"from={_fmt(from_)} > to={_fmt(to)}")
    gen = _gen(generator)
    return _fill(self, UniformBackward0, gen, low=from_, high=to)


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    mean, std = _as_double(mean), _as_double(std)
    np_dtype = self._data.dtype
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
    _require_float(np_dtype, "normal_kernel_cpu")
    return _fill(self, NormalBackward0, _gen(generator), mean=mean, std=std,
                 contiguous=self._data.flags.c_contiguous)


def random_(self, *args, generator=None, **kwargs):
    """random_(), random_(to) and random_(from, to): integers drawn with torch's modulo."""
    two_bounds = "from" in kwargs or len(args) == 2
    if "from" in kwargs or "to" in kwargs or len(args) == 2:
        low = kwargs.pop("from", args[0] if args else 0)
        high = kwargs.pop("to", args[1] if len(args) > 1 else None)
    elif len(args) == 1:
        low, high = 0, args[0]
    else:
        low = high = None
    if kwargs:
        raise TypeError(f"random_() got an unexpected keyword argument '{next(iter(kwargs))}'")
    np_dtype = self._data.dtype
    gen = _gen(generator)
    if low is None:
        return _fill(self, RandomBackward2, gen, bounds=None)
    # torch's overloads: random_(to) records RandomBackward1, random_(from, to) the 0th
    node_cls = RandomBackward0 if two_bounds else RandomBackward1
    low = int(low)
    high = None if high is None else int(high)
    base, span = G.random_bounds(np_dtype, low, high)
    if span is None:
        if np_dtype.name not in ("int64", "float64", "float32"):
            raise RuntimeError("random_full_64_bits_range_kernel_cpu handles only int64, "
                               "double, float and bfloat16")
        return _fill(self, node_cls, gen, bounds="full")
    return _fill(self, node_cls, gen, bounds=(base, span))


def bernoulli_(self, p=0.5, *, generator=None):
    gen = _gen(generator)
    if isinstance(p, Tensor):
        _check_probabilities(p._data)
        check_inplace(self)
        if _tracked(self, p):
            from .inplace import apply_inplace
            return apply_inplace(
                lambda old, probs: apply(BernoulliBackward1, old, probs, generator=gen),
                self, p)
        _bernoulli_into(self._data, p._data, gen)
        self._bump_version()
        return self
    p = _as_double(p)
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_fmt(p)}")
    return _fill(self, BernoulliBackward2, gen, p=p)


def _check_probabilities(probs):
    ok = bool(((probs >= 0) & (probs <= 1)).all())
    if not ok:
        raise RuntimeError(
            "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
            "message be improved?  If so, please report an enhancement request to PyTorch.)")


def _cast(values, np_dtype):
    """static_cast from the kernel's double (or bool) to the tensor's dtype."""
    if values.dtype == _F64_NP:
        return G._cast_from_double(values, _host.dtype(np_dtype))
    return values.astype(np_dtype)


def exponential_(self, lambd=1.0, *, generator=None):
    lambd = _as_double(lambd)
    np_dtype = self._data.dtype
    if np_dtype.kind != "f":
        raise RuntimeError("Exponential distribution is a continuous probability distribution. "
                           f"dtype must be a floating point but you specified "
                           f"{_legacy_name(np_dtype)}")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_fmt(lambd)}")
    gen = _gen(generator)
    return _fill(self, ExponentialBackward0, gen, lambd=lambd)


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    median, sigma = _as_double(median), _as_double(sigma)
    np_dtype = self._data.dtype
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_fmt(sigma)}")
    _require_float(np_dtype, "cauchy_cpu")
    gen = _gen(generator)
    return _fill(self, CauchyBackward0, gen, median=median, sigma=sigma)


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    mean, std = _as_double(mean), _as_double(std)
    np_dtype = self._data.dtype
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_fmt(std)}")
    _require_float(np_dtype, "log_normal_cpu")
    gen = _gen(generator)
    return _fill(self, LogNormalBackward0, gen, mean=mean, std=std)


def geometric_(self, p, *, generator=None):
    p = _as_double(p)
    np_dtype = self._data.dtype
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_fmt(p)}")
    if np_dtype == _host.bool_:
        raise NotImplementedError("\"geometric_cpu\" not implemented for 'Bool'")
    gen = _gen(generator)
    return _fill(self, GeometricBackward0, gen, p=p)


# -------------------------------------------------------------------------- factories
def _float_samples(name, kernel, sampler, size, generator, out, dtype, requires_grad, device):
    """A new float tensor of `size` filled by `sampler(gen, n, np_dtype)`."""
    shape = _size(name, size)
    np_dtype = _out_dtype(out, dtype, D.get_default_dtype())
    _require_float(np_dtype, kernel)
    check_storage_size(shape, np_dtype)
    n = math.prod(shape)
    if _Tracing.active:  # (torch.compile records the draw: see _draw_into)
        values = _Tracing.draw(sampler, _gen(generator), n, np_dtype, {})
    else:
        values = sampler(_gen(generator), n, np_dtype)
    return _new(values.reshape(shape), out, requires_grad, device)


@public
def rand(*sizes, size=None, generator=None, out=None, dtype=None, layout=None,
         device=None, requires_grad=False, pin_memory=False):
    return _float_samples("rand", "check_uniform_bounds", G.uniform, _sizes(sizes, size, "rand"),
                          generator, out, dtype, requires_grad, device)


@public
def randn(*sizes, size=None, generator=None, out=None, dtype=None, layout=None,
          device=None, requires_grad=False, pin_memory=False):
    return _float_samples("randn", "normal_kernel_cpu", G.normal, _sizes(sizes, size, "randn"),
                          generator, out, dtype, requires_grad, device)


@public
def randint(*args, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False, pin_memory=False, **kwargs):
    """randint(high, size) or randint(low, high, size), keywords allowed."""
    low, high, size = _randint_args("randint", args, kwargs)
    shape = _size("randint", (size,))
    np_dtype = _out_dtype(out, dtype, D.int64)
    check_storage_size(shape, np_dtype)
    values = _random_from_to(_gen(generator), math.prod(shape), np_dtype,
                             low, high).reshape(shape)
    return _new(values, out, requires_grad, device)


def _randint_args(name, args, kwargs):
    low = kwargs.pop("low", None)
    high = kwargs.pop("high", None)
    size = kwargs.pop("size", None)
    if kwargs:
        raise TypeError(f"{name}() got an unexpected keyword argument '{next(iter(kwargs))}'")
    args = list(args)
    if size is None and args and isinstance(args[-1], (tuple, list, Size)):
        size = args.pop()
    if len(args) == 2:
        low, high = args
    elif len(args) == 1:
        if high is None:
            high = args[0]
        else:
            low = args[0]
    if high is None or (size is None and name == "randint"):
        raise TypeError(f"{name}() received an invalid combination of arguments")
    return int(0 if low is None else low), int(high), size


def _random_from_to(gen, n, np_dtype, low, high):
    base, span = G.random_bounds(np_dtype, low, high)
    return G.random_from_to(gen, n, np_dtype, base, span)


_MAX_EXACT_INT = {"float16": 2049, "float32": (1 << 24) + 1, "float64": (1 << 53) + 1}


@public
def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    n = int(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    np_dtype = _out_dtype(out, dtype, D.int64)
    name = _host.dtype(np_dtype).name
    limit = _MAX_EXACT_INT.get(name)
    if limit is not None and n > limit:
        kind = {"float16": "Half", "float32": "Float", "float64": "Double"}[name]
        raise RuntimeError(f"n cannot be greater than {limit} for {kind} type.")
    return _new(G.randperm(_gen(generator), n, np_dtype), out, requires_grad, device)


@public
def rand_like(input, *, generator=None, dtype=None, layout=None, device=None,
              requires_grad=False, memory_format=None):
    np_dtype = input._data.dtype if dtype is None else dtype._np
    _require_float(np_dtype, "check_uniform_bounds")
    t = _new(_empty_like_array(input._data, np_dtype), None, False, device)
    uniform_(t, generator=generator)
    return t.requires_grad_(True) if requires_grad else t


@public
def randn_like(input, *, generator=None, dtype=None, layout=None, device=None,
               requires_grad=False, memory_format=None):
    np_dtype = input._data.dtype if dtype is None else dtype._np
    _require_float(np_dtype, "normal_kernel_cpu")
    t = _new(_empty_like_array(input._data, np_dtype), None, False, device)
    normal_(t, generator=generator)
    return t.requires_grad_(True) if requires_grad else t


@public
def randint_like(input, *args, generator=None, dtype=None, layout=None, device=None,
                 requires_grad=False, memory_format=None, **kwargs):
    """randint_like(input, high) or randint_like(input, low, high)."""
    low, high, _ = _randint_args("randint_like", args, kwargs)
    np_dtype = input._data.dtype if dtype is None else dtype._np
    t = _new(_empty_like_array(input._data, np_dtype), None, False, device)
    random_(t, low, high, generator=generator)
    return t.requires_grad_(True) if requires_grad else t


@public(inplace="method")
def normal(mean, std=None, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, requires_grad=False, pin_memory=False):
    """The four overloads: (Tensor, Tensor), (Tensor, float), (float, Tensor) and
    (float, float, size)."""
    gen = _gen(generator)
    mean_is_tensor, std_is_tensor = isinstance(mean, Tensor), isinstance(std, Tensor)
    xp = _xp_of(mean if mean_is_tensor else std if std_is_tensor else out)
    if not mean_is_tensor and not std_is_tensor:
        if size is None:
            raise TypeError(f"normal() received an invalid combination of arguments - got "
                            f"({type(mean).__name__}, {type(std).__name__}), but expected one "
                            "of (Tensor mean, Tensor std), (Tensor mean, float std), "
                            "(float mean, Tensor std) or (float mean, float std, size)")
        std = 1.0 if std is None else std
        shape = _size("normal", (size,))
        np_dtype = _out_dtype(out, dtype, D.get_default_dtype())
        t = _new(xp.empty(shape, np_dtype), None, False, device)
        normal_(t, mean, std, generator=gen)
        return _new(t._data, out, requires_grad, device)
    if std is None:
        std = 1.0
    if std_is_tensor and bool(xp.any(std._data < 0)):
        raise RuntimeError("normal expects all elements of std >= 0.0")
    if not std_is_tensor and float(std) < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
    if mean_is_tensor and std_is_tensor:
        result = apply(NormalBackward3, mean, std, generator=gen)
    elif mean_is_tensor:
        result = apply(NormalBackward1, mean, generator=gen, std=float(std))
    else:
        result = apply(NormalBackward2, std, generator=gen, mean=mean)
    return result if out is None else _new(result._data, out, False, None)


@public(inplace="method")
def bernoulli(input, p=None, *, generator=None, out=None):
    """bernoulli(input): draws with probabilities `input`; bernoulli(input, p): with p."""
    gen = _gen(generator)
    if p is None:
        _check_probabilities(input._data)
        result = apply(BernoulliBackward0, input, generator=gen)
    elif isinstance(p, Tensor):
        result = bernoulli_(_wrap(_empty_like_array(input._data, input._data.dtype)), p,
                            generator=gen)
    else:
        p = _as_double(p)
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_fmt(p)}")
        result = apply(BernoulliFloatNotImplemented, input, generator=gen, p=p)
    return result if out is None else _new(result._data, out)


@public
def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    xp = _xp_of(input)
    probs = input._data
    if not 1 <= probs.ndim <= 2:
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if probs.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{_legacy_name(probs.dtype)}")
    n_sample = int(num_samples)
    if n_sample <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    n_categories = probs.shape[-1]
    if not replacement and n_sample > n_categories:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if n_categories > 1 << 24:
        raise RuntimeError("number of categories cannot exceed 2^24")
    rows = probs.reshape(-1, n_categories)
    gen = _gen(generator)
    if rows.size == 0:
        samples = xp.empty((rows.shape[0], n_sample), D.int64._np)
    elif not replacement or n_sample == 1:
        samples = _multinomial_by_exponentials(gen, probs, n_sample).reshape(-1, n_sample)
    else:
        _check_multinomial_rows(rows)
        samples = G.multinomial_with_replacement(gen, rows, n_sample)
    shape = (n_sample,) if probs.ndim == 1 else (probs.shape[0], n_sample)
    return _new(samples.reshape(shape), out)


def _multinomial_by_exponentials(gen, probs, n_sample):
    """torch's fast path: argmax / top-k of p / q with q ~ Exp(1) (Gumbel-max in disguise)."""
    valid = bool(probs.max() < math.inf) and bool(probs.min() >= 0)
    if not valid:
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if bool((probs.sum(axis=-1) == 0).any()):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    q = _wrap(_empty_like_array(probs, probs.dtype))
    exponential_(q, 1.0, generator=gen)
    ratio = probs / q._data
    if n_sample == 1:
        return ratio.argmax(axis=-1)[..., None]
    return (-ratio).argsort(axis=-1, kind="stable")[..., :n_sample]


def _check_multinomial_rows(rows):
    # the kernel tests `val >= 0` first, so a nan reports as a negative entry
    if not bool((rows >= 0).all()):
        raise RuntimeError(
            "invalid multinomial distribution (encountering probability entry < 0)")
    if not bool(_xp_of(rows).isfinite(rows).all()):
        raise RuntimeError("invalid multinomial distribution (encountering probability entry = "
                           "infinity or NaN)")
    if bool((rows.sum(axis=-1) <= 0).any()):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")


@public
def poisson(input, generator=None):
    if bool(_xp_of(input).any(input._data < 0)):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    return apply(PoissonBackward0, input, generator=_gen(generator))
