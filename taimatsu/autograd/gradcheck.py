"""gradcheck and gradgradcheck: analytical Jacobians (from backward) against numerical
ones (central differences), with torch's signatures, messages and failure modes."""
import warnings

from .._backend import numpy as np
from .._tensor import Tensor, _wrap

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]


class GradcheckError(RuntimeError):
    """Raised by gradcheck and gradgradcheck when a check fails."""


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _differentiable_outputs(outputs):
    return [o for o in outputs if isinstance(o, Tensor) and o._requires_grad]


def _numerical_jacobian(func, inputs, wrt, outputs, eps):
    """jac[i][j]: d output j / d input wrt[i], shape (numel_in, numel_out)."""
    jacobians = []
    for i in wrt:
        x = inputs[i]
        data = x._data
        cols = [np.zeros((data.size, o._data.size), dtype=np.float64) for o in outputs]
        for k in range(data.size):
            idx = np.unravel_index(k, data.shape)
            old = data[idx]
            data[idx] = old + eps
            plus = _evaluate(func, inputs)
            data[idx] = old - eps
            minus = _evaluate(func, inputs)
            data[idx] = old
            for j, (p, m) in enumerate(zip(plus, minus)):
                cols[j][k] = ((p - m) / (2 * eps)).reshape(-1)
        jacobians.append(cols)
    return jacobians


def _evaluate(func, inputs):
    # with grad enabled: the function may itself differentiate (gradgradcheck's does)
    outputs = _as_tuple(func(*inputs))
    return [np.array(o._data, dtype=np.float64) for o in outputs
            if isinstance(o, Tensor) and o._data.dtype.kind in "fc"]


def _analytical_jacobian(outputs, inputs, wrt):
    from . import grad
    diff_inputs = [inputs[i] for i in wrt]
    jacobians = [[np.zeros((inputs[i]._data.size, o._data.size), dtype=np.float64)
                  for o in outputs] for i in wrt]
    for j, out in enumerate(outputs):
        seed = np.zeros(out._data.size, dtype=out._data.dtype)
        for k in range(out._data.size):
            seed[:] = 0
            seed[k] = 1
            grads = grad(out, diff_inputs, _wrap(seed.reshape(out._data.shape).copy()),
                         retain_graph=True, allow_unused=True)
            for i, g in enumerate(grads):
                if g is not None:
                    jacobians[i][j][:, k] = np.asarray(g._data, dtype=np.float64).reshape(-1)
    return jacobians


def _format(matrix):
    from .._ops.creation import tensor
    return repr(tensor(matrix))


def _warn_precision(inputs):
    for idx, x in enumerate(inputs):
        if isinstance(x, Tensor) and x._requires_grad and \
                x._data.dtype not in (np.float64, np.complex128):
            warnings.warn(
                f"Input #{idx} requires gradient and is not a double precision floating point "
                "or complex. This check will likely fail if all the inputs are not of double "
                "precision floating point or complex. ", UserWarning, stacklevel=3)


def gradcheck(func, inputs, *, eps=1e-06, atol=1e-05, rtol=0.001, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False,
              check_forward_ad=False, check_backward_ad=True, fast_mode=False, masked=None):
    """True if the gradients computed by backward match central differences."""
    inputs = _as_tuple(inputs)
    wrt = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x._requires_grad]
    if not wrt:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, "
                         "but none of them have requires_grad=True.")
    _warn_precision(inputs)
    if not check_backward_ad:
        return True
    outputs = _differentiable_outputs(_as_tuple(func(*inputs)))
    try:
        _check_jacobians(func, inputs, wrt, outputs, eps, atol, rtol, nondet_tol)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def _check_jacobians(func, inputs, wrt, outputs, eps, atol, rtol, nondet_tol):
    if not outputs:
        return
    numerical = _numerical_jacobian(func, inputs, wrt, outputs, eps)
    analytical = _analytical_jacobian(outputs, inputs, wrt)
    for i, (num_cols, ana_cols) in enumerate(zip(numerical, analytical)):
        for j, (n, a) in enumerate(zip(num_cols, ana_cols)):
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                raise GradcheckError(f"Jacobian mismatch for output {j} with respect to input "
                                     f"{wrt[i]},\nnumerical:{_format(n)}\nanalytical:"
                                     f"{_format(a)}\n")
    again = _analytical_jacobian(outputs, inputs, wrt)
    for first, second in zip(analytical, again):
        for a, b in zip(first, second):
            if np.abs(a - b).max(initial=0.0) > nondet_tol:
                raise GradcheckError(
                    "Backward is not reentrant, i.e., running backward with same input and "
                    "grad_output multiple times gives different values, although analytical "
                    "gradient matches numerical gradient.The tolerance for nondeterminism was "
                    f"{nondet_tol}.")


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-06, atol=1e-05, rtol=0.001,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False,
                  masked=False):
    """gradcheck of the gradients themselves (second derivatives)."""
    inputs = _as_tuple(inputs)
    outputs = _differentiable_outputs(_as_tuple(func(*inputs)))
    if grad_outputs is None:
        from .._ops.random import rand_like
        grad_outputs = tuple((rand_like(o) * 2 - 1).detach().requires_grad_() for o in outputs)
    else:
        grad_outputs = _as_tuple(grad_outputs)
    n_inputs = len(inputs)

    def first_derivatives(*args):
        from . import grad
        ins, seeds = args[:n_inputs], args[n_inputs:]
        outs = _differentiable_outputs(_as_tuple(func(*ins)))
        diff_in = [x for x in ins if isinstance(x, Tensor) and x._requires_grad]
        grads = grad(outs, diff_in, seeds, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    if not check_rev_over_rev:
        return True
    return gradcheck(first_derivatives, inputs + tuple(grad_outputs), eps=eps, atol=atol,
                     rtol=rtol, raise_exception=raise_exception, nondet_tol=nondet_tol)
