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
from ._core import public
from ._core import broadcast_shapes
from ._core import xp_of as _xp_of
from ..autograd.grad_mode import GradMode
from ..autograd.graph import Node
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
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = size[0]
    elif not size:
        raise TypeError(f"{name}() received an invalid combination of arguments - got (), but "
                        f"expected (tuple of ints size, ...)")
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = s.item()
        if isinstance(s, bool) or not isinstance(s, (int, _host.integer)):
            raise TypeError(f"{name}(): argument 'size' must be tuple of ints, but found "
                            f"element of type {type(s).__name__} at pos {len(out)}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"{list(size)}")
        out.append(int(s))
    return tuple(out)


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


# --------------------------------------------------------------------------- autograd
class _Resampled(Node):
    """A random op's node: the samples do not depend on the values of the inputs (a
    tensor filled in place, a mean, a probability), so every input's gradient is zero,
    as in torch's formulas (`zeros_like(grad)`)."""

    def backward(self, grad):
        return tuple(None if e is None else grad.new_zeros(grad.shape) for e in self._next)


def _node(name):
    return type(name, (_Resampled,), {"__module__": __name__})


UniformBackward0 = _node("UniformBackward0")
NormalBackward0 = _node("NormalBackward0")
NormalBackward1 = _node("NormalBackward1")   # normal(Tensor mean, float std)
NormalBackward2 = _node("NormalBackward2")   # normal(float mean, Tensor std)
NormalBackward3 = _node("NormalBackward3")   # normal(Tensor mean, Tensor std)
RandomBackward0 = _node("RandomBackward0")   # random_(from, to)
RandomBackward1 = _node("RandomBackward1")   # random_(to)
RandomBackward2 = _node("RandomBackward2")   # random_()
BernoulliBackward0 = _node("BernoulliBackward0")   # bernoulli(p)
BernoulliBackward1 = _node("BernoulliBackward1")   # bernoulli_(Tensor p)
BernoulliBackward2 = _node("BernoulliBackward2")   # bernoulli_(float p)
ExponentialBackward0 = _node("ExponentialBackward0")
CauchyBackward0 = _node("CauchyBackward0")
LogNormalBackward0 = _node("LogNormalBackward0")
GeometricBackward0 = _node("GeometricBackward0")
PoissonBackward0 = _node("PoissonBackward0")


class _BernoulliFloatBackward(Node):
    """torch has no derivative for bernoulli(input, p) with a float p: its graph holds a
    node named NotImplemented that refuses to run."""

    def name(self):
        return "torch::autograd::NotImplemented"

    def backward(self, grad):
        raise RuntimeError("derivative for aten::bernoulli is not implemented")


def _tracked(*tensors):
    return GradMode.enabled and any(getattr(t, "_requires_grad", False) for t in tensors)


def _record_sample(node_cls, result, inputs):
    """`result` (fresh samples) as the output of node_cls over `inputs`, when tracked."""
    if _tracked(*inputs) and result._data.dtype.kind in "fc":
        from ._core import record
        record(node_cls, tuple(inputs), result)
    return result


def _on_device(t, values):
    """The generator's host draws (numpy arrays), moved to t's device."""
    return values if type(t._data) is type(values) else t._backend.from_host(values)


def _fill(t, draw, node_cls=None):
    """Write draw(n) into tensor t in memory order, as an in-place random op does; with
    a graph being built, t's history becomes node_cls (zero gradient to its old value)."""
    check_inplace(t)
    if node_cls is not None and _tracked(t):
        return _fill_recorded(t, lambda view: draw(view.size).reshape(view.shape), node_cls)
    view = _memory_order(t._data)
    if view.size:
        view[...] = _on_device(t, draw(view.size).reshape(view.shape))
    t._bump_version()
    return t


def _fill_recorded(t, values, node_cls, *inputs):
    """The in-place fill of t, through the in-place machinery that rewires t's history
    (and its base's, for a view): the samples are drawn into an array laid out as t, in
    the same memory order as the plain fill draws them."""
    from .inplace import apply_inplace

    def fresh(old, *rest):
        a = _empty_like_array(t._data, t._data.dtype)
        view = _memory_order(a)
        if view.size:
            view[...] = _on_device(t, values(view))
        return _record_sample(node_cls, _wrap(a), (old,) + rest)
    return apply_inplace(fresh, t, *inputs)


def _new(array, out=None, requires_grad=False, device=None):
    """Wrap a fresh result, or store it into `out=` (resized as torch resizes)."""
    if out is not None:
        array = _on_device(out, array)
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
    return _fill(self, lambda n: G.uniform(gen, n, np_dtype, from_, to), UniformBackward0)


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    mean, std = _as_double(mean), _as_double(std)
    np_dtype = self._data.dtype
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
    _require_float(np_dtype, "normal_kernel_cpu")
    gen = _gen(generator)
    # torch vectorises only contiguous tensors; others go element by element
    contiguous = self._data.flags.c_contiguous
    return _fill(self, lambda n: G.normal(gen, n, np_dtype, mean, std, contiguous),
                 NormalBackward0)


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
        return _fill(self, lambda n: G.random_default(gen, n, np_dtype), RandomBackward2)
    # torch's overloads: random_(to) records RandomBackward1, random_(from, to) the 0th
    node_cls = RandomBackward0 if two_bounds else RandomBackward1
    low = int(low)
    high = None if high is None else int(high)
    base, span = G.random_bounds(np_dtype, low, high)
    if span is None:
        if np_dtype.name not in ("int64", "float64", "float32"):
            raise RuntimeError("random_full_64_bits_range_kernel_cpu handles only int64, "
                               "double, float and bfloat16")
        return _fill(self, lambda n: G.random_full_range(gen, n, np_dtype), node_cls)
    return _fill(self, lambda n: G.random_from_to(gen, n, np_dtype, base, span), node_cls)


def bernoulli_(self, p=0.5, *, generator=None):
    xp = _xp_of(self)
    gen = _gen(generator)
    np_dtype = self._data.dtype
    if isinstance(p, Tensor):
        probs = p._data
        _check_probabilities(probs)
        check_inplace(self)
        # p broadcasts to self and is read in the order self is written
        axes = _memory_axes(self._data)
        order = _memory_order(xp.broadcast_to(probs, self._data.shape), axes)
        if _tracked(self, p):
            return _fill_recorded(self, lambda view: _cast(G.bernoulli_tensor(gen, order),
                                                           np_dtype),
                                  BernoulliBackward1, p)
        view = _memory_order(self._data, axes)
        if view.size:
            view[...] = _cast(G.bernoulli_tensor(gen, order), np_dtype)
        self._bump_version()
        return self
    p = _as_double(p)
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_fmt(p)}")
    return _fill(self, lambda n: _cast(G.bernoulli_scalar(gen, n, p), np_dtype),
                 BernoulliBackward2)


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
    return _fill(self, lambda n: _cast(G.exponential(gen, n, lambd), np_dtype),
                 ExponentialBackward0)


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    median, sigma = _as_double(median), _as_double(sigma)
    np_dtype = self._data.dtype
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_fmt(sigma)}")
    _require_float(np_dtype, "cauchy_cpu")
    gen = _gen(generator)
    return _fill(self, lambda n: _cast(G.cauchy(gen, n, median, sigma), np_dtype),
                 CauchyBackward0)


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    mean, std = _as_double(mean), _as_double(std)
    np_dtype = self._data.dtype
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_fmt(std)}")
    _require_float(np_dtype, "log_normal_cpu")
    gen = _gen(generator)
    return _fill(self, lambda n: _cast(G.log_normal(gen, n, mean, std), np_dtype),
                 LogNormalBackward0)


def geometric_(self, p, *, generator=None):
    p = _as_double(p)
    np_dtype = self._data.dtype
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_fmt(p)}")
    if np_dtype == _host.bool_:
        raise NotImplementedError("\"geometric_cpu\" not implemented for 'Bool'")
    gen = _gen(generator)
    return _fill(self, lambda n: _cast(G.geometric(gen, n, p), np_dtype), GeometricBackward0)


# -------------------------------------------------------------------------- factories
def _float_samples(name, kernel, sampler, size, generator, out, dtype, requires_grad, device):
    """A new float tensor of `size` filled by `sampler(gen, n, np_dtype)`."""
    shape = _size(name, size)
    np_dtype = _out_dtype(out, dtype, D.get_default_dtype())
    _require_float(np_dtype, kernel)
    n = math.prod(shape)
    values = sampler(_gen(generator), n, np_dtype).reshape(shape)
    return _new(values, out, requires_grad, device)


@public
def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    return _float_samples("rand", "check_uniform_bounds", G.uniform, size, generator, out,
                          dtype, requires_grad, device)


@public
def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False):
    return _float_samples("randn", "normal_kernel_cpu", G.normal, size, generator, out,
                          dtype, requires_grad, device)


@public
def randint(*args, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False, pin_memory=False, **kwargs):
    """randint(high, size) or randint(low, high, size), keywords allowed."""
    low, high, size = _randint_args("randint", args, kwargs)
    shape = _size("randint", (size,))
    np_dtype = _out_dtype(out, dtype, D.int64)
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
        # samples of N(0, 1) in mean's dtype, then scaled and shifted in place
        shape = broadcast_shapes(mean._data.shape, std._data.shape)
        result = xp.empty(shape, mean._data.dtype)
        _standard_normals(gen, result, 0.0, 1.0)
        result[...] = result * std._data
        result[...] = result + mean._data
    elif mean_is_tensor:
        result = _empty_like_array(mean._data, mean._data.dtype)
        _standard_normals(gen, result, 0.0, float(std))
        result[...] = result + mean._data
    else:
        result = _empty_like_array(std._data, std._data.dtype)
        _standard_normals(gen, result, 0.0, 1.0)
        result[...] = result * std._data
        result[...] = result + xp.asarray(mean, result.dtype)
    if out is None:
        node_cls, inputs = ((NormalBackward3, (mean, std)) if mean_is_tensor and std_is_tensor
                            else (NormalBackward1, (mean,)) if mean_is_tensor
                            else (NormalBackward2, (std,)))
        return _record_sample(node_cls, _wrap(result), inputs)
    return _new(result, out, False, None)


def _standard_normals(gen, array, mean, std):
    normal_(_wrap(array), mean, std, generator=gen)


@public(inplace="method")
def bernoulli(input, p=None, *, generator=None, out=None):
    """bernoulli(input): draws with probabilities `input`; bernoulli(input, p): with p."""
    result = _wrap(_empty_like_array(input._data, input._data.dtype))
    bernoulli_(result, input if p is None else p, generator=generator)
    if out is None:
        return _record_sample(BernoulliBackward0 if p is None else _BernoulliFloatBackward,
                              result, (input,))
    return _new(result._data, out)


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
    xp = _xp_of(input)
    rates = input._data
    if bool(xp.any(rates < 0)):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    result = _empty_like_array(rates, rates.dtype)
    axes = _memory_axes(result)
    order = _memory_order(rates, axes)
    _memory_order(result, axes)[...] = _cast(G.poisson(_gen(generator), order),
                                       rates.dtype).reshape(order.shape)
    return _record_sample(PoissonBackward0, _wrap(result), (input,))
