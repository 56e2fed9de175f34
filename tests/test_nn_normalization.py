"""Batch, layer and group norm, embeddings, padding and RNN cells against the oracle:
values, first and second derivatives, running statistics, train/eval behaviour,
initialisation, reprs and errors."""
import numpy as np
import pytest
from harness import assert_same, check, check_error, randn

import taimatsu as tm

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 6), (2, 3, 4, 5)])
@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
def test_batch_norm_functional(shape, training):
    c = shape[1]
    rm, rv = randn(c), np.abs(randn(c)) + 0.5

    def fn(m, x, w, b):
        mean, var = m.tensor(rm), m.tensor(rv)
        out = m.nn.functional.batch_norm(x, mean, var, w, b, training, 0.3, 1e-3)
        return out, mean, var

    _check_affine(fn, [randn(*shape), randn(c), randn(c)])


def _check_affine(fn, arrays, **kwargs):
    """Values and gradients; second derivatives with the bias held constant (torch's fused
    backward marks the bias gradient as differentiable, with zero derivative; ours is a
    constant)."""
    check(fn, arrays, gradgrad=False, **kwargs)
    check(fn, arrays, requires_grad=[True, True, False], **kwargs)


def test_batch_norm_without_affine():
    check(lambda m, x: m.nn.functional.batch_norm(x, None, None, training=True),
          [randn(6, 4)])


@pytest.mark.parametrize("shape, normalized", [((4, 5), (5,)), ((2, 3, 4), (3, 4))])
def test_layer_norm(shape, normalized):
    n = normalized
    _check_affine(lambda m, x, w, b: m.nn.functional.layer_norm(x, normalized, w, b, 1e-4),
                  [randn(*shape), randn(*n), randn(*n)])
    check(lambda m, x: m.nn.functional.layer_norm(x, normalized), [randn(*shape)])


@pytest.mark.parametrize("shape, groups", [((3, 6), 3), ((2, 4, 5), 2), ((2, 6, 3, 2), 3)])
def test_group_norm(shape, groups):
    c = shape[1]
    _check_affine(lambda m, x, w, b: m.nn.functional.group_norm(x, groups, w, b),
                  [randn(*shape), randn(c), randn(c)])


@pytest.mark.parametrize("kwargs", [{}, {"padding_idx": 1}, {"scale_grad_by_freq": True}])
def test_embedding(kwargs):
    idx = np.array([[1, 3, 3], [0, 1, 4]])
    check(lambda m, w: m.nn.functional.embedding(m.tensor(idx), w, **kwargs), [randn(5, 3)])


def test_embedding_max_norm_renormalises_used_rows():
    w = randn(5, 3) * 3
    outs = []
    for m in (tm, torch):
        weight = m.tensor(w)
        out = m.nn.functional.embedding(m.tensor([0, 2, 2]), weight, max_norm=1.0)
        outs.append((out, weight))
    assert_same(outs[0][0], outs[1][0])
    assert_same(outs[0][1], outs[1][1])


def _same_modules(ours, theirs):
    assert repr(ours) == repr(theirs)
    sd_o, sd_t = ours.state_dict(), theirs.state_dict()
    assert list(sd_o) == list(sd_t)
    for key in sd_t:
        assert_same(sd_o[key], sd_t[key], what=key)


@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm_module_running_stats_and_eval(momentum):
    mods = []
    for m in (tm, torch):
        m.manual_seed(0)
        bn = m.nn.BatchNorm2d(3, momentum=momentum)
        x = m.randn(4, 3, 2, 2) * 2 + 1
        for _ in range(3):
            y_train = bn(x)
        bn.eval()
        mods.append((bn, y_train, bn(x), bn.num_batches_tracked))
    ours, theirs = mods
    _same_modules(ours[0], theirs[0])
    for a, b in zip(ours[1:], theirs[1:]):
        assert_same(a, b, atol=1e-5)


@pytest.mark.parametrize("make", [
    lambda m: m.nn.BatchNorm1d(4, affine=False, track_running_stats=False),
    lambda m: m.nn.BatchNorm1d(4, eps=1e-3, bias=False),
    lambda m: m.nn.BatchNorm3d(4),
    lambda m: m.nn.LayerNorm([2, 3], elementwise_affine=False),
    lambda m: m.nn.LayerNorm(7, bias=False),
    lambda m: m.nn.GroupNorm(2, 4),
    lambda m: m.nn.Embedding(10, 3, padding_idx=-2, max_norm=2.0),
    lambda m: m.nn.Embedding(4, 2, scale_grad_by_freq=True, sparse=True, norm_type=1.0),
    lambda m: m.nn.LSTMCell(3, 4),
    lambda m: m.nn.GRUCell(3, 4, bias=False),
    lambda m: m.nn.RNNCell(3, 4, nonlinearity="relu"),
], ids=["bn1d-plain", "bn1d-nobias", "bn3d", "ln-noaffine", "ln-nobias", "gn", "emb-pad",
        "emb-flags", "lstmcell", "grucell", "rnncell"])
def test_module_init_and_repr(make):
    tm.manual_seed(3)
    torch.manual_seed(3)
    _same_modules(make(tm), make(torch))


def test_batchnorm_untracked_has_no_buffers():
    bn = tm.nn.BatchNorm1d(3, track_running_stats=False)
    assert dict(bn.named_buffers()) == {}
    assert bn.running_mean is None
    bn.eval()
    out = bn(tm.tensor([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]))   # batch statistics in eval
    assert abs(out[0, 0].item() + 1.0) < 1e-3


def test_grad_fn_names():
    x = tm.randn(4, 3, requires_grad=True)
    assert tm.nn.BatchNorm1d(3)(x).grad_fn.name() == "NativeBatchNormBackward0"
    assert tm.nn.LayerNorm(3)(x).grad_fn.name() == "NativeLayerNormBackward0"
    assert tm.nn.GroupNorm(1, 3)(x).grad_fn.name() == "NativeGroupNormBackward0"
    assert tm.nn.Embedding(3, 2)(tm.tensor([1])).grad_fn.name() == "EmbeddingBackward0"
    assert tm.nn.functional.pad(x, (1, 1)).grad_fn.name() == "ConstantPadNdBackward0"


def test_embedding_padding_row_gets_no_gradient():
    emb = tm.nn.Embedding(4, 2, padding_idx=0)
    assert emb.weight[0].abs().sum().item() == 0
    emb(tm.tensor([0, 0, 1])).sum().backward()
    assert emb.weight.grad[0].tolist() == [0.0, 0.0]
    assert emb.weight.grad[1].tolist() == [1.0, 1.0]


def test_from_pretrained():
    w = tm.arange(6.0).view(3, 2)
    emb = tm.nn.Embedding.from_pretrained(w)
    assert not emb.weight.requires_grad
    assert emb(tm.tensor([2])).tolist() == [[4.0, 5.0]]
    assert tm.nn.Embedding.from_pretrained(w, freeze=False).weight.requires_grad


@pytest.mark.parametrize("args", [((1, 2),), ((1, 2, 0, 1), "constant", 3.0), ((-1, 2),),
                                  ((2, 1), "reflect"), ((2, 3, 1, 0), "replicate"),
                                  ((1, 2), "circular")])
def test_pad(args):
    # torch's reflection/replication backward marks its result differentiable (with zero
    # derivative); ours, gathered by index_select, is a constant
    check(lambda m, x: m.nn.functional.pad(x, *args), [randn(2, 3, 5)],
          gradgrad=len(args) == 1 or args[1] in ("constant", "circular"))


@pytest.mark.parametrize("name", ["LSTMCell", "GRUCell", "RNNCell"])
@pytest.mark.parametrize("batched", [True, False])
def test_rnn_cells(name, batched):
    shape = (2, 3) if batched else (3,)

    def fn(m, x):
        m.manual_seed(0)
        cell = getattr(m.nn, name)(3, 4)
        state = cell(x)
        state = cell(x * 2, state)
        return state if isinstance(state, tuple) else (state,)

    check(fn, [randn(*shape, dtype=np.float32)], atol=1e-5, rtol=1e-4)


def test_pad_sequence():
    seqs = [randn(2, 3), randn(4, 3), randn(1, 3)]
    for kwargs in ({}, {"batch_first": True, "padding_value": -1.0},
                   {"batch_first": True, "padding_side": "left"}):
        check(lambda m, a, b, c: m.nn.utils.rnn.pad_sequence([a, b, c], **kwargs), seqs)


@pytest.mark.parametrize("fn, arrays", [
    (lambda m, x: m.nn.functional.batch_norm(x, m.zeros(3), m.ones(3), training=True),
     [randn(1, 3)]),
    (lambda m, x: m.nn.functional.batch_norm(x, m.zeros(4), m.ones(4)), [randn(2, 3)]),
    (lambda m, x: m.nn.BatchNorm1d(3)(x), [randn(2, 3, 4, 5)]),
    (lambda m, x: m.nn.BatchNorm2d(3)(x), [randn(2, 3, 4)]),
    (lambda m, x: m.nn.functional.layer_norm(x, (4,)), [randn(2, 3)]),
    (lambda m: m.nn.GroupNorm(4, 6), []),
    (lambda m: m.nn.Embedding(3, 2, padding_idx=3), []),
    (lambda m, w: m.nn.functional.embedding(m.tensor([5]), w), [randn(3, 2)]),
    (lambda m, w: m.nn.functional.embedding(m.tensor([1.0]), w), [randn(3, 2)]),
    (lambda m, x: m.nn.functional.pad(x, (1, 2, 3)), [randn(2, 3)]),
    (lambda m, x: m.nn.LSTMCell(3, 4)(x), [randn(2, 4, dtype=np.float32)]),
    (lambda m, x: m.nn.functional.pad(x, (3, 3), mode="reflect"), [randn(1, 2, 3)]),
    (lambda m, x: m.nn.functional.pad(x, (1, 1), mode="foo"), [randn(1, 2, 3)]),
])
def test_errors(fn, arrays):
    check_error(fn, arrays)


def test_cuda_and_backends_report_no_device():
    assert tm.cuda.is_available() is False
    assert tm.cuda.device_count() == 0
    tm.cuda.manual_seed_all(0)
    assert not tm.backends.cudnn.is_available()
    assert not tm.backends.mps.is_available()
    tm.backends.cudnn.benchmark = True
    check_error(lambda m: m.cuda.current_device())


def test_tensor_softmax_and_new_factories():
    check(lambda m, x: (x.softmax(1), x.log_softmax(dim=0), m.softmax(x, -1)), [randn(3, 4)])
    x = tm.zeros(2, dtype=tm.float64)
    assert x.new_zeros(3, 2).dtype == tm.float64
    assert x.new_ones((2,), dtype=tm.int32).tolist() == [1, 1]
    assert x.new_full((2,), 5).tolist() == [5.0, 5.0]
    assert x.new_tensor([1, 2]).dtype == tm.float64
    assert x.new_empty(4).shape == (4,)


def test_thread_and_determinism_settings():
    tm.set_num_threads(1)
    assert tm.get_num_threads() == 1
    tm.use_deterministic_algorithms(True)
    assert tm.are_deterministic_algorithms_enabled()
    tm.use_deterministic_algorithms(False)
    tm.set_float32_matmul_precision("high")
    assert tm.get_float32_matmul_precision() == "high"
    tm.set_float32_matmul_precision("highest")
