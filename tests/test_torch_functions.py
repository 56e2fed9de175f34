"""Small torch.* functions with no family table of their own, against the oracle."""
import numpy as np
import pytest

import taimatsu as tm
from conftest import load_oracle
from harness import assert_same, check, check_error, randn

torch = load_oracle()


def test_swapdims_row_stack_chain_matmul_pinverse():
    check(lambda m, x: m.swapdims(x, 0, 2), [randn(2, 3, 4)])
    check(lambda m, x: m.swapaxes(x, 1, 0), [randn(2, 3)])
    check(lambda m, a, b: m.row_stack([a, b]), [randn(3), randn(2, 3)])
    check(lambda m, a, b, c: m.chain_matmul(a, b, c), [randn(2, 3), randn(3, 4), randn(4, 2)])
    check(lambda m, a: m.pinverse(a), [randn(4, 3)], gradgrad=False)
    check(lambda m, a: m.pinverse(a, rcond=0.5), [randn(3, 3)], grad=False)


def test_as_tensor_and_empty_strided():
    a = np.arange(6.0)
    t = tm.as_tensor(a, device="cpu")
    t[0] = 7.0
    assert a[0] == 7.0  # shares memory on the cpu, as torch's
    assert_same(tm.as_tensor([1, 2], dtype=tm.float32), torch.as_tensor([1, 2],
                                                                           dtype=torch.float32))
    for size, stride in (((2, 3), (1, 2)), ((2, 2), (3, 1)), ((0, 4), (4, 1))):
        ours = tm.empty_strided(size, stride, dtype=tm.float64)
        theirs = torch.empty_strided(size, stride, dtype=torch.float64)
        assert (tuple(ours.shape), ours.stride(), ours.dtype.is_floating_point) == \
            (tuple(theirs.shape), theirs.stride(), theirs.dtype.is_floating_point)


@pytest.mark.parametrize("name", ["polar", "complex"])
def test_complex_from_parts(name):
    """torch.polar and torch.complex: values, broadcasting, gradients (PolarBackward0,
    ComplexBackward0), out=, and torch's dtype and shape errors."""
    check(lambda m, r, theta: getattr(m, name)(r, theta), [np.abs(randn(3, 1)) + 0.1, randn(4)])
    check(lambda m, r, theta: getattr(m, name)(r, theta),
          [np.abs(randn(4)).astype(np.float32), randn(4).astype(np.float32)], gradgrad=False)
    check(lambda m, r, theta: getattr(m, name)(r, theta, out=m.empty(2, dtype=m.complex128)),
          [np.array([2.0, 0.0]), np.array([np.inf, 1.0])], grad=False)
    for arrays in ([np.ones(2, np.float32), np.ones(2)], [np.ones(2), np.ones(2, np.float32)],
                   [np.ones(2, np.int64), np.ones(2, np.int64)], [np.ones(2), np.ones(3)]):
        check_error(lambda m, r, theta: getattr(m, name)(r, theta), arrays)


@pytest.mark.parametrize("a, b", [(1, 2.0), (np.array([1], np.int32), 2), (True, 3),
                                  (np.array([1.0], np.float32), np.array([1.0])),
                                  (np.array([1], np.uint8), -1), (2.5, 1j)])
def test_result_type(a, b):
    def lift(m, v):
        return m.tensor(v) if isinstance(v, np.ndarray) else v
    assert str(tm.result_type(lift(tm, a), lift(tm, b))) == \
        str(torch.result_type(lift(torch, a), lift(torch, b)))


def test_is_tensor_is_nonzero_broadcast_shapes():
    for m in (tm, torch):
        assert m.is_tensor(m.ones(1)) and not m.is_tensor(np.ones(1))
        assert m.is_nonzero(m.tensor([1.5])) and not m.is_nonzero(m.tensor(0))
    check_error(lambda m, x: m.is_nonzero(x), [np.ones(2)])
    check_error(lambda m, x: m.is_nonzero(x), [np.ones(0)])
    for shapes in [((2, 1), (3,)), ((), (1, 4), (5, 1, 1)), ((0, 1), (3,))]:
        assert tuple(tm.broadcast_shapes(*shapes)) == tuple(torch.broadcast_shapes(*shapes))
    for shapes in [((2,), (3,)), ((2, 1), (1, 3), (4, 1, 5)), ((5, 4), (3, 4)), ((0,), (2,)),
                   ((1, 2), (3, 1), (3, 3))]:
        check_error(lambda m: m.broadcast_shapes(*shapes))


@pytest.mark.parametrize("pad, value", [([1, 2], 0), ([1, -1], 3.5), ([0, 1, 2, 0], -1),
                                        ([-1, 0, 1, 1], 0)])
def test_constant_pad_nd(pad, value):
    check(lambda m, x: m.constant_pad_nd(x, pad, value), [randn(3, 4)])
    check(lambda m, x: m.constant_pad_nd(x, pad), [np.arange(12).reshape(3, 4)])
    check_error(lambda m, x: m.constant_pad_nd(x, [1]), [randn(3)])
    check_error(lambda m, x: m.constant_pad_nd(x, [1, 1, 1, 1]), [randn(3)])


OUT_WITH_GRAD = [
    ("mm", lambda m, a, o: m.mm(a, a, out=o)),
    ("matmul", lambda m, a, o: m.matmul(a.unsqueeze(0), a, out=o)),
    ("sum", lambda m, a, o: m.sum(a, 0, out=o)),
    ("cumsum", lambda m, a, o: m.cumsum(a, 0, out=o)),
    ("gather", lambda m, a, o: m.gather(a, 0, m.zeros(2, 2, dtype=m.long), out=o)),
    ("cat", lambda m, a, o: m.cat([a, a], out=o)),
    ("stack", lambda m, a, o: m.stack([a, a], out=o)),
    ("linalg.inv", lambda m, a, o: m.linalg.inv(a, out=o)),
    ("exp", lambda m, a, o: m.exp(a, out=o)),
    ("atan2", lambda m, a, o: m.atan2(a, a, out=o)),
    ("logaddexp", lambda m, a, o: m.logaddexp(a, a, out=o)),
    ("max", lambda m, a, o: m.max(a, 0, out=(o, m.empty(2, dtype=m.long)))),
]


@pytest.mark.parametrize("case", OUT_WITH_GRAD, ids=[c[0] for c in OUT_WITH_GRAD])
def test_out_refuses_inputs_that_need_grad(case):
    """One out= helper for every family: torch's refusal, naming the op."""
    check_error(lambda m, a: case[1](m, a.requires_grad_(), m.empty(0)), [randn(2, 2)])


OUT_DTYPES = [
    ("mm", lambda m, a, o: m.mm(a, a, out=o)),
    ("matmul", lambda m, a, o: m.matmul(a.unsqueeze(0), a, out=o)),
    ("linalg.inv", lambda m, a, o: m.linalg.inv(a, out=o)),
    ("gather", lambda m, a, o: m.gather(a, 0, m.zeros(2, 2, dtype=m.long), out=o)),
    ("sum", lambda m, a, o: m.sum(a, 0, out=o)),
    ("cumsum", lambda m, a, o: m.cumsum(a, 0, out=o)),
    ("prod", lambda m, a, o: m.prod(a, 0, out=o)),
    ("cumprod", lambda m, a, o: m.cumprod(a, 0, out=o)),
    ("exp", lambda m, a, o: m.exp(a, out=o)),
    ("cat", lambda m, a, o: m.cat([a, a], out=o)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "complex128"])
@pytest.mark.parametrize("case", OUT_DTYPES, ids=[c[0] for c in OUT_DTYPES])
def test_out_dtype_rules(case, dtype):
    """Each family's rule for out='s dtype, as torch: the same dtype (mm, linalg, gather),
    a cast within the category (elementwise, cat) or any dtype (reductions)."""
    a = randn(2, 2) * 3

    def run(m, a):
        return case[1](m, a, m.empty(0, dtype=getattr(m, dtype)))
    try:
        run(torch, torch.tensor(a))
    except Exception:  # noqa: BLE001 - the oracle's exception decides which check
        check_error(run, [a])
    else:
        check(run, [a], grad=False)


def test_constants():
    import math
    for name in ("pi", "e", "inf", "nan"):
        ours, theirs = getattr(tm, name), getattr(torch, name)
        assert type(ours) is type(theirs) is float
        assert ours == theirs or (math.isnan(ours) and math.isnan(theirs))
