"""Indexing against the PyTorch oracle: t[...], t[...] = v, gather/scatter, index_*,
masked_*, take/put, nonzero.

Tables state inputs and calls; `check` compares values, dtypes, shapes and first and
second derivatives with torch; hypothesis draws random basic + advanced index tuples.
"""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import taimatsu as tm
from conftest import load_oracle
from harness import check, check_error, noncontig, randint, randn

F32 = np.float32
A = randn(3, 4, 5)
M = randn(4, 6)
IDX = np.array([[0], [1], [2], [3]])


def _ix(m, a):
    return m.tensor(a)


# (name, index as a function of the module) — read with t[index]
GETITEM = [
    ("int", lambda m: 1),
    ("neg_int", lambda m: -1),
    ("ints", lambda m: (0, 2)),
    ("slice", lambda m: slice(1, None)),
    ("full_slice", lambda m: slice(None)),
    ("step", lambda m: (slice(None, None, 2), slice(1, 4, 2))),
    ("slice_past_end", lambda m: slice(1, 10)),
    ("empty_slice", lambda m: slice(2, 1)),
    ("none", lambda m: None),
    ("none_mid", lambda m: (0, None, slice(1, 3), None)),
    ("ellipsis", lambda m: Ellipsis),
    ("ellipsis_int", lambda m: (Ellipsis, 1)),
    ("int_ellipsis", lambda m: (1, Ellipsis, None)),
    ("empty_tuple", lambda m: ()),
    ("true", lambda m: True),
    ("false", lambda m: (0, False)),
    ("list", lambda m: [0, 2, 2]),
    ("tensor", lambda m: m.tensor([2, 0, -1])),
    ("tensor_2d", lambda m: m.tensor([[0, 1], [2, 2]])),
    ("tensor_0d", lambda m: m.tensor(1)),
    ("tensor_0d_mixed", lambda m: (m.tensor(0), slice(None), [1, 2])),
    ("int32", lambda m: m.tensor([1, 2], dtype=m.int32)),
    ("empty_list", lambda m: []),
    ("mask", lambda m: m.tensor([True, False, True])),
    ("mask_2d", lambda m: m.tensor(A[:, :, 0] > 0)),
    ("mask_full", lambda m: m.tensor(A > 0)),
    ("mask_bool_list", lambda m: (slice(None), [True, False, True, True])),
    ("adv_adjacent", lambda m: (slice(None), [0, 2], [1, 3])),
    ("adv_separated", lambda m: ([0, 2], slice(None), [1, 3])),
    ("adv_int_first", lambda m: (0, slice(None), [1, 2])),
    ("adv_broadcast", lambda m: ([[0], [2]], slice(None), [1, 3])),
    ("adv_mask_int", lambda m: (m.tensor([True, False, True]), 1)),
    ("adv_none", lambda m: (None, [0, 1], None)),
    ("adv_slice_adv", lambda m: ([1], slice(1, 3), m.tensor([0, 4]))),
    ("repeated", lambda m: ([0, 0, 0], 1)),
]


@pytest.mark.parametrize("name, index", GETITEM, ids=[g[0] for g in GETITEM])
def test_getitem(name, index):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda m, x: x[index(m)], [A])


def test_getitem_noncontiguous_and_f32():
    check(lambda m, x: x[1:, [0, 2]], [noncontig(M)])
    check(lambda m, x: x[::2, None, m.tensor([1, 3])], [randn(5, 6, dtype=F32)])
    check(lambda m, x: x[x > 0], [randint(-3, 3, 4, 5)])


GETITEM_NAMES = [lambda m: 0, lambda m: slice(1, None), lambda m: slice(None),
                 lambda m: Ellipsis, lambda m: None, lambda m: (0, 1),
                 lambda m: (slice(None), slice(1, None)), lambda m: (None, slice(1, None)),
                 lambda m: [0, 1], lambda m: (0, [1, 2]), lambda m: m.tensor(1),
                 lambda m: (slice(None), slice(None)), lambda m: (Ellipsis, 0),
                 lambda m: (0, None), lambda m: (slice(None), 0, slice(None))]


@pytest.mark.parametrize("index", GETITEM_NAMES)
def test_getitem_node_names(index):
    torch = load_oracle()

    def chain(m):
        y = (m.tensor(A, requires_grad=True) * 1)[index(m)]
        names, fn = [], y.grad_fn
        while fn is not None and fn.name() != "MulBackward0":
            names.append(fn.name())
            fn = fn.next_functions[0][0]
        return names[0]
    assert chain(tm) == chain(torch)


# (name, index, value maker) — written with t[index] = value; both get gradients
SETITEM = [
    ("int_scalar", lambda m: 1, lambda m, v: 2.5),
    ("int_tensor", lambda m: 1, lambda m, v: v[0]),
    ("slice_broadcast", lambda m: (slice(None), 1), lambda m, v: v[0, 0, :1]),
    ("step", lambda m: (slice(None, None, 2), 0), lambda m, v: v[:2, 0]),
    ("ellipsis", lambda m: (Ellipsis, 0), lambda m, v: v[..., 1]),
    ("none", lambda m: (None, 0), lambda m, v: v[1]),
    ("lead_ones", lambda m: 0, lambda m, v: v[:1]),
    ("list", lambda m: [0, 2], lambda m, v: v[1:]),
    ("list_scalar", lambda m: [2, 0], lambda m, v: 3.0),
    ("list_0d", lambda m: [2, 0], lambda m, v: v[0, 0, 0]),
    ("mask", lambda m: m.tensor(A > 0), lambda m, v: v[0, 0, 0]),
    ("mask_row", lambda m: m.tensor([True, False, True]), lambda m, v: v[0]),
    ("adv_pair", lambda m: ([0, 1], slice(None), [2, 3]), lambda m, v: v[0, :, 0]),
    ("adv_int", lambda m: (0, slice(None), [1, 2]), lambda m, v: v[:1, :, :2].reshape(4, 2)),
    ("all", lambda m: Ellipsis, lambda m, v: v * 2),
]


@pytest.mark.parametrize("name, index, value", SETITEM, ids=[s[0] for s in SETITEM])
def test_setitem(name, index, value):
    def fn(m, x, v):
        y = x * 1
        y[index(m)] = value(m, v)
        return y
    check(fn, [A, randn(3, 4, 5)])


def test_setitem_node_name_and_view_rebase():
    def fn(m, x, v):
        y = x * 1
        row = y[1]
        row[1:3] = v[0, :2]
        col = y[:, :, 0]
        col.mul_(2)
        return y
    check(fn, [A, randn(3, 4, 5)])
    torch = load_oracle()
    for m in (tm, torch):
        y = m.tensor(A, requires_grad=True) * 1
        row = y[1]
        row[0] = 1.0
        assert y.grad_fn.name() == "torch::autograd::CopySlices"
        assert row.grad_fn.name() == "AsStridedBackward0"


def test_setitem_on_view_of_plain_tensor_with_grad_value():
    torch = load_oracle()
    grads = []
    values = randn(2)
    for m in (tm, torch):
        v = m.tensor(values, requires_grad=True)
        base = m.zeros(3, 4, dtype=m.float64)
        view = base.t()[1]
        view[:2] = v
        (base * m.arange(12.0, dtype=m.float64).reshape(3, 4)).sum().backward()
        grads.append(v.grad.tolist())
        assert base.requires_grad
    assert grads[0] == grads[1]


def test_setitem_dtypes():
    torch = load_oracle()
    for m in (tm, torch):
        z = m.zeros(3, dtype=m.long)
        z[0] = m.tensor(1.7)
        z[1:] = 2.9
        assert z.tolist() == [1, 2, 2]
        b = m.zeros(2, 2, dtype=m.bool)
        b[0, 1] = True
        assert b.tolist() == [[False, True], [False, False]]
    check_error(lambda m: m.zeros(3, dtype=m.long).__setitem__([0], m.tensor([1.5])))


def test_setitem_never_half_modifies():
    x = tm.arange(6.0)
    for index, value in (([0, 9], 1.0), ((slice(None),), tm.ones(2)), ([1, 2], tm.ones(3)),
                         (tm.tensor([True, False]), 1.0)):
        with pytest.raises((IndexError, RuntimeError)):
            x[index] = value
        assert x.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert x._version == 0


def test_setitem_bumps_version_and_stales_saved():
    def run(m):
        x = m.tensor(A, requires_grad=True) * 1
        y = x.sin()
        x[0, 0] = 1.0
        y.sum().backward()
    check_error(run)


# (name, call, inputs) for the named index ops: values and 1st/2nd derivatives
OPS = [
    ("gather", lambda m, x: x.gather(1, _ix(m, IDX)), [M]),
    ("gather_small", lambda m, x: m.gather(x, 0, _ix(m, [[0, 3], [2, 2]])), [M]),
    ("gather_int32", lambda m, x: x.gather(1, _ix(m, IDX).int()), [M]),
    ("scatter", lambda m, x, s: x.scatter(1, _ix(m, [[0, 1], [2, 3]]), s), [M, randn(2, 2)]),
    ("scatter_big_src", lambda m, x, s: x.scatter(1, _ix(m, [[0, 1], [2, 3]]), s).detach(),
     [M, randn(3, 3)]),
    ("scatter_value", lambda m, x: m.scatter(x, 0, _ix(m, [[1, 2, 3]]), 2.5), [M]),
    ("scatter_value_kw", lambda m, x: x.scatter(0, _ix(m, [[1]]), value=-1.0), [M]),
    ("scatter_add", lambda m, x, s: x.scatter_add(0, _ix(m, [[0, 0, 1], [0, 3, 3]]), s),
     [M, randn(2, 3)]),
    ("scatter_reduce_sum", lambda m, x, s: x.scatter_reduce(
        1, _ix(m, [[0, 0, 2], [1, 1, 1]]), s, "sum"), [M, randn(2, 3)]),
    ("scatter_reduce_sum_excl", lambda m, x, s: x.scatter_reduce(
        1, _ix(m, [[0, 0, 2], [1, 1, 1]]), s, "sum", include_self=False), [M, randn(2, 3)]),
    ("scatter_reduce_mean", lambda m, x, s: x.scatter_reduce(
        1, _ix(m, [[0, 0, 2], [1, 1, 1]]), s, "mean"), [M, randn(2, 3)]),
    ("scatter_reduce_mean_excl", lambda m, x, s: x.scatter_reduce(
        0, _ix(m, [[0, 0, 2], [1, 1, 1]]), s, "mean", include_self=False), [M, randn(2, 3)]),
    ("scatter_reduce_amax", lambda m, x, s: x.scatter_reduce(
        1, _ix(m, [[0, 0, 2], [1, 1, 1]]), s, "amax"), [M, randn(2, 3)]),
    ("scatter_reduce_amin_excl", lambda m, x, s: x.scatter_reduce(
        1, _ix(m, [[0, 0, 2], [1, 1, 1]]), s, "amin", include_self=False), [M, randn(2, 3)]),
    ("scatter_reduce_prod", lambda m, x, s: x.scatter_reduce(
        1, _ix(m, [[0, 0, 2], [1, 1, 1]]), s, "prod"), [M, randn(2, 3)]),
    ("scatter_reduce_int", lambda m, x, s: x.scatter_reduce(
        0, _ix(m, [[0, 1], [0, 0]]), s, "mean"), [randint(0, 9, 2, 2), randint(0, 9, 2, 2)]),
    ("index_select", lambda m, x: x.index_select(1, _ix(m, [4, 0, 4])), [M]),
    ("index_select_0d", lambda m, x: m.index_select(x, 0, _ix(m, 2)), [M]),
    ("index_add", lambda m, x, s: x.index_add(0, _ix(m, [0, 2, 0]), s), [M, randn(3, 6)]),
    ("index_add_alpha", lambda m, x, s: m.index_add(x, 1, _ix(m, [5, 1]), s, alpha=-2.0),
     [M, randn(4, 2)]),
    ("index_copy", lambda m, x, s: x.index_copy(1, _ix(m, [5, 1]), s), [M, randn(4, 2)]),
    ("index_fill", lambda m, x: x.index_fill(1, _ix(m, [5, 1]), -1.5), [M]),
    ("index_fill_tensor", lambda m, x, v: x.index_fill(0, _ix(m, [2]), v), [M, np.array(3.0)]),
    ("index_put", lambda m, x, v: x.index_put((_ix(m, [0, 2]), _ix(m, [1, 1])), v),
     [M, randn(2)]),
    ("index_put_acc", lambda m, x, v: m.index_put(x, (_ix(m, [0, 0, 3]),), v,
                                                  accumulate=True), [M, randn(6)]),
    ("masked_fill", lambda m, x: x.masked_fill(x > 0, 0.5), [M]),
    ("masked_fill_bcast", lambda m, x: m.masked_fill(x, m.tensor([True, False] * 3), 2.0),
     [M]),
    ("masked_fill_tensor", lambda m, x, v: x.masked_fill(x < 0, v), [M, np.array(-2.0)]),
    ("masked_fill_grows", lambda m, x: x.masked_fill(m.ones(2, 1, 1, dtype=m.bool), 0.0), [M]),
    ("masked_scatter", lambda m, x, s: x.masked_scatter(x > 0, s), [M, randn(5, 6)]),
    ("masked_select", lambda m, x: x.masked_select(x > 0), [M]),
    ("masked_select_bcast", lambda m, x: m.masked_select(x, m.tensor([True, False] * 3)),
     [M]),
    ("take", lambda m, x: x.take(_ix(m, [[0, 23], [5, -1]])), [M]),
    ("take_along_dim", lambda m, x: x.take_along_dim(_ix(m, IDX), 1), [M]),
    ("take_along_dim_bcast", lambda m, x: m.take_along_dim(x, _ix(m, [[0], [2]]), 0), [M]),
    ("take_along_dim_flat", lambda m, x: x.take_along_dim(_ix(m, [0, 7])), [M]),
    ("put", lambda m, x, s: x.put(_ix(m, [0, 7, 23]), s), [M, randn(3)]),
    ("put_acc", lambda m, x, s: x.put(_ix(m, [[0, 7], [0, -1]]), s, accumulate=True),
     [M, randn(2, 2)]),
    ("nonzero", lambda m, x: x.nonzero(), [randint(0, 2, 3, 4)]),
    ("nonzero_tuple", lambda m, x: m.nonzero(x, as_tuple=True), [randint(0, 2, 3, 4)]),
    ("nonzero_0d", lambda m, x: (x.nonzero(), x.nonzero(as_tuple=True)), [np.array(5.0)]),
    ("argwhere", lambda m, x: m.argwhere(x), [randn(3, 4) > 0]),
    ("f32_gather", lambda m, x: x.gather(0, _ix(m, [[1, 0]])), [randn(2, 2, dtype=F32)]),
]


@pytest.mark.parametrize("name, fn, arrays", OPS, ids=[o[0] for o in OPS])
def test_index_op(name, fn, arrays):
    check(fn, arrays)


# in-place variants: the same values, and gradients through the modified clone
INPLACE = [
    ("scatter_", lambda m, x, s: x.scatter_(1, _ix(m, [[0, 1], [2, 3]]), s), [M, randn(2, 2)]),
    ("scatter_value_", lambda m, x, s: x.scatter_(1, _ix(m, [[0, 1]]), 1.5), [M, randn(1)]),
    ("scatter_add_", lambda m, x, s: x.scatter_add_(0, _ix(m, [[0, 0]]), s), [M, randn(1, 2)]),
    ("scatter_reduce_", lambda m, x, s: x.scatter_reduce_(0, _ix(m, [[0, 0]]), s, "amax"),
     [M, randn(1, 2)]),
    ("index_add_", lambda m, x, s: x.index_add_(0, _ix(m, [1]), s, alpha=2), [M, randn(1, 6)]),
    ("index_copy_", lambda m, x, s: x.index_copy_(0, _ix(m, [1]), s), [M, randn(1, 6)]),
    ("index_fill_", lambda m, x, s: x.index_fill_(1, _ix(m, [1, 2]), -1), [M, randn(1)]),
    ("index_put_", lambda m, x, s: x.index_put_((_ix(m, [1, 1]),), s, accumulate=True),
     [M, randn(6)]),
    ("masked_fill_", lambda m, x, s: x.masked_fill_(x > 0, 0.0), [M, randn(1)]),
    ("masked_scatter_", lambda m, x, s: x.masked_scatter_(x > 0, s), [M, randn(24)]),
    ("put_", lambda m, x, s: x.put_(_ix(m, [3, 4]), s), [M, randn(2)]),
]


@pytest.mark.parametrize("name, fn, arrays", INPLACE, ids=[i[0] for i in INPLACE])
def test_inplace_index_op(name, fn, arrays):
    def through_clone(m, x, s):
        y = x * 1
        out = fn(m, y, s)
        assert out is y
        return y
    check(through_clone, arrays)
    # without autograd the op writes into the tensor's own memory
    x = tm.tensor(arrays[0])
    ptr = x.data_ptr()
    fn(tm, x, tm.tensor(arrays[1]))
    assert x.data_ptr() == ptr and x._version == 1


def test_inplace_index_op_on_view_reaches_base():
    def fn(m, x, s):
        y = x * 1
        y[1].index_add_(0, m.tensor([0, 0]), s)
        y.t()[0].masked_fill_(m.tensor([True, False, True, False]), 0.0)
        return y
    check(fn, [M, randn(2)])


def test_node_names():
    torch = load_oracle()
    calls = [lambda m, x: x.gather(1, m.tensor(IDX)),
             lambda m, x: x.scatter(1, m.tensor(IDX), x),
             lambda m, x: x.scatter(1, m.tensor(IDX), 1.0),
             lambda m, x: x.scatter_add(1, m.tensor(IDX), x),
             lambda m, x: x.scatter_reduce(1, m.tensor(IDX), x, "amax"),
             lambda m, x: x.index_select(0, m.tensor([1])),
             lambda m, x: x.index_add(0, m.tensor([1]), x[:1]),
             lambda m, x: x.index_copy(0, m.tensor([1]), x[:1]),
             lambda m, x: x.index_fill(0, m.tensor([1]), 1.0),
             lambda m, x: x.index_fill(0, m.tensor([1]), m.tensor(1.0, requires_grad=True)),
             lambda m, x: x.index_put((m.tensor([1]),), x[0]),
             lambda m, x: x.masked_fill(x > 0, 1.0),
             lambda m, x: x.masked_fill(x > 0, m.tensor(1.0)),
             lambda m, x: x.masked_scatter(x > 0, x),
             lambda m, x: x.masked_select(x > 0),
             lambda m, x: x.take(m.tensor([1])),
             lambda m, x: x.put(m.tensor([1]), x[0, :1]),
             lambda m, x: x.take_along_dim(m.tensor(IDX), 1)]
    for call in calls:
        ours = call(tm, tm.tensor(M, requires_grad=True) * 1).grad_fn.name()
        theirs = call(torch, torch.tensor(M, requires_grad=True) * 1).grad_fn.name()
        assert ours == theirs


def _adv_message(fn):
    def call(m, x):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(m, x)
    return call


ERRORS = [
    lambda m, x: x[5],
    lambda m, x: x[-4],
    lambda m, x: x[:, 4],
    lambda m, x: x[:, [1, 7]],
    lambda m, x: x[:, m.tensor([1, -7])],
    lambda m, x: x[0, 0, 0, 0],
    lambda m, x: x[m.tensor([True, False])],
    lambda m, x: x[[0, 1], [0, 1, 2]],
    lambda m, x: x[1.5],
    lambda m, x: x[m.tensor([1.5])],
    lambda m, x: x[::-1],
    lambda m, x: x[:, ::0],
    lambda m, x: x[0, 0, 0][0],
    lambda m, x: x.__setitem__(slice(None), m.ones(2)),
    lambda m, x: x.__setitem__([0, 1], m.ones(3, 4, 4)),
    lambda m, x: x.gather(1, m.tensor([[[7]]])),
    lambda m, x: x.gather(1, m.tensor([[0]])),
    lambda m, x: x.gather(1, m.zeros(4, 1, 1, dtype=m.long)),
    lambda m, x: x.gather(1, m.tensor([[[-1]]])),
    lambda m, x: x.scatter(0, m.tensor([[[5]]]), 1.0),
    lambda m, x: x.scatter(0, m.tensor([[[0]]]), m.ones(1, 1, 1, dtype=m.float32)),
    lambda m, x: x.scatter_add(0, m.tensor([[[0, 1]]]), m.ones(1, 1, 1, dtype=m.float64)),
    lambda m, x: x.scatter_reduce(0, m.zeros(1, 1, 1, dtype=m.long), x, "foo"),
    lambda m, x: x.index_select(0, m.tensor([[0]])),
    lambda m, x: x.index_select(0, m.tensor([5])),
    lambda m, x: x.index_select(0, m.tensor([0.0])),
    lambda m, x: x.index_add(0, m.tensor([0]), m.ones(2, 4, 5)),
    lambda m, x: x.index_add(0, m.tensor([0]), m.ones(2, 4, 5, dtype=m.float64)),
    lambda m, x: x.index_copy(0, m.tensor([0]), m.ones(2, 4, 5, dtype=m.float64)),
    lambda m, x: x.index_fill(0, m.tensor([5]), 1),
    lambda m, x: x.index_put((m.tensor([5]),), m.tensor(1.0, dtype=m.float64)),
    lambda m, x: x.index_put((m.tensor([0]),), m.tensor(1.0)),
    lambda m, x: x.masked_fill(m.ones(5), 0),
    lambda m, x: x.masked_fill(x > 0, m.ones(3)),
    lambda m, x: x[0].masked_fill_(m.ones(2, 1, 1, dtype=m.bool), 0),
    lambda m, x: x.masked_scatter(x > 0, m.ones(3, dtype=m.float64)),
    lambda m, x: x.masked_scatter(x > 0, m.ones(3)),
    lambda m, x: x.take(m.tensor([60])),
    lambda m, x: x.put_(m.tensor([0]), x[0, 0, :2]),
    lambda m, x: x.put(m.tensor([60]), x[0, 0, :1]),
    lambda m, x: x.take_along_dim(m.tensor([0]), 1),
    lambda m, x: x[0].take_along_dim(m.tensor([[0, 2]]), 0),
    lambda m, x: x[:, :, [9]],
    lambda m, x: x[[0], :, [9]],
    lambda m, x: x.__setitem__((slice(None), [7]), 1.0),
    lambda m, x: m.ones(3, requires_grad=True).__setitem__(m.tensor([True] * 3), 1.0),
    lambda m, x: x[:, :1].expand(3, 2, 5).__setitem__(0, 1.0),
    lambda m, x: m.ones(3, requires_grad=True).__setitem__(0, 1.0),
    lambda m, x: m.ones(3, requires_grad=True)[1:].__setitem__(0, 1.0),
    lambda m, x: m.ones(3, requires_grad=True)[1:].masked_fill_(m.tensor(True), 1.0),
]


@pytest.mark.parametrize("fn", ERRORS)
def test_index_errors(fn):
    check_error(_adv_message(fn), [A])


def test_scatter_reduce_argument_has_no_derivative():
    def run(m):
        x = m.tensor(M, requires_grad=True) * 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = x.scatter(1, m.tensor(IDX), x, reduce="add")
        y.sum().backward()
    check_error(run)


def test_scatter_reduce_arg_values():
    for reduce in ("add", "multiply"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            check(lambda m, x, s: x.scatter(1, m.tensor([[0, 0], [1, 1]]), s, reduce=reduce),
                  [M, randn(2, 2)], grad=False)


# ---------------------------------------------------------------------------------------
# property tests: random index tuples, read and written, against torch

SHAPE = (4, 3, 5)


@st.composite
def index_items(draw, size):
    kind = draw(st.sampled_from(["int", "slice", "list", "tensor", "mask", "full"]))
    if kind == "int":
        return draw(st.integers(-size, size - 1))
    if kind == "slice":
        start = draw(st.one_of(st.none(), st.integers(-size - 1, size + 1)))
        stop = draw(st.one_of(st.none(), st.integers(-size - 1, size + 1)))
        step = draw(st.one_of(st.none(), st.integers(1, 3)))
        return slice(start, stop, step)
    if kind == "full":
        return slice(None)
    if kind == "mask":
        return ("mask", draw(st.lists(st.booleans(), min_size=size, max_size=size)))
    values = draw(st.lists(st.integers(-size, size - 1), min_size=1, max_size=3))
    return (kind, values)


@st.composite
def index_tuples(draw):
    n = draw(st.integers(1, len(SHAPE)))
    items = [draw(index_items(SHAPE[d])) for d in range(n)]
    lengths = {len(v) for i in items if type(i) is tuple and i[0] != "mask" for v in [i[1]]}
    if len(lengths) > 1:  # advanced indices must broadcast: make them equal-length
        k = min(lengths)
        items = [(i[0], i[1][:k]) if type(i) is tuple and i[0] != "mask" else i for i in items]
    for _ in range(draw(st.integers(0, 2))):
        items.insert(draw(st.integers(0, len(items))), None)
    if draw(st.booleans()) and n < len(SHAPE):
        items.insert(draw(st.integers(0, len(items))), Ellipsis)
    return items


def _materialise(m, items):
    out = []
    for i in items:
        if type(i) is tuple:
            kind, v = i
            if kind == "mask":
                out.append(m.tensor(v))
            elif kind == "tensor":
                out.append(m.tensor(v))
            else:
                out.append(list(v))
        else:
            out.append(i)
    return tuple(out)


def _outcome(fn):
    try:
        return fn(), None
    except (IndexError, RuntimeError, ValueError) as e:
        return None, type(e)


@settings(max_examples=120, deadline=None)
@given(index_tuples())
def test_random_getitem(items):
    torch = load_oracle()
    a = np.arange(np.prod(SHAPE), dtype=np.float64).reshape(SHAPE)
    ours, err_o = _outcome(lambda: tm.tensor(a)[_materialise(tm, items)])
    theirs, err_t = _outcome(lambda: torch.tensor(a)[_materialise(torch, items)])
    assert err_o == err_t
    if theirs is not None:
        assert tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        if theirs.numel():  # torch's strides and offsets of empty results are arbitrary
            assert ours.stride() == theirs.stride()
            if theirs._base is not None:
                assert ours.storage_offset() == theirs.storage_offset()


@settings(max_examples=120, deadline=None)
@given(index_tuples(), st.booleans())
def test_random_setitem(items, scalar):
    torch = load_oracle()
    a = np.arange(np.prod(SHAPE), dtype=np.float64).reshape(SHAPE)
    region = _outcome(lambda: torch.tensor(a)[_materialise(torch, items)])[0]
    if region is None:
        return
    has_dupes = any(type(i) is tuple and i[0] != "mask" and len(set(i[1])) < len(i[1])
                    for i in items)
    if has_dupes and not scalar:
        return  # which duplicate wins is unspecified in torch
    value = -1.0 if scalar else -np.arange(region.numel(), dtype=np.float64).reshape(
        tuple(region.shape))
    results = []
    for m in (tm, torch):
        x = m.tensor(a)
        v = value if scalar else m.tensor(value)
        x[_materialise(m, items)] = v
        results.append(x.numpy().copy())
    np.testing.assert_array_equal(results[0], results[1])


@settings(max_examples=25, deadline=None)
@given(index_tuples())
def test_random_index_gradients(items):
    torch = load_oracle()
    a = randn(*SHAPE)
    region = _outcome(lambda: torch.tensor(a)[_materialise(torch, items)])[0]
    if region is None or region.numel() == 0:
        return
    check(lambda m, x: x[_materialise(m, items)], [a])


# regressions found by tests/test_fuzz.py

def test_setitem_dtype_mismatch_rules():
    """index_put_ refuses another dtype, except where the write is masked_fill_ (one mask,
    one value) or a copy (python bools index as None does)."""
    torch = load_oracle()
    for m in (tm, torch):
        x = m.zeros(3)
        x[True] = m.tensor([1])
        x[m.tensor([True, False, True])] = m.tensor(2)
    for key in ([0], np.array([0]), [], np.array(True)):
        check_error(lambda m, x, k=key: x.__setitem__(
            m.tensor(k) if isinstance(k, np.ndarray) else k, m.tensor(1)), [np.zeros(3)])


def test_setitem_history_names_on_the_tensor_itself():
    torch = load_oracle()
    keys = [Ellipsis, slice(None), (slice(None), [1]), 0, slice(0, 2)]
    values = [lambda m: 3.0, lambda m: m.tensor(2.0), lambda m: m.tensor([2.0, 1.0])]
    for key in keys:
        for value in values:
            names = []
            for m in (tm, torch):
                x = m.zeros(2, 2, requires_grad=True) * 1
                try:
                    x[key] = value(m)
                except RuntimeError:  # a value that does not fit: both refuse
                    names.append("RuntimeError")
                    continue
                names.append(type(x.grad_fn).__name__)
            assert names[0] == names[1], (key, names)


def test_index_put_keeps_layout():
    torch = load_oracle()
    outs = [m.zeros(3, 4).t().index_put((m.tensor([0]),), m.tensor(1.0)).stride()
            for m in (tm, torch)]
    assert outs[0] == outs[1]


@pytest.mark.parametrize("index", [
    (..., ...), (..., 0, ...), (0, ..., ...), (None, ..., ...), (0, ..., 1, ...),
    (..., slice(1, 3), ..., ...), (..., 0, 0, 0, ...)])
def test_several_ellipses(index):
    # torch lets each ellipsis skip the leftover dims (numpy allows only one)
    check(lambda m, x: x[index], [A])

    def write(m, x):
        y = x.clone()
        y[index] = -1.0
        return y
    check(write, [A])


@pytest.mark.parametrize("index", [(..., 0, ..., None), (..., ..., 0)])
def test_several_ellipses_out_of_range(index):
    check_error(lambda m, x: x[index], [A], match="")


@pytest.mark.parametrize("write", [
    lambda m, x: x.index_put_((m.tensor([0, 2]),), m.tensor([1.0, 2.0]), accumulate=True),
    lambda m, x: x.index_put_((m.tensor([0, 2]),), m.tensor([1.0, 2.0])),
    lambda m, x: x.__setitem__(m.tensor([0, 2]), m.tensor([1.0, 2.0])),
    lambda m, x: x.masked_fill_(m.tensor([True, False, True]), 7.0)])
def test_advanced_writes_into_expanded_tensor_warn(write):
    # torch writes the shared memory (aliased elements accumulate) with a deprecation warning
    results = []
    for m in (tm, load_oracle()):
        base = m.tensor([0.5])
        with pytest.warns(UserWarning, match="on expanded tensors is deprecated"):
            write(m, base.expand(3))
        results.append(base.tolist())
    assert results[0] == results[1]


def test_basic_write_into_expanded_tensor_still_refused():
    def write(m, x):
        x.expand(3)[:] = 1.0
    check_error(write, [np.zeros(1)])


@pytest.mark.parametrize("index", [
    (slice(0, 3),), (slice(0, 5),), (slice(-5, None),), (slice(None, 10, 1),),
    (slice(0, None, 2),), (slice(0, 9), None)])
def test_slice_past_the_end_inside_a_tuple_is_an_alias(index):
    x = randn(3)
    ours = tm.tensor(x, requires_grad=True).clone()[index]
    theirs = load_oracle().tensor(x, requires_grad=True).clone()[index]
    assert type(ours.grad_fn).__name__ == theirs.grad_fn.name()
