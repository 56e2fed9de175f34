"""nn.functional against the oracle: values, first and second derivatives, node names,
reductions, weights and torch's errors."""
import warnings

import numpy as np
import pytest
from conftest import load_oracle
from harness import check, check_error, rand, randint, randn

import taimatsu as tm

torch = load_oracle()

X = randn(4, 5)
X[0, 0] = 0.3  # keep clear of kinks: derivatives at exactly 0 differ by convention


def F(m):
    return m.nn.functional


ACTIVATIONS = [
    ("relu", lambda m, x: F(m).relu(x)),
    ("threshold", lambda m, x: F(m).threshold(x, 0.1, 20.0)),
    ("leaky_relu", lambda m, x: F(m).leaky_relu(x, 0.2)),
    ("elu", lambda m, x: F(m).elu(x, 1.3)),
    ("selu", lambda m, x: F(m).selu(x)),
    ("celu", lambda m, x: F(m).celu(x, 0.7)),
    ("gelu", lambda m, x: F(m).gelu(x)),
    ("gelu_tanh", lambda m, x: F(m).gelu(x, approximate="tanh")),
    ("silu", lambda m, x: F(m).silu(x)),
    ("mish", lambda m, x: F(m).mish(x)),
    ("softplus", lambda m, x: F(m).softplus(x, beta=2.0, threshold=1.5)),
    ("softsign", lambda m, x: F(m).softsign(x)),
    ("hardtanh", lambda m, x: F(m).hardtanh(x, -0.5, 0.8)),
    ("relu6", lambda m, x: F(m).relu6(x * 4)),
    ("hardsigmoid", lambda m, x: F(m).hardsigmoid(x * 4)),
    ("hardswish", lambda m, x: F(m).hardswish(x * 4)),
    ("tanhshrink", lambda m, x: F(m).tanhshrink(x)),
    ("softshrink", lambda m, x: F(m).softshrink(x, 0.4)),
    ("hardshrink", lambda m, x: F(m).hardshrink(x, 0.4)),
    ("logsigmoid", lambda m, x: F(m).logsigmoid(x * 30)),
    ("sigmoid", lambda m, x: F(m).sigmoid(x)),
    ("tanh", lambda m, x: F(m).tanh(x)),
    ("softmax", lambda m, x: F(m).softmax(x, dim=1)),
    ("softmax0", lambda m, x: F(m).softmax(x, 0)),
    ("log_softmax", lambda m, x: F(m).log_softmax(x, dim=-1)),
    ("softmin", lambda m, x: F(m).softmin(x, dim=1)),
    ("glu", lambda m, x: F(m).glu(x[:, :4], dim=1)),
]


@pytest.mark.parametrize("name,fn", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activation(name, fn):
    # torch has no second derivative for hardsigmoid (tests/test_gradgrad.py checks the error)
    check(fn, [X], gradgrad=name != "hardsigmoid")
    out = fn(tm, tm.tensor(X, requires_grad=True))
    ref = fn(torch, torch.tensor(X, requires_grad=True))
    assert out.grad_fn.name() == ref.grad_fn.name()


@pytest.mark.parametrize("name,fn", ACTIVATIONS[:14], ids=[a[0] for a in ACTIVATIONS[:14]])
def test_activation_float32(name, fn):
    check(fn, [X.astype(np.float32)], gradgrad=False)


def test_prelu():
    w = np.array([0.25, -0.1, 0.5])
    check(lambda m, x, w: F(m).prelu(x, w), [randn(2, 3, 4), w])
    check(lambda m, x, w: F(m).prelu(x, w), [randn(2, 3), np.array([0.3])])


def test_softmax_is_stable():
    big = np.array([[1000.0, 0.0, -1000.0]])
    check(lambda m, x: F(m).softmax(x, 1), [big], gradgrad=False)
    check(lambda m, x: F(m).log_softmax(x, 1), [big], gradgrad=False)


def test_softmax_implicit_dim_warns():
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        tm.nn.functional.softmax(tm.tensor(X))


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "elu", "hardtanh", "silu", "selu"])
def test_inplace_activations(name):
    fn = getattr(tm.nn.functional, name)
    ref = getattr(torch.nn.functional, name)
    a = tm.tensor(X.copy())
    b = torch.tensor(X.copy())
    assert fn(a, inplace=True) is a
    ref(b, inplace=True)
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)
    # on a non-leaf inside a graph, the history is rebased onto the activation
    x = tm.tensor(X, requires_grad=True)
    y = x * 2
    fn(y, inplace=True)
    y.sum().backward()
    xt = torch.tensor(X, requires_grad=True)
    yt = xt * 2
    ref(yt, inplace=True)
    yt.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-12)


# --- losses -----------------------------------------------------------------------------

T01 = rand(4, 5)
P = rand(4, 5, low=0.05, high=0.95)
REDUCTIONS = ["mean", "sum", "none"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_l1_smooth_huber(reduction):
    kw = {"reduction": reduction}
    check(lambda m, x, t: F(m).mse_loss(x, t, **kw), [X, T01])
    check(lambda m, x, t: F(m).l1_loss(x, t, **kw), [X, T01])
    check(lambda m, x, t: F(m).smooth_l1_loss(x, t, beta=0.5, **kw), [X, T01])
    check(lambda m, x, t: F(m).huber_loss(x, t, delta=0.7, **kw), [X, T01])
    check(lambda m, x, t: F(m).soft_margin_loss(x, t, **kw), [X, np.sign(randn(4, 5))],
          requires_grad=[True, False])


def test_loss_node_names():
    x = randn(3, 4)
    t = rand(3, 4)
    for name, expected in [("mse_loss", "MseLossBackward0"), ("l1_loss", "MeanBackward0"),
                           ("smooth_l1_loss", "SmoothL1LossBackward0"),
                           ("huber_loss", "HuberLossBackward0"),
                           ("binary_cross_entropy_with_logits",
                            "BinaryCrossEntropyWithLogitsBackward0")]:
        out = getattr(tm.nn.functional, name)(tm.tensor(x, requires_grad=True), tm.tensor(t))
        assert out.grad_fn.name() == expected
    out = tm.nn.functional.binary_cross_entropy(tm.tensor(P, requires_grad=True), tm.tensor(T01))
    assert out.grad_fn.name() == "BinaryCrossEntropyBackward0"


def test_mse_broadcast_warns():
    with pytest.warns(UserWarning, match="Using a target size"):
        out = tm.nn.functional.mse_loss(tm.tensor(X), tm.tensor(X[:1]))
    ref = torch.nn.functional.mse_loss(torch.tensor(X), torch.tensor(X[:1]))
    assert abs(out.item() - ref.item()) < 1e-12


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy(reduction):
    w = rand(5, low=0.5, high=2)
    check(lambda m, p, t: F(m).binary_cross_entropy(p, t, reduction=reduction), [P, T01])
    check(lambda m, p, t, w: F(m).binary_cross_entropy(p, t, weight=w, reduction=reduction),
          [P, T01, w], requires_grad=[True, True, False])


def test_binary_cross_entropy_clamps_log():
    p = np.array([0.0, 1.0, 0.5])
    t = np.array([1.0, 0.0, 1.0])
    check(lambda m, p, t: F(m).binary_cross_entropy(p, t), [p, t], grad=False)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_with_logits(reduction):
    w = rand(5, low=0.5, high=2)
    pw = rand(5, low=0.5, high=3)
    fn = F
    check(lambda m, x, t: fn(m).binary_cross_entropy_with_logits(x, t, reduction=reduction),
          [X, T01])
    check(lambda m, x, t, w, pw: fn(m).binary_cross_entropy_with_logits(
        x, t, weight=w, pos_weight=pw, reduction=reduction), [X, T01, w, pw],
        requires_grad=[True, True, False, False])


def test_bce_with_logits_is_stable():
    x = np.array([-1000.0, 1000.0, 50.0, -50.0], dtype=np.float32)
    t = np.array([1.0, 0.0, 1.0, 0.0], dtype=np.float32)
    check(lambda m, x, t: F(m).binary_cross_entropy_with_logits(x, t, reduction="none"),
          [x, t], gradgrad=False)


def test_bce_errors():
    check_error(lambda m, p, t: F(m).binary_cross_entropy(p, t), [P, T01[:, :1]])
    check_error(lambda m, p, t: F(m).binary_cross_entropy(p, t), [X, T01])
    check_error(lambda m, x, t: F(m).binary_cross_entropy_with_logits(x, t), [X, T01[:1]])
    check_error(lambda m, x, t: F(m).binary_cross_entropy_with_logits(x, t),
                [X.astype(np.float32), np.ones((4, 5), np.int64)])
    check_error(lambda m, x, t: F(m).mse_loss(x, t, reduction="avg"), [X, T01])


C = randint(0, 5, 4)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_and_cross_entropy(reduction):
    w = rand(5, low=0.5, high=2)
    check(lambda m, x, c: F(m).nll_loss(F(m).log_softmax(x, 1), c, reduction=reduction),
          [X, C])
    check(lambda m, x, c: F(m).cross_entropy(x, c, reduction=reduction), [X, C])
    check(lambda m, x, c, w: F(m).cross_entropy(x, c, weight=w, reduction=reduction),
          [X, C, w], requires_grad=[True, False, False])
    c = C.copy()
    c[1] = -100
    check(lambda m, x, c, w: F(m).cross_entropy(x, c, weight=w, reduction=reduction),
          [X, c, w], requires_grad=[True, False, False])
    check(lambda m, x, c: F(m).cross_entropy(x, c, ignore_index=2, reduction=reduction,
                                             label_smoothing=0.1), [X, C])
    check(lambda m, x, c, w: F(m).cross_entropy(x, c, weight=w, reduction=reduction,
                                                label_smoothing=0.2),
          [X, c, w], requires_grad=[True, False, False])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_nd_and_probabilities(reduction):
    x = randn(2, 3, 4, 5)
    c = randint(0, 3, 2, 4, 5)
    check(lambda m, x, c: F(m).cross_entropy(x, c, reduction=reduction), [x, c])
    check(lambda m, x, c: F(m).cross_entropy(x, c, reduction=reduction), [x[..., 0], c[..., 0]])
    probs = rand(4, 5)
    probs /= probs.sum(1, keepdims=True)
    # torch's second derivative here is a ZeroTensor, which the harness cannot read
    check(lambda m, x, p: F(m).cross_entropy(x, p, reduction=reduction), [X, probs],
          gradgrad=reduction != "none")
    check(lambda m, x, p: F(m).cross_entropy(x, p, reduction=reduction, label_smoothing=0.3,
                                             weight=m.tensor(np.arange(1.0, 6.0))), [X, probs])
    check(lambda m, x, c: F(m).cross_entropy(x, c, reduction=reduction), [X[0], C[0]])


def test_cross_entropy_names():
    x = tm.tensor(X, requires_grad=True)
    assert tm.nn.functional.cross_entropy(x, tm.tensor(C)).grad_fn.name() == "NllLossBackward0"
    x4 = tm.tensor(randn(2, 3, 4, 5), requires_grad=True)
    c4 = tm.tensor(randint(0, 3, 2, 4, 5))
    assert tm.nn.functional.cross_entropy(x4, c4).grad_fn.name() == "NllLoss2DBackward0"


def test_cross_entropy_errors():
    check_error(lambda m, x, c: F(m).cross_entropy(x, c), [X, np.array([0, 1, 7, 2])])
    check_error(lambda m, x, c: F(m).nll_loss(x, c), [X, np.array([0, 1, -3, 2])])
    check_error(lambda m, x, c: F(m).cross_entropy(x, c), [X, np.zeros((4, 5), np.int64)])
    check_error(lambda m, x, c: F(m).cross_entropy(x, c), [X, np.array([0.0, 1, 1, 2])])
    check_error(lambda m, x, c: F(m).cross_entropy(x, c), [X, np.array([0, 1, 1])])
    check_error(lambda m, x, c: F(m).nll_loss(x, c), [X, np.array([0, 1, 1, 2], np.int32)])
    check_error(lambda m, x, c: F(m).nll_loss(x, c, weight=m.ones(2)), [X, C])


@pytest.mark.parametrize("reduction", REDUCTIONS + ["batchmean"])
def test_kl_div(reduction):
    logp = np.log(P)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda m, x, t: F(m).kl_div(x, t, reduction=reduction), [logp, T01])
        check(lambda m, x, t: F(m).kl_div(x, t, reduction=reduction, log_target=True),
              [logp, np.log(T01)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_other_losses(reduction):
    kw = {"reduction": reduction}
    y = np.array([1.0, -1.0, 1.0, -1.0])
    counts = randint(0, 5, 4, 5).astype(np.float64)
    check(lambda m, x, t: F(m).poisson_nll_loss(x, t, **kw), [X, counts])
    check(lambda m, x, t: F(m).poisson_nll_loss(x, t, log_input=False, full=True, **kw),
          [P, counts])
    check(lambda m, x, t, v: F(m).gaussian_nll_loss(x, t, v, **kw), [X, T01, P])
    check(lambda m, x, t, v: F(m).gaussian_nll_loss(x, t, v, full=True, **kw),
          [X, T01, P[:, :1]])
    check(lambda m, a, b, y: F(m).cosine_embedding_loss(a, b, y, margin=0.1, **kw),
          [X, randn(4, 5), y], requires_grad=[True, True, False])
    check(lambda m, a, b, y: F(m).margin_ranking_loss(a, b, y, margin=0.2, **kw),
          [X[:, 0], X[:, 1], y], requires_grad=[True, True, False])
    check(lambda m, a, p, n: F(m).triplet_margin_loss(a, p, n, **kw),
          [X, randn(4, 5), randn(4, 5)])
    check(lambda m, x, t: F(m).multilabel_soft_margin_loss(x, t, **kw),
          [X, (T01 > 0.5).astype(np.float64)], requires_grad=[True, False])
    check(lambda m, x, t: F(m).hinge_embedding_loss(x, t, margin=0.5, **kw),
          [X, np.sign(randn(4, 5))], requires_grad=[True, False])


# --- linear layers and dropout ----------------------------------------------------------

def test_linear_and_bilinear():
    w, b = randn(3, 5), randn(3)
    check(lambda m, x, w, b: F(m).linear(x, w, b), [X, w, b])
    check(lambda m, x, w: F(m).linear(x, w), [X, w])
    check(lambda m, x, w, b: F(m).linear(x, w, b), [randn(2, 4, 5), w, b])
    check(lambda m, x, w, b: F(m).linear(x, w, b), [randn(5), w, b])
    check(lambda m, a, b, w, bias: F(m).bilinear(a, b, w, bias),
          [randn(4, 2), randn(4, 3), randn(5, 2, 3), randn(5)])
    out = tm.nn.functional.linear(tm.tensor(X), tm.tensor(w, requires_grad=True), tm.tensor(b))
    assert out.grad_fn.name() == "AddmmBackward0"
    check_error(lambda m, x, w: F(m).linear(x, w), [X, randn(3, 4)])


def test_dropout():
    x = tm.ones(200, 50, requires_grad=True)
    tm.manual_seed(3)
    torch.manual_seed(3)
    out = tm.nn.functional.dropout(x, 0.3)
    ref = torch.nn.functional.dropout(torch.ones(200, 50), 0.3)
    np.testing.assert_allclose(out.detach().numpy(), ref.numpy(), rtol=1e-6)
    assert out.grad_fn.name() == "MulBackward0"
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), out.detach().numpy())
    assert tm.nn.functional.dropout(x, 0.3, training=False) is x
    check_error(lambda m: F(m).dropout(m.ones(3), 1.5))


def test_one_hot_normalize_cosine():
    c = np.array([0, 2, 1])
    np.testing.assert_array_equal(tm.nn.functional.one_hot(tm.tensor(c), 4).numpy(),
                                  torch.nn.functional.one_hot(torch.tensor(c), 4).numpy())
    check(lambda m, x: F(m).normalize(x, dim=1), [X])
    check(lambda m, a, b: F(m).cosine_similarity(a, b), [X, randn(4, 5)])


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [0, 1, 5])
def test_softmax_integer_input_errors(name, dim):
    # torch names a different kernel for an inner dim, and checks the dim first
    check_error(lambda m, x: getattr(F(m), name)(x, dim), [np.ones((2, 3), np.int64)])
    check_error(lambda m, x: getattr(m, name)(x, dim), [np.ones((2, 3), bool)])


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape", [(0, 3), (2, 0)])
def test_softmax_of_empty(name, shape):
    for dtype in (np.float32, np.int64, bool):
        for dim in (0, 1):
            check(lambda m, x: getattr(F(m), name)(x, dim), [np.ones(shape, dtype)],
                  gradgrad=False)


def _wants_grad(m, a):
    return m.tensor(a, requires_grad=True)


NONDIFFERENTIABLE_ARGUMENTS = [
    ("bce_weight", lambda m: F(m).binary_cross_entropy(
        m.tensor(rand(3, 2)), m.tensor(rand(3, 2)), weight=_wants_grad(m, rand(3, 2)))),
    ("bce_logits_weight", lambda m: F(m).binary_cross_entropy_with_logits(
        _wants_grad(m, randn(3, 2)), m.tensor(rand(3, 2)), weight=_wants_grad(m, rand(3, 2)))),
    ("bce_logits_pos_weight", lambda m: F(m).binary_cross_entropy_with_logits(
        m.tensor(randn(3, 2)), m.tensor(rand(3, 2)), pos_weight=_wants_grad(m, rand(2)))),
    ("nll_weight", lambda m: F(m).nll_loss(
        m.tensor(randn(4, 3)), m.tensor([0, 2, 1, 1]), weight=_wants_grad(m, rand(3)))),
    ("cross_entropy_weight", lambda m: F(m).cross_entropy(
        _wants_grad(m, randn(4, 3)), m.tensor([0, 2, 1, 1]), weight=_wants_grad(m, rand(3)))),
    ("multi_margin_weight", lambda m: F(m).multi_margin_loss(
        _wants_grad(m, randn(4, 3)), m.tensor([0, 2, 1, 1]), weight=_wants_grad(m, rand(3)))),
    ("batch_norm_running_mean", lambda m: F(m).batch_norm(
        _wants_grad(m, randn(4, 3)), _wants_grad(m, rand(3)), m.tensor(rand(3)), training=True)),
    ("batch_norm_running_var_eval", lambda m: F(m).batch_norm(
        m.tensor(randn(4, 3)), m.tensor(rand(3)), _wants_grad(m, rand(3)))),
    ("instance_norm_running_mean", lambda m: F(m).instance_norm(
        _wants_grad(m, randn(2, 3, 4)), _wants_grad(m, rand(3)), m.tensor(rand(3)))),
]


@pytest.mark.parametrize("name,fn", NONDIFFERENTIABLE_ARGUMENTS,
                         ids=[n for n, _ in NONDIFFERENTIABLE_ARGUMENTS])
def test_a_nondifferentiable_argument_cannot_require_grad(name, fn):
    # torch refuses such an argument (a weight, running statistics) while grad mode is on,
    # rather than silently giving it no gradient; under no_grad both accept it
    check_error(lambda m: fn(m))
    for m in (tm, torch):
        with m.no_grad():
            fn(m)
