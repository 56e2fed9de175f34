"""Extra nn layers and functional forms against the oracle: pixel and channel shuffles,
fold/unfold, distances, local response and RMS norm, RReLU, Gumbel softmax, circular
padding, margin losses, pdist, LP pooling, max unpooling and 3-d adaptive max pooling."""
import warnings

import numpy as np
import pytest
from conftest import load_oracle
from harness import assert_same, check, check_error, randn

import taimatsu as tm

torch = load_oracle()


def F(m):
    return m.nn.functional


DTYPES = [np.float64, np.float32]


# ---------------------------------------------------------------- pixel / channel shuffles

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(2, 8, 3, 5), (12, 2, 3), (2, 1, 4, 1, 2)])
def test_pixel_shuffle(dtype, shape):
    r = 2 if shape[-3] % 4 == 0 else 1
    if shape[-3] == 12:
        r = 2
    check(lambda m, x: F(m).pixel_shuffle(x, r), [randn(*shape, dtype=dtype)])
    check(lambda m, x: m.nn.PixelShuffle(r)(x), [randn(*shape, dtype=dtype)])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,r", [((2, 3, 4, 6), 2), ((1, 6, 9), 3), ((2, 2, 1, 2, 2), 2)])
def test_pixel_unshuffle(dtype, shape, r):
    check(lambda m, x: F(m).pixel_unshuffle(x, r), [randn(*shape, dtype=dtype)])
    check(lambda m, x: m.nn.PixelUnshuffle(r)(x), [randn(*shape, dtype=dtype)])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,g", [((2, 6, 3), 3), ((1, 4, 2, 3), 2), ((6, 6, 1, 1, 2), 3)])
def test_channel_shuffle(dtype, shape, g):
    check(lambda m, x: F(m).channel_shuffle(x, g), [randn(*shape, dtype=dtype)])
    check(lambda m, x: m.nn.ChannelShuffle(g)(x), [randn(*shape, dtype=dtype)])


def test_shuffle_errors_and_reprs():
    check_error(lambda m, x: F(m).pixel_shuffle(x, 2), [randn(2, 3)])
    check_error(lambda m, x: F(m).pixel_shuffle(x, 2), [randn(1, 3, 2, 2)])
    check_error(lambda m, x: F(m).pixel_unshuffle(x, 2), [randn(1, 3, 3, 2)])
    check_error(lambda m, x: F(m).pixel_unshuffle(x, 2), [randn(1, 3, 4, 3)])
    check_error(lambda m, x: F(m).channel_shuffle(x, 3), [randn(1, 4, 2)])
    check_error(lambda m, x: F(m).channel_shuffle(x, 2), [randn(1, 4)])
    for make in (lambda m: m.nn.PixelShuffle(2), lambda m: m.nn.PixelUnshuffle(3),
                 lambda m: m.nn.ChannelShuffle(4)):
        assert repr(make(tm)) == repr(make(torch))
    x = tm.randn(1, 4, 2, 2, requires_grad=True)
    assert type(F(tm).pixel_shuffle(x, 2).grad_fn).__name__ == "PixelShuffleBackward0"


# ---------------------------------------------------------------- fold / unfold

UNFOLD_CASES = [
    ((2, 3, 5, 6), dict(kernel_size=2)),
    ((2, 3, 5, 6), dict(kernel_size=(2, 3), dilation=(1, 2), padding=1, stride=(2, 1))),
    ((3, 4, 5), dict(kernel_size=3, padding=(0, 1), stride=2)),
    ((1, 1, 4, 4), dict(kernel_size=(1, 4), stride=(3, 1))),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,kw", UNFOLD_CASES)
def test_unfold(dtype, shape, kw):
    check(lambda m, x: F(m).unfold(x, **kw), [randn(*shape, dtype=dtype)])
    check(lambda m, x: m.nn.Unfold(**kw)(x), [randn(*shape, dtype=dtype)])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,kw", UNFOLD_CASES)
def test_fold_inverts_unfold_shapes(dtype, shape, kw):
    cols = torch.nn.functional.unfold(torch.zeros(shape), **kw).shape
    check(lambda m, c: F(m).fold(c, shape[-2:], **kw), [randn(*cols, dtype=dtype)])
    check(lambda m, c: m.nn.Fold(shape[-2:], **kw)(c), [randn(*cols, dtype=dtype)])


def test_fold_errors_and_reprs():
    check_error(lambda m, x: F(m).unfold(x, 2), [randn(1, 2, 3, 4, 5)])
    check_error(lambda m, x: F(m).unfold(x, 5), [randn(1, 2, 3, 4)])
    check_error(lambda m, x: F(m).unfold(x, (2, 2, 2)), [randn(1, 2, 3, 4)])
    check_error(lambda m, x: F(m).fold(x, (3, 3), 2), [randn(1, 8, 3)])
    check_error(lambda m, x: F(m).fold(x, (3, 3), 2), [randn(1, 7, 4)])
    check_error(lambda m, x: F(m).fold(x, (3, 3), 2), [randn(1, 7, 4, 3)])
    for make in (lambda m: m.nn.Unfold(2), lambda m: m.nn.Fold((3, 4), 2, padding=1),
                 lambda m: m.nn.Unfold((2, 3), dilation=2, stride=(1, 2))):
        assert repr(make(tm)) == repr(make(torch))
    x = tm.randn(1, 2, 3, 4, requires_grad=True)
    assert type(F(tm).unfold(x, 2).grad_fn).__name__ == "Im2ColBackward0"


# ---------------------------------------------------------------- distances

@pytest.mark.parametrize("dtype", DTYPES)
def test_distance_modules(dtype):
    a, b = randn(4, 5, dtype=dtype), randn(4, 5, dtype=dtype)
    check(lambda m, x, y: m.nn.CosineSimilarity()(x, y), [a, b])
    check(lambda m, x, y: m.nn.CosineSimilarity(dim=0, eps=1e-3)(x, y), [a, b])
    check(lambda m, x, y: m.nn.PairwiseDistance()(x, y), [a, b])
    check(lambda m, x, y: m.nn.PairwiseDistance(p=1.5, keepdim=True)(x, y), [a, b])
    check(lambda m, x, y: m.nn.PairwiseDistance(p=3)(x, y), [randn(5), randn(5)])
    assert repr(tm.nn.PairwiseDistance()) == repr(torch.nn.PairwiseDistance())
    assert repr(tm.nn.CosineSimilarity(0)) == repr(torch.nn.CosineSimilarity(0))


@pytest.mark.parametrize("p", [2, 1, 3.5, float("inf")])
def test_pdist(p):
    check(lambda m, x: F(m).pdist(x, p), [randn(5, 3)], gradgrad=False)
    check(lambda m, x: F(m).pdist(x, p), [randn(4, 2, dtype=np.float32)], gradgrad=False)


def test_pdist_errors():
    check_error(lambda m, x: F(m).pdist(x), [randn(3)])
    check_error(lambda m, x: F(m).pdist(x, -1), [randn(3, 2)])


# ---------------------------------------------------------------- normalisation

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,size", [((2, 5, 3), 3), ((2, 6, 3, 4), 2), ((1, 4, 2, 2, 3), 5)])
def test_local_response_norm(dtype, shape, size):
    check(lambda m, x: F(m).local_response_norm(x, size), [randn(*shape, dtype=dtype)])
    check(lambda m, x: m.nn.LocalResponseNorm(size, alpha=0.1, beta=0.5, k=2.0)(x),
          [randn(*shape, dtype=dtype)])


def test_local_response_norm_errors_and_repr():
    check_error(lambda m, x: F(m).local_response_norm(x, 3), [randn(2, 4)])
    assert repr(tm.nn.LocalResponseNorm(3)) == repr(torch.nn.LocalResponseNorm(3))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,norm", [((3, 4), (4,)), ((2, 3, 5), (3, 5)), ((5,), (5,))])
def test_rms_norm(dtype, shape, norm):
    w = randn(*norm, dtype=dtype)
    check(lambda m, x: F(m).rms_norm(x, norm), [randn(*shape, dtype=dtype)])
    check(lambda m, x, w: F(m).rms_norm(x, norm, w, eps=1e-3), [randn(*shape, dtype=dtype), w])


def test_rms_norm_module():
    for args, kw in [((3,), {}), (((3, 4),), dict(eps=1e-3, elementwise_affine=False))]:
        ours, theirs = tm.nn.RMSNorm(*args, **kw), torch.nn.RMSNorm(*args, **kw)
        assert repr(ours) == repr(theirs)
        assert [n for n, _ in ours.named_parameters()] == \
            [n for n, _ in theirs.named_parameters()]
    check(lambda m, x: m.nn.RMSNorm(4)(x), [randn(2, 3, 4)])
    check_error(lambda m, x: F(m).rms_norm(x, (3,)), [randn(2, 4)])


# ---------------------------------------------------------------- random activations

@pytest.mark.parametrize("dtype", DTYPES)
def test_rrelu_training_matches_torch_stream(dtype):
    x = randn(7, 9, dtype=dtype)
    results = []
    for m in (tm, torch):
        m.manual_seed(5)
        t = m.tensor(x, requires_grad=True)
        out = F(m).rrelu(t, 0.1, 0.6, training=True)
        out.sum().backward()
        results.append((out, t.grad, m.rand(2)))
    assert_same(results[0][0], results[1][0], atol=0, rtol=0)
    assert_same(results[0][1], results[1][1], atol=0, rtol=0)
    assert_same(results[0][2], results[1][2], atol=0, rtol=0)


def test_rrelu_eval_module_and_errors():
    check(lambda m, x: F(m).rrelu(x), [randn(4, 5)])
    check(lambda m, x: m.nn.RReLU(0.2, 0.4).eval()(x), [randn(3, 4, dtype=np.float32)])
    for m in (tm, torch):
        m.manual_seed(1)
    a = tm.nn.RReLU()(tm.tensor(np.arange(-4.0, 4.0)))
    b = torch.nn.RReLU()(torch.tensor(np.arange(-4.0, 4.0)))
    assert_same(a, b, atol=0, rtol=0)
    for kw in ({}, dict(lower=0.2, upper=0.5, inplace=True)):
        assert repr(tm.nn.RReLU(**kw)) == repr(torch.nn.RReLU(**kw))
    check_error(lambda m, x: F(m).rrelu(x, 0.5, 0.2, training=True), [randn(2, 4)])
    check_error(lambda m, x: F(m).rrelu(x, training=True), [np.arange(3)])


@pytest.mark.parametrize("fn", ["torch.rrelu", "F.rrelu", "torch.rrelu_"])
def test_rrelu_is_one_op_in_both_namespaces(fn):
    """torch.rrelu and F.rrelu draw the same stream and record RreluWithNoiseBackward0."""
    x = randn(5, 6, dtype=np.float32)
    results = []
    for m in (tm, torch):
        space, name = fn.split(".")
        f = getattr(F(m) if space == "F" else m, name)
        m.manual_seed(3)
        t = m.tensor(x, requires_grad=name != "rrelu_")
        out = f(t, 0.1, 0.6, True) if space != "F" else f(t, 0.1, 0.6, training=True)
        if t.requires_grad:
            assert type(out.grad_fn).__name__ == "RreluWithNoiseBackward0"
            (g,) = m.autograd.grad(out.sum(), t, create_graph=True)
            assert type(g.grad_fn).__name__ == "RreluWithNoiseBackwardBackward0"
            results.append(g)
        results.append(out)
    half = len(results) // 2
    for ours, theirs in zip(results[:half], results[half:]):
        assert_same(ours, theirs, atol=0, rtol=0)


ACTIVATION_CALLS = [
    ("threshold", (1.5, 9.7)), ("threshold", (-1.5, 4)), ("leaky_relu", ()), ("elu", ()),
    ("selu", ()), ("celu", ()), ("gelu", ()), ("silu", ()), ("mish", ()), ("softplus", ()),
    ("hardtanh", ()), ("hardtanh", (0.5, 2.5)), ("relu6", ()), ("hardsigmoid", ()),
    ("hardswish", ()), ("softshrink", ()), ("hardshrink", ()), ("logsigmoid", ()),
    ("glu", ()), ("rrelu", ()),
]


@pytest.mark.parametrize("name, args", ACTIVATION_CALLS)
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.bool_])
def test_activations_on_integer_and_bool_inputs(name, args, dtype):
    """torch's kernels: threshold and hardtanh take integers (the numbers truncated to the
    dtype), the others raise NotImplementedError naming their cpu kernel."""
    x = np.arange(-4, 4).astype(dtype)
    try:
        getattr(torch.nn.functional, name)(torch.tensor(x), *args)
    except Exception:  # noqa: BLE001 - the oracle's exception decides which check
        check_error(lambda m, t: getattr(F(m), name)(t, *args), [x])
    else:
        check(lambda m, t: getattr(F(m), name)(t, *args), [x], grad=False)


def test_celu_alpha_zero_and_torch_namespace():
    check_error(lambda m, x: m.celu(x, 0.0), [randn(3)])
    check_error(lambda m, x: F(m).celu(x, 0.0), [randn(3)])
    for name in ("selu", "celu", "rrelu"):
        assert getattr(tm, name) is getattr(tm.nn.functional, name) or name == "rrelu"
        check_error(lambda m, x: getattr(m, name)(x), [np.arange(3)])


@pytest.mark.parametrize("hard", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
def test_gumbel_softmax_seeded(hard, dtype):
    x = randn(4, 6, dtype=dtype)
    results = []
    for m in (tm, torch):
        m.manual_seed(11)
        t = m.tensor(x, requires_grad=True)
        out = F(m).gumbel_softmax(t, tau=0.7, hard=hard, dim=0)
        (out * m.arange(6.0, dtype=out.dtype)).sum().backward()
        results.append((out, t.grad))
    assert_same(results[0][0], results[1][0])
    assert_same(results[0][1], results[1][1])
    with pytest.warns(UserWarning, match="deprecated"):
        F(tm).gumbel_softmax(tm.tensor(x), eps=1e-5)


# ---------------------------------------------------------------- circular padding

@pytest.mark.parametrize("cls,shape,pad", [("CircularPad1d", (2, 3, 5), (1, 2)),
                                           ("CircularPad1d", (3, 4), 2),
                                           ("CircularPad2d", (1, 2, 3, 4), (1, 0, 2, 1)),
                                           ("CircularPad3d", (2, 3, 3, 4), 1)])
def test_circular_pad(cls, shape, pad):
    check(lambda m, x: getattr(m.nn, cls)(pad)(x), [randn(*shape)])
    assert repr(getattr(tm.nn, cls)(pad)) == repr(getattr(torch.nn, cls)(pad))


def test_circular_pad_error():
    check_error(lambda m, x: m.nn.CircularPad2d(1)(x), [randn(4, 4)])


# ---------------------------------------------------------------- margin losses

@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("p", [1, 2])
def test_multi_margin_loss(reduction, p):
    x, t, w = randn(5, 4), np.array([0, 3, 1, 1, 2]), np.abs(randn(4))
    check(lambda m, x, t: F(m).multi_margin_loss(x, t, p=p, reduction=reduction), [x, t],
          gradgrad=False)
    check(lambda m, x, t, w: F(m).multi_margin_loss(x, t, p, 0.5, w, reduction=reduction),
          [x.astype(np.float32), t, w.astype(np.float32)], gradgrad=False,
          requires_grad=[True, False, False])
    check(lambda m, x, t: m.nn.MultiMarginLoss(p=p, reduction=reduction)(x, t),
          [randn(4), np.array(2)], gradgrad=False)


def test_multi_margin_errors_and_repr():
    check_error(lambda m, x, t: F(m).multi_margin_loss(x, t), [randn(2, 3), np.array([0, 3])])
    check_error(lambda m, x, t: F(m).multi_margin_loss(x, t), [randn(2, 3), np.array([0, 1, 2])])
    check_error(lambda m, x, t: F(m).multi_margin_loss(x, t), [randn(2, 3, 4), np.array([1])])
    check_error(lambda m, x, t: F(m).multi_margin_loss(x, t, p=3), [randn(2, 3), np.array([0, 1])])
    assert repr(tm.nn.MultiMarginLoss()) == repr(torch.nn.MultiMarginLoss())


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_multilabel_margin_loss(reduction, dtype):
    t = np.array([[3, 0, -1, 1], [0, 1, 2, 3], [1, 1, -1, 2], [-1, 0, 0, 0]])
    check(lambda m, x, t: F(m).multilabel_margin_loss(x, t, reduction=reduction),
          [randn(4, 4, dtype=dtype), t], gradgrad=False)
    check(lambda m, x, t: m.nn.MultiLabelMarginLoss(reduction=reduction)(x, t),
          [randn(4, dtype=dtype), np.array([2, -1, 0, 1])], gradgrad=False)


def test_multilabel_margin_errors():
    check_error(lambda m, x, t: F(m).multilabel_margin_loss(x, t),
                [randn(2, 3), np.array([1, -1, 0])])
    check_error(lambda m, x, t: F(m).multilabel_margin_loss(x, t),
                [randn(2, 3), np.array([[1, -1, 0], [3, 0, 0]])])


@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_triplet_margin_with_distance_loss(swap, reduction):
    arrays = [randn(5, 3), randn(5, 3), randn(5, 3)]
    check(lambda m, a, p, n: F(m).triplet_margin_with_distance_loss(
        a, p, n, swap=swap, reduction=reduction), arrays)
    check(lambda m, a, p, n: m.nn.TripletMarginWithDistanceLoss(
        distance_function=lambda x, y: 1 - F(m).cosine_similarity(x, y), margin=0.5,
        swap=swap, reduction=reduction)(a, p, n), arrays)
    assert repr(tm.nn.TripletMarginWithDistanceLoss()) == \
        repr(torch.nn.TripletMarginWithDistanceLoss())


def test_triplet_margin_with_distance_errors():
    arrays = [randn(5, 3), randn(5, 3), randn(5, 3)]
    check_error(lambda m, a, p, n: F(m).triplet_margin_with_distance_loss(a, p, n, margin=0),
                arrays)
    check_error(lambda m, a, p, n: F(m).triplet_margin_with_distance_loss(
        a, p, n, reduction="avg"), arrays)
    check_error(lambda m, a, p, n: F(m).triplet_margin_with_distance_loss(a, p, n[0]), arrays)


# ---------------------------------------------------------------- resampling and pooling

def test_deprecated_upsample_wrappers():
    x = randn(1, 2, 3, 4)
    for name, kw in (("upsample_nearest", dict(scale_factor=2)),
                     ("upsample_bilinear", dict(size=(5, 7)))):
        with pytest.warns(UserWarning, match=f"`nn.functional.{name}` is deprecated"):
            check(lambda m, x: getattr(F(m), name)(x, **kw), [x])


@pytest.mark.parametrize("norm", [2, 1.5, float("inf")])
@pytest.mark.parametrize("dtype", DTYPES)
def test_lp_pool(norm, dtype):
    x1, x2 = np.abs(randn(2, 3, 7, dtype=dtype)), np.abs(randn(2, 3, 5, 6, dtype=dtype)) + 0.1
    check(lambda m, x: F(m).lp_pool1d(x, norm, 3), [x1])
    check(lambda m, x: m.nn.LPPool1d(norm, 2, stride=1, ceil_mode=True)(x), [x1])
    check(lambda m, x: F(m).lp_pool2d(x, norm, (2, 3), stride=(1, 2)), [x2])
    check(lambda m, x: m.nn.LPPool2d(norm, 2)(x), [x2[0]])
    assert repr(tm.nn.LPPool2d(norm, 3)) == repr(torch.nn.LPPool2d(norm, 3))


@pytest.mark.parametrize("nd,shape,kw", [
    (1, (2, 3, 8), dict(kernel_size=2)),
    (1, (3, 7), dict(kernel_size=3, stride=2, padding=1)),
    (2, (2, 2, 6, 4), dict(kernel_size=2, stride=2)),
    (2, (2, 5, 7), dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0))),
])
def test_max_unpool(nd, shape, kw):
    for dtype in DTYPES:
        x = randn(*shape, dtype=dtype)
        pool = getattr(torch.nn.functional, f"max_pool{nd}d")
        out, idx = pool(torch.tensor(x), return_indices=True, **kw)
        check(lambda m, o, i: getattr(F(m), f"max_unpool{nd}d")(o, i, **kw),
              [out.numpy(), idx.numpy()])
        check(lambda m, o, i: getattr(m.nn, f"MaxUnpool{nd}d")(**kw)(o, i, shape[-nd:]),
              [out.numpy(), idx.numpy()])
    assert repr(getattr(tm.nn, f"MaxUnpool{nd}d")(**kw)) == \
        repr(getattr(torch.nn, f"MaxUnpool{nd}d")(**kw))


def test_max_unpool_errors():
    o = randn(1, 1, 2, 2)
    check_error(lambda m, o, i: F(m).max_unpool2d(o, i, 2, output_size=(9, 9)),
                [o, np.array([[[[0, 1], [2, 3]]]])])
    check_error(lambda m, o, i: F(m).max_unpool2d(o, i, 2),
                [o, np.array([[[[0, 1], [2, 100]]]])])
    check_error(lambda m, o, i: F(m).max_unpool2d(o, i, 2),
                [o, np.array([[[[0, 1], [2, 3]]]], np.float32)])


@pytest.mark.parametrize("size", [(2, 3, 2), 2, (None, 1, 3)])
def test_adaptive_max_pool3d(size):
    for dtype in DTYPES:
        x = randn(2, 3, 4, 5, 6, dtype=dtype)
        # the second derivative is zero; torch's graph of it is connected, ours is not
        check(lambda m, x: F(m).adaptive_max_pool3d(x, size, return_indices=True), [x],
              gradgrad=False)
        check(lambda m, x: m.nn.AdaptiveMaxPool3d(size)(x), [x[0]], gradgrad=False)
    assert repr(tm.nn.AdaptiveMaxPool3d(size)) == repr(torch.nn.AdaptiveMaxPool3d(size))


def test_exports():
    names = ["PixelShuffle", "PixelUnshuffle", "Fold", "Unfold", "CosineSimilarity",
             "PairwiseDistance", "LocalResponseNorm", "RMSNorm", "RReLU", "ChannelShuffle",
             "CircularPad1d", "CircularPad2d", "CircularPad3d", "MultiMarginLoss",
             "MultiLabelMarginLoss", "TripletMarginWithDistanceLoss", "LPPool1d", "LPPool2d",
             "LPPool3d", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d", "AdaptiveMaxPool3d"]
    for name in names:
        assert name in tm.nn.__all__ and hasattr(tm.nn, name), name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert callable(tm.nn.functional.rrelu_)


def test_3d_unpool_and_lp_pool():
    x = randn(2, 2, 4, 4, 6)
    out, idx = torch.nn.functional.max_pool3d(torch.tensor(x), 2, return_indices=True)
    check(lambda m, o, i: F(m).max_unpool3d(o, i, 2), [out.numpy(), idx.numpy()])
    check(lambda m, o, i: m.nn.MaxUnpool3d(2)(o, i), [out.numpy(), idx.numpy()])
    check(lambda m, x: F(m).lp_pool3d(x, 2, 2), [np.abs(x) + 0.1])
    check(lambda m, x: m.nn.LPPool3d(3, (2, 1, 3))(x), [np.abs(x) + 0.1])
