"""Memory layouts of op results: strides as torch's for non-contiguous inputs.

torch's rules (see taimatsu/_ops/_layout.py): reductions, softmax, cumulative ops,
masked_fill, cat, topk ... give C-contiguous results; empty_like, clone, sort, flip,
index_fill ... keep a dense input's strides (preserve_format) and give others dense
strides in their order; elementwise ops follow their first operand's order
(TensorIterator).  Code that calls `.view()` on a result depends on these.

Strides of size-1 dims are not compared: torch's choice there varies by kernel and
has no effect on what views are possible.
"""
import numpy as np
import pytest

import taimatsu as tm
from conftest import load_oracle
from harness import assert_same

RNG = np.random.default_rng(7)
# distinct values: sort, topk, max and median have no ties to break
X3 = RNG.permutation(24).reshape(2, 3, 4).astype(np.float64) - 11.5
X4 = RNG.permutation(120).reshape(2, 3, 4, 5).astype(np.float64) - 59.5
BIG = RNG.permutation(192).reshape(4, 6, 8).astype(np.float64) - 95.5

LAYOUTS = {
    "contiguous": lambda m: m.from_numpy(X3.copy()),
    "permute201": lambda m: m.from_numpy(X3).permute(2, 0, 1),
    "permute102": lambda m: m.from_numpy(X3).permute(1, 0, 2),
    "transposed": lambda m: m.from_numpy(X3).transpose(1, 2),
    "reversed": lambda m: m.from_numpy(X3).permute(2, 1, 0),
    "expanded": lambda m: m.from_numpy(X3[:, :1].copy()).expand(2, 3, 4),
    "expanded_permuted": lambda m: m.from_numpy(X3[:, :1].copy()).expand(2, 3, 4)
                                      .permute(2, 0, 1),
    "stepped": lambda m: m.from_numpy(BIG)[::2, ::2, 1::2],
    "stepped_permuted": lambda m: m.from_numpy(BIG)[::2, ::2, 1::2].permute(1, 2, 0),
    "channels_last": lambda m: m.from_numpy(X4).contiguous(memory_format=m.channels_last),
    "permuted_4d": lambda m: m.from_numpy(X4).permute(3, 1, 0, 2),
}


def _index(m, t):
    return m.tensor([0, 1])


# name: (fn(m, t), differentiable)
OPS = {
    # elementwise (TensorIterator: the first operand's order)
    "mul_scalar": (lambda m, t: t * 2, True),
    "exp": (lambda m, t: t.exp(), True),
    "add_self": (lambda m, t: t + t, True),
    "add_contiguous": (lambda m, t: t + t.contiguous(), True),
    "contiguous_add": (lambda m, t: t.contiguous() + t, True),
    "maximum": (lambda m, t: m.maximum(t, t.contiguous()), True),
    "where": (lambda m, t: m.where(t > 0, t, 0.0), True),
    "to_float32": (lambda m, t: t.float(), True),
    "nan_to_num": (lambda m, t: t.nan_to_num(), True),
    "normalize": (lambda m, t: m.nn.functional.normalize(t, dim=1), True),
    # reductions: contiguous
    "sum_dim": (lambda m, t: t.sum(1), True),
    "sum_keepdim": (lambda m, t: t.sum(1, keepdim=True), True),
    "sum_dims": (lambda m, t: t.sum((0, 1)), True),
    "mean_last": (lambda m, t: t.mean(-1), True),
    "amax": (lambda m, t: t.amax(2), True),
    "max_dim": (lambda m, t: t.max(1), True),
    "var": (lambda m, t: t.var(0), True),
    "prod": (lambda m, t: t.prod(1), True),
    "norm": (lambda m, t: t.norm(dim=1), True),
    "logsumexp": (lambda m, t: t.logsumexp(1), True),
    "argmax": (lambda m, t: t.argmax(1), False),
    "any": (lambda m, t: (t > 0).any(1), False),
    "median": (lambda m, t: t.median(1), True),
    "topk": (lambda m, t: t.topk(2, 1), True),
    "cumsum": (lambda m, t: t.cumsum(1), True),
    "cummax": (lambda m, t: t.cummax(0), True),
    "softmax": (lambda m, t: m.softmax(t, 1), True),
    "log_softmax": (lambda m, t: m.log_softmax(t, -1), True),
    "layer_norm": (lambda m, t: m.nn.functional.layer_norm(t, (t.shape[-1],)), True),
    "batch_norm": (lambda m, t: m.nn.functional.batch_norm(t, None, None, training=True), True),
    "masked_fill": (lambda m, t: t.masked_fill(t > 0, 0.0), True),
    "tril": (lambda m, t: t.tril(), True),
    "roll": (lambda m, t: t.roll(1, 0), True),
    "cat": (lambda m, t: m.cat([t, t], 0), True),
    "cat_mixed": (lambda m, t: m.cat([t, t.contiguous()], 1), True),
    "stack": (lambda m, t: m.stack([t, t], -1), True),
    "matmul": (lambda m, t: t @ t.transpose(-1, -2), True),
    "pad": (lambda m, t: m.nn.functional.pad(t, (1, 1)), True),
    "repeat_interleave": (lambda m, t: t.repeat_interleave(2, 1), True),
    # preserve_format
    "empty_like": (lambda m, t: m.empty_like(t), False),
    "zeros_like": (lambda m, t: m.zeros_like(t), False),
    "ones_like": (lambda m, t: m.ones_like(t), False),
    "full_like": (lambda m, t: m.full_like(t, 2.0), False),
    "zeros_like_contiguous": (lambda m, t: m.zeros_like(t, memory_format=m.contiguous_format),
                              False),
    "clone": (lambda m, t: t.clone(), True),
    "flip": (lambda m, t: t.flip(0), True),
    "sort": (lambda m, t: t.sort(1), True),
    "argsort": (lambda m, t: t.argsort(1), False),
    "index_fill": (lambda m, t: t.index_fill(1, _index(m, t), 1.0), True),
    "index_put": (lambda m, t: t.index_put((_index(m, t),), m.tensor(1.0, dtype=t.dtype)),
                  True),
    # advanced indexing: TensorIterator over the input and the index
    "index_dim1": (lambda m, t: t[:, [0, 1]], True),
    "index_dim0": (lambda m, t: t[[0, 1, 1]], True),
    "index_last": (lambda m, t: t[..., [0, 1]], True),
    "nonzero": (lambda m, t: (t > 0).nonzero(), False),
}

# grads whose layout torch sets by another rule than taimatsu's backward formulas follow
GRAD_DIFFERS = {("batch_norm", "channels_last")}


def _outputs(r):
    return list(r) if isinstance(r, tuple) else [r]


def _strides(t):
    return [s for s, n in zip(t.stride(), t.shape) if n > 1]


# torch 2.13's median reads an expanded input's memory as if it were dense
TORCH_WRONG = {("median", "expanded"), ("median", "expanded_permuted")}


def _run(op, layout):
    if (op, layout) in TORCH_WRONG:
        pytest.skip("torch's own result is wrong here")
    torch = load_oracle()
    fn, _ = OPS[op]
    theirs = fn(torch, LAYOUTS[layout](torch))
    ours = fn(tm, LAYOUTS[layout](tm))
    return _outputs(ours), _outputs(theirs)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("op", OPS)
def test_result_layout(op, layout):
    """Strides, contiguity and values as torch's; `.view(-1)` of the result works where
    torch's does, else raises the same exception type."""
    ours, theirs = _run(op, layout)
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        assert tuple(o.shape) == tuple(t.shape)
        assert _strides(o) == _strides(t), f"stride {o.stride()} vs torch's {t.stride()}"
        assert o.is_contiguous() == t.is_contiguous()
        try:
            expected = t.view(-1)
        except RuntimeError as e:
            with pytest.raises(type(e)):
                o.view(-1)
        else:
            got = o.view(-1)
            if op != "empty_like":
                assert_same(got, expected)


@pytest.mark.parametrize("layout", [k for k in LAYOUTS if k != "contiguous"])
@pytest.mark.parametrize("op", [k for k, (_, d) in OPS.items() if d])
def test_grad_layout(op, layout):
    """The gradient reaching a non-contiguous leaf has torch's strides and values."""
    if (op, layout) in GRAD_DIFFERS:
        pytest.skip("torch's backward kernel lays this gradient out by its own rule")
    if (op, layout) in TORCH_WRONG:
        pytest.skip("torch's own result is wrong here")
    torch = load_oracle()
    fn, _ = OPS[op]
    grads = []
    for m in (tm, torch):
        rng = np.random.default_rng(1)  # the same seeds for both
        x = LAYOUTS[layout](m).detach().requires_grad_()
        outs = [o for o in _outputs(fn(m, x)) if o.requires_grad]
        seeds = [m.from_numpy(rng.standard_normal(tuple(o.shape))) for o in outs]
        grads.append(m.autograd.grad(outs, x, seeds))
    (g_ours,), (g_theirs,) = grads
    assert _strides(g_ours) == _strides(g_theirs), \
        f"stride {g_ours.stride()} vs torch's {g_theirs.stride()}"
    assert_same(g_ours, g_theirs)


def test_grad_values_with_layouts():
    """Seeds drawn alike for both libraries: the gradients' values agree too."""
    torch = load_oracle()
    seed = RNG.standard_normal((4, 2))
    grads = []
    for m in (tm, torch):
        x = m.from_numpy(X3).permute(2, 0, 1).detach().requires_grad_()
        y = m.softmax(x, 1).sum(2)
        grads.append(m.autograd.grad(y, x, m.from_numpy(seed))[0])
    assert_same(grads[0], grads[1])
    assert _strides(grads[0]) == _strides(grads[1])


def test_sum_then_view():
    """The motivating program: a reduction of a permuted tensor viewed flat."""
    torch = load_oracle()
    outs = [m.from_numpy(X3).permute(2, 0, 1).sum(1).view(-1) for m in (tm, torch)]
    assert_same(outs[0], outs[1])


def test_channels_last_helpers():
    torch = load_oracle()
    for m in (tm, torch):
        x = m.from_numpy(X4)
        c = x.contiguous(memory_format=m.channels_last)
        assert c.stride() == (60, 1, 15, 3)
        assert c.is_contiguous(memory_format=m.channels_last) and not c.is_contiguous()
        assert c.contiguous(memory_format=m.channels_last) is c
        assert m.empty_like(x, memory_format=m.channels_last).stride() == (60, 1, 15, 3)
        assert x.clone(memory_format=m.channels_last).stride() == (60, 1, 15, 3)
        with pytest.raises(RuntimeError, match="required rank 4"):
            m.zeros_like(m.from_numpy(X3), memory_format=m.channels_last)


def test_results_are_fresh():
    """A layout change never returns a view of the input (flip of a size-1 dim, clone of
    a contiguous tensor, a channels-last clone of a channels-last tensor)."""
    x = tm.from_numpy(X3[:1].copy())
    for r in (x.flip(0), x.clone(), tm.zeros_like(x)):
        assert r.data_ptr() != x.data_ptr()
    c = tm.from_numpy(X4).contiguous(memory_format=tm.channels_last)
    assert c.clone(memory_format=tm.channels_last).data_ptr() != c.data_ptr()
