"""Second derivatives of piecewise ops against the oracle.

Where the first derivative is piecewise constant (relu, clamp, max ...), torch's gradient
either has no graph at all (clamp, where, max: a mask of a comparison) or, for ops whose
backward is a `*_backward` op taking the saved input (threshold_backward, hardtanh_backward
...), a graph to the input whose derivative is zero.  The harness differentiates the
gradient again whenever torch's requires grad, so both cases are compared here; the node
names of the gradients and a few third derivatives are checked too."""
import warnings

import numpy as np
import pytest
from conftest import load_oracle
from harness import check, rand, randn

import taimatsu as tm

warnings.filterwarnings("ignore", category=RuntimeWarning)

torch = load_oracle()

X = randn(3, 4)
Y = randn(3, 4)
X3 = randn(2, 3, 4)
EDGE = np.array([0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 3.0, -3.0, 6.0, 2.5, np.inf, -np.inf,
                 np.nan])


def F(m):
    return m.nn.functional


ACTIVATIONS = [
    ("relu", lambda m, x: m.relu(x)),
    ("F.relu", lambda m, x: F(m).relu(x)),
    ("threshold", lambda m, x: F(m).threshold(x, 0.1, 2.0)),
    ("hardtanh", lambda m, x: F(m).hardtanh(x, -0.5, 1.0)),
    ("relu6", lambda m, x: F(m).relu6(x * 4)),
    ("leaky_relu", lambda m, x: F(m).leaky_relu(x, 0.1)),
    ("elu", lambda m, x: F(m).elu(x, 0.7)),
    ("selu", lambda m, x: F(m).selu(x)),
    ("celu", lambda m, x: F(m).celu(x, 1.5)),
    ("torch.selu", lambda m, x: m.selu(x)),
    ("torch.celu", lambda m, x: m.celu(x, 0.5)),
    ("rrelu", lambda m, x: m.rrelu(x, 0.1, 0.3)),
    ("hardswish", lambda m, x: F(m).hardswish(x * 3)),
    ("softshrink", lambda m, x: F(m).softshrink(x, 0.5)),
    ("hardshrink", lambda m, x: F(m).hardshrink(x, 0.5)),
]

ELEMENTWISE = [
    ("abs", lambda m, x: m.abs(x)),
    ("sign", lambda m, x: m.sign(x)),
    ("sgn", lambda m, x: m.sgn(x)),
    ("floor", lambda m, x: m.floor(x)),
    ("ceil", lambda m, x: m.ceil(x)),
    ("round", lambda m, x: m.round(x)),
    ("trunc", lambda m, x: m.trunc(x)),
    ("frac", lambda m, x: m.frac(x)),
    ("clamp", lambda m, x: m.clamp(x, -0.5, 0.5)),
    ("clip min", lambda m, x: m.clip(x, min=-0.2)),
    ("clamp_min", lambda m, x: m.clamp_min(x, 0.1)),
    ("clamp_max", lambda m, x: m.clamp_max(x, 0.1)),
    ("masked_fill", lambda m, x: x.masked_fill(x > 0, 1.5)),
    ("copysign", lambda m, x: m.copysign(x, -1.0)),
]

BINARY = [
    ("maximum", lambda m, x, y: m.maximum(x, y)),
    ("minimum", lambda m, x, y: m.minimum(x, y)),
    ("fmax", lambda m, x, y: m.fmax(x, y)),
    ("fmin", lambda m, x, y: m.fmin(x, y)),
    ("where", lambda m, x, y: m.where(x > 0, x, y)),
    ("clamp tensor bounds", lambda m, x, y: m.clamp(x, y - 0.5, y + 0.5)),
    ("l1_loss", lambda m, x, y: F(m).l1_loss(x, y)),
    ("smooth_l1_loss", lambda m, x, y: F(m).smooth_l1_loss(x, y, beta=0.5)),
    ("huber_loss", lambda m, x, y: F(m).huber_loss(x, y, delta=0.7)),
    ("margin_ranking_loss", lambda m, x, y: F(m).margin_ranking_loss(x, y, (x * 0 + 1))),
]

REDUCTIONS = [
    ("max", lambda m, x: x.max()),
    ("max dim", lambda m, x: x.max(1)),
    ("min dim", lambda m, x: x.min(0, keepdim=True)),
    ("amax", lambda m, x: m.amax(x, 1)),
    ("amin", lambda m, x: m.amin(x, (0, 1))),
    ("median", lambda m, x: x.median()),
    ("median dim", lambda m, x: x.median(1)),
    ("nanmedian", lambda m, x: x.nanmedian(0)),
    ("kthvalue", lambda m, x: x.kthvalue(2, 1)),
    ("sort", lambda m, x: x.sort(1, descending=True)),
    ("msort", lambda m, x: m.msort(x)),
    ("topk", lambda m, x: x.topk(2)),
    ("cummax", lambda m, x: x.cummax(1)),
    ("cummin", lambda m, x: x.cummin(0)),
    ("norm 1", lambda m, x: x.norm(1)),
    ("norm inf", lambda m, x: x.norm(float("inf"))),
]

COMPOSITES = [
    ("relu squared", lambda m, x: m.relu(x) ** 2),
    ("relu products", lambda m, x: m.relu(x) * m.relu(0.3 - x) + F(m).elu(x) ** 2),
    ("leaky_relu cubed", lambda m, x: F(m).leaky_relu(x, 0.2) ** 3),
    ("hardswish squared", lambda m, x: F(m).hardswish(x * 3) ** 2),
    ("hardtanh times x", lambda m, x: F(m).hardtanh(x) * x),
    ("max squared", lambda m, x: x.max(1)[0] ** 2),
    ("sort times x", lambda m, x: x.sort(1)[0] * x),
    ("clamp squared", lambda m, x: x.clamp(-0.5, 0.5) ** 2),
    ("abs cubed", lambda m, x: m.abs(x) ** 3),
]

INPLACE = [
    ("relu_", lambda m, x: (x * 1).relu_()),
    ("F.relu inplace", lambda m, x: F(m).relu(x * 1, inplace=True)),
    ("leaky_relu inplace", lambda m, x: F(m).leaky_relu(x * 1, 0.1, inplace=True)),
    ("elu inplace", lambda m, x: F(m).elu(x * 1, inplace=True)),
    ("hardtanh inplace", lambda m, x: F(m).hardtanh(x * 1, inplace=True)),
    ("threshold inplace", lambda m, x: F(m).threshold(x * 1, 0.1, 2.0, inplace=True)),
]

UNARY = ACTIVATIONS + ELEMENTWISE + REDUCTIONS + COMPOSITES + INPLACE


@pytest.mark.parametrize("name,fn", UNARY, ids=[c[0] for c in UNARY])
def test_unary_gradgrad(name, fn):
    check(fn, [X])


@pytest.mark.parametrize("name,fn", BINARY, ids=[c[0] for c in BINARY])
def test_binary_gradgrad(name, fn):
    check(fn, [X, Y])


@pytest.mark.parametrize("name,fn", ACTIVATIONS, ids=[c[0] for c in ACTIVATIONS])
def test_activation_gradgrad_float32_and_0d(name, fn):
    check(fn, [X.astype(np.float32)])
    check(fn, [np.array(-0.7)])


@pytest.mark.parametrize("name,fn", ACTIVATIONS, ids=[c[0] for c in ACTIVATIONS])
def test_activation_gradgrad_at_kinks_and_nonfinite(name, fn):
    check(fn, [EDGE])


def test_prelu_gradgrad():
    check(lambda m, x, w: F(m).prelu(x, w), [X3, rand(3)])
    check(lambda m, x, w: F(m).prelu(x, w), [X, np.array([0.25])])
    check(lambda m, x, w: F(m).prelu(x, w) ** 2, [X3, rand(3)])
    check(lambda m, x, w: F(m).prelu(x, w), [X3, rand(3)], requires_grad=[True, False])
    check(lambda m, x, w: F(m).prelu(x, w), [X3, rand(3)], requires_grad=[False, True])


def _grad_fn_name(m, fn, *arrays):
    ins = [m.tensor(a, requires_grad=True) for a in arrays]
    out = fn(m, *ins)
    out = out[0] if isinstance(out, tuple) else out
    (g,) = m.autograd.grad(out.sum(), ins[0], create_graph=True)
    return None if g.grad_fn is None else type(g.grad_fn).__name__, g.requires_grad


@pytest.mark.parametrize("name,fn", ACTIVATIONS + ELEMENTWISE + REDUCTIONS + COMPOSITES,
                         ids=[c[0] for c in ACTIVATIONS + ELEMENTWISE + REDUCTIONS + COMPOSITES])
def test_gradient_node_names(name, fn):
    """torch's gradient is ThresholdBackwardBackward0 for relu, no graph for clamp..."""
    assert _grad_fn_name(tm, fn, X) == _grad_fn_name(torch, fn, X)


def test_prelu_gradient_node_name():
    w = rand(3)
    ours = _grad_fn_name(tm, lambda m, x, w: F(m).prelu(x, w), X3, w)
    assert ours == _grad_fn_name(torch, lambda m, x, w: F(m).prelu(x, w), X3, w)
    assert ours[0] == "PreluKernelBackwardBackward0"


@pytest.mark.parametrize("name,fn", [ACTIVATIONS[0], ACTIVATIONS[3], ACTIVATIONS[5]],
                         ids=["relu", "hardtanh", "leaky_relu"])
def test_zero_second_derivative_without_allow_unused(name, fn):
    """autograd.grad(g, x) finds x in the gradient's graph: zeros, not an error."""
    results = []
    for m in (tm, torch):
        x = m.tensor(X, requires_grad=True)
        (g,) = m.autograd.grad(fn(m, x).sum(), x, create_graph=True)
        (gg,) = m.autograd.grad(g.sum(), x)
        results.append(gg.detach().numpy())
    np.testing.assert_array_equal(results[0], results[1])
    assert not results[0].any()


def _third_derivative(m, fn, array):
    x = m.tensor(array, requires_grad=True)
    (g,) = m.autograd.grad(fn(m, x).sum(), x, create_graph=True)
    (gg,) = m.autograd.grad((g * g).sum(), x, create_graph=True)
    (ggg,) = m.autograd.grad((gg * x).sum(), x, allow_unused=True)
    return None if ggg is None else ggg.detach().numpy()


@pytest.mark.parametrize("name,fn", [ACTIVATIONS[0], ACTIVATIONS[6], ACTIVATIONS[10],
                                     ACTIVATIONS[12], COMPOSITES[1]],
                         ids=["relu", "elu", "torch.celu", "hardswish", "relu products"])
def test_third_derivatives(name, fn):
    ours, theirs = _third_derivative(tm, fn, X), _third_derivative(torch, fn, X)
    np.testing.assert_allclose(ours, theirs, rtol=1e-7, atol=1e-10)


def test_hardsigmoid_has_no_second_derivative():
    """torch records hardsigmoid_backward without a derivative; the second backward fails."""
    messages = []
    for m in (tm, torch):
        x = m.tensor(X, requires_grad=True)
        (g,) = m.autograd.grad(F(m).hardsigmoid(x).sum(), x, create_graph=True)
        assert type(g.grad_fn).__name__ == "NotImplemented"
        with pytest.raises(RuntimeError) as err:
            m.autograd.grad(g.sum(), x)
        messages.append(str(err.value))
    assert messages[0] == messages[1]
    check(lambda m, x: F(m).hardsigmoid(x * 4), [X], gradgrad=False)


@pytest.mark.parametrize("name,fn", ACTIVATIONS, ids=[c[0] for c in ACTIVATIONS])
def test_first_order_builds_no_graph(name, fn):
    """Without create_graph the backward runs in no-grad mode: plain gradients."""
    x = tm.tensor(X, requires_grad=True)
    fn(tm, x).sum().backward()
    assert x.grad.grad_fn is None and not x.grad.requires_grad


@pytest.mark.parametrize("name,fn", ACTIVATIONS + ELEMENTWISE[8:12],
                         ids=[c[0] for c in ACTIVATIONS + ELEMENTWISE[8:12]])
def test_nonfinite_incoming_gradient_is_masked(name, fn):
    """torch's *_backward kernels select (0 where masked) rather than multiply by a mask,
    so a nan or inf gradient arriving at a flat region does not leak through."""
    seed = np.where(np.arange(X.size).reshape(X.shape) % 2 == 0, np.nan, np.inf)
    results = []
    for m in (tm, torch):
        x = m.tensor(X, requires_grad=True)
        fn(m, x).backward(m.tensor(seed))
        results.append(x.grad.numpy())
    np.testing.assert_array_equal(results[0], results[1])


# --- empty tensors: creation dtype and strides -----------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16, np.int32, np.complex64])
def test_tensor_of_empty_array_keeps_its_dtype(dtype):
    a = np.array([], dtype=dtype)
    assert str(tm.tensor(a).dtype) == str(torch.tensor(a).dtype)
    assert str(tm.tensor(a.reshape(0, 3)).dtype) == str(torch.tensor(a.reshape(0, 3)).dtype)
    assert str(tm.tensor([a]).dtype) == str(torch.tensor(np.array([a])).dtype)


@pytest.mark.parametrize("data", [[], [[], []], ()])
def test_tensor_of_empty_list_is_default_float(data):
    assert str(tm.tensor(data).dtype) == str(torch.tensor(data).dtype)


@pytest.mark.parametrize("shape", [(0,), (0, 3), (3, 0), (2, 0, 4), (0, 0), (1, 0), (0, 1, 2)])
def test_strides_of_empty_tensors(shape):
    for make in ("zeros", "empty", "ones"):
        ours, theirs = getattr(tm, make)(*shape), getattr(torch, make)(*shape)
        assert ours.stride() == theirs.stride(), make
        assert ours.stride(-1) == theirs.stride(-1)
        assert ours.is_contiguous() == theirs.is_contiguous()
    flat = tm.zeros(0)
    assert flat.reshape(shape).stride() == torch.zeros(0).reshape(shape).stride()


def test_strides_of_empty_slices():
    assert tm.zeros(4, 3)[:, :0].stride() == torch.zeros(4, 3)[:, :0].stride()
    assert tm.zeros(4, 3)[2:2].stride() == torch.zeros(4, 3)[2:2].stride()
