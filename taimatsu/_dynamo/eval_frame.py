"""torch.compile: trace a function once, replay it as straight-line array code.

The first call with a new kind of argument (its guards: see `_Guards`) traces the
function on copies of its tensors' arrays (`tracing.py`), and, when its result needs a
gradient, traces the backward from that result too.  Each trace becomes a Python
function over raw arrays (`codegen.py`); later calls whose guards hold run it: no Tensor
objects, no graph recording, no checks that the trace already made.  A result that
requires grad gets one node, `CompiledFunctionBackward`, whose backward runs the traced
backward; the engine sends its gradients on to the function's inputs and parameters.

What the trace cannot replay (`GraphBreak`) makes the function run eagerly for that kind
of argument (or, with `fullgraph=True`, raises `Unsupported` naming it).  A trace never
writes into the real tensors: it works on copies, and the real call then runs the
replay, or the function itself when the trace failed.
"""
import builtins
import os
import sys
import types
import warnings
import weakref

from .. import _backend
from .._dtype import _Default
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import GradMode
from ..autograd.graph import Node, next_seq, _RELEASED, _FREED_MESSAGE
from . import codegen, config, tracing
from .tracing import GraphBreak


class Unsupported(RuntimeError):
    """torch._dynamo.exc.Unsupported: fullgraph=True and the function breaks its graph."""


class Diverged(Exception):
    """A value guard of the replay read another value than the trace: run eagerly."""


_SIMPLE = (bool, int, float, complex, str, type(None))
_new_object = object.__new__
_ALL_COMPILED = weakref.WeakSet()  # (torch.compiler.reset empties their caches)


# --- what a function reaches: its parameters, buffers, optimizer state and settings ------

class _Reach:
    """The tensors a function reaches besides its arguments (each with where it was found,
    so that a later call checks it is still there) and the Python settings it may read
    (module flags, hyper-parameters), guarded by value."""

    def __init__(self):
        self.tensors = []   # (owner, key, tensor)
        self.values = []    # (owner, key, value)
        self.containers = []  # (dict or list, its items before the trace)
        self._seen_tensors = set()
        self._seen = set()

    def visit_function(self, fn, depth=0):
        if depth > 3 or id(fn) in self._seen:
            return
        self._seen.add(id(fn))
        if isinstance(fn, types.MethodType):
            self.visit(fn.__self__, depth)
            fn = fn.__func__
        code = getattr(fn, "__code__", None)
        if code is None:
            if hasattr(fn, "__dict__"):
                self.visit(fn, depth)
            return
        for i, cell in enumerate(fn.__closure__ or ()):
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            self._item(cell, "cell_contents", value, depth)
        g = fn.__globals__
        for name in _code_names(code):
            if name in g:
                self._item(g, name, g[name], depth, mapping=True)

    def _item(self, owner, key, value, depth, mapping=False):
        if isinstance(value, Tensor):
            if id(value) not in self._seen_tensors:
                self._seen_tensors.add(id(value))
                self.tensors.append((owner, key, value, mapping))
        elif type(value) in _SIMPLE:
            self.values.append((owner, key, value, mapping))
        elif isinstance(value, types.ModuleType) or isinstance(value, type):
            pass
        elif callable(value) and hasattr(value, "__code__"):
            self.visit_function(value, depth + 1)
        else:
            self.visit(value, depth + 1)

    def visit(self, obj, depth):
        if depth > 6 or id(obj) in self._seen or isinstance(obj, (types.ModuleType, type)):
            return
        self._seen.add(id(obj))
        if isinstance(obj, dict):
            self.containers.append((obj, dict(obj)))
            for k, v in list(obj.items()):
                if type(k) in _SIMPLE:
                    self._item(obj, k, v, depth, mapping=True)
        elif isinstance(obj, (list, tuple)):
            if isinstance(obj, list):
                self.containers.append((obj, list(obj)))
            for i, v in enumerate(obj):
                self._item(obj, i, v, depth, mapping=True)
        elif isinstance(obj, types.MethodType):
            self.visit_function(obj, depth)
        elif hasattr(obj, "__dict__"):
            # modules, optimizers, losses, partials, the user's own objects
            d = obj.__dict__
            self.containers.append((d, dict(d)))
            for k, v in list(d.items()):
                if k in ("_forward_pre_hooks", "_forward_hooks", "_backward_hooks",
                         "_backward_pre_hooks", "_state_dict_hooks"):
                    if v:
                        raise GraphBreak(f"module hooks ({k})")
                    continue
                if k == "state" and hasattr(obj, "param_groups"):
                    # an optimizer's state is keyed by its parameters
                    self.containers.append((v, dict(v)))
                    for p, st in list(v.items()):
                        self.visit(st, depth + 1)
                    continue
                self._item(d, k, v, depth, mapping=True)


def _code_names(code):
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _lookup(owner, key, mapping):
    return owner[key] if mapping else getattr(owner, key)


# --- guards -------------------------------------------------------------------------------

def _tensor_key(t):
    a = t._data
    return (type(a), a.shape, a.strides, a.dtype, t._requires_grad, t._grad_fn is None)


def _arg_key(v, tensors):
    """The part of the guard key an argument gives; its tensors go to `tensors`."""
    if isinstance(v, Tensor):
        tensors.append(v)
        return _tensor_key(v)
    tv = type(v)
    if tv in _SIMPLE:
        return (tv, v)
    if tv is tuple or tv is list:
        return (tv,) + tuple(_arg_key(x, tensors) for x in v)
    if tv is dict:
        return (tv,) + tuple((k, _arg_key(x, tensors)) for k, x in v.items())
    return ("id", id(v))


def _aliasing(tensors):
    """Which tensors share an array or its base: the replay assumes the same pattern."""
    first = {}
    out = []
    for i, t in enumerate(tensors):
        a = t._data
        base = a.base if a.base is not None else a
        out.append(first.setdefault(id(base), i))
    return tuple(out)


class _Entry:
    """One trace: its guards and its replay (or `eager`: run the function itself)."""

    eager = False
    reason = None
    reach_tensors = reach_values = externals = external_keys = ()
    grad_owners = grad_keys = gradless = ()
    _check = staticmethod(lambda: True)  # (replaced by prepare_guards)

    def __init__(self, key):
        self.key = key

    def prepare_guards(self):
        """The guards as one generated boolean expression (`_check`): a few dozen
        attribute and item reads and comparisons, the cheapest form Python has."""
        self._check = _guard_function(self)

    def holds(self):
        try:
            return self._check()
        except (KeyError, AttributeError, IndexError, TypeError):
            return False


def _guard_function(entry):
    """A function checking that what a trace assumed still holds: each reached Python
    setting has its value and type, each reached tensor is still where it was found, the
    parameters keep their arrays (or at least their metadata) and autograd flags, and the
    gradients are present or absent, with their metadata, as they were."""
    names = {}
    terms = []

    def name(value, hint):
        key = (hint, id(value))
        if key not in names:
            names[key] = (f"{hint}{len(names)}", value)
        return names[key][0]

    def read(owner, key, mapping):
        o = name(owner, "o")
        return f"{o}[{name(key, 'k')}]" if mapping else f"{o}.{key}"

    for owner, key, value, mapping in entry.reach_values:
        r = read(owner, key, mapping)
        if value is None or type(value) is bool:
            terms.append(f"{r} is {value!r}")
        else:
            terms.append(f"type({r}) is {name(type(value), 't')} and {r} == "
                         f"{name(value, 'v')}")
    for owner, key, tensor, mapping in entry.reach_tensors:
        terms.append(f"{read(owner, key, mapping)} is {name(tensor, 'x')}")
    for t, k in zip(entry.externals, entry.external_keys):
        x = name(t, "x")
        terms.append(f"({x}._data is {name(t._data, 'a')} or _key({x}) == {name(k, 'm')})")
        terms.append(f"{x}._requires_grad is {t._requires_grad!r}")
        terms.append(f"({x}._grad_fn is None) is {t._grad_fn is None!r}")
    for t in entry.gradless:
        terms.append(f"{name(t, 'x')}._grad is None")
    for t, k in zip(entry.grad_owners, entry.grad_keys):
        x = name(t, "x")
        terms.append(f"{x}._grad is not None and _key({x}._grad) == {name(k, 'm')}")
    source = "def check():\n    return (" + \
        "\n            and ".join(terms or ["True"]) + ")\n"
    namespace = {n: v for n, v in names.values()}
    namespace["_key"] = _tensor_key
    exec(compile(source, "<taimatsu.compile guards>", "exec"), namespace)
    check = namespace["check"]
    check.__source__ = source
    return check


# --- the compiled function ----------------------------------------------------------------

class CompiledFunction:
    """What torch.compile returns for a function."""

    def __init__(self, fn, fullgraph=False):
        self.fn = fn
        self.fullgraph = fullgraph
        self.entries = []
        self.__wrapped__ = fn
        for attr in ("__name__", "__qualname__", "__doc__", "__module__"):
            try:
                setattr(self, attr, getattr(fn, attr))
            except AttributeError:
                pass
        _ALL_COMPILED.add(self)

    def __get__(self, obj, objtype=None):
        # a compiled function in a class body binds as a method does
        return self if obj is None else types.MethodType(self, obj)

    def __call__(self, *args, **kwargs):
        if tracing.RECORDER is not None:
            # a compiled function called while another traces: part of that trace
            return self.fn(*args, **kwargs)
        tensors = []
        parts = [GradMode.enabled, GradMode.inference, _Default.float]
        for a in args:  # (_arg_key, unrolled for the tensors: every call computes it)
            if type(a) is Tensor:
                d = a._data
                parts.append((type(d), d.shape, d.strides, d.dtype, a._requires_grad,
                              a._grad_fn is None))
                tensors.append(a)
            else:
                parts.append(_arg_key(a, tensors))
        if kwargs:
            parts.append(_arg_key(kwargs, tensors))
        key = tuple(parts)
        entry = None
        entries = self.entries
        for i, e in enumerate(entries):
            if e.key == key and e.holds():
                entry = e
                if i:  # the entry used last is tried first next time
                    entries.insert(0, entries.pop(i))
                break
        if entry is None:
            if len(self.entries) >= config.recompile_limit:
                warnings.warn(f"torch._dynamo hit config.recompile_limit "
                              f"({config.recompile_limit}): {self.__name__} runs eagerly "
                              "from now on for new kinds of arguments.", stacklevel=2)
                return self.fn(*args, **kwargs)
            entry = self._trace(key, args, kwargs, tensors)
            self.entries.append(entry)
        if entry.eager:
            if getattr(entry, "retry", False):
                # (a first step made the optimizer's state: trace the next call again)
                self.entries.remove(entry)
            return self.fn(*args, **kwargs)
        try:
            return entry.run(tensors)
        except Diverged:
            entry.diverged = getattr(entry, "diverged", 0) + 1
            if entry.diverged >= config.diverge_limit:
                entry.eager = True
                entry.reason = "a value the trace read in Python keeps changing"
            return self.fn(*args, **kwargs)

    def _trace(self, key, args, kwargs, tensors):
        entry = _Entry(key)
        try:
            _trace_into(entry, self.fn, args, kwargs, tensors)
        except StateChanged as e:
            entry.eager = True
            entry.reason = str(e)
            self.retries = getattr(self, "retries", 0) + 1
            entry.retry = self.retries <= config.state_retries
        except GraphBreak as e:
            if self.fullgraph:
                raise Unsupported(f"torch.compile(fullgraph=True) of {self.__name__}: "
                                  f"{e}") from None
            entry.eager = True
            entry.reason = str(e)
        except Exception as e:  # noqa: BLE001 - the eager call says whether it was ours
            if self.fullgraph and not isinstance(e, (RuntimeError, ValueError, TypeError,
                                                     IndexError)):
                raise
            entry.eager = True
            entry.reason = f"{type(e).__name__} while tracing: {e}"
        return entry

    def reset(self):
        self.entries = []


def _trace_into(entry, fn, args, kwargs, tensors):
    reach = _Reach()
    reach.visit_function(fn)
    for a in list(args) + list(kwargs.values()):
        if not isinstance(a, (Tensor,) + _SIMPLE):
            reach.visit(a, 1)
    arg_ids = {id(t) for t in tensors}
    externals = [t for _, _, t, _ in reach.tensors if id(t) not in arg_ids]
    # the parameters' gradients are inputs too, read afresh each call (zero_grad may keep
    # them and backward add into them; with set_to_none they are new tensors every step)
    grad_owners = [t for t in externals if t._grad is not None]
    grads_in = [t._grad for t in grad_owners]
    everything = tensors + externals + grads_in
    for t in everything:
        if type(t._data) is not _backend.ndarray:
            raise GraphBreak("a tensor that is not on the cpu")
        if t._backward_hooks or t._post_accumulate_hooks or t._retains_grad:
            raise GraphBreak("hooks on a tensor the function uses")
    pattern = _aliasing(everything)
    if pattern != tuple(range(len(everything))):
        raise GraphBreak("tensors sharing memory (views of one another, or one tensor "
                         "passed twice)")
    entry.reach_tensors = reach.tensors
    entry.reach_values = list(reach.values)
    entry.externals = externals
    entry.external_keys = [_tensor_key(t) for t in externals]
    entry.grad_owners = grad_owners
    entry.grad_keys = [_tensor_key(g) for g in grads_in]
    entry.gradless = [t for t in externals if t._grad is None]
    entry.prepare_guards()  # (an entry that runs eagerly is guarded the same way)

    rec = tracing.Recorder()
    traced_backend = tracing.backend()
    saved_data = [(t, dict(t.__dict__), t._vc[0] if t._vc is not None else None)
                  for t in externals + grads_in]
    values_before = [(o, k, v, m) for o, k, v, m in reach.values]
    by_device = _backend._BY_DEVICE
    cpu = by_device["cpu"]
    real_print = builtins.print
    try:
        # a value read in Python (a guard) may be printed: the replay would not print it
        builtins.print = _no_print
        tracing.RECORDER = rec
        _backend.Tracing.active = True
        _backend.Tracing.backward_runs = 0
        _backend.Tracing.draw = tracing.record_draw
        _backend.BY_ARRAY_TYPE[tracing.TracedArray] = traced_backend
        by_device["cpu"] = traced_backend
        proxies = {}
        for t in everything:
            traced = rec.new_slot(_copy_laid_out_as(t._data), "input")
            if id(t) in arg_ids:
                p = _wrap(traced)
                p._requires_grad = t._requires_grad
                proxies[id(t)] = p
            else:
                t._data = traced
        n_inputs = len(everything)
        targs = _substitute(args, proxies)
        tkwargs = _substitute(kwargs, proxies)
        result = fn(*targs, **tkwargs)
        fw_end = len(rec.instrs)
        outputs, numbers, structure = _flatten_result(result)
        for o in outputs:
            a = o._data
            if type(a) is not tracing.TracedArray:
                raise GraphBreak("a result that is not computed by the function")
            if rec.kinds[a._slot] != "op" or any(
                    _backend.numpy.may_share_memory(a._a, rec.values[i]._a)
                    for i in range(n_inputs)):
                raise GraphBreak("a result that is an input or a view of one")
        writes = _first_write(rec, n_inputs, 0, fw_end)
        grads, bumps = _tensor_effects(everything, proxies, saved_data, arg_ids)
        backward = None
        ran_backward = _backend.Tracing.backward_runs > 0
        if GradMode.enabled and any(o._requires_grad for o in outputs) and not ran_backward:
            if writes is not None:
                raise GraphBreak("a result that requires grad from a function that writes "
                                 "into its inputs")
            backward = _trace_backward(rec, outputs, tensors, proxies, externals, n_inputs)
            entry.grad_output = next(i for i, o in enumerate(outputs) if o._requires_grad)
        for o, k, v, m in values_before:
            if _lookup(o, k, m) is not v:
                raise StateChanged(f"the function changes the Python attribute {k!r}")
        if _changed(reach.containers):
            raise StateChanged("the function changes Python state (an attribute, a list, a "
                               "dict such as an optimizer's state made on its first step)")
    finally:
        builtins.print = real_print
        tracing.RECORDER = None
        _backend.Tracing.active = False
        _backend.Tracing.draw = None
        for generator, state in rec.generators.items():
            generator.set_state(state)  # (the real call draws these numbers again)
        by_device["cpu"] = cpu
        _backend.BY_ARRAY_TYPE.pop(tracing.TracedArray, None)
        for t, attrs, version in saved_data:
            # what the trace set on the real tensors (their traced arrays, gradients,
            # histories) goes; the version counter is shared with views: reset in place
            t.__dict__.clear()
            t.__dict__.update(attrs)
            if version is not None:
                t._vc[0] = version
        _restore(reach.containers)
        for o, k, v, m in values_before:
            try:
                if _lookup(o, k, m) is not v:
                    if m:
                        o[k] = v
                    else:
                        setattr(o, k, v)
            except (KeyError, AttributeError, IndexError, TypeError):
                pass

    out_slots = [o._data._slot for o in outputs] + [n._slot for n in numbers]
    entry.grad_effects = []
    extra = len(out_slots)
    for i, slot in grads:
        entry.grad_effects.append((i, None if slot is None else extra))
        extra += slot is not None
    entry.bumps = bumps
    # results of a function that ran backward itself (a training step's loss): their
    # graph is spent, as eager's is after backward()
    entry.spent = [ran_backward and o._requires_grad for o in outputs]
    if backward is None:
        program = codegen.build(rec, rec.instrs[:fw_end], list(range(n_inputs)),
                                out_slots + [slot for _, slot in grads if slot is not None],
                                [], Diverged, "forward")
        entry.forward, entry.saved_slots = program, []
    else:
        bw_instrs, seed_slot, grad_slots, leaves = backward
        bw_instrs = codegen.live(rec, bw_instrs, set(grad_slots))
        saved = sorted(codegen.free_slots(bw_instrs, {seed_slot}))
        entry.forward = codegen.build(rec, rec.instrs[:fw_end], list(range(n_inputs)),
                                      out_slots, saved, Diverged, "forward")
        entry.backward = codegen.build(rec, bw_instrs, [seed_slot] + saved, grad_slots, [],
                                       Diverged, "backward")
        entry.leaves = leaves   # positions in `everything` of the tensors that get grads
        entry.saved_inputs = [i for i, s in enumerate(saved) if s < n_inputs]
    entry.has_backward = backward is not None
    entry.n_numbers = len(numbers)
    if "output_code" in os.environ.get("TORCH_LOGS", ""):
        # torch's switch for printing what a compiled function became
        sources = [entry.forward.__source__]
        if entry.has_backward:
            sources.append(entry.backward.__source__)
        sys.stderr.write(f"# taimatsu.compile: {getattr(fn, '__qualname__', fn)}\n"
                         + "\n".join(sources))
    entry.structure = structure
    entry.n_args = len(tensors)
    entry.run = types.MethodType(_run, entry)


def _no_print(*args, **kwargs):
    raise GraphBreak("printing inside the function (the replay would print nothing)")


class StateChanged(GraphBreak):
    """The trace changed Python state: on a first call (an optimizer making its state),
    a later call may find it settled, so the function is traced again then."""


def _first_write(rec, n_inputs, start, stop):
    """The position of the first instruction writing into an input's or a parameter's
    memory (None: none does).  A value guard after it could stop a replay halfway through
    an update, so a trace with one there runs eagerly."""
    np = _backend.numpy
    inputs = [rec.values[i]._a for i in range(n_inputs)]
    first = None
    for pos in range(start, stop):
        ins = rec.instrs[pos]
        if first is not None:
            if ins.kind == "guard" or ins.expect is not None:
                raise GraphBreak("a value read in Python after the function began writing "
                                 "into its inputs or parameters")
            continue
        for t in _written(ins):
            if isinstance(t, tracing.Slot) and any(
                    np.may_share_memory(rec.values[t.n]._a, b) for b in inputs):
                first = pos
    return first


def _written(ins):
    targets = []
    if ins.kind == "setitem":
        targets.append(ins.args[0])
    elif ins.kind == "method" and ins.fn in _INPLACE_METHODS:
        targets.append(ins.args[0])
    elif ins.kind == "call":
        name = getattr(ins.fn, "__name__", "")
        if ins.fn in _INPLACE_OPERATORS or name in ("copyto", "at", "place", "putmask",
                                                    "put_along_axis", "fill_diagonal"):
            targets.append(ins.args[0])
        out = ins.kwargs.get("out")
        if out is not None:
            targets.extend(out if isinstance(out, tuple) else (out,))
    return targets


_MAY_CHANGE = {"_data", "_grad", "_vc", "_accumulator"}


def _tensor_effects(everything, proxies, saved_data, arg_ids):
    """What the trace did to the tensors themselves, beyond their values: gradients set
    (backward, zero_grad) and version counters bumped, which the replay does again.
    Anything else (a history, requires_grad, .data rebound) is not replayed."""
    before = {id(t): attrs for t, attrs, _ in saved_data}
    versions = {id(t): version for t, _, version in saved_data}
    grads = []
    bumps = []
    for i, t in enumerate(everything):
        now = proxies.get(id(t), t)
        start = {} if id(t) in arg_ids else before[id(t)]
        end = now.__dict__
        for k in set(start) | set(end):
            if k in _MAY_CHANGE or (k == "_requires_grad" and id(t) in arg_ids):
                continue
            default = getattr(Tensor, k, _MISSING)  # (an attribute set to its default)
            s0, s1 = start.get(k, default), end.get(k, default)
            if s0 is not s1 and not (type(s0) in _SIMPLE and s0 == s1):
                raise GraphBreak(f"the function changes a tensor's {k.lstrip('_')}")
        if type(now._data) is not tracing.TracedArray or now._data._slot != i:
            raise GraphBreak("the function rebinds a tensor's data (.data = ...)")
        g0, g1 = start.get("_grad"), end.get("_grad")
        if g1 is not g0:
            if g1 is None:
                grads.append((i, None))
            elif type(g1._data) is tracing.TracedArray and g1._grad_fn is None and \
                    not g1._requires_grad:
                grads.append((i, g1._data._slot))
            else:
                raise GraphBreak("a gradient the trace did not compute")
        v0 = versions.get(id(t)) or 0   # (an argument's proxy starts at 0)
        vc1 = end.get("_vc")
        v1 = vc1[0] if vc1 is not None else 0
        if v1 != v0:
            bumps.append((i, v1 - v0))
    return grads, bumps


_MISSING = object()


def _copy_laid_out_as(a):
    """A copy of `a` with its strides (a strided view's gaps, a broadcast's zero strides,
    reversed axes) and writeability: layout decides some of what the trace records."""
    np = _backend.numpy
    copy = a.copy(order="K")
    if copy.strides == a.strides or a.size == 0:
        return copy
    # the bytes a's elements span, from its lowest address to its highest
    lo = sum(min(0, (n - 1) * s) for n, s in zip(a.shape, a.strides))
    hi = sum(max(0, (n - 1) * s) for n, s in zip(a.shape, a.strides)) + a.itemsize
    buffer = np.empty(hi - lo, np.uint8)
    copy = np.ndarray(a.shape, a.dtype, buffer=buffer, offset=-lo, strides=a.strides)
    np.copyto(copy, a)
    copy.flags.writeable = a.flags.writeable
    return copy


def _changed(containers):
    for c, before in containers:
        if len(c) != len(before):
            return True
        items = c.items() if isinstance(c, dict) else enumerate(c)
        for k, v in items:
            if isinstance(c, dict):
                if k not in before or before[k] is not v:
                    return True
            elif before[k] is not v:
                return True
    return False


def _restore(containers):
    """Put back what a trace changed in the dicts and lists the function reaches (an
    optimizer's state made on its first step, attributes set): the real call then starts
    from the state the trace found."""
    changed = _changed(containers)
    if changed:
        for c, before in reversed(containers):
            if isinstance(c, dict):
                if c.keys() != before.keys() or any(c[k] is not v for k, v in before.items()):
                    c.clear()
                    c.update(before)
            elif any(a is not b for a, b in zip(c, before)) or len(c) != len(before):
                c[:] = before
    return changed


def _trace_backward(rec, outputs, tensors, proxies, externals, n_inputs):
    """Trace the gradient of the one result back to the function's inputs and
    parameters, in the order the engine sums gradients when `backward()` is called on the
    result."""
    from ..autograd.engine import run_backward
    wanting = [o for o in outputs if o._requires_grad]
    if len(wanting) != 1:
        raise GraphBreak("several results that require grad")
    out = wanting[0]
    leaves = []
    for i, t in enumerate(list(tensors) + list(externals)):
        p = proxies.get(id(t), t)
        if p._requires_grad:
            if p._grad_fn is not None:
                raise GraphBreak("a tensor the function reaches that has a history")
            leaves.append((i, p))
    _check_unhooked(out._grad_fn)
    for _, p in leaves:
        p._grad = None  # (the real ones are put back after the trace)
    a = out._data._a
    seed_t = rec.new_slot(_backend.numpy.ones(a.shape, a.dtype), "input")
    seed_slot = seed_t._slot
    start = len(rec.instrs)
    run_backward((out,), (_wrap(seed_t),), True)
    grad_slots = []
    got = []
    for i, p in leaves:
        g = p._grad
        p._grad = None
        if g is None:
            continue
        if type(g._data) is not tracing.TracedArray:
            raise GraphBreak("a gradient the trace did not compute")
        grad_slots.append(g._data._slot)
        got.append(i)
    _check_no_writes(rec, n_inputs, start, len(rec.instrs))
    instrs = rec.instrs[start:]
    # the engine copies a leaf's first gradient (AccumulateGrad) and so did the trace's:
    # the replay hands over the gradient itself, and the real engine copies it once
    made_by = {ins.outs: ins for ins in instrs if type(ins.outs) is int}
    for i, slot in enumerate(grad_slots):
        ins = made_by.get(slot)
        if ins is not None and ins.kind == "method" and ins.fn == "copy" and \
                len(ins.args) == 1 and not ins.kwargs and ins.args[0].n >= n_inputs:
            grad_slots[i] = ins.args[0].n
    return instrs, seed_slot, grad_slots, got


def _check_unhooked(node):
    seen = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if n is None or id(n) in seen:
            continue
        seen.add(id(n))
        if n._hooked:
            raise GraphBreak("hooks on the graph the function builds")
        stack.extend(e[0] for e in n._next if e is not None)


_INPLACE_METHODS = {"fill", "sort", "put", "partition", "resize", "itemset", "setfield",
                    "byteswap"}


def _check_no_writes(rec, n_inputs, start, stop):
    """A traced backward of a function's result must leave the inputs as it found them."""
    if _first_write(rec, n_inputs, start, stop) is not None:
        raise GraphBreak("a backward that writes into the function's inputs")


_INPLACE_OPERATORS = set()
for _name in ("iadd", "isub", "imul", "itruediv", "ifloordiv", "imod", "ipow", "imatmul",
              "iand", "ior", "ixor", "ilshift", "irshift"):
    import operator as _operator
    _INPLACE_OPERATORS.add(getattr(_operator, _name))


def _substitute(v, proxies):
    if isinstance(v, Tensor):
        return proxies.get(id(v), v)
    tv = type(v)
    if tv is tuple or tv is list:
        return tv(_substitute(x, proxies) for x in v)
    if tv is dict:
        return {k: _substitute(x, proxies) for k, x in v.items()}
    return v


def _flatten_result(result):
    """The function's result as its tensors, its numbers computed from tensors (a step's
    `loss.item()`) and a function rebuilding it from the replay's values of those: tuples,
    lists and dicts of them and of constants (None, numbers, strings)."""
    tensors, numbers = [], []

    def spec(v):
        if isinstance(v, Tensor):
            tensors.append(v)
            return ("t", len(tensors) - 1)
        if type(v) is tracing.TracedScalar:
            numbers.append(v)
            return ("n", len(numbers) - 1)
        if type(v) in (tuple, list):
            return (type(v), [spec(x) for x in v])
        if type(v) is dict:
            return (dict, {k: spec(x) for k, x in v.items()})
        if type(v) in _SIMPLE:
            return ("c", v)
        raise GraphBreak(f"a result of type {type(v).__name__}")
    shape = spec(result)

    def rebuild(tensor_results, number_results):
        def build(sp):
            kind, v = sp
            if kind == "t":
                return tensor_results[v]
            if kind == "n":
                return number_results[v]
            if kind == "c":
                return v
            if kind is dict:
                return {k: build(x) for k, x in v.items()}
            return kind(build(x) for x in v)
        return build(shape)
    return tensors, numbers, rebuild


# --- running a trace ----------------------------------------------------------------------

def _run(entry, tensors):
    everything = tensors + entry.externals
    if entry.grad_owners:
        everything += [t._grad for t in entry.grad_owners]
    arrays = [t._data for t in everything]
    outs, saved = entry.forward(*arrays)
    n = len(entry.spent)
    results = [_wrap(outs[k]) for k in range(n)]
    numbers = outs[n:n + entry.n_numbers]
    for i, k in entry.grad_effects:
        everything[i]._grad = None if k is None else _wrap(outs[k])
    for i, delta in entry.bumps:
        t = everything[i]
        if t._vc is None:
            t._vc = [delta]
        else:
            t._vc[0] += delta
    for r, spent in zip(results, entry.spent):
        if spent:
            node = _new_object(CompiledFunctionBackward)
            node._saved = _RELEASED
            r._requires_grad = True
            r._grad_fn = node
    if entry.has_backward and GradMode.enabled:
        node = _new_object(CompiledFunctionBackward)
        node._seq = next_seq()
        node._next = [_edge_of(everything[i]) for i in entry.leaves]
        node._saved = saved
        node._program = entry.backward
        watched = []
        for i in entry.saved_inputs:
            t = everything[i]
            vc = t._vc
            watched.append((t, vc[0] if vc is not None else 0))
        node._watched = watched
        out = results[entry.grad_output]
        out._requires_grad = True
        out._grad_fn = node
    return entry.structure(results, numbers)


def _edge_of(t):
    global _edge_of
    from .._ops._core import _edge as _edge_of
    return _edge_of(t)


class CompiledFunctionBackward(Node):
    """The backward of a compiled function's result: the traced backward, replayed."""

    def backward(self, grad):
        saved = self._saved
        if saved is _RELEASED:
            raise RuntimeError(_FREED_MESSAGE)
        for t, version in self._watched:
            now = t._vc[0] if t._vc is not None else 0
            if now != version:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified "
                    f"by an inplace operation: [{t.type()} {list(t.shape)}] is at version "
                    f"{now}; expected version {version} instead.")
        return [_wrap(g) for g in self._program(grad._data, *saved)[0]]

    def _release(self):
        self._saved = _RELEASED


def reset():
    for c in _ALL_COMPILED:
        c.reset()


def compile_model(model, fullgraph=False):
    """torch.compile's work: a CompiledFunction, or for a module an OptimizedModule."""
    from ..nn.modules.module import Module
    if isinstance(model, Module):
        return _optimized_module(model, fullgraph)
    if not callable(model):
        raise RuntimeError("torch.compile() expects a function or an nn.Module")
    return CompiledFunction(model, fullgraph)


def _optimized_module(module, fullgraph):
    from ..nn.modules.module import Module

    class OptimizedModule(Module):
        """torch's wrapper of a compiled module: calls run the compiled forward; the
        module itself is `_orig_mod` (its state_dict keys gain that prefix, as torch's)."""

        def __init__(self, mod):
            super().__init__()
            self._orig_mod = mod
            object.__setattr__(self, "_compiled_forward",
                               CompiledFunction(mod.forward, fullgraph))

        def forward(self, *args, **kwargs):
            return self._compiled_forward(*args, **kwargs)

        def __getattr__(self, name):
            try:
                return super().__getattr__(name)
            except AttributeError:
                return getattr(self._modules["_orig_mod"], name)

    return OptimizedModule(module)
