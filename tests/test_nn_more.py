"""More torch functions and nn layers against the oracle: diff, cdist, searchsorted ...,
padding and resampling layers, adaptive max pooling, instance norm, embedding bags,
attention and the transformer encoder."""
import numpy as np
import pytest
from conftest import load_oracle
from harness import assert_same, check, check_error, randint, randn

import taimatsu as tm

torch = load_oracle()


# ---------------------------------------------------------------- torch functions

@pytest.mark.parametrize("kwargs", [{}, {"n": 2}, {"dim": 0}, {"n": 3, "dim": 1}])
def test_diff(kwargs):
    check(lambda m, x: m.diff(x, **kwargs), [randn(4, 5)])


def test_diff_prepend_append_and_bool():
    check(lambda m, x, a, b: m.diff(x, dim=0, prepend=a, append=b),
          [randn(3, 2), randn(1, 2), randn(2, 2)])
    check(lambda m, x: x.diff(), [np.array([True, False, False, True])])
    check(lambda m, x: m.diff(x), [np.array([1, 4, 9, 16])])


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, 0.5])
def test_cdist(p):
    check(lambda m, a, b: m.cdist(a, b, p=p), [randn(4, 3), randn(5, 3)], gradgrad=False)
    check(lambda m, a, b: m.cdist(a, b, p=p), [randn(2, 3, 2), randn(2, 4, 2)], grad=False)


def test_cdist_errors():
    check_error(lambda m, a, b: m.cdist(a, b), [randn(3), randn(3, 3)])
    check_error(lambda m, a, b: m.cdist(a, b), [randn(3, 2), randn(3, 3)])


def test_searchsorted_bucketize_isin():
    seq = np.sort(randn(7))
    vals = randn(3, 4)
    for right in (False, True):
        check(lambda m, s, v: m.searchsorted(s, v, right=right), [seq, vals], grad=False)
        check(lambda m, v, s: m.bucketize(v, s, right=right), [vals, seq], grad=False)
    rows = np.sort(randn(3, 5), axis=-1)
    check(lambda m, s, v: m.searchsorted(s, v, side="right", out_int32=True),
          [rows, randn(3, 2)], grad=False)
    # the sorter must sort the sequence (otherwise the result is unspecified, and torch's
    # binary search and numpy's differ)
    unsorted = randn(6)
    check(lambda m, s, v, o: m.searchsorted(s, v, sorter=o),
          [unsorted, randn(4), np.argsort(unsorted)], grad=False)
    a, b = randint(0, 6, 3, 4), randint(0, 6, 5)
    check(lambda m, x, y: m.isin(x, y), [a, b], grad=False)
    check(lambda m, x, y: m.isin(x, y, invert=True), [a, b], grad=False)
    check(lambda m, x: m.isin(x, 3), [a], grad=False)
    check_error(lambda m, s, v: m.searchsorted(s, v), [randn(2, 3), randn(3, 3)])


@pytest.mark.parametrize("args", [(3, 3), (4, 3, 1), (3, 5, -1), (0, 2)])
def test_tri_indices(args):
    assert_same(tm.tril_indices(*args), torch.tril_indices(*args))
    assert_same(tm.triu_indices(*args), torch.triu_indices(*args))
    assert_same(tm.tril_indices(*args, dtype=tm.int32), torch.tril_indices(*args,
                                                                           dtype=torch.int32))


def test_cartesian_prod():
    check(lambda m, a, b, c: m.cartesian_prod(a, b, c), [randn(2), randn(3), randn(2)])
    check(lambda m, a: m.cartesian_prod(a), [randn(3)])


METADATA_OPS = [((1, 3, 2), lambda t: t.squeeze_()), ((1, 3, 2), lambda t: t.squeeze_(0)),
                ((3, 2), lambda t: t.unsqueeze_(-1)), ((3, 2), lambda t: t.t_()),
                ((2, 3, 4), lambda t: t.transpose_(0, 2)), ((2, 3, 4), lambda t: t.swapdims_(1, 2)),
                ((2, 3), lambda t: t.as_strided_((2, 2), (1, 2), 1)),
                ((2, 3), lambda t: t.as_strided_((3,), (2,)))]


@pytest.mark.parametrize("shape, op", METADATA_OPS)
def test_metadata_inplace(shape, op):
    a = randn(*shape)
    results = []
    for m in (tm, torch):
        x = m.tensor(a, requires_grad=True)
        y = x * 2
        version = y._version
        assert op(y) is y
        seed = np.arange(y.numel(), dtype=np.float64).reshape(tuple(y.shape))
        y.backward(m.tensor(seed))
        results.append((tuple(y.shape), y.stride(), y._version - version, y.grad_fn.name(),
                        x.grad))
    ours, theirs = results
    assert ours[:4] == theirs[:4]
    assert_same(ours[4], theirs[4])


def test_metadata_inplace_leaf_error():
    check_error(lambda m, x: x.requires_grad_().squeeze_(), [randn(3, 1)])


# ---------------------------------------------------------------- padding and resampling

def both(build):
    ours, theirs = build(tm), build(torch)
    with torch.no_grad():
        for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
            assert name == tname and tuple(p.shape) == tuple(tp.shape)
            tp.copy_(torch.tensor(p.detach().numpy()))
    assert repr(ours) == repr(theirs)
    return ours, theirs


PADS = [lambda nn: nn.ZeroPad1d(2), lambda nn: nn.ZeroPad2d((1, 2, 0, 1)),
        lambda nn: nn.ConstantPad1d((1, 0), 3.5), lambda nn: nn.ConstantPad2d(1, -1.0),
        lambda nn: nn.ReflectionPad1d((2, 1)), lambda nn: nn.ReflectionPad2d(1),
        lambda nn: nn.ReplicationPad1d(2), lambda nn: nn.ReplicationPad2d((1, 0, 2, 1))]


@pytest.mark.parametrize("build", PADS)
def test_pad_modules(build):
    ours, theirs = both(lambda m: build(m.nn))
    shape = (2, 3, 4, 5) if "2d" in repr(ours) else (2, 3, 5)
    # linear in the input: torch's gradient graph has no second derivative to compare
    check(lambda m, x: (ours if m is tm else theirs)(x), [randn(*shape)], gradgrad=False)


INTERP = [dict(scale_factor=2), dict(size=(5, 3)), dict(scale_factor=(1.5, 0.5)),
          dict(scale_factor=2, mode="bilinear"), dict(size=(7, 5), mode="bilinear"),
          dict(scale_factor=1.7, mode="bilinear", align_corners=True),
          dict(size=(3, 2), mode="bilinear", align_corners=False),
          dict(size=(7, 9), mode="bicubic"), dict(scale_factor=0.6, mode="bicubic"),
          dict(size=(3, 8), mode="bicubic", align_corners=True),
          dict(scale_factor=(1.5, 2.5), mode="bicubic", recompute_scale_factor=True),
          dict(size=(3, 2), mode="area"), dict(scale_factor=(1.5, 0.5), mode="area"),
          dict(size=(7, 3), mode="nearest-exact"), dict(scale_factor=1.7, mode="nearest-exact")]


@pytest.mark.parametrize("kwargs", INTERP)
def test_interpolate_2d(kwargs):
    # area is adaptive average pooling, matrix products whose gradient does not depend on
    # the input (torch's node still lists it, with a zero second derivative)
    check(lambda m, x: m.nn.functional.interpolate(x, **kwargs), [randn(2, 3, 4, 5)],
          gradgrad=kwargs.get("mode") != "area")


@pytest.mark.parametrize("kwargs", [dict(scale_factor=3, mode="linear"),
                                    dict(size=4, mode="linear", align_corners=True),
                                    dict(size=9, mode="nearest"),
                                    dict(size=4, mode="area"),
                                    dict(scale_factor=1.4, mode="nearest-exact")])
def test_interpolate_1d(kwargs):
    check(lambda m, x: m.nn.functional.interpolate(x, **kwargs), [randn(2, 3, 6)],
          gradgrad=kwargs.get("mode") != "area")


@pytest.mark.parametrize("kwargs", [dict(size=(2, 3, 5), mode="area"),
                                    dict(scale_factor=1.5, mode="nearest-exact"),
                                    dict(size=(3, 2, 4), mode="trilinear")])
def test_interpolate_3d(kwargs):
    check(lambda m, x: m.nn.functional.interpolate(x, **kwargs), [randn(1, 2, 4, 3, 5)],
          gradgrad=kwargs.get("mode") != "area")


def test_interpolate_float32_bicubic():
    check(lambda m, x: m.nn.functional.interpolate(x, size=(6, 7), mode="bicubic"),
          [randn(1, 2, 4, 5, dtype=np.float32)], gradgrad=False, atol=1e-5, rtol=1e-5)


def test_adaptive_avg_pool3d():
    check(lambda m, x: m.nn.functional.adaptive_avg_pool3d(x, (2, None, 3)),
          [randn(2, 3, 5, 4, 7)], gradgrad=False)
    ours, theirs = both(lambda m: m.nn.AdaptiveAvgPool3d(2))
    check(lambda m, x: (ours if m is tm else theirs)(x), [randn(1, 2, 4, 4, 5)],
          gradgrad=False)


@pytest.mark.parametrize("build", [lambda nn: nn.Upsample(scale_factor=2),
                                   lambda nn: nn.Upsample(size=(3, 4), mode="bilinear",
                                                          align_corners=True),
                                   lambda nn: nn.UpsamplingNearest2d(scale_factor=2),
                                   lambda nn: nn.UpsamplingBilinear2d(size=(6, 7))])
def test_upsample_modules(build):
    ours, theirs = both(lambda m: build(m.nn))
    check(lambda m, x: (ours if m is tm else theirs)(x), [randn(1, 2, 4, 5)], gradgrad=False)


def test_interpolate_errors():
    check_error(lambda m, x: m.nn.functional.interpolate(x), [randn(1, 2, 3, 3)])
    check_error(lambda m, x: m.nn.functional.interpolate(x, scale_factor=2,
                                                         align_corners=True), [randn(1, 2, 3, 3)])
    check_error(lambda m, x: m.nn.functional.interpolate(x, scale_factor=0.3), [randn(1, 2, 3)])


# ---------------------------------------------------------------- pooling, norms, bags

@pytest.mark.parametrize("nd, size, out", [(1, (2, 3, 10), 4), (1, (3, 7), 3),
                                           (2, (2, 3, 7, 9), (3, 4)), (2, (2, 5, 6), (4, None))])
def test_adaptive_max_pool(nd, size, out):
    fn = f"adaptive_max_pool{nd}d"
    check(lambda m, x: getattr(m.nn.functional, fn)(x, out, return_indices=True),
          [randn(*size)], gradgrad=False)
    ours, theirs = both(lambda m: getattr(m.nn, f"AdaptiveMaxPool{nd}d")(out))
    check(lambda m, x: (ours if m is tm else theirs)(x), [randn(*size)], gradgrad=False)


@pytest.mark.parametrize("nd, kwargs", [(1, {}), (2, {"affine": True}),
                                        (2, {"track_running_stats": True}),
                                        (1, {"affine": True, "track_running_stats": True})])
def test_instance_norm(nd, kwargs):
    ours, theirs = both(lambda m: getattr(m.nn, f"InstanceNorm{nd}d")(3, **kwargs).double())
    size = (2, 3, 5) if nd == 1 else (2, 3, 4, 5)
    check(lambda m, x: (ours if m is tm else theirs)(x), [randn(*size)])
    for name in ("running_mean", "running_var"):
        if getattr(theirs, name) is not None:
            assert_same(getattr(ours, name), getattr(theirs, name))
    ours.eval()
    theirs.eval()
    check(lambda m, x: (ours if m is tm else theirs)(x), [randn(*size[1:])], gradgrad=False)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag(mode):
    ours, theirs = both(lambda m: m.nn.EmbeddingBag(10, 4, mode=mode))
    idx, offsets = randint(0, 10, 9), np.array([0, 2, 2, 7])
    check(lambda m, w, i, o: m.nn.functional.embedding_bag(i, w, o, mode=mode),
          [ours.weight.detach().numpy(), idx, offsets])
    check(lambda m, w, i: m.nn.functional.embedding_bag(i, w, mode=mode, padding_idx=3),
          [randn(10, 4), randint(0, 10, 3, 4)])
    check(lambda m, w, i, o: m.nn.functional.embedding_bag(i, w, o, mode=mode,
                                                           include_last_offset=True),
          [randn(10, 4), idx, np.array([0, 3, 9])])
    out = ours(tm.tensor(idx), tm.tensor(offsets))
    assert_same(out, theirs(torch.tensor(idx), torch.tensor(offsets)))


def test_embedding_bag_per_sample_weights_and_seed():
    check(lambda m, w, i, o, s: m.nn.functional.embedding_bag(i, w, o, mode="sum",
                                                              per_sample_weights=s),
          [randn(6, 3), randint(0, 6, 5), np.array([0, 1, 4]), randn(5)], gradgrad=False)
    tm.manual_seed(3)
    torch.manual_seed(3)
    assert_same(tm.nn.EmbeddingBag(5, 2).weight, torch.nn.EmbeddingBag(5, 2).weight)


# ---------------------------------------------------------------- attention

def _masks(L, S):
    causal = np.tril(np.ones((L, S), bool))
    return [None, causal, np.where(causal, 0.0, -1e9) + randn(L, S) * 0.1]


@pytest.mark.parametrize("which", [0, 1, 2])
def test_scaled_dot_product_attention(which):
    mask = _masks(4, 5)[which]
    arrays = [randn(2, 3, 4, 8), randn(2, 3, 5, 8), randn(2, 3, 5, 6)]
    if mask is None:
        check(lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k, v, scale=0.3),
              arrays)
    else:
        check(lambda m, q, k, v, a: m.nn.functional.scaled_dot_product_attention(
            q, k, v, attn_mask=a), arrays + [mask], requires_grad=[True] * 3 + [False])


def test_scaled_dot_product_attention_causal_and_dropout():
    check(lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k, v,
                                                                           is_causal=True),
          [randn(2, 4, 8), randn(2, 4, 8), randn(2, 4, 8)])
    q = tm.randn(2, 4, 8)
    out = tm.nn.functional.scaled_dot_product_attention(q, q, q, dropout_p=0.5)
    assert tuple(out.shape) == (2, 4, 8)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("opts", [{}, {"average_attn_weights": False}, {"need_weights": False},
                                  {"mask": "bool"}, {"mask": "float"}, {"kpm": True}])
def test_multihead_attention(batch_first, opts):
    tm.manual_seed(0)
    torch.manual_seed(0)
    mods = tm.nn.MultiheadAttention(8, 2, batch_first=batch_first).double(), \
        torch.nn.MultiheadAttention(8, 2, batch_first=batch_first).double()
    # seeded modules start equal: the draws happen in torch's order
    for p, tp in zip(mods[0].parameters(), mods[1].parameters()):
        assert_same(p, tp.detach().requires_grad_())
    assert repr(mods[0]) == repr(mods[1])
    L, S, N = 4, 5, 3
    shape_q, shape_k = ((N, L, 8), (N, S, 8)) if batch_first else ((L, N, 8), (S, N, 8))
    kw = {k: v for k, v in opts.items() if k in ("average_attn_weights", "need_weights")}
    extra, rg = [], [True, True, True]
    if opts.get("mask") == "bool":
        extra, rg = [~np.tril(np.ones((L, S), bool))], rg + [False]
    elif opts.get("mask") == "float":
        extra, rg = [randn(L, S)], rg + [False]
    elif opts.get("kpm"):
        kpm = np.zeros((N, S), bool)
        kpm[0, -2:] = True
        extra, rg = [kpm], rg + [False]

    def call(m, q, k, v, *mask):
        mod = mods[0] if m is tm else mods[1]
        if opts.get("kpm"):
            kw["key_padding_mask"] = mask[0]
        elif mask:
            kw["attn_mask"] = mask[0]
        out, w = mod(q, k, v, **kw)
        return (out, w) if w is not None else out
    check(call, [randn(*shape_q), randn(*shape_k), randn(*shape_k)] + extra, requires_grad=rg,
          gradgrad=False, atol=1e-9)


@pytest.mark.parametrize("norm_first, activation, batch_first",
                         [(False, "relu", False), (True, "gelu", True)])
def test_transformer_encoder(norm_first, activation, batch_first):
    def build(m):
        layer = m.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, activation=activation,
                                             norm_first=norm_first, batch_first=batch_first)
        return m.nn.TransformerEncoder(layer, 2, norm=m.nn.LayerNorm(8),
                                       enable_nested_tensor=False)
    ours, theirs = both(lambda m: build(m).double())
    ours.eval()
    theirs.eval()
    kpm = np.zeros((2, 5), bool)
    kpm[1, -1] = True
    x = randn(2, 5, 8) if batch_first else randn(5, 2, 8)
    check(lambda m, x, k: (ours if m is tm else theirs)(x, src_key_padding_mask=k), [x, kpm],
          requires_grad=[True, False], gradgrad=False)
    layer = tm.nn.TransformerEncoderLayer(8, 2)
    assert repr(layer) == repr(torch.nn.TransformerEncoderLayer(8, 2))


@pytest.mark.parametrize("norm_first, activation, batch_first",
                         [(False, "relu", False), (True, "gelu", True)])
def test_transformer_decoder(norm_first, activation, batch_first):
    def build(m):
        layer = m.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.1, activation=activation,
                                             norm_first=norm_first, batch_first=batch_first)
        return m.nn.TransformerDecoder(layer, 2, norm=m.nn.LayerNorm(8))
    ours, theirs = both(lambda m: build(m).double())
    ours.eval()
    theirs.eval()
    tgt = randn(2, 4, 8) if batch_first else randn(4, 2, 8)
    memory = randn(2, 5, 8) if batch_first else randn(5, 2, 8)
    kpm = np.zeros((2, 5), bool)
    kpm[0, -2:] = True
    causal = np.triu(np.full((4, 4), -np.inf), 1)

    def call(m, t, mem, mask, k):
        model = ours if m is tm else theirs
        return model(t, mem, tgt_mask=mask, memory_key_padding_mask=k)
    check(call, [tgt, memory, causal, kpm], requires_grad=[True, True, False, False],
          gradgrad=False)


def test_transformer_seeded_model_trains_like_torch():
    def run(m):
        m.manual_seed(0)
        model = m.nn.Transformer(d_model=8, nhead=2, num_encoder_layers=2,
                                 num_decoder_layers=1, dim_feedforward=16, dropout=0.0,
                                 batch_first=True)
        # SGD on a loss with a target: Adam would amplify last-bit noise in near-zero
        # gradients, and a layer-normed output's mean square is nearly constant
        opt = m.optim.SGD(model.parameters(), lr=0.1)
        src, tgt, target = m.randn(3, 5, 8), m.randn(3, 4, 8), m.randn(3, 4, 8)
        mask = model.generate_square_subsequent_mask(4)
        losses = []
        for _ in range(3):
            loss = (model(src, tgt, tgt_mask=mask) - target).pow(2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return model, losses, mask
    ours, losses_o, mask_o = run(tm)
    theirs, losses_t, mask_t = run(torch)
    assert repr(ours) == repr(theirs)
    assert_same(mask_o, mask_t)
    np.testing.assert_allclose(losses_o, losses_t, rtol=1e-5)
    for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == tname
        np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), rtol=1e-4,
                                   atol=1e-5)


@pytest.mark.parametrize("fn", [
    lambda m: m.nn.Transformer(8, 2, 1, 1, 16)(m.zeros(5, 2, 8), m.zeros(4, 3, 8)),
    lambda m: m.nn.Transformer(8, 2, 1, 1, 16)(m.zeros(5, 2, 6), m.zeros(4, 2, 6)),
    lambda m: m.nn.TransformerDecoderLayer(8, 2, activation="tanh"),
])
def test_transformer_errors(fn):
    check_error(fn)


@pytest.mark.parametrize("bias_kv, zero_attn", [(True, False), (False, True), (True, True)])
@pytest.mark.parametrize("mask", [None, "bool", "kpm"])
def test_multihead_attention_extra_keys(bias_kv, zero_attn, mask):
    q_in, kv_in = randn(4, 3, 8), randn(5, 3, 8)

    def run(m):
        m.manual_seed(0)
        mod = m.nn.MultiheadAttention(8, 2, add_bias_kv=bias_kv, add_zero_attn=zero_attn).double()
        q = m.tensor(q_in, requires_grad=True)
        kv = m.tensor(kv_in, requires_grad=True)
        kw = {}
        if mask == "bool":
            kw["attn_mask"] = m.tensor(~np.tril(np.ones((4, 5), bool)))
        elif mask == "kpm":
            kpm = np.zeros((3, 5), bool)
            kpm[1, -2:] = True
            kw["key_padding_mask"] = m.tensor(kpm)
        out, weights = mod(q, kv, kv, **kw)
        (out.sum() + weights.pow(2).sum()).backward()
        return mod, out, weights, q.grad, kv.grad
    ours, theirs = run(tm), run(torch)
    assert repr(ours[0]) == repr(theirs[0])
    for (name, p), (tname, tp) in zip(ours[0].named_parameters(), theirs[0].named_parameters()):
        assert name == tname
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-9, atol=1e-12)
    for a, b in zip(ours[1:], theirs[1:]):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-9,
                                   atol=1e-12)
