"""torch.utils.checkpoint: trade compute for memory.  A checkpointed function keeps none
of its intermediate results for backward; backward runs it again to get them.

- `use_reentrant=False` (what torch recommends): the function runs with autograd as
  usual, but every tensor its ops save is replaced by a number (saved_tensors_hooks);
  the first time backward needs one, the function is run again from its inputs (the
  random generator put back to where it was, so dropout draws the same masks) and the
  recomputed tensors stand in.  The graph and its node names are the function's own.
- `use_reentrant=True` (torch's old default): one node, CheckpointFunctionBackward,
  whose backward reruns the function with autograd and backpropagates through it; as
  torch's, its result needs grad only when an input does.
"""
import contextlib
import warnings

import taimatsu as _tm
from ..autograd.function import Function
from ..autograd.graph import saved_tensors_hooks

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError", "CheckpointFunction",
           "check_backward_validity", "detach_variable", "noop_context_fn"]

_EXPLICIT = ("the use_reentrant parameter should be passed explicitly. Starting in PyTorch "
             "2.9, calling checkpoint without use_reentrant will raise an exception. "
             "use_reentrant=False is recommended, but if you need to preserve the current "
             "default behavior, you can pass use_reentrant=True. Refer to docs for more "
             "details on the differences between the two variants.")


class CheckpointError(RuntimeError):
    """The recomputation did not save what the first run saved."""


def noop_context_fn():
    return contextlib.nullcontext(), contextlib.nullcontext()


def detach_variable(inputs):
    """The tensors of `inputs` detached, each requiring grad as the original does."""
    if not isinstance(inputs, tuple):
        raise RuntimeError("Only tuple of tensors is supported. Got Unsupported input type: "
                           f"{type(inputs).__name__}")
    out = []
    for inp in inputs:
        if not isinstance(inp, _tm.Tensor):
            out.append(inp)
            continue
        x = inp.detach()
        x.requires_grad = inp.requires_grad
        out.append(x)
    return tuple(out)


def check_backward_validity(inputs):
    if not any(isinstance(inp, _tm.Tensor) and inp.requires_grad for inp in inputs):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None",
                      stacklevel=3)


@contextlib.contextmanager
def _rng_at(state):
    """Run with the default generator at `state` (None: as it is), then put it back."""
    if state is None:
        yield
        return
    now = _tm.get_rng_state()
    _tm.set_rng_state(state)
    try:
        yield
    finally:
        _tm.set_rng_state(now)


class CheckpointFunction(Function):
    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        check_backward_validity(args)
        ctx.run_function = run_function
        ctx.rng_state = _tm.get_rng_state() if preserve_rng_state else None
        ctx.inputs = [None if isinstance(a, _tm.Tensor) else a for a in args]
        ctx.tensor_indices = [i for i, a in enumerate(args) if isinstance(a, _tm.Tensor)]
        ctx.save_for_backward(*(a for a in args if isinstance(a, _tm.Tensor)))
        with _tm.no_grad():
            return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        inputs = list(ctx.inputs)
        for i, t in zip(ctx.tensor_indices, ctx.saved_tensors):
            inputs[i] = t
        detached = detach_variable(tuple(inputs))
        with _rng_at(ctx.rng_state), _tm.enable_grad():
            outputs = ctx.run_function(*detached)
        if isinstance(outputs, _tm.Tensor):
            outputs = (outputs,)
        pairs = [(o, g) for o, g in zip(outputs, grads)
                 if isinstance(o, _tm.Tensor) and o.requires_grad]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is "
                               "not necessary")
        _tm.autograd.backward([o for o, _ in pairs], [g for _, g in pairs])
        return (None, None) + tuple(x.grad if isinstance(x, _tm.Tensor) else None
                                    for x in detached)


def _without_reentrant(function, preserve_rng_state, context_fn, args, kwargs):
    forward_ctx, recompute_ctx = context_fn()
    state = _tm.get_rng_state() if preserve_rng_state else None
    count = [0]
    recomputed = []

    def pack(tensor):
        count[0] += 1
        return count[0] - 1  # (the tensor itself is dropped: that is the saving)

    def unpack(index):
        if not recomputed:
            def keep(tensor):
                recomputed.append(tensor.detach())

            def refuse(_):
                raise CheckpointError("torch.utils.checkpoint: a tensor saved during the "
                                      "recomputation was read")
            inputs = detach_variable(tuple(args))
            with _rng_at(state), _tm.enable_grad(), saved_tensors_hooks(keep, refuse), \
                    recompute_ctx:
                function(*inputs, **kwargs)
            if len(recomputed) != count[0]:
                raise CheckpointError(
                    "torch.utils.checkpoint: A different number of tensors was saved during "
                    f"the original forward and recomputation.\nNumber of tensors saved during "
                    f"forward: {count[0]}\nNumber of tensors saved during recomputation: "
                    f"{len(recomputed)}.")
        return recomputed[index]

    with saved_tensors_hooks(pack, unpack), forward_ctx:
        return function(*args, **kwargs)


def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn,
               determinism_check="default", debug=False, early_stop=True, **kwargs):
    """function(*args, **kwargs), its intermediate results recomputed in backward."""
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint: " + _EXPLICIT, stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when "
                             "use_reentrant=False.")
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        return CheckpointFunction.apply(function, preserve, *args)
    return _without_reentrant(function, preserve, context_fn, args, kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Run `functions` (a Sequential or a list of modules) in `segments` pieces, each but
    the last checkpointed."""
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint.checkpoint_sequential: the use_reentrant "
                      "parameter should be passed explicitly. In version 2.9 we will raise an "
                      "exception if use_reentrant is not passed. use_reentrant=False is "
                      "recommended, but if you need to preserve the current default behavior, "
                      "you can pass use_reentrant=True. Refer to docs for more details on the "
                      "differences between the two variants.", stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))

    def run(start, end):
        def forward(x):
            for j in range(start, end + 1):
                x = functions[j](x)
            return x
        return forward

    if isinstance(functions, _tm.nn.Sequential):
        functions = list(functions.children())
    size = len(functions) // segments
    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve)
    return run(end + 1, len(functions) - 1)(input)
