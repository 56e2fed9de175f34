"""torch.autograd: backward, grad, grad modes, custom Functions, gradcheck, functional."""
from .._tensor import Tensor
from . import graph
from .engine import run_backward
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,
                        no_grad, set_grad_enabled)

__all__ = ["backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
           "is_grad_enabled", "is_inference_mode_enabled", "graph", "Variable"]

# custom Functions, gradient checks, functional higher-order API
from . import function, functional
from .function import Function
from .gradcheck import gradcheck, gradgradcheck

__all__ += ["Function", "function", "functional", "gradcheck", "gradgradcheck"]

from .anomaly_mode import detect_anomaly, set_detect_anomaly  # noqa: E402

__all__ += ["detect_anomaly", "set_detect_anomaly"]

Variable = Tensor


def _as_tuple(x):
    if x is None:
        return None
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _make_grads(outputs, grads):
    """The seed gradients: given ones, or ones for scalar outputs."""
    from .._ops.creation import ones_like
    result = []
    for i, (out, g) in enumerate(zip(outputs, grads)):
        if g is None:
            if out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if out._data.dtype.kind not in "fc":
                raise RuntimeError(f"grad can be implicitly created only for real scalar "
                                   f"outputs but got {out.dtype}")
            g = ones_like(out)
        elif not isinstance(g, Tensor):
            from .._ops.creation import tensor
            g = tensor(g, dtype=out.dtype)
        elif g._data.shape != out._data.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                               f"{g.shape} and output[{i}] has a shape of {out.shape}.")
        result.append(g)
    return result


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None):
    """Accumulate the gradients of `tensors` into the leaves' `.grad`."""
    tensors = _as_tuple(tensors)
    grads = _as_tuple(grad_tensors) if grad_tensors is not None else (None,) * len(tensors)
    if len(grads) != len(tensors):
        raise RuntimeError(f"got {len(grads)} tensors and {len(tensors)} gradients")
    if retain_graph is None:
        retain_graph = create_graph
    inputs = _as_tuple(inputs)
    if inputs is not None and len(inputs) == 0:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    grads = _make_grads(tensors, grads)
    run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs, capture=False)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of `outputs` with respect to `inputs`, without touching `.grad`."""
    single = isinstance(inputs, Tensor)
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    else:
        grad_outputs = _as_tuple(grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    for i, t in enumerate(outputs):
        if not t._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have "
                               "a grad_fn")
    grads = _make_grads(outputs, grad_outputs)
    results = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs,
                           capture=True, allow_unused=allow_unused)
    if materialize_grads:
        from .._ops.creation import zeros_like
        results = [zeros_like(x) if r is None else r for r, x in zip(results, inputs)]
    del single
    return tuple(results)
