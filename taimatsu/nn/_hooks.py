"""Full backward hooks on modules: identity nodes around a module's inputs and outputs.

The node on the outputs sees the gradients w.r.t. the module's outputs; the node
on the inputs sees those w.r.t. its inputs and calls the hooks with both, as
torch's BackwardHook does.
"""
from .._ops._core import record
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import GradMode
from ..autograd.graph import Node


class BackwardHookFunctionBackward(Node):
    def backward(self, grads):
        single = self._n_outputs == 1
        grads = (grads,) if single else tuple(grads)
        result = self.callback(grads)
        return result


def _alias_tensors(tensors, callback):
    """Identity outputs for `tensors` (those requiring grad), all from one node."""
    outs = []
    for t in tensors:
        o = _wrap(t._data)
        o._vc = t._get_vc()
        outs.append(o)
    if len(outs) == 1:
        record(BackwardHookFunctionBackward, tensors, outs[0], callback=callback)
    else:
        record(BackwardHookFunctionBackward, tensors, tuple(outs), callback=callback)
    return outs


def _tensor_positions(values):
    return [i for i, v in enumerate(values)
            if isinstance(v, Tensor) and v._requires_grad]


class BackwardHook:
    def __init__(self, module, hooks, pre_hooks):
        self.module = module
        self.hooks = hooks
        self.pre_hooks = pre_hooks
        self.grad_outputs = None
        self.n_inputs = 0
        self.input_positions = None

    def _pack(self, positions, grads, size):
        packed = [None] * size
        for pos, g in zip(positions, grads):
            packed[pos] = g
        return tuple(packed)

    def setup_input_hook(self, args):
        self.n_inputs = len(args)
        positions = _tensor_positions(args)
        if not GradMode.enabled or not positions or not self.hooks:
            return args
        self.input_positions = positions

        def on_grad_inputs(grads):
            grad_inputs = self._pack(positions, grads, self.n_inputs)
            for hook in self.hooks:
                result = hook(self.module, grad_inputs, self.grad_outputs)
                if result is not None:
                    if not isinstance(result, tuple):
                        result = (result,)
                    if len(result) != len(grad_inputs):
                        raise RuntimeError(f"Backward hook returned an invalid number of grad_"
                                           f"input, got {len(result)}, but expected "
                                           f"{len(grad_inputs)}")
                    grad_inputs = result
            return tuple(grad_inputs[p] for p in positions)
        outs = _alias_tensors([args[p] for p in positions], on_grad_inputs)
        new_args = list(args)
        for p, o in zip(positions, outs):
            new_args[p] = o
        return tuple(new_args)

    def setup_output_hook(self, result):
        single = isinstance(result, Tensor)
        values = (result,) if single else result
        if not isinstance(values, tuple):
            return result
        positions = _tensor_positions(values)
        if not GradMode.enabled or not positions:
            return result
        n_outputs = len(values)

        def on_grad_outputs(grads):
            grad_outputs = self._pack(positions, grads, n_outputs)
            for hook in self.pre_hooks:
                new = hook(self.module, grad_outputs)
                if new is not None:
                    grad_outputs = new if isinstance(new, tuple) else (new,)
            self.grad_outputs = grad_outputs
            if self.input_positions is None:
                for hook in self.hooks:
                    if hook(self.module, (None,) * self.n_inputs, grad_outputs) is not None:
                        raise RuntimeError("Backward hook for Modules where no input requires "
                                           "gradient should always return None or None for "
                                           "all gradients.")
            return tuple(grad_outputs[p] for p in positions)
        outs = _alias_tensors([values[p] for p in positions], on_grad_outputs)
        new_values = list(values)
        for p, o in zip(positions, outs):
            new_values[p] = o
        return new_values[0] if single else tuple(new_values)
