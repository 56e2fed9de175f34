"""An OpInfo-style harness: state the inputs, the call and the reference; it checks
values, dtype, shape, first and second derivatives against the PyTorch oracle.

    check(lambda m, x, y: m.add(x, y), [randn(3, 1), randn(4)])

`fn(m, *tensors)` is called once with m = taimatsu and once with m = torch, on
tensors made from the same numpy arrays.  Floating inputs require grad unless
`grad=False`.  Non-contiguous variants are produced by `noncontig(array)`.
"""
import numpy as np

import taimatsu as tm
from conftest import TEST_DEVICE, load_oracle

RNG = np.random.default_rng(0)


def randn(*shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


def rand(*shape, low=0.0, high=1.0, dtype=np.float64):
    return RNG.uniform(low, high, shape).astype(dtype)


def randint(low, high, *shape, dtype=np.int64):
    return RNG.integers(low, high, shape).astype(dtype)


def noncontig(array):
    """The same values laid out with a stride (a transposed copy, transposed back)."""
    if array.ndim >= 2:
        return np.ascontiguousarray(array.swapaxes(-1, -2)).swapaxes(-1, -2)
    if array.ndim == 1:
        wide = np.zeros(array.shape[0] * 2, array.dtype)
        wide[::2] = array
        return wide[::2]
    return array


def _as_list(out):
    if isinstance(out, (tuple, list)):
        return list(out)
    return [out]


def _to_numpy(t):
    if isinstance(t, tm.Tensor):
        t = t.detach().cpu()
    elif hasattr(t, "detach"):
        t = t.detach()
    if getattr(t, "is_conj", None) is not None and t.is_conj():
        t = t.resolve_conj()  # torch's lazy conjugates (gradients of hfft, ifft of reals)
    if getattr(t, "_is_zerotensor", None) is not None and t._is_zerotensor():
        # torch's "efficient zeros" (the second derivative of abs, sgn...) have no storage
        return t.numpy(force=True)
    return np.asarray(t.numpy() if hasattr(t, "numpy") else t)


def _tolerances(dtype, atol, rtol):
    if atol is not None:
        return atol, rtol if rtol is not None else 1e-5
    if dtype in (np.float32, np.complex64):
        return 1e-5, 1e-4
    if dtype == np.float16:
        return 1e-3, 1e-2
    return 1e-10, 1e-7


def assert_same(ours, theirs, atol=None, rtol=None, what="value"):
    """ours (taimatsu) equals theirs (torch) in dtype, shape and values."""
    torch = load_oracle()
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, tm.Tensor), f"{what}: expected a Tensor, got {type(ours)}"
        assert ours.device.type == TEST_DEVICE, \
            f"{what}: on {ours.device}, the inputs were on {TEST_DEVICE}"
        assert str(ours.dtype) == str(theirs.dtype), f"{what}: dtype {ours.dtype} vs {theirs.dtype}"
        assert tuple(ours.shape) == tuple(theirs.shape), \
            f"{what}: shape {tuple(ours.shape)} vs {tuple(theirs.shape)}"
        a, b = _to_numpy(ours), _to_numpy(theirs)
        at, rt = _tolerances(b.dtype, atol, rtol)
        if b.dtype.kind in "fc":
            np.testing.assert_allclose(a, b, atol=at, rtol=rt, equal_nan=True, err_msg=what)
        else:
            np.testing.assert_array_equal(a, b, err_msg=what)
    elif isinstance(theirs, (tuple, list)):
        assert len(ours) == len(theirs), f"{what}: {len(ours)} outputs vs {len(theirs)}"
        for i, (o, t) in enumerate(zip(ours, theirs)):
            assert_same(o, t, atol, rtol, f"{what}[{i}]")
    elif isinstance(theirs, float):
        assert abs(ours - theirs) <= (atol or 1e-6) + 1e-6 * abs(theirs) or \
            (theirs != theirs and ours != ours), f"{what}: {ours} vs {theirs}"
    else:
        assert ours == theirs, f"{what}: {ours!r} vs {theirs!r}"


def check(fn, arrays, grad=True, gradgrad=True, atol=None, rtol=None, grad_atol=None,
          requires_grad=None):
    """Compare fn on taimatsu and torch: outputs, gradients and second derivatives.

    `requires_grad` is a list of booleans (default: every floating input)."""
    torch = load_oracle()
    arrays = [np.asarray(a) if not isinstance(a, (int, float, bool)) else a for a in arrays]
    if requires_grad is None:
        requires_grad = [isinstance(a, np.ndarray) and a.dtype.kind in "fc" for a in arrays]
    ours_in, theirs_in = [], []
    for a, rg in zip(arrays, requires_grad):
        if isinstance(a, np.ndarray):
            ours_in.append(tm.tensor(a, requires_grad=bool(rg and grad), device=TEST_DEVICE))
            theirs_in.append(torch.tensor(a, requires_grad=bool(rg and grad)))
        else:
            ours_in.append(a)
            theirs_in.append(a)
    ours = fn(tm, *ours_in)
    theirs = fn(torch, *theirs_in)
    assert_same(ours, theirs, atol, rtol)
    if not grad:
        return
    diff_in = [i for i, (a, rg) in enumerate(zip(arrays, requires_grad))
               if rg and isinstance(a, np.ndarray)]
    outs_t = [o for o in _as_list(theirs) if isinstance(o, torch.Tensor) and o.requires_grad]
    outs_o = [o for o in _as_list(ours) if isinstance(o, tm.Tensor) and o.requires_grad]
    if not diff_in or not outs_t:
        return
    assert len(outs_o) == len(outs_t), "requires_grad of outputs differs"
    seeds = [RNG.standard_normal(tuple(o.shape)).astype(_to_numpy(o).dtype) for o in outs_t]
    g_t = torch.autograd.grad(outs_t, [theirs_in[i] for i in diff_in],
                              [torch.tensor(s) for s in seeds], create_graph=gradgrad,
                              allow_unused=True)
    g_o = tm.autograd.grad(outs_o, [ours_in[i] for i in diff_in],
                           [tm.tensor(s, device=TEST_DEVICE) for s in seeds],
                           create_graph=gradgrad,
                           allow_unused=True)
    for i, (a, b) in enumerate(zip(g_o, g_t)):
        if b is None:
            assert a is None or not _to_numpy(a).any(), f"grad[{i}] should be None"
            continue
        assert a is not None, f"grad[{i}] is None but torch has one"
        assert_same(a, b, grad_atol or atol, rtol, f"grad[{i}]")
    if not gradgrad:
        return
    pairs = [(a, b) for a, b in zip(g_o, g_t) if b is not None and b.requires_grad]
    if not pairs:
        return
    seeds2 = [RNG.standard_normal(tuple(b.shape)).astype(_to_numpy(b).dtype) for _, b in pairs]
    gg_t = torch.autograd.grad([b for _, b in pairs], [theirs_in[i] for i in diff_in],
                               [torch.tensor(s) for s in seeds2], allow_unused=True)
    gg_o = tm.autograd.grad([a for a, _ in pairs], [ours_in[i] for i in diff_in],
                            [tm.tensor(s, device=TEST_DEVICE) for s in seeds2],
                            allow_unused=True)
    for i, (a, b) in enumerate(zip(gg_o, gg_t)):
        if b is None:
            assert a is None or not _to_numpy(a).any(), f"gradgrad[{i}] should be None/zero"
            continue
        if a is None:
            assert not _to_numpy(b).any(), f"gradgrad[{i}] is None but torch's is nonzero"
            continue
        assert_same(a, b, grad_atol or atol, rtol, f"gradgrad[{i}]")


def check_error(fn, arrays=(), match=None):
    """fn raises the same exception type on both, and our message contains `match`
    (default: torch's message, exactly)."""
    torch = load_oracle()
    results = []
    for m in (tm, torch):
        ins = [m.tensor(a) if isinstance(a, np.ndarray) else a for a in arrays]
        try:
            fn(m, *ins)
        except Exception as e:  # noqa: BLE001 - comparing whatever torch raises
            results.append(e)
        else:
            results.append(None)
    ours, theirs = results
    assert theirs is not None, "torch did not raise"
    assert ours is not None, f"taimatsu did not raise; torch raised {theirs!r}"
    assert isinstance(ours, type(theirs)), f"{type(ours).__name__} vs {type(theirs).__name__}"
    expected = match if match is not None else str(theirs)
    assert expected in str(ours), f"message {str(ours)!r} lacks {expected!r}"
