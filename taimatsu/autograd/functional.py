"""torch.autograd.functional: Jacobians, Hessians and their products with vectors, built
on autograd.grad.  Forward-mode products (jvp, hvp) use the double-backward trick:
the vjp is linear in v, so differentiating it with respect to v gives the jvp."""
from .._tensor import Tensor
from .grad_mode import enable_grad

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]


def _as_tuple(x, arg_name, fn_name):
    is_tuple = isinstance(x, tuple)
    items = x if is_tuple else (x,)
    for i, el in enumerate(items):
        if not isinstance(el, Tensor):
            if is_tuple:
                raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or "
                                f"a tuple of Tensors but the value at index {i} has type "
                                f"{type(el)}.")
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a "
                            f"tuple of Tensors but the given {arg_name} has type {type(el)}.")
    return is_tuple, items


def _grad_preprocess(inputs, create_graph):
    """Fresh leaves (or, to build a graph through them, aliases) of the inputs."""
    if create_graph:
        return tuple(x.view_as(x) if x._requires_grad else x.detach().requires_grad_()
                     for x in inputs)
    return tuple(x.detach().requires_grad_() for x in inputs)


def _grad_postprocess(values, create_graph):
    if create_graph:
        return values
    return tuple(None if v is None else v.detach() for v in values)


def _tuple_back(values, is_tuple):
    return values if is_tuple else values[0]


def _grad(outputs, inputs, grad_outputs, create_graph, retain_graph=None):
    from . import grad
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o._requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return grad([o for o, _ in pairs], inputs, [g for _, g in pairs],
                retain_graph=retain_graph if retain_graph is not None else create_graph,
                create_graph=create_graph, allow_unused=True)


def _fill_zeros(grads, refs, strict, create_graph, stage):
    from .._ops.creation import zeros_like
    result = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(_strict_message(stage, i))
            g = zeros_like(ref)
        elif strict and create_graph and not g._requires_grad:
            raise RuntimeError(f"The jacobian of the user-provided function is independent "
                               f"of input {i}. This is not allowed in strict mode when "
                               "create_graph=True.")
        result.append(g)
    return tuple(result)


def _strict_message(stage, i):
    if stage == "back":
        return (f"The output of the user-provided function is independent of input {i}. "
                "This is not allowed in strict mode.")
    if stage == "back_trick":
        return (f"The gradient with respect to the input is independent of entry {i} in the "
                "grad_outputs when using the double backward trick to compute forward mode "
                "gradients. This is not allowed in strict mode.")
    return (f"The jacobian of the user-provided function is independent of input {i}. This "
            "is not allowed in strict mode.")


def _check_v(v, refs, fn_name, what):
    _, v = _as_tuple(v, "v", fn_name)
    if len(v) != len(refs):
        raise RuntimeError(f"v is a tuple of invalid length: should be {len(refs)} but got "
                           f"{len(v)}.")
    for i, (vi, r) in enumerate(zip(v, refs)):
        if vi._data.shape != r._data.shape:
            raise RuntimeError(f"Entry {i} in v has invalid size: should be {r.shape} but got "
                               f"{vi.shape}.")
    return v


def _outputs(func, inputs, fn_name):
    outputs = func(*inputs)
    return _as_tuple(outputs, "outputs of the user-provided function", fn_name)


def _check_requires_grad(outputs, strict, what="outputs"):
    if not strict:
        return
    for i, o in enumerate(outputs):
        if not o._requires_grad:
            raise RuntimeError(f"Output {i} of the user-provided function does not require "
                               "gradients. The outputs must be computed in a differentiable "
                               "manner from the input when running in strict mode.")


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T J)."""
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _grad_preprocess(inputs, create_graph)
        out_tuple, outputs = _outputs(func, inputs, "vjp")
        _check_requires_grad(outputs, strict)
        if v is None:
            if out_tuple or outputs[0]._data.size != 1:
                raise RuntimeError("The vector v can only be None if the user-provided "
                                   "function returns a single Tensor with a single element.")
            from .._ops.creation import ones_like
            v = (ones_like(outputs[0]),)
        else:
            v = _check_v(v, outputs, "vjp", "outputs")
        grads = _grad(outputs, inputs, v, create_graph)
        result = _fill_zeros(grads, inputs, strict, create_graph, "back")
    outputs = _grad_postprocess(outputs, create_graph)
    result = _grad_postprocess(result, create_graph)
    return _tuple_back(outputs, out_tuple), _tuple_back(result, in_tuple)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v), by differentiating a vjp with respect to its vector."""
    from .._ops.creation import zeros_like
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _grad_preprocess(inputs, create_graph)
        if v is None:
            if in_tuple or inputs[0]._data.size != 1:
                raise RuntimeError("The vector v can only be None if the input to the "
                                   "user-provided function is a single Tensor with a single "
                                   "element.")
            from .._ops.creation import ones_like
            v = (ones_like(inputs[0]),)
        else:
            v = _check_v(v, inputs, "jvp", "inputs")
        out_tuple, outputs = _outputs(func, inputs, "jvp")
        _check_requires_grad(outputs, strict)
        dummies = tuple(zeros_like(o).requires_grad_() for o in outputs)
        grads = _grad(outputs, inputs, dummies, create_graph=True)
        grads = _fill_zeros(grads, inputs, strict, create_graph, "back")
        pairs = [(g, vi) for g, vi in zip(grads, v) if g._requires_grad]
        if pairs:
            from . import grad
            result = grad([g for g, _ in pairs], dummies, [vi for _, vi in pairs],
                          create_graph=create_graph, allow_unused=True)
        else:
            result = (None,) * len(dummies)
        result = _fill_zeros(result, outputs, strict, create_graph, "back_trick")
    outputs = _grad_postprocess(outputs, create_graph)
    result = _grad_postprocess(result, create_graph)
    return _tuple_back(outputs, out_tuple), _tuple_back(result, out_tuple)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """d outputs / d inputs: for each output and input, a tensor of shape
    output.shape + input.shape (one backward pass per output element)."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode". '
                         "Hint: If your function has more outputs than inputs, "
                         '"forward-mode" tends to be more performant. Otherwise, prefer to use '
                         '"reverse-mode".')
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _grad_preprocess(inputs, create_graph)
        out_tuple, outputs = _outputs(func, inputs, "jacobian")
        _check_requires_grad(outputs, strict)
        jac = tuple(_jacobian_of(out, i, inputs, create_graph, strict)
                    for i, out in enumerate(outputs))
    jac = tuple(_grad_postprocess(row, create_graph) for row in jac)
    rows = tuple(_tuple_back(row, in_tuple) for row in jac)
    return _tuple_back(rows, out_tuple)


def _jacobian_of(out, out_index, inputs, create_graph, strict):
    from .._backend import numpy as np
    from .._ops.creation import zeros
    from .._ops.join import stack
    from .._tensor import _wrap
    n = out._data.size
    per_input = [[] for _ in inputs]
    for k in range(n):
        seed = np.zeros(n, dtype=out._data.dtype)
        seed[k] = 1
        grads = _grad((out,), inputs, (_wrap(seed.reshape(out._data.shape)),), create_graph,
                      retain_graph=True)
        for i, (g, x) in enumerate(zip(grads, inputs)):
            if g is None:
                if strict:
                    raise RuntimeError(f"Output {out_index} of the user-provided function is "
                                       f"independent of input {i}. This is not allowed in "
                                       "strict mode.")
                g = zeros(x._data.shape, dtype=x.dtype)
            per_input[i].append(g)
    result = []
    for x, rows in zip(inputs, per_input):
        shape = tuple(out._data.shape) + tuple(x._data.shape)
        if not rows:
            result.append(zeros(shape, dtype=x.dtype))
        else:
            result.append(stack(rows).reshape(shape))
    return tuple(result)


def _single_output(func, fn_name):
    def wrapped(*inputs):
        out = func(*inputs)
        is_tuple, t = _as_tuple(out, "outputs of the user-provided function", fn_name)
        if is_tuple and len(t) != 1:
            raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
        if t[0]._data.size != 1:
            raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should "
                               "contain a single element")
        return t[0].reshape(())
    return wrapped


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The matrix of second derivatives of a scalar function."""
    in_tuple, inputs_t = _as_tuple(inputs, "inputs", "hessian")
    scalar = _single_output(func, "hessian")

    def gradient(*inp):
        return jacobian(scalar, inp, create_graph=True, strict=strict)

    result = jacobian(gradient, inputs_t, create_graph=create_graph, strict=strict)
    if not in_tuple:
        return result[0][0]
    return result


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T H)."""
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", "vhp")
        inputs = _grad_preprocess(inputs, create_graph)
        outputs = _single_output(func, "vhp")(*inputs)
        v = _vhp_vector(v, inputs, in_tuple, "vhp")
        _check_requires_grad((outputs,), strict)
        from .._ops.creation import ones_like
        grads = _grad((outputs,), inputs, (ones_like(outputs),), create_graph=True)
        grads = _fill_zeros(grads, inputs, strict, create_graph, "back")
        pairs = [(g, vi, x) for g, vi, x in zip(grads, v, inputs) if g._requires_grad]
        from . import grad
        result = grad([g for g, _, _ in pairs], inputs, [vi for _, vi, _ in pairs],
                      create_graph=create_graph, allow_unused=True) if pairs else \
            (None,) * len(inputs)
        result = _fill_zeros(result, inputs, strict, create_graph, "double_back")
    outputs = _grad_postprocess((outputs,), create_graph)[0]
    return outputs, _tuple_back(_grad_postprocess(result, create_graph), in_tuple)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v); the Hessian of a twice-differentiable function is symmetric,
    so this is v^T H transposed."""
    return vhp(func, inputs, v, create_graph, strict)


def _vhp_vector(v, inputs, in_tuple, fn_name):
    if v is None:
        if in_tuple or inputs[0]._data.size != 1:
            raise RuntimeError("The vector v can only be None if the input to the "
                               "user-provided function is a single Tensor with a single "
                               "element.")
        from .._ops.creation import ones_like
        return (ones_like(inputs[0]),)
    return _check_v(v, inputs, fn_name, "inputs")
