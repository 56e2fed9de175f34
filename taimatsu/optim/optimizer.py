"""Optimizer: the base of every optimizer, as torch.optim.Optimizer.

Parameters are organised in `param_groups` (dicts holding "params" and the options,
filled from `defaults`); per-parameter `state` is a dict keyed by the parameter
tensor.  `state_dict()` replaces parameters by their position (ints), and
`load_state_dict()` maps them back by position.
"""
import functools
import warnings
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from copy import deepcopy
from itertools import chain

from .. import _dtype as D
from .._backend import cpu
from .._tensor import Tensor, _wrap
from .._utils import typename
from ..autograd.grad_mode import GradMode

__all__ = [
    "Optimizer",
    "register_optimizer_step_post_hook",
    "register_optimizer_step_pre_hook",
]

_global_optimizer_pre_hooks = OrderedDict()
_global_optimizer_post_hooks = OrderedDict()


class _RequiredParameter:
    """Singleton class representing a required parameter for an Optimizer."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


class RemovableHandle:
    """A handle that removes a hook from the ordered dict it was added to."""

    next_id = 0

    def __init__(self, hooks_dict):
        self.hooks_dict = hooks_dict
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1

    def remove(self):
        self.hooks_dict.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _add_hook(hooks, hook, prepend=False):
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


def register_optimizer_step_pre_hook(hook):
    """Register a pre hook common to all optimizers: hook(optimizer, args, kwargs)."""
    return _add_hook(_global_optimizer_pre_hooks, hook)


def register_optimizer_step_post_hook(hook):
    """Register a post hook common to all optimizers: hook(optimizer, args, kwargs)."""
    return _add_hook(_global_optimizer_post_hooks, hook)


def _use_grad_for_differentiable(step):
    """Run step() with grad mode set to the optimizer's `differentiable` option
    (off unless asked), restoring the caller's mode afterwards."""
    @functools.wraps(step)
    def use_grad(self, *args, **kwargs):
        previous = GradMode.enabled
        GradMode.enabled = bool(self.defaults.get("differentiable", False))
        try:
            return step(self, *args, **kwargs)
        finally:
            GradMode.enabled = previous
    return use_grad


def _evaluate_closure(closure):
    """The loss from `closure`, computed with grad enabled (None without a closure)."""
    if closure is None:
        return None
    previous = GradMode.enabled
    GradMode.enabled = True
    try:
        return closure()
    finally:
        GradMode.enabled = previous


def _get_scalar_dtype(is_fused=None):
    """The dtype of a 'step' counter: float64 under a float64 default, else float32."""
    if is_fused:
        return D.float32._np
    return D.float64._np if D.get_default_dtype() is D.float64 else D.float32._np


def _new_step(value=0.0):
    """A 0-dim step counter tensor, as torch.tensor(0.0, dtype=_get_scalar_dtype())."""
    # on the host whatever the parameters' device, as torch's non-capturable steps
    return _wrap(cpu.xp.array(value, dtype=_get_scalar_dtype()))


def _increment(step_t):
    """step_t += 1, returning the new count as a Python float (torch's _get_value)."""
    data = step_t._data
    # a Python float sum rounded on storing is the counter's own rounded sum (float64 has
    # more than twice the bits of float32), at a tenth of a numpy call's cost; item(), not
    # float(): under torch.compile the count stays a number the replay computes
    data[()] = data.item() + 1.0
    step_t._bump_version()
    return data.item()


def _zeros_like(p):
    return _wrap(p._xp.zeros_like(p._data))


def _to_scalar(x):
    """A 1-element tensor hyperparameter as a 0-dim tensor; anything else as is."""
    if isinstance(x, Tensor) and x.dim() != 0:
        return x.squeeze()
    return x


def _check_tensor_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")


def _bump(*tensors):
    for t in tensors:
        if t is not None:
            t._bump_version()


class Optimizer:
    r"""Base class for all optimizers.

    Args:
        params (iterable): an iterable of :class:`torch.Tensor` s or
            :class:`dict` s. Specifies what Tensors should be optimized.
        defaults: (dict): a dict containing default values of optimization
            options (used when a parameter group doesn't specify them).
    """

    # per optimizer: group options filled in when unpickling an older state
    _setstate_defaults = {}


    def __init__(self, params, defaults):
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()
        self._patch_step_function()

        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got " + typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)
        self._warned_capturable_if_run_uncaptured = True

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state,
                "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks",
                     "_optimizer_state_dict_pre_hooks", "_optimizer_state_dict_post_hooks",
                     "_optimizer_load_state_dict_pre_hooks",
                     "_optimizer_load_state_dict_post_hooks"):
            if name not in self.__dict__:
                setattr(self, name, OrderedDict())
        self._patch_step_function()
        self.defaults.setdefault("differentiable", False)
        # options torch added over its versions: a pickled optimizer may lack them
        for group in self.param_groups:
            for key, value in self._setstate_defaults.items():
                group.setdefault(key, value)
        self._scalars_as_tensors()

    def _scalars_as_tensors(self):
        """Old checkpoints kept 'step' (and NAdam's 'mu_product') as Python numbers."""
        for p_state in self.state.values():
            for key in ("step", "mu_product"):
                if key in p_state and not isinstance(p_state[key], Tensor):
                    p_state[key] = _new_step(float(p_state[key]))

    def __repr__(self):
        format_string = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            format_string += "\n"
            format_string += f"Parameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    format_string += f"    {key}: {group[key]}\n"
        format_string += ")"
        return format_string

    # --- step hooks ----------------------------------------------------------------------
    @staticmethod
    def profile_hook_step(func):
        """Wrap a step function so that it runs the global and per-instance hooks."""
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            self = args[0]
            if not (_global_optimizer_pre_hooks or _global_optimizer_post_hooks
                    or self._optimizer_step_pre_hooks or self._optimizer_step_post_hooks):
                return func(*args, **kwargs)  # no hooks: skip building the chains
            for pre_hook in chain(_global_optimizer_pre_hooks.values(),
                                  self._optimizer_step_pre_hooks.values()):
                result = pre_hook(self, args, kwargs)
                if result is not None:
                    if isinstance(result, tuple) and len(result) == 2:
                        args, kwargs = result
                    else:
                        raise RuntimeError(f"{func} must return None or a tuple of (new_args, "
                                           f"new_kwargs), but got {result}.")
            out = func(*args, **kwargs)
            for post_hook in chain(self._optimizer_step_post_hooks.values(),
                                   _global_optimizer_post_hooks.values()):
                post_hook(self, args, kwargs)
            return out
        return wrapper

    def _patch_step_function(self):
        self._zero_grad_profile_name = (
            f"Optimizer.zero_grad#{self.__class__.__name__}.zero_grad")
        if not getattr(self.__class__.step, "hooked", None):
            self.__class__.step = self.profile_hook_step(self.__class__.step)
            self.__class__.step.hooked = True

    def register_step_pre_hook(self, hook):
        """hook(optimizer, args, kwargs) -> None or (new_args, new_kwargs), before step()."""
        return _add_hook(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        """hook(optimizer, args, kwargs) -> None, after step()."""
        return _add_hook(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        return _add_hook(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        return _add_hook(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        return _add_hook(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        return _add_hook(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # --- state dicts ---------------------------------------------------------------------
    def state_dict(self):
        """{'state': {param index: per-parameter state}, 'param_groups': [options with
        'params' as indices]}.  The state's tensors are shared, not copied, as in torch."""
        for pre_hook in self._optimizer_state_dict_pre_hooks.values():
            pre_hook(self)
        param_mappings = {}
        start_index = 0

        def pack_group(group):
            nonlocal start_index
            packed = {k: v for k, v in group.items() if k != "params"}
            param_mappings.update({id(p): i for i, p in enumerate(group["params"], start_index)
                                   if id(p) not in param_mappings})
            packed["params"] = [param_mappings[id(p)] for p in group["params"]]
            start_index += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {(param_mappings[id(k)] if isinstance(k, Tensor) else k): v
                        for k, v in self.state.items()}
        state_dict = {"state": packed_state, "param_groups": param_groups}
        for post_hook in self._optimizer_state_dict_post_hooks.values():
            result = post_hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    @staticmethod
    def _process_value_according_to_param_policy(param, value, param_id, param_groups,
                                                 key=None):
        fused = capturable = False
        for pg in param_groups:
            if param_id in pg["params"]:
                fused = pg.get("fused", False)
                capturable = pg.get("capturable", False)
                break
        if key == "step":
            return value.to(dtype=D.float32) if capturable or fused else value
        if param.is_floating_point():
            return value.to(dtype=param.dtype)
        return value

    def load_state_dict(self, state_dict):
        """Load state produced by state_dict(); parameters are matched by position."""
        state_dict = state_dict.copy()
        for pre_hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = pre_hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match "
                             "the size of optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))

        def cast(param, value, param_id=None, key=None):
            if isinstance(value, Tensor):
                return Optimizer._process_value_according_to_param_policy(
                    param, value, param_id, state_dict["param_groups"], key)
            if isinstance(value, dict):
                return {k: cast(param, v, param_id, key=k) for k, v in value.items()}
            if isinstance(value, Iterable) and not isinstance(value, str):
                return type(value)(cast(param, v, param_id) for v in value)
            return value

        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = cast(param, v, param_id=k)
            else:
                state[k] = v

        def update_group(group, new_group):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        self.__setstate__({"state": state, "param_groups": param_groups})
        for post_hook in self._optimizer_load_state_dict_post_hooks.values():
            post_hook(self)

    # --- gradients and groups ------------------------------------------------------------
    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all optimized tensors (to None by default)."""
        for group in self.param_groups:
            for p in group["params"]:
                grad = p._grad
                if grad is None:
                    continue
                if set_to_none:
                    p._grad = None
                    continue
                if grad._grad_fn is not None:
                    grad.detach_()
                else:
                    grad.requires_grad_(False)
                grad._data.fill(0)
                grad._bump_version()

    def step(self, closure=None):
        """Perform a single optimization step to update parameter."""
        raise NotImplementedError

    # --- the step every built-in optimizer shares (L-BFGS, closure-driven, has its own) --
    # An optimizer declares its per-parameter state (`_initial_state`) and its update of
    # one group (`_update`, which calls its functional form, e.g. `adam`); `_step` is the
    # rest: the closure, the parameters that have a gradient, their states.
    @_use_grad_for_differentiable
    def _step(self, closure=None):
        """Perform a single optimization step."""
        loss = _evaluate_closure(closure)
        for group in self.param_groups:
            params, grads = self._params_with_grad(group)
            self._update(group, params, grads)
        return loss

    _step.__name__ = _step.__qualname__ = "step"

    def _initial_state(self, group, p):
        """A parameter's state before its first step."""
        return {}

    def _states(self, group, params):
        """The parameters' states, made on first use."""
        states = []
        for p in params:
            state = self.state[p]
            if not state:
                state.update(self._initial_state(group, p))
            states.append(state)
        return states

    def add_param_group(self, param_group):
        """Add a param group (a dict with 'params' and options) to `param_groups`."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            param_group["params"] = list(params)
        self._extract_names(param_group)

        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params "
                                "is " + typename(param))
            if not self.defaults.get("differentiable", None) and not (
                    param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")

        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)

        params = param_group["params"]
        if len(params) != len(set(params)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; "
                          "in future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        param_set = set()
        for group in self.param_groups:
            param_set.update(set(group["params"]))
            if ("param_names" in param_group) != ("param_names" in group):
                current = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {current} to the optimizer")
        if not param_set.isdisjoint(set(param_group["params"])):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    @staticmethod
    def _extract_names(param_group):
        """named_parameters() gives (name, tensor) pairs: keep the names aside."""
        tensors, names = [], []
        for param in param_group["params"]:
            if isinstance(param, tuple):
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some "
                                 "param names are missing")
            param_group["param_names"] = names

    def _accelerator_graph_capture_health_check(self):
        """Nothing to check: there is no graph capture on the CPU backend."""

    @staticmethod
    def _params_with_grad(group):
        """The group's parameters that have a gradient, and those gradients."""
        params, grads = [], []
        for p in group["params"]:
            if p._grad is not None:
                params.append(p)
                grads.append(p._grad)
        return params, grads
