"""torch.autograd.Function: user-defined ops with a hand-written backward.

`MyFn.apply(*args)` runs `MyFn.forward(ctx, *args)` without recording, then makes
its tensor outputs the outputs of one node, an instance of `MyFnBackward` (made
for each subclass).  That node *is* the `ctx` the forward saw, so what forward
stores on it (saved tensors, attributes) is there when the engine calls its
`backward`, which hands the gradients to `MyFn.backward(ctx, *grads)`.  Saved
inputs keep their graph, so a backward written in differentiable ops can itself
be differentiated (`create_graph=True`).
"""
import functools
import warnings

from .._tensor import Tensor, _wrap
from .grad_mode import GradMode, no_grad
from .graph import Node, SavedOutput, accumulator_of, next_seq
from . import graph as _graph

__all__ = [
    "BackwardCFunction",
    "Function",
    "FunctionCtx",
    "InplaceFunction",
    "once_differentiable",
]


class FunctionCtx:
    """What `forward` (or `setup_context`) may tell the backward."""

    def save_for_backward(self, *tensors):
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("save_for_backward can only save variables, but argument "
                                f"{tensors.index(t)} is of type {type(t).__name__}")
        self.to_save = tensors

    def save_for_forward(self, *tensors):
        self.saved_for_forward = tensors

    def mark_dirty(self, *args):
        self.dirty_tensors = args

    def mark_non_differentiable(self, *args):
        self.non_differentiable = args

    def set_materialize_grads(self, value):
        self.materialize_grads = value


class BackwardCFunction(Node, FunctionCtx):
    """The node of one `apply`; subclassed per Function as `<Name>Backward`."""

    _forward_cls = None
    to_save = None
    dirty_tensors = None
    non_differentiable = None
    materialize_grads = True
    needs_input_grad = ()
    _out_meta = ()

    @property
    def saved_tensors(self):
        return tuple(self.saved())

    saved_variables = saved_tensors

    def backward(self, grads):
        grads = [grads] if self._n_outputs == 1 else list(grads)
        if self.materialize_grads:
            grads = [_zeros(meta) if g is None and meta is not None else g
                     for g, meta in zip(grads, self._out_meta)]
        fn = self._forward_cls
        user_backward = fn.vjp if fn.backward is Function.backward else fn.backward
        result = user_backward(self, *grads)
        return self._check_grads(result)

    def apply(self, *grads):
        return self._forward_cls.backward(self, *grads)

    def _check_grads(self, result):
        if not isinstance(result, tuple):
            result = (result,)
        n = len(self._next)
        if len(result) != n:
            if len(result) > n and all(r is None for r in result[n:]):
                result = result[:n]
            else:
                raise RuntimeError(f"function {self.name()} returned an incorrect number of "
                                   f"gradients (expected {n}, got {len(result)})")
        checked = []
        for i, (g, meta) in enumerate(zip(result, self._in_meta)):
            if meta is None or g is None:
                checked.append(None)
                continue
            if not isinstance(g, Tensor):
                raise TypeError(f"function {self.name()} returned a gradient different than "
                                f"None at position {i + 1}, but the corresponding forward "
                                "input was not a Variable")
            if g._data.shape != meta[0] and not _expandable(meta[0], g._data.shape):
                raise RuntimeError(f"Function {self.name()} returned an invalid gradient at "
                                   f"index {i} - got {list(g._data.shape)} but expected shape "
                                   f"compatible with {list(meta[0])}")
            checked.append(g)
        return tuple(checked)


def _expandable(shape, target):
    if len(shape) > len(target):
        return False
    for s, t in zip(reversed(shape), reversed(target)):
        if s != t and s != 1:
            return False
    return True


def _zeros(meta):
    from .._backend import numpy as np
    shape, dtype = meta
    return _wrap(np.zeros(shape, dtype))


class Function(FunctionCtx):
    """Subclass with static `forward(ctx, *args)` and `backward(ctx, *grads)` (or
    `forward(*args)` plus `setup_context(ctx, inputs, output)`), call with `apply`."""

    _backward_cls = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._backward_cls = type(cls.__name__ + "Backward", (BackwardCFunction,),
                                 {"_forward_cls": cls, "__module__": __name__})

    def __init__(self, *args, **kwargs):
        warnings.warn(
            f"{type(self)} should not be instantiated. Methods on autograd functions are all "
            "static, so you should invoke them on the class itself. Instantiating an autograd "
            "function will raise an error in a future version of PyTorch.",
            DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please "
            "use new-style autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward "
                                  "mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError("You must implement the jvp function for custom "
                                  "autograd.Function to use it with forward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        if cls._backward_cls is None:
            raise RuntimeError("autograd.Function.apply must be called on a subclass")
        ctx = object.__new__(cls._backward_cls)
        ctx._seq = next_seq()
        recording = GradMode.enabled and any(
            isinstance(a, Tensor) and a._requires_grad for a in args)
        ctx.needs_input_grad = tuple(recording and isinstance(a, Tensor) and a._requires_grad
                                     for a in args)
        with no_grad():
            if cls.setup_context is not Function.setup_context:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
            else:
                output = cls.forward(ctx, *args, **kwargs)
        if not recording:
            return output
        return _connect(ctx, args, output)


def _connect(ctx, args, output):
    """Make the forward's tensor outputs the outputs of `ctx`, whose edges lead to the
    tensor arguments."""
    edges, meta = [], []
    for a in args:
        if isinstance(a, Tensor) and a._requires_grad:
            fn = a._grad_fn
            edges.append((fn, a._output_nr) if fn is not None else (accumulator_of(a), 0))
            meta.append((a._data.shape, a._data.dtype))
        else:
            edges.append(None)
            meta.append(None)
    ctx._next = edges
    ctx._in_meta = meta
    is_tuple = isinstance(output, tuple)
    outputs = list(output) if is_tuple else [output]
    dirty = ctx.dirty_tensors or ()
    non_diff = ctx.non_differentiable or ()
    ctx._n_outputs = len(outputs)
    out_meta = []
    for i, o in enumerate(outputs):
        if not isinstance(o, Tensor):
            out_meta.append(None)
            continue
        out_meta.append((o._data.shape, o._data.dtype))
        if any(o is d for d in dirty):
            _check_dirty(o)
        elif any(o is a for a in args) or o._grad_fn is not None:
            # an input handed back as it is: the output is a fresh alias of it
            from .._ops.shape import make_view
            o = outputs[i] = make_view(o, o._data.view())
        if any(o is n for n in non_diff) or o._data.dtype.kind not in "fc":
            o._requires_grad = False
            continue
        o._requires_grad = True
        o._grad_fn = ctx
        o._output_nr = i
    ctx._out_meta = out_meta
    if _graph.ANOMALY:
        _graph.remember_forward(ctx)
    if ctx.to_save is not None:
        ctx._store([_saved(t, outputs, output) for t in ctx.to_save])
        if _graph.HOOKS:
            _graph.pack_saved(ctx)
    return tuple(outputs) if is_tuple else outputs[0]


def _check_dirty(t):
    if t._grad_fn is None and t._requires_grad:
        raise RuntimeError("a leaf Variable that requires grad has been used in an in-place "
                           "operation.")


def _saved(t, outputs, original):
    """An output saved for backward is stored without its node (no reference cycle)."""
    originals = original if isinstance(original, tuple) else (original,)
    for o, orig in zip(outputs, originals):
        if t is orig and isinstance(o, Tensor) and o._grad_fn is not None:
            return SavedOutput(o)
    return t


class InplaceFunction(Function):
    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace


class DelayedError(Node):
    """Stands for the backward of a once_differentiable backward: differentiating it
    again is an error, raised only if someone tries."""

    def backward(self, grad):
        raise RuntimeError(self.message)


def once_differentiable(fn):
    """Run a Function's backward without recording: its result cannot be differentiated
    again (doing so raises)."""

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            outputs = fn(ctx, *args)
        if not GradMode.enabled:
            return outputs
        inputs = tuple(a for a in args if isinstance(a, Tensor) and a._requires_grad)
        if not inputs:
            return outputs
        single = not isinstance(outputs, tuple)
        results = []
        for o in ((outputs,) if single else outputs):
            if isinstance(o, Tensor):
                from .._ops._core import record
                o = _wrap(o._data)
                record(DelayedError, inputs, o, message=(
                    "trying to differentiate twice a function that was marked with "
                    "@once_differentiable"))
            results.append(o)
        return results[0] if single else tuple(results)

    return wrapper
