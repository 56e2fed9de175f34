"""The nodes of the backward graph.

Every differentiable op has a Node subclass named as PyTorch names it
(`MulBackward0`), whose `backward` holds the chain rule written with taimatsu's
own tensor ops.  A node created by an op stores:

- `_next`: one edge per tensor input, `(node, output_nr)` or None where the input
  does not require grad;
- `_in_meta`: the shape and numpy dtype of each input, so that the engine (not
  the op author) reduces broadcast gradients and casts them back;
- `_saved`: what its backward reads, checked against version counters when read.
"""
import itertools
import weakref

__all__ = ["Node", "AccumulateGrad", "saved_tensors_hooks", "save_on_cpu"]

_FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward.")

_HINT = ("Hint: enable anomaly detection to find the operation that failed to compute its "
         "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")

_RELEASED = object()


class SavedOutput:
    """An op's output saved for its own backward.  Holding the tensor itself would make
    a cycle (tensor -> grad_fn -> tensor) that only the garbage collector could break,
    so the array is kept and the tensor rebuilt, pointing at its node, when read."""

    __slots__ = ("data", "vc", "version", "output_nr")
    _vc = None  # not a tensor's counter: Node._store reads it without a failed getattr

    def __init__(self, tensor):
        self.data = tensor._data
        self.vc = tensor._get_vc()
        self.version = self.vc[0]
        self.output_nr = tensor._output_nr


# torch's sequence numbers: each node gets the next one when it is created, so a node's
# number is greater than those of the nodes its inputs came from; the engine runs nodes
# from the greatest number down, which is the order torch's engine runs them in, and so
# sums the gradients a tensor receives from several ops in torch's order
next_seq = itertools.count(1).__next__


class Node:
    """A backward function.  Subclasses set `backward(self, grad)` and return one
    gradient (or None) per input."""

    _next = ()
    _in_meta = None       # per input: (shape, dtype) where it differs from the output's
    _saved = None
    _saved_versions = None
    _n_outputs = 1
    _tensor_pre_hooks = None
    _pre_hooks = None
    _post_hooks = None
    _hooked = False       # any of the three: the engine's plain path checks only this
    _unpack = None        # the unpack hook of saved values packed by saved_tensors_hooks
    _seq = 0              # 0: made without a number (the engine takes its general path)

    def name(self):
        return type(self).__name__

    @property
    def next_functions(self):
        return tuple(e if e is not None else (None, 0) for e in self._next)

    @property
    def metadata(self):
        md = self.__dict__.get("_metadata")
        if md is None:
            md = self._metadata = {}
        return md

    @property
    def requires_grad(self):
        return True

    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) after the node ran."""
        if self._post_hooks is None:
            self._post_hooks = []
        self._hooked = True
        self._post_hooks.append(fn)
        return _RemovableHandle(self._post_hooks, fn)

    def register_prehook(self, fn):
        """fn(grad_outputs) before the node runs; may return replacement grads."""
        if self._pre_hooks is None:
            self._pre_hooks = []
        self._hooked = True
        self._pre_hooks.append(fn)
        return _RemovableHandle(self._pre_hooks, fn)

    def _add_tensor_hook(self, output_nr, fn):
        if self._tensor_pre_hooks is None:
            self._tensor_pre_hooks = {}
        self._hooked = True
        hooks = self._tensor_pre_hooks.setdefault(output_nr, [])
        hooks.append(fn)
        return _RemovableHandle(hooks, fn)

    # saved values -------------------------------------------------------------------
    def _store(self, values):
        self._saved = values
        # a tensor without a version counter has never been modified: version 0
        versions = []
        for v in values:
            vc = getattr(v, "_vc", None)
            versions.append(vc[0] if vc is not None else None)
        self._saved_versions = versions

    def saved(self):
        """The saved values, as tensors; refuses freed or modified-in-place ones."""
        values = self._saved
        if values is _RELEASED:
            raise RuntimeError(_FREED_MESSAGE)
        if values is None:
            return ()
        if self._unpack is not None:  # saved under saved_tensors_hooks: packed
            unpack = self._unpack
            return [unpack(v.value) if type(v) is _Packed else v for v in values]
        out = []
        for v, version in zip(values, self._saved_versions):
            if type(v) is SavedOutput:
                if v.vc[0] != v.version:
                    self._raise_modified(v.data, v.vc[0], v.version, self)
                v = _rebuild_output(v, self)
            elif version is not None or getattr(v, "_vc", None) is not None:
                now = v._vc[0] if v._vc is not None else 0
                if now != (version or 0):
                    self._raise_modified(v._data, now, version or 0, v._grad_fn)
            out.append(v)
        return out

    @staticmethod
    def _raise_modified(array, now, expected, producer):
        from .._dtype import legacy_type_name
        shape = list(array.shape)
        where = f", which is output 0 of {producer.name()}," if producer is not None else ""
        raise RuntimeError(
            "one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [{legacy_type_name(array)} {shape}]{where} is at version "
            f"{now}; expected version {expected} instead. {_HINT}")

    def _release(self):
        if self._saved is not None:
            self._saved = _RELEASED

    def __call__(self, *grads):
        return self.backward(grads[0] if self._n_outputs == 1 else list(grads))

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"


def _rebuild_output(saved, node):
    t = _new_tensor()
    t._data = saved.data
    t._vc = saved.vc
    t._requires_grad = True
    t._grad_fn = node
    t._output_nr = saved.output_nr
    return t


def _new_tensor():
    # graph.py is imported by _tensor.py, so the class is looked up at first use
    global _new_tensor
    from .._tensor import Tensor

    def _new_tensor():
        return object.__new__(Tensor)
    return _new_tensor()


# --- anomaly mode -------------------------------------------------------------------------

# non-empty while anomaly detection is on: [check_nan]; the record paths test `if ANOMALY:`
ANOMALY = []


def remember_forward(node):
    """Anomaly mode: the node keeps the traceback of the user's code that made it (the
    frames inside taimatsu left out), for the warning if its backward fails."""
    import traceback
    frames = [f for f in traceback.extract_stack()[:-2]
              if "/taimatsu/" not in f.filename.replace("\\", "/")]
    node._forward_trace = "".join(traceback.format_list(frames))


# --- saved_tensors_hooks ------------------------------------------------------------------

# the active (pack_hook, unpack_hook) pairs, innermost last; the ops' record paths test
# `if HOOKS:` once per recorded node (the list itself is never rebound)
HOOKS = []


class _Packed:
    """What a pack hook returned for one saved tensor (None and numbers stay as they are)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def pack_saved(node):
    """Run the innermost pack hook on each tensor `node` saves (an output saved by its
    own node is handed over as the tensor, as torch does); unpacking is `saved()`'s."""
    values = node._saved
    if values is None or values is _RELEASED:
        return
    pair = HOOKS.pop()  # (what the hook itself records is saved plainly, not packed)
    pack, unpack = pair
    packed = []
    try:
        for v in values:
            if type(v) is SavedOutput:
                packed.append(_Packed(pack(_rebuild_output(v, node))))
            elif v is not None and hasattr(v, "_data"):
                packed.append(_Packed(pack(v)))
            else:
                packed.append(v)
    finally:
        HOOKS.append(pair)
    node._saved = packed
    node._saved_versions = None
    node._unpack = unpack


class saved_tensors_hooks:
    """torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook): while active, a
    tensor an op saves for backward is stored as pack_hook(tensor), and backward reads
    unpack_hook(that) instead (checkpointing, offloading, compression)."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        HOOKS.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc):
        HOOKS.pop()


class save_on_cpu(saved_tensors_hooks):
    """torch.autograd.graph.save_on_cpu: saved tensors kept in host memory (a copy for a
    tensor on another device; on the cpu, the tensor itself), moved back for backward."""

    def __init__(self, pin_memory=False, device_type="cuda"):
        def pack(t):
            if t.device.type == "cpu":
                return (t.device, t)
            return (t.device, t.to("cpu"))

        def unpack(packed):
            device, t = packed
            return t if t.device == device else t.to(device)
        super().__init__(pack, unpack)


class AccumulateGrad(Node):
    """The sink of a leaf: adds the incoming gradient into `variable.grad`."""

    _seq = -1  # a sink: run after every node that feeds it (torch runs it when ready)

    def __init__(self, variable):
        self.variable = variable
        self._next = ()

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def accumulate(self, grad, create_graph):
        var = self.variable
        hooks = var._backward_hooks
        if hooks:
            for hook in list(hooks):
                new = hook(grad)
                if new is not None:
                    grad = new
        old = var._grad
        if old is None:
            if create_graph:
                var._grad = grad
            else:
                # the incoming gradient may be shared (AddBackward0 hands the same tensor to
                # both inputs) or a read-only broadcast view: the leaf gets its own copy
                var._grad = grad._detached_copy()
        elif create_graph or old._requires_grad:
            var._grad = old + grad
        else:
            old._data += grad._data
            old._bump_version()
        for hook in var._post_accumulate_hooks or ():
            hook(var)


class _RemovableHandle:
    __slots__ = ("_hooks", "_fn")

    def __init__(self, hooks, fn):
        self._hooks = hooks
        self._fn = fn

    def remove(self):
        if self._fn in self._hooks:
            self._hooks.remove(self._fn)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def accumulator_of(tensor):
    """The AccumulateGrad node of a leaf, shared by every graph that uses it (held
    weakly by the tensor, as torch does, so the leaf does not keep it alive)."""
    ref = tensor._accumulator
    node = ref() if ref is not None else None
    if node is None:
        node = AccumulateGrad(tensor)
        tensor._accumulator = weakref.ref(node)
    return node
