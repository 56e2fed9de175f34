"""Views and shape ops against the PyTorch oracle.

Tables state inputs and calls; `check` compares values, dtypes, shapes and first and
second derivatives, `check_layout` compares what a view reports about its memory
(stride, storage_offset, is_contiguous, whether it shares its input's storage).
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


def _shares(m, out, x):
    if m is tm:
        return np.shares_memory(out.detach().numpy(), x.detach().numpy())
    return out.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()


def _layout(m, out, x):
    outs = out if isinstance(out, (tuple, list)) else [out]
    return [(tuple(o.shape), o.stride(), o.storage_offset(), o.is_contiguous(),
             _shares(m, o, x)) for o in outs]


def check_layout(fn, array):
    """fn(m, x) reports the same strides, offsets, contiguity and memory sharing."""
    torch = load_oracle()
    x_o, x_t = tm.tensor(array), torch.tensor(array)
    if not array.flags.c_contiguous:
        # the same non-contiguous layout on both sides
        x_o = tm.tensor(np.ascontiguousarray(array.swapaxes(-1, -2))).transpose(-1, -2)
        x_t = torch.tensor(np.ascontiguousarray(array.swapaxes(-1, -2))).transpose(-1, -2)
    ours = _layout(tm, fn(tm, x_o), x_o)
    theirs = _layout(torch, fn(torch, x_t), x_t)
    assert ours == theirs


A = randn(3, 4, 5)
M = randn(4, 6)

# (name, call, input arrays) — values, dtypes and derivatives vs torch
CASES = [
    ("view", lambda m, x: x.view(6, 10), [A]),
    ("view_neg", lambda m, x: x.view(-1, 5), [A]),
    ("view_tuple", lambda m, x: x.view((5, 12)), [A]),
    ("reshape_copy", lambda m, x: x.transpose(0, 2).reshape(-1), [A]),
    ("reshape_nc", lambda m, x: x.reshape(2, 12), [noncontig(M)]),
    ("view_as", lambda m, x, y: x.view_as(y), [M, randn(24)]),
    ("reshape_as", lambda m, x, y: x.t().reshape_as(y), [M, randn(24)]),
    ("unflatten", lambda m, x: x.unflatten(1, (2, -1)), [M]),
    ("flatten", lambda m, x: x.flatten(1), [A]),
    ("flatten_0d", lambda m, x: x.flatten(), [np.array(2.0)]),
    ("ravel_nc", lambda m, x: x.ravel(), [noncontig(M)]),
    ("expand", lambda m, x: x.expand(2, 3, -1), [randn(3, 1)]),
    ("expand_as", lambda m, x, y: x.expand_as(y), [randn(4, 1), M]),
    ("broadcast_to", lambda m, x: m.broadcast_to(x, (2, 4, 6)), [randn(1, 6)]),
    ("broadcast_tensors", lambda m, x, y: m.broadcast_tensors(x, y), [randn(3, 1), randn(4)]),
    ("unsqueeze", lambda m, x: x.unsqueeze(-1), [M]),
    ("squeeze", lambda m, x: x.squeeze(), [randn(1, 3, 1)]),
    ("squeeze_dim", lambda m, x: x.squeeze(2), [randn(1, 3, 1)]),
    ("squeeze_tuple", lambda m, x: x.squeeze((0, 1, 2)), [randn(1, 3, 1)]),
    ("permute", lambda m, x: x.permute(2, 0, 1), [A]),
    ("transpose", lambda m, x: x.transpose(0, -1), [A]),
    ("t", lambda m, x: x.t(), [M]),
    ("movedim", lambda m, x: m.movedim(x, 0, -1), [A]),
    ("movedim_tuple", lambda m, x: x.movedim((0, 1), (2, 0)), [A]),
    ("moveaxis", lambda m, x: m.moveaxis(x, -1, 0), [A]),
    ("T", lambda m, x: x.T, [M]),
    ("mT", lambda m, x: x.mT, [A]),
    ("H", lambda m, x: x.H, [M]),
    ("mH", lambda m, x: x.mH, [A]),
    ("adjoint", lambda m, x: x.adjoint(), [A]),
    ("narrow", lambda m, x: x.narrow(1, 1, 2), [A]),
    ("narrow_neg", lambda m, x: m.narrow(x, -1, -3, 2), [A]),
    ("select", lambda m, x: x.select(1, -1), [A]),
    ("unbind", lambda m, x: x.unbind(1), [A]),
    ("unbind_fn", lambda m, x: m.unbind(x), [M]),
    ("split", lambda m, x: x.split(2, 1), [randn(3, 5)]),
    ("split_sizes", lambda m, x: m.split(x, [1, 3, 1], 1), [randn(3, 5)]),
    ("split_one_used", lambda m, x: x.split(2)[1], [randn(5, 2)]),
    ("tensor_split_n", lambda m, x: x.tensor_split(3, 1), [randn(2, 7)]),
    ("tensor_split_idx", lambda m, x: m.tensor_split(x, (1, 5, 3), 1), [randn(2, 7)]),
    ("hsplit", lambda m, x: m.hsplit(x, 2), [M]),
    ("vsplit", lambda m, x: x.vsplit([1]), [M]),
    ("dsplit", lambda m, x: m.dsplit(x, 5), [A]),
    ("chunk", lambda m, x: x.chunk(3, 1), [randn(2, 7)]),
    ("chunk_fn", lambda m, x: m.chunk(x, 4), [randn(6)]),
    ("diagonal", lambda m, x: x.diagonal(), [M]),
    ("diagonal_off", lambda m, x: x.diagonal(1, 2, 0), [A]),
    ("diagonal_neg", lambda m, x: m.diagonal(x, -2), [M]),
    ("diagonal_empty", lambda m, x: x.diagonal(9), [M]),
    ("diag_vec", lambda m, x: m.diag(x), [randn(4)]),
    ("diag_vec_off", lambda m, x: x.diag(-2), [randn(3)]),
    ("diag_mat", lambda m, x: x.diag(1), [M]),
    ("diag_embed", lambda m, x: m.diag_embed(x), [randn(2, 3)]),
    ("diag_embed_off", lambda m, x: x.diag_embed(1, 0, 2), [randn(2, 3)]),
    ("tril", lambda m, x: x.tril(), [A]),
    ("tril_k", lambda m, x: m.tril(x, -1), [M]),
    ("triu", lambda m, x: x.triu(2), [M]),
    ("triu_nc", lambda m, x: m.triu(x), [noncontig(M)]),
    ("unfold", lambda m, x: x.unfold(1, 3, 1), [M]),
    ("unfold_gap", lambda m, x: x.unfold(0, 1, 2), [M]),
    ("unfold_step", lambda m, x: x.unfold(-1, 2, 2), [A]),
    ("unfold_0d", lambda m, x: x.unfold(0, 1, 1), [np.array(3.0)]),
    ("as_strided", lambda m, x: x.as_strided((3, 3), (1, 2)), [M]),
    ("as_strided_off", lambda m, x: m.as_strided(x, (2, 2), (6, 1), 7), [M]),
    ("as_strided_overlap", lambda m, x: x.as_strided((4, 3), (1, 1)), [randn(8)]),
    ("flip", lambda m, x: x.flip(0, 2), [A]),
    ("flip_list", lambda m, x: m.flip(x, [-1]), [A]),
    ("fliplr", lambda m, x: x.fliplr(), [M]),
    ("flipud", lambda m, x: m.flipud(x), [M]),
    ("roll", lambda m, x: x.roll(2, 1), [M]),
    ("roll_flat", lambda m, x: m.roll(x, -3), [M]),
    ("roll_multi", lambda m, x: x.roll((1, -2), (0, 2)), [A]),
    ("rot90", lambda m, x: x.rot90(), [M]),
    ("rot90_2", lambda m, x: m.rot90(x, 2, (1, 2)), [A]),
    ("rot90_neg", lambda m, x: x.rot90(-1, [0, 1]), [M]),
    ("rot90_0", lambda m, x: x.rot90(4), [M]),
    ("repeat", lambda m, x: x.repeat(2, 1, 3), [randn(2, 3)]),
    ("repeat_same", lambda m, x: x.repeat(2, 2), [randn(2, 3)]),
    ("repeat_0d", lambda m, x: x.repeat(3), [np.array(1.5)]),
    ("tile", lambda m, x: x.tile(2), [randn(2, 3)]),
    ("tile_fn", lambda m, x: m.tile(x, (2, 1, 1)), [randn(2, 3)]),
    ("repeat_interleave", lambda m, x: x.repeat_interleave(2), [randn(2, 3)]),
    ("repeat_interleave_dim", lambda m, x: m.repeat_interleave(x, 3, dim=1), [randn(2, 3)]),
    ("repeat_interleave_t", lambda m, x, r: x.repeat_interleave(r, dim=0),
     [randn(3, 2), np.array([1, 0, 2])]),
    ("repeat_interleave_only", lambda m, r: m.repeat_interleave(r), [np.array([2, 0, 1])]),
    ("atleast_1d", lambda m, x: m.atleast_1d(x), [np.array(1.0)]),
    ("atleast_2d", lambda m, x, y: m.atleast_2d(x, y), [randn(3), np.array(1.0)]),
    ("atleast_3d", lambda m, x, y, z: m.atleast_3d([x, y, z]),
     [randn(3), M, np.array(2.0)]),
    ("atleast_3d_keep", lambda m, x: m.atleast_3d(x), [A]),
    ("meshgrid_ij", lambda m, x, y: m.meshgrid(x, y, indexing="ij"), [randn(3), randn(4)]),
    ("meshgrid_xy", lambda m, x, y, z: m.meshgrid(x, y, z, indexing="xy"),
     [randn(3), randn(4), randn(2)]),
    ("meshgrid_0d", lambda m, x, y: m.meshgrid([x, y], indexing="ij"),
     [np.array(1.0), randn(2)]),
    ("view_f32", lambda m, x: x.view(3, 2).t().unsqueeze(0), [randn(6, dtype=F32)]),
    ("int_views", lambda m, x: (x.t().flip(0), x.unfold(1, 2, 2), x.diag()),
     [randint(0, 9, 4, 4)]),
]


@pytest.mark.parametrize("name, fn, arrays", CASES, ids=[c[0] for c in CASES])
def test_shape_op(name, fn, arrays):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(fn, arrays)


# view ops: what the result reports about its memory, on contiguous and strided inputs
LAYOUT = [
    ("view", lambda m, x: x.view(4, 1, 6)),
    ("view_ones", lambda m, x: x.view(24, 1).view(1, 24, 1)),
    ("reshape", lambda m, x: x.reshape(2, 2, 6)),
    ("reshape_1", lambda m, x: x.reshape(4, 1, 6, 1)),
    ("flatten", lambda m, x: x.flatten()),
    ("unflatten", lambda m, x: x.unflatten(0, (2, 2))),
    ("expand", lambda m, x: x[:, :1].expand(4, 3)),
    ("broadcast_to", lambda m, x: m.broadcast_to(x, (2, 4, 6))),
    ("unsqueeze", lambda m, x: x.unsqueeze(1)),
    ("unsqueeze_end", lambda m, x: x.unsqueeze(2)),
    ("squeeze", lambda m, x: x[:1].squeeze()),
    ("permute", lambda m, x: x.permute(1, 0)),
    ("transpose", lambda m, x: x.transpose(0, 1)),
    ("t", lambda m, x: x.t()),
    ("T", lambda m, x: x.T),
    ("mT", lambda m, x: x.mT),
    ("movedim", lambda m, x: x.movedim(0, 1)),
    ("narrow", lambda m, x: x.narrow(1, 2, 3)),
    ("select", lambda m, x: x.select(1, 2)),
    ("select0", lambda m, x: x.select(0, 3)),
    ("unbind", lambda m, x: x.unbind(1)),
    ("split", lambda m, x: x.split(4, 1)),
    ("split_sizes", lambda m, x: x.split([1, 3], 0)),
    ("tensor_split", lambda m, x: x.tensor_split(3, 1)),
    ("chunk", lambda m, x: x.chunk(2)),
    ("diagonal", lambda m, x: x.diagonal()),
    ("diagonal_off", lambda m, x: x.diagonal(2)),
    ("diagonal_neg", lambda m, x: x.diagonal(-1, 1, 0)),
    ("unfold", lambda m, x: x.unfold(1, 2, 2)),
    ("unfold0", lambda m, x: x.unfold(0, 3, 1)),
    ("as_strided", lambda m, x: x.as_strided((2, 3), (3, 1), 4)),
    ("view_as", lambda m, x: x.view_as(x)),
    ("getitem_int", lambda m, x: x[1]),
    ("getitem_slices", lambda m, x: x[1:3, ::2]),
    ("getitem_none", lambda m, x: x[None, :, None, 1]),
    ("getitem_ellipsis", lambda m, x: x[..., 2:]),
    ("getitem_adv", lambda m, x: x[:, [0, 2]]),
    ("getitem_adv_split", lambda m, x: x[[0, 1], 1:3]),
    ("meshgrid", lambda m, x: m.meshgrid(x[0], x[1], indexing="ij")),
    ("atleast_3d", lambda m, x: m.atleast_3d(x)),
]


@pytest.mark.parametrize("name, fn", LAYOUT, ids=[c[0] for c in LAYOUT])
@pytest.mark.parametrize("contiguous", [True, False])
def test_view_layout(name, fn, contiguous):
    array = M if contiguous else noncontig(M)
    if name.startswith(("view", "flatten", "unflatten")) and not contiguous:
        array = noncontig(randn(6, 4)).T.copy()  # views need compatible strides
    check_layout(fn, array)


def test_views_share_version_counter_and_memory():
    x = tm.arange(12.0).reshape(3, 4).clone()
    for v in (x.view(12), x[1], x.t(), x.diagonal(), x.unfold(1, 2, 1), x.narrow(0, 1, 1),
              x.split(2)[0], x.as_strided((2,), (5,)), x.expand(2, 3, 4), x.unbind()[2]):
        before = v._version
        x.add_(1)
        assert v._version == before + 1
        assert v._base is x
    x[0, 0] = 100.0
    assert x.view(12)[0].item() == 100.0
    d = x.diagonal()
    d.mul_(0)
    assert x[1, 1].item() == 0.0 and x[2, 2].item() == 0.0


def test_inplace_through_view_makes_saved_tensor_stale():
    def run(m):
        a = m.randn(3, requires_grad=True)
        x = a * 1
        y = x.sin()
        v = x.view(3)
        v[0] = 5.0
        y.sum().backward()
    check_error(lambda m: run(m))


def test_diagonal_write_and_grad():
    torch = load_oracle()
    for m in (tm, torch):
        x = m.zeros(3, 3)
        x.diagonal().fill_(1.0)
        assert x.sum().item() == 3.0


def test_unsafe_view_node_names():
    torch = load_oracle()
    a = randn(3, 4)
    for op in (lambda x: x.t().reshape(-1), lambda x: x.reshape(2, 6),
               lambda x: x.flip(0), lambda x: x.roll(1), lambda x: x.unbind()[0],
               lambda x: x.split(2)[0], lambda x: x.split([1, 2])[0], lambda x: x.rot90(),
               lambda x: x.repeat(2, 1), lambda x: x.diag(), lambda x: x.unfold(0, 2, 1),
               lambda x: x.as_strided((2,), (1,)), lambda x: x.T, lambda x: x.diagonal(),
               lambda x: x.tril(), lambda x: x.movedim(0, 1), lambda x: x[0].diag()):
        ours = op(tm.tensor(a, requires_grad=True) * 1).grad_fn.name()
        theirs = op(torch.tensor(a, requires_grad=True) * 1).grad_fn.name()
        assert ours == theirs


def test_resize_():
    torch = load_oracle()
    for m in (tm, torch):
        x = m.arange(6.0)
        y = x.resize_(2, 2)
        assert y is x and tuple(x.shape) == (2, 2) and x.tolist() == [[0.0, 1.0], [2.0, 3.0]]
        x.resize_(3, 3)
        assert tuple(x.shape) == (3, 3) and x.view(-1)[:4].tolist() == [0.0, 1.0, 2.0, 3.0]
        e = m.empty(0)
        e.resize_as_(x)
        assert tuple(e.shape) == (3, 3)
    check_error(lambda m: m.ones(2, requires_grad=True).resize_(3))


def test_T_warns_like_torch():
    with pytest.warns(UserWarning, match="x.T"):
        tm.ones(2, 3, 4).T
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tm.ones(2, 3).T


def test_meshgrid_warns_without_indexing():
    with pytest.warns(UserWarning, match="indexing"):
        tm.meshgrid(tm.ones(2), tm.ones(3))


ERRORS = [
    (lambda m, x: x.view(7, -1), [A]),
    (lambda m, x: x.view(-1, -1), [A]),
    (lambda m, x: x.transpose(0, 1).view(-1), [A]),
    (lambda m, x: x.expand(2, 3), [A]),
    (lambda m, x: x.expand(4, 5, 5), [A]),
    (lambda m, x: m.broadcast_tensors(x, m.ones(2)), [A]),
    (lambda m, x: x.unflatten(1, (3, 2)), [A]),
    (lambda m, x: x.unflatten(1, ()), [A]),
    (lambda m, x: x.squeeze((0, 0)), [A]),
    (lambda m, x: x.squeeze(5), [A]),
    (lambda m, x: x.permute(0, 1), [A]),
    (lambda m, x: x.permute(0, 1, 1), [A]),
    (lambda m, x: x.t(), [A]),
    (lambda m, x: x.mT, [randn(3)]),
    (lambda m, x: x.H, [randn(3)]),
    (lambda m, x: x.movedim((0, 1), (0,)), [A]),
    (lambda m, x: x.movedim((0, 0), (1, 2)), [A]),
    (lambda m, x: x.narrow(1, 3, 2), [A]),
    (lambda m, x: x.narrow(1, 5, 0), [A]),
    (lambda m, x: x.select(1, 4), [A]),
    (lambda m, x: x.chunk(0), [A]),
    (lambda m, x: x.split(0), [A]),
    (lambda m, x: x.split([1, 1]), [A]),
    (lambda m, x: x.tensor_split(0), [A]),
    (lambda m, x: x.diag(), [A]),
    (lambda m, x: x.diagonal(0, 1, 1), [A]),
    (lambda m, x: x[0, 0].tril(), [A]),
    (lambda m, x: x.unfold(1, 5, 1), [A]),
    (lambda m, x: x.unfold(1, 2, 0), [A]),
    (lambda m, x: x.as_strided((100,), (1,)), [A]),
    (lambda m, x: x.flip(0, 0), [A]),
    (lambda m, x: x[0, 0].fliplr(), [A]),
    (lambda m, x: x.roll((1, 2), (0,)), [A]),
    (lambda m, x: x.rot90(1, (0, 0)), [A]),
    (lambda m, x: x.rot90(1, (0, 1, 2)), [A]),
    (lambda m, x: x.repeat(2, 2), [A]),
    (lambda m, x: x.repeat_interleave(-1), [A]),
    (lambda m, x: x.repeat_interleave(m.tensor([1, 2]), dim=0), [A]),
    (lambda m, x: m.meshgrid(x[0, 0], x[0, 0], indexing="foo"), [A]),
]


@pytest.mark.parametrize("fn, arrays", ERRORS)
def test_shape_errors(fn, arrays):
    check_error(fn, arrays)


def test_meshgrid_rejects_matrices():
    check_error(lambda m, x: m.meshgrid(x, x, indexing="ij"), [A],
                match="torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: ")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.data())
def test_reshape_and_permute_property(shape, data):
    torch = load_oracle()
    a = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    perm = data.draw(st.permutations(range(len(shape))))
    new = data.draw(st.permutations(shape))
    for m, x in ((tm, tm.tensor(a)), (torch, torch.tensor(a))):
        y = x.permute(*perm).reshape(*new)
        if m is tm:
            ours = (y.tolist(), y.stride(), y.is_contiguous(), y._base is not None)
        else:
            theirs = (y.tolist(), y.stride(), y.is_contiguous(), y._base is not None)
    assert ours == theirs


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=2, max_size=4), st.data())
def test_split_unfold_diagonal_property(shape, data):
    torch = load_oracle()
    a = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    size = data.draw(st.integers(1, shape[dim]))
    step = data.draw(st.integers(1, 3))
    off = data.draw(st.integers(-3, 3))

    def ops(m, x):
        return [*x.split(size, dim), x.unfold(dim, size, step), x.diagonal(off, 0, -1),
                *x.chunk(step, dim)]
    for o, t in zip(ops(tm, tm.tensor(a)), ops(torch, torch.tensor(a))):
        assert o.tolist() == t.tolist()
        assert (o.stride(), o.is_contiguous()) == (t.stride(), t.is_contiguous())


# regressions found by tests/test_fuzz.py

def test_single_piece_split_gradient():
    """x.chunk(1) / x.split(n) / x.unbind() of a size-1 dim: one output, whose gradient the
    engine passes unwrapped (it was iterated over its first dim: wrong gradients)."""
    x = randn(2, 3)
    check(lambda m, x: x.chunk(1, 1)[0] * 2, [x])
    check(lambda m, x: x.split(3, 1)[0] * 2, [x])
    check(lambda m, x: x.unbind(0)[0] * 2, [randn(1, 3)])
    check(lambda m, x: (x.chunk(1, 1)[0] ** 2).permute(1, 2, 0), [randn(1, 2, 3)])


@pytest.mark.parametrize("call", [
    lambda m, x: x.permute(), lambda m, x: x.expand(), lambda m, x: x.narrow(0, 0, 1),
    lambda m, x: x.chunk(2, 0), lambda m, x: x.split(1, 0)])
def test_zero_dim_shape_errors(call):
    check_error(call, [np.array(1.0)])


def test_zero_dim_transpose_movedim_mT():
    torch = load_oracle()
    check(lambda m, x: x.transpose(0, -1) * 1, [np.array(2.0)])
    check(lambda m, x: x.movedim(0, 0) * 1, [np.array(2.0)])
    for m in (tm, torch):
        x = m.tensor(1.0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert x.mT is x


def test_reshape_alias_and_dtype_view_history():
    torch = load_oracle()
    for m in (tm, torch):
        x = m.zeros(3, 4, requires_grad=True)
        assert type(x.t().reshape(4, 3).grad_fn).__name__ == "ReshapeAliasBackward0"
        assert type(x.reshape(12).grad_fn).__name__ == "ViewBackward0"
        y = x * 1
        v = y.view(y.dtype)  # shares memory and version, but is no autograd view
        assert v._base is None and not v.requires_grad
        v[[0]] = 2.0
        assert not v.requires_grad and y._version == 1
        assert type(y.grad_fn).__name__ == "MulBackward0"


# regressions found by tests/test_fuzz.py

@pytest.mark.parametrize("array, sizes", [
    (randn(1, 3), (1, 1, 3)), (randn(3, 2).T, (1, 1, 2, 3)), (randn(3, 2).T, (2, 1, 2, 3)),
    (np.float32(1.0), (1, 1)), (np.float32(1.0), (1, 2, 1)), (randn(3, 1), (1, 3, 4))])
def test_expand_new_unit_dims_strides(array, sizes):
    # a new leading dim of size 1 gets a contiguous stride, not 0
    check_layout(lambda m, x: x.expand(*sizes), np.asarray(array))


@pytest.mark.parametrize("sizes", [(1, 1, 3), (1, 3)])
def test_inplace_through_expand_without_overlap(sizes):
    # an expansion that adds only size-1 dims shares no element, so torch writes through it
    def fn(m, x, y):
        x = x.clone()
        v = x.expand(*sizes)
        v *= y
        return x, v
    check(fn, [randn(1, 3), randn(3)])


def test_inplace_through_overlapping_expand_errors():
    check_error(lambda m, x: x.clone().expand(3, 2).mul_(2), [randn(3, 1)])


@pytest.mark.parametrize("fn", [
    lambda m, x: x.movedim(-1, 1).clone(), lambda m, x: x[:, :, ::2].transpose(0, 2).clone(),
    lambda m, x: x[:1, :1].expand(3, 3, 4).clone(), lambda m, x: x.permute(2, 0, 1)[::3].clone(),
    lambda m, x: x.movedim(-1, 1).clone(memory_format=m.contiguous_format)])
def test_clone_preserves_stride_order(fn):
    check_layout(fn, np.asarray(randn(2, 3, 4)))


def test_view_of_permuted_clone_errors():
    check_error(lambda m, x: x.movedim(-1, 1).clone().view(1, 4, 3, 2), [randn(2, 3, 4)])
