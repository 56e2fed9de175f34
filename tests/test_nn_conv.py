"""Convolution and pooling against the oracle: values, first and second derivatives,
pooling indices, modules with torch's initialisation, and errors."""
import numpy as np
import pytest
from harness import check, check_error, randn

import taimatsu as tm

torch = pytest.importorskip("torch")

CONV_CASES = [
    ("conv1d", (3, 2, 11), (5, 2, 4), {"stride": 2, "padding": 1}),
    ("conv1d", (2, 4, 9), (8, 1, 3), {"groups": 4, "dilation": 2, "padding": "same"}),
    ("conv2d", (2, 4, 9, 8), (6, 2, 3, 2), {"stride": (2, 1), "padding": (1, 2),
                                            "dilation": (2, 1), "groups": 2}),
    ("conv2d", (2, 3, 6, 7), (4, 3, 2, 3), {"padding": "same"}),   # odd extra pad on the right
    ("conv2d", (2, 3, 6, 7), (4, 3, 3, 3), {"padding": "valid", "stride": 3}),
    ("conv2d", (3, 5, 5), (2, 3, 3, 3), {"padding": 1}),            # unbatched
    ("conv3d", (1, 2, 4, 5, 3), (3, 2, 2, 3, 2), {"padding": 1}),
]


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "nobias"])
@pytest.mark.parametrize("case", CONV_CASES, ids=lambda c: f"{c[0]}-{c[3]}")
def test_convolution(case, bias):
    name, x_shape, w_shape, kwargs = case
    if bias:
        check(lambda m, x, w, b: getattr(m.nn.functional, name)(x, w, b, **kwargs),
              [randn(*x_shape), randn(*w_shape), randn(w_shape[0])])
    else:
        check(lambda m, x, w: getattr(m.nn.functional, name)(x, w, **kwargs),
              [randn(*x_shape), randn(*w_shape)])


def test_conv2d_float32():
    # the weight's gradient sums 576 float32 products of size ~1-40: summed in another
    # order than torch's, a small entry can differ by ~1e-5 absolute
    check(lambda m, x, w, b: m.nn.functional.conv2d(x, w, b, padding=2),
          [randn(4, 1, 12, 12, dtype=np.float32), randn(6, 1, 5, 5, dtype=np.float32),
           randn(6, dtype=np.float32)], gradgrad=False, atol=1e-5, rtol=1e-4, grad_atol=1e-4)


POOL_CASES = [
    ("max_pool2d", (2, 3, 8, 8), (2,), {}),
    ("max_pool2d", (2, 3, 9, 8), (3, 2, 1, 2), {"ceil_mode": True}),
    ("max_pool2d", (1, 2, 5, 7), (2,), {"ceil_mode": True}),
    ("max_pool2d", (3, 7, 6), ((3, 2), (2, 1), (1, 0)), {}),
    ("max_pool1d", (2, 3, 10), (3, 1, 1), {}),
    ("max_pool3d", (1, 2, 4, 5, 6), (2,), {}),
    ("avg_pool2d", (2, 3, 9, 8), (3, 2, 1), {}),
    ("avg_pool2d", (2, 3, 9, 8), (3, 2, 1), {"ceil_mode": True, "count_include_pad": False}),
    ("avg_pool2d", (2, 3, 9, 8), (3, 2, 1), {"ceil_mode": True}),
    ("avg_pool2d", (2, 3, 8, 8), (2,), {"divisor_override": 3}),
    ("avg_pool1d", (2, 3, 10), (4, 3, 2), {}),
    ("avg_pool3d", (1, 2, 4, 5, 6), (2, 1), {}),
    ("adaptive_avg_pool2d", (2, 3, 9, 7), ((4, 3),), {}),
    ("adaptive_avg_pool2d", (3, 9, 7), ((5, None),), {}),
    ("adaptive_avg_pool1d", (2, 3, 7), (5,), {}),
]


@pytest.mark.parametrize("case", POOL_CASES, ids=lambda c: f"{c[0]}-{c[2]}-{c[3]}")
def test_pooling(case):
    name, shape, args, kwargs = case
    # adaptive pooling is made of matrix products: its gradient does not depend on the
    # input at all, where torch's node still lists it (with a zero second derivative)
    check(lambda m, x: getattr(m.nn.functional, name)(x, *args, **kwargs), [randn(*shape)],
          gradgrad=not name.startswith("adaptive"))


@pytest.mark.parametrize("args", [(2,), (3, 2, 1), (3, 1, 1, 2)])
def test_max_pool_indices_match_torch(args):
    x = randn(2, 3, 7, 6)
    ours = tm.nn.functional.max_pool2d(tm.tensor(x), *args, return_indices=True)
    theirs = torch.nn.functional.max_pool2d(torch.tensor(x), *args, return_indices=True)
    assert ours[1].dtype == tm.int64
    np.testing.assert_array_equal(ours[1].numpy(), theirs[1].numpy())
    np.testing.assert_array_equal(ours[0].numpy(), theirs[0].numpy())


def _lenet_grads(m):
    m.manual_seed(0)
    model = m.nn.Sequential(m.nn.Conv2d(1, 6, 5, padding=2), m.nn.ReLU(), m.nn.MaxPool2d(2),
                            m.nn.Conv2d(6, 16, 5), m.nn.ReLU(), m.nn.AvgPool2d(2),
                            m.nn.AdaptiveAvgPool2d(3), m.nn.Flatten(), m.nn.Linear(144, 10))
    x = m.tensor(np.linspace(-2, 2, 4 * 28 * 28, dtype=np.float32).reshape(4, 1, 28, 28))
    out = model(x)
    out.pow(2).sum().backward()
    return out, [p.grad for p in model.parameters()], [p for p in model.parameters()]


def test_modules_initialise_and_train_like_torch():
    out_o, grads_o, params_o = _lenet_grads(tm)
    out_t, grads_t, params_t = _lenet_grads(torch)
    for po, pt in zip(params_o, params_t):
        np.testing.assert_array_equal(po.detach().numpy(), pt.detach().numpy())
    np.testing.assert_allclose(out_o.detach().numpy(), out_t.detach().numpy(), rtol=1e-4,
                               atol=1e-5)
    for go, gt in zip(grads_o, grads_t):
        np.testing.assert_allclose(go.numpy(), gt.numpy(), rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("make", [
    lambda m: m.nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2, bias=False),
    lambda m: m.nn.Conv1d(4, 6, 3, padding="same"),
    lambda m: m.nn.Conv3d(2, 4, (1, 2, 3), dilation=2),
    lambda m: m.nn.MaxPool2d(2),
    lambda m: m.nn.MaxPool1d(3, 1, 1, ceil_mode=True),
    lambda m: m.nn.AvgPool2d(3, 2, 1),
    lambda m: m.nn.AdaptiveAvgPool2d((5, None)),
])
def test_module_repr(make):
    assert repr(make(tm)) == repr(make(torch))


# torch formats a set of choices into these messages: their order varies from run to run
@pytest.mark.parametrize("make, match", [
    (lambda m: m.nn.Conv2d(4, 6, 3, padding="foo"), "Invalid padding string 'foo'"),
    (lambda m: m.nn.Conv2d(4, 6, 3, padding_mode="foo"), "but got padding_mode='foo'"),
])
def test_errors_listing_choices(make, match):
    check_error(make, match=match)


@pytest.mark.parametrize("fn, shapes", [
    (lambda m, x, w: m.nn.functional.conv2d(x, w, stride=2, padding="same"), [(1, 1, 5, 5),
                                                                              (1, 1, 3, 3)]),
    (lambda m, x, w: m.nn.functional.conv2d(x, w, padding="foo"), [(1, 1, 5, 5), (1, 1, 3, 3)]),
    (lambda m, x, w: m.nn.functional.conv2d(x, w), [(1, 1, 5, 5), (1, 1, 7, 7)]),
    (lambda m, x, w: m.nn.functional.conv2d(x, w), [(1, 2, 5, 5), (1, 1, 3, 3)]),
    (lambda m, x: m.nn.functional.max_pool2d(x, 3, padding=2), [(1, 1, 5, 5)]),
    (lambda m: m.nn.Conv2d(3, 6, 3, groups=2), []),
    (lambda m: m.nn.Conv2d(4, 6, 3, padding="same", stride=2), []),
])
def test_errors(fn, shapes):
    check_error(fn, [randn(*s) for s in shapes])


CONV_TRANSPOSE_CASES = [
    ("conv_transpose1d", (2, 3, 7), (3, 4, 3), {"stride": 2, "padding": 1,
                                                "output_padding": 1}),
    ("conv_transpose1d", (2, 4, 6), (4, 1, 3), {"groups": 2, "dilation": 2}),
    ("conv_transpose2d", (2, 4, 5, 4), (4, 3, 3, 2), {"stride": (2, 1), "padding": (1, 0),
                                                      "output_padding": (1, 0), "groups": 2}),
    # output_padding above the stride is allowed when it is below the dilation
    ("conv_transpose2d", (1, 2, 4, 4), (2, 2, 3, 3), {"output_padding": 1, "dilation": 2}),
    ("conv_transpose2d", (3, 4, 5), (3, 2, 2, 2), {"stride": 3}),           # unbatched
    ("conv_transpose3d", (1, 2, 3, 4, 2), (2, 3, 2, 3, 2), {"stride": 2, "padding": 1,
                                                           "output_padding": (1, 0, 1)}),
]


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "nobias"])
@pytest.mark.parametrize("case", CONV_TRANSPOSE_CASES, ids=lambda c: f"{c[0]}-{c[3]}")
def test_transposed_convolution(case, bias):
    name, x_shape, w_shape, kwargs = case
    groups = kwargs.get("groups", 1)
    if bias:
        check(lambda m, x, w, b: getattr(m.nn.functional, name)(x, w, b, **kwargs),
              [randn(*x_shape), randn(*w_shape), randn(w_shape[1] * groups)])
    else:
        check(lambda m, x, w: getattr(m, name)(x, w, **kwargs),
              [randn(*x_shape), randn(*w_shape)])


def test_transposed_convolution_node_is_torchs():
    x = tm.randn(1, 2, 3, 3, requires_grad=True)
    y = tm.nn.functional.conv_transpose2d(x, tm.randn(2, 1, 2, 2), tm.randn(1))
    assert y.grad_fn.name() == "ConvolutionBackward0"


def _autoencoder(m):
    m.manual_seed(0)
    model = m.nn.Sequential(
        m.nn.Conv2d(1, 4, 3, stride=2, padding=1), m.nn.ReLU(),
        m.nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1), m.nn.ReLU(),
        m.nn.ConvTranspose2d(2, 1, (1, 2), padding=(0, 1), dilation=(1, 3)))
    x = m.randn(3, 1, 8, 8)
    out = model(x)
    out.pow(2).sum().backward()
    return out, [p.grad for p in model.parameters()], list(model.parameters())


def test_transposed_modules_initialise_and_train_like_torch():
    out_o, grads_o, params_o = _autoencoder(tm)
    out_t, grads_t, params_t = _autoencoder(torch)
    for po, pt in zip(params_o, params_t):
        np.testing.assert_array_equal(po.detach().numpy(), pt.detach().numpy())
    assert out_o.shape == out_t.shape
    np.testing.assert_allclose(out_o.detach().numpy(), out_t.detach().numpy(), rtol=1e-4,
                               atol=1e-5)
    for go, gt in zip(grads_o, grads_t):
        np.testing.assert_allclose(go.numpy(), gt.numpy(), rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("size", [None, (9, 9), (1, 4, 10, 9), [10, 10]])
def test_transposed_module_output_size(size):
    def run(m):
        m.manual_seed(1)
        layer = m.nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1)
        return layer(m.ones(1, 4, 5, 5), output_size=size)
    ours, theirs = run(tm), run(torch)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-5,
                               atol=1e-6)


@pytest.mark.parametrize("make", [
    lambda m: m.nn.ConvTranspose2d(3, 6, 3, stride=2, output_padding=1, groups=3, bias=False),
    lambda m: m.nn.ConvTranspose1d(2, 4, (3,), stride=(2,), padding=1, dilation=2),
    lambda m: m.nn.ConvTranspose3d(2, 2, 2),
])
def test_transposed_module_repr(make):
    assert repr(make(tm)) == repr(make(torch))


@pytest.mark.parametrize("fn, shapes", [
    (lambda m, x, w: m.nn.functional.conv_transpose2d(x, w), [(1, 3, 4, 4), (4, 2, 3, 3)]),
    (lambda m, x, w: m.nn.functional.conv_transpose2d(x, w, output_padding=2),
     [(1, 3, 4, 4), (3, 2, 3, 3)]),
    (lambda m, x, w: m.nn.functional.conv_transpose1d(x, w, output_padding=2),
     [(1, 3, 4), (3, 2, 3)]),
    (lambda m, x, w: m.nn.functional.conv_transpose3d(x, w, output_padding=2),
     [(1, 3, 4, 4, 4), (3, 2, 3, 3, 3)]),
    (lambda m, x, w: m.nn.functional.conv_transpose2d(x, w, padding=5),
     [(1, 3, 4, 4), (3, 2, 3, 3)]),
    (lambda m, x, w: m.nn.functional.conv_transpose1d(x, w, padding=5), [(1, 3, 4), (3, 2, 3)]),
    (lambda m, x, w: m.nn.functional.conv_transpose2d(x, w, groups=2),
     [(1, 3, 4, 4), (3, 2, 3, 3)]),
    (lambda m, x, w, b: m.nn.functional.conv_transpose2d(x, w, b),
     [(1, 3, 4, 4), (3, 2, 3, 3), (5,)]),
    (lambda m, x, w: m.nn.functional.conv_transpose2d(x, w, padding=-1),
     [(1, 3, 4, 4), (3, 2, 3, 3)]),
    (lambda m, x, w: m.nn.functional.conv_transpose2d(x, w), [(1, 1, 3, 4, 4), (3, 2, 3, 3)]),
    (lambda m, x, w: m.nn.functional.conv_transpose2d(x, w, padding="same"),
     [(1, 3, 4, 4), (3, 2, 3, 3)]),
    (lambda m, x, w: m.nn.functional.conv_transpose2d(x.float(), w.double()),
     [(1, 3, 4, 4), (3, 2, 3, 3)]),
    (lambda m: m.nn.ConvTranspose2d(3, 2, 3, padding_mode="reflect"), []),
    (lambda m: m.nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1)(m.ones(1, 4, 5, 5),
                                                                  output_size=(12, 12)), []),
])
def test_transposed_errors(fn, shapes):
    check_error(fn, [randn(*s) for s in shapes])
