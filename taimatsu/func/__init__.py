"""torch.func: function transforms (`grad`, `grad_and_value`, `vjp`, `jacrev`, `jacfwd`,
`hessian`, `vmap`) and `functional_call`.

The transforms are built on the autograd engine rather than on torch's functorch levels:
`grad` differentiates with `autograd.grad(create_graph=True)` inside, so transforms nest
(`grad(grad(f))`, `jacrev(jacrev(f))`) and compose with `vmap`.  `jacfwd` (and so
`hessian`) computes its jacobian by reverse mode too: the same matrix, up to rounding, as
torch's forward mode.  `vmap` runs the function once per slice and stacks the results
(torch's batching rules compute the same values in one call); with `randomness="same"`
every slice draws what the first draws, with "different" the slices draw one after
another (torch draws the whole batch at once, so those samples differ from torch's).
"""
import contextlib
import functools
from collections.abc import Sequence

import taimatsu as _tm

__all__ = ["functional_call", "grad", "grad_and_value", "hessian", "jacfwd", "jacrev",
           "vjp", "vmap"]

# how many grad-type transforms are running: the outermost returns plain results
_DEPTH = [0]


def _tree_map(fn, tree):
    if isinstance(tree, _tm.Tensor):
        return fn(tree)
    if isinstance(tree, (tuple, list)):
        return type(tree)(_tree_map(fn, x) for x in tree)
    if isinstance(tree, dict):
        return {k: _tree_map(fn, v) for k, v in tree.items()}
    return tree


def _leaves(tree):
    out = []
    _tree_map(out.append, tree)
    return out


def _unflatten(tree, values):
    it = iter(values)
    return _tree_map(lambda _: next(it), tree)


def _as_variable(t):
    # a tensor an outer transform differentiates is used as it is (its graph is the
    # outer one's); another becomes a fresh leaf
    return t if t.requires_grad else t.detach().requires_grad_()


def _argnums(argnums, n):
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not nums:
        raise RuntimeError("argnums must be non-empty")
    for i in nums:
        if not isinstance(i, int):
            raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(i)}")
        if not -n <= i < n:
            raise RuntimeError(f"Got argnums={i}, but only {n} positional inputs")
    return tuple(i % n for i in nums)


@contextlib.contextmanager
def _level():
    """One more grad-type transform running, with autograd recording."""
    _DEPTH[0] += 1
    try:
        with _tm.enable_grad():
            yield
    finally:
        _DEPTH[0] -= 1


def _variables(args, nums):
    """The arguments, those at `nums` made differentiable."""
    args = list(args)
    for i in nums:
        args[i] = _tree_map(_as_variable, args[i])
    return args


def _with_aux(out, has_aux, name):
    """(output, aux) of a function called by transform `name` (aux None without has_aux)."""
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{name}(f)(*args): output of function f should be a tuple: "
                           "(output, aux) if has_aux is True")
    return out


def _finish(tree):
    """Results of the outermost transform carry no graph, as torch's."""
    if _DEPTH[0] == 0:
        return _tree_map(lambda t: t.detach(), tree)
    return tree


def grad_and_value(func, argnums=0, has_aux=False):
    """`func`'s gradient with respect to the arguments `argnums`, and its value."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        nums = _argnums(argnums, len(args))
        with _level():
            args = _variables(args, nums)
            out, aux = _with_aux(func(*args, **kwargs), has_aux, "grad_and_value")
            if not isinstance(out, _tm.Tensor) or out.dim() != 0:
                dims = out.dim() if isinstance(out, _tm.Tensor) else "no"
                raise RuntimeError(
                    "grad_and_value(f)(*args): Expected f(*args) to return a scalar "
                    f"Tensor, got tensor with {dims} dims. Maybe you wanted to use the "
                    "vjp or jacrev APIs instead?")
            inputs = [args[i] for i in nums]
            flat = _leaves(inputs)
            grads = _tm.autograd.grad(out, flat, create_graph=True, allow_unused=True) \
                if out.requires_grad else (None,) * len(flat)
            grads = [_tm.zeros_like(x) if g is None else g for g, x in zip(grads, flat)]
            result = _unflatten(inputs, grads)
            if isinstance(argnums, int):
                result = result[0]
            else:
                result = tuple(result)
        value = (out, aux) if has_aux else out
        return _finish(result), _finish(value)
    return wrapper


def grad(func, argnums=0, has_aux=False):
    """`func`'s gradient with respect to the arguments `argnums` (func returns a scalar)."""
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, value = gv(*args, **kwargs)
        return (g, value[1]) if has_aux else g
    return wrapper


def vjp(func, *primals, has_aux=False):
    """func(*primals), and a function of cotangents giving the vector-Jacobian products."""
    with _level():
        primals = _tree_map(_as_variable, primals)
        out, aux = _with_aux(func(*primals), has_aux, "vjp")
    outs = _leaves(out)
    flat = _leaves(primals)
    depth = _DEPTH[0]

    def vjp_fn(*cotangents):
        cots = _leaves(cotangents if len(cotangents) != 1 or isinstance(
            out, (tuple, list)) else cotangents[0])
        if len(cots) != len(outs):
            raise RuntimeError("Expected pytree structure of cotangents to be the same as "
                               "pytree structure of outputs to the function")
        pairs = [(o, c) for o, c in zip(outs, cots) if o.requires_grad]
        with _tm.enable_grad():
            grads = _tm.autograd.grad([o for o, _ in pairs], flat, [c for _, c in pairs],
                                      retain_graph=True, create_graph=True,
                                      allow_unused=True) if pairs else (None,) * len(flat)
        grads = [_tm.zeros_like(x) if g is None else g for g, x in zip(grads, flat)]
        result = _unflatten(primals, grads)
        return _tree_map(lambda t: t.detach(), result) if depth == 0 else result
    value = _finish(out)
    return (value, vjp_fn, _finish(aux)) if has_aux else (value, vjp_fn)


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """The Jacobian of `func` with respect to `argnums`, row by row by reverse mode:
    shape output.shape + input.shape."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        nums = _argnums(argnums, len(args))
        with _level():
            args = _variables(args, nums)
            out, aux = _with_aux(func(*args, **kwargs), has_aux, "jacrev")
            inputs = [args[i] for i in nums]
            rows = [[] for _ in inputs]
            flat_out = out.reshape(-1)
            for k in range(flat_out.numel()):
                if flat_out.requires_grad:
                    gs = _tm.autograd.grad(flat_out[k], inputs, retain_graph=True,
                                           create_graph=True, allow_unused=True)
                else:
                    gs = (None,) * len(inputs)
                for j, (g, x) in enumerate(zip(gs, inputs)):
                    rows[j].append(_tm.zeros_like(x) if g is None else g)
            jacs = []
            for j, x in enumerate(inputs):
                stacked = _tm.stack(rows[j]) if rows[j] else \
                    _tm.zeros((0,) + tuple(x.shape), dtype=x.dtype)
                jacs.append(stacked.reshape(tuple(out.shape) + tuple(x.shape)))
        result = jacs[0] if isinstance(argnums, int) else tuple(jacs)
        result = _finish(result)
        return (result, _finish(aux)) if has_aux else result
    return wrapper


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """The Jacobian of `func` (computed by reverse mode here: the same matrix as torch's
    forward mode, up to rounding)."""
    return jacrev(func, argnums, has_aux=has_aux)


def hessian(func, argnums=0):
    """The Hessian of a scalar `func`: jacfwd(jacrev(func))."""
    return jacfwd(jacrev(func, argnums), argnums)


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """`func` mapped over dimension `in_dims` of its inputs, the results stacked along
    `out_dims` (see the module's docstring)."""
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', "
                           f"or 'same'. Got {randomness}")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        dims = in_dims if isinstance(in_dims, (tuple, list)) else (in_dims,) * len(args)
        if len(dims) != len(args):
            raise ValueError(f"vmap(f, in_dims={in_dims}, ...)(<inputs>): in_dims is not "
                             f"compatible with the structure of `inputs`. in_dims has "
                             f"structure {len(dims)} but inputs has structure {len(args)}.")
        sizes = []
        for a, d in zip(args, dims):
            if d is not None:
                for t in _leaves(a):
                    sizes.append(t.shape[d])
        if not sizes:
            raise ValueError("vmap(f, in_dims=..., ...)(<inputs>): at least one input must "
                             "be mapped (in_dims not None)")
        if len(set(sizes)) != 1:
            raise ValueError(f"vmap: Expected all tensors to have the same size in the "
                             f"mapped dimension, got sizes {sizes} for the mapped dimension")
        state = _tm.get_rng_state() if randomness == "same" else None
        results = []
        for b in range(sizes[0]):
            sliced = [a if d is None else _tree_map(lambda t, d=d: t.select(d, b), a)
                      for a, d in zip(args, dims)]
            if state is not None:
                _tm.set_rng_state(state)
            if randomness == "error":
                with _no_random():
                    results.append(func(*sliced, **kwargs))
            else:
                results.append(func(*sliced, **kwargs))
        first = results[0]
        outs = out_dims if isinstance(out_dims, (tuple, list)) else None

        def stack(parts, k=None):
            d = out_dims if outs is None else outs[k]
            return _tm.stack(parts, d) if d is not None else parts[0]
        if isinstance(first, tuple):
            return tuple(stack([_as_tensor(r[k]) for r in results], k)
                         for k in range(len(first)))
        return stack([_as_tensor(r) for r in results])
    return wrapper


def _as_tensor(x):
    return x if isinstance(x, _tm.Tensor) else _tm.tensor(x)


class _no_random:
    """vmap's randomness="error": a draw from a generator raises torch's error."""

    def __enter__(self):
        from .. import _generator
        self.saved = _generator.Generator._random32

        def refuse(gen, n):
            raise RuntimeError("vmap: called random operation while in randomness error "
                               "mode. Please either use the 'same' or 'different' randomness "
                               "flags on vmap or perform the randomness operation out of vmap")
        _generator.Generator._random32 = refuse

    def __exit__(self, *exc):
        from .. import _generator
        _generator.Generator._random32 = self.saved


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """Call ``module`` with its parameters and buffers replaced by the given tensors."""
    from ..nn.utils.stateless import _functional_call
    if isinstance(parameter_and_buffer_dicts, dict):
        parameters_and_buffers = parameter_and_buffer_dicts
    elif isinstance(parameter_and_buffer_dicts, Sequence):
        if not all(isinstance(d, dict) for d in parameter_and_buffer_dicts):
            raise ValueError(
                "Expected all elements of parameter_and_buffer_dicts to be dictionaries")
        counts = {}
        for d in parameter_and_buffer_dicts:
            for k in d:
                counts[k] = counts.get(k, 0) + 1
        repeated_keys = [key for key, n in counts.items() if n > 1]
        if repeated_keys:
            raise ValueError(f"{repeated_keys} appeared in multiple dictionaries; behavior of "
                             "functional call is ambiguous")
        parameters_and_buffers = {k: v for d in parameter_and_buffer_dicts for k, v in d.items()}
    else:
        raise ValueError("Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of "
                         f"dicts, but got {type(parameter_and_buffer_dicts)}")
    return _functional_call(module, parameters_and_buffers, args, kwargs,
                            tie_weights=tie_weights, strict=strict)
